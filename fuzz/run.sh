#!/bin/bash
# fuzz/run.sh [SECONDS] - build every fuzz/fuzz_NAME.c as a libFuzzer target
# (clang -fsanitize=fuzzer,address,undefined, linked with the library
# sources) and run each for SECONDS (default 60) in build-fuzz/. Corpora
# persist in build-fuzz/corpus-NAME; fuzz/seeds-NAME.sh, when present, prints
# seed files to copy in first. Exits 1 when a target crashes.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}
out=build-fuzz
mkdir -p "$out"
PKGS="libgvc libcgraph libpcre2-8 jansson inih libxxhash"
LLVM_CONFIG=$(command -v llvm-config-14 || command -v llvm-config)
CFLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined $(pkg-config --cflags $PKGS) -I$($LLVM_CONFIG --includedir)"
LIBS="$(pkg-config --libs $PKGS) -L$($LLVM_CONFIG --libdir) -Wl,-rpath,$($LLVM_CONFIG --libdir) -lclang -lpthread -lm"
# The library, once, in parallel: objects newer than their source are kept.
mkdir -p "$out/lib"
for f in analyzer/*.c codegen/*.c; do
	o="$out/lib/$(echo "$f" | tr / _).o"
	[ "$o" -nt "$f" ] && continue
	echo "$f $o"
done | xargs -r -P "$(nproc)" -n 2 sh -c "clang $CFLAGS -fsanitize=fuzzer-no-link -c \"\$0\" -o \"\$1\""
status=0
for src in fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	name=${name#fuzz_}
	echo "== fuzz $name (${secs}s)"
	# shellcheck disable=SC2086
	clang $CFLAGS "$src" "$out"/lib/*.o $LIBS -o "$out/fuzz_$name"
	mkdir -p "$out/corpus-$name"
	if [ -x "fuzz/seeds-$name.sh" ]; then
		"fuzz/seeds-$name.sh" | while read -r f; do
			cp "$f" "$out/corpus-$name/seed-$(echo "$f" | tr / _)"
		done
	fi
	(cd "$out" && "./fuzz_$name" -max_total_time="$secs" -print_final_stats=1 "corpus-$name") \
		>"$out/fuzz_$name.log" 2>&1 || { status=1; tail -40 "$out/fuzz_$name.log"; }
	grep -E "^(Done|stat::number_of_executed_units)" "$out/fuzz_$name.log" || true
done
exit $status
