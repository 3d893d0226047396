#!/bin/bash
# Golden cases of the C frontend, through `unravel facts`.
# Each folder tests/golden/c-frontend/CASE/ holds the input files, `args`
# (the arguments after `facts`; default: . --format json) and `expected`:
# stdout with the "version" key removed (jq -S) and the case folder's
# absolute path (in "resolved") replaced by "CASE", so the cases do not
# depend on where the repository lives. Optional `expected_exit` (default 0).
# UPDATE_GOLDEN=1 rewrites `expected` from the current output (review the diff!).
set -u
: "${UNRAVEL:?}" "${ROOT:?}"
fail=0 n=0
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$out.raw" "$err"' EXIT
for dir in "$ROOT"/tests/golden/c-frontend/*/; do
	case=$(basename "$dir")
	n=$((n + 1))
	args=". --format json"
	[ -f "$dir/args" ] && args=$(cat "$dir/args")
	want_exit=0
	[ -f "$dir/expected_exit" ] && want_exit=$(cat "$dir/expected_exit")
	real=$(cd "$dir" && pwd -P)
	# shellcheck disable=SC2086
	(cd "$dir" && "$UNRAVEL" facts $args --no-cache --jobs 2) >"$out.raw" 2>"$err"
	rc=$?
	if [ "$rc" != "$want_exit" ]; then
		echo "FAIL $case: exit $rc, expected $want_exit"; cat "$err"; fail=1; continue
	fi
	if ! jq -S 'del(.version)' <"$out.raw" | sed "s|$real/|CASE/|g" >"$out" 2>/dev/null; then
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
echo "$n c-frontend cases"
[ "$n" -ge 10 ] || { echo "FAIL: too few c-frontend cases ($n)"; fail=1; }
exit $fail
