/*
 * render_dot.h - draw a graph (import or manager graph) as Graphviz DOT, or
 * as SVG laid out in-process by libgvc ("dot" engine).
 *
 * The drawing is meant for people:
 *  - one cluster per package ("subgraph cluster_<pkg>"): for dotted ids
 *    (Python modules, module.Class managers) the package of "a.b.c" is
 *    "a.b"; for C nodes (lang "c") it is the directory of the path; a node
 *    is labelled with its last component and its tooltip is the full id;
 *  - SCC members (computed over opt->mask) are filled light red and the
 *    edges inside an SCC are red (penwidth 2);
 *  - parallel edges (one per statement) are drawn as one edge per pair,
 *    whose tooltip is "file:line" of the first statement (and how many
 *    more); a pair whose statements never run at module load is dashed and
 *    labelled with its scope (function, conditional, type_checking);
 *  - output is deterministic: nodes, clusters and edges are sorted by id.
 *
 * Large graphs: a full "dot" layout of hundreds of nodes in clusters takes
 * minutes, so above opt->threshold nodes the drawing is condensed: each
 * SCC becomes one node ("N modules in a cycle"), then, if still above the
 * threshold, packages are collapsed to the deepest depth that fits
 * (keep the first N components of each id, aggregate edges with counts).
 * *note then gets one sentence saying what was collapsed (the caller prints
 * it); the same sentence is a DOT comment and the graph label (visible in
 * the SVG).
 *
 * Ownership: the graph is only read; *note (may be NULL after the call)
 * is heap memory the caller frees.
 */
#ifndef UNRAVEL_RENDER_DOT_H
#define UNRAVEL_RENDER_DOT_H

#include <stdio.h>

#include "graph.h"

struct dot_options {
	/*
	 * Edges that make cycles (e.g. without type_checking imports): SCCs,
	 * red edges and cycle collapsing use only these. NULL = every edge.
	 * Every edge of the graph is drawn either way.
	 */
	const unsigned char *mask;
	/*
	 * Collapse packages to their first depth components: N > 0 always
	 * (also with condense = 0), 0 never, -1 (default) automatically when
	 * the graph is still over the threshold after collapsing cycles.
	 */
	int depth;
	/*
	 * 1: always collapse each SCC to one node; 0: draw the full graph
	 * (no automatic collapsing of any kind); -1 (default): collapse only
	 * above the threshold.
	 */
	int condense;
	const char *title; /* graph name and label, e.g. "imports"; NULL: "graph" */
	int threshold;     /* node count that triggers collapsing; <= 0: 150 */
};

/* Defaults: mask NULL, depth -1, condense -1, title NULL, threshold 150. */
void dot_options_init(struct dot_options *opt);

/*
 * Write the DOT text of g to f. opt may be NULL (defaults). *note (OUT,
 * may be NULL if not wanted) gets what was collapsed, or NULL when the
 * full graph is drawn. Returns 0, or -1 after error() on a write error.
 */
int render_dot(FILE *f, const struct graph *g, const struct dot_options *opt, char **note);

/*
 * Same drawing, laid out with libgvc's "dot" engine and written to f as
 * SVG (starts with "<?xml"). Returns 0, or -1 after error() when graphviz
 * cannot lay out or render the graph, when the drawing is too large to lay
 * out in reasonable time (see render_svg_too_large()), or on a write error.
 * Uses one graphviz context for the life of the process: not thread-safe.
 */
int render_svg(FILE *f, const struct graph *g, const struct dot_options *opt, char **note);

/*
 * NULL when render_svg() would lay out g's drawing (at most 500 nodes and
 * 2000 edges after condensing); else why not, with what to do instead (one
 * sentence, heap memory the caller frees).
 */
char *render_svg_too_large(const struct graph *g, const struct dot_options *opt);

/*
 * The DOT text itself, NUL-terminated, for callers that embed it (the
 * HTML report). Caller frees the result and *note.
 */
char *render_dot_string(const struct graph *g, const struct dot_options *opt, char **note);

#endif
