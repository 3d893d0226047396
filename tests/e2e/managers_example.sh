#!/bin/bash
# The example framework really runs: its own unittest suite passes
# (runtime manager cycles are resolved lazily, the constructor cycle is wired in two phases).
set -eu
cd "$ROOT/examples/trading"
PYTHONDONTWRITEBYTECODE=1 python3 -m unittest -q 2>&1 | tail -3
