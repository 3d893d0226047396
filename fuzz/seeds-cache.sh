#!/bin/bash
# Seeds for fuzz_cache: inputs are edits to a cache the target writes itself;
# a few edits of each kind to start from (written to $SEED_DIR, default
# build-fuzz/seeds/cache).
set -eu
out=${SEED_DIR:-build-fuzz/seeds}/cache
mkdir -p "$out"
printf '' >"$out/none"
printf '\000\000\100\377\001\000\200\005\005\001\000\001\002\010\000\000' >"$out/edits"
printf '\003\000\300\010\011\001\040\000' >"$out/dup-word"
ls "$out"/*
