#!/usr/bin/env python3
"""Oracle for the Python frontend's import records.

Extracts every import record of a tree with the standard `ast` module, with
the scope rules of SPEC.md (first match wins: type_checking under
`if TYPE_CHECKING:` / `if <mod>.TYPE_CHECKING:` but not its else/elif;
function inside any def; conditional under if/elif/else/try/except/finally/
with/for/while/match at load time; else module - a class body is module),
and compares them with `unravel facts PATH --format json`.

Records are (file, line, module, name, level, scope); `import a, b` gives
one per module, `from m import a, b` one per name. Files that `ast` cannot
parse are left out of the comparison (unravel keeps the imports of such
files; ast loses them).

usage: py_imports.py UNRAVEL PATH... [--min 99.5] [--show N]
Prints the agreement both ways and the differences grouped by file; exits 1
when either figure is below --min.
"""
import argparse
import ast
import collections
import json
import os
import subprocess
import sys

SKIP_DIRS = {"__pycache__", "node_modules"}


def is_type_checking(test):
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    if isinstance(test, ast.Attribute):
        return test.attr == "TYPE_CHECKING" and isinstance(test.value, ast.Name)
    return False


def scope_of(tc, fn, cond):
    if tc:
        return "type_checking"
    if fn:
        return "function"
    if cond:
        return "conditional"
    return "module"


def records(path, tree):
    out = []

    def visit(stmts, tc, fn, cond):
        for s in stmts:
            if isinstance(s, ast.Import):
                for a in s.names:
                    out.append((path, s.lineno, a.name, None, 0, scope_of(tc, fn, cond)))
            elif isinstance(s, ast.ImportFrom):
                for a in s.names:
                    out.append((path, s.lineno, s.module or "", a.name, s.level or 0,
                                scope_of(tc, fn, cond)))
            elif isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(s.body, tc, True, cond)
            elif isinstance(s, ast.ClassDef):
                visit(s.body, tc, fn, cond)
            elif isinstance(s, ast.If):
                visit(s.body, tc or is_type_checking(s.test), fn, True)
                visit(s.orelse, tc, fn, True)
            elif isinstance(s, (ast.For, ast.AsyncFor, ast.While)):
                visit(s.body, tc, fn, True)
                visit(s.orelse, tc, fn, True)
            elif isinstance(s, (ast.With, ast.AsyncWith)):
                visit(s.body, tc, fn, True)
            elif isinstance(s, ast.Try) or type(s).__name__ == "TryStar":
                visit(s.body, tc, fn, True)
                for h in s.handlers:
                    visit(h.body, tc, fn, True)
                visit(s.orelse, tc, fn, True)
                visit(s.finalbody, tc, fn, True)
            elif type(s).__name__ == "Match":
                for c in s.cases:
                    visit(c.body, tc, fn, True)

    visit(tree.body, False, False, False)
    return out


def walk(root):
    """The .py/.pyi files unravel's scan finds: no hidden or cache folders, no symlinks."""
    if os.path.isfile(root):
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(".") and d not in SKIP_DIRS
                             and not os.path.islink(os.path.join(dirpath, d)))
        for f in sorted(filenames):
            p = os.path.join(dirpath, f)
            if (f.endswith(".py") or f.endswith(".pyi")) and not os.path.islink(p):
                yield p


def display(p):
    """unravel's display path (scan.c path_display): relative to the current directory."""
    if os.path.isabs(p) and os.getcwd() != "/":
        return os.path.relpath(p, os.getcwd())
    return os.path.normpath(p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("unravel")
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--min", type=float, default=99.5)
    ap.add_argument("--show", type=int, default=40)
    args = ap.parse_args()

    want = collections.Counter()
    parsed = set()
    failed = 0
    for root in args.paths:
        for p in walk(root):
            try:
                with open(p, "rb") as f:
                    src = f.read()
                tree = ast.parse(src, filename=p)
            except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError):
                failed += 1
                continue
            d = display(p)
            parsed.add(d)
            want.update(records(d, tree))

    res = subprocess.run([args.unravel, "facts", *args.paths, "--format", "json", "--no-cache",
                          "-q"], stdout=subprocess.PIPE, check=False)
    if res.returncode != 0:
        print(f"unravel facts exited {res.returncode}")
        return 2
    doc = json.loads(res.stdout)
    got = collections.Counter()
    for f in doc["files"]:
        if f["lang"] != "python" or f["path"] not in parsed:
            continue
        for im in f["imports"]:
            got[(f["path"], im["line"], im["module"], im["name"], im["level"], im["scope"])] += 1

    common = sum((want & got).values())
    nw, ng = sum(want.values()), sum(got.values())
    recall = 100.0 * common / nw if nw else 100.0
    precision = 100.0 * common / ng if ng else 100.0
    print(f"files: {len(parsed)} parsed by ast, {failed} excluded (ast cannot parse)")
    print(f"ast records: {nw}, unravel records: {ng}, agreeing: {common}")
    print(f"agreement: {recall:.3f}% of ast's records found by unravel, "
          f"{precision:.3f}% of unravel's records confirmed by ast")
    missing = want - got
    extra = got - want
    shown = 0
    for key in sorted(set(missing) | set(extra), key=lambda k: (k[0], k[1], str(k[2:]))):
        if shown >= args.show:
            print(f"... {len(missing) + len(extra) - shown} more differences")
            break
        mark = "-ast-only" if key in missing else "+unravel-only"
        print(f"  {mark} {key[0]}:{key[1]} module={key[2]!r} name={key[3]!r} "
              f"level={key[4]} scope={key[5]}")
        shown += 1
    ok = recall >= args.min and precision >= args.min
    if not ok:
        print(f"FAIL: agreement below {args.min}%")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
