#!/bin/bash
# libclang is dlopen()ed only when a C translation unit must be parsed:
# not for a Python project, not when the TU cache serves every TU. When it
# cannot be loaded (UNRAVEL_LIBCLANG names a missing file or another
# library), the C files stay nodes without edges and one warning says why;
# never a crash, never exit 2.
set -u
: "${UNRAVEL:?}" "${ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL $*"; fail=1; }

if command -v ldd >/dev/null && ldd "$UNRAVEL" | grep -q 'libclang\|libLLVM'; then
	bad "the binary links libclang: $(ldd "$UNRAVEL" | grep 'libclang\|libLLVM' | tr -d '\t')"
fi

# A Python project never needs it.
UNRAVEL_LIBCLANG=/nonexistent/libclang.so "$UNRAVEL" cycles "$ROOT/examples/trading" --kind all \
	--no-cache >/dev/null 2>"$tmp/py.err"
[ $? -le 1 ] || bad "python project: exit status $?"
grep -q libclang "$tmp/py.err" && bad "python project: $(cat "$tmp/py.err")"

cp -R "$ROOT/examples/ctrading" "$tmp/p"
cd "$tmp/p" || exit 1
rm -rf build compile_commands.json .unravel-cache
make -s compile_commands.json >/dev/null || { echo "FAIL: make compile_commands.json"; exit 1; }

# Which libraries a run loads: glibc's loader says so (LD_DEBUG=files).
loads_libclang() {
	rm -f "$tmp"/ld.*
	LD_DEBUG=files LD_DEBUG_OUTPUT=$tmp/ld "$@"
	cat "$tmp"/ld.* 2>/dev/null | grep -q 'file=[^ ]*libclang'
}
if ! loads_libclang "$UNRAVEL" graph . --kind imports --format json >"$tmp/cold.json" 2>"$tmp/cold.err"; then
	bad "a cold run did not load libclang (or LD_DEBUG does not work here)"
fi
jq -e '.edges | length > 10' "$tmp/cold.json" >/dev/null || bad "cold run: too few edges"
# Warm: every TU from the cache, libclang is not loaded.
if loads_libclang "$UNRAVEL" graph . --kind imports --format json >"$tmp/warm.json" 2>"$tmp/warm.err"; then
	bad "a warm run loaded libclang"
fi
cmp -s "$tmp/cold.json" "$tmp/warm.json" || bad "warm run: output differs"
# Nor does a Python project.
if loads_libclang "$UNRAVEL" cycles "$ROOT/examples/trading" --kind all --no-cache >/dev/null 2>&1; then
	bad "a Python project loaded libclang"
fi

# Cold without libclang: one warning, the files are nodes, no edges, exit 0.
for lib in /nonexistent/libclang.so "$(ldconfig -p 2>/dev/null | awk '/libm\.so\.6 /{print $NF; exit}')"; do
	[ -n "$lib" ] || continue
	UNRAVEL_LIBCLANG=$lib "$UNRAVEL" graph . --kind imports --format json --no-cache \
		>"$tmp/none.json" 2>"$tmp/none.err"
	rc=$?
	[ $rc -eq 0 ] || bad "$lib: exit status $rc"
	[ "$(grep -c 'cannot load libclang' "$tmp/none.err")" = 1 ] ||
		bad "$lib: expected one 'cannot load libclang' warning: $(cat "$tmp/none.err")"
	case $lib in
	/nonexistent/*) grep -q 'No such file' "$tmp/none.err" || bad "$lib: no reason given" ;;
	*) grep -q 'has no clang_' "$tmp/none.err" || bad "$lib: no reason given" ;;
	esac
	jq -e '(.nodes | length) == ('"$(jq '.nodes | length' "$tmp/cold.json")"') and (.edges | length) == 0' \
		"$tmp/none.json" >/dev/null || bad "$lib: expected every node and no edge"
	jq -e '.warnings | map(select(test("cannot load libclang"))) | length == 1' "$tmp/none.json" \
		>/dev/null || bad "$lib: the warning is not in the JSON warnings"
done
[ $fail = 0 ] && echo "ok libclang loaded lazily"
exit $fail
