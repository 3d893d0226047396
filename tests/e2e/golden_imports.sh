#!/bin/bash
# Golden cases for the import graph and cycles: tests/golden/imports/<case>/
# (tree/ the input project; args the whole command line after `unravel`).
set -u
. "$ROOT/tests/golden.sh"
golden_run imports "" ""
