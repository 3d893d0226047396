#!/bin/bash
# Replay every fuzz target's crash regressions (fuzz/regressions/NAME/) and
# seeds (fuzz/seeds-NAME.sh) through its replay binary ($BUILD/fuzz/replay_NAME:
# the target linked without libFuzzer, so `make asan` runs them under
# ASan/UBSan). A crash or a failed check aborts the binary and fails the test.
set -eu
bindir=$(dirname "$UNRAVEL")/fuzz
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$ROOT"
n=0
for src in fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	name=${name#fuzz_}
	bin=$bindir/replay_$name
	[ -x "$bin" ] || { echo "missing $bin (make builds it)"; exit 1; }
	inputs=()
	if [ -d "fuzz/regressions/$name" ]; then
		inputs+=("$ROOT/fuzz/regressions/$name")
	fi
	if [ -x "fuzz/seeds-$name.sh" ]; then
		while read -r f; do
			case "$f" in /*) inputs+=("$f") ;; *) inputs+=("$ROOT/$f") ;; esac
		done < <(SEED_DIR="$tmp/seeds" "fuzz/seeds-$name.sh")
	fi
	[ ${#inputs[@]} -gt 0 ] || continue
	# The targets make scratch folders in the current directory.
	mkdir -p "$tmp/run-$name"
	(cd "$tmp/run-$name" && "$bin" "${inputs[@]}") 2>"$tmp/log-$name" || {
		echo "FAIL: replay_$name"; tail -30 "$tmp/log-$name"; exit 1; }
	tail -1 "$tmp/log-$name"
	n=$((n + 1))
	# No scratch folder left behind.
	if [ -n "$(ls -A "$tmp/run-$name")" ]; then
		echo "FAIL: replay_$name left files behind:"; ls -A "$tmp/run-$name"; exit 1
	fi
done
[ $n -ge 7 ] || { echo "only $n fuzz targets replayed"; exit 1; }
echo "ok: $n fuzz targets replayed"
