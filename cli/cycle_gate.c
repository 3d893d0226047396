/* cycle_gate.c - see cycle_gate.h. */
#include "cycle_gate.h"
#include "cli.h"
#include "../analyzer/sarif.h"
#include "../analyzer/util.h"

#include <stdlib.h>
#include <string.h>

/*
 * Every cycle of report k into g->cur, with its members and the masked
 * edges inside it: the edges are bucketed by SCC in one pass, so this is
 * linear in the graph however many cycles there are.
 */
static void add_report(struct cycle_gate *g, int k)
{
	const struct cycle_report *r = g->reps[k];
	const struct graph *gr = r->g;
	int *start = xcalloc((size_t)r->set.n + 2, sizeof(int)), *bucket;
	const char **ids = NULL, **from, **to;
	int maxn = 1;

	for (int e = 0; e < gr->nedges; e++) {
		int c = r->set.comp[gr->edges[e].from];
		if ((!r->mask || r->mask[e]) && c >= 0 && c == r->set.comp[gr->edges[e].to])
			start[c + 2]++;
	}
	for (int c = 0; c < r->set.n; c++)
		start[c + 2] += start[c + 1];
	bucket = xcalloc((size_t)start[r->set.n + 1] + 1, sizeof(int));
	for (int e = 0; e < gr->nedges; e++) {
		int c = r->set.comp[gr->edges[e].from];
		if ((!r->mask || r->mask[e]) && c >= 0 && c == r->set.comp[gr->edges[e].to])
			bucket[start[c + 1]++] = e;
	}
	for (int c = 0; c < r->set.n; c++) {
		if (r->set.sccs[c].n > maxn)
			maxn = r->set.sccs[c].n;
		if (start[c + 1] - start[c] > maxn)
			maxn = start[c + 1] - start[c];
	}
	ids = xcalloc((size_t)maxn, sizeof(*ids));
	from = xcalloc((size_t)maxn, sizeof(*from));
	to = xcalloc((size_t)maxn, sizeof(*to));
	for (int i = 0; i < r->n; i++) {
		int c = r->items[i].scc, ne = 0;
		const struct scc *sc = &r->set.sccs[c];
		for (int m = 0; m < sc->n; m++)
			ids[m] = gr->nodes[sc->nodes[m]].id;
		for (int x = start[c]; x < start[c + 1]; x++, ne++) {
			from[ne] = gr->nodes[gr->edges[bucket[x]].from].id;
			to[ne] = gr->nodes[gr->edges[bucket[x]].to].id;
		}
		g->rep_of[g->cur.n] = k;
		g->item_of[g->cur.n] = i;
		baseline_add(&g->cur, r->graph_kind, ids, sc->n, from, to, ne);
	}
	free(ids);
	free(from);
	free(to);
	free(bucket);
	free(start);
}

int cycle_gate_init(struct cycle_gate *g, const struct cycle_report *const *reps, int nreps,
		    const char *baseline_file)
{
	int n = 0;
	memset(g, 0, sizeof(*g));
	g->reps = reps;
	g->nreps = nreps;
	baseline_init(&g->cur);
	baseline_init(&g->old);
	for (int k = 0; k < nreps; k++)
		n += reps[k]->n;
	g->rep_of = xcalloc((size_t)n + 1, sizeof(int));
	g->item_of = xcalloc((size_t)n + 1, sizeof(int));
	for (int k = 0; k < nreps; k++)
		add_report(g, k);
	if (!baseline_file)
		return 0;
	g->file = baseline_file;
	{
		struct baseline all;
		baseline_init(&all);
		if (baseline_read(&all, baseline_file) < 0) {
			baseline_release(&all);
			return -1;
		}
		/* Entries of kinds not analysed in this run are neither gone nor stale. */
		for (int e = 0; e < all.n; e++) {
			const struct baseline_entry *be = &all.entries[e];
			int analysed = 0;
			for (int k = 0; k < nreps && !analysed; k++)
				analysed = !strcmp(reps[k]->graph_kind, be->kind);
			if (analysed)
				baseline_add(&g->old, be->kind, (const char *const *)be->nodes, be->nnodes,
					     (const char *const *)be->from, (const char *const *)be->to,
					     be->nedges)->line = be->line;
		}
		baseline_release(&all);
	}
	baseline_compare(&g->old, &g->cur, &g->diff);
	return 0;
}

void cycle_gate_release(struct cycle_gate *g)
{
	if (g->file)
		baseline_diff_release(&g->diff);
	baseline_release(&g->cur);
	baseline_release(&g->old);
	free(g->rep_of);
	free(g->item_of);
	memset(g, 0, sizeof(*g));
}

static int entry_of(const struct cycle_gate *g, const struct cycle_report *r, int i)
{
	for (int k = 0; k < g->cur.n; k++)
		if (g->reps[g->rep_of[k]] == r && g->item_of[k] == i)
			return k;
	return -1;
}

enum baseline_state cycle_gate_state(const struct cycle_gate *g, const struct cycle_report *r,
				     int i)
{
	int k;
	if (!g->file || (k = entry_of(g, r, i)) < 0)
		return BASELINE_NEW;
	return g->diff.state[k];
}

int cycle_gate_status(const struct cycle_gate *g)
{
	if (g->file)
		return g->diff.nfail ? EXIT_FOUND : EXIT_CLEAN;
	return g->cur.n ? EXIT_FOUND : EXIT_CLEAN;
}

int cycle_gate_write(const struct cycle_gate *g, const char *path)
{
	return baseline_write(&g->cur, path);
}

static const char *member_word(const char *kind, int n)
{
	if (!strcmp(kind, "managers"))
		return n == 1 ? "manager" : "managers";
	return n == 1 ? "module" : "modules";
}

static void print_step(FILE *f, const struct graph *gr, int e, const struct baseline_entry *old)
{
	const struct gedge *ge = &gr->edges[e];
	const char *from = gr->nodes[ge->from].id, *to = gr->nodes[ge->to].id;
	fprintf(f, "    %s -> %s", from, to);
	if (old && !baseline_has_edge(old, from, to))
		fputs("   <- new", f);
	fprintf(f, "\n      %s:%d: %s", ge->file ? ge->file : "?", ge->line,
		ge->text ? ge->text : (ge->how ? ge->how : ge->kind));
	if (ge->scope != SCOPE_MODULE && !strcmp(ge->kind, "import"))
		fprintf(f, "  [%s]", scope_name(ge->scope));
	fputc('\n', f);
}

/* One failing cycle: what it is, why it fails, its path and new edges. */
static void print_failing(FILE *f, const struct cycle_gate *g, int k)
{
	const struct cycle_report *r = g->reps[g->rep_of[k]];
	int i = g->item_of[k];
	const struct cycle_scc *it = &r->items[i];
	const struct scc *sc = &r->set.sccs[it->scc];
	const struct baseline_entry *e = &g->cur.entries[k];
	const struct baseline_entry *old = g->diff.match[k] >= 0 ? &g->old.entries[g->diff.match[k]] : NULL;
	const char *what = strcmp(r->graph_kind, "managers") ? "import cycle" : "manager cycle";

	switch (g->diff.state[k]) {
	case BASELINE_GROWN:
		fprintf(f, "grown %s (%s): %d %s, the baseline had %d of them:", what,
			cycles_label(r, i), sc->n, member_word(r->graph_kind, sc->n),
			old ? old->nnodes : 0);
		for (int m = 0; m < e->nnodes; m++)
			if (!old || !baseline_has_node(old, e->nodes[m]))
				fprintf(f, " +%s", e->nodes[m]);
		fputc('\n', f);
		break;
	case BASELINE_NEW_EDGE:
		fprintf(f, "%s with a new edge (%s): %d %s\n", what, cycles_label(r, i), sc->n,
			member_word(r->graph_kind, sc->n));
		break;
	default:
		fprintf(f, "new %s (%s): %d %s\n", what, cycles_label(r, i), sc->n,
			member_word(r->graph_kind, sc->n));
	}
	fputs("  ", f);
	for (int m = 0; m < sc->n; m++)
		fprintf(f, "%s%s", m ? ", " : "", r->g->nodes[sc->nodes[m]].id);
	fprintf(f, "  [%s]\n", it->fingerprint);
	for (int s = 0; s < it->ncycle; s++)
		print_step(f, r->g, it->cycle[s], old);
	/* New edges the shortest cycle does not show. */
	if (old)
		for (int x = 0; x < r->g->nedges; x++) {
			const struct gedge *ge = &r->g->edges[x];
			int shown = 0;
			if ((r->mask && !r->mask[x]) || r->set.comp[ge->from] != it->scc ||
			    r->set.comp[ge->to] != it->scc ||
			    baseline_has_edge(old, r->g->nodes[ge->from].id, r->g->nodes[ge->to].id))
				continue;
			for (int s = 0; s < it->ncycle && !shown; s++) {
				const struct gedge *c = &r->g->edges[it->cycle[s]];
				shown = c->from == ge->from && c->to == ge->to;
			}
			if (!shown) {
				fputs("  new edge:\n", f);
				print_step(f, r->g, x, NULL);
			}
		}
	for (int c = 0; c < it->ncuts; c++) {
		const struct gedge *ge = &r->g->edges[it->cuts[c].edge];
		fprintf(f, "  suggested cut: %s -> %s (%s:%d)\n", r->g->nodes[ge->from].id,
			r->g->nodes[ge->to].id, ge->file ? ge->file : "?", ge->line);
	}
	fputc('\n', f);
}

void cycle_gate_print_text(FILE *f, const struct cycle_gate *g)
{
	int ok = 0;
	for (int k = 0; k < g->cur.n; k++)
		if (baseline_state_fails(g->diff.state[k]))
			print_failing(f, g, k);
		else
			ok++;
	for (int k = 0; k < g->diff.ngone; k++) {
		const struct baseline_entry *e = &g->old.entries[g->diff.gone[k]];
		fprintf(f, "gone: %s cycle %s (%s:%d):", strcmp(e->kind, "managers") ? "import" : "manager",
			e->fingerprint, g->file, e->line);
		for (int m = 0; m < e->nnodes; m++)
			fprintf(f, "%s %s", m ? "," : "", e->nodes[m]);
		fputc('\n', f);
	}
	fprintf(f, "%s: %d cycle%s, %d new or grown, %d recorded in %s",
		g->diff.nfail ? "cycles" : "cycles: ok", g->cur.n, g->cur.n == 1 ? "" : "s",
		g->diff.nfail, ok, g->file);
	if (g->diff.ngone)
		fprintf(f, ", %d gone", g->diff.ngone);
	fputc('\n', f);
	if (g->diff.nstale)
		fprintf(f, "%d baseline entr%s record%s more than is left (cycles that shrank or are "
			   "gone); shrink the baseline: unravel cycles --kind all --write-baseline %s\n",
			g->diff.nstale, g->diff.nstale == 1 ? "y" : "ies", g->diff.nstale == 1 ? "s" : "",
			g->file);
	if (g->diff.nfail)
		fprintf(f, "break the new cycles (see the suggested cuts), or accept them with "
			   "--write-baseline %s\n", g->file);
}

void cycle_gate_json(json_t *doc, const struct cycle_gate *g)
{
	json_t *news, *gone;
	if (!g->file)
		return;
	news = json_array();
	gone = json_array();
	for (int k = 0; k < g->cur.n; k++) {
		json_t *o;
		if (!baseline_state_fails(g->diff.state[k]))
			continue;
		o = cycles_scc_json(g->reps[g->rep_of[k]], g->item_of[k]);
		json_object_set_new(o, "baseline", json_string(baseline_state_name(g->diff.state[k])));
		json_array_append_new(news, o);
	}
	for (int k = 0; k < g->diff.ngone; k++) {
		const struct baseline_entry *e = &g->old.entries[g->diff.gone[k]];
		json_t *o = json_object(), *nodes = json_array(), *edges = json_array();
		for (int m = 0; m < e->nnodes; m++)
			json_array_append_new(nodes, json_string(e->nodes[m]));
		for (int m = 0; m < e->nedges; m++)
			json_array_append_new(edges, json_pack("{s:s, s:s}", "from", e->from[m], "to",
							       e->to[m]));
		json_object_set_new(o, "nodes", nodes);
		json_object_set_new(o, "cycle", json_array());
		json_object_set_new(o, "edges", edges);
		json_object_set_new(o, "graph", json_string(e->kind));
		json_object_set_new(o, "fingerprint", json_string(e->fingerprint));
		json_array_append_new(gone, o);
	}
	json_object_set_new(doc, "new", news);
	json_object_set_new(doc, "gone", gone);
	json_object_set_new(doc, "baseline", json_string(g->file));
}

static enum sarif_baseline sarif_state(enum baseline_state s)
{
	switch (s) {
	case BASELINE_UNCHANGED:
	case BASELINE_WITHIN: return SARIF_BASELINE_UNCHANGED;
	case BASELINE_GROWN:
	case BASELINE_NEW_EDGE: return SARIF_BASELINE_UPDATED;
	case BASELINE_NEW: return SARIF_BASELINE_NEW;
	}
	return SARIF_BASELINE_NEW;
}

void cycle_gate_sarif(FILE *f, const struct cycle_gate *g)
{
	struct sarif s;
	sarif_init(&s);
	sarif_rule(&s, "unravel/import-cycle", "ImportCycle", "import cycle",
		   "Modules that import each other, directly or through others (a strongly "
		   "connected component of the import graph). Import-time cycles break module "
		   "loading order; deferred ones (function-level or conditional imports) couple "
		   "the modules all the same. The code flow is a shortest cycle; the fingerprint "
		   "is stable across edits that keep the same members.",
		   "error");
	sarif_rule(&s, "unravel/manager-cycle", "ManagerCycle", "manager dependency cycle",
		   "Managers that need each other (constructor parameters, instantiations, "
		   "attributes reached through the host object). Creation-time cycles cannot be "
		   "built in any order without lazy wiring; runtime ones couple the managers.",
		   "error");
	for (int k = 0; k < g->cur.n; k++) {
		const struct cycle_report *r = g->reps[g->rep_of[k]];
		int i = g->item_of[k];
		const struct cycle_scc *it = &r->items[i];
		const struct scc *sc = &r->set.sccs[it->scc];
		int managers = !strcmp(r->graph_kind, "managers");
		struct strbuf msg = STRBUF_INIT;
		struct sarif_result *res;
		const struct gedge *first = it->ncycle ? &r->g->edges[it->cycle[0]] : NULL;

		sb_init(&msg);
		sb_addf(&msg, "%s %s cycle of %d %s: ", cycles_label(r, i), managers ? "manager" : "import",
			sc->n, member_word(r->graph_kind, sc->n));
		for (int s2 = 0; s2 < it->ncycle; s2++)
			sb_addf(&msg, "%s -> ", r->g->nodes[r->g->edges[it->cycle[s2]].from].id);
		if (first)
			sb_adds(&msg, r->g->nodes[first->from].id);
		if (it->ncuts) {
			const struct gedge *c = &r->g->edges[it->cuts[0].edge];
			sb_addf(&msg, "; suggested cut: %s -> %s (%s:%d)", r->g->nodes[c->from].id,
				r->g->nodes[c->to].id, c->file ? c->file : "?", c->line);
		}
		res = sarif_result(&s, managers ? "unravel/manager-cycle" : "unravel/import-cycle",
				   it->strict ? "error" : "warning", msg.buf);
		sb_release(&msg);
		if (first)
			sarif_result_location(res, first->file ? first->file : ".", first->line,
					      first->col, NULL);
		for (int s2 = 0; s2 < it->ncycle; s2++) {
			const struct gedge *ge = &r->g->edges[it->cycle[s2]];
			char *step = xstrfmt("%s -> %s", r->g->nodes[ge->from].id, r->g->nodes[ge->to].id);
			sarif_result_related(res, ge->file ? ge->file : ".", ge->line, ge->col, step);
			sarif_result_flow_step(res, ge->file ? ge->file : ".", ge->line, ge->col, step);
			free(step);
		}
		sarif_result_fingerprint(res, "unravelCycle/v1", it->fingerprint);
		sarif_result_property(res, "members", json_integer(sc->n));
		sarif_result_property(res, "label", json_string(cycles_label(r, i)));
		if (g->file)
			sarif_result_baseline(res, sarif_state(g->diff.state[k]));
	}
	for (int k = 0; g->file && k < g->diff.ngone; k++) {
		const struct baseline_entry *e = &g->old.entries[g->diff.gone[k]];
		int managers = !strcmp(e->kind, "managers");
		struct strbuf msg = STRBUF_INIT;
		struct sarif_result *res;
		sb_init(&msg);
		sb_addf(&msg, "%s cycle recorded in %s is gone:", managers ? "manager" : "import",
			g->file);
		for (int m = 0; m < e->nnodes; m++)
			sb_addf(&msg, "%s %s", m ? "," : "", e->nodes[m]);
		res = sarif_result(&s, managers ? "unravel/manager-cycle" : "unravel/import-cycle",
				   "note", msg.buf);
		sb_release(&msg);
		sarif_result_location(res, g->file, e->line, 0, NULL);
		sarif_result_fingerprint(res, "unravelCycle/v1", e->fingerprint);
		sarif_result_baseline(res, SARIF_BASELINE_ABSENT);
	}
	sarif_write(&s, f);
}
