/* graph.c - graph storage: nodes, edges, interning, sorting. Analyses live in graph_algo.c. */
#include "graph.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
/* uthash's default (Jenkins) hash is slow on long keys: xxhash, as everywhere else */
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = (unsigned)hash64((keyptr), (keylen)))
#include <uthash.h>

#undef uthash_fatal
#define uthash_fatal(msg) die("%s", msg)

struct node_entry {
	const char *id;
	int index;
	UT_hash_handle hh;
};

struct intern_entry {
	const char *s;
	UT_hash_handle hh;
};

struct graph_index {
	struct node_entry *nodes;
	struct intern_entry *strings;
};

struct graph *graph_new(void)
{
	struct graph *g = xcalloc(1, sizeof(*g));
	g->arena = arena_new();
	g->index = xcalloc(1, sizeof(struct graph_index));
	return g;
}

static void clear_index(struct graph_index *ix)
{
	struct node_entry *n, *ntmp;
	struct intern_entry *s, *stmp;
	HASH_ITER(hh, ix->nodes, n, ntmp) {
		HASH_DEL(ix->nodes, n);
		free(n);
	}
	HASH_ITER(hh, ix->strings, s, stmp) {
		HASH_DEL(ix->strings, s);
		free(s);
	}
}

void graph_free(struct graph *g)
{
	if (!g)
		return;
	clear_index(g->index);
	free(g->index);
	free(g->nodes);
	free(g->edges);
	arena_free(g->arena);
	free(g);
}

const char *graph_intern(struct graph *g, const char *s)
{
	struct graph_index *ix = g->index;
	struct intern_entry *e;
	size_t len;
	if (!s)
		return NULL;
	len = strlen(s);
	HASH_FIND(hh, ix->strings, s, len, e);
	if (e)
		return e->s;
	e = xcalloc(1, sizeof(*e));
	e->s = arena_strndup(g->arena, s, len);
	HASH_ADD_KEYPTR(hh, ix->strings, e->s, len, e);
	return e->s;
}

int graph_node(struct graph *g, const char *id, int create)
{
	struct graph_index *ix = g->index;
	struct node_entry *e;
	size_t len = strlen(id);
	HASH_FIND(hh, ix->nodes, id, len, e);
	if (e)
		return e->index;
	if (!create)
		return -1;
	ALLOC_GROW(g->nodes, g->nnodes + 1, g->alloc_nodes);
	memset(&g->nodes[g->nnodes], 0, sizeof(g->nodes[0]));
	g->nodes[g->nnodes].id = graph_intern(g, id);
	e = xcalloc(1, sizeof(*e));
	e->id = g->nodes[g->nnodes].id;
	e->index = g->nnodes;
	HASH_ADD_KEYPTR(hh, ix->nodes, e->id, len, e);
	return g->nnodes++;
}

int graph_add_edge(struct graph *g, const struct gedge *e)
{
	struct gedge *d;
	if (e->from < 0 || e->from >= g->nnodes || e->to < 0 || e->to >= g->nnodes)
		BUG("edge %d -> %d out of range", e->from, e->to);
	ALLOC_GROW(g->edges, g->nedges + 1, g->alloc_edges);
	d = &g->edges[g->nedges];
	*d = *e;
	d->kind = graph_intern(g, e->kind);
	d->file = graph_intern(g, e->file);
	d->text = graph_intern(g, e->text);
	d->how = graph_intern(g, e->how);
	d->tus = graph_intern(g, e->tus);
	return g->nedges++;
}

static int strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static const struct graph *sort_graph; /* qsort has no context argument in C11 */

static int cmp_node(const void *pa, const void *pb)
{
	return strcmp(((const struct gnode *)pa)->id, ((const struct gnode *)pb)->id);
}

static int cmp_edge(const void *pa, const void *pb)
{
	const struct gedge *a = pa, *b = pb;
	const struct gnode *n = sort_graph->nodes;
	int c;
	if (a->from != b->from)
		return strcmp(n[a->from].id, n[b->from].id);
	if (a->to != b->to)
		return strcmp(n[a->to].id, n[b->to].id);
	if ((c = strcmp0(a->file, b->file)))
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	if ((c = strcmp0(a->kind, b->kind)))
		return c;
	if (a->scope != b->scope)
		return a->scope < b->scope ? -1 : 1;
	return strcmp0(a->how, b->how);
}

void graph_sort(struct graph *g)
{
	struct graph_index *ix = g->index;
	int *newidx = xcalloc((size_t)g->nnodes + 1, sizeof(int));
	struct node_entry *ne;
	int i, k;

	/* Sort nodes; map old index -> new index through the hash entries. */
	{
		struct { struct gnode n; int old; } *tmp = xcalloc((size_t)g->nnodes + 1, sizeof(*tmp));
		for (i = 0; i < g->nnodes; i++) {
			tmp[i].n = g->nodes[i];
			tmp[i].old = i;
		}
		qsort(tmp, (size_t)g->nnodes, sizeof(*tmp), cmp_node);
		for (i = 0; i < g->nnodes; i++) {
			g->nodes[i] = tmp[i].n;
			newidx[tmp[i].old] = i;
		}
		free(tmp);
	}
	for (ne = ix->nodes; ne; ne = ne->hh.next)
		ne->index = newidx[ne->index];
	for (i = 0; i < g->nedges; i++) {
		g->edges[i].from = newidx[g->edges[i].from];
		g->edges[i].to = newidx[g->edges[i].to];
	}
	free(newidx);
	sort_graph = g;
	if (g->nedges) /* edges may still be NULL: qsort wants a valid pointer */
		qsort(g->edges, (size_t)g->nedges, sizeof(*g->edges), cmp_edge);
	sort_graph = NULL;
	/* Drop exact duplicates (same pair, place, kind and scope). */
	for (i = 0, k = 0; i < g->nedges; i++) {
		if (k) {
			const struct gedge *p = &g->edges[k - 1], *e = &g->edges[i];
			if (p->from == e->from && p->to == e->to && p->line == e->line &&
			    p->col == e->col && p->scope == e->scope && p->file == e->file &&
			    p->kind == e->kind && p->how == e->how)
				continue;
		}
		g->edges[k++] = g->edges[i];
	}
	g->nedges = k;
}
