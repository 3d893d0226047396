#!/bin/bash
# Output is identical for any thread count, and run to run.
set -eu
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
for j in 1 2 7; do
	"$UNRAVEL" graph /usr/lib/python3/dist-packages/django --format json --jobs $j --no-cache -q > "$t/g$j.json"
	"$UNRAVEL" cycles /usr/lib/python3/dist-packages/django --format json --jobs $j --no-cache -q > "$t/c$j.json" || true
done
cmp "$t/g1.json" "$t/g2.json"; cmp "$t/g1.json" "$t/g7.json"
cmp "$t/c1.json" "$t/c2.json"; cmp "$t/c1.json" "$t/c7.json"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d['nodes']) > 500 and len(d['edges']) > 2000, (len(d['nodes']), len(d['edges']))" "$t/g1.json"
