/*
 * cmd_report.c - `unravel report -o report.html`: every analysis on one
 * self-contained page, for people: inline CSS and SVG, no script, no font,
 * nothing fetched. Sections: summary, inventory, import graph, import
 * cycles, manager graph and creation order, manager cycles, duplicate
 * code, verify findings.
 *
 * Graphs are drawn by render_dot.c (libgvc), condensed above its threshold
 * (each cycle collapsed, then packages); every cycle then gets its own
 * drawing of just its members, so nothing in a cycle is ever hidden by the
 * condensing. Long lists are capped (the page says how many are left out);
 * `unravel cycles|dups|verify --format json` give everything.
 */
#include "cli.h"
#include "project.h"
#include "../analyzer/cycles.h"
#include "../analyzer/dups.h"
#include "../analyzer/importgraph.h"
#include "../analyzer/render_dot.h"
#include "../analyzer/util.h"
#include "../analyzer/verify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_CYCLES 200      /* cycle blocks per graph kind */
#define MAX_CYCLE_SVG 60    /* members above which a cycle gets no drawing of its own */
#define MAX_DUP_GROUPS 100
#define MAX_FINDINGS 500
#define MAX_COMPONENTS 400  /* per category */

static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* "file:line" as text (escaped). */
static void loc(FILE *f, const char *file, int line)
{
	fputs("<span class=\"loc\">", f);
	esc(f, file ? file : "?");
	if (line > 0)
		fprintf(f, ":%d", line);
	fputs("</span>", f);
}

static const char css[] =
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d232b;"
	"background:#f6f7f9}"
	"header{background:#1d2b3a;color:#fff;padding:18px 32px}header h1{margin:0;font-size:22px}"
	"header p{margin:4px 0 0;color:#b9c6d3}"
	"nav{background:#fff;border-bottom:1px solid #dde2e8;padding:8px 32px;position:sticky;top:0}"
	"nav a{margin-right:18px;color:#2a5d9f;text-decoration:none}"
	"main{padding:8px 32px 40px;max-width:1400px}"
	"section{background:#fff;border:1px solid #dde2e8;border-radius:6px;padding:12px 20px;"
	"margin:18px 0}"
	"h2{font-size:18px;margin:6px 0 10px}h3{font-size:15px;margin:14px 0 6px}"
	".cards{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0}"
	".card{border:1px solid #dde2e8;border-radius:6px;padding:8px 14px;min-width:120px;background:#fbfcfd}"
	".card b{display:block;font-size:22px}.card.bad b{color:#b3261e}.card.ok b{color:#1e7b34}"
	"table{border-collapse:collapse;margin:6px 0}td,th{border-bottom:1px solid #eceff3;"
	"padding:3px 10px 3px 0;text-align:left;vertical-align:top}th{color:#5b6673;font-weight:600}"
	".loc,code{font:12.5px/1.4 ui-monospace,'DejaVu Sans Mono',monospace}"
	".loc{color:#5b6673}code{background:#f1f3f6;padding:0 3px;border-radius:3px}"
	".cycle{border-left:4px solid #d05a4e;padding:4px 12px;margin:12px 0;background:#fffafa}"
	".cycle.loose{border-left-color:#e0a33a;background:#fffdf7}"
	".tag{display:inline-block;font-size:11.5px;padding:0 6px;border-radius:8px;"
	"background:#f4d7d4;color:#8c1d16;margin-left:6px}.loose .tag{background:#f8e8c6;color:#7a5200}"
	"ol.chain{margin:4px 0;padding-left:22px}ol.chain li{margin:2px 0}"
	".cut{color:#8c1d16}.muted{color:#5b6673}"
	".svg{overflow:auto;border:1px solid #eceff3;border-radius:4px;margin:8px 0;background:#fff;"
	"max-height:900px}.svg svg{max-width:none}"
	"details summary{cursor:pointer;color:#2a5d9f}";

/* Lay out g with render_svg() and copy the <svg> element into f. */
static void svg(FILE *f, const struct graph *g, const struct dot_options *opt)
{
	char *buf = NULL, *note = NULL;
	size_t len = 0;
	FILE *m;
	const char *start;
	char *why = render_svg_too_large(g, opt);
	int rc;

	if (why) {
		/* the page says why, and the rest of the report is still written */
		fputs("<p class=\"muted\">(not drawn: ", f);
		esc(f, why);
		fputs(")</p>\n", f);
		free(why);
		return;
	}
	m = open_memstream(&buf, &len);
	if (!m)
		die("out of memory");
	rc = render_svg(m, g, opt, &note);
	fclose(m);
	start = buf ? strstr(buf, "<svg") : NULL;
	if (rc < 0 || !start) {
		fputs("<p class=\"muted\">(graphviz could not draw this graph)</p>\n", f);
	} else {
		if (note) {
			fputs("<p class=\"muted\">", f);
			esc(f, note);
			fputs("</p>\n", f);
		}
		/* Graphviz's comments name the tool; the XML prolog has no place inline. */
		fputs("<div class=\"svg\">", f);
		fputs(start, f);
		fputs("</div>\n", f);
	}
	free(note);
	free(buf);
}

/* The subgraph of g made of one SCC's members and the masked edges between them. */
static struct graph *scc_graph(const struct graph *g, const unsigned char *mask,
			       const struct scc *sc)
{
	struct graph *sub = graph_new();
	int *map = xcalloc((size_t)g->nnodes + 1, sizeof(*map));
	for (int i = 0; i < g->nnodes; i++)
		map[i] = -1;
	for (int k = 0; k < sc->n; k++) {
		const struct gnode *n = &g->nodes[sc->nodes[k]];
		int id = graph_node(sub, n->id, 1);
		sub->nodes[id].file = graph_intern(sub, n->file);
		sub->nodes[id].lang = graph_intern(sub, n->lang);
		sub->nodes[id].category = graph_intern(sub, n->category);
		sub->nodes[id].line = n->line;
		map[sc->nodes[k]] = id;
	}
	for (int e = 0; e < g->nedges; e++) {
		struct gedge ge = g->edges[e];
		if ((mask && !mask[e]) || map[ge.from] < 0 || map[ge.to] < 0)
			continue;
		ge.from = map[ge.from];
		ge.to = map[ge.to];
		graph_add_edge(sub, &ge);
	}
	graph_sort(sub);
	free(map);
	return sub;
}

static void edge_step(FILE *f, const struct graph *g, int e)
{
	const struct gedge *ge = &g->edges[e];
	fputs("<code>", f);
	esc(f, g->nodes[ge->from].id);
	fputs("</code> &rarr; <code>", f);
	esc(f, g->nodes[ge->to].id);
	fputs("</code> ", f);
	loc(f, ge->file, ge->line);
	if (ge->text || ge->how) {
		fputs(" <span class=\"muted\">", f);
		esc(f, ge->text ? ge->text : ge->how);
		fputs("</span>", f);
	}
	if (ge->scope != SCOPE_MODULE && !strcmp(ge->kind, "import")) {
		fputs(" <span class=\"tag\">", f);
		esc(f, scope_name(ge->scope));
		fputs("</span>", f);
	} else if (strcmp(ge->kind, "import") && strcmp(ge->kind, "include")) {
		fputs(" <span class=\"tag\">", f);
		esc(f, ge->kind);
		fputs("</span>", f);
	}
}

static void cycles_section(FILE *f, const struct cycle_report *r, const char *anchor,
			   const char *title)
{
	fprintf(f, "<section id=\"%s\"><h2>%s</h2>\n", anchor, title);
	if (!r->n) {
		fputs("<p>No cycles.</p></section>\n", f);
		return;
	}
	fprintf(f, "<p>%d cycle%s (strongly connected component%s). Each shows a shortest cycle "
		   "with the statement behind every step, and the suggested cut: the edges whose "
		   "removal leaves the graph acyclic.</p>\n",
		r->n, r->n == 1 ? "" : "s", r->n == 1 ? "" : "s");
	for (int i = 0; i < r->n && i < MAX_CYCLES; i++) {
		const struct cycle_scc *it = &r->items[i];
		const struct scc *sc = &r->set.sccs[it->scc];
		fprintf(f, "<div class=\"cycle%s\"><h3>%d. %d member%s<span class=\"tag\">",
			it->strict ? "" : " loose", i + 1, sc->n, sc->n == 1 ? "" : "s");
		esc(f, cycles_label(r, i));
		fputs("</span> <span class=\"muted\">fingerprint ", f);
		esc(f, it->fingerprint);
		fputs("</span></h3>\n<p>", f);
		for (int k = 0; k < sc->n; k++) {
			fputs(k ? ", <code>" : "<code>", f);
			esc(f, r->g->nodes[sc->nodes[k]].id);
			fputs("</code>", f);
		}
		fputs("</p>\n<ol class=\"chain\">\n", f);
		for (int k = 0; k < it->ncycle; k++) {
			fputs("<li>", f);
			edge_step(f, r->g, it->cycle[k]);
			fputs("</li>\n", f);
		}
		fputs("</ol>\n", f);
		if (it->ncuts) {
			fprintf(f, "<p><b>Suggested cut</b> (%s):</p><ul>\n",
				strcmp(r->graph_kind, "managers")
					? "remove these imports, move them into functions, or invert them"
					: "pass these dependencies later, through the event bus or a "
					  "factory, instead of at creation");
			for (int k = 0; k < it->ncuts; k++) {
				fputs("<li class=\"cut\">", f);
				edge_step(f, r->g, it->cuts[k].edge);
				if (it->cuts[k].count > 1)
					fprintf(f, " <span class=\"muted\">(%d statements)</span>",
						it->cuts[k].count);
				fputs("</li>\n", f);
			}
			fputs("</ul>\n", f);
		}
		if (sc->n <= MAX_CYCLE_SVG) {
			struct graph *sub = scc_graph(r->g, r->mask, sc);
			struct dot_options opt;
			dot_options_init(&opt);
			opt.condense = 0;
			opt.title = r->graph_kind;
			svg(f, sub, &opt);
			graph_free(sub);
		}
		fputs("</div>\n", f);
	}
	if (r->n > MAX_CYCLES)
		fprintf(f, "<p class=\"muted\">%d more cycles not shown (see <code>unravel cycles "
			   "--format json</code>).</p>\n", r->n - MAX_CYCLES);
	fputs("</section>\n", f);
}

static void card(FILE *f, const char *label, long n, int bad_when_nonzero)
{
	fprintf(f, "<div class=\"card%s\"><b>%ld</b>", !bad_when_nonzero ? "" : n ? " bad" : " ok",
		n);
	esc(f, label);
	fputs("</div>\n", f);
}

static void inventory_section(FILE *f, const struct project *p, const struct manager_graph *mg)
{
	fputs("<section id=\"inventory\"><h2>Inventory</h2>\n<table><tr><th>language</th>"
	      "<th>files</th></tr>\n", f);
	for (int l = 0; l < LANG__COUNT; l++) {
		size_t n = scan_count_lang(&p->scan, (enum lang)l);
		if (n)
			fprintf(f, "<tr><td>%s</td><td>%zu</td></tr>\n", lang_name((enum lang)l), n);
	}
	fputs("</table>\n", f);
	if (p->mi.nroots) {
		fputs("<p>Python import roots: ", f);
		for (int i = 0; i < p->mi.nroots; i++) {
			fputs(i ? ", <code>" : "<code>", f);
			esc(f, p->mi.roots[i]);
			fputs("</code>", f);
		}
		fputs("</p>\n", f);
	}
	if (!mg) {
		fputs("</section>\n", f);
		return;
	}
	for (int c = 0; c < CAT__COUNT; c++) {
		int n = 0, shown = 0;
		for (int i = 0; i < mg->ncomponents; i++)
			n += !!(mg->components[i].categories & (1u << c));
		if (!n)
			continue;
		fprintf(f, "<details%s><summary><b>%s</b>: %d</summary><table>\n",
			c == CAT_MANAGER ? " open" : "", category_name((enum category)c), n);
		for (int i = 0; i < mg->ncomponents && shown < MAX_COMPONENTS; i++) {
			const struct component *cp = &mg->components[i];
			if (!(cp->categories & (1u << c)))
				continue;
			fputs("<tr><td><code>", f);
			esc(f, cp->name);
			fputs("</code></td><td>", f);
			loc(f, cp->file, cp->line);
			fputs("</td></tr>\n", f);
			shown++;
		}
		fputs("</table>", f);
		if (n > shown)
			fprintf(f, "<p class=\"muted\">%d more</p>", n - shown);
		fputs("</details>\n", f);
	}
	fputs("</section>\n", f);
}

static void order_list(FILE *f, const struct manager_graph *mg)
{
	if (!mg->g->nnodes)
		return;
	fputs("<h3>Creation order</h3><p class=\"muted\">Every manager comes after what it needs at "
	      "creation time (constructor parameters, instantiations); the cut edges are left "
	      "out.</p><ol>\n", f);
	for (int l = 0; l < mg->nlayers; l++) {
		int first = 1;
		fputs("<li>", f);
		for (int i = 0; i < mg->g->nnodes; i++) {
			if (mg->layer_of[i] != l)
				continue;
			fputs(first ? "<code>" : ", <code>", f);
			esc(f, mg->g->nodes[i].id);
			fputs("</code>", f);
			first = 0;
		}
		fputs("</li>\n", f);
	}
	fputs("</ol>\n", f);
}

/* The module names the report's index already holds. */
static const char *const *known_modules(void *arg)
{
	return arg;
}

static void dups_section(FILE *f, struct project *p)
{
	struct dup_options opt;
	struct dup_result r;
	size_t shown = 0;

	dup_options_init(&opt);
	{
		long mt = config_get_long(&p->o->config, "unravel:dups", "min-tokens", -1);
		if (p->o->min_tokens > 0)
			opt.min_tokens = p->o->min_tokens;
		else if (mt > 0)
			opt.min_tokens = (int)mt;
	}
	opt.modules = known_modules;
	opt.modules_arg = (void *)p->mi.module_of;
	dups_find(&r, p->scan.files, p->scan.nfiles, &opt);
	fputs("<section id=\"dups\"><h2>Duplicate code</h2>\n", f);
	if (!r.ngroups) {
		fprintf(f, "<p>No duplicates of %d tokens or more.</p></section>\n", opt.min_tokens);
		dups_release(&r);
		return;
	}
	fprintf(f, "<p>%zu group%s (clones of at least %d tokens, and families of similar "
		   "helpers), largest saving first.</p>\n<table><tr><th>#</th><th>kind</th>"
		   "<th>size</th><th>members</th></tr>\n",
		r.ngroups, r.ngroups == 1 ? "" : "s", opt.min_tokens);
	for (size_t i = 0; i < r.ngroups && shown < MAX_DUP_GROUPS; i++, shown++) {
		const struct dup_group *g = &r.groups[i];
		fprintf(f, "<tr><td>%zu</td><td>", i + 1);
		if (g->kind == DUP_CLONE)
			fprintf(f, "clone, type %d", g->type);
		else {
			fputs("family <code>", f);
			esc(f, g->name ? g->name : "?");
			fprintf(f, "</code>, %d%% similar", g->similarity);
		}
		if (g->allowed)
			fputs(" <span class=\"muted\">(allowed)</span>", f);
		fprintf(f, "</td><td>%zu tokens, %d lines</td><td>", g->tokens, g->lines);
		for (size_t k = 0; k < g->nmembers; k++) {
			const struct dup_member *m = &g->members[k];
			if (k)
				fputs("<br>", f);
			fputs("<span class=\"loc\">", f);
			esc(f, m->path);
			fprintf(f, ":%d-%d</span>", m->start_line, m->end_line);
			if (m->function) {
				fputs(" <code>", f);
				esc(f, m->function);
				fputs("</code>", f);
			}
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	if (r.ngroups > shown)
		fprintf(f, "<p class=\"muted\">%zu more groups (see <code>unravel dups --format "
			   "json</code>).</p>\n", r.ngroups - shown);
	fputs("</section>\n", f);
	dups_release(&r);
}

static void verify_section(FILE *f, const struct verify_result *r)
{
	fputs("<section id=\"verify\"><h2>Verify findings</h2>\n", f);
	if (!r->n) {
		fputs("<p>Clean: no placeholders, unresolved imports or cycles.</p></section>\n", f);
		return;
	}
	fprintf(f, "<p>%zu finding%s: %d placeholder, %d unresolved-import, %d cycle.</p>\n"
		   "<table><tr><th>where</th><th>rule</th><th>message</th></tr>\n",
		r->n, r->n == 1 ? "" : "s", r->counts[VERIFY_PLACEHOLDER],
		r->counts[VERIFY_UNRESOLVED_IMPORT], r->counts[VERIFY_CYCLE]);
	for (size_t i = 0; i < r->n && i < MAX_FINDINGS; i++) {
		const struct verify_finding *v = &r->v[i];
		fputs("<tr><td>", f);
		loc(f, v->file, v->line);
		fputs("</td><td>", f);
		esc(f, verify_rule_name(v->rule));
		fputs("</td><td>", f);
		esc(f, v->message);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	if (r->n > MAX_FINDINGS)
		fprintf(f, "<p class=\"muted\">%zu more (see <code>unravel verify --format "
			   "json</code>).</p>\n", r->n - MAX_FINDINGS);
	fputs("</section>\n", f);
}

int cmd_report(struct options *o)
{
	struct project p;
	struct graph *ig;
	struct manager_graph *mg;
	unsigned char *imask, *istrict;
	struct cycle_report ir, mr;
	struct verify_result vr;
	struct dot_options opt;
	FILE *f;
	int rc = EXIT_CLEAN, have_verify;
	long nedges_mod = 0;

	if (!o->output)
		return usage_error(o, "report needs -o FILE (the HTML page to write)");
	if (o->format && !format_is(o, "html"))
		return usage_error(o, "--format must be html, not '%s'", o->format);
	if (project_load(&p, o) < 0) {
		project_release(&p);
		return EXIT_FATAL;
	}
	ig = project_imports(&p);
	imask = project_import_mask(&p);
	istrict = import_cycle_mask(ig, 0, 1);
	cycles_analyze(&ir, ig, "imports", imask, istrict);
	mg = project_managers(&p);
	if (mg)
		cycles_analyze(&mr, mg->g, "managers", NULL, mg->creation_mask);
	have_verify = verify_run(&vr, &p.scan, &p.mi, &o->config) == 0;
	for (int e = 0; e < ig->nedges; e++)
		nedges_mod += !imask || imask[e];

	f = open_output(o);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"unravel " UNRAVEL_VERSION "\">\n<title>unravel report: ",
	      f);
	for (int i = 0; i < o->scan.npaths; i++) {
		if (i)
			fputs(", ", f);
		esc(f, o->scan.paths[i]);
	}
	fprintf(f, "</title>\n<style>%s</style></head><body>\n<header><h1>unravel report</h1><p>",
		css);
	for (int i = 0; i < o->scan.npaths; i++) {
		if (i)
			fputs(", ", f);
		esc(f, o->scan.paths[i]);
	}
	fprintf(f, " &middot; unravel %s</p></header>\n", UNRAVEL_VERSION);
	fputs("<nav><a href=\"#summary\">Summary</a><a href=\"#inventory\">Inventory</a>"
	      "<a href=\"#imports\">Import graph</a><a href=\"#import-cycles\">Import cycles</a>"
	      "<a href=\"#managers\">Managers</a><a href=\"#manager-cycles\">Manager cycles</a>"
	      "<a href=\"#dups\">Duplicates</a><a href=\"#verify\">Verify</a></nav>\n<main>\n", f);

	fputs("<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">\n", f);
	card(f, "files", (long)p.scan.nfiles, 0);
	card(f, "modules", ig->nnodes, 0);
	card(f, "imports", nedges_mod, 0);
	card(f, "import cycles", ir.n, 1);
	if (mg) {
		card(f, "managers", mg->g->nnodes, 0);
		card(f, "manager cycles", mr.n, 1);
	}
	if (have_verify)
		card(f, "verify findings", (long)vr.n, 1);
	fputs("</div></section>\n", f);

	inventory_section(f, &p, mg);

	fputs("<section id=\"imports\"><h2>Import graph</h2>\n<p class=\"muted\">Red: modules in a "
	      "cycle and the imports between them; dashed: imports that do not run at module "
	      "load (with their scope).</p>\n", f);
	dot_options_init(&opt);
	opt.mask = imask;
	opt.condense = o->condense;
	opt.depth = o->depth;
	opt.title = "imports";
	if (ig->nnodes)
		svg(f, ig, &opt);
	else
		fputs("<p>No modules.</p>\n", f);
	fputs("</section>\n", f);
	cycles_section(f, &ir, "import-cycles", "Import cycles");

	fputs("<section id=\"managers\"><h2>Manager dependency graph</h2>\n", f);
	if (mg && mg->g->nnodes) {
		if (mg->host_class) {
			fputs("<p>Composition root: <code>", f);
			esc(f, mg->host_class);
			fputs("</code> ", f);
			loc(f, mg->host_file, mg->host_line);
			fputs("</p>\n", f);
		}
		dot_options_init(&opt);
		opt.condense = o->condense;
		opt.depth = o->depth;
		opt.title = "managers";
		svg(f, mg->g, &opt);
		order_list(f, mg);
	} else {
		fputs("<p>No managers found.</p>\n", f);
	}
	fputs("</section>\n", f);
	if (mg)
		cycles_section(f, &mr, "manager-cycles", "Manager cycles");

	dups_section(f, &p);
	if (have_verify)
		verify_section(f, &vr);
	fputs("</main></body></html>\n", f);
	if (close_output(o, f) < 0)
		rc = EXIT_FATAL;
	else if (!o->scan.quiet)
		fprintf(stderr, "unravel: wrote %s\n", o->output);

	verify_release(&vr);
	if (mg)
		cycles_release(&mr);
	cycles_release(&ir);
	free(imask);
	free(istrict);
	project_release(&p);
	return rc;
}
