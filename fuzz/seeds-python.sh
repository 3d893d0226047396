#!/bin/bash
# Seeds for fuzz_python: every Python file of the golden tests and the example.
find tests/golden examples/trading -name '*.py' -o -name '*.pyi' | sort
