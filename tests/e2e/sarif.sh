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
echo "sarif: ok"
