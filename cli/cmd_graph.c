/* cmd_graph.c - `unravel graph --kind imports|managers [--format text|json|dot|svg] [-o FILE]`. */
#include "cli.h"
#include "project.h"
#include "../analyzer/cycles.h"
#include "../analyzer/render_dot.h"
#include "../analyzer/util.h"

#include <stdlib.h>
#include <string.h>

static json_t *nodes_json(const struct graph *g)
{
	json_t *a = json_array();
	for (int i = 0; i < g->nnodes; i++) {
		const struct gnode *n = &g->nodes[i];
		json_t *o = json_object();
		json_object_set_new(o, "id", json_string(n->id));
		json_object_set_new(o, "file", n->file ? json_string(n->file) : json_null());
		json_object_set_new(o, "lang", n->lang ? json_string(n->lang) : json_null());
		json_object_set_new(o, "category", n->category ? json_string(n->category) : json_null());
		if (n->line)
			json_object_set_new(o, "line", json_integer(n->line));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *edges_json(const struct graph *g)
{
	json_t *a = json_array();
	for (int e = 0; e < g->nedges; e++)
		json_array_append_new(a, edge_json(g, e));
	return a;
}

/* Manager-graph extras: order (layers), cut, host, registries, unresolved accesses. */
static void managers_json(json_t *doc, const struct manager_graph *mg)
{
	const struct graph *g = mg->g;
	json_t *order = json_array(), *cut = json_array(), *unres = json_array(),
	       *reg = json_array(), *names = json_object();
	for (int l = 0; l < mg->nlayers; l++) {
		json_t *layer = json_array();
		for (int i = 0; i < g->nnodes; i++)
			if (mg->layer_of[i] == l)
				json_array_append_new(layer, json_string(g->nodes[i].id));
		json_array_append_new(order, layer);
	}
	for (int k = 0; k < mg->ncut; k++)
		json_array_append_new(cut, edge_json(g, mg->cut[k]));
	for (int k = 0; k < mg->nunresolved; k++) {
		const struct unresolved_access *u = &mg->unresolved[k];
		json_t *o = json_object();
		json_object_set_new(o, "host", json_string(u->host));
		json_object_set_new(o, "attr", json_string(u->attr));
		json_object_set_new(o, "file", json_string(u->file));
		json_object_set_new(o, "line", json_integer(u->line));
		json_array_append_new(unres, o);
	}
	for (int k = 0; k < mg->nregistry; k++) {
		const struct registry_entry *r = &mg->registry[k];
		json_t *o = json_object();
		json_object_set_new(o, "key", json_string(r->key));
		json_object_set_new(o, "class", json_string(r->cls));
		json_object_set_new(o, "file", json_string(r->file));
		json_object_set_new(o, "line", json_integer(r->line));
		json_array_append_new(reg, o);
	}
	for (int i = 0; i < mg->nmanagers; i++)
		json_object_set_new(names, g->nodes[i].id, json_string(mg->managers[i].name));
	json_object_set_new(doc, "order", order);
	json_object_set_new(doc, "cut", cut);
	json_object_set_new(doc, "names", names);
	json_object_set_new(doc, "unresolved", unres);
	json_object_set_new(doc, "registries", reg);
	if (mg->host_class) {
		json_t *h = json_object();
		json_object_set_new(h, "class", json_string(mg->host_class));
		json_object_set_new(h, "module", mg->host_module ? json_string(mg->host_module) : json_null());
		json_object_set_new(h, "file", mg->host_file ? json_string(mg->host_file) : json_null());
		json_object_set_new(h, "line", json_integer(mg->host_line));
		json_object_set_new(doc, "host", h);
	} else {
		json_object_set_new(doc, "host", json_null());
	}
}

static void print_text(FILE *f, const struct graph *g, const char *kind, const struct project *p,
		       const struct manager_graph *mg)
{
	fprintf(f, "%s graph: %d nodes, %d edges", kind, g->nnodes, g->nedges);
	if (!strcmp(kind, "imports") && p->mi.nroots) {
		fprintf(f, "; roots:");
		for (int i = 0; i < p->mi.nroots; i++)
			fprintf(f, " %s", p->mi.roots[i]);
	}
	fputc('\n', f);
	for (int i = 0; i < g->nnodes; i++) {
		const struct gnode *n = &g->nodes[i];
		if (n->external)
			continue;
		fprintf(f, "%s", n->id);
		if (n->file)
			fprintf(f, "  (%s%s%.0d)", n->file, n->line ? ":" : "", n->line);
		if (mg && mg->managers[i].name)
			fprintf(f, "  name=%s", mg->managers[i].name);
		fputc('\n', f);
		for (int e = 0; e < g->nedges; e++) {
			const struct gedge *ed = &g->edges[e];
			if (ed->from != i)
				continue;
			fprintf(f, "    -> %s  %s:%d  %s", g->nodes[ed->to].id, ed->file ? ed->file : "?",
				ed->line, ed->kind);
			if (ed->scope != SCOPE_MODULE && !mg)
				fprintf(f, " [%s]", scope_name(ed->scope));
			if (ed->how)
				fprintf(f, "  (%s)", ed->how);
			fputc('\n', f);
		}
	}
	if (mg) {
		fprintf(f, "\ncreation order (%d layers):\n", mg->nlayers);
		for (int l = 0; l < mg->nlayers; l++) {
			fprintf(f, "  %d:", l);
			for (int i = 0; i < g->nnodes; i++)
				if (mg->layer_of[i] == l)
					fprintf(f, " %s", g->nodes[i].id);
			fputc('\n', f);
		}
		if (mg->ncut) {
			fprintf(f, "cut (edges whose removal leaves the graph acyclic):\n");
			for (int k = 0; k < mg->ncut; k++) {
				const struct gedge *ed = &g->edges[mg->cut[k]];
				fprintf(f, "  %s -> %s  %s:%d  %s\n", g->nodes[ed->from].id,
					g->nodes[ed->to].id, ed->file ? ed->file : "?", ed->line, ed->kind);
			}
		}
		if (mg->nunresolved) {
			fprintf(f, "host attributes that resolve to no manager:\n");
			for (int k = 0; k < mg->nunresolved; k++)
				fprintf(f, "  %s:%d: %s.%s\n", mg->unresolved[k].file,
					mg->unresolved[k].line, mg->unresolved[k].host,
					mg->unresolved[k].attr);
		}
	}
}

int cmd_graph(struct options *o)
{
	static const char *const formats[] = {"text", "json", "dot", "svg", NULL};
	struct project p;
	const char *kind = o->kind ? o->kind : "imports";
	struct graph *g;
	struct manager_graph *mg = NULL;
	unsigned char *mask = NULL;
	FILE *out;
	int rc = EXIT_CLEAN;

	if (check_format(o, formats) < 0)
		return EXIT_FATAL;
	if (strcmp(kind, "imports") && strcmp(kind, "managers"))
		return usage_error(o, "--kind must be imports or managers, not '%s'", kind);
	o->scan.skip_tokens = 1; /* no clone tokens needed */
	o->scan.skip_refs = !strcmp(kind, "imports");
	o->scan.c_skip_bodies = !strcmp(kind, "imports"); /* C: only #include edges needed */
	if (project_load(&p, o) < 0)
		return EXIT_FATAL;
	if (!strcmp(kind, "managers")) {
		mg = project_managers(&p);
		if (!mg) {
			project_release(&p);
			return EXIT_FATAL;
		}
		g = mg->g;
	} else {
		g = project_imports(&p);
		mask = project_import_mask(&p);
	}
	out = open_output(o);
	if (format_is(o, "json")) {
		json_t *doc = json_doc("graph");
		json_object_set_new(doc, "kind", json_string(kind));
		json_object_set_new(doc, "roots", project_roots_json(&p));
		json_object_set_new(doc, "nodes", nodes_json(g));
		json_object_set_new(doc, "edges", edges_json(g));
		if (mg)
			managers_json(doc, mg);
		json_emit(doc, out);
	} else if (format_is(o, "dot") || format_is(o, "svg")) {
		struct dot_options dopt;
		char *note = NULL;
		dot_options_init(&dopt);
		dopt.mask = mask;
		dopt.depth = o->depth;
		dopt.condense = o->condense;
		dopt.title = kind;
		if ((format_is(o, "dot") ? render_dot(out, g, &dopt, &note)
					 : render_svg(out, g, &dopt, &note)) < 0)
			rc = EXIT_FATAL;
		if (note && !o->scan.quiet)
			fprintf(stderr, "unravel: note: %s\n", note);
		free(note);
	} else {
		print_text(out, g, kind, &p, mg);
	}
	if (close_output(o, out) < 0)
		rc = EXIT_FATAL;
	free(mask);
	project_release(&p);
	return rc;
}
