/*
 * baseline.h - cycle baselines (a ratchet): record today's cycles, then
 * fail only on what is new.
 *
 * A baseline entry is one cycle, i.e. one strongly connected component of
 * the import or manager graph: its kind, its member ids and the edges
 * (pairs) inside it. Its fingerprint is a hash of the sorted member ids, so
 * it does not depend on where a cycle is entered (rotation) or on the order
 * of discovery. The file is text, one entry per line, sorted, so a merge
 * conflict is a conflict on the one cycle both sides changed:
 *
 *     # unravel cycle baseline: fingerprint kind nodes edges
 *     4f1c0e93a2b7d615 imports app.a,app.b app.a>app.b,app.b>app.a
 *
 * (ids are percent-escaped where they contain ' ', ',', '>' or '%').
 *
 * Comparing the current cycles with a baseline: a current cycle is covered
 * when one baseline entry holds all its members and all its edges; it is
 * NEW when it shares no member with the baseline, GROWN when it reaches
 * beyond every entry it overlaps, NEW_EDGE when its members are covered
 * but an edge between them is not. A baseline entry is GONE when no current
 * cycle shares a member with it, STALE when it is not matched exactly
 * (the cycle shrank): rewriting the baseline shrinks it.
 *
 * Ownership rule: a struct baseline owns its entries and strings;
 * baseline_release() frees them. A struct baseline_diff owns its arrays.
 */
#ifndef UNRAVEL_BASELINE_H
#define UNRAVEL_BASELINE_H

#include "graph.h"

struct baseline_entry {
	char *kind;          /* "imports" or "managers" */
	char **nodes;        /* sorted, unique */
	int nnodes;
	char **from, **to;   /* edge pairs inside the cycle, sorted by (from, to), unique */
	int nedges;
	char fingerprint[17]; /* 16 lowercase hex digits */
	int line;            /* line in the file it was read from; 0 when built in memory */
};

struct baseline {
	struct baseline_entry *entries;
	int n, alloc;
};

void baseline_init(struct baseline *b);
void baseline_release(struct baseline *b);

/*
 * Add a cycle from its member ids and edge pairs (from[i] -> to[i]); all
 * strings are copied, sorted and de-duplicated; the fingerprint is set.
 * Returns the entry (valid until the next add).
 */
struct baseline_entry *baseline_add(struct baseline *b, const char *kind, const char *const *nodes,
				    int nnodes, const char *const *from, const char *const *to,
				    int nedges);
/*
 * Add SCC scc of g: its members and every edge of mask (NULL = all) with
 * both ends inside. O(nodes + edges) per call: for every SCC of a graph,
 * bucket the edges once instead (cli/cycle_gate.c).
 */
struct baseline_entry *baseline_add_scc(struct baseline *b, const char *kind, const struct graph *g,
					const unsigned char *mask, const struct scc *scc);

/* The fingerprint of a set of member ids (any order): 16 hex digits into out[17]. */
void baseline_fingerprint(const char *const *nodes, int nnodes, char out[17]);

/* Write b to path atomically (entries sorted). 0, or -1 after an error message. */
int baseline_write(const struct baseline *b, const char *path);
/*
 * Read a baseline file into b (which must be initialised). 0, or -1 after
 * printing "path:line: error: ..." (unreadable file, malformed line).
 */
int baseline_read(struct baseline *b, const char *path);

enum baseline_state {
	BASELINE_UNCHANGED, /* an entry records exactly this cycle */
	BASELINE_WITHIN,    /* covered by an entry that records more (the cycle shrank) */
	BASELINE_NEW,       /* shares no member with any entry */
	BASELINE_GROWN,     /* has members beyond every entry it overlaps */
	BASELINE_NEW_EDGE,  /* members covered by an entry, but an edge between them is new */
};
const char *baseline_state_name(enum baseline_state s); /* "unchanged", "within", "new", "grown", "new-edge" */

struct baseline_diff {
	enum baseline_state *state; /* per current entry */
	int *match;  /* per current entry: the covering (or an overlapping) old entry, or -1 */
	int *gone;   /* old entries that share no member with any current cycle, in file order */
	int ngone;
	int *stale;  /* old entries not matched exactly (includes the gone ones), in file order */
	int nstale;
	int nfail;   /* current entries that are NEW, GROWN or NEW_EDGE */
};

/* Compare the current cycles cur with the baseline old (same kinds compared only). */
void baseline_compare(const struct baseline *old, const struct baseline *cur,
		      struct baseline_diff *d);
void baseline_diff_release(struct baseline_diff *d);

/* Whether entry records the edge from -> to (to tell which edges of a cycle are new). */
int baseline_has_edge(const struct baseline_entry *e, const char *from, const char *to);
/* Whether entry has member id. */
int baseline_has_node(const struct baseline_entry *e, const char *id);

/* Whether the state makes `cycles --baseline` fail. */
int baseline_state_fails(enum baseline_state s);

#endif
