#!/bin/bash
# DOT and SVG through the real binary: clusters per package, cycle edges in
# red, SVG rendered in-process; a large graph (Django) is condensed with a
# note on stderr and renders in seconds.
set -eu
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
"$UNRAVEL" graph "$ROOT/examples/trading" --format dot --no-cache -o "$t/g.dot"
grep -q 'subgraph "cluster_trading.strategies"' "$t/g.dot"
# exactly the four edges of the two import cycles are red
[ "$(grep -c 'color="#d62728", penwidth=2' "$t/g.dot")" = 4 ]
dot -Tsvg "$t/g.dot" > /dev/null   # graphviz accepts our DOT
"$UNRAVEL" graph "$ROOT/examples/trading" --format svg --no-cache -o "$t/g.svg"
head -c 200 "$t/g.svg" | grep -q '<?xml\|<svg'
grep -q 'signals' "$t/g.svg"
python3 -c "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])" "$t/g.svg"
"$UNRAVEL" graph /usr/lib/python3/dist-packages/django --format svg -o "$t/d.svg" 2> "$t/err"
grep -q 'note: .*collapsed' "$t/err"
python3 -c "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])" "$t/d.svg"
"$UNRAVEL" graph "$ROOT/examples/trading" --kind managers --format svg --no-cache -o "$t/m.svg"
grep -q 'UnifiedVIXManager\|vix_manager' "$t/m.svg"
