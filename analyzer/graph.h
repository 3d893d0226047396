/*
 * graph.h - the graph model shared by the import graph and the manager graph,
 * and the analyses over it: strongly connected components (iterative Tarjan,
 * no recursion limit), a shortest concrete cycle through an edge (BFS), a
 * small feedback edge set ("cut"), and dependency layering ("order").
 *
 * An edge A -> B means "A needs B" (A imports B, A's constructor takes a B).
 * Several edges may join the same pair (one per import statement); analyses
 * work on pairs and report the statements as evidence.
 *
 * Ownership rule: a graph owns its nodes, edges and every string they point
 * to (interned in g->arena, as cgraph does); graph_free() releases it all.
 * Result arrays returned by the analyses are heap memory the caller frees
 * with the matching *_release() function.
 */
#ifndef UNRAVEL_GRAPH_H
#define UNRAVEL_GRAPH_H

#include "arena.h"
#include "facts.h"

struct gnode {
	const char *id;       /* dotted module, project-relative C path, or module.Class */
	const char *file;     /* defining file (relative path), may be NULL */
	const char *lang;     /* "python" / "c" */
	const char *category; /* "module" for import graphs; manager category otherwise */
	int line;             /* definition line (managers), 0 otherwise */
	int external;         /* outside the project (--external) */
};

struct gedge {
	int from, to;         /* node indexes */
	const char *kind;     /* import, include, ctor_param, attribute, instantiation, field */
	const char *file;     /* evidence: where the statement is */
	int line, col;
	enum import_scope scope;
	const char *text;     /* source text of the statement, may be NULL */
	const char *how;      /* how the edge was found (managers: "self.algorithm.vix_manager bound at x.py:12"), may be NULL */
	const char *tus;      /* C: translation units the include was seen in, may be NULL */
};

struct graph {
	struct arena *arena;
	struct gnode *nodes;
	int nnodes, alloc_nodes;
	struct gedge *edges;
	int nedges, alloc_edges;
	void *index; /* id -> node hash table (private) */
};

struct graph *graph_new(void);
void graph_free(struct graph *g);
/* Copy s into the graph's arena (interned: equal strings share storage). NULL stays NULL. */
const char *graph_intern(struct graph *g, const char *s);
/* Index of the node with this id; with create, add it (other fields zero) if missing; else -1. */
int graph_node(struct graph *g, const char *id, int create);
/* Add an edge; strings in e are interned (copied). Returns its index. */
int graph_add_edge(struct graph *g, const struct gedge *e);
/*
 * Sort nodes by id and edges by (from id, to id, file, line, col, kind),
 * renumbering edge endpoints; drops exact duplicate edges. Call once the
 * graph is built; every output relies on this order.
 */
void graph_sort(struct graph *g);

/*
 * Edge masks: mask[e] != 0 keeps edge e in an analysis. NULL = all edges.
 */

/* Strongly connected components that contain a cycle (size > 1, or a self-loop). */
struct scc {
	int *nodes; /* node indexes, sorted by id */
	int n;
};
struct scc_set {
	struct scc *sccs; /* sorted by the id of their first node */
	int n;
	int *comp; /* comp[node] = index into sccs, or -1 */
};
void graph_sccs(const struct graph *g, const unsigned char *mask, struct scc_set *out);
void scc_set_release(struct scc_set *set);

/*
 * A shortest cycle through edge e (which must lie inside an SCC of the
 * masked graph): *out gets the edge indexes of the cycle in order, starting
 * with e, *n their count. Among parallel edges the first (sorted) is used.
 * Returns 0, or -1 if there is no such cycle. Caller frees *out.
 */
int graph_cycle_through(const struct graph *g, const unsigned char *mask, int e, int **out,
			int *n);
/*
 * A shortest cycle within SCC c of set (computed over the same mask): BFS
 * from each member in id order, so the cycle starts at the smallest id among
 * the shortest cycles (a self-loop wins outright). Same output as above.
 * On huge SCCs the search stops after a fixed work budget (tens of millions
 * of edge visits) and returns the shortest found so far: still a real cycle.
 */
int graph_scc_cycle(const struct graph *g, const unsigned char *mask, const struct scc_set *set,
		    int c, int **out, int *n);

/*
 * A small set of node pairs whose removal leaves the masked graph acyclic
 * (greedy Eades-Lin-Smyth ordering per SCC, then keep only back edges that
 * are needed). *out gets one representative edge index per cut pair
 * (the first masked edge of the pair), sorted. Caller frees *out.
 * Every pair in the result is needed: putting any one back makes a cycle
 * (self-loops are always cut). Deterministic: ties by node id, then by edge
 * order. Past a large work budget the pruning stops; the set is then still
 * sufficient, maybe not minimal.
 */
void graph_cut(const struct graph *g, const unsigned char *mask, int **out, int *n);

/*
 * Layering: every node comes after every node it needs through a masked
 * edge (edge A -> B puts B in an earlier layer than A). Every edge of a pair
 * in cut (edge indexes, e.g. the output of graph_cut over the same mask; may
 * be NULL) is ignored. Longest-path layering: a node sits in the earliest
 * layer after all it needs (0 = needs nothing). layer_of[node] (OUT, one
 * int per node) gets the layer; returns the number of layers.
 * If the masked graph minus cut still has a cycle, it is not an error: a
 * depth-first search in id order ignores the pairs that close a cycle (its
 * back edges, self-loops included), so the result is always a layering of
 * an acyclic subgraph, deterministic.
 */
int graph_layers(const struct graph *g, const unsigned char *mask, const int *cut, int ncut,
		 int *layer_of);

/*
 * Elementary cycles (Johnson's algorithm) of the masked graph, over pairs,
 * at most max of them, shortest first then lexicographically by node ids:
 * each is an array of edge indexes (first masked edge of each pair), starting
 * at the cycle's smallest node; (*lens)[i] is the length of (*cycles)[i].
 * Returns the count; *truncated is set when more exist, and then the search
 * stopped early: the cycles kept are the first max found (Johnson visits
 * cycles through the smallest nodes first), sorted as above. Time is
 * O((V + E) * (count + 1)). Caller frees with graph_cycles_release().
 */
int graph_all_cycles(const struct graph *g, const unsigned char *mask, int max, int ***cycles,
		     int **lens, int *truncated);
void graph_cycles_release(int **cycles, int *lens, int n);

/* Number of masked edges joining the same (from, to) pair as edge e (graph_sort()ed graph). */
int graph_pair_count(const struct graph *g, const unsigned char *mask, int e);

#endif
