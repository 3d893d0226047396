#!/bin/bash
# Seeds for fuzz_patch: pairs of golden Python files as old and new content
# (flags byte 4: also apply; 5: create; 6: delete), with plain, nested,
# spaced and quoted paths, written to $SEED_DIR (default build-fuzz/seeds/patch).
set -eu
out=${SEED_DIR:-build-fuzz/seeds}/patch
mkdir -p "$out"
mapfile -t files < <(find tests/golden/cache-rewrite tests/golden/python-frontend -name '*.py' | sort | head -40)
paths=("a.py" "pkg/sub/mod.py" "with space.py" 'quo"te\\x.py' "./lead.py")
flags=('\004' '\004' '\005' '\006' '\014')
for ((i = 0; i + 1 < ${#files[@]}; i += 2)); do
	k=$(( (i / 2) % 5 ))
	s="$out/pair-$i"
	{ printf "${flags[$k]}"; printf '%s\n' "${paths[$k]}"; cat "${files[$i]}"; printf '\0'; cat "${files[$i+1]}"; } >"$s"
	echo "$s"
done
# an edit in the middle of a file without a final newline
s="$out/nonl"
{ printf '\004x.py\n'; printf 'a\nb\nc\nd\ne\nf\ng\nh'; printf '\0'; printf 'a\nb\nc\nD\ne\nf\ng\nh'; } >"$s"
echo "$s"
