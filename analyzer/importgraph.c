/* importgraph.c - see importgraph.h. */
#include "importgraph.h"
#include "modindex.h"
#include "scan.h"
#include "util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * For C: the folder of each scanned PATH (a PATH that is a file stands for
 * its folder), computed once, so node ids are "project-relative".
 */
struct croots {
	char **dirs;
	int n;
};

static void croots_init(struct croots *cr, const struct scan *s)
{
	cr->n = s->opt ? s->opt->npaths : 0;
	cr->dirs = xcalloc((size_t)cr->n + 1, sizeof(char *));
	for (int i = 0; i < cr->n; i++) {
		char *p = path_display(s->opt->paths[i]);
		struct stat st;
		if (stat(p, &st) == 0 && !S_ISDIR(st.st_mode)) {
			char *slash = strrchr(p, '/');
			if (slash)
				*slash = '\0';
			else
				strcpy(p, ".");
		}
		cr->dirs[i] = p;
	}
}

static void croots_release(struct croots *cr)
{
	for (int i = 0; i < cr->n; i++)
		free(cr->dirs[i]);
	free(cr->dirs);
}

/* path relative to the deepest scanned folder holding it. */
static const char *c_node_id(const struct croots *cr, const char *path)
{
	size_t best = 0;
	for (int i = 0; i < cr->n; i++) {
		const char *p = cr->dirs[i];
		size_t n = strlen(p);
		if (strcmp(p, ".") && !strncmp(path, p, n) && path[n] == '/' && n + 1 > best)
			best = n + 1;
	}
	return path + best;
}

/* Display path of a C include target if it is a scanned file, else NULL. */
static const struct file_facts *c_target(const struct scan *s, const char *resolved)
{
	char *disp;
	const struct file_facts *t;
	if (!resolved)
		return NULL;
	disp = path_display(resolved);
	t = scan_find(s, disp);
	free(disp);
	return t;
}

/* "<glib-2.0>" for /usr/include/glib-2.0/glib.h, "<libc>" for a header at the top. */
static char *system_group(const struct fact_import *imp)
{
	const char *slash = strchr(imp->module, '/');
	if (slash)
		return xstrfmt("<%.*s>", (int)(slash - imp->module), imp->module);
	return xstrdup("<libc>");
}

struct graph *import_graph_build(const struct scan *s, const struct modindex *mi, int external)
{
	struct graph *g = graph_new();
	struct croots cr;

	croots_init(&cr, s);

	/* Nodes first: every project module / C file, even without edges. */
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct file_facts *ff = s->files[i];
		const char *id = ff->lang == LANG_PYTHON ? modindex_module(mi, i)
						       : c_node_id(&cr, ff->path);
		int n;
		if (!id)
			continue;
		n = graph_node(g, id, 1);
		g->nodes[n].file = graph_intern(g, ff->path);
		g->nodes[n].lang = lang_name(ff->lang);
		g->nodes[n].category = "module";
	}
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct file_facts *ff = s->files[i];
		const char *from_id = ff->lang == LANG_PYTHON
					      ? modindex_module(mi, i)
					      : c_node_id(&cr, ff->path);
		int from;
		if (!from_id)
			continue;
		from = graph_node(g, from_id, 0);
		for (size_t k = 0; k < ff->nimports; k++) {
			const struct fact_import *imp = &ff->imports[k];
			struct gedge e = {0};
			const char *to_id = NULL;
			char *ext = NULL;
			int to;
			if (ff->lang == LANG_PYTHON) {
				int status;
				to_id = modindex_resolve(mi, i, imp, &status);
				if (!to_id && status == 1 && external) {
					const char *d = strchr(imp->module, '.');
					ext = d ? xstrndup(imp->module, (size_t)(d - imp->module))
						: xstrdup(imp->module);
					to_id = ext;
				}
				e.kind = "import";
			} else {
				const struct file_facts *t = c_target(s, imp->resolved);
				if (t) {
					to_id = c_node_id(&cr, t->path);
				} else if (external && (imp->angled || imp->resolved)) {
					ext = system_group(imp);
					to_id = ext;
				}
				e.kind = "include";
				e.tus = imp->tus;
			}
			if (!to_id) {
				free(ext);
				continue;
			}
			to = graph_node(g, to_id, 0);
			if (to < 0) {
				to = graph_node(g, to_id, 1);
				g->nodes[to].lang = lang_name(ff->lang);
				g->nodes[to].category = "external";
				g->nodes[to].external = 1;
			}
			free(ext);
			if (to == from)
				continue;
			e.from = from;
			e.to = to;
			e.file = ff->path;
			e.line = imp->line;
			e.col = imp->col;
			e.scope = imp->scope;
			e.text = imp->text;
			graph_add_edge(g, &e);
		}
	}
	croots_release(&cr);
	graph_sort(g);
	return g;
}

unsigned char *import_cycle_mask(const struct graph *g, int type_checking, int module_only)
{
	unsigned char *m = xcalloc((size_t)g->nedges + 1, 1);
	for (int i = 0; i < g->nedges; i++) {
		enum import_scope sc = g->edges[i].scope;
		if (g->nodes[g->edges[i].to].external || g->nodes[g->edges[i].from].external)
			continue;
		if (module_only)
			m[i] = sc == SCOPE_MODULE;
		else
			m[i] = sc != SCOPE_TYPE_CHECKING || type_checking;
	}
	return m;
}
