#!/bin/bash
# On the example framework: "order" puts every manager after all that it
# needs at creation time (ctor_param and instantiation edges not in "cut"),
# each manager exactly once; `cycles --kind managers` names every manager
# cycle of the example with the file:line of each step, and exits 1.
set -eu
: "${UNRAVEL:?}" "${ROOT:?}"
cd "$ROOT/examples"
graph=$(mktemp) cycles=$(mktemp)
trap 'rm -f "$graph" "$cycles"' EXIT
"$UNRAVEL" graph trading --kind managers --format json --no-cache >"$graph"
set +e
"$UNRAVEL" cycles trading --kind managers --format json --no-cache >"$cycles"
rc=$?
set -e
[ "$rc" = 1 ] || { echo "cycles exit $rc, expected 1"; exit 1; }
python3 - "$graph" "$cycles" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))
c = json.load(open(sys.argv[2]))
ids = [n["id"] for n in g["nodes"]]
layer = {}
for i, l in enumerate(g["order"]):
    assert l == sorted(l), "layer %d not sorted by id" % i
    for n in l:
        assert n not in layer, "%s twice in order" % n
        layer[n] = i
assert sorted(layer) == sorted(ids), "order does not list every manager once"
key = lambda e: (e["from"], e["to"], e["kind"], e["file"], e["line"])
cut = {key(e) for e in g["cut"]}
checked = 0
for e in g["edges"]:
    if e["kind"] in ("ctor_param", "instantiation") and key(e) not in cut:
        assert layer[e["to"]] < layer[e["from"]], "%s needs %s but is not after it" % (e["from"], e["to"])
        checked += 1
assert checked >= 8, "only %d creation edges checked" % checked
# every layer after the first needs something from the one before (layers are tight)
for n, l in layer.items():
    if l:
        needs = [e["to"] for e in g["edges"] if e["from"] == n and e["kind"] in ("ctor_param", "instantiation") and key(e) not in cut]
        assert max(layer[t] for t in needs) == l - 1, "%s could be created earlier" % n

M = "trading.managers."
want = [
    {M + "greeks_monitor.GreeksMonitor", M + "position_sizer.UnifiedPositionSizer",
     "trading.risk.correlation_manager.CorrelationManager", "trading.risk.coordinator.RiskCoordinator"},
    {M + "hedging.HedgeExecutor", M + "hedging.RebalanceEngine"},
    {M + "margin_manager.DynamicMarginManager", M + "vix_manager.UnifiedVIXManager"},
]
got = [set(s["nodes"]) for s in c["sccs"]]
assert sorted(map(sorted, got)) == sorted(map(sorted, want)), got
for s in c["sccs"]:
    cyc = s["cycle"]
    assert cyc[0] == cyc[-1] and len(s["edges"]) == len(cyc) - 1
    for step, e in zip(zip(cyc, cyc[1:]), s["edges"]):
        assert (e["from"], e["to"]) == step and e["file"].endswith(".py") and e["line"] > 0, e
        src = open(e["file"]).read().splitlines()[e["line"] - 1]
        # the evidence line really mentions the step
        attr = e["how"].split(" -> ")[0].replace('"', "").replace(")", "").split(".")[-1].split(", ")[-1]
        assert attr.split(": ")[0].replace("parameter ", "") in src, (e, src)
print("order: %d layers, %d creation edges checked; %d manager cycles" % (len(g["order"]), checked, len(got)))
PY
