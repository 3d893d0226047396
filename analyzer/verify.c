/*
 * verify.c - see verify.h. Everything here is a reading of facts the
 * frontends and graphs already hold; verify adds the rule switches, the
 * path exclusions and one sorted list.
 */
#include "verify.h"
#include "arena.h"
#include "cycles.h"
#include "graph.h"
#include "importgraph.h"
#include "managers.h"
#include "modindex.h"
#include "scan.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const rule_names[VERIFY__COUNT] = {
	[VERIFY_PLACEHOLDER] = "placeholder",
	[VERIFY_UNRESOLVED_IMPORT] = "unresolved-import",
	[VERIFY_CYCLE] = "cycle",
};

const char *verify_rule_name(enum verify_rule r)
{
	return (unsigned)r < VERIFY__COUNT ? rule_names[r] : "?";
}

struct ctx {
	struct verify_result *r;
	const struct scan *s;
	char **excludes;
	int nexcludes;
	int enabled[VERIFY__COUNT];
};

/* The file matches an `exclude` glob, as shown or relative to one of the scanned PATHs. */
static int excluded(const struct ctx *c, const char *file)
{
	if (!file)
		return 0;
	for (int i = 0; i < c->nexcludes; i++) {
		if (glob_match(c->excludes[i], file))
			return 1;
		for (int p = 0; p < c->s->opt->npaths; p++) {
			char *root = path_display(c->s->opt->paths[p]);
			size_t n = strlen(root);
			int hit = strcmp(root, ".") && !strncmp(file, root, n) && file[n] == '/' &&
				  glob_match(c->excludes[i], file + n + 1);
			free(root);
			if (hit)
				return 1;
		}
	}
	return 0;
}

static void add(struct ctx *c, enum verify_rule rule, const char *file, int line, int col,
		const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void add(struct ctx *c, enum verify_rule rule, const char *file, int line, int col,
		const char *fmt, ...)
{
	struct verify_result *r = c->r;
	struct verify_finding *f;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (!c->enabled[rule] || excluded(c, file))
		return;
	sb_init(&sb);
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	ALLOC_GROW(r->v, r->n + 1, r->alloc);
	f = &r->v[r->n++];
	f->rule = rule;
	f->file = file ? arena_strdup(r->arena, file) : NULL;
	f->line = line;
	f->col = col;
	f->message = arena_strdup(r->arena, sb.buf);
	r->counts[rule]++;
	sb_release(&sb);
}

/* The comment text, trimmed of its markers and spaces, at most 80 bytes. */
static char *note_text(const char *t)
{
	size_t n;
	while (*t == '#' || *t == '/' || *t == '*' || *t == ' ' || *t == '\t')
		t++;
	n = strlen(t);
	while (n && (t[n - 1] == ' ' || t[n - 1] == '\t' || t[n - 1] == '\r'))
		n--;
	if (n > 80)
		return xstrfmt("%.77s...", t);
	return xstrndup(t, n);
}

static void check_placeholders(struct ctx *c)
{
	for (size_t i = 0; i < c->s->nfiles; i++) {
		const struct file_facts *ff = c->s->files[i];
		for (size_t k = 0; k < ff->nfuncs; k++) {
			const struct fact_func *fn = &ff->funcs[k];
			if (!fn->placeholder || fn->abstract)
				continue;
			if (ff->lang == LANG_C)
				add(c, VERIFY_PLACEHOLDER, ff->path, fn->line, fn->col,
				    "function '%s' has an empty body", fn->name);
			else
				add(c, VERIFY_PLACEHOLDER, ff->path, fn->line, fn->col,
				    "function '%s' has a placeholder body", fn->name);
		}
		for (size_t k = 0; k < ff->nnotes; k++) {
			const struct fact_note *no = &ff->notes[k];
			char *t;
			if (no->kind != NOTE_TODO)
				continue;
			t = note_text(no->text ? no->text : "");
			add(c, VERIFY_PLACEHOLDER, ff->path, no->line, no->col, "placeholder comment: %s",
			    t);
			free(t);
		}
	}
}

static void check_imports(struct ctx *c, const struct modindex *mi)
{
	for (size_t i = 0; i < c->s->nfiles; i++) {
		const struct file_facts *ff = c->s->files[i];
		for (size_t k = 0; k < ff->nimports; k++) {
			const struct fact_import *imp = &ff->imports[k];
			int status = 0;
			if (ff->lang == LANG_C) {
				if (!imp->angled && !imp->resolved)
					add(c, VERIFY_UNRESOLVED_IMPORT, ff->path, imp->line, imp->col,
					    "cannot find included file \"%s\"", imp->module);
				continue;
			}
			modindex_resolve(mi, i, imp, &status);
			if (status != 2)
				continue;
			if (imp->name && imp->level)
				add(c, VERIFY_UNRESOLVED_IMPORT, ff->path, imp->line, imp->col,
				    "cannot resolve 'from %.*s%s import %s': no such module in the project",
				    imp->level, "..........", imp->module, imp->name);
			else if (imp->name)
				add(c, VERIFY_UNRESOLVED_IMPORT, ff->path, imp->line, imp->col,
				    "cannot resolve 'from %s import %s': no such module in the project",
				    imp->module, imp->name);
			else
				add(c, VERIFY_UNRESOLVED_IMPORT, ff->path, imp->line, imp->col,
				    "cannot resolve 'import %s': no such module in the project",
				    imp->module);
		}
	}
}

/* One finding per SCC, at the first step of its shortest cycle. */
static void report_cycles(struct ctx *c, const struct cycle_report *rep, const char *what)
{
	const struct graph *g = rep->g;
	for (int i = 0; i < rep->n; i++) {
		const struct cycle_scc *it = &rep->items[i];
		const struct gedge *first;
		struct strbuf sb = STRBUF_INIT;
		if (!it->ncycle)
			continue;
		first = &g->edges[it->cycle[0]];
		sb_init(&sb);
		sb_adds(&sb, g->nodes[first->from].id);
		for (int k = 0; k < it->ncycle; k++) {
			sb_adds(&sb, " -> ");
			sb_adds(&sb, g->nodes[g->edges[it->cycle[k]].to].id);
		}
		add(c, VERIFY_CYCLE, first->file, first->line, first->col, "%s cycle (%s): %s", what,
		    cycles_label(rep, i), sb.buf);
		sb_release(&sb);
	}
}

static int check_cycles(struct ctx *c, const struct modindex *mi, const struct config *cfg)
{
	struct graph *g = import_graph_build(c->s, mi, 0);
	unsigned char *mask = import_cycle_mask(g, 0, 0);
	unsigned char *strict = import_cycle_mask(g, 0, 1);
	struct cycle_report rep;
	struct manager_graph mg;

	cycles_analyze(&rep, g, "imports", mask, strict);
	report_cycles(c, &rep, "import");
	cycles_release(&rep);
	free(mask);
	free(strict);
	graph_free(g);

	memset(&mg, 0, sizeof(mg));
	if (managers_build(&mg, c->s, mi, cfg) < 0) {
		managers_release(&mg);
		return -1;
	}
	cycles_analyze(&rep, mg.g, "managers", NULL, mg.creation_mask);
	report_cycles(c, &rep, "manager");
	cycles_release(&rep);
	managers_release(&mg);
	return 0;
}

static int cmp_finding(const void *a, const void *b)
{
	const struct verify_finding *x = a, *y = b;
	int d = strcmp(x->file ? x->file : "", y->file ? y->file : "");
	if (d)
		return d;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	return strcmp(x->message, y->message);
}

/* Read `disable`: 0, or -1 after an error naming the config line. */
static int load_rules(struct ctx *c, const struct config *cfg)
{
	int n = 0;
	char **dis = cfg ? config_get_list(cfg, "unravel:verify", "disable", &n) : NULL;
	for (int r = 0; r < VERIFY__COUNT; r++)
		c->enabled[r] = 1;
	for (int i = 0; i < n; i++) {
		int r;
		for (r = 0; r < VERIFY__COUNT; r++)
			if (!strcmp(dis[i], rule_names[r]))
				break;
		if (r == VERIFY__COUNT) {
			const struct config_entry *e = config_entry(cfg, "unravel:verify", "disable");
			fprintf(stderr, "%s:%d: error: unknown verify rule '%s' (placeholder, "
					"unresolved-import, cycle)\n",
				e ? e->file : "config", e ? e->line : 0, dis[i]);
			config_list_free(dis);
			return -1;
		}
		c->enabled[r] = 0;
	}
	config_list_free(dis);
	if (cfg)
		c->excludes = config_get_list(cfg, "unravel:verify", "exclude", &c->nexcludes);
	return 0;
}

int verify_run(struct verify_result *r, const struct scan *s, const struct modindex *mi,
	       const struct config *cfg)
{
	struct ctx c;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	r->arena = arena_new();
	memset(&c, 0, sizeof(c));
	c.r = r;
	c.s = s;
	if (load_rules(&c, cfg) < 0)
		return -1;
	if (c.enabled[VERIFY_PLACEHOLDER])
		check_placeholders(&c);
	if (c.enabled[VERIFY_UNRESOLVED_IMPORT])
		check_imports(&c, mi);
	if (c.enabled[VERIFY_CYCLE])
		rc = check_cycles(&c, mi, cfg);
	config_list_free(c.excludes);
	if (r->n)
		qsort(r->v, r->n, sizeof(*r->v), cmp_finding);
	return rc;
}

void verify_release(struct verify_result *r)
{
	free(r->v);
	if (r->arena)
		arena_free(r->arena);
	memset(r, 0, sizeof(*r));
}
