#!/bin/bash
# Oracle test of the C lexer's function finder (what `unravel dups` uses for
# C): its definitions must agree with libclang's at >= 98.5% on unravel's own
# C sources and on the uthash examples Debian installs (tests/oracle/c_lexfuncs.py).
set -u
: "${UNRAVEL:?}" "${ROOT:?}"
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
trees=("$ROOT/analyzer" "$ROOT/cli" "$ROOT/codegen" "$ROOT/examples")
[ -d /usr/share/doc/uthash-dev/examples ] && trees+=(/usr/share/doc/uthash-dev/examples)
"$py" "$ROOT/tests/oracle/c_lexfuncs.py" "$UNRAVEL" --min 98.5 "${trees[@]}"
