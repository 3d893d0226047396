/* test_graph.c - graph storage and analyses (graph.c, graph_algo.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../analyzer/graph.h"
#include "../../analyzer/util.h"

/* Add edge "from->to" (line distinguishes parallel edges). */
static int add(struct graph *g, const char *from, const char *to, int line)
{
	struct gedge e;
	memset(&e, 0, sizeof(e));
	e.from = graph_node(g, from, 1);
	e.to = graph_node(g, to, 1);
	e.kind = "import";
	e.file = "f.py";
	e.line = line;
	return graph_add_edge(g, &e);
}

/* Graph from "a>b b>c c>a" (space separated pairs), sorted. */
static struct graph *parse(const char *spec)
{
	struct graph *g = graph_new();
	char *copy = xstrdup(spec), *tok, *save = NULL;
	int line = 1;
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *gt = strchr(tok, '>');
		assert_non_null(gt);
		*gt = '\0';
		if (*tok && !gt[1])
			graph_node(g, tok, 1); /* "x>" declares a lone node */
		else
			add(g, tok, gt + 1, line++);
	}
	free(copy);
	graph_sort(g);
	return g;
}

static int node(struct graph *g, const char *id)
{
	int n = graph_node(g, id, 0);
	assert_true(n >= 0);
	return n;
}

static int find_edge(const struct graph *g, int from, int to)
{
	int i;
	for (i = 0; i < g->nedges; i++)
		if (g->edges[i].from == from && g->edges[i].to == to)
			return i;
	return -1;
}

/* "a b" ids of an SCC. */
static void scc_ids(const struct graph *g, const struct scc *s, char *buf, size_t size)
{
	int i;
	buf[0] = '\0';
	for (i = 0; i < s->n; i++) {
		if (i)
			strncat(buf, " ", size - strlen(buf) - 1);
		strncat(buf, g->nodes[s->nodes[i]].id, size - strlen(buf) - 1);
	}
}

/* "a>b b>a" of a cycle given as edges. */
static void cycle_str(const struct graph *g, const int *cyc, int n, char *buf, size_t size)
{
	int i;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		char one[64];
		snprintf(one, sizeof(one), "%s%s>%s", i ? " " : "", g->nodes[g->edges[cyc[i]].from].id,
			 g->nodes[g->edges[cyc[i]].to].id);
		strncat(buf, one, size - strlen(buf) - 1);
	}
}

/* The edges form a closed walk through distinct nodes. */
static void assert_cycle(const struct graph *g, const unsigned char *mask, const int *cyc, int n)
{
	unsigned char *seen = xcalloc((size_t)g->nnodes, 1);
	int i;
	assert_true(n >= 1);
	for (i = 0; i < n; i++) {
		const struct gedge *e = &g->edges[cyc[i]], *next = &g->edges[cyc[(i + 1) % n]];
		assert_true(!mask || mask[cyc[i]]);
		assert_int_equal(e->to, next->from);
		assert_false(seen[e->from]);
		seen[e->from] = 1;
	}
	free(seen);
}

static void test_sort_and_intern(void **state)
{
	struct graph *g = graph_new();
	const char *a = graph_intern(g, "x.y"), *b = graph_intern(g, "x.y");
	(void)state;
	assert_ptr_equal(a, b);
	assert_null(graph_intern(g, NULL));
	add(g, "z", "a", 3);
	add(g, "z", "a", 3); /* exact duplicate: dropped */
	add(g, "z", "a", 1);
	add(g, "a", "z", 2);
	graph_sort(g);
	assert_int_equal(g->nnodes, 2);
	assert_string_equal(g->nodes[0].id, "a");
	assert_int_equal(graph_node(g, "z", 0), 1);
	assert_int_equal(g->nedges, 3);
	assert_int_equal(g->edges[0].from, 0);
	assert_int_equal(g->edges[1].line, 1);
	assert_int_equal(g->edges[2].line, 3);
	graph_free(g);
}

static void test_sccs_disjoint_and_self_loop(void **state)
{
	struct graph *g = parse("b>a a>b c>d d>e e>c f>a g>g h>i");
	struct scc_set set;
	char buf[256];
	(void)state;
	graph_sccs(g, NULL, &set);
	assert_int_equal(set.n, 3);
	scc_ids(g, &set.sccs[0], buf, sizeof(buf));
	assert_string_equal(buf, "a b");
	scc_ids(g, &set.sccs[1], buf, sizeof(buf));
	assert_string_equal(buf, "c d e");
	scc_ids(g, &set.sccs[2], buf, sizeof(buf));
	assert_string_equal(buf, "g");
	assert_int_equal(set.comp[node(g, "f")], -1);
	assert_int_equal(set.comp[node(g, "h")], -1);
	assert_int_equal(set.comp[node(g, "e")], 1);
	scc_set_release(&set);
	graph_free(g);
}

static void test_masks(void **state)
{
	struct graph *g = parse("a>b b>a b>c c>b");
	unsigned char *mask = xcalloc((size_t)g->nedges, 1);
	struct scc_set set;
	int *cyc, n;
	(void)state;
	memset(mask, 1, (size_t)g->nedges);
	mask[find_edge(g, node(g, "b"), node(g, "a"))] = 0;
	graph_sccs(g, mask, &set);
	assert_int_equal(set.n, 1);
	assert_int_equal(set.sccs[0].n, 2);
	assert_int_equal(set.sccs[0].nodes[0], node(g, "b"));
	scc_set_release(&set);
	/* A masked-out edge has no cycle through it. */
	assert_int_equal(graph_cycle_through(g, mask, find_edge(g, node(g, "b"), node(g, "a")), &cyc,
					     &n), -1);
	assert_null(cyc);
	memset(mask, 0, (size_t)g->nedges);
	graph_sccs(g, mask, &set);
	assert_int_equal(set.n, 0);
	scc_set_release(&set);
	free(mask);
	graph_free(g);
}

static void test_nested_cycles(void **state)
{
	struct graph *g = parse("a>b b>c c>a b>a c>d d>c");
	struct scc_set set;
	int *cyc, n;
	char buf[256];
	(void)state;
	assert_int_equal(graph_cycle_through(g, NULL, find_edge(g, node(g, "c"), node(g, "a")), &cyc,
					     &n), 0);
	cycle_str(g, cyc, n, buf, sizeof(buf));
	assert_string_equal(buf, "c>a a>b b>c");
	free(cyc);
	graph_sccs(g, NULL, &set);
	assert_int_equal(set.n, 1);
	assert_int_equal(set.sccs[0].n, 4);
	assert_int_equal(graph_scc_cycle(g, NULL, &set, 0, &cyc, &n), 0);
	cycle_str(g, cyc, n, buf, sizeof(buf));
	assert_string_equal(buf, "a>b b>a");
	free(cyc);
	assert_int_equal(graph_scc_cycle(g, NULL, &set, 1, &cyc, &n), -1);
	scc_set_release(&set);
	/* No cycle through an edge that leaves every cycle. */
	graph_free(g);
	g = parse("a>b b>a b>c");
	assert_int_equal(graph_cycle_through(g, NULL, find_edge(g, node(g, "b"), node(g, "c")), &cyc,
					     &n), -1);
	graph_free(g);
}

static void test_self_loop_cycle(void **state)
{
	struct graph *g = parse("a>b b>c c>a c>c");
	struct scc_set set;
	int *cyc, n, *cut, ncut;
	char buf[256];
	(void)state;
	graph_sccs(g, NULL, &set);
	assert_int_equal(graph_scc_cycle(g, NULL, &set, 0, &cyc, &n), 0);
	cycle_str(g, cyc, n, buf, sizeof(buf));
	assert_string_equal(buf, "c>c");
	free(cyc);
	assert_int_equal(graph_cycle_through(g, NULL, find_edge(g, node(g, "c"), node(g, "c")), &cyc,
					     &n), 0);
	assert_int_equal(n, 1);
	free(cyc);
	scc_set_release(&set);
	graph_cut(g, NULL, &cut, &ncut);
	assert_int_equal(ncut, 2); /* the self-loop, and one pair of the triangle */
	assert_int_equal(g->edges[cut[0]].from, g->edges[cut[0]].from);
	free(cut);
	graph_free(g);
}

static void test_parallel_edges(void **state)
{
	struct graph *g = graph_new();
	int *cut, ncut, *cyc, n, **cycles, *lens, trunc, count, ab;
	unsigned char mask[3] = {1, 1, 1};
	(void)state;
	add(g, "a", "b", 9);
	add(g, "a", "b", 4);
	add(g, "b", "a", 1);
	graph_sort(g);
	ab = find_edge(g, node(g, "a"), node(g, "b"));
	assert_int_equal(g->edges[ab].line, 4);
	assert_int_equal(graph_pair_count(g, NULL, ab), 2);
	assert_int_equal(graph_pair_count(g, NULL, ab + 1), 2);
	mask[ab] = 0;
	assert_int_equal(graph_pair_count(g, mask, ab + 1), 1);
	/* With the first edge masked out, the pair is represented by the second. */
	graph_cut(g, mask, &cut, &ncut);
	assert_int_equal(ncut, 1);
	assert_true(cut[0] == ab + 1 || cut[0] == find_edge(g, node(g, "b"), node(g, "a")));
	free(cut);
	assert_int_equal(graph_cycle_through(g, NULL, find_edge(g, node(g, "b"), node(g, "a")), &cyc,
					     &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(cyc[1], ab);
	free(cyc);
	count = graph_all_cycles(g, NULL, 10, &cycles, &lens, &trunc);
	assert_int_equal(count, 1);
	assert_int_equal(trunc, 0);
	assert_int_equal(lens[0], 2);
	assert_int_equal(cycles[0][0], ab);
	graph_cycles_release(cycles, lens, count);
	graph_free(g);
}

static void test_all_cycles_complete_graph(void **state)
{
	struct graph *g = graph_new();
	int **cycles, *lens, trunc, count, i, k;
	const char *ids[] = {"a", "b", "c", "d"};
	(void)state;
	for (i = 0; i < 4; i++)
		for (k = 0; k < 4; k++)
			if (i != k)
				add(g, ids[i], ids[k], 1);
	graph_sort(g);
	/* K4 has 6 two-cycles, 8 three-cycles and 6 four-cycles. */
	count = graph_all_cycles(g, NULL, 100, &cycles, &lens, &trunc);
	assert_int_equal(count, 20);
	assert_int_equal(trunc, 0);
	for (i = 0; i < count; i++) {
		assert_int_equal(lens[i], i < 6 ? 2 : i < 14 ? 3 : 4);
		assert_cycle(g, NULL, cycles[i], lens[i]);
		/* Each cycle starts at its smallest node. */
		for (k = 1; k < lens[i]; k++)
			assert_true(g->edges[cycles[i][k]].from > g->edges[cycles[i][0]].from);
	}
	/* Lexicographic among equal lengths: a>b>a first, then a>c>a. */
	assert_int_equal(g->edges[cycles[0][0]].to, node(g, "b"));
	assert_int_equal(g->edges[cycles[1][0]].to, node(g, "c"));
	graph_cycles_release(cycles, lens, count);
	count = graph_all_cycles(g, NULL, 5, &cycles, &lens, &trunc);
	assert_int_equal(count, 5);
	assert_int_equal(trunc, 1);
	for (i = 1; i < count; i++)
		assert_true(lens[i - 1] <= lens[i]);
	graph_cycles_release(cycles, lens, count);
	count = graph_all_cycles(g, NULL, 20, &cycles, &lens, &trunc);
	assert_int_equal(count, 20);
	assert_int_equal(trunc, 0);
	graph_cycles_release(cycles, lens, count);
	graph_free(g);
}

/* Build a path or cycle of n nodes (ids n000000 ... in order). */
static struct graph *chain(int n, int closed)
{
	struct graph *g = graph_new();
	char a[16], b[16];
	int i;
	for (i = 0; i + 1 < n; i++) {
		snprintf(a, sizeof(a), "n%07d", i);
		snprintf(b, sizeof(b), "n%07d", i + 1);
		add(g, a, b, 1);
	}
	if (closed) {
		snprintf(a, sizeof(a), "n%07d", n - 1);
		add(g, a, "n0000000", 1);
	}
	graph_sort(g);
	return g;
}

static void test_huge_cycle_and_path(void **state)
{
	struct graph *g = chain(200000, 1);
	struct scc_set set;
	int *cyc, n, *cut, ncut, **cycles, *lens, trunc, count, *layer;
	(void)state;
	graph_sccs(g, NULL, &set);
	assert_int_equal(set.n, 1);
	assert_int_equal(set.sccs[0].n, 200000);
	assert_int_equal(graph_scc_cycle(g, NULL, &set, 0, &cyc, &n), 0);
	assert_int_equal(n, 200000);
	assert_int_equal(g->edges[cyc[0]].from, 0);
	assert_cycle(g, NULL, cyc, n);
	free(cyc);
	scc_set_release(&set);
	assert_int_equal(graph_cycle_through(g, NULL, 5, &cyc, &n), 0);
	assert_int_equal(n, 200000);
	free(cyc);
	graph_cut(g, NULL, &cut, &ncut);
	assert_int_equal(ncut, 1);
	layer = xmalloc(200000 * sizeof(int));
	assert_int_equal(graph_layers(g, NULL, cut, ncut, layer), 200000);
	free(cut);
	count = graph_all_cycles(g, NULL, 10, &cycles, &lens, &trunc);
	assert_int_equal(count, 1);
	assert_int_equal(lens[0], 200000);
	graph_cycles_release(cycles, lens, count);
	/* Without a cut the layering still terminates, ignoring the closing pair. */
	assert_int_equal(graph_layers(g, NULL, NULL, 0, layer), 200000);
	free(layer);
	graph_free(g);

	g = chain(100000, 0);
	graph_sccs(g, NULL, &set);
	assert_int_equal(set.n, 0);
	scc_set_release(&set);
	layer = xmalloc(100000 * sizeof(int));
	assert_int_equal(graph_layers(g, NULL, NULL, 0, layer), 100000);
	assert_int_equal(layer[0], 99999);
	assert_int_equal(layer[99999], 0);
	free(layer);
	graph_free(g);
}

static void test_layers_small(void **state)
{
	/* app needs models and views; views needs models; models needs nothing. */
	struct graph *g = parse("app>models app>views views>models util>");
	int layer[4];
	(void)state;
	assert_int_equal(graph_layers(g, NULL, NULL, 0, layer), 3);
	assert_int_equal(layer[node(g, "models")], 0);
	assert_int_equal(layer[node(g, "util")], 0);
	assert_int_equal(layer[node(g, "views")], 1);
	assert_int_equal(layer[node(g, "app")], 2);
	graph_free(g);
}

/* ---- property checks on random graphs against brute force ---- */

static uint32_t rng_state;
static uint32_t rnd(uint32_t bound)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return ((rng_state >> 8) & 0xffffff) % bound;
}

static struct graph *random_graph(int *nn)
{
	struct graph *g = graph_new();
	int n = 1 + (int)rnd(12), m = (int)rnd((uint32_t)(3 * n + 1)), i;
	char a[16], b[16];
	for (i = 0; i < n; i++) {
		snprintf(a, sizeof(a), "m%02d", i);
		graph_node(g, a, 1);
	}
	for (i = 0; i < m; i++) {
		snprintf(a, sizeof(a), "m%02d", (int)rnd((uint32_t)n));
		snprintf(b, sizeof(b), "m%02d", (int)rnd((uint32_t)n));
		add(g, a, b, (int)rnd(3));
	}
	graph_sort(g);
	*nn = n;
	return g;
}

#define INF 1000000

/* All-pairs shortest path lengths over the masked edges (Floyd-Warshall). */
static int *distances(const struct graph *g, const unsigned char *mask)
{
	int n = g->nnodes, i, j, k;
	int *d = xmalloc((size_t)n * n * sizeof(int));
	for (i = 0; i < n * n; i++)
		d[i] = INF;
	for (i = 0; i < g->nedges; i++)
		if (!mask || mask[i])
			d[g->edges[i].from * n + g->edges[i].to] = 1;
	for (k = 0; k < n; k++)
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				if (d[i * n + k] + d[k * n + j] < d[i * n + j])
					d[i * n + j] = d[i * n + k] + d[k * n + j];
	return d;
}

static int acyclic(const struct graph *g, const unsigned char *mask)
{
	struct scc_set set;
	int ok;
	graph_sccs(g, mask, &set);
	ok = set.n == 0;
	scc_set_release(&set);
	return ok;
}

/* Keep the masked edges, minus every edge of a cut pair. */
static unsigned char *without_cut(const struct graph *g, const unsigned char *mask, const int *cut,
				  int ncut)
{
	unsigned char *m = xmalloc((size_t)g->nedges + 1);
	int i, k;
	for (i = 0; i < g->nedges; i++) {
		m[i] = !mask || mask[i];
		for (k = 0; k < ncut; k++)
			if (g->edges[cut[k]].from == g->edges[i].from &&
			    g->edges[cut[k]].to == g->edges[i].to)
				m[i] = 0;
	}
	return m;
}

static void check_random_graph(struct graph *g, const unsigned char *mask)
{
	int n = g->nnodes, i, v, c, *d = distances(g, mask), *cut, ncut, *layer, nl;
	struct scc_set set;
	unsigned char *rest;

	/* SCCs: u and v share one iff each reaches the other; cyclic iff d(v,v) finite. */
	graph_sccs(g, mask, &set);
	for (i = 0; i < n; i++) {
		assert_int_equal(set.comp[i] >= 0, d[i * n + i] < INF);
		for (v = 0; v < n; v++)
			if (set.comp[i] >= 0 && i != v)
				assert_int_equal(set.comp[i] == set.comp[v],
						 d[i * n + v] < INF && d[v * n + i] < INF);
	}
	for (c = 0; c < set.n; c++) {
		int *cyc, len, best = INF, k;
		for (i = 1; i < set.sccs[c].n; i++)
			assert_true(set.sccs[c].nodes[i - 1] < set.sccs[c].nodes[i]);
		if (c)
			assert_true(set.sccs[c - 1].nodes[0] < set.sccs[c].nodes[0]);
		for (i = 0; i < set.sccs[c].n; i++)
			if (d[set.sccs[c].nodes[i] * (n + 1)] < best)
				best = d[set.sccs[c].nodes[i] * (n + 1)];
		assert_int_equal(graph_scc_cycle(g, mask, &set, c, &cyc, &len), 0);
		assert_int_equal(len, best);
		assert_cycle(g, mask, cyc, len);
		for (k = 0; k < len; k++)
			assert_int_equal(set.comp[g->edges[cyc[k]].from], c);
		free(cyc);
	}
	/* Shortest cycle through every masked edge inside an SCC. */
	for (i = 0; i < g->nedges; i++) {
		int *cyc, len, u = g->edges[i].from, w = g->edges[i].to;
		int expect = u == w ? 1 : d[w * n + u] < INF ? d[w * n + u] + 1 : -1;
		if (mask && !mask[i])
			continue;
		if (expect < 0) {
			assert_int_equal(graph_cycle_through(g, mask, i, &cyc, &len), -1);
			continue;
		}
		assert_int_equal(graph_cycle_through(g, mask, i, &cyc, &len), 0);
		assert_int_equal(len, expect);
		assert_int_equal(cyc[0], i);
		assert_cycle(g, mask, cyc, len);
		free(cyc);
	}

	/* Cut: leaves it acyclic, and every cut pair is needed. */
	graph_cut(g, mask, &cut, &ncut);
	rest = without_cut(g, mask, cut, ncut);
	assert_true(acyclic(g, rest));
	for (i = 0; i < ncut; i++) {
		int k;
		assert_true(!mask || mask[cut[i]]);
		assert_int_equal(set.comp[g->edges[cut[i]].from], set.comp[g->edges[cut[i]].to]);
		if (i)
			assert_true(cut[i - 1] < cut[i]);
		for (k = 0; k < g->nedges; k++)
			if (g->edges[k].from == g->edges[cut[i]].from &&
			    g->edges[k].to == g->edges[cut[i]].to && (!mask || mask[k])) {
				assert_true(k >= cut[i]); /* representative = first masked edge */
				rest[k] = 1;
			}
		assert_false(acyclic(g, rest));
		for (k = 0; k < g->nedges; k++)
			if (g->edges[k].from == g->edges[cut[i]].from &&
			    g->edges[k].to == g->edges[cut[i]].to)
				rest[k] = 0;
	}

	/* Layers: every kept edge goes to an earlier layer; layers are tight. */
	layer = xmalloc((size_t)n * sizeof(int));
	nl = graph_layers(g, mask, cut, ncut, layer);
	for (i = 0; i < g->nedges; i++)
		if (rest[i])
			assert_true(layer[g->edges[i].to] < layer[g->edges[i].from]);
	for (v = 0; v < n; v++) {
		int need = 0;
		assert_true(layer[v] >= 0 && layer[v] < nl);
		for (i = 0; i < g->nedges; i++)
			if (rest[i] && g->edges[i].from == v && layer[g->edges[i].to] + 1 > need)
				need = layer[g->edges[i].to] + 1;
		assert_int_equal(layer[v], need); /* longest path: as early as possible */
	}
	/* Without the cut, layering still returns a valid layer for each node. */
	nl = graph_layers(g, mask, NULL, 0, layer);
	for (v = 0; v < n; v++)
		assert_true(layer[v] >= 0 && layer[v] < nl);

	/* All cycles: count against a brute force of cycles through their smallest node. */
	{
		int **cycles, *lens, trunc, count = graph_all_cycles(g, mask, 100000, &cycles, &lens,
								     &trunc);
		assert_int_equal(trunc, 0);
		for (i = 0; i < count; i++) {
			assert_cycle(g, mask, cycles[i], lens[i]);
			if (i) {
				assert_true(lens[i - 1] <= lens[i]);
				if (lens[i - 1] == lens[i]) {
					int k = 0;
					while (k < lens[i] && g->edges[cycles[i - 1][k]].from ==
								      g->edges[cycles[i][k]].from)
						k++;
					assert_true(k < lens[i]); /* distinct */
					assert_true(g->edges[cycles[i - 1][k]].from <
						    g->edges[cycles[i][k]].from);
				}
			}
		}
		/* Total count is 0 exactly when acyclic, and covers every SCC. */
		assert_int_equal(count == 0, set.n == 0);
		graph_cycles_release(cycles, lens, count);
	}
	free(layer);
	free(rest);
	free(cut);
	scc_set_release(&set);
	free(d);
}

static void test_random_graphs(void **state)
{
	int round;
	(void)state;
	rng_state = 20240601;
	for (round = 0; round < 400; round++) {
		int n, i;
		struct graph *g = random_graph(&n);
		unsigned char *mask = xmalloc((size_t)g->nedges + 1);
		check_random_graph(g, NULL);
		for (i = 0; i < g->nedges; i++)
			mask[i] = rnd(4) != 0;
		check_random_graph(g, mask);
		free(mask);
		graph_free(g);
	}
}

/* Count elementary cycles by brute force DFS (cycles through their smallest node). */
static int brute_count(const struct graph *g, int s, int v, unsigned char *on, int *count)
{
	int i;
	for (i = 0; i < g->nedges; i++) {
		int w;
		if (i && g->edges[i].from == g->edges[i - 1].from && g->edges[i].to == g->edges[i - 1].to)
			continue; /* one per pair */
		if (g->edges[i].from != v)
			continue;
		w = g->edges[i].to;
		if (w == s)
			(*count)++;
		else if (w > s && !on[w]) {
			on[w] = 1;
			brute_count(g, s, w, on, count);
			on[w] = 0;
		}
	}
	return *count;
}

static void test_all_cycles_brute_force(void **state)
{
	int round;
	(void)state;
	rng_state = 7;
	for (round = 0; round < 300; round++) {
		int n, s, expect = 0, **cycles, *lens, trunc, count;
		struct graph *g = random_graph(&n);
		unsigned char on[16] = {0};
		for (s = 0; s < g->nnodes; s++) {
			on[s] = 1;
			brute_count(g, s, s, on, &expect);
			on[s] = 0;
		}
		count = graph_all_cycles(g, NULL, 1000000, &cycles, &lens, &trunc);
		if (count != expect) {
			int q;
			for (q = 0; q < g->nedges; q++)
				fprintf(stderr, "%d>%d ", g->edges[q].from, g->edges[q].to);
			fprintf(stderr, "\n");
			for (q = 0; q < count; q++) {
				char buf[256];
				cycle_str(g, cycles[q], lens[q], buf, sizeof(buf));
				fprintf(stderr, "%s\n", buf);
			}
		}
		assert_int_equal(count, expect);
		graph_cycles_release(cycles, lens, count);
		if (expect > 1) {
			count = graph_all_cycles(g, NULL, expect - 1, &cycles, &lens, &trunc);
			assert_int_equal(count, expect - 1);
			assert_int_equal(trunc, 1);
			graph_cycles_release(cycles, lens, count);
		}
		graph_free(g);
	}
}

static void test_empty_graph(void **state)
{
	struct graph *g = graph_new();
	struct scc_set set;
	int *cut, ncut, **cycles, *lens, trunc;
	(void)state;
	graph_sort(g);
	graph_sccs(g, NULL, &set);
	assert_int_equal(set.n, 0);
	scc_set_release(&set);
	graph_cut(g, NULL, &cut, &ncut);
	assert_int_equal(ncut, 0);
	free(cut);
	assert_int_equal(graph_layers(g, NULL, NULL, 0, NULL), 0);
	assert_int_equal(graph_all_cycles(g, NULL, 10, &cycles, &lens, &trunc), 0);
	graph_cycles_release(cycles, lens, 0);
	graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort_and_intern),
		cmocka_unit_test(test_sccs_disjoint_and_self_loop),
		cmocka_unit_test(test_masks),
		cmocka_unit_test(test_nested_cycles),
		cmocka_unit_test(test_self_loop_cycle),
		cmocka_unit_test(test_parallel_edges),
		cmocka_unit_test(test_all_cycles_complete_graph),
		cmocka_unit_test(test_huge_cycle_and_path),
		cmocka_unit_test(test_layers_small),
		cmocka_unit_test(test_random_graphs),
		cmocka_unit_test(test_all_cycles_brute_force),
		cmocka_unit_test(test_empty_graph),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
