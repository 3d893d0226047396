#!/bin/bash
# Golden cases of the manager graph and the inventory (`unravel scan`,
# `unravel graph/cycles --kind managers`). Each folder
# tests/golden/managers/CASE/ holds the input tree (input/), `args` (the
# whole command line after `unravel`; default: graph input --kind managers
# --format json --no-cache), `expected` (stdout, byte for byte), and
# optionally `expected_stderr`, `expected_exit` (default 0) and `cwd` (a
# folder relative to the repository root to run in; default: the case folder).
set -u
: "${UNRAVEL:?}" "${ROOT:?}"
fail=0 n=0
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
for dir in "$ROOT"/tests/golden/managers/*/; do
	case=$(basename "$dir")
	n=$((n + 1))
	args="graph input --kind managers --format json --no-cache"
	[ -f "$dir/args" ] && args=$(cat "$dir/args")
	want_exit=0
	[ -f "$dir/expected_exit" ] && want_exit=$(cat "$dir/expected_exit")
	run="$dir"
	[ -f "$dir/cwd" ] && run="$ROOT/$(cat "$dir/cwd")"
	# shellcheck disable=SC2086
	(cd "$run" && "$UNRAVEL" $args) >"$out" 2>"$err"
	rc=$?
	if [ "$rc" != "$want_exit" ]; then
		echo "FAIL $case: exit $rc, expected $want_exit"; cat "$err"; fail=1; continue
	fi
	if ! cmp -s "$out" "$dir/expected"; then
		echo "FAIL $case: stdout differs"; diff -u "$dir/expected" "$out" | head -80; fail=1
	fi
	if [ -f "$dir/expected_stderr" ]; then
		if ! cmp -s "$err" "$dir/expected_stderr"; then
			echo "FAIL $case: stderr differs"; diff -u "$dir/expected_stderr" "$err"; fail=1
		fi
	elif [ -s "$err" ]; then
		echo "FAIL $case: unexpected stderr"; cat "$err"; fail=1
	fi
done
echo "$n manager cases"
exit $fail
