#!/bin/bash
# `unravel verify`: golden cases, SARIF against the 2.1.0 schema, and the
# example projects. Each folder tests/golden/verify/CASE/ holds input/,
# `args` (after `verify`), `expected` (stdout), optional `expected_stderr`
# and `expected_exit` (default 0); the command runs in the case folder.
set -u
: "${UNRAVEL:?}" "${ROOT:?}"
. "$ROOT/tests/golden.sh"
fail=0
golden_run verify "verify" "input --no-cache" || fail=1
out=$(mktemp) err=$(mktemp) tmp=$(mktemp -d)
trap 'rm -rf "$out" "$err" "$tmp"' EXIT

# SARIF: valid against the schema, one result per finding, rule ids declared.
cp -r "$ROOT/tests/golden/verify/cycles/input" "$tmp/proj"
printf 'def later():\n    raise NotImplementedError\n' >"$tmp/proj/shop/later.py"
(cd "$tmp" && "$UNRAVEL" verify proj --no-cache --format sarif) >"$out" 2>"$err"
rc=$?
[ $rc -eq 1 ] || { echo "FAIL sarif: exit $rc"; cat "$err"; fail=1; }
python3 - "$out" "$ROOT/tests/sarif/sarif-schema-2.1.0.json" <<'PY' || fail=1
import json, sys
import jsonschema
log = json.load(open(sys.argv[1]))
jsonschema.validate(log, json.load(open(sys.argv[2])))
res = log["runs"][0]["results"]
got = sorted((r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in res)
want = [("unravel/cycle", "proj/shop/billing.py"), ("unravel/cycle", "proj/shop/billing.py"),
        ("unravel/placeholder", "proj/shop/later.py")]
if got != want:
    print("FAIL sarif results:", got); sys.exit(1)
PY

# The example framework: its known placeholder and cycles are found; exit 1.
(cd "$ROOT" && "$UNRAVEL" verify examples/trading --no-cache --format json) >"$out" 2>"$err"
rc=$?
[ $rc -eq 1 ] || { echo "FAIL examples/trading: exit $rc"; fail=1; }
python3 - "$out" <<'PY' || fail=1
import json, sys
doc = json.load(open(sys.argv[1]))
f = doc["findings"]
rules = [x["rule"] for x in f]
assert doc["command"] == "verify"
assert all(set(x) == {"rule", "file", "line", "col", "message"} for x in f), f
ph = [x for x in f if x["rule"] == "placeholder"]
assert any("rebalance_portfolio" in x["message"] for x in ph), ph
assert any(x["message"].startswith("placeholder comment: TODO") for x in ph), ph
cyc = [x["message"] for x in f if x["rule"] == "cycle"]
assert any("trading.strategies.base -> trading.strategies.signals" in m for m in cyc), cyc
assert any(m.startswith("manager cycle (creation-time)") and "HedgeExecutor" in m for m in cyc), cyc
assert "unresolved-import" not in rules, f
PY
# A typo in an import of a copy is caught.
cp -r "$ROOT/examples/trading" "$tmp/trading"
sed -i "s/^from trading.risk.circuit_breaker import/from trading.risk.circuit_braker import/" "$tmp"/trading/trading/managers/order_executor.py
grep -q circuit_braker "$tmp"/trading/trading/managers/order_executor.py || { echo "FAIL: the import to break was not found"; fail=1; }
(cd "$tmp" && "$UNRAVEL" verify trading --no-cache) >"$out" 2>"$err"
grep -q "order_executor.py:5:1: unresolved-import: cannot resolve 'from trading.risk.circuit_braker import" "$out" ||
	{ echo "FAIL: typo not reported"; cat "$out"; fail=1; }
exit $fail
