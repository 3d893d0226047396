#!/bin/bash
# Golden cases of the Python frontend, through `unravel facts`.
# Each folder tests/golden/python-frontend/CASE/ holds the input file(s),
# `args` (the arguments after `facts`; default: input.py --format json) and
# `expected`: stdout with the "version" key removed (jq -S), so a version
# bump does not touch every case. Optional `expected_exit` (default 0).
# UPDATE_GOLDEN=1 rewrites `expected` from the current output (review the diff!).
set -u
: "${UNRAVEL:?}" "${ROOT:?}"
fail=0 n=0
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
for dir in "$ROOT"/tests/golden/python-frontend/*/; do
	case=$(basename "$dir")
	n=$((n + 1))
	args="input.py --format json"
	[ -f "$dir/args" ] && args=$(cat "$dir/args")
	want_exit=0
	[ -f "$dir/expected_exit" ] && want_exit=$(cat "$dir/expected_exit")
	# shellcheck disable=SC2086
	(cd "$dir" && "$UNRAVEL" facts $args --no-cache --jobs 1) >"$out.raw" 2>"$err"
	rc=$?
	if [ "$rc" != "$want_exit" ]; then
		echo "FAIL $case: exit $rc, expected $want_exit"; cat "$err"; fail=1; continue
	fi
	if ! jq -S 'del(.version)' <"$out.raw" >"$out" 2>/dev/null; then
		echo "FAIL $case: output is not JSON"; head -20 "$out.raw"; fail=1; continue
	fi
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		cp "$out" "$dir/expected"
		continue
	fi
	if ! cmp -s "$out" "$dir/expected"; then
		echo "FAIL $case: output differs"; diff -u "$dir/expected" "$out" | head -60; fail=1
	fi
done
rm -f "$out.raw"
echo "$n python-frontend cases"
[ "$n" -ge 20 ] || { echo "FAIL: too few python-frontend cases ($n)"; fail=1; }
exit $fail
