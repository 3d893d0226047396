/*
 * cycles.h - the cycle report shared by `cycles`, `verify`, `report` and the
 * pre-commit hook: per SCC its members, a shortest concrete cycle, a label
 * (import-time / deferred for imports; creation-time / runtime for
 * managers), a small cut, and for each cut edge a shortest cycle through it.
 *
 * Ownership rule: a struct cycle_report borrows the graph and masks (they
 * must outlive it) and owns its arrays; cycles_release() frees them.
 */
#ifndef UNRAVEL_CYCLES_H
#define UNRAVEL_CYCLES_H

#include <stdio.h>

#include <jansson.h>

#include "graph.h"

struct cycle_cut {
	int edge;     /* representative edge of the cut pair */
	int count;    /* statements joining the pair */
	int *cycle;   /* shortest cycle through it (edge indexes) */
	int ncycle;
};

struct cycle_scc {
	int scc;          /* index into report->set.sccs */
	int *cycle;       /* a shortest cycle in the SCC (edge indexes) */
	int ncycle;
	int strict;       /* contains a cycle of strict edges (import-time / creation-time) */
	struct cycle_cut *cuts;
	int ncuts;
	char fingerprint[17]; /* hex of a hash over the sorted member ids */
};

struct cycle_report {
	const struct graph *g;
	const char *graph_kind;   /* "imports" or "managers" */
	const char *strict_label; /* "import-time" / "creation-time" */
	const char *loose_label;  /* "deferred" / "runtime" */
	const unsigned char *mask;
	struct scc_set set;
	struct cycle_scc *items;
	int n;
};

/*
 * Analyse the masked graph. strict_mask (may be NULL) selects the edges
 * that make a cycle "strict" (import-time imports, creation-time manager edges).
 */
void cycles_analyze(struct cycle_report *r, const struct graph *g, const char *graph_kind,
		    const unsigned char *mask, const unsigned char *strict_mask);
void cycles_release(struct cycle_report *r);

/* The SCC label for item i. */
const char *cycles_label(const struct cycle_report *r, int i);

/* JSON for one edge / one SCC (SPEC.md "cycles"). */
json_t *edge_json(const struct graph *g, int e);
json_t *cycles_scc_json(const struct cycle_report *r, int i);

/*
 * --all-cycles: the elementary cycles of the report's masked graph (at most
 * max, shortest first). JSON: one object per cycle {"graph", "cycle", "edges"}
 * appended to arr; text: one chain per cycle with file:line of each step.
 * *truncated is set when more cycles exist than max.
 */
void cycles_all_json(const struct cycle_report *r, int max, json_t *arr, int *truncated);
void cycles_print_all(FILE *f, const struct cycle_report *r, int max);

/* Text report: one block per SCC (stable order). */
void cycles_print_text(FILE *f, const struct cycle_report *r);

#endif
