#!/usr/bin/env python3
"""Recall of unravel dups against jscpd's clone pairs, with the misses explained.

usage: recall.py JSCPD_REPORT.json UNRAVEL.json CORPUS_DIR MIN_TOKENS [LANG]

Both tools must have been run from CORPUS_DIR on "." so that paths agree.
A jscpd pair (A, B) is found when one unravel group has a member overlapping
A and another member overlapping B. A miss is put in the first class it fits:
  short:    either side has fewer than MIN_TOKENS tokens once comments,
            docstrings, blank lines (and in C preprocessor lines) are dropped
            (jscpd counts them; unravel does not, by design). For C the count
            is a regex approximation of libclang's tokens.
  sub:      both sides are inside reported groups, but not the same one
            (unravel reports the longest class and skips sub-clones of it)
  other:    anything else (listed)
"""
import io
import json
import os
import sys
import tokenize

report, mine, corpus, min_tokens = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
lang = sys.argv[5] if len(sys.argv) > 5 else "python"

j = json.load(open(report))
u = json.load(open(mine))
groups = [[(m["file"], m["start_line"], m["end_line"]) for m in g["members"]]
          for g in u["groups"] if g["kind"] == "clone"]
by_file = {}
for gi, g in enumerate(groups):
    for mi, (f, s, e) in enumerate(g):
        by_file.setdefault(f, []).append((s, e, gi, mi))


def norm(name):
    return os.path.normpath(name).lstrip("./") if name.startswith("./") else os.path.normpath(name)


def hits(side):
    f, s, e = side
    return [(gi, mi) for (a, b, gi, mi) in by_file.get(f, []) if a <= e and s <= b]


_lines = {}
_stripped = {}


def code_tokens(side):
    """Tokens of lines s..e without comments, docstrings, blank lines (approximate for C)."""
    f, s, e = side
    if f not in _lines:
        try:
            _lines[f] = open(os.path.join(corpus, f), encoding="utf-8", errors="replace").read()
        except OSError:
            _lines[f] = ""
    src = _lines[f]
    if lang != "python":
        import re
        if f not in _stripped:
            # comments of the whole file (a range may start inside one), newlines kept
            _stripped[f] = re.sub(r"/\*.*?\*/|//[^\n]*",
                                  lambda m: "\n" * m.group(0).count("\n") or " ", src, flags=re.S)
        # preprocessor lines other than #define are not tokens for the C frontend
        text = "\n".join(l for l in _stripped[f].splitlines()[s - 1:e]
                          if not l.lstrip().startswith("#") or l.lstrip()[1:].lstrip().startswith("define"))
        return len(re.findall(r"[A-Za-z_]\w*|\d[\w.]*|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|->|\+\+|--|&&|\|\||[<>=!]=|<<|>>|\S", text))
    n = 0
    prev = None
    try:
        toks = list(tokenize.generate_tokens(io.StringIO(src).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return 10 ** 9
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENDMARKER, tokenize.ENCODING}
    for t in toks:
        if t.start[0] > e:
            break
        doc = t.type == tokenize.STRING and (prev is None or prev.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.NL))
        if t.type not in skip:
            if t.start[0] >= s and not doc:
                n += 1
            prev = t
        elif t.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            prev = t
    return n


pairs = j.get("duplicates", [])
found = 0
miss = {"short": 0, "sub": 0, "other": []}
subs = []
for d in pairs:
    a = (norm(d["firstFile"]["name"]), d["firstFile"]["start"], d["firstFile"]["end"])
    b = (norm(d["secondFile"]["name"]), d["secondFile"]["start"], d["secondFile"]["end"])
    ha, hb = hits(a), hits(b)
    if any(ga == gb and ma != mb for (ga, ma) in ha for (gb, mb) in hb):
        found += 1
    elif min(code_tokens(a), code_tokens(b)) < min_tokens:
        miss["short"] += 1
    elif ha and hb:
        miss["sub"] += 1
        subs.append((a, b))
    else:
        miss["other"].append((a, b))
n = len(pairs)
countable = n - miss["short"]
print("jscpd pairs: %d; found in one unravel group: %d (%.1f%%)" % (n, found, 100.0 * found / n if n else 100))
print("  misses with fewer than %d code tokens (comments/docstrings counted by jscpd): %d" % (min_tokens, miss["short"]))
print("  misses whose sides are in two different, overlapping unravel groups: %d" % miss["sub"])
print("  other misses: %d" % len(miss["other"]))
print("recall on pairs with at least %d code tokens: %d of %d (%.1f%%)"
      % (min_tokens, found, countable, 100.0 * found / countable if countable else 100))
show = int(os.environ.get("SHOW", "15"))
for a, b in miss["other"][:show]:
    print("    other: %s:%d-%d <-> %s:%d-%d" % (a + b))
for a, b in subs[:show]:
    print("    sub: %s:%d-%d <-> %s:%d-%d" % (a + b))
