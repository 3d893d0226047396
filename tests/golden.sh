# tests/golden.sh - the one golden-folder runner, sourced by tests/e2e/*.sh.
#
# golden_run AREA PREFIX DEFAULT_ARGS
#   For each folder tests/golden/AREA/CASE/: run `unravel PREFIX ARGS` in the
#   case folder (or in $ROOT/<contents of `cwd`> when that file exists), where
#   ARGS is the content of `args` or DEFAULT_ARGS. Compare stdout with
#   `expected` (byte for byte), the exit status with `expected_exit` (default
#   0), and stderr with `expected_stderr` (when absent, stderr must be empty).
#   UPDATE=1 rewrites `expected` (and `expected_exit` when not 0) instead.
#   Prints "N AREA cases" (N also in GOLDEN_N); returns 1 when any case failed.
golden_run() {
	local area=$1 prefix=$2 default_args=$3
	local fail=0 n=0 dir case args want_exit run rc out err
	: "${UNRAVEL:?}" "${ROOT:?}"
	out=$(mktemp) err=$(mktemp)
	for dir in "$ROOT"/tests/golden/"$area"/*/; do
		case=$(basename "$dir")
		n=$((n + 1))
		args=$default_args
		[ -f "$dir/args" ] && args=$(cat "$dir/args")
		want_exit=0
		[ -f "$dir/expected_exit" ] && want_exit=$(cat "$dir/expected_exit")
		run=$dir
		[ -f "$dir/cwd" ] && run="$ROOT/$(cat "$dir/cwd")"
		# shellcheck disable=SC2086
		(cd "$run" && eval "\"\$UNRAVEL\" $prefix $args") >"$out" 2>"$err"
		rc=$?
		if [ "${UPDATE:-}" = 1 ]; then
			cp "$out" "$dir/expected"
			if [ "$rc" != 0 ]; then echo "$rc" >"$dir/expected_exit"; else rm -f "$dir/expected_exit"; fi
			continue
		fi
		if [ "$rc" != "$want_exit" ]; then
			echo "FAIL $case: exit $rc, expected $want_exit"; cat "$err"; fail=1; continue
		fi
		if ! cmp -s "$out" "$dir/expected"; then
			echo "FAIL $case: stdout differs"; diff -u "$dir/expected" "$out" | head -80; fail=1
		fi
		if [ -f "$dir/expected_stderr" ]; then
			if ! cmp -s "$err" "$dir/expected_stderr"; then
				echo "FAIL $case: stderr differs"; diff -u "$dir/expected_stderr" "$err"; fail=1
			fi
		elif [ -s "$err" ]; then
			echo "FAIL $case: unexpected stderr"; cat "$err"; fail=1
		fi
	done
	rm -f "$out" "$err"
	GOLDEN_N=$n
	echo "$n $area cases"
	return $fail
}
