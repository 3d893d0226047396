#!/usr/bin/env python3
"""Oracle test of the C lexer's function finder (the functions `unravel dups`
sees): on each tree, every function definition libclang reports (`funcs` in
`unravel facts`) must be found by the lexer (`lexical_funcs`) with the same
name, first line and last line, at >= --min percent. The lexer also finds
definitions in #if branches libclang did not take; those are counted, not
failed. Misses are printed: a definition a macro spells (DEFINE_ADD(...)) or
renames (#define f g) is one libclang sees and the text does not show.

usage: c_lexfuncs.py UNRAVEL --min PCT DIR..."""
import json
import subprocess
import sys


def main():
    args = sys.argv[1:]
    unravel = args.pop(0)
    minimum = 99.0
    if "--min" in args:
        i = args.index("--min")
        minimum = float(args[i + 1])
        del args[i:i + 2]
    ok = True
    for tree in args:
        out = subprocess.run([unravel, "facts", "--no-cache", "-q", "--format", "json", tree],
                             capture_output=True, text=True, check=False)
        if out.returncode not in (0, 1):
            print(f"FAIL {tree}: unravel facts exited {out.returncode}: {out.stderr[:500]}")
            ok = False
            continue
        total = match = extra = 0
        misses = []
        for f in json.loads(out.stdout)["files"]:
            if f["lang"] != "c":
                continue
            clang = {(x["name"], x["line"], x["end_line"]) for x in f["funcs"]}
            lexed = {(x["name"], x["line"], x["end_line"]) for x in f["lexical_funcs"]}
            total += len(clang)
            match += len(clang & lexed)
            extra += len(lexed - clang)
            misses += [(f["path"],) + m for m in sorted(clang - lexed)]
        pct = 100.0 * match / total if total else 0.0
        print(f"{tree}: {match} of {total} libclang definitions found by the lexer "
              f"({pct:.2f}%); {extra} more in #if branches libclang did not take")
        for m in misses[:10]:
            print("  missed: %s: %s lines %d-%d" % m)
        if not total or pct < minimum:
            print(f"FAIL {tree}: {pct:.2f}% < {minimum}%")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
