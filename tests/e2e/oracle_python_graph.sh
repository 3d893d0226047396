#!/bin/bash
# The import graph agrees with Python's own ast (tests/oracle/py_graph.py)
# on the standard library and on Django, and the cycles of Django match
# Tarjan over the ast edges, with and without function-level imports.
set -eu
python3 "$ROOT/tests/oracle/py_graph.py" "$UNRAVEL" /usr/lib/python3.11
python3 "$ROOT/tests/oracle/py_graph.py" "$UNRAVEL" /usr/lib/python3/dist-packages/django --cycles
