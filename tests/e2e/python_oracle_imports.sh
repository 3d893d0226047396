#!/bin/bash
# Oracle test of the Python frontend: every import record (file, line,
# module, name, level, scope) of the Python 3.11 standard library and of
# Django, as Python's own `ast` module sees them (tests/oracle/py_imports.py),
# must agree with `unravel facts` at >= 99.5% both ways. Prints the figures.
set -u
: "${UNRAVEL:?}" "${ROOT:?}"
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
paths=()
for p in /usr/lib/python3.11 /usr/lib/python3/dist-packages/django; do
	[ -d "$p" ] && paths+=("$p")
done
if [ ${#paths[@]} -eq 0 ]; then
	echo "FAIL: neither /usr/lib/python3.11 nor Django is installed (make deps-test)"
	exit 1
fi
tmp=$(mktemp -d) && cd "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT
"$py" "$ROOT/tests/oracle/py_imports.py" "$UNRAVEL" "${paths[@]}" --min 99.5
