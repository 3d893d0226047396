#!/bin/bash
# fuzz/run.sh [SECONDS [NAME...]] - build every fuzz/fuzz_NAME.c (or the NAMEs
# given) as a libFuzzer target (clang -fsanitize=fuzzer,address,undefined,
# linked with the library sources) and run each for SECONDS (default 60) in
# build-fuzz/. Corpora persist in build-fuzz/corpus-NAME; fuzz/seeds-NAME.sh,
# when present, prints seed files to copy in first, and the crash regressions
# of fuzz/regressions/NAME/ are added too. Prints each target's executions
# and coverage; exits 1 when a target crashes, leaks or fails a check (the
# input is saved as build-fuzz/crash-NAME-*: copy it to fuzz/regressions/NAME/
# once fixed, tests/e2e/fuzz_replay.sh replays it from then on).
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
out=build-fuzz
mkdir -p "$out"
src_dir=$PWD
# The libraries are named in the Makefile only (`make fuzz` passes them).
PKGS=${PKGS:-$(make -s --no-print-directory print-pkgs)}
LLVM_CONFIG=$(command -v llvm-config-14 || command -v llvm-config)
# libclang is dlopen()ed by frontend_c.c (see the Makefile), not linked.
LIBCLANG=$($LLVM_CONFIG --libdir)/libclang.so
CFLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(pkg-config --cflags $PKGS) -I$($LLVM_CONFIG --includedir)"
LIBS="$(pkg-config --libs $PKGS) -ldl -lpthread -lm"
# The library, once, in parallel: objects newer than their source and every
# header are kept.
mkdir -p "$out/lib"
newest_h=$(ls -t analyzer/*.h codegen/*.h | head -1)
for f in analyzer/*.c codegen/*.c; do
	o="$out/lib/$(echo "$f" | tr / _).o"
	[ "$o" -nt "$f" ] && [ "$o" -nt "$newest_h" ] && continue
	echo "$f $o"
done | xargs -r -P "$(nproc)" -n 2 sh -c "clang $CFLAGS -DUNRAVEL_LIBCLANG_PATH='\"$LIBCLANG\"' -fsanitize=fuzzer-no-link -c \"\$0\" -o \"\$1\""
# Objects of sources that no longer exist would still be linked.
for o in "$out"/lib/*.o; do
	f=$(basename "$o" .o)
	f=${f/_/\/}
	[ -e "$f" ] || rm -f "$o"
done
if [ $# -gt 0 ]; then
	targets=("$@")
else
	targets=()
	for src in fuzz/fuzz_*.c; do
		name=$(basename "$src" .c)
		targets+=("${name#fuzz_}")
	done
fi
status=0
summary=""
for name in "${targets[@]}"; do
	src=fuzz/fuzz_$name.c
	echo "== fuzz $name (${secs}s)"
	# shellcheck disable=SC2086
	clang $CFLAGS -DFUZZ_SRCDIR="\"$src_dir\"" "$src" "$out"/lib/*.o $LIBS -o "$out/fuzz_$name"
	corpus=$src_dir/$out/corpus-$name
	# Each target runs in its own scratch folder (the targets write files
	# there), in memory when possible: fsync on a disk would dominate.
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then
		rundir=$(mktemp -d /dev/shm/unravel-fuzz-XXXXXX)
	else
		rundir=$out/run-$name
		mkdir -p "$rundir"
	fi
	mkdir -p "$corpus"
	if [ -x "fuzz/seeds-$name.sh" ]; then
		SEED_DIR=$out/seeds "fuzz/seeds-$name.sh" | while read -r f; do
			cp "$f" "$corpus/seed-$(echo "$f" | tr / _)"
		done
	fi
	if [ -d "fuzz/regressions/$name" ]; then
		for f in fuzz/regressions/"$name"/*; do
			[ -f "$f" ] && cp "$f" "$corpus/regression-$(basename "$f")"
		done
	fi
	if (cd "$rundir" && "$src_dir/$out/fuzz_$name" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$src_dir/$out/crash-$name-" "$corpus") >"$out/fuzz_$name.log" 2>&1; then
		:
	else
		status=1
		tail -40 "$out/fuzz_$name.log"
		echo "fuzz $name: FAILED (input saved as $out/crash-$name-*)"
	fi
	case "$rundir" in /dev/shm/*) rm -rf "$rundir" ;; esac
	line="$name: $(grep -E '^stat::number_of_executed_units' "$out/fuzz_$name.log" | awk '{print $2}') runs, $(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$out/fuzz_$name.log" | tail -1), corpus $(ls "$corpus" | wc -l)"
	echo "$line"
	summary="$summary$line"$'\n'
done
echo "== fuzz summary (${secs}s each)"
printf '%s' "$summary"
exit $status
