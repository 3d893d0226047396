#!/bin/bash
# The include graph agrees with what the compiler resolves: for every
# translation unit of examples/ctrading and of unravel's own source, `cc -H`
# (and `clang -H`) lists the headers it enters, with their nesting; each such
# edge between project files must be in `unravel graph --kind imports` (with
# that TU in its "tus"), and each edge unravel has beyond them must be a
# re-entry -H cannot show (the target was already entered in one of the
# edge's TUs: the back edge of a #pragma once cycle). Then `unravel cycles`
# reports the example's two include cycles, #pragma once and guarded.
set -eu
: "${UNRAVEL:?}" "${ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cp -R "$ROOT/examples/ctrading" "$tmp/ctrading"
rm -rf "$tmp/ctrading/build" "$tmp/ctrading/compile_commands.json"
make -s -C "$tmp/ctrading" compile_commands.json >/dev/null
(cd "$tmp/ctrading" && "$UNRAVEL" graph . --kind imports --format json --no-cache) \
	>"$tmp/ctrading.json"

make -s -C "$ROOT" compdb BUILD="$tmp/own" >/dev/null
(cd "$ROOT" && "$UNRAVEL" graph analyzer cli codegen --compile-commands "$tmp/own" \
	--kind imports --format json --no-cache) >"$tmp/own.json"

python3 - "$tmp/ctrading" "$tmp/ctrading.json" "$tmp/ctrading/compile_commands.json" \
	"$ROOT" "$tmp/own.json" "$tmp/own/compile_commands.json" <<'PY'
import json, os, re, shlex, shutil, subprocess, sys

# gcc shows a #pragma once header again where clang does not: use both when there.
compilers = [c for c in ("cc", "clang") if shutil.which(c)]

def check(root, facts_path, db_path, must):
    graph = json.load(open(facts_path))
    root = os.path.realpath(root)
    rel = lambda p: os.path.relpath(os.path.realpath(p), root)
    # Node ids are relative to their PATH root; "file" is relative to the cwd.
    file_of = {n["id"]: n["file"] for n in graph["nodes"] if n["lang"] == "c"}
    files = set(file_of.values())
    ours = {}
    for e in graph["edges"]:
        assert e["kind"] == "include", e
        key = (file_of[e["from"]], file_of[e["to"]])
        ours.setdefault(key, set()).update(e["tus"].split(","))
    bad = 0
    db = json.load(open(db_path))
    entered = {}
    hedges = {c: set() for c in compilers}
    jobs = []  # (tu, directory, flags, source)
    for e in db:
        args = e.get("arguments") or shlex.split(e["command"])
        src = os.path.join(e["directory"], e["file"])
        cmd, skip = [], False
        for a in args[1:]:
            if skip:
                skip = False
                continue
            if a in ("-o", "-MF", "-MT", "-MQ", "-MJ"):
                skip = True
                continue
            if a in ("-c", "-MD", "-MMD", "-MP") or a.startswith("--target=") or a == e["file"]:
                continue
            cmd.append(a)
        jobs.append((rel(src), e["directory"], cmd, src))
    # Headers no TU includes were parsed on their own: so does the compiler.
    in_db = {j[0] for j in jobs}
    for tus in list(ours.values()):
        for t in tus:
            if t not in in_db and t.endswith(".h"):
                in_db.add(t)
                jobs.append((t, jobs[0][1], jobs[0][2] + ["-x", "c-header"], os.path.join(root, t)))
    for compiler in compilers:
        for tu, directory, cmd, src in jobs:
            if tu not in files:
                continue
            r = subprocess.run([compiler, "-H", "-fsyntax-only"] + cmd + [src], cwd=directory,
                               capture_output=True, text=True)
            if r.returncode != 0:
                print(f"{tu}: {compiler} failed: {r.stderr[-500:]}")
                bad += 1
                continue
            stack = [tu]
            seen = entered.setdefault(tu, {tu})
            for line in r.stderr.splitlines():
                m = re.match(r"^(\.+) (.*)$", line)
                if not m:
                    continue
                depth, path = len(m.group(1)), os.path.join(directory, m.group(2))
                del stack[depth:]
                target = rel(path)
                includer = stack[-1]
                stack.append(target)
                seen.add(target)
                if includer in files and target in files:
                    hedges[compiler].add((includer, target))
                    if (includer, target) not in ours:
                        print(f"missing edge {includer} -> {target} ({compiler} -H, TU {tu})")
                        bad += 1
                    elif tu not in ours[(includer, target)]:
                        print(f"edge {includer} -> {target} lacks TU {tu}")
                        bad += 1
    summary = []
    for compiler in compilers:
        extra = 0
        for (a, b), tus in sorted(ours.items()):
            if (a, b) in hedges[compiler]:
                continue
            extra += 1
            if not any(a in entered.get(t, ()) and b in entered.get(t, ()) for t in tus):
                print(f"edge {a} -> {b} (TUs {sorted(tus)}) is neither in {compiler} -H "
                      "nor a re-entry")
                bad += 1
        summary.append(f"{len(hedges[compiler])} seen by {compiler} -H + {extra} re-entries")
        if len(hedges[compiler]) < 10:
            print("too few edges compared")
            bad += 1
    for a, b in must:
        if (a, b) not in ours:
            print(f"expected edge {a} -> {b} is missing")
            bad += 1
    for w in graph["warnings"]:
        print("unexpected warning:", w)
        bad += 1
    print(f"{root}: {len(ours)} include edges in {len(entered)} TUs; " + "; ".join(summary))
    return bad

cycle = [("src/core/types.h", "src/core/order.h"), ("src/core/order.h", "src/core/types.h"),
         ("src/managers/vix_manager.h", "src/managers/risk_manager.h"),
         ("src/managers/risk_manager.h", "src/managers/vix_manager.h")]
bad = check(sys.argv[1], sys.argv[2], sys.argv[3], cycle)
bad += check(sys.argv[4], sys.argv[5], sys.argv[6], [("analyzer/scan.c", "analyzer/scan.h")])
sys.exit(1 if bad else 0)
PY

# Both include cycles, each edge with its file:line and TUs.
rc=0
(cd "$tmp/ctrading" && "$UNRAVEL" cycles . --kind imports --format json --no-cache) \
	>"$tmp/cycles.json" || rc=$?
[ "$rc" = 1 ] || { echo "cycles exit $rc, expected 1"; exit 1; }
got=$(jq -c '[.sccs[] | [.nodes, [.edges[] | [.from, .to, .line, (.tus | split(",") | length)]]]]' \
	"$tmp/cycles.json")
want='[[["src/core/order.h","src/core/types.h"],[["src/core/order.h","src/core/types.h",4,6],["src/core/types.h","src/core/order.h",4,6]]],[["src/managers/risk_manager.h","src/managers/vix_manager.h"],[["src/managers/risk_manager.h","src/managers/vix_manager.h",6,5],["src/managers/vix_manager.h","src/managers/risk_manager.h",9,5]]]]'
[ "$got" = "$want" ] || { echo "cycles: got $got"; echo "want $want"; exit 1; }
echo "ok: both include cycles reported"
