#!/bin/bash
# SARIF 2.1.0 from every command that writes it validates against the official
# schema (tests/sarif/sarif-schema-2.1.0.json), with stable ruleIds, regions,
# partialFingerprints and, for cycles, codeFlows and baselineState.
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cd "$ROOT"
schema=tests/sarif/sarif-schema-2.1.0.json

validate() { # FILE: schema-valid, one run, rules declared for every result
	python3 - "$schema" "$1" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2]))
jsonschema.Draft4Validator.check_schema(schema)
errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=lambda e: list(e.path))
for e in errors[:10]:
    print("%s: %s at %s" % (sys.argv[2], e.message, "/".join(map(str, e.path))))
if errors:
    sys.exit(1)
assert log["version"] == "2.1.0" and len(log["runs"]) == 1
run = log["runs"][0]
ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
for res in run["results"]:
    assert res["ruleId"] in ids, res["ruleId"]
    assert ids[res["ruleIndex"]] == res["ruleId"]
    for loc in res.get("locations", []):
        uri = loc["physicalLocation"]["artifactLocation"]["uri"]
        assert not uri.startswith("/"), uri
PY
}

# A schema violation is caught (the validator is really used).
echo '{"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}' >"$t/bad.sarif"
! validate "$t/bad.sarif" >/dev/null 2>&1

set +e
"$UNRAVEL" verify examples/trading --format sarif --no-cache >"$t/verify.sarif"; rc=$?
set -e
[ $rc -eq 1 ]
validate "$t/verify.sarif"
grep -q '"ruleId": "unravel/placeholder"\|"ruleId": "unravel/cycle"' "$t/verify.sarif"

set +e
"$UNRAVEL" dups examples/trading --format sarif --no-cache >"$t/dups.sarif"; rc=$?
set -e
[ $rc -le 1 ]
validate "$t/dups.sarif"
# cycles: ruleIds, a code flow per cycle, the cycle fingerprint.
set +e
"$UNRAVEL" cycles examples/trading --kind all --format sarif --no-cache >"$t/cycles.sarif"; rc=$?
set -e
[ $rc -eq 1 ]
validate "$t/cycles.sarif"
python3 - "$t/cycles.sarif" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
res = run["results"]
assert {r["ruleId"] for r in res} == {"unravel/import-cycle", "unravel/manager-cycle"}
for r in res:
    steps = r["codeFlows"][0]["threadFlows"][0]["locations"]
    assert len(steps) >= 1 and all(s["location"]["physicalLocation"]["region"]["startLine"] > 0 for s in steps)
    assert len(r["partialFingerprints"]["unravelCycle/v1"]) == 16
    assert "baselineState" not in r
PY

# With a baseline: new, unchanged and absent results.
cp -r examples/trading "$t/trading"
cd "$t/trading"
"$UNRAVEL" cycles . --kind all --write-baseline .unravel-baseline --no-cache -q
printf 'from trading.core import y_mod\n' >trading/core/x_mod.py
printf 'import trading.core.x_mod\n' >trading/core/y_mod.py
rm trading/strategies/signals.py
set +e
"$UNRAVEL" cycles . --kind all --baseline .unravel-baseline --format sarif --no-cache >"$t/base.sarif"; rc=$?
set -e
[ $rc -eq 1 ]
cd "$ROOT"
validate "$t/base.sarif"
python3 - "$t/base.sarif" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["runs"][0]["results"]
states = sorted(r["baselineState"] for r in res)
assert states.count("new") == 1 and states.count("absent") == 1 and states.count("unchanged") == 4, states
PY
echo "sarif: ok"
