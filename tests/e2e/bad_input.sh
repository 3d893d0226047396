#!/bin/bash
# Bad input never aborts a scan: binary, unreadable, huge, non-UTF-8 files
# and symlink loops are warnings (path: warning: ...) and the rest is
# analysed; a PATH that does not exist is an error with exit 2.
set -u
t=$(mktemp -d); trap 'chmod -R u+rwx "$t"; rm -rf "$t"' EXIT
mkdir -p "$t/p/pkg"
echo "import pkg.b" > "$t/p/pkg/a.py"
echo "import pkg.a" > "$t/p/pkg/b.py"
: > "$t/p/pkg/__init__.py"
printf 'import os\n\0\1\2binary' > "$t/p/pkg/bin.py"
echo "import pkg.a" > "$t/p/pkg/secret.py"; chmod 000 "$t/p/pkg/secret.py"
python3 -c "import sys; sys.stdout.write('x = 1; ' * (20*1024*1024//7))" > "$t/p/pkg/huge.py"
ln -s .. "$t/p/pkg/loop"
fail=0
out=$("$UNRAVEL" cycles "$t/p" --format json 2>"$t/err"); rc=$?
cat "$t/err"
[ $rc = 1 ] || { echo "expected exit 1 (the a<->b cycle), got $rc"; fail=1; }
grep -q 'bin.py:2: warning: binary file' "$t/err" || { echo "no binary warning"; fail=1; }
if [ "$(id -u)" != 0 ]; then
	grep -q 'secret.py: warning: cannot read' "$t/err" || { echo "no unreadable warning"; fail=1; }
fi
grep -q 'huge.py: warning: file larger than' "$t/err" || { echo "no size warning"; fail=1; }
echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["sccs"] and sorted(d["sccs"][0]["nodes"]) == ["pkg.a", "pkg.b"], d["sccs"]
assert any("binary file" in w for w in d["warnings"]), d["warnings"]
' || fail=1
# --max-file-size raised: the 20 MB one-line file is read and parsed, no crash
"$UNRAVEL" graph "$t/p" --max-file-size 100000000 -q --format json >/dev/null; rc=$?
[ $rc = 0 ] || { echo "huge file parse: exit $rc"; fail=1; }
# symlink loop followed on request: reported, not looped
"$UNRAVEL" graph "$t/p" --follow-symlinks --format json >/dev/null 2>"$t/err2"; rc=$?
[ $rc = 0 ] || { echo "follow-symlinks: exit $rc"; cat "$t/err2"; fail=1; }
grep -q 'symbolic link loop' "$t/err2" || { echo "no loop warning"; cat "$t/err2"; fail=1; }
# missing PATH: exit 2 with a clear message
"$UNRAVEL" cycles "$t/nope" 2>"$t/err3"; rc=$?
[ $rc = 2 ] || { echo "missing PATH: exit $rc"; fail=1; }
grep -q "cannot access '.*nope'" "$t/err3" || { echo "no missing-path message"; cat "$t/err3"; fail=1; }
# bad option / bad format: usage error exit 2
"$UNRAVEL" cycles "$t/p" --format xml 2>/dev/null; [ $? = 2 ] || { echo "bad format not exit 2"; fail=1; }
"$UNRAVEL" cycles "$t/p" --bogus 2>/dev/null; [ $? = 2 ] || { echo "bad option not exit 2"; fail=1; }
exit $fail
