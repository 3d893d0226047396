#!/bin/bash
# Fault injection (SQLite's *fault.test habit): sweep the Nth allocation,
# write, read and rename failing over a scan (`unravel cycles` of the example)
# and over `gen cache-rewrite --apply` (a copy of the example). Every run must
# end with exit 2 and a clean "unravel: ..." message (or succeed when N is past
# the last operation), never a signal, a sanitizer report or a hang; and
# --apply must leave the tree all old or all new: every file's bytes are
# compared with the tree before and after a clean apply, and no temporary
# file is left behind. Short reads (every read(2) returning a few bytes) must
# not change any output.
#
# Hooks (analyzer/util.h): UNRAVEL_FAIL_ALLOC=N, UNRAVEL_FAIL_WRITE=N (ENOSPC
# after a partial write), UNRAVEL_FAIL_READ=N (EIO), UNRAVEL_FAIL_RENAME=N
# (EIO), UNRAVEL_SHORT_READ=1; UNRAVEL_FAULT_STATS=1 prints the counts at exit.
# FAULT_RUNS (default 80) bounds the runs per sweep: N goes by a stride.
set -u
: "${UNRAVEL:?}" "${ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
runs=${FAULT_RUNS:-80}
die_case() { echo "FAIL $*"; fail=1; }

cp -r "$ROOT/examples/trading" "$tmp/pristine"
rm -rf "$tmp/pristine/.unravel-cache"
cd "$tmp"

# stats CMD...: the operation counts of a clean run ("allocations=N writes=N reads=N renames=N")
stats() { UNRAVEL_FAULT_STATS=1 "$@" 2>&1 >/dev/null | sed -n 's/^unravel: fault counts: //p' | tail -1; }
count_of() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# A faulted run is fine when it exits 2 with an "unravel:" line and no crash,
# or exits like the clean run (the fault came after the last operation, or hit
# an operation whose failure is not fatal: the cache).
check_run() { # label expected_rc rc errfile
	local label=$1 want=$2 rc=$3 err=$4
	if [ "$rc" -ge 128 ] || grep -q "Sanitizer\|runtime error\|BUG:" "$err"; then
		die_case "$label: crashed (exit $rc)"; tail -5 "$err"; return 1
	fi
	if [ "$rc" -eq 2 ]; then
		grep -q "^unravel: \(fatal\|error\)\|: error: " "$err" || {
			die_case "$label: exit 2 without a message"; tail -5 "$err"; return 1; }
		return 0
	fi
	[ "$rc" -eq "$want" ] || { die_case "$label: exit $rc (clean run: $want)"; tail -5 "$err"; return 1; }
	return 0
}

# sweep HOOK TOTAL LABEL CMD...: run CMD with HOOK=n for n = 1..TOTAL+1 by a stride
sweep() {
	local hook=$1 total=$2 label=$3
	shift 3
	local stride=$(( (total + runs - 1) / runs )) n nfatal=0 nrun=0 rc
	[ "$stride" -ge 1 ] || stride=1
	"$@" >/dev/null 2>&1
	local want=$?
	for n in $(seq 1 "$stride" "$total") $((total + 1)); do
		env "$hook=$n" timeout 60 "$@" >/dev/null 2>"$tmp/err"
		rc=$?
		nrun=$((nrun + 1))
		[ $rc -eq 2 ] && nfatal=$((nfatal + 1))
		check_run "$label $hook=$n" "$want" "$rc" "$tmp/err" || return
		# a failed read is a warning naming the file, the scan goes on
		if [ "$hook" = UNRAVEL_FAIL_READ ] && [ "$n" -le "$total" ] && [ $rc -ne 2 ]; then
			grep -q ": warning: cannot read: Input/output error" "$tmp/err" ||
				{ die_case "$label $hook=$n: no warning"; tail -3 "$tmp/err"; return; }
		fi
	done
	echo "ok: $label: $hook swept over $total operations ($nrun runs, $nfatal clean fatal errors)"
}

# --- a scan: cycles of the example (reads, allocations) ---
scan_cmd=("$UNRAVEL" cycles pristine --kind all --no-cache --jobs 1)
s=$(stats "${scan_cmd[@]}")
[ -n "$s" ] || { echo "FAIL: UNRAVEL_FAULT_STATS printed nothing"; exit 1; }
echo "scan: $s"
sweep UNRAVEL_FAIL_ALLOC "$(count_of "$s" allocations)" "cycles" "${scan_cmd[@]}"
sweep UNRAVEL_FAIL_READ "$(count_of "$s" reads)" "cycles" "${scan_cmd[@]}"
# with the cache: its write failing is not fatal, the next run rebuilds it
cache_cmd=("$UNRAVEL" scan pristine --jobs 1 --cache-dir "$tmp/cache")
rm -rf "$tmp/cache"
s=$(stats "${cache_cmd[@]}")
rm -rf "$tmp/cache"
sweep UNRAVEL_FAIL_WRITE "$(count_of "$s" writes)" "scan (cache written)" "${cache_cmd[@]}"
"${cache_cmd[@]}" >/dev/null 2>&1 || die_case "scan after faulted cache writes"

# short reads change nothing
"${scan_cmd[@]}" --format json >"$tmp/full.json" 2>&1
UNRAVEL_SHORT_READ=1 "${scan_cmd[@]}" --format json >"$tmp/short.json" 2>&1
cmp -s "$tmp/full.json" "$tmp/short.json" || die_case "short reads change the output"
rm -rf "$tmp/cache"
"${cache_cmd[@]}" --format json >"$tmp/c1.json" 2>&1
UNRAVEL_SHORT_READ=1 "${cache_cmd[@]}" --format json >"$tmp/c2.json" 2>&1
cmp -s "$tmp/c1.json" "$tmp/c2.json" || die_case "short reads of the cache change the output"

# --- a patch apply: gen cache-rewrite --apply on a copy of the example ---
tree_sums() { (cd "$1" && find . -type f ! -path './.unravel-cache/*' | LC_ALL=C sort | xargs md5sum); }
tree_sums pristine >"$tmp/old.sums"
cp -r pristine applied
"$UNRAVEL" gen cache-rewrite applied --no-cache --jobs 1 --apply -q || die_case "clean --apply"
tree_sums applied >"$tmp/new.sums"
cmp -s "$tmp/old.sums" "$tmp/new.sums" && die_case "clean --apply changed nothing"

apply_sweep() { # HOOK TOTAL
	local hook=$1 total=$2
	local stride=$(( (total + runs - 1) / runs )) n rc nold=0 nnew=0 nrun=0
	[ "$stride" -ge 1 ] || stride=1
	for n in $(seq 1 "$stride" "$total") $((total + 1)); do
		rm -rf work
		cp -r pristine work
		env "$hook=$n" timeout 60 "$UNRAVEL" gen cache-rewrite work --no-cache --jobs 1 --apply -q \
			>/dev/null 2>"$tmp/err"
		rc=$?
		nrun=$((nrun + 1))
		check_run "apply $hook=$n" 0 "$rc" "$tmp/err" || return
		tree_sums work | sed 's| \./| ./|' >"$tmp/got.sums"
		if cmp -s "$tmp/got.sums" "$tmp/old.sums"; then
			nold=$((nold + 1))
			[ $rc -eq 2 ] || { die_case "apply $hook=$n: exit $rc but nothing written"; return; }
		elif cmp -s "$tmp/got.sums" "$tmp/new.sums"; then
			nnew=$((nnew + 1))
			[ $rc -eq 0 ] || { die_case "apply $hook=$n: exit $rc but everything written"; return; }
		else
			die_case "apply $hook=$n (exit $rc): the tree is neither all old nor all new"
			diff "$tmp/old.sums" "$tmp/got.sums" | head -10
			return
		fi
	done
	echo "ok: apply: $hook swept over $total operations ($nrun runs: $nold left all old, $nnew all new)"
}
rm -rf work && cp -r pristine work
s=$(stats "$UNRAVEL" gen cache-rewrite work --no-cache --jobs 1 --apply -q)
echo "apply: $s"
apply_sweep UNRAVEL_FAIL_ALLOC "$(count_of "$s" allocations)"
apply_sweep UNRAVEL_FAIL_WRITE "$(count_of "$s" writes)"
apply_sweep UNRAVEL_FAIL_READ "$(count_of "$s" reads)"
apply_sweep UNRAVEL_FAIL_RENAME "$(count_of "$s" renames)"
rm -rf work && cp -r pristine work
UNRAVEL_SHORT_READ=1 "$UNRAVEL" gen cache-rewrite work --no-cache --jobs 1 --apply -q || die_case "apply with short reads"
tree_sums work >"$tmp/got.sums"
cmp -s "$tmp/got.sums" "$tmp/new.sums" || die_case "apply with short reads: different result"

# --- output to a full disk: a clear error, exit 2 ---
if [ -w /dev/full ]; then
	"$UNRAVEL" graph pristine --kind imports --format json --no-cache >/dev/full 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] && grep -q "cannot write to standard output" "$tmp/err" ||
		{ die_case "graph > /dev/full: exit $rc"; cat "$tmp/err"; }
	"$UNRAVEL" graph pristine --kind imports --format json --no-cache -o /dev/full 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] && grep -q "cannot write '/dev/full'" "$tmp/err" ||
		{ die_case "graph -o /dev/full: exit $rc"; cat "$tmp/err"; }
	"$UNRAVEL" gen cache-rewrite pristine --no-cache >/dev/full 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] || { die_case "gen cache-rewrite > /dev/full: exit $rc"; cat "$tmp/err"; }
fi
exit $fail
