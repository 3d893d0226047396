#!/bin/bash
# `unravel graph --format dot|svg` on the examples and on Django: package
# clusters, red cycle edges, filled SCC members, condensation with a note on
# stderr, SVG rendered in-process. (Timing belongs in bench/, not here.)
set -eu
: "${UNRAVEL:?}" "${ROOT:?}"
cd "$ROOT/examples"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# Python example: full drawing (small graph), clusters, cycles in red.
"$UNRAVEL" graph trading --kind imports --format dot --no-cache >"$tmp/t.dot" 2>"$tmp/t.err"
grep -q '^digraph "imports" {' "$tmp/t.dot" || fail "no digraph header"
grep -q 'subgraph "cluster_trading.cache" {' "$tmp/t.dot" || fail "no package cluster"
grep -q 'label="greeks_cache"' "$tmp/t.dot" || fail "labels are not the last component"
grep -q 'color="#d62728", penwidth=2' "$tmp/t.dot" || fail "no red cycle edge"
grep -q 'fillcolor="#ffd6d6"' "$tmp/t.dot" || fail "no filled SCC member"
[ ! -s "$tmp/t.err" ] || fail "unexpected note: $(cat "$tmp/t.err")"
# Every drawn node appears once; every edge joins declared nodes.
python3 - "$tmp/t.dot" <<'PY'
import re, sys
dot = open(sys.argv[1]).read()
nodes = re.findall(r'^\s*(n\d+) \[label=', dot, re.M)
assert len(nodes) == len(set(nodes)), "node declared twice"
for a, b in re.findall(r'^\s*(n\d+) -> (n\d+) ', dot, re.M):
    assert a in nodes and b in nodes, (a, b)
PY

# SVG of the same graph, laid out in-process.
"$UNRAVEL" graph trading --kind imports --format svg -o "$tmp/t.svg" --no-cache
head -c 5 "$tmp/t.svg" | grep -q '<?xml' || fail "svg header"
grep -q '<svg' "$tmp/t.svg" || fail "no <svg>"
grep -q '>greeks_cache</text>' "$tmp/t.svg" || fail "node name missing from svg"
grep -q '>trading.cache</text>' "$tmp/t.svg" || fail "cluster label missing from svg"
grep -q '#d62728' "$tmp/t.svg" || fail "no red in svg"

# Forced condensation: cycles become one node each, and stderr says so.
"$UNRAVEL" graph trading --kind imports --format dot --condense --no-cache >"$tmp/c.dot" 2>"$tmp/c.err"
grep -q 'modules in a cycle' "$tmp/c.dot" || fail "no collapsed cycle"
grep -q '^unravel: note: .*collapsed to one node each' "$tmp/c.err" || fail "no note: $(cat "$tmp/c.err")"
grep -q '^// .*collapsed to one node each' "$tmp/c.dot" || fail "note not in the dot"
# An explicit depth collapses packages.
"$UNRAVEL" graph trading --kind imports --format dot --depth 1 --no-cache >"$tmp/d.dot" 2>"$tmp/d.err"
grep -q 'packages cut at depth 1' "$tmp/d.err" || fail "depth note: $(cat "$tmp/d.err")"
grep -q 'shape="folder"' "$tmp/d.dot" || fail "no collapsed package"

# Manager graph and the C example.
"$UNRAVEL" graph trading --kind managers --format svg -o "$tmp/m.svg" --no-cache
grep -q '<svg' "$tmp/m.svg" || fail "manager svg"
"$UNRAVEL" graph ctrading --kind imports --format dot --no-cache >"$tmp/cc.dot"
grep -q 'subgraph "cluster_src/core"' "$tmp/cc.dot" || fail "no C directory cluster"

# Django (hundreds of modules): condensed by default, under the threshold.
django=/usr/lib/python3/dist-packages/django
if [ -d "$django" ]; then
	"$UNRAVEL" graph "$django" --kind imports --format svg -o "$tmp/dj.svg" 2>"$tmp/dj.err"
	grep -q '<svg' "$tmp/dj.svg" || fail "django svg"
	grep -q 'modules (over 150) drawn as' "$tmp/dj.err" || fail "django note: $(cat "$tmp/dj.err")"
	grep -q 'in a cycle' "$tmp/dj.svg" || fail "django cycles not collapsed"
	"$UNRAVEL" graph "$django" --kind imports --format dot 2>/dev/null >"$tmp/dj.dot"
	n=$(grep -c '\[label=' "$tmp/dj.dot")
	[ "$n" -le 150 ] || fail "django drawn with $n nodes"
fi
echo ok
