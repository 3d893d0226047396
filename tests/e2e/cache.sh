#!/bin/bash
# The incremental cache: cold and warm runs give identical facts; after one
# file changes only that file is re-read; a corrupt cache is survived (warning,
# rebuilt); concurrent runs leave a valid cache; --no-cache and --cache-dir.
set -eu
t=$(mktemp -d)
trap "rm -rf \"$t\"" EXIT; [ -n "${KEEP:-}" ] && trap - EXIT && echo "$t"
cd "$t"

# A large tree: 20 packages x 40 modules that import each other, one with a syntax error.
python3 - <<'EOF'
import os
for p in range(20):
    os.makedirs(f"proj/pkg{p}", exist_ok=True)
    open(f"proj/pkg{p}/__init__.py", "w").write(f'"""package {p}"""\n')
    for m in range(40):
        with open(f"proj/pkg{p}/mod{m}.py", "w") as f:
            f.write(f"import os\nfrom pkg{(p + 1) % 20} import mod{m}\n")
            f.write(f"from . import mod{(m + 1) % 40}\n\n")
            f.write(f"class Manager{m}:\n    def __init__(self, algorithm, risk_manager=None):\n")
            f.write(f"        self.algorithm = algorithm\n        self.vix = algorithm.vix_manager\n\n")
            f.write(f"def helper_{m}(x, y):\n    total = 0\n    for i in range(x):\n        total += i * y\n    return total\n")
open("proj/pkg0/broken.py", "w").write("import os\ndef f(:\n    pass\n")
EOF
n=$(find proj -name '*.py' | wc -l)

count() { # "N files read, M from cache" -> "N M"
	sed -n 's/^unravel: \([0-9]*\) files\{0,1\} read, \([0-9]*\) from cache.*/\1 \2/p' "$1"
}

"$UNRAVEL" facts proj --format json -v --no-cache >nocache.json 2>nocache.err
"$UNRAVEL" facts proj --format json -v >cold.json 2>cold.err
[ "$(count cold.err)" = "$n 0" ] || { cat cold.err; echo "cold run: expected $n read"; exit 1; }
[ -f proj/.unravel-cache/facts.bin ]
[ "$(cat proj/.unravel-cache/.gitignore)" = "*" ]
grep -q 'broken.py:2:.*warning' cold.err

"$UNRAVEL" facts proj --format json -v >warm.json 2>warm.err
[ "$(count warm.err)" = "0 $n" ] || { cat warm.err; echo "warm run: expected all from cache"; exit 1; }
cmp cold.json warm.json
cmp cold.json nocache.json
# The warnings of cached files come back, in the same order.
diff <(grep -v '^unravel:' cold.err) <(grep -v '^unravel:' warm.err)
grep -q 'broken.py:2:.*warning' warm.err

# The analyses see the same facts: cycles JSON identical cold and warm.
set +e
"$UNRAVEL" cycles proj --kind all --format json --no-cache >cyc-cold.json 2>/dev/null
"$UNRAVEL" cycles proj --kind all --format json >cyc-warm.json 2>/dev/null
set -e
cmp cyc-cold.json cyc-warm.json
grep -q '"sccs"' cyc-warm.json

# Modify one file: only it is read again.
sleep 0.05
echo "import json" >>proj/pkg7/mod13.py
"$UNRAVEL" facts proj --format json -v >mod.json 2>mod.err
[ "$(count mod.err)" = "1 $((n - 1))" ] || { cat mod.err; echo "expected exactly one file re-read"; exit 1; }
"$UNRAVEL" facts proj --format json -v --no-cache >mod-nocache.json 2>/dev/null
cmp mod.json mod-nocache.json
! cmp -s mod.json cold.json
grep -q '"module": "json"' mod.json

# Same size, same mtime, other bytes (a racy edit): the content hash catches it.
f=proj/pkg3/mod5.py
stamp=$(stat -c %y "$f")
sed -i 's/import os/import re/' "$f"
touch -d "$stamp" "$f"
"$UNRAVEL" facts proj --format json -v >racy.json 2>racy.err
"$UNRAVEL" facts proj --format json -v --no-cache >racy-nocache.json 2>/dev/null
cmp racy.json racy-nocache.json

# A corrupt cache: a warning, the right answer, and a rebuilt cache.
cache=proj/.unravel-cache/facts.bin
size=$(stat -c %s $cache)
printf 'garbage!' | dd of=$cache bs=1 seek=$((size / 2)) conv=notrunc status=none
"$UNRAVEL" facts proj --format json -v >corrupt.json 2>corrupt.err
grep -q 'warning: cache is corrupt' corrupt.err
diff <(grep -v 'cache is corrupt' corrupt.json) racy-nocache.json
"$UNRAVEL" facts proj --format json -v >healed.json 2>healed.err
[ "$(count healed.err)" = "0 $n" ] || { cat healed.err; echo "cache not rebuilt"; exit 1; }
! grep -q corrupt healed.err
cmp healed.json racy-nocache.json
# Truncated and empty files too.
truncate -s 100 $cache
"$UNRAVEL" facts proj --format json -v >trunc.json 2>trunc.err
grep -q 'warning: cache is corrupt' trunc.err
diff <(grep -v 'cache is corrupt' trunc.json) racy-nocache.json
: >$cache
"$UNRAVEL" facts proj --format json -v >empty.json 2>empty.err
diff <(grep -v 'cache is corrupt' empty.json) racy-nocache.json

# Concurrent runs from an empty cache: each writes a whole file and renames it.
rm -rf proj/.unravel-cache
pids=
for i in 1 2 3 4; do
	"$UNRAVEL" facts proj --format json -v >par$i.json 2>par$i.err &
	pids="$pids $!"
done
for p in $pids; do wait $p; done
for i in 1 2 3 4; do cmp par$i.json racy-nocache.json; done
"$UNRAVEL" facts proj --format json -v >after.json 2>after.err
[ "$(count after.err)" = "0 $n" ] || { cat after.err; echo "concurrent runs left a bad cache"; exit 1; }
! grep -q corrupt after.err
ls proj/.unravel-cache | grep -v -x -e facts.bin -e CACHEDIR.TAG -e .gitignore && { echo "temp files left"; exit 1; }

# --no-cache neither reads nor writes; --cache-dir puts it elsewhere.
"$UNRAVEL" facts proj --format json -v --no-cache >/dev/null 2>nc.err
[ "$(count nc.err)" = "$n 0" ]
"$UNRAVEL" facts proj --format json -v --cache-dir "$t/elsewhere" >/dev/null 2>cd1.err
[ "$(count cd1.err)" = "$n 0" ]
[ -f "$t/elsewhere/facts.bin" ]
"$UNRAVEL" facts proj --format json -v --cache-dir "$t/elsewhere" >/dev/null 2>cd2.err
[ "$(count cd2.err)" = "0 $n" ]

# A command that needs only imports (cycles/graph --kind imports) skips clone
# tokens and references when nothing is cached, never when it writes the
# cache: facts it caches serve dups and the manager graph as a cold run does.
"$UNRAVEL" dups proj --format json --no-cache >dups.cold 2>/dev/null || true
"$UNRAVEL" graph proj --kind managers --format json --no-cache >mg.cold 2>/dev/null
"$UNRAVEL" cycles proj --kind imports --cache-dir "$t/imports-only" -q >/dev/null || true
"$UNRAVEL" dups proj --format json -v --cache-dir "$t/imports-only" >dups.warm 2>dw.err || true
[ "$(count dw.err)" = "0 $n" ]
cmp dups.cold dups.warm
"$UNRAVEL" graph proj --kind managers --format json --cache-dir "$t/imports-only" >mg.warm 2>/dev/null
cmp mg.cold mg.warm
grep -q '"function": "helper_' dups.cold

# The cache folder is never scanned as part of the project.
! grep -q unravel-cache after.json
echo "cache: ok ($n files)"
