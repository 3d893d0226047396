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
. "$ROOT/tests/golden.sh"
fail=0
golden_run managers "" "graph input --kind managers --format json --no-cache" || fail=1
exit $fail
