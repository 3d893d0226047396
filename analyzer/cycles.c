/* cycles.c - see cycles.h. */
#include "cycles.h"
#include "diag.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/*
 * Shortest-cycle searches run on each SCC's own subgraph: on the whole
 * graph every search costs O(nodes + edges) to set up, so one search per
 * SCC and per cut edge was quadratic (a generated project of 65,000
 * modules and 1,300 cycles took 45 s of CPU here; now a fraction of one).
 *
 * The subgraph keeps the SCC's members in id order and the masked edges
 * between them in the graph's order, so ties break as on the whole graph;
 * it shares g's strings. emap[k] is the edge of g behind its edge k.
 */
struct sub {
	struct graph *g;
	int *emap;
};

static void sub_build(struct sub *sb, const struct graph *g, const struct scc *sc, int *local,
		      const int *edges, int nedges)
{
	struct graph *s = graph_new();
	s->nodes = xcalloc((size_t)sc->n + 1, sizeof(*s->nodes));
	s->nnodes = s->alloc_nodes = sc->n;
	for (int k = 0; k < sc->n; k++) {
		s->nodes[k] = g->nodes[sc->nodes[k]];
		local[sc->nodes[k]] = k;
	}
	s->edges = xcalloc((size_t)nedges + 1, sizeof(*s->edges));
	s->nedges = s->alloc_edges = nedges;
	sb->emap = xcalloc((size_t)nedges + 1, sizeof(int));
	for (int k = 0; k < nedges; k++) {
		s->edges[k] = g->edges[edges[k]];
		s->edges[k].from = local[g->edges[edges[k]].from];
		s->edges[k].to = local[g->edges[edges[k]].to];
		sb->emap[k] = edges[k];
	}
	sb->g = s;
}

static void sub_release(struct sub *sb)
{
	graph_free(sb->g);
	free(sb->emap);
}

/* Map a subgraph edge path back to g's edges, in place. */
static void sub_map(const struct sub *sb, int *path, int n)
{
	for (int k = 0; k < n; k++)
		path[k] = sb->emap[path[k]];
}

/* Index of g's edge e in the subgraph (emap is increasing), or -1. */
static int sub_edge(const struct sub *sb, int e)
{
	int lo = 0, hi = sb->g->nedges;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (sb->emap[mid] == e)
			return mid;
		if (sb->emap[mid] < e)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/*
 * Edges visited by the shortest-cycle searches behind the cut edges, at
 * most: each search is linear in its SCC, and a dense SCC (2000 modules
 * importing 50 others each) has tens of thousands of cut edges (hours).
 * Past the budget the cut stays complete, only its evidence is cut short.
 */
#define CUT_CYCLES_BUDGET (1L << 24)

void cycles_analyze(struct cycle_report *r, const struct graph *g, const char *graph_kind,
		    const unsigned char *mask, const unsigned char *strict_mask)
{
	int *cut = NULL, ncut = 0, nbare = 0;
	long work = 0;
	struct scc_set strict = {0};
	int *estart, *ebuf, *local;
	struct sub *subs;

	memset(r, 0, sizeof(*r));
	r->g = g;
	r->graph_kind = graph_kind;
	r->mask = mask;
	if (!strcmp(graph_kind, "managers")) {
		r->strict_label = "creation-time";
		r->loose_label = "runtime";
	} else {
		r->strict_label = "import-time";
		r->loose_label = "deferred";
	}
	graph_sccs(g, mask, &r->set);
	if (!r->set.n)
		return;
	if (strict_mask) {
		/* Strict edges must also be in the mask. */
		unsigned char *both = xcalloc((size_t)g->nedges + 1, 1);
		for (int e = 0; e < g->nedges; e++)
			both[e] = (!mask || mask[e]) && strict_mask[e];
		graph_sccs(g, both, &strict);
		free(both);
	}
	graph_cut(g, mask, &cut, &ncut);
	r->n = r->set.n;
	r->items = xcalloc((size_t)r->n, sizeof(*r->items));
	/* The masked edges inside each SCC, bucketed by SCC (in edge order). */
	estart = xcalloc((size_t)r->n + 2, sizeof(int));
	for (int e = 0; e < g->nedges; e++) {
		int c = r->set.comp[g->edges[e].from];
		if ((!mask || mask[e]) && c >= 0 && c == r->set.comp[g->edges[e].to])
			estart[c + 2]++;
	}
	for (int c = 0; c < r->n; c++)
		estart[c + 2] += estart[c + 1];
	ebuf = xcalloc((size_t)estart[r->n + 1] + 1, sizeof(int));
	for (int e = 0; e < g->nedges; e++) {
		int c = r->set.comp[g->edges[e].from];
		if ((!mask || mask[e]) && c >= 0 && c == r->set.comp[g->edges[e].to])
			ebuf[estart[c + 1]++] = e;
	}
	local = xcalloc((size_t)g->nnodes + 1, sizeof(int));
	subs = xcalloc((size_t)r->n + 1, sizeof(*subs));
	for (int i = 0; i < r->n; i++) {
		struct cycle_scc *it = &r->items[i];
		const struct scc *sc = &r->set.sccs[i];
		struct strbuf sb = STRBUF_INIT;
		struct scc_set one = {0};
		it->scc = i;
		sub_build(&subs[i], g, sc, local, ebuf + estart[i], estart[i + 1] - estart[i]);
		graph_sccs(subs[i].g, NULL, &one);
		if (one.n == 1 &&
		    graph_scc_cycle(subs[i].g, NULL, &one, 0, &it->cycle, &it->ncycle) == 0)
			sub_map(&subs[i], it->cycle, it->ncycle);
		scc_set_release(&one);
		if (strict_mask)
			for (int k = 0; k < sc->n && !it->strict; k++)
				it->strict = strict.comp[sc->nodes[k]] >= 0;
		else
			it->strict = 1;
		sb_init(&sb);
		for (int k = 0; k < sc->n; k++) {
			sb_adds(&sb, g->nodes[sc->nodes[k]].id);
			sb_addc(&sb, '\n');
		}
		snprintf(it->fingerprint, sizeof(it->fingerprint), "%016llx",
			 (unsigned long long)hash64(sb.buf, sb.len));
		sb_release(&sb);
	}
	/* Distribute the cut edges to their SCCs (both ends lie in one SCC). */
	qsort(cut, (size_t)ncut, sizeof(int), cmp_int);
	for (int k = 0; k < ncut; k++) {
		int e = cut[k];
		int c = r->set.comp[g->edges[e].from];
		struct cycle_scc *it;
		if (c < 0)
			continue;
		it = &r->items[c];
		it->cuts = xrealloc(it->cuts, sizeof(*it->cuts) * (size_t)(it->ncuts + 1));
		memset(&it->cuts[it->ncuts], 0, sizeof(it->cuts[0]));
		it->cuts[it->ncuts].edge = e;
		it->cuts[it->ncuts].count = graph_pair_count(g, mask, e);
		{
			struct cycle_cut *cc = &it->cuts[it->ncuts];
			int se = sub_edge(&subs[c], e);
			if (se >= 0 && work > CUT_CYCLES_BUDGET) {
				nbare++;
			} else if (se >= 0) {
				work += subs[c].g->nnodes + subs[c].g->nedges;
				if (graph_cycle_through(subs[c].g, NULL, se, &cc->cycle, &cc->ncycle) == 0)
					sub_map(&subs[c], cc->cycle, cc->ncycle);
			}
		}
		it->ncuts++;
	}
	if (nbare)
		diag_warn(NULL, 0, 0,
			  "%s cycles too dense: no shortest cycle shown for %d of the %d edges to cut",
			  graph_kind, nbare, ncut);
	free(cut);
	for (int i = 0; i < r->n; i++)
		sub_release(&subs[i]);
	free(subs);
	free(local);
	free(ebuf);
	free(estart);
	if (strict_mask)
		scc_set_release(&strict);
}

void cycles_release(struct cycle_report *r)
{
	for (int i = 0; i < r->n; i++) {
		for (int k = 0; k < r->items[i].ncuts; k++)
			free(r->items[i].cuts[k].cycle);
		free(r->items[i].cuts);
		free(r->items[i].cycle);
	}
	free(r->items);
	scc_set_release(&r->set);
	memset(r, 0, sizeof(*r));
}

const char *cycles_label(const struct cycle_report *r, int i)
{
	return r->items[i].strict ? r->strict_label : r->loose_label;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *edge_json(const struct graph *g, int e)
{
	const struct gedge *ed = &g->edges[e];
	json_t *o = json_object();
	json_object_set_new(o, "from", json_string(g->nodes[ed->from].id));
	json_object_set_new(o, "to", json_string(g->nodes[ed->to].id));
	json_object_set_new(o, "kind", str_or_null(ed->kind));
	json_object_set_new(o, "file", str_or_null(ed->file));
	json_object_set_new(o, "line", json_integer(ed->line));
	json_object_set_new(o, "scope", json_string(scope_name(ed->scope)));
	if (ed->text)
		json_object_set_new(o, "text", json_string(ed->text));
	if (ed->how)
		json_object_set_new(o, "how", json_string(ed->how));
	if (ed->tus)
		json_object_set_new(o, "tus", json_string(ed->tus));
	return o;
}

json_t *cycles_scc_json(const struct cycle_report *r, int i)
{
	const struct graph *g = r->g;
	const struct cycle_scc *it = &r->items[i];
	const struct scc *sc = &r->set.sccs[it->scc];
	json_t *o = json_object(), *nodes = json_array(), *cyc = json_array(),
	       *edges = json_array(), *cut = json_array();
	for (int k = 0; k < sc->n; k++)
		json_array_append_new(nodes, json_string(g->nodes[sc->nodes[k]].id));
	for (int k = 0; k < it->ncycle; k++) {
		json_array_append_new(cyc, json_string(g->nodes[g->edges[it->cycle[k]].from].id));
		json_array_append_new(edges, edge_json(g, it->cycle[k]));
	}
	if (it->ncycle)
		json_array_append_new(cyc, json_string(g->nodes[g->edges[it->cycle[0]].from].id));
	for (int k = 0; k < it->ncuts; k++) {
		json_t *ce = edge_json(g, it->cuts[k].edge);
		json_object_set_new(ce, "count", json_integer(it->cuts[k].count));
		json_array_append_new(cut, ce);
	}
	json_object_set_new(o, "graph", json_string(r->graph_kind));
	json_object_set_new(o, "nodes", nodes);
	json_object_set_new(o, "cycle", cyc);
	json_object_set_new(o, "edges", edges);
	json_object_set_new(o, "cut", cut);
	json_object_set_new(o, "label", json_string(cycles_label(r, i)));
	json_object_set_new(o, "fingerprint", json_string(it->fingerprint));
	return o;
}

static void print_chain(FILE *f, const struct graph *g, const int *cycle, int n)
{
	for (int k = 0; k < n; k++) {
		const struct gedge *e = &g->edges[cycle[k]];
		fprintf(f, "        %s -> %s\n", g->nodes[e->from].id, g->nodes[e->to].id);
		fprintf(f, "          %s:%d: %s", e->file ? e->file : "?", e->line,
			e->text ? e->text : (e->how ? e->how : e->kind));
		if (e->scope != SCOPE_MODULE && (!strcmp(e->kind, "import") || !strcmp(e->kind, "include")))
			fprintf(f, "  [%s]", scope_name(e->scope));
		fputc('\n', f);
	}
}

void cycles_print_text(FILE *f, const struct cycle_report *r)
{
	const struct graph *g = r->g;
	const char *unit = !strcmp(r->graph_kind, "managers") ? "managers" : "modules";
	for (int i = 0; i < r->n; i++) {
		const struct cycle_scc *it = &r->items[i];
		const struct scc *sc = &r->set.sccs[it->scc];
		fprintf(f, "%s cycle %d: %d %s, %s\n", r->graph_kind, i + 1, sc->n, unit,
			cycles_label(r, i));
		fprintf(f, "  members:");
		for (int k = 0; k < sc->n; k++)
			fprintf(f, "%s %s", k ? "," : "", g->nodes[sc->nodes[k]].id);
		fputc('\n', f);
		fprintf(f, "  cut %d edge%s to break it:\n", it->ncuts, it->ncuts == 1 ? "" : "s");
		for (int k = 0; k < it->ncuts; k++) {
			const struct gedge *e = &g->edges[it->cuts[k].edge];
			const char *what = !strcmp(r->graph_kind, "managers") ? "reference"
					   : !strcmp(e->kind, "include")      ? "include"
									       : "import";
			fprintf(f, "    %s -> %s (%d %s%s)\n", g->nodes[e->from].id, g->nodes[e->to].id,
				it->cuts[k].count, what, it->cuts[k].count == 1 ? "" : "s");
			if (it->cuts[k].ncycle)
				fprintf(f, "      shortest cycle through it:\n");
			print_chain(f, g, it->cuts[k].cycle, it->cuts[k].ncycle);
		}
		fputc('\n', f);
	}
}

/* Run Johnson's enumeration and hand each cycle to fn. Returns truncated. */
static int each_cycle(const struct cycle_report *r, int max,
		      void (*fn)(const struct cycle_report *, const int *, int, void *), void *arg)
{
	int **cyc = NULL, *lens = NULL, truncated = 0;
	int n = graph_all_cycles(r->g, r->mask, max, &cyc, &lens, &truncated);
	for (int i = 0; i < n; i++)
		fn(r, cyc[i], lens[i], arg);
	graph_cycles_release(cyc, lens, n);
	return truncated;
}

static void add_cycle_json(const struct cycle_report *r, const int *cyc, int len, void *arg)
{
	json_t *o = json_object(), *ids = json_array(), *edges = json_array();
	for (int k = 0; k < len; k++) {
		json_array_append_new(ids, json_string(r->g->nodes[r->g->edges[cyc[k]].from].id));
		json_array_append_new(edges, edge_json(r->g, cyc[k]));
	}
	if (len)
		json_array_append_new(ids, json_string(r->g->nodes[r->g->edges[cyc[0]].from].id));
	json_object_set_new(o, "graph", json_string(r->graph_kind));
	json_object_set_new(o, "cycle", ids);
	json_object_set_new(o, "edges", edges);
	json_array_append_new(arg, o);
}

void cycles_all_json(const struct cycle_report *r, int max, json_t *arr, int *truncated)
{
	if (each_cycle(r, max, add_cycle_json, arr))
		*truncated = 1;
}

struct print_ctx {
	FILE *f;
	int n;
};

static void print_cycle(const struct cycle_report *r, const int *cyc, int len, void *arg)
{
	struct print_ctx *pc = arg;
	fprintf(pc->f, "  %d. ", ++pc->n);
	for (int k = 0; k < len; k++)
		fprintf(pc->f, "%s -> ", r->g->nodes[r->g->edges[cyc[k]].from].id);
	fprintf(pc->f, "%s\n", len ? r->g->nodes[r->g->edges[cyc[0]].from].id : "");
	print_chain(pc->f, r->g, cyc, len);
}

void cycles_print_all(FILE *f, const struct cycle_report *r, int max)
{
	struct print_ctx pc = {f, 0};
	fprintf(f, "all elementary %s cycles:\n", r->graph_kind);
	if (each_cycle(r, max, print_cycle, &pc))
		fprintf(f, "  (stopped at --max %d; there are more)\n", max);
	fputc('\n', f);
}
