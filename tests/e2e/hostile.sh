#!/bin/bash
# Hostile trees (issue 9), through the real binary: symbolic links leading
# outside the root and link loops, file names with spaces, newlines, bytes
# that are not UTF-8 and leading dashes, many files in one folder, 1000-deep
# folders (also deeper than PATH_MAX), a 200 MB file, pathological lines
# (100k imported names, 100k dots, 100k brackets), C files including
# themselves, patches that would leave the root, code content that looks like
# template syntax, and shapes that once took hours (a file of 200k classes, a
# dense import graph, thousands of managers). Every run must end without a
# crash, within its time limit, with valid JSON where JSON was asked for.
#
# The whole script takes about 20 s, 50 s and 1.4 GB under ASan (`make asan`).
# HOSTILE_FILES (default 100000) is the size of the one-folder case,
# HOSTILE_SHAPES (default 1) divides the sizes of the shapes and HOSTILE_SLOW
# (default 1) multiplies every time limit: `make valgrind` sets 2000, 10 and
# 20 (memcheck is some 30 times slower; it looks for memory errors there).
set -u
: "${UNRAVEL:?}" "${ROOT:?}"
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
export PYTHONDONTWRITEBYTECODE=1
fail=0
bad() { echo "FAIL: $*"; fail=1; }
start=$(date +%s)

nfiles=${HOSTILE_FILES:-100000}
slow=${HOSTILE_SLOW:-1}

# run LABEL LIMIT CMD...: CMD (stdout to $tmp/out, stderr to $tmp/err) within
# LIMIT seconds, no crash, no sanitizer report, exit 0 or 1; sets $rc.
run() {
	local label=$1 limit=$2
	shift 2
	limit=$((limit * slow))
	timeout "$limit" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc = 124 ]; then
		bad "$label: still running after ${limit}s"
	elif [ $rc -ge 2 ] || grep -q "Sanitizer\|runtime error:" "$tmp/err"; then
		bad "$label: exit $rc"; tail -5 "$tmp/err"
	fi
}
# json_check LABEL PYTHON-EXPR: $tmp/out is JSON and EXPR (on d) holds.
json_check() {
	python3 - "$tmp/out" "$2" <<'PY' || bad "$1"
import json, sys
try:
    d = json.load(open(sys.argv[1], encoding="utf-8"))
except ValueError as e:
    sys.exit("not valid JSON: %s" % e)
if not eval(sys.argv[2]):
    sys.exit("failed: %s\n%s" % (sys.argv[2], json.dumps(d, indent=1)[:1500]))
PY
}
want_err() { grep -qF -- "$2" "$tmp/err" || { bad "$1: stderr lacks '$2'"; head -5 "$tmp/err"; }; }

# ---------- 1. symbolic links: outside the root, loops ----------
mkdir -p "$tmp/outside/pkg" "$tmp/s/app"
cd "$tmp/s"
printf 'import app.b\n' >app/a.py
printf 'import app.a\n' >app/b.py
: >app/__init__.py
printf 'import app.a\n' >"$tmp/outside/ext.py"
printf 'import app.a\n' >"$tmp/outside/pkg/m.py"
ln -s ../outside linked          # a folder outside the root
ln -s ../../outside/ext.py app/ext.py  # a file outside the root
ln -s . loop                     # a loop
ln -s ../app app/again           # a link inside the root: silent, scanned once
run "symlinks (default)" 30 "$UNRAVEL" scan . --no-cache --format json
json_check "symlinks not followed" 'd["files"]["python"] == 3'
json_check "outside links warned" 'sorted(w for w in d["warnings"] if "outside the scanned root" in w) == [
  "app/ext.py: warning: symbolic link to outside the scanned root not followed (use --follow-symlinks)",
  "linked: warning: symbolic link to outside the scanned root not followed (use --follow-symlinks)"]'
json_check "links within the root not warned" 'not any(w.startswith(("loop", "app/again")) for w in d["warnings"])'
run "symlinks followed" 30 "$UNRAVEL" graph . --follow-symlinks --no-cache --format json
json_check "outside files scanned with --follow-symlinks" \
	'sorted(n["file"] for n in d["nodes"]) == ["app/__init__.py", "app/a.py", "app/b.py", "app/ext.py", "linked/ext.py", "linked/pkg/m.py"]'
want_err "link loop" "symbolic link loop; not followed"

# ---------- 2. file names: spaces, newlines, not UTF-8, leading dashes ----------
mkdir -p "$tmp/n/-d" && cd "$tmp/n"
printf 'import os\n' >"with space.py"
printf 'import os\n' >"-rf.py"
printf 'import os\n' >"--help.py"
printf 'import os\n' >"-d/x.py"
printf 'import os\n' >"new
line.py"
printf 'import os\n' >"$(printf 'bad\377name.py')"
printf 'import with\n' >"importer.py"
printf 'import os\0' >"bin
ary.py"
for cmd in "scan" "graph --kind imports" "graph --kind managers" "cycles" "dups" "verify"; do
	# shellcheck disable=SC2086
	run "names: $cmd" 30 "$UNRAVEL" $cmd . --no-cache --format json
	json_check "names: $cmd: JSON" 'isinstance(d["warnings"], list)'
	want_err "names: $cmd" "bad"$'\xef\xbf\xbd'"name.py: warning: name is not valid UTF-8; skipped"
done
"$UNRAVEL" scan . --no-cache --format json >"$tmp/out" 2>/dev/null
json_check "names: every valid name scanned" 'd["files"]["python"] == 6'
"$UNRAVEL" graph . --no-cache --format json >"$tmp/out" 2>/dev/null
json_check "names: only identifiers are modules" '[n["id"] for n in d["nodes"]] == ["importer"]'
run "names: text output" 30 "$UNRAVEL" scan . --no-cache
grep -q "^files: 6 python" "$tmp/out" || bad "names: text scan: $(head -1 "$tmp/out")"
# one warning per line: the newline in a name is written as \n
grep -qxF 'bin\nary.py:1: warning: binary file (NUL byte); skipped' "$tmp/err" ||
	bad "names: a newline in a name split a warning: $(cat "$tmp/err")"

# ---------- 3. many files in one folder ----------
mkdir "$tmp/many" && cd "$tmp/many"
# Hard links (at most 60000 to one file): the tree is written in a second or two.
python3 - "$nfiles" <<'PY'
import os, sys
for i in range(int(sys.argv[1])):
    if i % 60000 == 0:
        src = "m%d.py" % i
        with open(src, "w") as f:
            f.write("import m1\n")
    else:
        os.link(src, "m%d.py" % i)
PY
t0=$(date +%s)
run "$nfiles files" 120 "$UNRAVEL" scan . --no-cache --format json
json_check "$nfiles files counted" "d['files']['python'] == $nfiles"
echo "ok: $nfiles files in one folder scanned in $(( $(date +%s) - t0 ))s"
# ... and a graph of that many modules is too large to draw: a clear error at once
t0=$(date +%s)
timeout $((120 * slow)) "$UNRAVEL" graph . --no-cache --format svg -o "$tmp/many.svg" 2>"$tmp/err"
rc=$?
[ $rc = 2 ] || bad "svg of $nfiles modules: exit $rc"
want_err "svg of $nfiles modules" "graph too large to draw: $nfiles modules drawn as $nfiles nodes"
want_err "svg of $nfiles modules" "--format dot"
echo "ok: svg of $nfiles modules refused in $(( $(date +%s) - t0 ))s"
# ... and the report says so in the page, the rest of it written
run "report of $nfiles modules" 120 "$UNRAVEL" report . --no-cache -q -o "$tmp/many.html"
grep -q "(not drawn: graph too large to draw: $nfiles modules" "$tmp/many.html" ||
	bad "report of $nfiles modules: no reason in the page"
cd "$tmp" && rm -rf "$tmp/many"

# ---------- 4. deep folders ----------
mkdir "$tmp/deep" && cd "$tmp/deep"
# 1000 levels of "d": a 2000-byte path, within PATH_MAX
mkdir -p "$(printf 'd/%.0s' $(seq 1000))"
python3 - <<'PY'
import os
open(("d/" * 1000) + "bottom.py", "w").write("import os\n")
open("top.py", "w").write("import d\n")
# 1000 levels of a 9-byte name: 10 kB, beyond PATH_MAX (made relative, step by step)
os.mkdir("long")
os.chdir("long")
for i in range(1000):
    os.mkdir("abcdefghi")
    os.chdir("abcdefghi")
    if i == 100:
        open("mid.py", "w").write("import os\n")
open("unreachable.py", "w").write("import os\n")
PY
run "deep folders" 60 "$UNRAVEL" graph . --no-cache --format json
json_check "1000-deep module found" '".".join(["d"] * 1000) + ".bottom" in [n["id"] for n in d["nodes"]]'
json_check "module under 100 long folders found" 'any(n["file"].endswith("/mid.py") for n in d["nodes"])'
json_check "too deep: a warning" 'any("File name too long" in w for w in d["warnings"])'
cd "$tmp" && rm -rf "$tmp/deep"

# ---------- 5. a 200 MB file ----------
mkdir "$tmp/big" && cd "$tmp/big"
printf 'import os\n' >small.py
truncate -s 200M big.py
run "200 MB file" 30 "$UNRAVEL" scan . --no-cache --format json
json_check "200 MB file skipped" 'd["files"]["python"] == 1 and "big.py: warning: file larger than --max-file-size (10485760 bytes); skipped" in d["warnings"]'
want_err "200 MB file" "big.py: warning: file larger than --max-file-size (10485760 bytes); skipped"
cd "$tmp" && rm -rf "$tmp/big"

# ---------- 6. pathological lines ----------
mkdir -p "$tmp/lines/pkg" && cd "$tmp/lines"
: >pkg/__init__.py
python3 - <<'PY'
n = 100000
open("pkg/names.py", "w").write("from os import " + ", ".join("n%d" % i for i in range(n)) + "\n")
open("pkg/paren.py", "w").write("from pkg.names import (" + ", ".join("n%d" % i for i in range(n)) + ")\n")
open("pkg/dots.py", "w").write("from " + "." * n + " import x\n")
open("pkg/dotsmod.py", "w").write("from " + "." * n + "names import x\n")
open("pkg/nested.py", "w").write("x = " + "(" * n + ")" * n + "\n")
open("pkg/open.py", "w").write("x = " + "[" * n + "\n")
open("pkg/calls.py", "w").write("x = " + "f(" * n + ")" * n + "\n")
open("pkg/attrs.py", "w").write("x = " + "a." * n + "a\n")
open("pkg/lambdas.py", "w").write("x = " + "lambda: " * n + "1\n")
open("pkg/fstr.py", "w").write("x = " + 'f"{' * 2000 + "1" + '}"' * 2000 + "\n")
PY
for cmd in "graph" "cycles" "dups" "verify"; do
	t0=$(date +%s)
	# shellcheck disable=SC2086
	run "lines: $cmd" 90 "$UNRAVEL" $cmd . --no-cache --format json
	json_check "lines: $cmd: JSON" 'isinstance(d["warnings"], list)'
	echo "ok: pathological lines: $cmd in $(( $(date +%s) - t0 ))s"
done
"$UNRAVEL" graph . --no-cache --format json >"$tmp/out" 2>/dev/null
json_check "100k names: the edges, with a short text" \
	'[e["to"] for e in d["edges"] if e["from"] == "pkg.paren"] == ["pkg.names"] and max(len(e.get("text", "")) for e in d["edges"]) < 300'
"$UNRAVEL" scan . --no-cache --format json >"$tmp/out" 2>"$tmp/err"
json_check "lines: every file scanned" 'd["files"]["python"] == 11'
cd "$tmp" && rm -rf "$tmp/lines"

# ---------- 7. C files including themselves ----------
mkdir "$tmp/c" && cd "$tmp/c"
printf '#include "self.c"\nint x;\n' >self.c
printf '#ifndef A_H\n#include "b.h"\nint a;\n#endif\n' >a.h
printf '#include "a.h"\nint b;\n' >b.h
printf '#include "a.h"\nint main(void) { return 0; }\n' >main.c
run "self-including C" 60 "$UNRAVEL" cycles . --no-cache --format json
[ $rc = 1 ] || bad "self-including C: exit $rc, expected 1 (a.h <-> b.h)"
json_check "include cycle found" '[sorted(s["nodes"]) for s in d["sccs"]] == [["a.h", "b.h"]]'
want_err "self-including C" "self.c:1:10: warning: #include nested too deeply"

# ---------- 8. patches stay inside the root ----------
cp -r "$ROOT/tests/golden/cache-rewrite/construct-local/input" "$tmp/p"
mkdir -p "$tmp/pout/pkg"
cp "$tmp/p/app/local.py" "$tmp/pout/ext.py"
cp "$tmp/p/app/local.py" "$tmp/pout/pkg/m.py"
cd "$tmp/p"
ln -s ../pout linked
ln -s ../../pout/ext.py app/ext.py
cp app/local.py "app/with space.py"
cp app/local.py "app/-rf.py"
cp app/local.py "app/new
line.py"
sums() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum); }
sums "$tmp/pout" >"$tmp/pout.sums"
check_paths() { # LABEL PATCH: every path in the diff headers is a/... or b/... inside the root
	python3 - "$2" <<'PY' || bad "$1: a path leaves the root"
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
names = re.findall(r'^(?:--- |\+\+\+ )(.*?)\t?$', text, re.M)
assert names, "no file in the patch"
for p in names:
    if p.startswith('"'):
        assert p.endswith('"'), p
        p = p[1:-1]
    if p == "/dev/null":
        continue
    assert p[:2] in ("a/", "b/"), p
    parts = p[2:].split("/")
    assert ".." not in parts and "" not in parts, p
    assert parts[0] != "linked" and p[2:] != "app/ext.py", p
for line in re.findall(r'^diff --git (.*)$', text, re.M):
    assert line.startswith(('a/', '"a/')), line
PY
}
cd "$tmp"
run "patch: from outside the root" 60 "$UNRAVEL" gen cache-rewrite "$tmp/p" --no-cache -q
cp "$tmp/out" "$tmp/p1.patch"
check_paths "patch (absolute PATH)" "$tmp/p1.patch"
grep -q '^--- a/app/with space.py	$' "$tmp/p1.patch" || bad "patch: no tab after a name with a space"
grep -qF 'diff --git "a/app/new\nline.py" "b/app/new\nline.py"' "$tmp/p1.patch" || bad "patch: name with a newline not quoted"
cd "$tmp/p/app"
run "patch: PATH .." 60 "$UNRAVEL" gen cache-rewrite .. --no-cache -q
cmp -s "$tmp/out" "$tmp/p1.patch" || bad "patch: paths depend on the current folder"
rm -rf "$tmp/pc" && cp -r "$tmp/p" "$tmp/pc" && cd "$tmp/pc"
git init -q . && git apply --check "$tmp/p1.patch" || bad "patch: git apply --check"
patch -p1 --dry-run -s <"$tmp/p1.patch" >/dev/null || bad "patch: patch -p1 --dry-run"
git apply "$tmp/p1.patch" || bad "patch: git apply"
cd "$tmp"
run "patch: --apply" 60 "$UNRAVEL" gen cache-rewrite "$tmp/p" --no-cache -q --apply
sums "$tmp/pout" | cmp -s - "$tmp/pout.sums" || bad "patch: --apply changed files outside the root"
diff -r -x .git "$tmp/p" "$tmp/pc" >/dev/null || bad "patch: --apply differs from the patch"
# Followed links: the files behind them are analysed, never patched.
cp -r "$ROOT/tests/golden/cache-rewrite/construct-local/input/." "$tmp/p/"
sums "$tmp/p" >"$tmp/p.sums"
timeout $((60 * slow)) "$UNRAVEL" gen cache-rewrite "$tmp/p" --no-cache -q --follow-symlinks --apply >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 2 ] || bad "patch through a link: exit $rc, expected 2"
want_err "patch through a link" "a symbolic link leads it outside the scanned root"
sums "$tmp/pout" | cmp -s - "$tmp/pout.sums" || bad "patch through a link: files outside the root changed"
sums "$tmp/p" | cmp -s - "$tmp/p.sums" || bad "patch through a link: a partial apply"

# ---------- 9. code content that looks like template syntax ----------
tdir="$tmp/t {{x}}}}
import os #"
mkdir -p "$tdir/app" && cd "$tdir"
: >app/__init__.py
cat >app/managers.py <<'EOF'
"""{{x}} }} {{#y}} {{/y}} {{{z}}} {{>partial}} {{!c}} {{=<% %>=}}"""


class RiskManager:
    """Risk {{x}} */ }}"""

    def __init__(self, algorithm):
        self.algorithm = algorithm

    def check(self):
        self.weird = getattr(self.algorithm, "{{x}}}}")
        return getattr(self.algorithm, "order_manager").count("{{x}}\n}}")


class OrderManager:
    def __init__(self, algorithm, risk_manager):
        self.algorithm = algorithm
        self.risk = risk_manager

    def count(self, s):
        return len(s)
EOF
cat >app/host.py <<'EOF'
from app.managers import OrderManager, RiskManager


class Algorithm:
    def __init__(self):
        self.risk_manager = RiskManager(self)
        self.order_manager = OrderManager(self, self.risk_manager)
EOF
cd "$tmp"
gen_out="$tmp/gen {{y}}
import sys"
mkdir -p "$gen_out"
run "template: gen factory" 30 "$UNRAVEL" gen factory "$tdir" --lang python --no-cache -q -o "$gen_out/manager_factory.py"
run "template: gen eventbus" 30 "$UNRAVEL" gen eventbus "$tdir" --lang python --no-cache -q -o "$gen_out"
for f in "$gen_out"/manager_factory.py "$gen_out"/event_bus.py; do
	python3 -m py_compile "$f" || bad "template: $(basename "$f") does not compile"
	! grep -q '^import \(os\|sys\)' "$f" || bad "template: a name broke a line of $(basename "$f")"
done
grep -qF '# RiskManager (t {{x}}}} import os #/app/managers.py:4)' "$gen_out/manager_factory.py" ||
	bad "template: the path is not kept literally in the comment"
head -1 "$gen_out/manager_factory.py" | grep -qF "gen {{y}} import sys/manager_factory.py" ||
	bad "template: the command line is not kept literally: $(head -1 "$gen_out/manager_factory.py")"
(cd "$gen_out" && PYTHONPATH="$tdir" python3 -c '
import manager_factory, app.host
h = app.host.Algorithm.__new__(app.host.Algorithm)
f = manager_factory.ManagerFactory(h)
assert f.creation_order == ["risk_manager", "order_manager"], f.creation_order
f.create_all()
') || bad "template: the generated factory does not run"
# C: a folder named "c*" puts "*/" into every path, inside C comments.
cdir="c {{x}}*"
cd "$tmp"
cp -r "$ROOT/tests/e2e/gen/cledger" "$cdir"
mkdir "$cdir/gen"
run "template: gen factory C" 30 "$UNRAVEL" gen factory "$cdir" --lang c --break-cycles --no-cache -q -o "$cdir/gen/manager_factory.c"
run "template: gen eventbus C" 30 "$UNRAVEL" gen eventbus "$cdir" --lang c --no-cache -q -o "$cdir/gen"
cd "$cdir"
grep -qF '/* clock_manager, c {{x}}* /src/clock_manager.h:5 */' gen/manager_factory.c ||
	bad "template: C path not kept (comment-safe) in the comment"
for f in gen/*.c; do
	${CC:-cc} -std=c11 -Wall -Wextra -Werror -fsyntax-only -I. -Isrc -Igen "$f" || bad "template: $f does not compile"
done

# ---------- 10. shapes that were quadratic: time bounds ----------
# One file of 200k classes, one class of 120k methods (a linear search per
# reference: hours), a dense import graph (1000 modules importing 50 each:
# one search per cut edge, minutes), 3000 managers (gen factory: 28 s).
# HOSTILE_SHAPES divides the sizes (make valgrind).
div=${HOSTILE_SHAPES:-1}
mkdir -p "$tmp/shapes/dense" "$tmp/shapes/mgr" && cd "$tmp/shapes"
python3 - "$div" <<'PY'
import random, sys
div = int(sys.argv[1])
n = 200000 // div
open("classes.py", "w").write("".join(
    "class C%d(B%d, metaclass=M):\n    x = C%d.y\n" % (i, i, i - 1) for i in range(n)))
n = 120000 // div
open("methods.py", "w").write("class A:\n" + "".join(
    "    def m%d(self):\n        return self.a%d.b(self.c%d)\n" % (i, i, i) for i in range(n)))
random.seed(1)
n = 1000 // div
for i in range(n):
    open("dense/m%d.py" % i, "w").write("".join("import m%d\n" % random.randrange(n) for _ in range(50)))
n = 3000 // div
src = "".join("class M%dManager:\n    def __init__(self, algorithm, m%d_manager):\n"
              "        self.algorithm = algorithm\n        self.o = algorithm.m%d_manager\n\n"
              % (i, (i + 1) % n, (i * 7 + 3) % n) for i in range(n))
src += "class Algo:\n    def __init__(self):\n" + "".join(
    "        self.m%d_manager = M%dManager(self, None)\n" % (i, i) for i in range(n))
open("mgr/app.py", "w").write(src)
PY
for f in classes.py methods.py; do
	t0=$(date +%s)
	run "shapes: $f" 30 "$UNRAVEL" graph "$f" --kind managers --no-cache --format json
	echo "ok: $f in $(( $(date +%s) - t0 ))s"
done
t0=$(date +%s)
run "shapes: dense cycles" 20 "$UNRAVEL" cycles dense --no-cache --format json
json_check "dense: one cycle, a cut" 'len(d["sccs"]) == 1 and len(d["sccs"][0]["cut"]) > 100'
[ "$div" != 1 ] || want_err "dense cycles" "imports cycles too dense: no shortest cycle shown for"
run "shapes: dense cycles text" 20 "$UNRAVEL" cycles dense --no-cache
grep -q "^  cut [0-9]* edges to break it:" "$tmp/out" || bad "dense: no cut in the text"
echo "ok: dense import graph in $(( $(date +%s) - t0 ))s"
t0=$(date +%s)
run "shapes: gen factory" 15 "$UNRAVEL" gen factory mgr --lang python --break-cycles --no-cache -q -o f.py
python3 -m py_compile f.py || bad "shapes: the factory of many managers does not compile"
echo "ok: gen factory of $((3000 / div)) managers in $(( $(date +%s) - t0 ))s"
cd "$tmp" && rm -rf "$tmp/shapes"

echo "hostile: $(( $(date +%s) - start ))s (${nfiles} files in one folder)"
exit $fail
