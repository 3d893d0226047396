#!/bin/bash
# Golden cases for the import graph and cycles: tests/golden/imports/<case>/
#   tree/      the input project
#   args       the command line after `unravel` (run from the case folder)
#   expected   the exact stdout
#   exit       the expected exit status (default 0)
# UPDATE=1 rewrites expected files.
set -u
fail=0
for d in "$ROOT"/tests/golden/imports/*/; do
	name=$(basename "$d")
	args=$(cat "$d/args")
	want_rc=$(cat "$d/exit" 2>/dev/null || echo 0)
	out=$(cd "$d" && eval "\"$UNRAVEL\" $args --no-cache" 2>/tmp/golden-err.$$); rc=$?
	if [ "${UPDATE:-}" = 1 ]; then printf '%s\n' "$out" > "$d/expected"; echo $rc > "$d/exit"; continue; fi
	if [ "$rc" != "$want_rc" ]; then echo "$name: exit $rc, expected $want_rc"; cat /tmp/golden-err.$$; fail=1; fi
	if ! diff -u "$d/expected" <(printf '%s\n' "$out") > /tmp/golden-diff.$$; then
		echo "$name: output differs"; cat /tmp/golden-diff.$$; fail=1
	fi
done
rm -f /tmp/golden-err.$$ /tmp/golden-diff.$$
exit $fail
