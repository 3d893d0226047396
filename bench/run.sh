#!/bin/bash
# make bench: unravel side by side with the floor (grep, cc -MM) and with the
# tools people use today (pylint, jscpd), on the Python standard library,
# Django, a C source tree (curl, from Debian) and generated projects of 10k to
# 100k modules. Every ratio is taken in the same run. Writes bench/RESULTS.md
# (and prints it). Not part of `make test`.
#
#   BENCH_RUNS=N        repetitions per timing, the best is kept (default 3)
#   BENCH_ONLY=LIST     sections to run: python synth c dups (default: all; dups runs bench/dups/run.sh);
#                       with a subset the tables go to build/bench/RESULTS-LIST.md, not bench/RESULTS.md
#   BENCH_SIZES=LIST    synthetic sizes (default: 10000 50000 65000 100000)
#   BENCH_PYLINT=0      skip pylint (minutes on the standard library)
#
# Wall times are the best of N runs, as the machine may be
# shared; CPU time (user+sys) is given beside them and does not depend on
# other load. Peak memory is the maximum resident set size (/usr/bin/time).
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
U=$ROOT/build/unravel
W=$ROOT/build/bench
RUNS=${BENCH_RUNS:-3}
ONLY=${BENCH_ONLY:-python synth c dups}
SIZES=${BENCH_SIZES:-10000 50000 65000 100000}
PYLINT=${BENCH_PYLINT:-1}
STDLIB=/usr/lib/python3.11
DJANGO=/usr/lib/python3/dist-packages/django
mkdir -p "$W"
RES=$W/results.md
: >"$RES"
[ -x "$U" ] || { echo "bench: build first (make)"; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (apt-get install time)"; exit 2; }

want() { [[ " $ONLY " == *" $1 "* ]]; }
say() { echo "$*" | tee -a "$RES"; }

# measure NAME CMD...: best wall time of $RUNS runs; sets T (s), C (cpu s), M (MB).
# The command's exit status 0 or 1 is fine (1 = cycles found); 2+ is an error.
measure() {
	local name=$1; shift
	local best= bestc= mem=0 i out rc
	out=$W/time.$$
	for ((i = 0; i < RUNS; i++)); do
		[ -n "${BEFORE:-}" ] && eval "$BEFORE"
		/usr/bin/time -f "%e %U %S %M" -o "$out" "$@" >"$W/last.out" 2>"$W/last.err"
		rc=$?
		if [ $rc -gt 1 ] && [ -z "${ANYRC:-}" ]; then
			echo "bench: '$name' failed (exit $rc): $*" >&2
			tail -5 "$W/last.err" >&2
			T=NaN C=NaN M=NaN
			return 1
		fi
		read -r e u s m < <(tail -n 1 "$out")
		if [ -z "$best" ] || awk "BEGIN{exit !($e < $best)}"; then best=$e; bestc=$(awk "BEGIN{printf \"%.2f\", $u + $s}"); fi
		[ "$m" -gt "$mem" ] && mem=$m
	done
	rm -f "$out"
	T=$best C=$bestc M=$((mem / 1024))
}

ratio() { awk "BEGIN{ if ($2 > 0) printf \"%.1f\", $1 / $2; else print \"-\" }"; }
row() { say "| $1 | $2 | $3 | $4 | $5 |"; }

header() {
	say ""
	say "$1"
	say ""
	say "| what | wall s | cpu s | peak MB | ratio |"
	say "|---|---:|---:|---:|---:|"
}

python_corpus() { # NAME DIR
	local name=$1 dir=$2 cache=$W/cache/$1 nfiles floor_t
	nfiles=$(find "$dir" -name '*.py' | wc -l)
	header "### $name ($dir, $nfiles .py files)"
	measure grep grep -rE '^\s*(import|from)\s' --include='*.py' "$dir"
	floor_t=$T
	row "floor: \`grep -rE '^\\s*(import\|from)\\s'\`" "$T" "$C" "$M" "1.0"
	measure cold "$U" cycles "$dir" --kind imports --no-cache -q
	local cold=$T
	row "unravel cycles --kind imports, cold (--no-cache)" "$T" "$C" "$M" "$(ratio "$T" "$floor_t") x floor"
	BEFORE="rm -rf '$cache'" measure cold-write "$U" cycles "$dir" --kind imports --cache-dir "$cache" -q
	row "unravel cycles --kind imports, cold, writing the cache" "$T" "$C" "$M" "$(ratio "$T" "$floor_t") x floor"
	measure warm "$U" cycles "$dir" --kind imports --cache-dir "$cache" -q
	row "unravel cycles --kind imports, warm cache" "$T" "$C" "$M" "$(ratio "$T" "$floor_t") x floor"
	measure hook "$U" cycles "$dir" --kind all --cache-dir "$cache" -q
	row "unravel cycles --kind all (what \`hook run\` does), warm" "$T" "$C" "$M" "$(ratio "$T" "$floor_t") x floor"
	if [ "$PYLINT" = 1 ] && command -v pylint >/dev/null; then
		# pylint's exit status is a bit mask of message kinds (8: refactor, e.g. R0401).
		ANYRC=1 RUNS=1 measure pylint pylint --disable=all --enable=cyclic-import --recursive=y "$dir"
		row "pylint --disable=all --enable=cyclic-import --recursive=y" "$T" "$C" "$M" "$(ratio "$T" "$cold") x unravel cold"
		say ""
		say "pylint reported $(grep -c 'cyclic-import' "$W/last.out") cyclic-import messages (one per cycle it enumerates); unravel: $("$U" cycles "$dir" --kind imports --format json --cache-dir "$cache" -q | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["sccs"]))') strongly connected components."
	fi
}

if want python; then
	say "## Python: import graph and cycles"
	python_corpus "stdlib" "$STDLIB"
	python_corpus "django" "$DJANGO"
fi

if want synth; then
	say ""
	say "## Synthetic projects (bench/gen-synthetic.py): growth with size"
	say ""
	say "| modules | files | cold wall s | cold cpu s | cold MB | warm wall s | warm cpu s | warm MB | grep wall s | cold us/module |"
	say "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for n in $SIZES; do
		dir=$W/synth-$n
		if [ ! -f "$dir/.stamp" ] || [ "$(cat "$dir/.stamp")" != "$(md5sum <bench/gen-synthetic.py)" ]; then
			rm -rf "$dir"
			python3 bench/gen-synthetic.py "$n" "$dir" >/dev/null || exit 2
			md5sum <bench/gen-synthetic.py >"$dir/.stamp"
		fi
		files=$(find "$dir" -name '*.py' | wc -l)
		cache=$W/cache/synth-$n
		measure grep grep -rE '^\s*(import|from)\s' --include='*.py' "$dir/synth"
		g=$T
		measure cold "$U" cycles "$dir/synth" --kind imports --no-cache -q
		ct=$T cc=$C cm=$M
		BEFORE="rm -rf '$cache'" RUNS=1 measure write "$U" cycles "$dir/synth" --kind imports --cache-dir "$cache" -q
		measure warm "$U" cycles "$dir/synth" --kind imports --cache-dir "$cache" -q
		say "| $n | $files | $ct | $cc | $cm | $T | $C | $M | $g | $(awk "BEGIN{printf \"%.1f\", $ct * 1e6 / $n}") |"
	done
fi

if want c; then
	# A real C tree from Debian: curl's sources and its CMake compilation database.
	src=$W/curl
	if [ ! -f "$src/build/compile_commands.json" ]; then
		rm -rf "$src" && mkdir -p "$src/apt/lists/partial" "$src/apt/cache/archives/partial"
		echo "deb-src http://deb.debian.org/debian bookworm main" >"$src/apt/sources.list"
		aptopts="-o Dir::Etc::SourceList=$src/apt/sources.list -o Dir::Etc::SourceParts=- -o Dir::State::Lists=$src/apt/lists -o Dir::Cache=$src/apt/cache"
		if (cd "$src" && apt-get $aptopts update -qq && apt-get $aptopts source --download-only -qq curl) >/dev/null 2>&1 &&
			(cd "$src" && dpkg-source -x --skip-patches curl_*.dsc tree) >/dev/null 2>&1 &&
			cmake -S "$src/tree" -B "$src/build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DBUILD_TESTING=OFF -DCURL_USE_OPENSSL=OFF \
				-DCURL_ENABLE_SSL=OFF -DUSE_LIBIDN2=OFF -DCURL_USE_LIBPSL=OFF -DCURL_USE_LIBSSH2=OFF \
				-DCURL_BROTLI=OFF -DCURL_ZSTD=OFF -DUSE_NGHTTP2=OFF >/dev/null 2>&1; then
			:
		else
			say ""
			say "## C (curl): skipped, the sources could not be fetched or configured"
			src=
		fi
	fi
	if [ -n "$src" ]; then
		# The preprocessor floor: cc -MM over the translation units unravel
		# parses, with their flags: each file of the database once, and only
		# files that exist (src/tool_hugehelp.c is generated by the build).
		python3 - "$src/build/compile_commands.json" >"$W/mm.sh" <<'EOF'
import json, os, shlex, sys
seen = set()
for e in json.load(open(sys.argv[1])):
    f = os.path.join(e["directory"], e["file"])
    if f in seen or not os.path.exists(f):
        continue
    seen.add(f)
    args = e.get("arguments") or shlex.split(e["command"])
    keep, skip = [], False
    for a in args[1:]:
        if skip:
            skip = False
            continue
        if a in ("-o", "-c"):
            skip = a == "-o"
            continue
        keep.append(a)
    print("cd %s && %s -MM %s >/dev/null || exit 2" % (shlex.quote(e["directory"]),
          shlex.quote(args[0]), " ".join(shlex.quote(a) for a in keep)))
EOF
		tus=$(grep -c '^cd ' "$W/mm.sh")
		cache=$W/cache/curl
		say ""
		say "## C: include graph of curl ($tus translation units: the files of its CMake compile_commands.json)"
		say ""
		say "| what | wall s | cpu s | peak MB | ratio to the floor, wall / cpu |"
		say "|---|---:|---:|---:|---:|"
		measure mm bash "$W/mm.sh"
		floor_t=$T floor_c=$C
		row "floor: \`cc -MM\` over every TU (one process each, serial)" "$T" "$C" "$M" "1.0 / 1.0"
		cx=("$U" cycles "$src/tree" --kind imports --compile-commands "$src/build")
		cratio() { echo "$(ratio "$T" "$floor_t") / $(ratio "$C" "$floor_c")"; }
		measure cold "${cx[@]}" -q --no-cache
		row "unravel cycles --kind imports, cold (libclang, 2 threads)" "$T" "$C" "$M" "$(cratio)"
		measure cold1 "${cx[@]}" -q --no-cache --jobs 1
		row "same, 1 thread" "$T" "$C" "$M" "$(cratio)"
		BEFORE="rm -rf '$cache'" RUNS=1 measure write "${cx[@]}" -q --cache-dir "$cache"
		row "cold, writing the TU cache (1 run)" "$T" "$C" "$M" "$(cratio)"
		measure warm "${cx[@]}" -q --cache-dir "$cache"
		row "warm: every TU from the TU cache (libclang not loaded)" "$T" "$C" "$M" "$(cratio)"
		RUNS=1 measure all "${cx[@]}" -q --no-cache --c-fallback-all
		row "cold, \`--c-fallback-all\`: also the tree's other .c files and headers (1 run)" "$T" "$C" "$M" "$(cratio)"
		say ""
		say "Without \`--c-fallback-all\`, these are nodes without edges: $("${cx[@]}" --cache-dir "$cache" 2>&1 >/dev/null | sed -n 's/.*warning: \(.*not parsed\).*/\1/p')."
		# What each libclang option costs per TU (bench/c-tu-options.c).
		llvm=$(command -v llvm-config-14 || command -v llvm-config)
		if cc -std=c11 -O2 -I"$($llvm --includedir)" bench/c-tu-options.c -o "$W/c-tu-options" \
			-L"$($llvm --libdir)" -Wl,-rpath,"$($llvm --libdir)" -lclang; then
			say ""
			say "CPU of one libclang parse per TU, serial, by option (bench/c-tu-options.c, best of $RUNS):"
			say ""
			say "| setting | TUs | ms CPU per TU |"
			say "|---|---:|---:|"
			for setting in unravel keep-w skip-bodies ignore-nonerr incomplete parse-only; do
				best= n=0
				for ((i = 0; i < RUNS; i++)); do
					read -r n ms < <("$W/c-tu-options" "$src/build" "$setting")
					if [ -z "$best" ] || awk "BEGIN{exit !($ms < $best)}"; then best=$ms; fi
				done
				say "| $setting | $n | $best |"
			done
		fi
	fi
fi

if want dups; then
	# Duplicate code beside jscpd has its own script and results (bench/dups/).
	bench/dups/run.sh >/dev/null 2>&1 || echo "bench: bench/dups/run.sh failed" >&2
	say ""
	say "## Duplicate code"
	say ""
	say "unravel dups beside jscpd 5.3.2: see bench/dups/RESULTS.md (written by bench/dups/run.sh)."
fi

# A run of some sections only (BENCH_ONLY) does not replace the whole of
# bench/RESULTS.md: its tables go beside the other results, to be merged.
out=bench/RESULTS.md
[ "$ONLY" = "python synth c dups" ] || out=$W/RESULTS-$(echo $ONLY | tr ' ' -).md
{
	echo "# Benchmarks"
	echo ""
	echo "Produced by \`make bench\` (bench/run.sh) on $(date -u +%Y-%m-%d), $(nproc) cores,"
	echo "$(awk '/MemTotal/{printf "%.0f GB", $2/1048576}' /proc/meminfo) of memory, unravel $("$U" --version | cut -d' ' -f2),"
	echo "best of $RUNS runs; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
	cat "$RES"
} >"$out"
echo
echo "wrote $out"
