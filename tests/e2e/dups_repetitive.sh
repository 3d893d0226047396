#!/bin/bash
# A C tree with one huge generated table (curl's src/tool_hugehelp.c holds
# 130k tokens of `0x1f, 0x8b, ...`) and a real clone elsewhere: the clone is
# still reported, and the search does not stop early. Before the fix, each of
# the table's tens of thousands of nested repeats counted in full against the
# work bound, which ran out before any clone was taken: 0 clones for curl.
set -u
: "${UNRAVEL:?}" "${ROOT:?}"
tmp=$(mktemp -d) && cd "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir src
cp "$ROOT"/tests/golden/dups/c-type2/input/*.c src/
{
	echo "static const unsigned char packed[] = {"
	for i in $(seq 1 400); do
		echo "  0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xec, 0xbd, 0x6b, 0x73, 0x1b, 0x47,"
		echo "  0x92, 0x2e, 0x0a, 0x7e, 0xef, 0x88, 0xfd, 0x0f, 0x35, 0x17, 0x1b, 0xa4, 0x22, 0x40, 0x82, 0x04,"
		echo "  0xef, 0x2a, 0x8f, 0x4e, 0x12, 0x77, 0xa5, 0x59, 0x6a, 0x3a, 0x1e, 0x8c, 0x77, 0x21, 0x01, 0x7f,"
	done
	echo "  0x00 };"
} >src/packed.c
"$UNRAVEL" dups src --format json --no-cache >out.json 2>err.txt
rc=$?
fail=0
[ "$rc" = 1 ] || { echo "FAIL: exit $rc, expected 1 (a clone)"; cat err.txt; fail=1; }
if grep -q "stopped early" err.txt; then
	echo "FAIL: the clone search stopped early:"; cat err.txt; fail=1
fi
if ! jq -e '[.groups[] | select(.kind == "clone" and .type == 2 and
		([.members[].file] == ["src/queue.c", "src/ring.c"]))] | length == 1' out.json >/dev/null; then
	echo "FAIL: the queue/ring clone is not reported:"; jq -c '.groups[] | [.kind, [.members[].file]]' out.json
	fail=1
fi
exit $fail
