#!/bin/bash
# Seeds for fuzz_config: every .unravel.ini and setup.cfg of the golden tests,
# each behind the mode byte the target reads first ('.': .unravel.ini, '!':
# setup.cfg), written to $SEED_DIR (default build-fuzz/seeds/config).
set -eu
out=${SEED_DIR:-build-fuzz/seeds}/config
mkdir -p "$out"
find tests/golden -name .unravel.ini -o -name setup.cfg | sort | while read -r f; do
	s="$out/$(echo "$f" | tr / _)"
	case "$f" in *setup.cfg) printf '!' ;; *) printf '.' ;; esac >"$s"
	cat "$f" >>"$s"
	echo "$s"
done
