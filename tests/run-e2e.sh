#!/bin/bash
# Run every end-to-end test script tests/e2e/*.sh against $UNRAVEL.
# Each script exits 0 on success; its output is shown only when it fails.
# Prints the plain closing line "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${UNRAVEL:?set UNRAVEL to the binary}"
export UNRAVEL ROOT="$(dirname "$here")"
pass=0 fail=0 failed=""
for t in "$here"/e2e/*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	if [ -n "${E2E_ONLY:-}" ] && [[ "$name" != *$E2E_ONLY* ]]; then continue; fi
	log=$(mktemp)
	start=$(date +%s)
	if bash "$t" >"$log" 2>&1; then
		pass=$((pass + 1)); echo "ok   $name ($(( $(date +%s) - start ))s)"
	else
		fail=$((fail + 1)); failed="$failed $name"; echo "FAIL $name"; sed 's/^/    /' "$log" | tail -60
	fi
	rm -f "$log"
done
echo "e2e: $pass passed, $fail failed"
[ $fail -eq 0 ]
