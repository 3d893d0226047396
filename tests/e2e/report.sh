#!/bin/bash
# `unravel report`: one self-contained HTML page (no script, nothing fetched)
# that headless Chromium loads without console errors and screenshots.
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
command -v chromium >/dev/null || { echo "chromium is not installed (make deps-test)"; exit 1; }

"$UNRAVEL" report "$ROOT/examples/trading" -o "$t/report.html" --no-cache -q
r=$t/report.html
head -c 15 "$r" | grep -q '<!DOCTYPE html>'
# Self-contained: no script, no stylesheet link, no image or font fetched.
! grep -Eiq '<script|<link|<img|<iframe|@import|src="(https?:)?//|url\((https?:)?//' "$r"
for id in summary inventory imports import-cycles managers manager-cycles dups verify; do
	grep -q "id=\"$id\"" "$r" || { echo "section $id missing"; exit 1; }
done
# The example's cycles with file:line and their cut; one drawing per cycle plus the graphs.
grep -q 'trading.strategies.base</code> &rarr; <code>trading.strategies.signals' "$r"
grep -q 'strategies/signals.py:2</span>' "$r"
grep -q 'Suggested cut' "$r"
[ "$(grep -o '<svg' "$r" | wc -l)" -ge 5 ]
grep -q 'GreeksMonitor' "$r"

# Headless Chromium: load, no console message, DOM as written, a screenshot.
chrome() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --disable-extensions \
		--user-data-dir="$(mktemp -d "$t/chrome.XXXX")" --enable-logging=stderr --v=0 "$@"
}
chrome --dump-dom "file://$r" >"$t/dom.html" 2>"$t/dom.log"
if grep -E 'CONSOLE|Uncaught|net::ERR_|Failed to load' "$t/dom.log"; then
	echo "console errors while loading the report"; exit 1
fi
grep -q 'Import cycles' "$t/dom.html"
[ "$(grep -o '<svg' "$t/dom.html" | wc -l)" -ge 5 ]
chrome --window-size=1280,2400 --screenshot="$t/shot.png" "file://$r" >/dev/null 2>"$t/shot.log"
! grep -E 'CONSOLE|Uncaught|net::ERR_' "$t/shot.log"
[ "$(head -c 8 "$t/shot.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]
[ "$(stat -c %s "$t/shot.png")" -gt 50000 ]

# A larger project: the graph is condensed (and says so), every cycle still drawn alone.
python3 "$ROOT/bench/gen-synthetic.py" 400 "$t/synth" >/dev/null
"$UNRAVEL" report "$t/synth/synth" -o "$t/big.html" --no-cache -q
grep -q 'id="import-cycles"' "$t/big.html"
grep -Eq 'collapsed|condensed' "$t/big.html"
chrome --dump-dom "file://$t/big.html" >/dev/null 2>"$t/big.log"
! grep -E 'CONSOLE|Uncaught|net::ERR_' "$t/big.log"

# Usage errors.
set +e
"$UNRAVEL" report "$ROOT/examples/trading" >/dev/null 2>"$t/err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q 'needs -o FILE' "$t/err"
echo "report: ok"
