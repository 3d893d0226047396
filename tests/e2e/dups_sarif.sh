#!/bin/bash
# `unravel dups --format sarif`: valid against the SARIF 2.1.0 schema, one
# result per group (the same groups as --format json), the other members as
# related locations, allowed groups suppressed, and partial fingerprints
# that survive moving the code (lines added above it).
set -u
: "${UNRAVEL:?}" "${ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$ROOT/tests/golden/dups/py-family/input" "$tmp/proj"
cp "$ROOT/tests/golden/dups/py-allowed-marker/input/sources/"*.py "$tmp/proj/"
cd "$tmp" || exit 1
"$UNRAVEL" dups proj --no-cache --format sarif >a.sarif 2>err; rc=$?
[ $rc -eq 1 ] || { echo "FAIL: exit $rc"; cat err; exit 1; }
"$UNRAVEL" dups proj --no-cache --format json >a.json 2>>err
# move every file's code down: new lines at the top
for f in proj/feeds/*.py proj/*.py; do
	{ printf '# moved\n\n\n'; cat "$f"; } >"$f.new" && mv "$f.new" "$f"
done
"$UNRAVEL" dups proj --no-cache --format sarif >b.sarif 2>>err
python3 - "$ROOT/tests/sarif/sarif-schema-2.1.0.json" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
a, b, doc = json.load(open("a.sarif")), json.load(open("b.sarif")), json.load(open("a.json"))
for log in (a, b):
    jsonschema.validate(log, schema)
res = a["runs"][0]["results"]
groups = doc["groups"]
assert len(res) == len(groups) >= 3, (len(res), len(groups))
rules = [r["id"] for r in a["runs"][0]["tool"]["driver"]["rules"]]
assert rules == ["unravel/duplicate-code", "unravel/helper-family"], rules
for r, g in zip(res, groups):
    want = "unravel/helper-family" if g["kind"] == "family" else "unravel/duplicate-code"
    assert r["ruleId"] == want and rules[r["ruleIndex"]] == want, (r["ruleId"], g)
    assert len(r.get("relatedLocations", [])) == len(g["members"]) - 1
    loc = r["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == g["members"][0]["file"]
    assert loc["region"]["startLine"] == g["members"][0]["start_line"]
    assert loc["region"].get("endLine", loc["region"]["startLine"]) == g["members"][0]["end_line"]
    assert bool(r.get("suppressions")) == g["allowed"], (r, g)
    if g["allowed"]:
        assert r["suppressions"][0]["kind"] == "inSource"
assert any(g["allowed"] for g in groups) and not all(g["allowed"] for g in groups)
fp = lambda log: sorted(json.dumps(r["partialFingerprints"], sort_keys=True) for r in log["runs"][0]["results"])
assert fp(a) == fp(b), "fingerprints changed when the code moved"
lines = lambda log: sorted(r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in log["runs"][0]["results"])
assert lines(a) != lines(b), "the code did not move"
print("sarif ok:", len(res), "results")
PY
