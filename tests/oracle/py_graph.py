#!/usr/bin/env python3
"""Oracle for unravel's Python import graph, built on Python's own `ast`.

Computes the intra-project import edges of a tree with the SPEC.md
semantics (roots, packages, namespace packages, relative imports, deepest
project module, scopes) and compares them with `unravel graph --format json`
on the same tree; optionally compares cycles (Tarjan over the ast edges) with
`unravel cycles --format json`.

usage: py_graph.py UNRAVEL PATH [--min-agreement 99.5] [--cycles]
Exit 0 when agreement (both ways) >= the minimum and, with --cycles, the SCCs
match exactly (with and without function-level imports).
"""
import ast
import json
import os
import subprocess
import sys
from collections import Counter


def is_package_dir(d):
    return os.path.isfile(os.path.join(d, "__init__.py"))


def root_for(path):
    path = os.path.abspath(path)
    d = path if os.path.isdir(path) else os.path.dirname(path)
    while is_package_dir(d) and os.path.dirname(d) != d:
        d = os.path.dirname(d)
    return d


def walk_py(path):
    if os.path.isfile(path):
        yield os.path.abspath(path)
        return
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(".") and d not in ("__pycache__", "node_modules")
                             and not os.path.islink(os.path.join(dirpath, d)))
        for f in sorted(filenames):
            full = os.path.join(dirpath, f)
            if f.endswith(".py") and not os.path.islink(full):
                yield os.path.abspath(full)


def module_name(root, f):
    rel = os.path.relpath(f, root)
    base = rel[:-3]
    is_init = False
    if base == "__init__" or base.endswith("/__init__"):
        is_init = True
        base = base[: -len("__init__")].rstrip("/")
    if not base or any(c in base for c in ".- "):
        return None, False
    return base.replace("/", "."), is_init


class ScopeVisitor(ast.NodeVisitor):
    """Collect (node, scope) for every import, first match wins:
    type_checking > function > conditional > module."""

    def __init__(self):
        self.out = []
        self.tc = 0
        self.func = 0
        self.cond = 0

    @staticmethod
    def is_type_checking(test):
        if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
            return True
        if isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING" and \
                isinstance(test.value, ast.Name) and test.value.id == "typing":
            return True
        return False

    def scope(self):
        if self.tc:
            return "type_checking"
        if self.func:
            return "function"
        if self.cond:
            return "conditional"
        return "module"

    def visit_Import(self, node):
        self.out.append((node, self.scope()))

    visit_ImportFrom = visit_Import

    def _func(self, node):
        for d in node.decorator_list:
            self.visit(d)
        self.func += 1
        for stmt in node.body:
            self.visit(stmt)
        self.func -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = _func

    def visit_If(self, node):
        if self.is_type_checking(node.test):
            self.tc += 1
            for stmt in node.body:
                self.visit(stmt)
            self.tc -= 1
            self.cond += 1
            for stmt in node.orelse:
                self.visit(stmt)
            self.cond -= 1
            return
        self.cond += 1
        self.generic_visit(node)
        self.cond -= 1

    def _cond(self, node):
        self.cond += 1
        self.generic_visit(node)
        self.cond -= 1

    visit_Try = visit_With = visit_AsyncWith = visit_For = visit_AsyncFor = visit_While = _cond
    if hasattr(ast, "TryStar"):
        visit_TryStar = _cond
    if hasattr(ast, "Match"):
        visit_Match = _cond


def build(path):
    root = root_for(path)
    files = list(walk_py(path))
    mods = {}          # module -> file (package __init__ wins)
    file_mod = {}
    names = set()
    for f in files:
        m, is_init = module_name(root, f)
        if m is None:
            continue
        if m in mods and (mods[m].endswith("/__init__.py") and not is_init):
            continue
        mods[m] = f
        file_mod[f] = m
        parts = m.split(".")
        for i in range(1, len(parts)):
            names.add(".".join(parts[:i]))
    names |= set(mods)
    # a module shadowed by a package does not keep its own name
    file_mod = {f: m for f, m in file_mod.items() if mods.get(m) == f}

    def deepest(name):
        parts = name.split(".")
        while parts:
            n = ".".join(parts)
            if n in mods:
                return n
            parts.pop()
        return None

    edges = Counter()
    unparsable = set()
    for f, me in sorted(file_mod.items()):
        try:
            with open(f, "rb") as fh:
                tree = ast.parse(fh.read(), filename=f)
        except (SyntaxError, ValueError):
            unparsable.add(os.path.relpath(f))
            continue
        v = ScopeVisitor()
        v.visit(tree)
        is_init = f.endswith("/__init__.py")
        for node, scope in v.out:
            targets = []
            if isinstance(node, ast.Import):
                for a in node.names:
                    top = a.name.split(".")[0]
                    if top in names:
                        t = deepest(a.name)
                        if t:
                            targets.append(t)
            else:
                if node.level:
                    pkg = me.split(".")
                    up = node.level - (1 if is_init else 0)
                    if up >= len(pkg):
                        continue
                    if up:
                        pkg = pkg[:-up]
                    base = ".".join(pkg)
                    if node.module:
                        base += "." + node.module
                else:
                    base = node.module or ""
                    if base.split(".")[0] not in names:
                        continue
                for a in node.names:
                    if a.name != "*" and (base + "." + a.name) in mods:
                        targets.append(base + "." + a.name)
                    else:
                        t = deepest(base)
                        if t:
                            targets.append(t)
            for t in targets:
                if t != me:
                    edges[(me, t, os.path.relpath(f), node.lineno, scope)] += 1
    return set(edges), unparsable


def tarjan(nodes, adj):
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(sorted(adj.get(start, ()))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on.add(start)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(adj.get(w, ())))))
                    advanced = True
                    break
                elif w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return sorted(out)


def main():
    unravel, path = sys.argv[1], sys.argv[2]
    minimum = 99.5
    if "--min-agreement" in sys.argv:
        minimum = float(sys.argv[sys.argv.index("--min-agreement") + 1])
    oracle, unparsable = build(path)
    res = subprocess.run([unravel, "graph", path, "--kind", "imports", "--format", "json", "-q"],
                         capture_output=True, text=True)
    if res.returncode not in (0, 1):
        print("unravel failed:", res.stderr[:2000])
        return 1
    doc = json.loads(res.stdout)
    mine = set()
    for e in doc["edges"]:
        if e["file"] in unparsable:
            continue
        mine.add((e["from"], e["to"], e["file"], e["line"], e["scope"]))
    # compare (from, to, file, line) ignoring scope first, then the scopes
    key = lambda s: {(a, b, f, l) for (a, b, f, l, _) in s}
    ko, km = key(oracle), key(mine)
    both = ko & km
    a_in_b = 100.0 * len(both) / max(1, len(ko))
    b_in_a = 100.0 * len(both) / max(1, len(km))
    scope_o = {(a, b, f, l): s for (a, b, f, l, s) in oracle}
    scope_m = {(a, b, f, l): s for (a, b, f, l, s) in mine}
    scope_agree = sum(1 for k in both if scope_o[k] == scope_m[k])
    print(f"edges: oracle {len(ko)}, unravel {len(km)}, common {len(both)}")
    print(f"agreement: {a_in_b:.2f}% of oracle edges found, {b_in_a:.2f}% of unravel edges confirmed,"
          f" scopes agree on {100.0 * scope_agree / max(1, len(both)):.2f}%")
    print(f"files ast cannot parse (excluded): {len(unparsable)}")
    for k in sorted(ko - km)[:15]:
        print("  missing:", k)
    for k in sorted(km - ko)[:15]:
        print("  extra:  ", k)
    for k in sorted(k for k in both if scope_o[k] != scope_m[k])[:15]:
        print("  scope:  ", k, "oracle", scope_o[k], "unravel", scope_m[k])
    ok = a_in_b >= minimum and b_in_a >= minimum and \
        100.0 * scope_agree / max(1, len(both)) >= minimum
    if "--cycles" in sys.argv:
        for extra, keep in ((["--no-cache"], lambda s: s != "type_checking"),
                            (["--scope", "module"], lambda s: s == "module")):
            adj, nodes = {}, set()
            for (a, b, f, l, s) in oracle:
                nodes |= {a, b}
                if keep(s):
                    adj.setdefault(a, set()).add(b)
            want = tarjan(nodes, adj)
            res = subprocess.run([unravel, "cycles", path, "--kind", "imports", "--format", "json",
                                  "-q"] + extra, capture_output=True, text=True)
            got = sorted(sorted(s["nodes"]) for s in json.loads(res.stdout)["sccs"])
            same = want == got
            print(f"cycles {' '.join(extra)}: oracle {len(want)} SCCs "
                  f"(sizes {sorted(len(c) for c in want)}), unravel {len(got)} -> "
                  f"{'same' if same else 'DIFFERENT'}")
            if not same:
                ok = False
                for c in want:
                    if c not in got:
                        print("  oracle only:", c[:8], "..." if len(c) > 8 else "")
                for c in got:
                    if c not in want:
                        print("  unravel only:", c[:8], "..." if len(c) > 8 else "")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
