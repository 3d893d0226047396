/*
 * importgraph.h - the import graph (Python) / include graph (C) of a scan.
 *
 * Nodes: every project module (dotted name) and every project C file
 * (path relative to the scanned PATH it was found under); with external,
 * also one node per external top-level module / system library. Edges:
 * one per import statement or include directive, kind "import" / "include",
 * with file, line, col, scope and source text. Self-imports are dropped
 * (`from . import x` in a package's __init__ naming a non-module).
 *
 * Ownership rule: the returned graph is the caller's (graph_free()).
 */
#ifndef UNRAVEL_IMPORTGRAPH_H
#define UNRAVEL_IMPORTGRAPH_H

#include "graph.h"

struct scan;
struct modindex;

struct graph *import_graph_build(const struct scan *s, const struct modindex *mi, int external);

/*
 * The edge mask for cycle analyses (SPEC.md "Which edges make a cycle"):
 * every scope but type_checking; with type_checking also those; with
 * module_only only module-scope edges. Caller frees.
 */
unsigned char *import_cycle_mask(const struct graph *g, int type_checking, int module_only);

#endif
