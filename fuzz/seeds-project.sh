#!/bin/bash
# Seeds for fuzz_project: each golden project (tests/golden/{imports,managers,
# cache-rewrite,verify}/*/input and examples/trading) as one input of
# "### PATH" sections, written to $SEED_DIR (default build-fuzz/seeds/project).
set -eu
out=${SEED_DIR:-build-fuzz/seeds}/project
mkdir -p "$out"
for d in tests/golden/{imports,managers,cache-rewrite,verify}/*/input examples/trading; do
	[ -d "$d" ] || continue
	s="$out/$(echo "$d" | tr / _)"
	: >"$s"
	(cd "$d" && find . \( -name '*.py' -o -name '*.pyi' -o -name .unravel.ini \) -type f | sort) |
	while read -r f; do
		printf '### %s\n' "${f#./}" >>"$s"
		cat "$d/$f" >>"$s"
		[ -z "$(tail -c1 "$d/$f")" ] || printf '\n' >>"$s"
	done
	echo "$s"
done
