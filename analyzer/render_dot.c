/*
 * render_dot.c - DOT and SVG drawings of a graph; see render_dot.h.
 *
 * The drawing is built in two steps: a "view" maps every graph node to a
 * drawn node (itself, its collapsed package, or its collapsed cycle) and
 * folds the edges onto pairs of drawn nodes; the DOT writer then prints the
 * view. SVG is the same DOT text laid out by libgvc in-process, which keeps
 * one code path for both formats.
 */
#include "render_dot.h"
#include "util.h"

#include <gvc.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_THRESHOLD 150
#define TOOLTIP_MEMBERS 40 /* members listed in a collapsed cycle's tooltip */
/*
 * What libgvc's "dot" lays out in seconds. Its cost grows much faster than
 * the size: 250 clustered nodes with 700 edges took 50 s by default (network
 * simplex positioning), 1000 nodes half a minute even with the limits below.
 */
#define MAX_LAYOUT_NODES 500
#define MAX_LAYOUT_EDGES 2000

enum vkind { V_NODE, V_PACKAGE, V_CYCLE };

struct vnode {
	char *key;    /* sort key: node id, package prefix, or "<first id>\x01" for a cycle */
	char *pkg;    /* cluster, or NULL (top level) */
	char *cycle_pkg; /* V_CYCLE: package holding all members, or NULL */
	enum vkind kind;
	int first;    /* smallest original node in it */
	int count;    /* original nodes in it */
	int cyclic;   /* holds members of an SCC */
	int external; /* every member is external */
};

struct vedge {
	int from, to;   /* drawn nodes */
	int first;      /* first original edge (tooltip) */
	int count;      /* original edges */
	int red;        /* holds an edge inside an SCC */
	int best;       /* earliest-running scope among them */
	const char *kinds[4]; /* distinct edge kinds (interned), first ones */
	int nkinds;
};

struct view {
	const struct graph *g;
	const struct dot_options *opt;
	struct scc_set scc;
	int *grp; /* original node -> drawn node */
	struct vnode *v;
	int nv;
	struct vedge *e;
	int ne;
	/*
	 * Grouping: collapse = one node per SCC; depth > 0 = every package
	 * cut to depth components; else auto = packages not in expanded[]
	 * (sorted prefixes) are collapsed.
	 */
	int collapse, depth, autodepth;
	char **expanded;
	int nexpanded, alloc_expanded;
	int ncycles, ncycle_nodes, npackages; /* what was collapsed */
};

void dot_options_init(struct dot_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->depth = -1;
	opt->condense = -1;
	opt->threshold = DEFAULT_THRESHOLD;
}

/* ---- ids: packages and components ---- */

static char sep_of(const struct gnode *n)
{
	return n->lang && !strcmp(n->lang, "c") ? '/' : '.';
}

static int ncomponents(const char *id, char sep)
{
	int n = 1;
	for (; *id; id++)
		n += *id == sep;
	return n;
}

/* First d components of id (a fresh string). */
static char *prefix_of(const char *id, char sep, int d)
{
	const char *p = id;
	for (; *p; p++)
		if (*p == sep && --d == 0)
			break;
	return xstrndup(id, (size_t)(p - id));
}

/* Everything before the last separator, or NULL. */
static char *parent_of(const char *id, char sep)
{
	const char *p = strrchr(id, sep);
	return p && p != id ? xstrndup(id, (size_t)(p - id)) : NULL;
}

/*
 * The cluster of a drawn node: its package. A class (manager graphs:
 * "pkg.module.Class") goes in the package of its module, not in a cluster
 * of its own module, which would usually hold that one class.
 */
static char *node_package(const struct gnode *n)
{
	char sep = sep_of(n);
	char *module = parent_of(n->id, sep), *pkg;
	if (!module || !n->category || !strcmp(n->category, "module") || sep != '.')
		return module;
	pkg = parent_of(module, sep);
	free(module);
	return pkg;
}

static const char *last_component(const char *id, char sep)
{
	const char *p = strrchr(id, sep);
	return p && p[1] ? p + 1 : id;
}

static const char *noun(const struct graph *g)
{
	return !g->nnodes || !g->nodes[0].category || !strcmp(g->nodes[0].category, "module")
		       ? "module"
		       : "class";
}

static const char *plural(int n, const char *word)
{
	if (!strcmp(word, "class"))
		return n == 1 ? "class" : "classes";
	return n == 1 ? "module" : "modules";
}

/* ---- grouping ---- */

/* A cycle worth collapsing: an SCC of more than one node. */
static int in_big_scc(const struct view *w, int node)
{
	int c = w->scc.comp[node];
	return c >= 0 && w->scc.sccs[c].n > 1;
}

static int is_expanded(const struct view *w, const char *prefix)
{
	return w->nexpanded &&
	       bsearch(&prefix, w->expanded, (size_t)w->nexpanded, sizeof(char *), cmp_strp) != NULL;
}

static char *group_key(const struct view *w, int node)
{
	const struct gnode *n = &w->g->nodes[node];
	char sep = sep_of(n);
	int nc, d;
	if (w->collapse && in_big_scc(w, node))
		return xstrfmt("%s\x01", w->g->nodes[w->scc.sccs[w->scc.comp[node]].nodes[0]].id);
	nc = ncomponents(n->id, sep);
	if (w->depth > 0 && nc > w->depth)
		return prefix_of(n->id, sep, w->depth);
	if (w->autodepth) {
		/* The shallowest package of the node that is not expanded. */
		for (d = 1; d < nc; d++) {
			char *p = prefix_of(n->id, sep, d);
			if (!is_expanded(w, p))
				return p;
			free(p);
		}
	}
	return xstrdup(n->id);
}

struct keyed {
	char *key;
	int node;
};

static int cmp_keyed(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);
	return c ? c : (a->node > b->node) - (a->node < b->node);
}

/* Sorted (key, node) list of every node for the view's grouping; returns the group count. */
static int group(const struct view *w, struct keyed **out)
{
	int n = w->g->nnodes, i, groups = 0;
	struct keyed *k = xcalloc((size_t)n + 1, sizeof(*k));
	for (i = 0; i < n; i++) {
		k[i].key = group_key(w, i);
		k[i].node = i;
	}
	qsort(k, (size_t)n, sizeof(*k), cmp_keyed);
	for (i = 0; i < n; i++)
		groups += !i || strcmp(k[i].key, k[i - 1].key);
	*out = k;
	return groups;
}

static void free_keyed(struct keyed *k, int n)
{
	int i;
	for (i = 0; i < n; i++)
		free(k[i].key);
	free(k);
}

static int count_groups(const struct view *w)
{
	struct keyed *k;
	int groups = group(w, &k);
	free_keyed(k, w->g->nnodes);
	return groups;
}

/*
 * Automatic package collapsing: start with every package cut to its first
 * component, then, level by level, expand collapsed packages into their
 * children, cheapest first, while the drawing stays within threshold
 * nodes. Big packages thus stay collapsed while small ones show their
 * modules, which reads better than one uniform depth.
 */
static int cmp_cost(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	if (a->node != b->node)
		return a->node < b->node ? -1 : 1;
	return strcmp(a->key, b->key);
}

static void choose_expansion(struct view *w, int threshold)
{
	int n = w->g->nnodes, d, i, cur, maxc = 1;
	struct keyed *k;

	for (i = 0; i < n; i++) {
		int nc = ncomponents(w->g->nodes[i].id, sep_of(&w->g->nodes[i]));
		if (nc > maxc)
			maxc = nc;
	}
	w->autodepth = 1;
	cur = count_groups(w);
	for (d = 1; d < maxc; d++) {
		char **add = NULL;
		struct keyed *cand = NULL;
		int nadd = 0, ncand = 0, i0;
		size_t alloc_add = 0, alloc_cand = 0;
		group(w, &k);
		for (i0 = 0; i0 < n;) {
			int i1 = i0, children = 0, pkgs = 0;
			const struct gnode *first = &w->g->nodes[k[i0].node];
			char sep = sep_of(first);
			char *prev = NULL;
			while (i1 < n && !strcmp(k[i1].key, k[i0].key))
				i1++;
			/* Only packages collapsed at this level: key of d components, not a node id. */
			if (k[i0].key[strlen(k[i0].key) - 1] != '\x01' &&
			    ncomponents(k[i0].key, sep) == d) {
				for (i = i0; i < i1; i++) {
					const char *id = w->g->nodes[k[i].node].id;
					char *child = ncomponents(id, sep) > d + 1
							      ? prefix_of(id, sep, d + 1)
							      : xstrdup(id);
					if (!prev || strcmp(prev, child))
						children++;
					free(prev);
					prev = child;
					pkgs |= strcmp(id, k[i0].key) != 0;
				}
				free(prev);
				if (pkgs) {
					ALLOC_GROW(cand, (size_t)ncand + 1, alloc_cand);
					cand[ncand].key = xstrdup(k[i0].key);
					cand[ncand++].node = children - 1; /* cost in nodes */
				}
			}
			i0 = i1;
		}
		free_keyed(k, n);
		/* Cheapest expansions first (ties by id): as many packages open as fit. */
		if (ncand) /* qsort wants a valid pointer even for 0 items (UBSan) */
			qsort(cand, (size_t)ncand, sizeof(*cand), cmp_cost);
		for (i = 0; i < ncand; i++) {
			if (cur + cand[i].node <= threshold) {
				cur += cand[i].node;
				ALLOC_GROW(add, (size_t)nadd + 1, alloc_add);
				add[nadd++] = cand[i].key;
			} else {
				free(cand[i].key);
			}
		}
		free(cand);
		for (i = 0; i < nadd; i++) {
			ALLOC_GROW(w->expanded, w->nexpanded + 1, w->alloc_expanded);
			w->expanded[w->nexpanded++] = add[i];
		}
		free(add);
		if (!nadd)
			break;
		qsort(w->expanded, (size_t)w->nexpanded, sizeof(char *), cmp_strp);
	}
}

/* The deepest package holding pkg whose contents are drawn (not collapsed), or NULL. */
static char *visible_package(const struct view *w, char *pkg, char sep)
{
	while (pkg) {
		int nc = ncomponents(pkg, sep);
		char *up;
		if (w->depth > 0 ? nc < w->depth : !w->autodepth || is_expanded(w, pkg))
			return pkg;
		up = parent_of(pkg, sep);
		free(pkg);
		pkg = up;
	}
	return NULL;
}

/*
 * Longest id prefix (whole components) shared by every member of SCC c, or
 * NULL: "django" for {django, django.apps}, "a.b" for {a.b.c, a.b.d}.
 */
static char *cycle_package(const struct view *w, int c)
{
	const struct scc *s = &w->scc.sccs[c];
	const struct gnode *first = &w->g->nodes[s->nodes[0]];
	char sep = sep_of(first);
	char *pkg = xstrdup(first->id);
	int i;
	for (i = 1; pkg && i < s->n; i++) {
		const char *id = w->g->nodes[s->nodes[i]].id;
		size_t len = strlen(pkg);
		while (pkg && !(strncmp(id, pkg, len) == 0 && (id[len] == sep || !id[len]))) {
			char *up = parent_of(pkg, sep);
			free(pkg);
			pkg = up;
			len = pkg ? strlen(pkg) : 0;
		}
	}
	return pkg;
}

static int cmp_vedge(const void *pa, const void *pb)
{
	const struct vedge *a = pa, *b = pb;
	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	if (a->to != b->to)
		return a->to < b->to ? -1 : 1;
	return (a->first > b->first) - (a->first < b->first);
}

static void add_kind(struct vedge *ve, const char *kind)
{
	int i;
	if (!kind)
		return;
	for (i = 0; i < ve->nkinds; i++)
		if (ve->kinds[i] == kind) /* interned: equal strings, equal pointers */
			return;
	if (ve->nkinds < (int)(sizeof(ve->kinds) / sizeof(ve->kinds[0])))
		ve->kinds[ve->nkinds++] = kind;
}

static void build_edges(struct view *w)
{
	const struct graph *g = w->g;
	const unsigned char *mask = w->opt->mask;
	struct vedge *all = xcalloc((size_t)g->nedges + 1, sizeof(*all));
	int i, n = 0;

	for (i = 0; i < g->nedges; i++) {
		const struct gedge *e = &g->edges[i];
		int f = w->grp[e->from], t = w->grp[e->to];
		/* Edges inside a collapsed node vanish; a plain node keeps its self-loop. */
		if (f == t && (e->from != e->to || w->v[f].kind != V_NODE))
			continue;
		all[n].from = f;
		all[n].to = t;
		all[n].first = i;
		all[n].count = 1;
		all[n].best = (int)e->scope;
		all[n].red = (!mask || mask[i]) && w->scc.comp[e->from] >= 0 &&
			     w->scc.comp[e->from] == w->scc.comp[e->to];
		n++;
	}
	qsort(all, (size_t)n, sizeof(*all), cmp_vedge);
	w->e = xcalloc((size_t)n + 1, sizeof(*w->e));
	w->ne = 0;
	for (i = 0; i < n; i++) {
		struct vedge *last = w->ne ? &w->e[w->ne - 1] : NULL;
		if (last && last->from == all[i].from && last->to == all[i].to) {
			last->count++;
			last->red |= all[i].red;
			if (all[i].best < last->best)
				last->best = all[i].best;
			add_kind(last, g->edges[all[i].first].kind);
			continue;
		}
		w->e[w->ne] = all[i];
		add_kind(&w->e[w->ne++], g->edges[all[i].first].kind);
	}
	free(all);
}

static void build_view(struct view *w)
{
	const struct graph *g = w->g;
	const struct dot_options *opt = w->opt;
	int n = g->nnodes, threshold = opt->threshold > 0 ? opt->threshold : DEFAULT_THRESHOLD;
	int i, c;
	struct keyed *k;

	graph_sccs(g, opt->mask, &w->scc);
	w->collapse = opt->condense == 1 || (opt->condense < 0 && n > threshold);
	w->depth = opt->depth > 0 ? opt->depth : 0;
	if (opt->depth < 0 && opt->condense != 0 && count_groups(w) > threshold)
		choose_expansion(w, threshold);

	w->grp = xmalloc(((size_t)n + 1) * sizeof(int));
	w->nv = 0;
	w->v = xcalloc((size_t)group(w, &k) + 1, sizeof(*w->v));
	for (i = 0; i < n; i++) {
		const struct gnode *node = &g->nodes[k[i].node];
		struct vnode *v;
		if (!i || strcmp(k[i].key, k[i - 1].key)) {
			v = &w->v[w->nv++];
			v->key = xstrdup(k[i].key);
			v->first = k[i].node;
			v->external = 1;
			if (w->collapse && in_big_scc(w, k[i].node))
				v->kind = V_CYCLE;
			else
				v->kind = strcmp(k[i].key, node->id) ? V_PACKAGE : V_NODE;
		}
		v = &w->v[w->nv - 1];
		if (k[i].node < v->first)
			v->first = k[i].node;
		if (v->count++ && v->kind == V_NODE)
			v->kind = V_PACKAGE; /* a module and its collapsed submodules */
		v->cyclic |= w->scc.comp[k[i].node] >= 0;
		v->external &= node->external != 0;
		w->grp[k[i].node] = w->nv - 1;
	}
	free_keyed(k, n);

	for (i = 0; i < w->nv; i++) {
		struct vnode *v = &w->v[i];
		const struct gnode *first = &g->nodes[v->first];
		char sep = sep_of(first);
		if (v->kind == V_CYCLE) {
			c = w->scc.comp[v->first];
			v->cycle_pkg = cycle_package(w, c);
			v->pkg = visible_package(w, v->cycle_pkg ? xstrdup(v->cycle_pkg) : NULL, sep);
			w->ncycles++;
			w->ncycle_nodes += v->count;
		} else {
			v->pkg = v->kind == V_PACKAGE ? parent_of(v->key, sep) : node_package(first);
			w->npackages += v->kind == V_PACKAGE;
		}
	}
	build_edges(w);
}

static void release_view(struct view *w)
{
	int i;
	for (i = 0; i < w->nv; i++) {
		free(w->v[i].key);
		free(w->v[i].pkg);
		free(w->v[i].cycle_pkg);
	}
	free(w->v);
	free(w->e);
	free(w->grp);
	for (i = 0; i < w->nexpanded; i++)
		free(w->expanded[i]);
	free(w->expanded);
	scc_set_release(&w->scc);
}

/* ---- DOT text ---- */

/* Length of the valid UTF-8 sequence at s, or 0. */
static int utf8_len(const unsigned char *s)
{
	int len, i;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/*
 * A DOT double-quoted string. Quotes and backslashes are escaped (a
 * backslash would otherwise start a graphviz escape such as \N or \l),
 * newlines become \n, other control bytes a space, and bytes that are not
 * UTF-8 a '?' (graphviz rejects them).
 */
static void add_quoted(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	sb_addc(sb, '"');
	while (*p) {
		int len = utf8_len(p);
		if (*p == '"' || *p == '\\') {
			sb_addc(sb, '\\');
			sb_addc(sb, (char)*p);
		} else if (*p == '\n') {
			sb_adds(sb, "\\n");
		} else if (*p < 0x20 || *p == 0x7f) {
			sb_addc(sb, ' ');
		} else if (!len) {
			sb_addc(sb, '?');
		} else {
			sb_add(sb, p, (size_t)len);
			p += len;
			continue;
		}
		p++;
	}
	sb_addc(sb, '"');
}

static void add_attr(struct strbuf *sb, const char *name, const char *value)
{
	sb_addf(sb, ", %s=", name);
	add_quoted(sb, value);
}

static void write_node(struct strbuf *sb, const struct view *w, int i, const char *indent)
{
	const struct vnode *v = &w->v[i];
	const struct gnode *first = &w->g->nodes[v->first];
	const char *word = noun(w->g);
	char sep = sep_of(first);
	struct strbuf label = STRBUF_INIT, tip = STRBUF_INIT;
	const char *style = "rounded", *fill = NULL, *shape = "box", *color = NULL;

	sb_init(&label);
	sb_init(&tip);
	if (v->kind == V_NODE) {
		sb_adds(&label, last_component(first->id, sep));
		sb_adds(&tip, first->id);
		if (first->file && strcmp(first->file, first->id))
			sb_addf(&tip, "\n%s", first->file);
		if (first->line > 0)
			sb_addf(&tip, ":%d", first->line);
	} else if (v->kind == V_PACKAGE) {
		shape = "folder";
		style = "solid";
		sb_addf(&label, "%s\n%d %s", last_component(v->key, sep), v->count,
			plural(v->count, word));
		sb_addf(&tip, "%s (%d %s collapsed)", v->key, v->count, plural(v->count, word));
	} else {
		const struct scc *s = &w->scc.sccs[w->scc.comp[v->first]];
		int k;
		sb_addf(&label, "%d %s in a cycle", v->count, plural(v->count, word));
		if (v->cycle_pkg)
			sb_addf(&label, "\n%s", v->cycle_pkg);
		else
			sb_addf(&label, "\n%s, ...", first->id);
		sb_addf(&tip, "%d %s in one cycle:", v->count, plural(v->count, word));
		for (k = 0; k < s->n && k < TOOLTIP_MEMBERS; k++)
			sb_addf(&tip, "\n%s", w->g->nodes[s->nodes[k]].id);
		if (s->n > TOOLTIP_MEMBERS)
			sb_addf(&tip, "\n... and %d more", s->n - TOOLTIP_MEMBERS);
		style = "filled,bold";
		fill = "#ffb3b3";
		color = "#d62728";
	}
	if (v->cyclic && !fill) {
		style = v->kind == V_PACKAGE ? "filled" : "rounded,filled";
		fill = "#ffd6d6";
	}
	if (v->external && v->kind != V_CYCLE) {
		style = fill ? "dashed,filled" : "dashed";
		color = "#888888";
	}
	sb_addf(sb, "%sn%d [label=", indent, i);
	add_quoted(sb, label.buf);
	add_attr(sb, "tooltip", tip.buf);
	if (strcmp(shape, "box"))
		add_attr(sb, "shape", shape);
	if (strcmp(style, "rounded"))
		add_attr(sb, "style", style);
	if (fill)
		add_attr(sb, "fillcolor", fill);
	if (color)
		add_attr(sb, "color", color);
	sb_adds(sb, "];\n");
	sb_release(&label);
	sb_release(&tip);
}

static void write_edge(struct strbuf *sb, const struct view *w, const struct vedge *ve)
{
	const struct gedge *e = &w->g->edges[ve->first];
	const struct vnode *f = &w->v[ve->from], *t = &w->v[ve->to];
	struct strbuf label = STRBUF_INIT, tip = STRBUF_INIT;
	int collapsed = f->kind != V_NODE || t->kind != V_NODE;
	int builtin = !e->kind || !strcmp(e->kind, "import") || !strcmp(e->kind, "include");
	int dashed;

	sb_init(&label);
	sb_init(&tip);
	if (collapsed && ve->count > 1)
		sb_addf(&label, "%d", ve->count);
	if (!builtin) {
		int i;
		for (i = 0; i < ve->nkinds; i++)
			sb_addf(&label, "%s%s", label.len ? (i ? "," : " ") : "", ve->kinds[i]);
	}
	/*
	 * Imports: dashed when no statement of the pair runs at module load.
	 * Manager links: dashed when all are runtime links (attribute, field),
	 * which do not constrain the creation order.
	 */
	if (builtin) {
		dashed = ve->best != SCOPE_MODULE;
		if (dashed)
			sb_addf(&label, "%s%s", label.len ? " " : "",
				scope_name((enum import_scope)ve->best));
	} else {
		int i;
		dashed = ve->nkinds > 0;
		for (i = 0; i < ve->nkinds; i++)
			if (strcmp(ve->kinds[i], "attribute") && strcmp(ve->kinds[i], "field"))
				dashed = 0;
	}
	sb_addf(&tip, "%s -> %s: ", w->g->nodes[e->from].id, w->g->nodes[e->to].id);
	if (e->file)
		sb_addf(&tip, "%s:%d", e->file, e->line);
	if (e->how)
		sb_addf(&tip, " (%s)", e->how);
	if (ve->count > 1)
		sb_addf(&tip, " and %d more", ve->count - 1);

	sb_addf(sb, "\tn%d -> n%d [tooltip=", ve->from, ve->to);
	add_quoted(sb, tip.buf);
	/*
	 * xlabel, not label: dot turns every edge label into a virtual node
	 * ranked with the graph, which multiplies layout time (40 s instead
	 * of 1.5 s for Django at depth 3); external labels are placed after.
	 */
	if (label.len)
		add_attr(sb, "xlabel", label.buf);
	if (ve->red)
		sb_adds(sb, ", color=\"#d62728\", penwidth=2");
	else if (builtin && ve->best == SCOPE_TYPE_CHECKING)
		sb_adds(sb, ", color=\"#aaaaaa\"");
	if (dashed)
		sb_adds(sb, ", style=dashed");
	if (collapsed && ve->count > 1) {
		/* Thicker for heavier aggregated links, capped. */
		double pw = 1.0 + (ve->count > 40 ? 40 : ve->count) / 10.0;
		if (!ve->red)
			sb_addf(sb, ", penwidth=%.1f", pw);
	}
	sb_adds(sb, "];\n");
	sb_release(&label);
	sb_release(&tip);
}

static const struct view *sort_view; /* qsort has no context argument in C11 */

static int cmp_pkg_index(const void *pa, const void *pb)
{
	const struct vnode *a = &sort_view->v[*(const int *)pa], *b = &sort_view->v[*(const int *)pb];
	int c = strcmp(a->pkg ? a->pkg : "", b->pkg ? b->pkg : "");
	if (c)
		return c;
	return (*(const int *)pa > *(const int *)pb) - (*(const int *)pa < *(const int *)pb);
}

static char *make_note(const struct view *w)
{
	struct strbuf sb = STRBUF_INIT;
	const char *word = noun(w->g);
	int threshold = w->opt->threshold > 0 ? w->opt->threshold : DEFAULT_THRESHOLD;

	if (!w->ncycles && !w->npackages)
		return NULL;
	sb_init(&sb);
	sb_addf(&sb, "%d %s", w->g->nnodes, plural(w->g->nnodes, word));
	if (w->g->nnodes > threshold)
		sb_addf(&sb, " (over %d)", threshold);
	sb_addf(&sb, " drawn as %d %s: ", w->nv, w->nv == 1 ? "node" : "nodes");
	if (w->ncycles)
		sb_addf(&sb, "%d %s (%d %s)", w->ncycles, w->ncycles == 1 ? "cycle" : "cycles",
			w->ncycle_nodes, plural(w->ncycle_nodes, word));
	if (w->ncycles && w->npackages)
		sb_adds(&sb, " and ");
	if (w->npackages)
		sb_addf(&sb, "%d %s", w->npackages, w->npackages == 1 ? "package" : "packages");
	sb_adds(&sb, " collapsed to one node each");
	if (w->depth)
		sb_addf(&sb, " (packages cut at depth %d)", w->depth);
	sb_adds(&sb, "; --no-condense draws every node");
	return sb_detach(&sb, NULL);
}

/* render_dot_string(), also telling the size of the drawing. */
static char *render_text(const struct graph *g, const struct dot_options *opt, char **note,
			 int *nv, int *ne)
{
	struct dot_options defaults;
	struct view w;
	struct strbuf sb = STRBUF_INIT;
	const char *title;
	char *why;
	int *order, i;

	if (!opt) {
		dot_options_init(&defaults);
		opt = &defaults;
	}
	title = opt->title ? opt->title : "graph";
	memset(&w, 0, sizeof(w));
	w.g = g;
	w.opt = opt;
	build_view(&w);
	why = make_note(&w);

	sb_init(&sb);
	sb_adds(&sb, "// generated by unravel " UNRAVEL_VERSION "\n");
	if (why) {
		sb_adds(&sb, "// ");
		for (i = 0; why[i]; i++)
			sb_addc(&sb, why[i] == '\n' ? ' ' : why[i]);
		sb_adds(&sb, "\n");
	}
	sb_adds(&sb, "digraph ");
	add_quoted(&sb, title);
	sb_adds(&sb, " {\n\tgraph [fontname=\"Helvetica\", fontsize=12, labelloc=t, "
		     "rankdir=LR, nodesep=0.15, ranksep=0.5, ");
	if (w.nv > (opt->threshold > 0 ? opt->threshold : DEFAULT_THRESHOLD))
		/* not condensed enough: cheaper positioning and crossing passes */
		sb_adds(&sb, "nslimit=1, mclimit=0.2, ");
	sb_adds(&sb, "label=");
	{
		char *label = why ? xstrfmt("%s\n%s", title, why) : xstrdup(title);
		add_quoted(&sb, label);
		free(label);
	}
	sb_adds(&sb, "];\n\tnode [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10, "
		     "height=0.3];\n\tedge [color=\"#555555\", arrowsize=0.6, fontname=\"Helvetica\", "
		     "fontsize=8, fontcolor=\"#555555\"];\n");

	/* Nodes grouped by cluster (sorted by package), top-level nodes first. */
	order = xmalloc(((size_t)w.nv + 1) * sizeof(int));
	for (i = 0; i < w.nv; i++)
		order[i] = i;
	sort_view = &w;
	qsort(order, (size_t)w.nv, sizeof(int), cmp_pkg_index);
	sort_view = NULL;
	for (i = 0; i < w.nv; i++) {
		const struct vnode *v = &w.v[order[i]];
		int open = v->pkg && (!i || !w.v[order[i - 1]].pkg || strcmp(w.v[order[i - 1]].pkg, v->pkg));
		int close = v->pkg && (i + 1 == w.nv || strcmp(w.v[order[i + 1]].pkg, v->pkg));
		if (open) {
			char *name = xstrfmt("cluster_%s", v->pkg);
			sb_adds(&sb, "\tsubgraph ");
			add_quoted(&sb, name);
			sb_adds(&sb, " {\n\t\tlabel=");
			add_quoted(&sb, v->pkg);
			sb_adds(&sb, "; style=rounded; color=\"#bbbbbb\"; fontcolor=\"#555555\"; "
				     "fontsize=10; labeljust=l;\n");
			free(name);
		}
		write_node(&sb, &w, order[i], v->pkg ? "\t\t" : "\t");
		if (close)
			sb_adds(&sb, "\t}\n");
	}
	free(order);
	for (i = 0; i < w.ne; i++)
		write_edge(&sb, &w, &w.e[i]);
	sb_adds(&sb, "}\n");

	*nv = w.nv;
	*ne = w.ne;
	release_view(&w);
	if (note)
		*note = why;
	else
		free(why);
	return sb_detach(&sb, NULL);
}

char *render_dot_string(const struct graph *g, const struct dot_options *opt, char **note)
{
	int nv, ne;
	return render_text(g, opt, note, &nv, &ne);
}

int render_dot(FILE *f, const struct graph *g, const struct dot_options *opt, char **note)
{
	char *text = render_dot_string(g, opt, note);
	size_t len = strlen(text);
	int rc = 0;
	if (fwrite(text, 1, len, f) != len || fflush(f))
		rc = error("cannot write the dot output");
	free(text);
	return rc;
}

/*
 * One graphviz context for the whole process: the pango text-size plugin
 * keeps font data across contexts, and a second context after
 * gvFreeContext() reads freed memory (ASan, graphviz 2.42 on Debian 12);
 * the HTML report lays out one graph per cycle. Freed at exit.
 */
static GVC_t *svg_gvc;

static void svg_context_free(void)
{
	gvFreeContext(svg_gvc);
	svg_gvc = NULL;
}

static GVC_t *svg_context(void)
{
	if (!svg_gvc && (svg_gvc = gvContext()) != NULL)
		atexit(svg_context_free);
	return svg_gvc;
}

/* Why a drawing of nv nodes and ne edges is not laid out, or NULL. */
static char *too_large(const struct graph *g, const struct dot_options *opt, int nv, int ne)
{
	if (nv <= MAX_LAYOUT_NODES && ne <= MAX_LAYOUT_EDGES)
		return NULL;
	return xstrfmt("graph too large to draw: %d %s%s drawn as %d nodes and %d edges, "
		       "graphviz lays out at most %d nodes and %d edges in reasonable time; "
		       "draw less with --depth N or --exclude GLOB%s, or write --format dot "
		       "(or json) and lay it out yourself (e.g. sfdp)",
		       g->nnodes, plural(g->nnodes, noun(g)),
		       nv < g->nnodes ? " condensed and still" : "", nv, ne, MAX_LAYOUT_NODES,
		       MAX_LAYOUT_EDGES, opt && !opt->condense ? ", drop --no-condense" : "");
}

char *render_svg_too_large(const struct graph *g, const struct dot_options *opt)
{
	int nv, ne;
	char *text = render_text(g, opt, NULL, &nv, &ne);
	free(text);
	return too_large(g, opt, nv, ne);
}

int render_svg(FILE *f, const struct graph *g, const struct dot_options *opt, char **note)
{
	int nv, ne;
	char *text = render_text(g, opt, note, &nv, &ne);
	char *why = too_large(g, opt, nv, ne);
	GVC_t *gvc;
	Agraph_t *ag;
	int rc = 0;

	if (why) {
		/* a layout that would run for hours: say so at once, with a way out */
		free(text);
		if (note) {
			free(*note); /* the error says what the condensing did */
			*note = NULL;
		}
		rc = error("%s", why);
		free(why);
		return rc;
	}

	/* Only errors from graphviz, not its layout warnings. */
	agseterr(AGERR);
	gvc = svg_context();
	if (!gvc) {
		free(text);
		return error("cannot start graphviz");
	}
	ag = agmemread(text);
	if (!ag) {
		rc = error("graphviz rejected the generated graph");
	} else {
		if (gvLayout(gvc, ag, "dot") != 0) {
			rc = error("graphviz could not lay out the graph");
		} else {
			if (gvRender(gvc, ag, "svg", f) != 0)
				rc = error("graphviz could not render svg");
			else if (fflush(f) || ferror(f))
				rc = error("cannot write the svg output");
			gvFreeLayout(gvc, ag);
		}
		agclose(ag);
	}
	free(text);
	return rc;
}
