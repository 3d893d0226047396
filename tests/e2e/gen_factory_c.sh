#!/bin/bash
# gen factory / gen eventbus --lang c: the generated code compiles with
# cc -std=c11 -Wall -Wextra -Werror and runs (tests/e2e/gen/cledger_main.c),
# on a project with a constructor cycle (cledger) and on examples/ctrading.
set -eu
: "${UNRAVEL:?}" "${ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
CC=${CC:-cc}
CFLAGS="-std=c11 -Wall -Wextra -Werror"

cp -r "$ROOT/tests/e2e/gen/cledger" "$tmp/cledger"
cd "$tmp/cledger"

set +e
"$UNRAVEL" gen factory . --lang c --no-cache -q -o gen/manager_factory.c 2>err.txt
rc=$?
set -e
[ $rc -eq 1 ] || { cat err.txt; fail "creation cycle: exit $rc"; }
grep -Eq "(audit_manager -> ledger_manager -> audit_manager|ledger_manager -> audit_manager -> ledger_manager)" err.txt \
	|| { cat err.txt; fail "cycle not printed"; }

mkdir gen
"$UNRAVEL" gen factory . --lang c --break-cycles --no-cache -q -o gen/manager_factory.c
"$UNRAVEL" gen eventbus . --lang c --no-cache -q -o gen
[ -f gen/manager_factory.h ] || fail "no manager_factory.h beside the .c"
for f in gen/manager_factory.c gen/manager_factory.h gen/ev_bus.c gen/ev_bus.h gen/ev_adapters.c gen/ev_adapters.h; do
	head -4 "$f" | grep -q "@generated" || fail "$f: no @generated header"
done
grep -q "clock_manager_init(obj, 5)" gen/manager_factory.c || fail "x_init constructor or config argument"
cut_from=$("$UNRAVEL" gen factory . --lang c --break-cycles --no-cache -q --dump-context |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["routed"][0]["from"])')
def=""
[ "$cut_from" = audit_manager ] && def=-DAUDIT_CUT
# shellcheck disable=SC2086
$CC $CFLAGS $def -Isrc -Igen gen/*.c src/*.c "$ROOT/tests/e2e/gen/cledger_main.c" -o cledger_test
./cledger_test
# A constructor that fails: the factory names it and what it blocks, and cleans up.
CLEDGER_FAIL_AUDIT=1 ./cledger_test 2>err.txt
blocks=none # ledger_manager needs audit_manager at creation unless that edge is the cut one
[ "$cut_from" = audit_manager ] && blocks=ledger_manager
grep -qx "manager_factory: cannot create 'audit_manager'; this blocks: $blocks" err.txt \
	|| { cat err.txt; fail "construction failure not reported"; }

cp gen/* "$tmp/"
"$UNRAVEL" gen factory . --lang c --break-cycles --no-cache -q -o gen/manager_factory.c
"$UNRAVEL" gen eventbus . --lang c --no-cache -q -o gen
for f in gen/*; do cmp "$f" "$tmp/$(basename "$f")" || fail "$f differs on the second run"; done

# examples/ctrading: no creation cycle; int parameters from the config.
cp -r "$ROOT/examples/ctrading" "$tmp/ctrading"
cd "$tmp/ctrading"
rm -rf build compile_commands.json
printf '[factory]\nargs.risk_manager.max_qty = 100\nargs.strategy_manager.max_qty = 100\n' >.unravel.ini
mkdir gen
"$UNRAVEL" gen factory . --lang c --no-cache -q -o gen/manager_factory.c 2>/dev/null
cat >gen/main.c <<'C'
#include <stdio.h>
#include "manager_factory.h"
#include "managers/vix_manager.h"
int main(void)
{
	struct manager_factory *f = manager_factory_create(NULL);
	struct vix_manager *vm;
	int n = 0;
	if (!f)
		return 1;
	for (const char *const *o = manager_factory_order(); *o; o++, n++)
		if (!manager_factory_get(f, *o))
			return 2;
	vm = manager_factory_get(f, "vix_manager");
	vix_manager_update(vm, 33.0);
	printf("%d managers, vix %.1f\n", n, vm->level);
	manager_factory_destroy(f);
	return 0;
}
C
# shellcheck disable=SC2046
$CC $CFLAGS -Isrc -Igen gen/*.c $(ls src/*/*.c) -o ctrading_factory
./ctrading_factory | grep -q "^[1-9][0-9]* managers, vix 33.0$" || fail "ctrading factory did not run"
echo "ok"
