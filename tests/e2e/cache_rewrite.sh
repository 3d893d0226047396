#!/bin/bash
# Golden cases of `unravel gen cache-rewrite`. Each folder
# tests/golden/cache-rewrite/CASE/ holds input/ (the project, scanned as the
# root), optional `args` (extra arguments), `expected` (the patch, byte for
# byte), optional `expected_audit` (the --dry-run output) and optional `run`
# (a shell command run in the patched copy, e.g. python3 -m unittest).
# Every patch must pass `git apply --check` and `patch -p1 --dry-run`, apply,
# and a second run on the patched copy must give an empty patch.
set -u
: "${UNRAVEL:?}" "${ROOT:?}"
fail=0 n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for dir in "$ROOT"/tests/golden/cache-rewrite/*/; do
	case=$(basename "$dir")
	n=$((n + 1))
	args=""
	[ -f "$dir/args" ] && args=$(cat "$dir/args")
	# shellcheck disable=SC2086
	(cd "$dir" && "$UNRAVEL" gen cache-rewrite input --no-cache -q $args) >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL $case: exit $rc"; cat "$tmp/err"; fail=1; continue
	fi
	if [ -s "$tmp/err" ]; then
		echo "FAIL $case: unexpected stderr"; cat "$tmp/err"; fail=1
	fi
	if ! cmp -s "$tmp/out" "$dir/expected"; then
		echo "FAIL $case: patch differs"; diff -u "$dir/expected" "$tmp/out" | head -80; fail=1
	fi
	if [ -f "$dir/expected_audit" ]; then
		# shellcheck disable=SC2086
		(cd "$dir" && "$UNRAVEL" gen cache-rewrite input --no-cache -q --dry-run $args) >"$tmp/audit" 2>&1
		if ! cmp -s "$tmp/audit" "$dir/expected_audit"; then
			echo "FAIL $case: audit differs"; diff -u "$dir/expected_audit" "$tmp/audit" | head -60; fail=1
		fi
	fi
	rm -rf "$tmp/copy"
	cp -r "$dir/input" "$tmp/copy"
	if ! (cd "$tmp/copy" && git init -q . && git apply --check "$tmp/out"); then
		echo "FAIL $case: git apply --check"; fail=1; continue
	fi
	if ! (cd "$tmp/copy" && patch -p1 --dry-run -s <"$tmp/out" >/dev/null); then
		echo "FAIL $case: patch -p1 --dry-run"; fail=1; continue
	fi
	(cd "$tmp/copy" && git apply "$tmp/out") || { echo "FAIL $case: git apply"; fail=1; continue; }
	if [ -f "$dir/run" ] && ! (cd "$tmp/copy" && bash "$dir/run") >"$tmp/run.log" 2>&1; then
		echo "FAIL $case: the patched project does not run"; cat "$tmp/run.log"; fail=1
	fi
	# shellcheck disable=SC2086
	(cd "$tmp/copy" && "$UNRAVEL" gen cache-rewrite . --no-cache -q $args) >"$tmp/again" 2>&1
	if [ -s "$tmp/again" ]; then
		echo "FAIL $case: second run is not empty"; head -40 "$tmp/again"; fail=1
	fi
done
echo "$n cache-rewrite cases"
exit $fail
