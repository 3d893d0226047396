#!/bin/bash
# The C translation-unit cache (.unravel-cache/c-tus.json): a warm run gives
# byte-for-byte the facts and warnings of a cold (--no-cache) run, reuses
# every TU when nothing changed, and re-parses what an edit, a removed file,
# a new file or new compile flags touch.
set -eu
: "${UNRAVEL:?}" "${ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -R "$ROOT/examples/ctrading" "$tmp/p"
cd "$tmp/p"
rm -rf build compile_commands.json .unravel-cache
make -s compile_commands.json >/dev/null

fail=0
# check NAME EXPECTED-FROM-CACHE: warm run, then a cold one, same output ($EXTRA: more options).
check() {
	# shellcheck disable=SC2086
	"$UNRAVEL" facts . --format json -v --jobs 2 ${EXTRA:-} >"$tmp/warm.json" 2>"$tmp/warm.err"
	# shellcheck disable=SC2086
	"$UNRAVEL" facts . --format json -v --jobs 2 --no-cache ${EXTRA:-} >"$tmp/cold.json" 2>"$tmp/cold.err"
	got=$(sed -n 's/.*, \([0-9]*\) from the TU cache).*/\1/p' "$tmp/warm.err")
	if ! cmp -s "$tmp/warm.json" "$tmp/cold.json"; then
		echo "FAIL $1: warm and cold facts differ"; diff "$tmp/cold.json" "$tmp/warm.json" | head -20
		fail=1
	elif [ "$got" != "$2" ]; then
		echo "FAIL $1: $got TUs from the cache, expected $2"; cat "$tmp/warm.err"; fail=1
	else
		echo "ok $1: $got from the cache"
	fi
}

check first-run 0
[ -f .unravel-cache/c-tus.json ] || { echo "FAIL: no c-tus.json written"; exit 1; }
check unchanged 9
sleep 0.01
printf '\nstruct fill { struct quote *q; };\n' >>src/core/types.h
check edit-types.h 3      # 6 TUs include types.h
check unchanged-again 9
rm src/main.c             # it was the source of strategy_manager.h's declarations
check rm-main.c 5         # main.c gone; strategy_manager.c and test_ctrading.c re-parsed
printf '#include "core/order.h"\nint extra(void) { return 0; }\n' >src/extra.c
check new-file 8          # not in the database: a node, not parsed
grep -q '1 .c file not in the database was not parsed' "$tmp/warm.err" ||
	{ echo "FAIL new-file: no warning about src/extra.c"; fail=1; }
EXTRA=--c-fallback-all check fallback-all 8     # now parsed, with borrowed flags
EXTRA=--c-fallback-all check fallback-all-again 9
grep -q 'not parsed' "$tmp/warm.err" && { echo "FAIL fallback-all: $(cat "$tmp/warm.err")"; fail=1; }
sed -i 's/"-std=c11",/"-std=c11", "-DEXTRA_FLAG=1",/' compile_commands.json
EXTRA=--c-fallback-all check new-flags 0   # every TU's arguments changed (extra.c borrows them)
check unchanged-at-last 8 # without the option, extra.c's record is not used

# Commands that need only the #include edges (graph/cycles --kind imports) skip
# function bodies: a full record serves them, theirs does not serve a full run.
imports() { # NAME: warm and cold imports graphs agree; sets $from (TUs from the cache)
	"$UNRAVEL" graph . --kind imports --format json -v --jobs 2 >"$tmp/iwarm.json" 2>"$tmp/iwarm.err"
	"$UNRAVEL" graph . --kind imports --format json --no-cache --jobs 2 >"$tmp/icold.json" 2>/dev/null
	from=$(sed -n 's/.*, \([0-9]*\) from the TU cache).*/\1/p' "$tmp/iwarm.err")
	cmp -s "$tmp/iwarm.json" "$tmp/icold.json" || { echo "FAIL $1: warm and cold graphs differ"; fail=1; }
}
imports imports-after-full
[ "$from" = 8 ] || { echo "FAIL imports-after-full: $from TUs from the cache, expected 8"; fail=1; }
sleep 0.01
printf '\nstruct fill2 { struct quote *q; };\n' >>src/core/types.h
imports imports-after-edit  # the TUs that include types.h parsed again, bodies skipped
[ "$from" -lt 8 ] || { echo "FAIL imports-after-edit: nothing parsed again"; fail=1; }
check full-after-imports "$from" # those records do not serve facts: parsed again, fully
exit $fail
