#!/bin/bash
# Cycle baselines: --write-baseline records every cycle (one line each, stable,
# rotation-invariant fingerprints); --baseline fails only on a new cycle, a
# grown one or a new edge inside one; gone and stale entries are reported.
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cd "$t"
mkdir -p p/app
touch p/app/__init__.py
printf 'import app.b\n' >p/app/a.py
printf 'import app.c\n' >p/app/b.py
printf 'import app.a\n' >p/app/c.py
printf 'from app import e\n' >p/app/d.py
printf 'def f():\n    from app import d\n' >p/app/e.py
printf 'import app.a\n' >p/app/x.py
cd p
run() { set +e; "$UNRAVEL" cycles . --kind all --no-cache "$@" >"$t/out" 2>"$t/err"; rc=$?; set -e; }

run --write-baseline .unravel-baseline
[ $rc -eq 0 ] || { cat "$t/err"; exit 1; }
grep -q 'wrote 2 cycles to .unravel-baseline' "$t/err"
[ "$(grep -vc '^#' .unravel-baseline)" -eq 2 ]
grep -Eq '^[0-9a-f]{16} imports app.a,app.b,app.c app.a>app.b,app.b>app.c,app.c>app.a$' .unravel-baseline
grep -Eq '^[0-9a-f]{16} imports app.d,app.e app.d>app.e,app.e>app.d$' .unravel-baseline
cp .unravel-baseline "$t/first"
# Stable: writing again gives the same bytes; the fingerprint is the cycle report's.
run --write-baseline .unravel-baseline
cmp .unravel-baseline "$t/first"
fp=$("$UNRAVEL" cycles . --format json --no-cache | python3 -c 'import json,sys; print(json.load(sys.stdin)["sccs"][0]["fingerprint"])' || true)
grep -q "^$fp imports app.a,app.b,app.c" .unravel-baseline

# Nothing new: exit 0, even though cycles exist (and without the baseline: exit 1).
run --baseline .unravel-baseline
[ $rc -eq 0 ] && grep -q 'cycles: ok: 2 cycles, 0 new or grown, 2 recorded' "$t/out"
run
[ $rc -eq 1 ]

# A new cycle fails, shown with its path and file:line.
printf 'import app.g\n' >app/f.py
printf 'import app.f\n' >app/g.py
run --baseline .unravel-baseline
[ $rc -eq 1 ] || { cat "$t/out"; exit 1; }
grep -q '^new import cycle (import-time): 2 modules' "$t/out"
grep -q 'app/g.py:1: import app.f' "$t/out"
grep -q 'suggested cut' "$t/out"
! grep -q 'app.a, app.b' "$t/out"   # the recorded cycle is not shown as failing
rm app/f.py app/g.py

# A grown cycle fails (x joins a-b-c), naming the new member.
printf 'import app.c\nimport app.x\n' >app/b.py
run --baseline .unravel-baseline
[ $rc -eq 1 ] && grep -q '^grown import cycle (import-time): 4 modules, the baseline had 3 of them: +app.x' "$t/out"
printf 'import app.c\n' >app/b.py

# A new edge inside a recorded cycle fails.
printf 'import app.a\nimport app.b\n' >app/c.py
run --baseline .unravel-baseline
[ $rc -eq 1 ] || { cat "$t/out"; exit 1; }
grep -q 'import cycle with a new edge' "$t/out"
grep -q 'app.c -> app.b' "$t/out"
printf 'import app.a\n' >app/c.py

# JSON: "new" and "gone", same shape as "sccs".
printf 'x = 1\n' >app/e.py          # d-e gone
printf 'import app.i\n' >app/h.py
printf 'import app.h\n' >app/i.py   # new
run --baseline .unravel-baseline --format json
[ $rc -eq 1 ]
python3 - "$t/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert [s["nodes"] for s in d["new"]] == [["app.h", "app.i"]], d["new"]
assert d["new"][0]["baseline"] == "new" and d["new"][0]["edges"][0]["file"] == "app/h.py"
assert [s["nodes"] for s in d["gone"]] == [["app.d", "app.e"]], d["gone"]
for s in d["sccs"] + d["new"] + d["gone"]:
    assert {"nodes", "cycle", "edges"} <= set(s), s
PY
# Text: gone and stale entries, and how to shrink.
rm app/h.py app/i.py
run --baseline .unravel-baseline
[ $rc -eq 0 ] || { cat "$t/out"; exit 1; }
grep -q '^gone: import cycle [0-9a-f]* (.unravel-baseline:[0-9]*): app.d, app.e' "$t/out"
grep -q '1 baseline entry records more than is left' "$t/out"
grep -q 'write-baseline .unravel-baseline' "$t/out"
# A cycle that shrank (one edge less, a member less) passes, and is stale.
printf 'import app.c\nimport app.a\n' >app/b.py
printf 'import app.b\n' >app/a.py
run --write-baseline .unravel-baseline
printf 'import app.a\n' >app/b.py
run --baseline .unravel-baseline
[ $rc -eq 0 ] && grep -q '1 baseline entry records more than is left' "$t/out"
run --write-baseline .unravel-baseline
[ "$(grep -vc '^#' .unravel-baseline)" -eq 1 ]
grep -q ' imports app.a,app.b app.a>app.b,app.b>app.a$' .unravel-baseline

# A broken baseline is a usage error with its location.
echo 'not a baseline line' >>.unravel-baseline
run --baseline .unravel-baseline
[ $rc -eq 2 ] && grep -q '^.unravel-baseline:5: error: malformed baseline line' "$t/err"
run --baseline missing-file
[ $rc -eq 2 ] && grep -q "cannot read baseline 'missing-file'" "$t/err"
echo "baseline: ok"
