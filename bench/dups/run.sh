#!/bin/bash
# bench/dups/run.sh - unravel dups beside jscpd 5.3.2 at the same minimum
# token count: wall and CPU time, peak memory (/usr/bin/time), and recall of
# jscpd's clone pairs (bench/dups/recall.py explains every miss). Not part
# of `make test`. jscpd is installed here, into build/bench/node (npm i -E),
# never into the product.
#
#   DUPS_CORPORA="python:/usr/lib/python3.11 c:DIR ..."  (default: the Python
#       standard library, and unravel's own C sources)
#   DUPS_MIN_TOKENS=50   DUPS_RUNS=3 (best wall time, and best CPU time, of N runs)
#   UNRAVEL_BIN=PATH  measure another unravel binary (a before/after comparison)
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
U=${UNRAVEL_BIN:-$ROOT/build/unravel}
W=$ROOT/build/bench/dups
RUNS=${DUPS_RUNS:-3}
MIN=${DUPS_MIN_TOKENS:-50}
mkdir -p "$W"
[ -x "$U" ] || { echo "bench: build first (make)"; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time"; exit 2; }
node=$ROOT/build/bench/node
if [ ! -x "$node/node_modules/.bin/jscpd" ]; then
	mkdir -p "$node" && (cd "$node" && npm init -y >/dev/null && npm i -E jscpd@5.3.2 >/dev/null 2>&1)
fi
JSCPD=$node/node_modules/.bin/jscpd
[ -x "$JSCPD" ] || { echo "bench: npm could not install jscpd@5.3.2"; exit 2; }

# A C corpus that is always there: unravel's own sources, copied (no build files).
csrc=$W/c-src
rm -rf "$csrc" && mkdir -p "$csrc" && cp -r "$ROOT/analyzer" "$ROOT/cli" "$csrc/" && \
	{ [ -d "$ROOT/codegen" ] && cp -r "$ROOT/codegen" "$csrc/" || true; }
CORPORA=${DUPS_CORPORA:-python:/usr/lib/python3.11 c:$csrc}

# measure OUT CMD...: best wall and best CPU (user + sys) of $RUNS runs in the current
# folder (the machine is shared: CPU time is the stable figure); sets T C M (s, s, MiB).
# Wall and CPU time are bash's `time`, to the millisecond (/usr/bin/time's %e is
# rounded to 10 ms, a tenth of unravel's time here); the peak memory is
# /usr/bin/time's, from one more run.
measure() {
	local out=$1 best= bestc= rc e u s c TIMEFORMAT='%3R %3U %3S'; shift
	for ((i = 0; i < RUNS; i++)); do
		{ time "$@" >"$out" 2>"$W/err"; } 2>"$W/time"
		rc=$(tail -1 "$W/time")
		read -r e u s <<<"$rc"
		c=$(awk "BEGIN{printf \"%.3f\", $u + $s}")
		if [ -z "$best" ] || awk "BEGIN{exit !($e < $best)}"; then
			best=$e
		fi
		if [ -z "$bestc" ] || awk "BEGIN{exit !($c < $bestc)}"; then
			bestc=$c
		fi
	done
	/usr/bin/time -f "%x %M" -o "$W/time" "$@" >"$out" 2>"$W/err"
	read -r rc m < <(tail -1 "$W/time")
	[ "$rc" -le 1 ] || { echo "bench: failed: $*" >&2; tail -3 "$W/err" >&2; }
	T=$best C=$bestc M=$((m / 1024))
}

echo "# unravel dups vs jscpd@5.3.2 (min $MIN tokens, best of $RUNS; $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg))"
for spec in $CORPORA; do
	lang=${spec%%:*} dir=${spec#*:}
	[ -d "$dir" ] || { echo "skip $dir (missing)"; continue; }
	echo
	echo "## $dir ($lang)"
	echo
	echo "| tool | wall s | cpu s | peak MiB |"
	echo "|---|---:|---:|---:|"
	(
		cd "$dir" || exit 1
		measure "$W/jscpd.out" "$JSCPD" --min-tokens "$MIN" --format "$lang" --reporters json \
			--output "$W/jscpd-$lang" --silent .
		echo "| jscpd | $T | $C | $M |"
		jt=$T jc=$C jm=$M
		measure "$W/unravel-$lang.json" "$U" dups . --min-tokens "$MIN" --format json --no-cache -q
		echo "| unravel dups (cold, --no-cache) | $T | $C | $M |"
		ut=$T uc=$C um=$M
		rm -rf "$W/cache-$lang"
		"$U" dups . --min-tokens "$MIN" --format json -q --cache-dir "$W/cache-$lang" >/dev/null 2>&1
		measure "$W/unravel-warm.json" "$U" dups . --min-tokens "$MIN" --format json -q \
			--cache-dir "$W/cache-$lang"
		echo "| unravel dups (warm facts cache) | $T | $C | $M |"
		wt=$T wc=$C wm=$M
		T=$ut C=$uc M=$um
		echo
		echo "unravel cold: $(awk "BEGIN{printf \"%.1f\", $jt / $T}")x faster (wall), $(awk "BEGIN{printf \"%.1f\", $jc / $C}")x less CPU, $(awk "BEGIN{printf \"%.1f\", $jm / $M}")x less memory."
		echo "unravel warm: $(awk "BEGIN{printf \"%.1f\", $jt / $wt}")x faster (wall), $(awk "BEGIN{printf \"%.1f\", $jc / $wc}")x less CPU, $(awk "BEGIN{printf \"%.1f\", $jm / $wm}")x less memory."
		"$U" dups . --min-tokens "$MIN" --format json --no-cache -q -v 2>&1 >/dev/null | grep 'dups:' || true
		echo
		python3 "$ROOT/bench/dups/recall.py" "$W/jscpd-$lang/jscpd-report.json" \
			"$W/unravel-$lang.json" "$dir" "$MIN" "$lang"
	)
done
