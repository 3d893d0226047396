#!/usr/bin/env python3
"""Generate a synthetic Python project of N modules for unravel's benchmarks.

    bench/gen-synthetic.py N OUTDIR [--seed S]

Layout: OUTDIR/synth/ is one top-level package holding N/100 subpackages
(p0000, p0001, ...) of 100 modules each (m00..m99). Every module is ~40
lines: imports, a manager-like class whose constructor takes other managers,
methods, a helper function. The imports are shaped like a real codebase:
mostly towards lower-numbered modules (a layered DAG), in every form
(`import a.b`, `from a import b`, `from . import x`, `from ..p import y`,
function-level, `if TYPE_CHECKING:`), plus back edges that close cycles:
one short cycle (2-5 modules) per 50 modules inside a package, and one
3-package cycle per 20 packages. Deterministic for a given N and seed;
prints the counts. The same shape at every size, so times can be compared
across sizes (linear growth expected).
"""
import os
import random
import sys


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    seed = 1
    if "--seed" in sys.argv:
        seed = int(sys.argv[sys.argv.index("--seed") + 1])
        args = [a for a in args if a != str(seed)]
    if len(args) != 2:
        sys.exit(__doc__)
    n, out = int(args[0]), args[1]
    rng = random.Random(seed)
    per = 100
    npkg = max(1, (n + per - 1) // per)
    root = os.path.join(out, "synth")
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "__init__.py"), "w") as f:
        f.write('"""Synthetic project for benchmarks."""\n')
    total = 0
    nedges = 0
    ncycles = 0
    for p in range(npkg):
        pdir = os.path.join(root, "p%04d" % p)
        os.makedirs(pdir, exist_ok=True)
        with open(os.path.join(pdir, "__init__.py"), "w") as f:
            f.write('"""Package %d."""\n' % p)
        count = min(per, n - p * per)
        for m in range(count):
            lines = ['"""Module p%04d.m%02d."""' % (p, m), "import os", "import typing", ""]
            deps = set()
            # Layered: a few modules of this package below m, a few of lower packages.
            for _ in range(rng.randint(2, 4)):
                if m > 0:
                    deps.add((p, rng.randrange(m)))
            for _ in range(rng.randint(0, 2)):
                if p > 0:
                    deps.add((rng.randrange(max(0, p - 5), p), rng.randrange(per)))
            # Cycles, all through module-level imports (they must count):
            # per block of 50 modules, s = 50b+10 imports s+L-1 (back edge) and
            # each of s+1..s+L-1 imports its predecessor: a cycle of L = 2..5;
            # per 20 packages q, (q,5) -> (q+2,5) -> (q+1,5) -> (q,5).
            forced = set()
            s0 = m - m % 50 + 10
            length = 2 + (m // 50 + p) % 4
            if s0 + length - 1 < count:
                if m == s0:
                    forced.add((p, m + length - 1))
                    ncycles += 1
                elif s0 < m <= s0 + length - 1:
                    forced.add((p, m - 1))
            if m == 5 and p % 20 == 0 and p + 2 < npkg:
                forced.add((p + 2, 5))
                ncycles += 1
            if m == 5 and p % 20 in (1, 2) and p - p % 20 + 2 < npkg:
                forced.add((p - 1, 5))
            deps |= forced
            typed = []
            func = []
            for i, (dp, dm) in enumerate(sorted(deps)):
                mod = "synth.p%04d.m%02d" % (dp, dm)
                nedges += 1
                form = (i + m + p) % 7
                if dp == p and form in (0, 1):
                    lines.append("from . import m%02d" % dm)
                elif dp != p and form == 2:
                    lines.append("from ..p%04d import m%02d" % (dp, dm))
                elif form == 3:
                    lines.append("import %s" % mod)
                elif form == 4 and (dp, dm) not in forced:
                    func.append(mod)
                elif form == 5 and (dp, dm) not in forced:
                    typed.append(mod)
                else:
                    lines.append("from synth.p%04d.m%02d import Manager%04d%02d" % (dp, dm, dp, dm))
            if typed:
                lines.append("")
                lines.append("if typing.TYPE_CHECKING:")
                for mod in typed:
                    lines.append("    import %s" % mod)
            lines += [
                "",
                "",
                "class Manager%04d%02d:" % (p, m),
                '    """Keeps the state of part %d.%d."""' % (p, m),
                "",
                "    def __init__(self, algorithm, risk_manager=None, cache=None):",
                "        self.algorithm = algorithm",
                "        self.risk_manager = risk_manager",
                "        self.cache = cache or {}",
                "        self.vix_manager = algorithm.vix_manager",
                "",
                "    def update(self, key, value):",
                "        if key in self.cache:",
                "            self.cache[key] += value",
                "        else:",
                "            self.cache[key] = value",
                "        return self.cache[key]",
                "",
                "    def load(self):",
            ]
            for mod in func:
                lines.append("        import %s" % mod)
            lines += [
                "        return os.environ.get('SYNTH_%d_%d', '')" % (p, m),
                "",
                "",
                "def helper_%d(values, factor=%d):" % (m, m + 1),
                "    total = 0",
                "    for v in values:",
                "        total += v * factor",
                "    return total",
                "",
            ]
            with open(os.path.join(pdir, "m%02d.py" % m), "w") as f:
                f.write("\n".join(lines))
            total += 1
    print("%d modules in %d packages, %d import statements, %d cycles" % (total, npkg, nedges, ncycles))


if __name__ == "__main__":
    main()
