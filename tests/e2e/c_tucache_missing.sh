#!/bin/bash
# A TU with a missing header is kept in the TU cache (warm runs replay its
# warnings without loading libclang) until the header can have appeared:
# creating it in any folder it is searched in re-parses the TU.
set -eu
: "${UNRAVEL:?}" "${ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/p/src" "$tmp/p/inc"
cd "$tmp/p"
printf '#include "gen/config.h"\n#include "local.h"\nint main(void) { return 0; }\n' >src/main.c
printf '#define INC 1\n' >inc/keep.h
cat >compile_commands.json <<JSON
[{"directory": "$tmp/p", "file": "src/main.c", "arguments": ["cc", "-Iinc", "-c", "src/main.c"]}]
JSON

fail=0
# run NAME FROM-CACHE MISSING: a warm run; how many TUs came from the cache and which headers are missing
run() {
	"$UNRAVEL" graph . --format json -v >"$tmp/out.json" 2>"$tmp/err"
	got=$(sed -n 's/.*, \([0-9]*\) from the TU cache).*/\1/p' "$tmp/err")
	missing=$(grep -o "'[a-z/]*\.h' file not found" "$tmp/err" | tr '\n' ' ' || true)
	if [ "$got" != "$2" ] || [ "$missing" != "$3" ]; then
		echo "FAIL $1: $got from the cache (expected $2), missing: '$missing' (expected '$3')"
		cat "$tmp/err"
		fail=1
	else
		echo "ok $1"
	fi
}

run cold 0 "'gen/config.h' file not found 'local.h' file not found "
run warm 1 "'gen/config.h' file not found 'local.h' file not found "
sleep 0.01
printf '#define LOCAL 1\n' >src/local.h          # beside the including file
run local-appears 0 "'gen/config.h' file not found "
run warm-again 1 "'gen/config.h' file not found "
sleep 0.01
mkdir inc/gen && printf '#define CONFIG 1\n' >inc/gen/config.h   # under -Iinc, in a new folder
run config-appears 0 ""
run clean-warm 1 ""
python3 - "$tmp/out.json" <<'PY' || fail=1
import json, sys
edges = {(e["from"], e["to"]) for e in json.load(open(sys.argv[1]))["edges"]}
want = {("src/main.c", "inc/gen/config.h"), ("src/main.c", "src/local.h")}
if not want <= edges:
    print("FAIL: include edges after the headers appeared:", sorted(edges))
    sys.exit(1)
PY
exit $fail
