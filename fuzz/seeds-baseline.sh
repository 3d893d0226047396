#!/bin/bash
# Seeds for fuzz_baseline: baselines written by `unravel cycles --write-baseline`
# over the examples, hand-made escapes, and an old/current pair (NUL-separated).
ls fuzz/seeds/baseline/*
