#!/bin/bash
# Seeds for fuzz_clex: every C file of the golden tests and the C example.
find tests/golden examples/ctrading -name '*.c' -o -name '*.h' | sort
