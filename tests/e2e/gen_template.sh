#!/bin/bash
# Golden cases of the template engine, through `unravel gen render`.
# Each folder tests/golden/template/CASE/ holds the template and its inputs,
# `args` (the arguments after `gen`; default: render template.mustache
# context.json), `expected` (stdout, byte for byte), and optionally
# `expected_stderr` and `expected_exit` (default 0).
set -u
: "${UNRAVEL:?}" "${ROOT:?}"
. "$ROOT/tests/golden.sh"
fail=0
golden_run template "gen" "render template.mustache context.json" || fail=1
[ "$GOLDEN_N" -ge 20 ] || { echo "FAIL: too few template cases ($GOLDEN_N)"; fail=1; }
exit $fail
