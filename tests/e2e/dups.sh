#!/bin/bash
# Golden cases of `unravel dups`. Each folder tests/golden/dups/CASE/ holds
# the input tree (input/), `args` (the arguments after `dups`; default:
# input --format json --no-cache), `expected` (stdout, byte for byte), and
# optionally `expected_stderr` and `expected_exit` (default 0). The command
# runs in the case folder, so paths read input/...
set -u
: "${UNRAVEL:?}" "${ROOT:?}"
. "$ROOT/tests/golden.sh"
fail=0
golden_run dups "dups" "input --format json --no-cache" || fail=1
exit $fail
