/*
 * graph_algo.c - analyses over struct graph: SCCs, shortest cycles, cut,
 * layering, all elementary cycles. Contracts are in graph.h.
 *
 * Every analysis works on node *pairs*: the masked edges are folded into a
 * compressed adjacency (struct adj) with one entry per (from, to) pair,
 * successors sorted by node index (= by id once graph_sort() ran), each
 * entry remembering the first masked edge of its pair. Sorting successors is
 * what makes every tie (BFS parents, DFS order) deterministic.
 *
 * Nothing here recurses: import graphs of generated code can hold paths and
 * cycles of 100k modules, which would overflow the C stack.
 */
#include "graph.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/*
 * Work budgets (edge visits) for the searches whose worst case is
 * quadratic. They are far above what real import graphs need (exact
 * results); past them the result is still valid but may be less small.
 */
#define SCC_CYCLE_BUDGET (1L << 25)
#define CUT_REDUCE_BUDGET (1L << 26)

struct adj {
	int n;
	int *start;          /* n + 1 offsets into to[] / edge[] */
	int *to;             /* successor of each pair, ascending per node */
	int *edge;           /* first masked edge of the pair */
	unsigned char *self; /* self[v]: v has a masked self-loop */
};

static int kept(const unsigned char *mask, int e)
{
	return !mask || mask[e];
}

/*
 * Two counting sorts (by target, then stably by source) give each node's
 * edges ordered by (target, edge index); folding runs of one target keeps
 * the smallest edge index of each pair. O(V + E) and independent of
 * whether the edge array is sorted.
 */
static void adj_build(struct adj *a, const struct graph *g, const unsigned char *mask)
{
	int n = g->nnodes, i, u, k;
	int *cnt = xcalloc((size_t)n + 2, sizeof(int));
	int *byto = xmalloc(((size_t)g->nedges + 1) * sizeof(int));
	int *fill, m = 0;

	for (i = 0; i < g->nedges; i++)
		if (kept(mask, i))
			cnt[g->edges[i].to + 1]++, m++;
	for (i = 0; i < n; i++)
		cnt[i + 1] += cnt[i];
	for (i = 0; i < g->nedges; i++)
		if (kept(mask, i))
			byto[cnt[g->edges[i].to]++] = i;

	a->n = n;
	a->start = xcalloc((size_t)n + 1, sizeof(int));
	a->to = xmalloc(((size_t)m + 1) * sizeof(int));
	a->edge = xmalloc(((size_t)m + 1) * sizeof(int));
	a->self = xcalloc((size_t)n + 1, 1);
	for (i = 0; i < m; i++)
		a->start[g->edges[byto[i]].from + 1]++;
	for (i = 0; i < n; i++)
		a->start[i + 1] += a->start[i];
	fill = cnt; /* reuse as insertion cursors */
	memcpy(fill, a->start, (size_t)n * sizeof(int));
	for (i = 0; i < m; i++) {
		const struct gedge *e = &g->edges[byto[i]];
		k = fill[e->from]++;
		a->to[k] = e->to;
		a->edge[k] = byto[i];
	}
	free(byto);
	free(cnt);

	/* Fold parallel edges: keep the first of each run of equal targets. */
	k = 0;
	for (u = 0; u < n; u++) {
		int s = a->start[u], end = a->start[u + 1];
		a->start[u] = k;
		for (i = s; i < end; i++) {
			if (i > s && a->to[i] == a->to[i - 1])
				continue;
			a->to[k] = a->to[i];
			a->edge[k] = a->edge[i];
			if (a->to[i] == u)
				a->self[u] = 1;
			k++;
		}
	}
	a->start[n] = k;
}

static void adj_release(struct adj *a)
{
	free(a->start);
	free(a->to);
	free(a->edge);
	free(a->self);
}

/* Index of pair (u, v) in a, or -1 (binary search over u's sorted targets). */
static int adj_find(const struct adj *a, int u, int v)
{
	int lo = a->start[u], hi = a->start[u + 1] - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (a->to[mid] == v)
			return mid;
		if (a->to[mid] < v)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/*
 * Iterative Tarjan over the nodes with sel[v] == tag (sel NULL: all
 * nodes), started from those nodes in ascending order. On return comp[v]
 * is the component number of every selected node (in order of completion)
 * and the members of component c are members[cstart[c] .. cstart[c+1]).
 * Returns the number of components. cstart has room for n + 1 entries.
 */
struct tarjan {
	int *index, *low, *stack, *frame_v, *frame_i;
	unsigned char *onstack;
};

static void tarjan_init(struct tarjan *t, int n)
{
	size_t sz = (size_t)n + 1;
	t->index = xmalloc(sz * sizeof(int));
	t->low = xmalloc(sz * sizeof(int));
	t->stack = xmalloc(sz * sizeof(int));
	t->frame_v = xmalloc(sz * sizeof(int));
	t->frame_i = xmalloc(sz * sizeof(int));
	t->onstack = xcalloc(sz, 1);
}

static void tarjan_release(struct tarjan *t)
{
	free(t->index);
	free(t->low);
	free(t->stack);
	free(t->frame_v);
	free(t->frame_i);
	free(t->onstack);
}

static int tarjan_run(struct tarjan *t, const struct adj *a, const int *verts, int nverts,
		      const int *sel, int tag, int *comp, int *members, int *cstart)
{
	int counter = 0, sp = 0, ncomp = 0, nmem = 0, r;

	for (r = 0; r < nverts; r++)
		t->index[verts[r]] = -1;
	cstart[0] = 0;
	for (r = 0; r < nverts; r++) {
		int root = verts[r], fp = 0;
		if (t->index[root] >= 0)
			continue;
		t->frame_v[fp] = root;
		t->frame_i[fp++] = a->start[root];
		t->index[root] = t->low[root] = counter++;
		t->stack[sp++] = root;
		t->onstack[root] = 1;
		while (fp) {
			int v = t->frame_v[fp - 1];
			int i = t->frame_i[fp - 1];
			if (i < a->start[v + 1]) {
				int w = a->to[i];
				t->frame_i[fp - 1] = i + 1;
				if (sel && sel[w] != tag)
					continue;
				if (t->index[w] < 0) {
					t->index[w] = t->low[w] = counter++;
					t->stack[sp++] = w;
					t->onstack[w] = 1;
					t->frame_v[fp] = w;
					t->frame_i[fp++] = a->start[w];
				} else if (t->onstack[w] && t->index[w] < t->low[v]) {
					t->low[v] = t->index[w];
				}
				continue;
			}
			/* v is done: pop its component if it is a root, then return to the parent. */
			if (t->low[v] == t->index[v]) {
				int w;
				do {
					w = t->stack[--sp];
					t->onstack[w] = 0;
					comp[w] = ncomp;
					members[nmem++] = w;
				} while (w != v);
				cstart[++ncomp] = nmem;
			}
			fp--;
			if (fp) {
				int p = t->frame_v[fp - 1];
				if (t->low[v] < t->low[p])
					t->low[p] = t->low[v];
			}
		}
	}
	return ncomp;
}

static int cmp_int(const void *pa, const void *pb)
{
	int a = *(const int *)pa, b = *(const int *)pb;
	return (a > b) - (a < b);
}

static int cmp_scc(const void *pa, const void *pb)
{
	const struct scc *a = pa, *b = pb;
	return cmp_int(&a->nodes[0], &b->nodes[0]);
}

/* SCCs with a cycle over adjacency a; see graph_sccs(). */
static void sccs_of_adj(const struct adj *a, struct scc_set *out)
{
	int n = a->n, i, c, ncomp;
	struct tarjan t;
	int *verts = xmalloc(((size_t)n + 1) * sizeof(int));
	int *comp = xmalloc(((size_t)n + 1) * sizeof(int));
	int *members = xmalloc(((size_t)n + 1) * sizeof(int));
	int *cstart = xmalloc(((size_t)n + 2) * sizeof(int));

	for (i = 0; i < n; i++)
		verts[i] = i;
	tarjan_init(&t, n);
	ncomp = tarjan_run(&t, a, verts, n, NULL, 0, comp, members, cstart);
	tarjan_release(&t);

	memset(out, 0, sizeof(*out));
	out->comp = xmalloc(((size_t)n + 1) * sizeof(int));
	for (i = 0; i < n; i++)
		out->comp[i] = -1;
	out->sccs = xcalloc((size_t)ncomp + 1, sizeof(struct scc));
	for (c = 0; c < ncomp; c++) {
		int size = cstart[c + 1] - cstart[c];
		struct scc *s;
		if (size == 1 && !a->self[members[cstart[c]]])
			continue;
		s = &out->sccs[out->n++];
		s->n = size;
		s->nodes = xmalloc((size_t)size * sizeof(int));
		memcpy(s->nodes, members + cstart[c], (size_t)size * sizeof(int));
		qsort(s->nodes, (size_t)size, sizeof(int), cmp_int);
	}
	qsort(out->sccs, (size_t)out->n, sizeof(struct scc), cmp_scc);
	for (c = 0; c < out->n; c++)
		for (i = 0; i < out->sccs[c].n; i++)
			out->comp[out->sccs[c].nodes[i]] = c;
	free(verts);
	free(comp);
	free(members);
	free(cstart);
}

void graph_sccs(const struct graph *g, const unsigned char *mask, struct scc_set *out)
{
	struct adj a;
	adj_build(&a, g, mask);
	sccs_of_adj(&a, out);
	adj_release(&a);
}

void scc_set_release(struct scc_set *set)
{
	int i;
	for (i = 0; i < set->n; i++)
		free(set->sccs[i].nodes);
	free(set->sccs);
	free(set->comp);
	memset(set, 0, sizeof(*set));
}

/*
 * Breadth-first search from src over pairs whose target w has
 * (sel == NULL || sel[w] == tag). Stops when a node with a pair to dst is
 * dequeued, or when dist reaches maxdist (nodes at distance >= maxdist are
 * not expanded; maxdist < 0: no limit). pedge[v] is the pair edge that
 * reached v, seen[v] == stamp marks visited nodes. Returns the node whose
 * pair to dst closes the path (its pair index in *closing), or -1.
 * *work accumulates the pairs scanned.
 */
struct bfs {
	int *queue, *dist, *pedge, *seen;
	int stamp;
};

static void bfs_init(struct bfs *b, int n)
{
	size_t sz = (size_t)n + 1;
	b->queue = xmalloc(sz * sizeof(int));
	b->dist = xmalloc(sz * sizeof(int));
	b->pedge = xmalloc(sz * sizeof(int));
	b->seen = xcalloc(sz, sizeof(int));
	b->stamp = 0;
}

static void bfs_release(struct bfs *b)
{
	free(b->queue);
	free(b->dist);
	free(b->pedge);
	free(b->seen);
}

static int bfs_run(struct bfs *b, const struct adj *a, int src, int dst, const int *sel, int tag,
		   int maxdist, int *closing, long *work)
{
	int head = 0, tail = 0;
	b->stamp++;
	b->queue[tail++] = src;
	b->seen[src] = b->stamp;
	b->dist[src] = 0;
	b->pedge[src] = -1;
	while (head < tail) {
		int v = b->queue[head++], i;
		if (maxdist >= 0 && b->dist[v] >= maxdist)
			break; /* BFS order: every later node is at least as far */
		for (i = a->start[v]; i < a->start[v + 1]; i++) {
			int w = a->to[i];
			if (sel && sel[w] != tag)
				continue;
			if (w == dst) {
				*closing = i;
				return v;
			}
			if (b->seen[w] == b->stamp)
				continue;
			b->seen[w] = b->stamp;
			b->dist[w] = b->dist[v] + 1;
			b->pedge[w] = a->edge[i];
			b->queue[tail++] = w;
		}
		if (work)
			*work += a->start[v + 1] - a->start[v];
	}
	return -1;
}

/*
 * Edges of the BFS path src ~> last (via pedge), then the closing edge:
 * written to out[0..], returns the count.
 */
static int bfs_path(const struct bfs *b, const struct graph *g, int src, int last, int closing_edge,
		    int *out)
{
	int len = b->dist[last] + 1, k = len - 1, v = last;
	out[k--] = closing_edge;
	while (v != src) {
		int e = b->pedge[v];
		out[k--] = e;
		v = g->edges[e].from;
	}
	return len;
}

int graph_cycle_through(const struct graph *g, const unsigned char *mask, int e, int **out,
			int *n)
{
	struct adj a;
	struct bfs b;
	int u, v, last, closing, rc = -1;

	*out = NULL;
	*n = 0;
	if (e < 0 || e >= g->nedges || !kept(mask, e))
		return -1;
	u = g->edges[e].from;
	v = g->edges[e].to;
	if (u == v) {
		*out = xmalloc(sizeof(int));
		(*out)[0] = e;
		*n = 1;
		return 0;
	}
	adj_build(&a, g, mask);
	bfs_init(&b, g->nnodes);
	last = bfs_run(&b, &a, v, u, NULL, 0, -1, &closing, NULL);
	if (last >= 0) {
		int len = b.dist[last] + 1;
		*out = xmalloc(((size_t)len + 1) * sizeof(int));
		(*out)[0] = e;
		*n = 1 + bfs_path(&b, g, v, last, a.edge[closing], *out + 1);
		rc = 0;
	}
	bfs_release(&b);
	adj_release(&a);
	return rc;
}

int graph_scc_cycle(const struct graph *g, const unsigned char *mask, const struct scc_set *set,
		    int c, int **out, int *n)
{
	const struct scc *s;
	struct adj a;
	struct bfs b;
	int i, best = -1;
	long work = 0;

	*out = NULL;
	*n = 0;
	if (c < 0 || c >= set->n)
		return -1;
	s = &set->sccs[c];
	adj_build(&a, g, mask);

	/* A self-loop is a cycle of length 1: the first member that has one wins. */
	for (i = 0; i < s->n; i++) {
		int v = s->nodes[i];
		if (a.self[v]) {
			*out = xmalloc(sizeof(int));
			(*out)[0] = a.edge[adj_find(&a, v, v)];
			*n = 1;
			adj_release(&a);
			return 0;
		}
	}

	/*
	 * BFS from every member in id order; a later start only wins with a
	 * strictly shorter cycle, so the cycle starts at the smallest id among
	 * the shortest. Searches are pruned at the best length found so far.
	 */
	bfs_init(&b, g->nnodes);
	for (i = 0; i < s->n && best != 2; i++) {
		int src = s->nodes[i], closing, last;
		if (best > 0 && work > SCC_CYCLE_BUDGET)
			break;
		last = bfs_run(&b, &a, src, src, set->comp, c, best > 0 ? best - 1 : -1, &closing,
			       &work);
		if (last < 0)
			continue;
		if (best < 0 || b.dist[last] + 1 < best) {
			int len = b.dist[last] + 1;
			free(*out);
			*out = xmalloc((size_t)len * sizeof(int));
			bfs_path(&b, g, src, last, a.edge[closing], *out);
			best = len;
		}
	}
	bfs_release(&b);
	adj_release(&a);
	if (best < 0)
		return -1;
	*n = best;
	return 0;
}

/* ---- feedback arc set ("cut") ---- */

struct heap_item {
	int key, v;
};

struct heap {
	struct heap_item *it;
	int n, alloc;
};

/* Max-heap on key, then min node index. */
static int heap_before(const struct heap_item *x, const struct heap_item *y)
{
	return x->key != y->key ? x->key > y->key : x->v < y->v;
}

static void heap_push(struct heap *h, int key, int v)
{
	int i;
	ALLOC_GROW(h->it, h->n + 1, h->alloc);
	i = h->n++;
	h->it[i].key = key;
	h->it[i].v = v;
	while (i > 0) {
		int p = (i - 1) / 2;
		struct heap_item tmp;
		if (!heap_before(&h->it[i], &h->it[p]))
			break;
		tmp = h->it[i];
		h->it[i] = h->it[p];
		h->it[p] = tmp;
		i = p;
	}
}

static struct heap_item heap_pop(struct heap *h)
{
	struct heap_item top = h->it[0];
	int i = 0;
	h->it[0] = h->it[--h->n];
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		struct heap_item tmp;
		if (l < h->n && heap_before(&h->it[l], &h->it[m]))
			m = l;
		if (r < h->n && heap_before(&h->it[r], &h->it[m]))
			m = r;
		if (m == i)
			break;
		tmp = h->it[i];
		h->it[i] = h->it[m];
		h->it[m] = tmp;
		i = m;
	}
	return top;
}

/* Reverse adjacency of the intra-SCC, non-self pairs: predecessors of each node. */
struct radj {
	int *start, *from;
};

static void radj_build(struct radj *r, const struct adj *a, const int *comp)
{
	int n = a->n, u, i;
	int *fill;
	r->start = xcalloc((size_t)n + 2, sizeof(int));
	r->from = xmalloc(((size_t)a->start[n] + 1) * sizeof(int));
	for (u = 0; u < n; u++)
		for (i = a->start[u]; i < a->start[u + 1]; i++)
			if (a->to[i] != u && comp[u] >= 0 && comp[u] == comp[a->to[i]])
				r->start[a->to[i] + 1]++;
	for (u = 0; u < n; u++)
		r->start[u + 1] += r->start[u];
	fill = xmalloc(((size_t)n + 1) * sizeof(int));
	memcpy(fill, r->start, (size_t)n * sizeof(int));
	for (u = 0; u < n; u++)
		for (i = a->start[u]; i < a->start[u + 1]; i++)
			if (a->to[i] != u && comp[u] >= 0 && comp[u] == comp[a->to[i]])
				r->from[fill[a->to[i]]++] = u;
	free(fill);
}

/*
 * Eades-Lin-Smyth greedy ordering of one SCC: peel sinks to the back,
 * sources to the front, otherwise the node with the largest
 * outdeg - indeg (smallest index on ties) to the front. pos[v] gets the
 * position of each member in the ordering; pairs that go backwards in it
 * form a feedback set.
 */
static void els_order(const struct adj *a, const struct radj *r, const int *comp, int c,
		      const struct scc *s, int *indeg, int *outdeg, unsigned char *removed,
		      int *pos)
{
	struct heap h = {NULL, 0, 0};
	int *sinks = xmalloc(((size_t)s->n + 1) * sizeof(int) * 2);
	int *sources = sinks + s->n + 1;
	int nsinks = 0, nsources = 0, left = s->n, front = 0, back = s->n - 1, i;

	for (i = 0; i < s->n; i++) {
		int v = s->nodes[i], k;
		indeg[v] = r->start[v + 1] - r->start[v];
		outdeg[v] = 0;
		for (k = a->start[v]; k < a->start[v + 1]; k++)
			if (a->to[k] != v && comp[a->to[k]] == c)
				outdeg[v]++;
		removed[v] = 0;
	}
	/* Seed the stacks in reverse so the smallest index pops first. */
	for (i = s->n - 1; i >= 0; i--) {
		int v = s->nodes[i];
		if (!outdeg[v])
			sinks[nsinks++] = v;
		else if (!indeg[v])
			sources[nsources++] = v;
		heap_push(&h, outdeg[v] - indeg[v], v);
	}
	while (left) {
		int v, k, to_back = 0;
		if (nsinks) {
			v = sinks[--nsinks];
			if (removed[v])
				continue;
			to_back = 1;
		} else if (nsources) {
			v = sources[--nsources];
			if (removed[v])
				continue;
		} else {
			struct heap_item top = heap_pop(&h);
			v = top.v;
			if (removed[v] || top.key != outdeg[v] - indeg[v])
				continue;
		}
		removed[v] = 1;
		left--;
		pos[v] = to_back ? back-- : front++;
		for (k = a->start[v]; k < a->start[v + 1]; k++) {
			int w = a->to[k];
			if (w == v || comp[w] != c || removed[w])
				continue;
			if (!--indeg[w] && outdeg[w])
				sources[nsources++] = w;
			heap_push(&h, outdeg[w] - indeg[w], w);
		}
		for (k = r->start[v]; k < r->start[v + 1]; k++) {
			int p = r->from[k];
			if (removed[p])
				continue;
			if (!--outdeg[p])
				sinks[nsinks++] = p;
			heap_push(&h, outdeg[p] - indeg[p], p);
		}
	}
	free(h.it);
	free(sinks);
}

/* Does v reach u over intra-SCC pairs that are not cut? */
static int reaches(const struct adj *a, const int *comp, int c, const unsigned char *cut,
		   struct bfs *b, int v, int u, long *work)
{
	int head = 0, tail = 0;
	b->stamp++;
	b->queue[tail++] = v;
	b->seen[v] = b->stamp;
	while (head < tail) {
		int x = b->queue[head++], i;
		for (i = a->start[x]; i < a->start[x + 1]; i++) {
			int w = a->to[i];
			if (cut[i] || comp[w] != c || b->seen[w] == b->stamp)
				continue;
			if (w == u)
				return 1;
			b->seen[w] = b->stamp;
			b->queue[tail++] = w;
		}
		*work += a->start[x + 1] - a->start[x];
	}
	return 0;
}

static const struct adj *sort_adj; /* qsort has no context argument in C11 */

static int cmp_pair_by_edge(const void *pa, const void *pb)
{
	int a = sort_adj->edge[*(const int *)pa], b = sort_adj->edge[*(const int *)pb];
	return (a > b) - (a < b);
}

void graph_cut(const struct graph *g, const unsigned char *mask, int **out, int *n)
{
	struct adj a;
	struct radj r;
	struct scc_set set;
	struct bfs b;
	int nn = g->nnodes, npairs, c, u, i, k, nback = 0;
	int *indeg, *outdeg, *pos, *back;
	unsigned char *removed, *cut;
	long work = 0;

	adj_build(&a, g, mask);
	sccs_of_adj(&a, &set);
	radj_build(&r, &a, set.comp);
	npairs = a.start[nn];
	indeg = xmalloc(((size_t)nn + 1) * sizeof(int));
	outdeg = xmalloc(((size_t)nn + 1) * sizeof(int));
	pos = xmalloc(((size_t)nn + 1) * sizeof(int));
	removed = xcalloc((size_t)nn + 1, 1);
	cut = xcalloc((size_t)npairs + 1, 1);
	back = xmalloc(((size_t)npairs + 1) * sizeof(int));

	for (c = 0; c < set.n; c++)
		els_order(&a, &r, set.comp, c, &set.sccs[c], indeg, outdeg, removed, pos);
	for (u = 0; u < nn; u++) {
		if (set.comp[u] < 0)
			continue;
		for (i = a.start[u]; i < a.start[u + 1]; i++) {
			int w = a.to[i];
			if (set.comp[w] != set.comp[u])
				continue;
			if (w == u || pos[u] > pos[w]) {
				cut[i] = 1;
				back[nback++] = i;
			}
		}
	}

	/*
	 * The ordering's back pairs are sufficient but often not all needed:
	 * put each back (in edge order) while the graph stays acyclic, i.e.
	 * while its target does not reach its source.
	 */
	sort_adj = &a;
	qsort(back, (size_t)nback, sizeof(int), cmp_pair_by_edge);
	sort_adj = NULL;
	bfs_init(&b, nn);
	for (k = 0; k < nback && work <= CUT_REDUCE_BUDGET; k++) {
		int p = back[k], from = g->edges[a.edge[p]].from, to = a.to[p];
		if (from == to)
			continue;
		if (!reaches(&a, set.comp, set.comp[from], cut, &b, to, from, &work))
			cut[p] = 0;
	}
	bfs_release(&b);

	*n = 0;
	*out = xmalloc(((size_t)nback + 1) * sizeof(int));
	for (k = 0; k < nback; k++)
		if (cut[back[k]])
			(*out)[(*n)++] = a.edge[back[k]];
	qsort(*out, (size_t)*n, sizeof(int), cmp_int);

	free(indeg);
	free(outdeg);
	free(pos);
	free(removed);
	free(cut);
	free(back);
	free(r.start);
	free(r.from);
	scc_set_release(&set);
	adj_release(&a);
}

/* ---- layering ---- */

int graph_layers(const struct graph *g, const unsigned char *mask, const int *cut, int ncut,
		 int *layer_of)
{
	struct adj a;
	int nn = g->nnodes, i, root, nlayers = 0;
	unsigned char *ign, *color;
	int *fv, *fi;

	adj_build(&a, g, mask);
	ign = xcalloc((size_t)a.start[nn] + 1, 1);
	for (i = 0; i < ncut; i++) {
		int p;
		if (cut[i] < 0 || cut[i] >= g->nedges)
			continue;
		p = adj_find(&a, g->edges[cut[i]].from, g->edges[cut[i]].to);
		if (p >= 0)
			ign[p] = 1;
	}

	/*
	 * Longest path by iterative DFS in id order: a node's layer is fixed
	 * when it finishes, when all its successors have finished. A successor
	 * still on the DFS path closes a cycle the cut left (or a self-loop):
	 * that back pair is ignored, so the result is always a layering of an
	 * acyclic subgraph instead of an abort on inconsistent input.
	 */
	color = xcalloc((size_t)nn + 1, 1); /* 0 new, 1 on path, 2 done */
	fv = xmalloc(((size_t)nn + 1) * sizeof(int));
	fi = xmalloc(((size_t)nn + 1) * sizeof(int));
	for (root = 0; root < nn; root++) {
		int fp = 0;
		if (color[root])
			continue;
		color[root] = 1;
		layer_of[root] = 0;
		fv[fp] = root;
		fi[fp++] = a.start[root];
		while (fp) {
			int v = fv[fp - 1], k = fi[fp - 1];
			if (k < a.start[v + 1]) {
				int w = a.to[k];
				fi[fp - 1] = k + 1;
				if (ign[k] || color[w] == 1)
					continue;
				if (color[w] == 0) {
					color[w] = 1;
					layer_of[w] = 0;
					fv[fp] = w;
					fi[fp++] = a.start[w];
				} else if (layer_of[w] + 1 > layer_of[v]) {
					layer_of[v] = layer_of[w] + 1;
				}
				continue;
			}
			color[v] = 2;
			if (layer_of[v] + 1 > nlayers)
				nlayers = layer_of[v] + 1;
			fp--;
			if (fp && layer_of[v] + 1 > layer_of[fv[fp - 1]])
				layer_of[fv[fp - 1]] = layer_of[v] + 1;
		}
	}
	free(color);
	free(fv);
	free(fi);
	free(ign);
	adj_release(&a);
	return nlayers;
}

/* ---- all elementary cycles (Johnson) ---- */

struct johnson {
	const struct graph *g;
	const struct adj *a;
	int *sel, tag;        /* current component: sel[v] == tag */
	unsigned char *blocked;
	int **blist, *blen, *balloc; /* B(v) lists */
	int *ustack;          /* unblock work stack */
	int *fv, *fi, *ff, *pathe; /* DFS frames: node, next pair, found flag; path edges */
	int **cycles, *lens, ncycles, limit;
	size_t alloc_cycles, alloc_lens;
};

static void johnson_unblock(struct johnson *j, int u)
{
	int sp = 0;
	j->blocked[u] = 0;
	j->ustack[sp++] = u;
	while (sp) {
		int x = j->ustack[--sp];
		while (j->blen[x]) {
			int w = j->blist[x][--j->blen[x]];
			if (j->blocked[w]) {
				j->blocked[w] = 0;
				j->ustack[sp++] = w;
			}
		}
	}
}

static void johnson_note_blocker(struct johnson *j, int w, int v)
{
	int i;
	for (i = 0; i < j->blen[w]; i++)
		if (j->blist[w][i] == v)
			return;
	ALLOC_GROW(j->blist[w], j->blen[w] + 1, j->balloc[w]);
	j->blist[w][j->blen[w]++] = v;
}

/* Johnson's CIRCUIT(s), iteratively. Returns 0, or 1 when the limit is reached. */
static int johnson_circuit(struct johnson *j, int s)
{
	const struct adj *a = j->a;
	int fp = 0;
	j->fv[fp] = s;
	j->fi[fp] = a->start[s];
	j->ff[fp++] = 0;
	j->blocked[s] = 1;
	while (fp) {
		int v = j->fv[fp - 1], k = j->fi[fp - 1];
		if (k < a->start[v + 1]) {
			int w = a->to[k];
			j->fi[fp - 1] = k + 1;
			if (j->sel[w] != j->tag)
				continue;
			if (w == s) {
				int *cyc = xmalloc((size_t)fp * sizeof(int));
				memcpy(cyc, j->pathe + 1, (size_t)(fp - 1) * sizeof(int));
				cyc[fp - 1] = a->edge[k];
				ALLOC_GROW(j->cycles, j->ncycles + 1, j->alloc_cycles);
				ALLOC_GROW(j->lens, j->ncycles + 1, j->alloc_lens);
				j->cycles[j->ncycles] = cyc;
				j->lens[j->ncycles++] = fp;
				j->ff[fp - 1] = 1;
				if (j->ncycles >= j->limit)
					return 1;
			} else if (!j->blocked[w]) {
				j->blocked[w] = 1;
				j->pathe[fp] = a->edge[k];
				j->fv[fp] = w;
				j->fi[fp] = a->start[w];
				j->ff[fp++] = 0;
			}
			continue;
		}
		if (j->ff[fp - 1]) {
			johnson_unblock(j, v);
		} else {
			int i;
			for (i = a->start[v]; i < a->start[v + 1]; i++)
				if (j->sel[a->to[i]] == j->tag)
					johnson_note_blocker(j, a->to[i], v);
		}
		fp--;
		if (fp && j->ff[fp])
			j->ff[fp - 1] = 1;
	}
	return 0;
}

static const struct graph *sort_graph_cyc;
static int **sort_cycles;
static int *sort_lens;

static int cmp_cycle(const void *pa, const void *pb)
{
	int x = *(const int *)pa, y = *(const int *)pb, i;
	if (sort_lens[x] != sort_lens[y])
		return sort_lens[x] < sort_lens[y] ? -1 : 1;
	for (i = 0; i < sort_lens[x]; i++) {
		int u = sort_graph_cyc->edges[sort_cycles[x][i]].from;
		int v = sort_graph_cyc->edges[sort_cycles[y][i]].from;
		if (u != v)
			return u < v ? -1 : 1;
	}
	return 0;
}

int graph_all_cycles(const struct graph *g, const unsigned char *mask, int max, int ***cycles,
		     int **lens, int *truncated)
{
	struct adj a;
	struct tarjan t;
	struct johnson j;
	int nn = g->nnodes, i, keep, tagseq = 0, stop = 0;
	int *comp, *members, *cstart, *corder, *order, *verts;
	/*
	 * Worklist: a stack of disjoint node sets still to search, stored as
	 * consecutive slices of wmem (so it never holds more than nn nodes).
	 */
	int *wmem, *wstart, *wlen, nwork = 0, nwmem = 0;

	*cycles = NULL;
	*lens = NULL;
	*truncated = 0;
	if (max <= 0 || !nn)
		return 0;
	adj_build(&a, g, mask);
	memset(&j, 0, sizeof(j));
	j.g = g;
	j.a = &a;
	j.limit = max < 0x7ffffffe ? max + 1 : max; /* one more tells whether there are more */
	j.sel = xcalloc((size_t)nn + 1, sizeof(int));
	j.blocked = xcalloc((size_t)nn + 1, 1);
	j.blist = xcalloc((size_t)nn + 1, sizeof(int *));
	j.blen = xcalloc((size_t)nn + 1, sizeof(int));
	j.balloc = xcalloc((size_t)nn + 1, sizeof(int));
	j.ustack = xmalloc(((size_t)nn + 1) * sizeof(int));
	j.fv = xmalloc(((size_t)nn + 1) * sizeof(int));
	j.fi = xmalloc(((size_t)nn + 1) * sizeof(int));
	j.ff = xmalloc(((size_t)nn + 1) * sizeof(int));
	j.pathe = xmalloc(((size_t)nn + 1) * sizeof(int));
	comp = xmalloc(((size_t)nn + 1) * sizeof(int));
	members = xmalloc(((size_t)nn + 1) * sizeof(int));
	cstart = xmalloc(((size_t)nn + 2) * sizeof(int));
	corder = xmalloc(((size_t)nn + 1) * sizeof(int));
	verts = xmalloc(((size_t)nn + 1) * sizeof(int));
	wmem = xmalloc(((size_t)nn + 1) * sizeof(int));
	wstart = xmalloc(((size_t)nn + 1) * sizeof(int));
	wlen = xmalloc(((size_t)nn + 1) * sizeof(int));
	tarjan_init(&t, nn);

	/*
	 * Johnson: split a node set into SCCs; in each SCC with a cycle,
	 * search the cycles through its smallest node s, then queue the SCC
	 * minus s to be split again. Each searched SCC yields at least one
	 * cycle, so the work stays proportional to (V + E) per cycle found.
	 */
	for (i = 0; i < nn; i++)
		wmem[i] = i;
	wstart[0] = 0;
	wlen[0] = nn;
	nwork = 1;
	nwmem = nn;
	while (nwork && !stop) {
		int wl = wlen[--nwork], ncomp, nc = 0, c, q;
		memcpy(verts, wmem + wstart[nwork], (size_t)wl * sizeof(int));
		nwmem = wstart[nwork];
		tagseq++;
		for (i = 0; i < wl; i++)
			j.sel[verts[i]] = tagseq;
		ncomp = tarjan_run(&t, &a, verts, wl, j.sel, tagseq, comp, members, cstart);
		for (c = 0; c < ncomp; c++) {
			int sz = cstart[c + 1] - cstart[c];
			if (sz == 1 && !a.self[members[cstart[c]]])
				continue;
			qsort(members + cstart[c], (size_t)sz, sizeof(int), cmp_int);
			corder[nc++] = c;
		}
		/* Components by smallest node (insertion sort: few of them, usually). */
		for (q = 1; q < nc; q++) {
			int x = corder[q], p = q;
			while (p > 0 && members[cstart[corder[p - 1]]] > members[cstart[x]]) {
				corder[p] = corder[p - 1];
				p--;
			}
			corder[p] = x;
		}
		for (q = 0; q < nc && !stop; q++) {
			int cc = corder[q];
			tagseq++;
			for (i = cstart[cc]; i < cstart[cc + 1]; i++) {
				int v = members[i];
				j.sel[v] = tagseq;
				j.blocked[v] = 0;
				j.blen[v] = 0;
			}
			j.tag = tagseq;
			stop = johnson_circuit(&j, members[cstart[cc]]);
		}
		/* Queue each SCC minus its smallest node; the smallest is searched first. */
		for (q = nc - 1; q >= 0 && !stop; q--) {
			int cc = corder[q], sz = cstart[cc + 1] - cstart[cc] - 1;
			if (sz < 1)
				continue; /* a lone node is searched again only for its self-loop */
			memcpy(wmem + nwmem, members + cstart[cc] + 1, (size_t)sz * sizeof(int));
			wstart[nwork] = nwmem;
			wlen[nwork++] = sz;
			nwmem += sz;
		}
	}

	if (j.ncycles > max)
		*truncated = 1;
	keep = j.ncycles > max ? max : j.ncycles;
	order = xmalloc(((size_t)j.ncycles + 1) * sizeof(int));
	for (i = 0; i < j.ncycles; i++)
		order[i] = i;
	sort_graph_cyc = g;
	sort_cycles = j.cycles;
	sort_lens = j.lens;
	qsort(order, (size_t)j.ncycles, sizeof(int), cmp_cycle);
	sort_graph_cyc = NULL;
	sort_cycles = NULL;
	sort_lens = NULL;
	*cycles = xmalloc(((size_t)keep + 1) * sizeof(int *));
	*lens = xmalloc(((size_t)keep + 1) * sizeof(int));
	for (i = 0; i < j.ncycles; i++) {
		if (i < keep) {
			(*cycles)[i] = j.cycles[order[i]];
			(*lens)[i] = j.lens[order[i]];
		} else {
			free(j.cycles[order[i]]);
		}
	}
	free(order);

	for (i = 0; i < nn; i++)
		free(j.blist[i]);
	free(j.blist);
	free(j.blen);
	free(j.balloc);
	free(j.sel);
	free(j.blocked);
	free(j.ustack);
	free(j.fv);
	free(j.fi);
	free(j.ff);
	free(j.pathe);
	free(j.cycles);
	free(j.lens);
	free(comp);
	free(members);
	free(cstart);
	free(corder);
	free(verts);
	free(wmem);
	free(wstart);
	free(wlen);
	tarjan_release(&t);
	adj_release(&a);
	return keep;
}

void graph_cycles_release(int **cycles, int *lens, int n)
{
	int i;
	for (i = 0; i < n; i++)
		free(cycles[i]);
	free(cycles);
	free(lens);
}

int graph_pair_count(const struct graph *g, const unsigned char *mask, int e)
{
	int i, count = 0, from, to;
	if (e < 0 || e >= g->nedges)
		return 0;
	from = g->edges[e].from;
	to = g->edges[e].to;
	/* Sorted graphs keep a pair's edges together: scan outwards from e. */
	for (i = e; i >= 0 && g->edges[i].from == from && g->edges[i].to == to; i--)
		count += kept(mask, i);
	for (i = e + 1; i < g->nedges && g->edges[i].from == from && g->edges[i].to == to; i++)
		count += kept(mask, i);
	return count;
}
