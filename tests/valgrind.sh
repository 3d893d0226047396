#!/bin/bash
# `make valgrind`: a representative part of the end-to-end tests with every
# run of the binary under valgrind's memcheck: no invalid access, no use of
# uninitialised values, no definite leak (--errors-for-leak-kinds=definite).
# Only definite leaks are shown (a thread that pango/glib starts for font
# loading may still be running at exit: its stack is "possibly lost", which
# made the log non-empty in about one run in ten).
# Third-party libraries' own allocations are suppressed by tests/valgrind.supp
# (graphviz, fontconfig/pango, libclang/LLVM, ld.so), never unravel's.
#
# The tests get $UNRAVEL = a wrapper running build/unravel under valgrind;
# each process writes its report to a log file, so the tests see the usual
# stdout and stderr, and a non-empty log (or exit 99) fails this script.
# Covered: tests/e2e/hostile.sh (HOSTILE_FILES=2000, HOSTILE_SHAPES=10, timeouts x HOSTILE_SLOW),
# tests/e2e/bad_input.sh, tests/e2e/faults.sh (FAULT_RUNS=3 per sweep), and
# scan / graph (json, dot, svg) / cycles / dups / verify / gen / report on
# examples/trading and examples/ctrading (libclang). VALGRIND_ONLY=NAME runs
# the steps whose name contains NAME. Usage: tests/valgrind.sh [BINARY].
set -u
here=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$here")
real=${1:-$ROOT/build/unravel}
command -v valgrind >/dev/null || { echo "valgrind is not installed (make deps-test)"; exit 2; }
[ -x "$real" ] || { echo "no binary at $real (make)"; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/logs"
cat >"$tmp/unravel" <<EOF
#!/bin/sh
exec valgrind -q --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --error-exitcode=99 \\
	--suppressions="$here/valgrind.supp" --num-callers=30 \\
	--log-file="$tmp/logs/vg.%p.log" "$real" "\$@"
EOF
chmod +x "$tmp/unravel"
export UNRAVEL="$tmp/unravel" ROOT
fail=0 start=$(date +%s)

step() { # NAME CMD...: run a test script or command, report its time
	local name=$1 t0=$(date +%s)
	shift
	if [ -n "${VALGRIND_ONLY:-}" ] && [[ "$name" != *$VALGRIND_ONLY* ]]; then return; fi
	if "$@" >"$tmp/step.log" 2>&1; then
		echo "ok   $name ($(( $(date +%s) - t0 ))s)"
	else
		echo "FAIL $name"; sed 's/^/    /' "$tmp/step.log" | tail -40; fail=1
	fi
}

# The examples, command by command (exit 1 = found something: fine).
examples() {
	local out="$tmp/ex" rc=0 c
	mkdir -p "$out"
	cp -r "$ROOT/examples/trading" "$ROOT/examples/ctrading" "$out/"
	cd "$out" || return 1
	rm -rf trading/.unravel-cache ctrading/.unravel-cache
	printf '\n[factory]\nargs.TradeValidator.max_contracts = 50\n' >>trading/.unravel.ini
	printf '[factory]\nargs.risk_manager.max_qty = 10\nargs.strategy_manager.max_qty = 10\n' \
		>ctrading/.unravel.ini
	for c in "scan trading" "scan ctrading --format json" "graph trading --format json" \
		"graph trading --kind managers --format svg -o m.svg" "graph trading --format dot" \
		"graph ctrading --format svg -o c.svg" "cycles trading --kind all --format sarif" \
		"cycles ctrading --kind all" "dups trading --format json" "dups ctrading" \
		"verify trading" "gen factory trading --lang python --break-cycles -o f.py" \
		"gen eventbus trading --lang python -o ." "gen factory ctrading --lang c --break-cycles -o cf.c" \
		"gen cache-rewrite trading" "gen cache-rewrite ctrading" "report trading -o r.html" \
		"scan trading"; do
		# shellcheck disable=SC2086
		"$UNRAVEL" $c -q >/dev/null 2>"$out/err"
		rc=$?
		if [ $rc -gt 1 ]; then
			echo "unravel $c: exit $rc"; cat "$out/err"; return 1
		fi
	done
	# the last scan ran from the cache the first one wrote
	[ -d trading/.unravel-cache ] || { echo "no cache written"; return 1; }
}

step examples examples
step bad_input bash "$here/e2e/bad_input.sh"
step hostile env HOSTILE_FILES=2000 HOSTILE_SHAPES=10 HOSTILE_SLOW=20 bash "$here/e2e/hostile.sh"
step faults env FAULT_RUNS=3 bash "$here/e2e/faults.sh"

nruns=$(find "$tmp/logs" -name 'vg.*.log' | wc -l)
nbad=0
for log in "$tmp/logs"/vg.*.log; do
	[ -s "$log" ] || continue
	nbad=$((nbad + 1))
	if [ $nbad -le 5 ]; then
		echo "== valgrind report: $(basename "$log")"; head -60 "$log"
	fi
done
[ $nbad = 0 ] || fail=1
echo "valgrind: $nruns runs of unravel, $nbad with errors ($(( $(date +%s) - start ))s)"
exit $fail
