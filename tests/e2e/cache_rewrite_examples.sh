#!/bin/bash
# gen cache-rewrite on copies of the example projects (the committed examples
# are never touched): the patch applies with git apply --check and patch -p1,
# the patched project still runs its own tests, a second run gives an empty
# patch, scan then reports one cache class; --apply writes everything, or
# nothing when a target changed after the analysis.
set -u
: "${UNRAVEL:?}" "${ROOT:?}"
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
die_case() { echo "FAIL $*"; fail=1; }

# --- Python: examples/trading ---
cp -r "$ROOT/examples/trading" "$tmp/py"
rm -rf "$tmp/py/.unravel-cache"
(cd "$tmp/py" && git init -q . && git add -A && git -c user.email=t@t -c user.name=t commit -qm base) || die_case "git init"
(cd "$tmp" && "$UNRAVEL" gen cache-rewrite py --no-cache -o "$tmp/py.patch") 2>"$tmp/err" || { die_case "python: exit $?"; cat "$tmp/err"; }
grep -q '^diff --git a/trading/main.py b/trading/main.py$' "$tmp/py.patch" || die_case "python: paths are not relative to the root"
grep -q '^index [0-9a-f]\{40\}\.\.[0-9a-f]\{40\} 100644$' "$tmp/py.patch" || die_case "python: no blob ids"
# the blob ids are git's
old=$(cd "$tmp/py" && git hash-object trading/main.py)
grep -q "^index $old\.\." "$tmp/py.patch" || die_case "python: index line does not name git's blob $old"
(cd "$tmp/py" && git apply --check "$tmp/py.patch") || die_case "python: git apply --check"
(cd "$tmp/py" && patch -p1 --dry-run -s <"$tmp/py.patch" >/dev/null) || die_case "python: patch -p1 --dry-run"
(cd "$tmp/py" && git apply "$tmp/py.patch") || die_case "python: git apply"
(cd "$tmp/py" && python3 -m unittest -q) >"$tmp/log" 2>&1 || { die_case "python: tests fail after the rewrite"; tail -20 "$tmp/log"; }
grep -rq --include=*.py --exclude=unified.py "GreeksCache\|MarketDataCache\|PositionCache" "$tmp/py/trading" && { die_case "python: legacy names left"; grep -rn "GreeksCache\|MarketDataCache\|PositionCache" "$tmp/py/trading"; }
(cd "$tmp" && "$UNRAVEL" gen cache-rewrite py --no-cache -q) >"$tmp/again" || die_case "python: second run exit"
[ -s "$tmp/again" ] && { die_case "python: second run not empty"; head -30 "$tmp/again"; }
(cd "$tmp" && "$UNRAVEL" scan py --no-cache --format json) >"$tmp/scan.json" 2>/dev/null
python3 - "$tmp/scan.json" <<'PY' || die_case "python: scan does not report one cache system"
import json, sys
comps = json.load(open(sys.argv[1]))["components"]["cache"]
classes = sorted(c["name"] for c in comps if c["name"].endswith("Cache"))
assert classes == ["UnifiedCache"], comps
PY

# --dry-run: the audit lists constructions, attributes, calls with file:line
(cd "$tmp" && rm -rf py2 && cp -r "$ROOT/examples/trading" py2 && "$UNRAVEL" gen cache-rewrite py2 --no-cache -q --dry-run) >"$tmp/audit"
for want in "py2/trading/main.py:25  GreeksCache(max_size=500)" \
	"py2/trading/managers/vix_manager.py:24  mdc.MarketDataCache(ttl=60.0)" \
	"trading.main.TradingAlgorithm.greeks_cache  GreeksCache" \
	"py2/trading/managers/greeks_monitor.py:16  self.algo.greeks_cache.put(symbol, greeks)  GreeksCache.put" \
	"py2/trading/core/state_manager.py:55  self.cache.save(\"halt_reason\", reason)  PositionCache.save -> put"; do
	grep -qF "$want" "$tmp/audit" || die_case "audit lacks: $want"
done

# --apply refuses, changing nothing, when a target changes after the analysis
cp -r "$ROOT/examples/trading" "$tmp/ap"
rm -rf "$tmp/ap/.unravel-cache"
(cd "$tmp/ap" && find . -type f | sort | xargs md5sum) >"$tmp/before"
UNRAVEL_TEST_BEFORE_APPLY="echo '# edited' >> $tmp/ap/trading/managers/vix_manager.py" \
	"$UNRAVEL" gen cache-rewrite "$tmp/ap" --no-cache --apply 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || die_case "--apply on a changed tree: exit $rc, expected 2"
grep -q "vix_manager.py' changed since it was analysed" "$tmp/err" || { die_case "--apply: no refusal message"; cat "$tmp/err"; }
sed -i '$ d' "$tmp/ap/trading/managers/vix_manager.py"
(cd "$tmp/ap" && rm -rf .unravel-cache && find . -type f | sort | xargs md5sum) >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after" || { die_case "--apply changed files although it refused"; diff "$tmp/before" "$tmp/after"; }
ls -a "$tmp/ap/trading/managers" | grep -q unravel- && die_case "--apply left temporary files"
# and writes everything when nothing changed
"$UNRAVEL" gen cache-rewrite "$tmp/ap" --no-cache --apply -q || die_case "--apply: exit $?"
(cd "$tmp/ap" && python3 -m unittest -q) >"$tmp/log" 2>&1 || { die_case "--apply: tests fail"; tail -20 "$tmp/log"; }
[ -e "$tmp/ap/trading/cache/greeks_cache.py" ] && die_case "--apply: legacy module not deleted"
(cd "$tmp/ap" && rm -rf .unravel-cache && git init -q . && git add -A && "$UNRAVEL" gen cache-rewrite . --no-cache -q) >"$tmp/again"
[ -s "$tmp/again" ] && die_case "--apply: second run not empty"
# --- C: examples/ctrading ---
cp -r "$ROOT/examples/ctrading" "$tmp/c"
rm -rf "$tmp/c/.unravel-cache" "$tmp/c/build" "$tmp/c/compile_commands.json"
(cd "$tmp/c" && git init -q .) || die_case "c: git init"
(cd "$tmp" && "$UNRAVEL" gen cache-rewrite c --no-cache -q -o "$tmp/c.patch") || die_case "c: exit $?"
grep -q '^+++ b/src/core/unified_cache.c$' "$tmp/c.patch" || die_case "c: no unified cache written"
grep -q 'unified_cache_get(sm->cache, CACHE_GREEKS, "SPX", &g)' "$tmp/c.patch" || die_case "c: call not rewritten"
(cd "$tmp/c" && git apply --check "$tmp/c.patch") || die_case "c: git apply --check"
(cd "$tmp/c" && patch -p1 --dry-run -s <"$tmp/c.patch" >/dev/null) || die_case "c: patch -p1 --dry-run"
(cd "$tmp/c" && git apply "$tmp/c.patch") || die_case "c: git apply"
cc=$(command -v clang || command -v cc)
(cd "$tmp/c" && make -s CC="$cc" test && make -s CC="$cc") >"$tmp/log" 2>&1 || { die_case "c: the patched example does not build (-Werror) or its test fails"; tail -30 "$tmp/log"; }
grep -q "all checks passed" "$tmp/log" || die_case "c: test output"
(cd "$tmp/c" && cc -std=c11 -Wall -Wextra -Werror -Isrc -c src/core/unified_cache.c -o /dev/null) || die_case "c: unified_cache.c with cc -Werror"
grep -rq "greeks_cache_\|GreeksCache" "$tmp/c/src" "$tmp/c/tests" && { die_case "c: legacy names left"; grep -rn "greeks_cache_\|GreeksCache" "$tmp/c/src" "$tmp/c/tests"; }
rm -rf "$tmp/c/build"
(cd "$tmp" && "$UNRAVEL" gen cache-rewrite c --no-cache -q) >"$tmp/again" || die_case "c: second run exit"
[ -s "$tmp/again" ] && { die_case "c: second run not empty"; head -30 "$tmp/again"; }
(cd "$tmp" && "$UNRAVEL" scan c --no-cache -q --format json) >"$tmp/scan.json"
python3 - "$tmp/scan.json" <<'PY' || die_case "c: scan does not report one cache system"
import json, sys
comps = json.load(open(sys.argv[1]))["components"]
names = sorted({c["name"] for cat in comps.values() for c in cat if c["name"].lower().endswith("cache")})
assert names == ["unified_cache"], names
PY
exit $fail
