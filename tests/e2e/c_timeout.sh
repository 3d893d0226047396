#!/bin/bash
# A C file libclang cannot finish (a macro that doubles 40 times: 2^40
# tokens, minutes and gigabytes) is given up after --c-timeout: a warning
# names it, the other TUs are parsed (with --jobs 1 by a worker started in
# place of the stuck one), the process ends at once with the right exit
# status although the stuck thread is still inside libclang, also through an
# error exit. The TU cache remembers the timeout until a project file changes
# or the bound is raised.
set -u
: "${UNRAVEL:?}" "${ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/p"
cd "$tmp/p" || exit 2
python3 - <<'EOF'
lines = ["#define A0 x,"] + [f"#define A{i} A{i-1} A{i-1}" for i in range(1, 41)]
open("bomb.c", "w").write("\n".join(lines) + "\nint v[] = { A40 };\n")
EOF
printf '#include "ok.h"\nint f(void) { return 1; }\n' >ok.c
printf 'int f(void);\n' >ok.h
fail=0
bad() { echo "FAIL $*"; fail=1; }

# run NAME EXPECTED-RC ARGS...: the graph as JSON, bounded from outside at 60 s
run() {
	local name=$1 want=$2 rc
	shift 2
	timeout 60 "$UNRAVEL" graph . --format json --jobs 1 --cache-dir "$tmp/cache" "$@" \
		>"$tmp/out.json" 2>"$tmp/err"
	rc=$?
	[ $rc = "$want" ] || { bad "$name: exit $rc, expected $want"; cat "$tmp/err"; return 1; }
	return 0
}
edge_ok() { python3 -c '
import json, sys
g = json.load(open(sys.argv[1]))
assert any(e["from"] == "ok.c" and e["to"] == "ok.h" for e in g["edges"]), g["edges"]
assert any(n["id"] == "bomb.c" for n in g["nodes"])' "$tmp/out.json"; }

if run cold 0 --c-timeout 2; then
	edge_ok || bad "cold: the edge ok.c -> ok.h is missing"
	grep -q '^bomb.c: warning: libclang did not finish parsing this translation unit within 2 s (--c-timeout); ' \
		"$tmp/err" || { bad "cold: no timeout warning"; cat "$tmp/err"; }
fi
# Warm: the cache says it timed out; no new wait (the warning says where it comes from).
if run warm 0 --c-timeout 2; then
	edge_ok || bad "warm: the edge ok.c -> ok.h is missing"
	grep -q '^bomb.c: warning: .*within 2 s (--c-timeout) in an earlier run' "$tmp/err" ||
		{ bad "warm: the timeout did not come from the TU cache"; cat "$tmp/err"; }
fi
# A project file changed: parsed (and given up) again.
sleep 0.01
printf 'int f(void);\nint g(void);\n' >ok.h
if run changed 0 --c-timeout 1; then
	grep -q '^bomb.c: warning: .*within 1 s (--c-timeout); ' "$tmp/err" ||
		{ bad "changed: not parsed again"; cat "$tmp/err"; }
fi
# A larger bound than the one recorded: parsed again.
if run larger 0 --c-timeout 1.5; then
	grep -q '^bomb.c: warning: .*within 1.5 s (--c-timeout); ' "$tmp/err" ||
		{ bad "larger bound: not parsed again"; cat "$tmp/err"; }
fi
# An error after the parse was abandoned: exit 2 with the message, no crash.
if run error-exit 2 --c-timeout 1 --no-cache -o "$tmp/no/such/dir/g.json"; then
	grep -q 'error' "$tmp/err" || { bad "error-exit: no error message"; cat "$tmp/err"; }
fi
# Nothing on stdout lost to the quick exit: the whole JSON document is there.
if run stdout 0 --c-timeout 1 --no-cache; then
	edge_ok || bad "stdout: truncated or wrong JSON"
fi
# A bad value is a usage error.
run bad-value 2 --c-timeout soon && grep -q "c-timeout" "$tmp/err" || bad "bad value: no message"

# Many bombs: at most 4 parses are left running (each holds a core and its
# memory); the TUs still queued then are not tried, and one warning says so.
mkdir -p "$tmp/many" && cd "$tmp/many" || exit 2
for i in 1 2 3 4 5 6 7 8; do cp "$tmp/p/bomb.c" "bomb$i.c"; done
printf '#include "a_ok.h"\n' >a_ok.c
printf 'int f(void);\n' >a_ok.h
timeout 120 "$UNRAVEL" graph . --format json --jobs 2 --no-cache --c-timeout 1 >"$tmp/out.json" 2>"$tmp/err"
rc=$?
[ $rc = 0 ] || bad "many bombs: exit $rc"
n=$(grep -c 'did not finish parsing' "$tmp/err")
{ [ "$n" -ge 4 ] && [ "$n" -le 5 ]; } || bad "many bombs: $n parses given up, expected 4 or 5"
grep -q "^unravel: warning: [0-9] C translation units were not parsed: the parses of [45] others outlived --c-timeout" \
	"$tmp/err" || { bad "many bombs: no warning for the TUs not tried"; cat "$tmp/err"; }
python3 -c '
import json, sys
g = json.load(open(sys.argv[1]))
assert any(e["from"] == "a_ok.c" and e["to"] == "a_ok.h" for e in g["edges"]), g["edges"]' \
	"$tmp/out.json" || bad "many bombs: the edge a_ok.c -> a_ok.h is missing"

[ $fail = 0 ] && echo "c_timeout: ok"
exit $fail
