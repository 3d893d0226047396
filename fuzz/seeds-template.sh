#!/bin/bash
# Seeds for fuzz_template: the golden templates (an input's first byte picks
# strict mode, so each seed is used with the byte it starts with).
ls tests/golden/template/*/*.mustache
