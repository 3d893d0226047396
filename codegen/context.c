/*
 * context.c - from the manager graph to the JSON the templates render.
 *
 * The plan (creation order and routed edges) is computed once per run:
 * creation-time edges (ctor_param, instantiation) between the managers of
 * the requested language order the managers; run-time edges (attribute,
 * field) never do. With --break-cycles, the cut edges that lie on a
 * creation-time cycle are "routed": the constructor gets an event-bus
 * adapter instead of the manager, and the edge stops ordering. The graph's
 * own cut is used so the factory and `gen eventbus` agree; should it not
 * break every creation cycle (it is computed over all edges, so it should),
 * a cut of the creation subgraph completes it.
 */
#include "context.h"
#include "../analyzer/diag.h"
#include "../analyzer/util.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const default_host_params[] = {
	"algorithm", "algo", "host", "app", "application", "owner", "parent", "ctx", "context",
	NULL,
};

struct plan {
	const struct gen_request *rq;
	const struct manager_graph *mg;
	const struct graph *g;
	enum lang lang;
	int n;                 /* nodes */
	unsigned char *in;     /* per node: generated here (right language, not the host) */
	unsigned char *cmask;  /* per edge: creation-time edge between generated managers */
	unsigned char *routed; /* per edge: creation edge routed through the event bus */
	unsigned char *emask;  /* cmask minus routed: what orders the creation */
	int *layer;            /* per node */
	int *order, norder;    /* generated nodes in creation order */
	int *pos;              /* per node: index in order, or -1 */
	char *out_dir;         /* C: where the generated files go, for #include paths */
	char **local;          /* Python, per node: the name the class is imported as */
	signed char *generated; /* per scan file: 1 unravel's own output, 0 not, -1 not read yet */
};

/* Names the generated Python modules define or import themselves. */
static const char *const py_reserved[] = {
	"ManagerFactory", "ManagerCreationError", "EventBus", "Event", "Handler", "Any", "Dict",
	"List", "Tuple", "Callable", "logging", "dataclass", "field", NULL,
};

/* ---- small helpers ---- */

static json_t *jstr(const char *s)
{
	json_t *v;
	char *flat = NULL;
	/*
	 * No value may break a generated line: a folder named "x\nimport os"
	 * in a cloned tree would otherwise put code into a comment's next line.
	 */
	if (s && strpbrk(s, "\n\r")) {
		flat = xstrdup(s);
		for (char *c = flat; *c; c++)
			if (*c == '\n' || *c == '\r')
				*c = ' ';
		s = flat;
	}
	v = s ? json_string(s) : json_null();
	free(flat);
	return v ? v : json_string("?"); /* not UTF-8: never from a scan (frontends skip such files) */
}

static void set_str(json_t *o, const char *k, const char *s)
{
	json_object_set_new(o, k, jstr(s));
}

static void set_int(json_t *o, const char *k, long v)
{
	json_object_set_new(o, k, json_integer(v));
}

static void set_bool(json_t *o, const char *k, int v)
{
	json_object_set_new(o, k, json_boolean(v));
}

static int streq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static int is_ident(const char *s)
{
	if (!s || !(isalpha((unsigned char)*s) || *s == '_'))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/* "vix-manager.x" -> "vix_manager_x": a valid identifier (C and Python). */
static char *to_ident(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	sb_init(&sb);
	if (!isalpha((unsigned char)*s) && *s != '_')
		sb_addc(&sb, '_');
	for (; *s; s++)
		sb_addc(&sb, isalnum((unsigned char)*s) ? *s : '_');
	return sb_detach(&sb, NULL);
}

/* "MarketDataCache" -> "market_data_cache", "VIXManager" -> "vix_manager". */
static char *snake(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = strlen(s);
	sb_init(&sb);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isupper(c)) {
			int prev_lower = i > 0 && (islower((unsigned char)s[i - 1]) ||
						   isdigit((unsigned char)s[i - 1]));
			int next_lower = i + 1 < n && islower((unsigned char)s[i + 1]);
			if (i > 0 && s[i - 1] != '_' && (prev_lower || (next_lower && isupper((unsigned char)s[i - 1]))))
				sb_addc(&sb, '_');
			sb_addc(&sb, (char)tolower(c));
		} else {
			sb_addc(&sb, isalnum(c) ? (char)c : '_');
		}
	}
	return sb_detach(&sb, NULL);
}

/* "rebalance_engine" -> "RebalanceEngine". */
static char *camel(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	int up = 1;
	sb_init(&sb);
	for (; *s; s++) {
		if (!isalnum((unsigned char)*s)) {
			up = 1;
			continue;
		}
		sb_addc(&sb, up ? (char)toupper((unsigned char)*s) : *s);
		up = 0;
	}
	return sb_detach(&sb, NULL);
}

static char *upper(const char *s)
{
	char *u = to_ident(s);
	for (char *p = u; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return u;
}

/*
 * Whether a type annotation names class cls: one of its identifiers is cls,
 * or the same in snake_case ("GreeksCache *" names greeks_cache).
 */
static int names_class(const char *annotation, const char *cls)
{
	char *want;
	int hit = 0;
	if (!annotation || !cls)
		return 0;
	want = snake(cls);
	for (const char *s = annotation; *s && !hit;) {
		const char *b = s;
		char *word, *sw;
		while (*s && (isalnum((unsigned char)*s) || *s == '_'))
			s++;
		if (s == b) {
			s++;
			continue;
		}
		word = xstrndup(b, (size_t)(s - b));
		sw = snake(word);
		hit = !strcmp(word, cls) || !strcmp(sw, want);
		free(word);
		free(sw);
	}
	free(want);
	return hit;
}

/* Whether word occurs in s as a whole identifier. */
static int has_word(const char *s, const char *word)
{
	size_t n = strlen(word);
	if (!s || !n)
		return 0;
	for (const char *p = strstr(s, word); p; p = strstr(p + 1, word)) {
		int before = p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
		int after = isalnum((unsigned char)p[n]) || p[n] == '_';
		if (!before && !after)
			return 1;
	}
	return 0;
}

/* s made safe inside a comment of either language: no newlines, no end of a C comment. */
static char *comment_safe(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	sb_init(&sb);
	for (; s && *s; s++) {
		if (*s == '\n' || *s == '\r')
			sb_addc(&sb, ' ');
		else if (*s == '*' && s[1] == '/')
			sb_adds(&sb, "* ");
		else
			sb_addc(&sb, *s);
	}
	return sb_detach(&sb, NULL);
}

/* A value the templates put inside comments (paths, evidence): no line break, no "*" "/". */
static void set_comment_str(json_t *o, const char *k, const char *s)
{
	char *safe = s ? comment_safe(s) : NULL;
	set_str(o, k, safe);
	free(safe);
}

/* The last dotted component of s. */
static const char *last_part(const char *s)
{
	const char *dot = strrchr(s, '.');
	return dot ? dot + 1 : s;
}

static const char *edge_how(const struct gedge *e)
{
	return e->how ? e->how : e->text;
}

static int is_creation_kind(const char *kind)
{
	return streq(kind, "ctor_param") || streq(kind, "instantiation");
}

static const struct manager *mgr(const struct plan *p, int node)
{
	return &p->mg->managers[node];
}

/* ---- the plan ---- */

static void plan_release(struct plan *p)
{
	free(p->in);
	free(p->cmask);
	free(p->routed);
	free(p->emask);
	free(p->layer);
	free(p->order);
	free(p->pos);
	free(p->out_dir);
	free(p->generated);
	for (int i = 0; p->local && i < p->n; i++)
		free(p->local[i]);
	free(p->local);
}

/*
 * Whether file is one unravel generated (its header carries the marker):
 * its classes are our own output, not the project's managers, so running
 * a generator again over a tree holding its output gives the same result.
 */
static int is_generated(const char *file)
{
	char buf[512];
	size_t n;
	FILE *f = file ? fopen(file, "rb") : NULL;
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	return strstr(buf, "@generated by unravel") != NULL;
}

static int is_host(const struct manager_graph *mg, const struct manager *m)
{
	return mg->host_class && streq(m->cls, mg->host_class) &&
	       (!mg->host_module || !m->module || streq(m->module, mg->host_module));
}

/* Mark every creation edge joining the same pair as edge e. */
static void route_pair(struct plan *p, int e)
{
	const struct gedge *x = &p->g->edges[e];
	for (int i = 0; i < p->g->nedges; i++) {
		const struct gedge *y = &p->g->edges[i];
		if (y->from == x->from && y->to == x->to && p->cmask[i])
			p->routed[i] = 1;
	}
}

static void update_emask(struct plan *p)
{
	for (int i = 0; i < p->g->nedges; i++)
		p->emask[i] = p->cmask[i] && !p->routed[i];
}

static void print_cycles(const struct plan *p, const struct scc_set *set)
{
	const struct graph *g = p->g;
	fprintf(stderr, "unravel: cannot order the managers: %s at creation time\n",
		set->n == 1 ? "a cycle" : "cycles");
	for (int c = 0; c < set->n; c++) {
		int *cyc = NULL, k = 0;
		if (graph_scc_cycle(g, p->cmask, set, c, &cyc, &k) < 0 || !k) {
			free(cyc);
			continue;
		}
		fputs("  ", stderr);
		for (int i = 0; i < k; i++)
			fprintf(stderr, "%s -> ", mgr(p, g->edges[cyc[i]].from)->name);
		fprintf(stderr, "%s\n", mgr(p, g->edges[cyc[0]].from)->name);
		for (int i = 0; i < k; i++) {
			const struct gedge *e = &g->edges[cyc[i]];
			fprintf(stderr, "    %s:%d: %s needs %s (%s%s%s)\n", e->file ? e->file : "?",
				e->line, mgr(p, e->from)->cls, mgr(p, e->to)->cls, e->kind,
				edge_how(e) ? ": " : "", edge_how(e) ? edge_how(e) : "");
		}
		free(cyc);
	}
	fputs("unravel: hint: --break-cycles creates them anyway, wiring the cut edges through "
	      "the event bus\n",
	      stderr);
}

static int cmp_order(const void *a, const void *b, void *arg)
{
	const struct plan *p = arg;
	int x = *(const int *)a, y = *(const int *)b;
	if (p->layer[x] != p->layer[y])
		return p->layer[x] < p->layer[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * Compute the plan. break_cycles: route cut edges on creation cycles
 * instead of refusing. Returns 0, or -1 after printing the cycles
 * (*status = EXIT_FOUND).
 */
static int plan_build(struct plan *p, const struct gen_request *rq, int break_cycles, int *status)
{
	const struct manager_graph *mg = rq->mg;
	const struct graph *g = mg->g;
	struct scc_set set;
	int ne = g->nedges;

	memset(p, 0, sizeof(*p));
	p->rq = rq;
	p->mg = mg;
	p->g = g;
	p->lang = streq(rq->lang, "c") ? LANG_C : LANG_PYTHON;
	p->n = g->nnodes;
	p->in = xcalloc((size_t)p->n + 1, 1);
	p->cmask = xcalloc((size_t)ne + 1, 1);
	p->routed = xcalloc((size_t)ne + 1, 1);
	p->emask = xcalloc((size_t)ne + 1, 1);
	p->layer = xcalloc((size_t)p->n + 1, sizeof(int));
	p->order = xcalloc((size_t)p->n + 1, sizeof(int));
	p->pos = xcalloc((size_t)p->n + 1, sizeof(int));
	for (int i = 0; i < p->n && i < mg->nmanagers; i++)
		p->in[i] = mg->managers[i].lang == p->lang && !is_host(mg, &mg->managers[i]) &&
			   !is_generated(mg->managers[i].file);
	for (int e = 0; e < ne; e++) {
		const struct gedge *x = &g->edges[e];
		int creation = mg->creation_mask ? mg->creation_mask[e] : is_creation_kind(x->kind);
		p->cmask[e] = creation && p->in[x->from] && p->in[x->to];
	}

	graph_sccs(g, p->cmask, &set);
	if (set.n && !break_cycles) {
		print_cycles(p, &set);
		scc_set_release(&set);
		*status = EXIT_FOUND;
		return -1;
	}
	if (set.n) {
		for (int i = 0; i < mg->ncut; i++) {
			const struct gedge *x = &g->edges[mg->cut[i]];
			if (p->cmask[mg->cut[i]] && set.comp[x->from] >= 0 &&
			    set.comp[x->from] == set.comp[x->to])
				route_pair(p, mg->cut[i]);
		}
	}
	scc_set_release(&set);
	update_emask(p);
	graph_sccs(g, p->emask, &set);
	if (set.n) {
		int *cut = NULL, ncut = 0;
		graph_cut(g, p->emask, &cut, &ncut);
		for (int i = 0; i < ncut; i++)
			route_pair(p, cut[i]);
		free(cut);
		update_emask(p);
	}
	scc_set_release(&set);

	graph_layers(g, p->emask, NULL, 0, p->layer);
	for (int i = 0; i < p->n; i++) {
		p->pos[i] = -1;
		if (p->in[i])
			p->order[p->norder++] = i;
	}
	qsort_r(p->order, (size_t)p->norder, sizeof(int), cmp_order, p);
	for (int i = 0; i < p->norder; i++)
		p->pos[p->order[i]] = i;

	/*
	 * Python: import a class under another name when its own would clash
	 * with a name the generated module defines (the project's own
	 * ManagerFactory, EventBus) or with another manager's class.
	 */
	p->local = xcalloc((size_t)p->n + 1, sizeof(char *));
	for (int k = 0; k < p->norder; k++) {
		int i = p->order[k], clash = 0;
		const struct manager *m = mgr(p, i);
		for (const char *const *r = py_reserved; *r && !clash; r++)
			clash = !strcmp(*r, m->cls);
		for (int j = 0; j < p->norder && !clash; j++) {
			const struct manager *o = mgr(p, p->order[j]);
			clash = p->order[j] != i && !strcmp(o->cls, m->cls);
		}
		if (clash) {
			const char *mod = m->import_module ? m->import_module : m->module;
			char *last = to_ident(mod ? last_part(mod) : "project");
			p->local[i] = xstrfmt("_%s_%s", last, m->cls);
			free(last);
		} else {
			p->local[i] = xstrdup(m->cls);
		}
	}
	return 0;
}

/* ---- constructor parameters ---- */

int context_is_host_param(const struct config *cfg, const struct fact_param *prm,
			  const char *host_class, enum lang lang)
{
	int n = 0, hit = 0;
	char **names = cfg ? config_get_list(cfg, "unravel:factory", "host_params", &n) : NULL;

	if (names) {
		for (int i = 0; i < n && !hit; i++)
			hit = streq(names[i], prm->name);
		config_list_free(names);
	} else {
		for (const char *const *h = default_host_params; *h && !hit; h++)
			hit = streq(*h, prm->name);
	}
	if (!hit && host_class && has_word(prm->annotation, host_class))
		hit = 1;
	if (!hit && lang == LANG_C && prm->annotation) {
		/* "void *" (any spacing, maybe const) */
		char buf[64];
		size_t k = 0;
		for (const char *s = prm->annotation; *s && k + 1 < sizeof(buf); s++)
			if (*s != ' ')
				buf[k++] = *s;
		buf[k] = 0;
		hit = !strcmp(buf, "void*") || !strcmp(buf, "constvoid*");
	}
	return hit;
}

/*
 * The generated manager constructor parameter prm of node self stands
 * for, or -1: first a creation edge from self to a manager the parameter
 * names (by annotation or by name), then any manager named so.
 */
static int param_manager(const struct plan *p, int self, const struct fact_param *prm)
{
	const struct graph *g = p->g;
	int best = -1;
	/* the managers self has a creation-time edge to: one pass over the edges, not one per manager */
	unsigned char *linked = xcalloc((size_t)p->n + 1, 1);

	for (int e = 0; e < g->nedges; e++)
		if (g->edges[e].from == self && p->cmask[e] && g->edges[e].to >= 0 &&
		    g->edges[e].to < p->n)
			linked[g->edges[e].to] = 1;
	for (int pass = 0; pass < 2 && best < 0; pass++) {
		for (int i = 0; i < p->n && best < 0; i++) {
			const struct manager *m;
			char *sn;
			if (!p->in[i] || i == self)
				continue;
			if (pass == 0 && !linked[i])
				continue;
			m = mgr(p, i);
			if (names_class(prm->annotation, m->cls) || streq(prm->name, m->name) ||
			    streq(prm->name, m->attr)) {
				best = i;
				break;
			}
			sn = snake(m->cls);
			if (streq(prm->name, sn))
				best = i;
			free(sn);
		}
	}
	free(linked);
	return best;
}

/* The edge self -> target that is routed, or -1. */
static int routed_edge(const struct plan *p, int self, int target)
{
	for (int e = 0; e < p->g->nedges; e++)
		if (p->routed[e] && p->g->edges[e].from == self && p->g->edges[e].to == target)
			return e;
	return -1;
}

/* Names of an event between from and to (both manager names). */
struct event_names {
	char *id;        /* "rebalance_engine_to_hedge_executor" */
	char *konst;     /* "REBALANCE_ENGINE_TO_HEDGE_EXECUTOR" */
	char *type;      /* "rebalance_engine->hedge_executor" */
	char *cls;       /* "RebalanceEngineToHedgeExecutor" */
	char *publisher; /* "...Publisher" */
	char *subscriber;
};

static void event_names(struct event_names *en, const struct manager *from,
			const struct manager *to)
{
	char *a = to_ident(from->name), *b = to_ident(to->name);
	en->id = xstrfmt("%s_to_%s", a, b);
	en->konst = upper(en->id);
	en->type = xstrfmt("%s->%s", from->name, to->name);
	en->cls = camel(en->id);
	en->publisher = xstrfmt("%sPublisher", en->cls);
	en->subscriber = xstrfmt("%sSubscriber", en->cls);
	free(a);
	free(b);
}

static void event_names_release(struct event_names *en)
{
	free(en->id);
	free(en->konst);
	free(en->type);
	free(en->cls);
	free(en->publisher);
	free(en->subscriber);
}

static json_t *edge_json(const struct plan *p, int e)
{
	const struct gedge *x = &p->g->edges[e];
	const struct manager *to = mgr(p, x->to);
	json_t *o = json_object();
	char *raw = xstrfmt("%s:%d: %s%s%s", x->file ? x->file : "?", x->line, x->kind,
			    edge_how(x) ? ", " : "", edge_how(x) ? edge_how(x) : "");
	char *ev = comment_safe(raw);
	free(raw);
	set_str(o, "name", to->name);
	set_str(o, "class", to->cls);
	set_str(o, "from", mgr(p, x->from)->name);
	set_str(o, "to", to->name);
	set_str(o, "kind", x->kind);
	set_comment_str(o, "file", x->file);
	set_int(o, "line", x->line);
	set_comment_str(o, "how", edge_how(x));
	set_comment_str(o, "evidence", ev);
	free(ev);
	return o;
}

/* Whether edge e is the first (sorted) of its pair among the edges kept by mask (NULL: all). */
static int first_of_pair(const struct graph *g, const unsigned char *mask, int e)
{
	for (int i = 0; i < e; i++)
		if ((!mask || mask[i]) && g->edges[i].from == g->edges[e].from &&
		    g->edges[i].to == g->edges[e].to)
			return 0;
	return 1;
}

/* Python: how the factory refers to a created manager. */
static char *py_ref(const struct manager *m)
{
	return xstrfmt("self._managers[\"%s\"]", m->name);
}

/*
 * Resolve manager node i's constructor arguments into args (JSON list) and
 * call text; problems are appended to errs. Python: the host positionally
 * when it is the first parameter, everything else by keyword; C: all
 * positionally.
 */
static void resolve_args(const struct plan *p, int i, int first, json_t *args,
			 struct strbuf *call, struct strbuf *errs)
{
	const struct manager *m = mgr(p, i);
	const struct config *cfg = p->rq->cfg;
	int c_lang = p->lang == LANG_C, nargs = first;

	for (int k = first; k < m->nparams; k++) {
		const struct fact_param *prm = &m->params[k];
		json_t *a;
		const char *pass = NULL, *conf = NULL, *with = NULL;
		char *value = NULL, *key;
		int target = -1, keyword = !c_lang;

		if (!prm->name || !strcmp(prm->name, "/") || !strcmp(prm->name, "*") ||
		    starts_with(prm->name, "*"))
			continue; /* markers, *args and **kwargs take nothing */
		key = xstrfmt("args.%s.%s", m->cls, prm->name);
		conf = cfg ? config_get(cfg, "unravel:factory", key) : NULL;
		free(key);
		if (conf) {
			pass = "config";
			value = xstrdup(conf);
		} else if (context_is_host_param(cfg, prm, p->mg->host_class, p->lang)) {
			pass = "host";
			value = xstrdup(c_lang ? "host" : "self.host");
			keyword = !c_lang && k > 0;
		} else if ((target = param_manager(p, i, prm)) >= 0) {
			const struct manager *t = mgr(p, target);
			if (routed_edge(p, i, target) >= 0) {
				struct event_names en;
				event_names(&en, m, t);
				pass = "publisher";
				value = c_lang ? xstrdup("NULL")
					       : xstrfmt("%s(self.event_bus)", en.publisher);
				event_names_release(&en);
			} else if (p->pos[target] < p->pos[i]) {
				pass = "manager";
				if (c_lang) {
					char *id = to_ident(t->name);
					value = xstrfmt("f->%s", id);
					free(id);
				} else {
					value = py_ref(t);
				}
			} else if (!prm->has_default) {
				sb_addf(errs, "  parameter '%s' of %s (%s:%d) needs %s, which is created "
					      "after it\n",
					prm->name, m->cls, m->file ? m->file : "?", m->line, t->name);
				continue;
			}
			with = t->name;
		}
		if (!pass && prm->has_default)
			pass = "omitted";
		if (!pass) {
			sb_addf(errs,
				"  parameter '%s' of %s (%s:%d) is not the host, a manager or "
				"defaulted; set it with [unravel:factory] args.%s.%s = %s\n",
				prm->name, m->cls, m->file ? m->file : "?", m->line, m->cls, prm->name,
				c_lang ? "C-EXPRESSION" : "PYTHON-EXPRESSION");
			continue;
		}
		a = json_object();
		set_str(a, "param", prm->name);
		set_str(a, "annotation", prm->annotation);
		set_str(a, "pass", pass);
		set_str(a, "value", value);
		set_str(a, "manager", with);
		if (value) {
			char *text = keyword ? xstrfmt("%s=%s", prm->name, value) : xstrdup(value);
			set_str(a, "text", text);
			sb_addf(call, "%s%s", nargs++ ? ", " : "", text);
			free(text);
		} else {
			json_object_set_new(a, "text", json_null());
		}
		json_array_append_new(args, a);
		free(value);
	}
}

/*
 * Managers that need node i at creation time, directly or not, in creation
 * order; text gets them comma-separated, quoted the same list.
 */
static json_t *blocks_of(const struct plan *p, int i, struct strbuf *text, struct strbuf *quoted)
{
	const struct graph *g = p->g;
	unsigned char *seen = xcalloc((size_t)p->n + 1, 1);
	int *queue = xmalloc(sizeof(int) * ((size_t)p->n + 1)), qh = 0, qt = 0;
	/* the masked edges grouped by target: one pass, not one per manager reached */
	int *start = xcalloc((size_t)p->n + 2, sizeof(int));
	int *from = xmalloc(sizeof(int) * ((size_t)g->nedges + 1));
	json_t *list = json_array();

	for (int e = 0; e < g->nedges; e++)
		if (p->emask[e] && g->edges[e].to >= 0 && g->edges[e].to < p->n)
			start[g->edges[e].to + 2]++;
	for (int k = 0; k < p->n; k++)
		start[k + 2] += start[k + 1];
	for (int e = 0; e < g->nedges; e++)
		if (p->emask[e] && g->edges[e].to >= 0 && g->edges[e].to < p->n)
			from[start[g->edges[e].to + 1]++] = g->edges[e].from;
	seen[i] = 1;
	queue[qt++] = i;
	while (qh < qt) {
		int x = queue[qh++];
		for (int k = start[x]; k < start[x + 1]; k++)
			if (!seen[from[k]]) {
				seen[from[k]] = 1;
				queue[qt++] = from[k];
			}
	}
	free(start);
	free(from);
	for (int k = 0; k < p->norder; k++) {
		int x = p->order[k];
		if (x != i && seen[x]) {
			json_array_append_new(list, jstr(mgr(p, x)->name));
			sb_addf(text, "%s%s", text->len ? ", " : "", mgr(p, x)->name);
			sb_addf(quoted, "%s\"%s\"", quoted->len ? ", " : "", mgr(p, x)->name);
		}
	}
	free(seen);
	free(queue);
	return list;
}

/*
 * file as seen from folder dir ("../src/x.h"), so that a quoted #include in
 * a file in dir finds it without -I flags; file itself when either path
 * cannot be resolved.
 */
static char *rel_path(const char *dir, const char *file)
{
	char a[PATH_MAX + 1], b[PATH_MAX + 1];
	struct strbuf sb = STRBUF_INIT;
	size_t common = 0, i;

	if (!realpath(dir, a) || !realpath(file, b))
		return xstrdup(file);
	strcat(a, "/");
	/* common = length of the longest common prefix ending with '/' */
	for (i = 0; a[i] && a[i] == b[i]; i++)
		if (a[i] == '/')
			common = i + 1;
	sb_init(&sb);
	for (i = common; a[i]; i++)
		if (a[i] == '/')
			sb_adds(&sb, "../");
	sb_adds(&sb, b + common);
	return sb_detach(&sb, NULL);
}

/* C: the header declaring a manager's constructor (its file, or the .h beside a .c). */
static char *c_header(const struct plan *p, const struct manager *m)
{
	const char *file = m->file;
	char *h, *rel;
	if (!file || !(ends_with(file, ".h") || ends_with(file, ".c")))
		return NULL;
	h = xstrdup(file);
	h[strlen(h) - 1] = 'h';
	if (!ends_with(file, ".h") && p->rq->scan && !scan_find(p->rq->scan, h)) {
		free(h);
		return NULL;
	}
	rel = rel_path(p->out_dir ? p->out_dir : ".", h);
	free(h);
	return rel;
}

/* "struct ledger *" -> the pointed-to type "struct ledger", for sizeof in *_init style. */
static char *pointee(const char *type)
{
	size_t n;
	if (!type)
		return NULL;
	n = strlen(type);
	while (n && type[n - 1] == ' ')
		n--;
	if (!n || type[n - 1] != '*')
		return NULL;
	n--;
	while (n && type[n - 1] == ' ')
		n--;
	return xstrndup(type, n);
}

/* Common top-level keys of every context. */
static json_t *context_doc(const struct plan *p)
{
	const struct manager_graph *mg = p->mg;
	json_t *doc = json_object(), *host;
	char *cmd;
	const char *bus = p->rq->cfg ? config_get(p->rq->cfg, "unravel:factory", "bus_module") : NULL;

	set_str(doc, "tool", "unravel");
	set_str(doc, "version", UNRAVEL_VERSION);
	set_str(doc, "command", p->rq->command_line);
	cmd = comment_safe(p->rq->command_line);
	set_str(doc, "command_comment", cmd);
	free(cmd);
	set_str(doc, "lang", p->lang == LANG_C ? "c" : "python");
	set_bool(doc, "break_cycles", p->rq->break_cycles);
	set_str(doc, "bus_module", bus ? bus : "event_bus");
	if (mg->host_class) {
		host = json_object();
		set_str(host, "class", mg->host_class);
		set_str(host, "module", mg->host_module);
		set_comment_str(host, "file", mg->host_file);
		set_int(host, "line", mg->host_line);
		json_object_set_new(doc, "host", host);
	} else {
		json_object_set_new(doc, "host", json_null());
	}
	return doc;
}

static int cmp_json_module(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Python imports: one line per module, names sorted. */
static json_t *py_imports(const struct plan *p)
{
	const char **keys = xcalloc((size_t)p->norder + 1, sizeof(char *));
	json_t *list = json_array();
	struct arena *tmp = arena_new();
	int n = 0;

	for (int k = 0; k < p->norder; k++) {
		const struct manager *m = mgr(p, p->order[k]);
		keys[n++] = m->import_module ? m->import_module : m->module;
	}
	qsort(keys, (size_t)n, sizeof(char *), cmp_json_module);
	for (int k = 0; k < n; k++) {
		const char **names;
		int nn = 0;
		struct strbuf sb = STRBUF_INIT;
		json_t *o;
		if (k && !strcmp(keys[k], keys[k - 1]))
			continue;
		names = xcalloc((size_t)p->norder + 1, sizeof(char *));
		for (int j = 0; j < p->norder; j++) {
			const struct manager *m = mgr(p, p->order[j]);
			const char *mod = m->import_module ? m->import_module : m->module;
			if (!strcmp(mod, keys[k]))
				names[nn++] = strcmp(p->local[p->order[j]], m->cls)
						      ? arena_strfmt(tmp, "%s as %s", m->cls,
								     p->local[p->order[j]])
						      : m->cls;
		}
		qsort(names, (size_t)nn, sizeof(char *), cmp_json_module);
		sb_init(&sb);
		for (int j = 0; j < nn; j++)
			if (!j || strcmp(names[j], names[j - 1]))
				sb_addf(&sb, "%s%s", sb.len ? ", " : "", names[j]);
		o = json_object();
		set_str(o, "module", keys[k]);
		set_str(o, "names", sb.buf);
		json_array_append_new(list, o);
		sb_release(&sb);
		free(names);
	}
	free(keys);
	arena_free(tmp);
	return list;
}

static json_t *c_includes(const struct plan *p)
{
	char **paths = xcalloc((size_t)p->norder + 1, sizeof(char *));
	json_t *list = json_array();
	int n = 0;

	for (int k = 0; k < p->norder; k++) {
		char *h = c_header(p, mgr(p, p->order[k]));
		if (h)
			paths[n++] = h;
	}
	qsort(paths, (size_t)n, sizeof(char *), cmp_json_module);
	for (int k = 0; k < n; k++) {
		if (!k || strcmp(paths[k], paths[k - 1])) {
			json_t *o = json_object();
			set_str(o, "path", paths[k]);
			json_array_append_new(list, o);
		}
	}
	for (int k = 0; k < n; k++)
		free(paths[k]);
	free(paths);
	return list;
}

static json_t *cut_json(const struct plan *p)
{
	json_t *list = json_array();
	for (int i = 0; i < p->mg->ncut; i++) {
		int e = p->mg->cut[i];
		const struct gedge *x = &p->g->edges[e];
		json_t *o;
		if (!p->in[x->from] || !p->in[x->to])
			continue;
		o = edge_json(p, e);
		set_bool(o, "routed", p->routed[e]);
		json_array_append_new(list, o);
	}
	return list;
}

/* ---- the factory ---- */

json_t *factory_context(const struct gen_request *rq, int *status)
{
	struct plan p;
	json_t *doc, *managers, *order, *routed;
	struct strbuf errs = STRBUF_INIT;
	int uses_bus = 0;

	if (plan_build(&p, rq, rq->break_cycles, status) < 0) {
		plan_release(&p);
		return NULL;
	}
	if (rq->output && strrchr(rq->output, '/'))
		p.out_dir = xstrndup(rq->output, (size_t)(strrchr(rq->output, '/') - rq->output));
	sb_init(&errs);
	doc = context_doc(&p);
	managers = json_array();
	order = json_array();
	routed = json_array();
	for (int k = 0; k < p.norder; k++) {
		int i = p.order[k];
		const struct manager *m = mgr(&p, i);
		json_t *o = json_object(), *args = json_array(), *needs = json_array(),
		       *uses = json_array(), *rneeds = json_array(), *subs = json_array();
		struct strbuf call = STRBUF_INIT, blocks = STRBUF_INIT, quoted = STRBUF_INIT;
		char *ident = to_ident(m->name), *alloc = NULL;
		int init_style = 0;

		sb_init(&call);
		sb_init(&blocks);
		sb_init(&quoted);
		if (p.lang == LANG_PYTHON && !m->import_module && !m->module)
			sb_addf(&errs, "  %s (%s:%d) is not in an importable module\n", m->cls,
				m->file ? m->file : "?", m->line);
		if (p.lang == LANG_C && !m->ctor)
			sb_addf(&errs, "  %s (%s:%d) has no constructor function (%s_create, _new or "
				       "_init)\n",
				m->cls, m->file ? m->file : "?", m->line, m->cls);
		if (p.lang == LANG_C) {
			/* x_init(struct x *self, ...) initialises memory the factory allocates. */
			init_style = m->ctor && ends_with(m->ctor, "_init") && m->nparams > 0;
			alloc = init_style ? pointee(m->params[0].annotation) : NULL;
			if (init_style && !alloc)
				sb_addf(&errs, "  %s: cannot tell what %s initialises from its first "
					       "parameter\n", m->cls, m->ctor);
			if (init_style)
				sb_adds(&call, "obj");
		}
		resolve_args(&p, i, init_style, args, &call, &errs);

		for (int e = 0; e < p.g->nedges; e++) {
			const struct gedge *x = &p.g->edges[e];
			int any_routed = 0, any_creation = 0, first_creation = -1;
			if (x->from != i || !p.in[x->to] || x->to == i || !first_of_pair(p.g, NULL, e))
				continue;
			for (int j = e; j < p.g->nedges; j++) {
				if (p.g->edges[j].from != i || p.g->edges[j].to != x->to)
					continue;
				any_routed |= p.routed[j];
				any_creation |= p.cmask[j];
				if (p.cmask[j] && first_creation < 0)
					first_creation = j;
			}
			if (any_routed) {
				struct event_names en;
				json_t *ej = edge_json(&p, first_creation);
				event_names(&en, m, mgr(&p, x->to));
				set_str(ej, "event", en.konst);
				set_str(ej, "publisher", en.publisher);
				set_str(ej, "subscriber", en.subscriber);
				set_str(ej, "id", en.id);
				json_array_append_new(rneeds, ej);
				json_array_append(routed, ej);
				event_names_release(&en);
			} else if (any_creation) {
				json_array_append_new(needs, edge_json(&p, first_creation));
			} else {
				json_array_append_new(uses, edge_json(&p, e));
			}
		}
		/* Adapters that deliver to this manager once it exists. */
		for (int e = 0; e < p.g->nedges; e++) {
			const struct gedge *x = &p.g->edges[e];
			struct event_names en;
			json_t *so;
			if (!p.routed[e] || x->to != i || !first_of_pair(p.g, p.routed, e))
				continue;
			event_names(&en, mgr(&p, x->from), m);
			so = json_object();
			set_str(so, "event", en.konst);
			set_str(so, "id", en.id);
			set_str(so, "subscriber", en.subscriber);
			set_str(so, "from", mgr(&p, x->from)->name);
			json_array_append_new(subs, so);
			event_names_release(&en);
			uses_bus = 1;
		}

		set_int(o, "index", k);
		set_str(o, "name", m->name);
		set_str(o, "ident", ident);
		set_str(o, "class", m->cls);
		set_str(o, "local", p.local[i]);
		set_str(o, "module", m->module);
		set_str(o, "import_module", m->import_module ? m->import_module : m->module);
		set_comment_str(o, "file", m->file);
		set_int(o, "line", m->line);
		set_str(o, "category", m->category);
		set_str(o, "attr", m->attr);
		set_bool(o, "bind", p.lang == LANG_PYTHON && is_ident(m->attr));
		set_int(o, "layer", p.layer[i]);
		set_str(o, "ctor", m->ctor);
		set_str(o, "dtor", m->dtor);
		{
			char *text = xstrfmt("%s(%s)", p.lang == LANG_C ? (m->ctor ? m->ctor : "?") : p.local[i],
					     call.buf);
			set_str(o, "call", text);
			free(text);
		}
		set_bool(o, "init_style", init_style);
		set_str(o, "alloc_type", alloc);
		set_bool(o, "free_after", init_style && !(m->dtor && (ends_with(m->dtor, "_free") ||
								      ends_with(m->dtor, "_destroy"))));
		free(alloc);
		json_object_set_new(o, "args", args);
		json_object_set_new(o, "needs", needs);
		json_object_set_new(o, "uses", uses);
		json_object_set_new(o, "routed_needs", rneeds);
		json_object_set_new(o, "subscribers", subs);
		json_object_set_new(o, "blocks", blocks_of(&p, i, &blocks, &quoted));
		set_str(o, "blocks_text", blocks.len ? blocks.buf : "none");
		set_str(o, "blocks_quoted", quoted.buf);
		set_bool(o, "first", k == 0);
		set_bool(o, "last", k == p.norder - 1);
		json_array_append_new(managers, o);
		json_array_append_new(order, jstr(m->name));
		sb_release(&call);
		sb_release(&blocks);
		sb_release(&quoted);
		free(ident);
	}
	if (errs.len) {
		fprintf(stderr, "unravel: error: cannot generate the factory:\n%s", errs.buf);
		sb_release(&errs);
		json_decref(doc);
		json_decref(managers);
		json_decref(order);
		json_decref(routed);
		plan_release(&p);
		*status = EXIT_FATAL;
		return NULL;
	}
	set_bool(doc, "uses_bus", uses_bus);
	json_object_set_new(doc, "creation_order", order);
	{
		json_t *rev = json_array();
		for (size_t k = json_array_size(managers); k > 0; k--)
			json_array_append(rev, json_array_get(managers, k - 1));
		json_object_set_new(doc, "managers_reversed", rev);
	}
	json_object_set_new(doc, "managers", managers);
	json_object_set_new(doc, "routed", routed);
	json_object_set_new(doc, "cut", cut_json(&p));
	if (p.lang == LANG_PYTHON)
		json_object_set_new(doc, "imports", py_imports(&p));
	else
		json_object_set_new(doc, "includes", c_includes(&p));
	sb_release(&errs);
	plan_release(&p);
	*status = EXIT_CLEAN;
	return doc;
}

/* ---- the event bus ---- */

/* Whether scan file fi is unravel's own output (read once). */
static int generated_file(struct plan *p, size_t fi)
{
	const struct scan *s = p->rq->scan;
	if (!p->generated) {
		p->generated = xmalloc(s->nfiles + 1);
		memset(p->generated, -1, s->nfiles + 1);
	}
	if (p->generated[fi] < 0)
		p->generated[fi] = (signed char)is_generated(s->files[fi]->path);
	return p->generated[fi];
}

static const struct file_facts *facts_of(const struct plan *p, const char *file)
{
	return p->rq->scan && file ? scan_find(p->rq->scan, file) : NULL;
}

static const struct fact_param *param_named(const struct manager *m, const char *name)
{
	for (int k = 0; k < m->nparams; k++)
		if (streq(m->params[k].name, name))
			return &m->params[k];
	return NULL;
}


/*
 * Python: the expressions through which A's code reaches B: self.X where
 * __init__ stores the constructor parameter standing for B, or binds a new
 * B, and any self.<host>.<B's host attribute>.
 */
static int py_holds(const struct plan *p, int a, int b, const char *host)
{
	const struct manager *ma = mgr(p, a), *mb = mgr(p, b);
	const struct file_facts *ff = facts_of(p, ma->file);

	if (!host || !starts_with(host, "self."))
		return 0;
	if (mb->attr && is_ident(mb->attr) && strchr(host + 5, '.') && ends_with(host, mb->attr) &&
	    host[strlen(host) - strlen(mb->attr) - 1] == '.')
		return 1;
	if (!ff)
		return 0;
	for (size_t r = 0; r < ff->nrefs; r++) {
		const struct fact_ref *x = &ff->refs[r];
		if (!streq(x->cls, ma->cls) || !x->attr || strcmp(host + 5, x->attr))
			continue;
		if (x->kind == REF_SELF_ATTR) {
			const struct fact_param *prm = param_named(ma, x->value);
			if (prm && param_manager(p, a, prm) == b)
				return 1;
		} else if (x->kind == REF_BIND && streq(x->host, "self") && x->value &&
			   streq(last_part(x->value), mb->cls)) {
			return 1;
		}
	}
	return 0;
}

/* Python: B's public method called name, or NULL. */
static const struct fact_func *py_method(const struct plan *p, int b, const char *name)
{
	const struct manager *mb = mgr(p, b);
	const struct file_facts *ff = facts_of(p, mb->file);
	if (!ff || !name || name[0] == '_')
		return NULL;
	for (size_t k = 0; k < ff->nfuncs; k++) {
		const struct fact_func *f = &ff->funcs[k];
		if (streq(f->cls, mb->cls) && streq(last_part(f->name), name) &&
		    strlen(f->name) == strlen(mb->cls) + 1 + strlen(name))
			return f;
	}
	return NULL;
}

/*
 * Python publisher method: the signature of B's method (defaults become a
 * sentinel, so only what the caller passed is forwarded) and the call that
 * packs the arguments into the event.
 */
static json_t *py_method_json(const struct fact_func *f)
{
	json_t *o = json_object(), *params = json_array();
	struct strbuf sig = STRBUF_INIT, pos = STRBUF_INIT, kw = STRBUF_INIT, call = STRBUF_INIT;
	const char *star = NULL, *dstar = NULL;
	int kwonly = 0, npos = 0;

	sb_init(&sig);
	sb_init(&pos);
	sb_init(&kw);
	sb_init(&call);
	sb_adds(&sig, "self");
	for (int k = 0; k < f->nparams; k++) {
		const struct fact_param *prm = &f->params[k];
		const char *n = prm->name;
		if (!n)
			continue;
		json_array_append_new(params, jstr(n));
		if (!strcmp(n, "/")) {
			sb_adds(&sig, ", /");
			continue;
		}
		if (!strcmp(n, "*")) {
			sb_adds(&sig, ", *");
			kwonly = 1;
			continue;
		}
		if (starts_with(n, "**")) {
			sb_addf(&sig, ", %s", n);
			dstar = n + 2;
			continue;
		}
		if (starts_with(n, "*")) {
			sb_addf(&sig, ", %s", n);
			star = n + 1;
			kwonly = 1;
			continue;
		}
		sb_addf(&sig, ", %s%s", n, prm->has_default ? "=_UNSET" : "");
		if (prm->has_default || kwonly) {
			sb_addf(&kw, "%s\"%s\": %s", kw.len ? ", " : "", n, n);
		} else {
			sb_addf(&pos, "%s%s", npos ? ", " : "", n);
			npos++;
		}
	}
	sb_addf(&call, "self._call(\"%s\", (%s%s)", last_part(f->name), pos.buf, npos == 1 ? "," : "");
	if (star)
		sb_addf(&call, " + tuple(%s)", star);
	if (dstar)
		sb_addf(&call, ", {%s%s**%s})", kw.buf, kw.len ? ", " : "", dstar);
	else
		sb_addf(&call, ", {%s})", kw.buf);
	set_str(o, "name", last_part(f->name));
	set_str(o, "signature", sig.buf);
	set_str(o, "call", call.buf);
	json_object_set_new(o, "params", params);
	sb_release(&sig);
	sb_release(&pos);
	sb_release(&kw);
	sb_release(&call);
	return o;
}

/* C: B's function called name ("ledger_manager_record"): takes a B first, not its ctor/dtor. */
static const struct fact_func *c_function(struct plan *p, int b, const char *name)
{
	const struct manager *mb = mgr(p, b);
	size_t pre = strlen(mb->cls);
	if (!p->rq->scan || !name || strncmp(name, mb->cls, pre) || name[pre] != '_' ||
	    streq(name, mb->ctor) || streq(name, mb->dtor))
		return NULL;
	for (size_t fi = 0; fi < p->rq->scan->nfiles; fi++) {
		const struct file_facts *ff = p->rq->scan->files[fi];
		if (ff->lang != LANG_C || generated_file(p, fi))
			continue;
		for (size_t k = 0; k < ff->nfuncs; k++) {
			const struct fact_func *f = &ff->funcs[k];
			if (streq(f->name, name) && f->nparams > 0 &&
			    has_word(f->params[0].annotation, mb->cls) && !f->is_static)
				return f;
		}
	}
	return NULL;
}

/* C payload: one field per argument after the object; NULL when a type cannot be a field. */
static json_t *c_method_json(const struct manager *mb, const struct fact_func *f)
{
	json_t *o = json_object(), *fields = json_array();
	struct strbuf decl = STRBUF_INIT, args = STRBUF_INIT;
	int ok = 1;

	sb_init(&decl);
	sb_init(&args);
	for (int k = 1; k < f->nparams && ok; k++) {
		const struct fact_param *prm = &f->params[k];
		const char *t = prm->annotation;
		json_t *fo;
		char *d;
		if (!t || !prm->name || !is_ident(prm->name) || strpbrk(t, "[(") ||
		    !strcmp(t, "..."))
			ok = 0;
		if (!ok)
			break;
		d = xstrfmt("%s%s%s", t, ends_with(t, "*") ? "" : " ", prm->name);
		fo = json_object();
		set_str(fo, "name", prm->name);
		set_str(fo, "decl", d);
		json_array_append_new(fields, fo);
		sb_addf(&decl, ", %s", d);
		sb_addf(&args, ", a->%s", prm->name);
		free(d);
	}
	if (!ok) {
		json_decref(o);
		json_decref(fields);
		sb_release(&decl);
		sb_release(&args);
		return NULL;
	}
	set_str(o, "name", f->name + strlen(mb->cls) + 1);
	set_str(o, "function", f->name);
	set_bool(o, "has_fields", json_array_size(fields) > 0);
	json_object_set_new(o, "fields", fields);
	set_str(o, "params_decl", decl.buf);
	set_str(o, "payload_args", args.buf);
	sb_release(&decl);
	sb_release(&args);
	return o;
}

static int cmp_site(const void *x, const void *y)
{
	const struct fact_ref *a = *(const struct fact_ref *const *)x, *b = *(const struct fact_ref *const *)y;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->col < b->col ? -1 : a->col > b->col;
}

/* Methods of B that A calls through what holds B, and where. */
static void event_calls(struct plan *p, int a, int b, json_t *methods, json_t *sites)
{
	const struct manager *ma = mgr(p, a), *mb = mgr(p, b);
	const struct fact_ref **hits = NULL;
	const char **names = NULL;
	size_t nhits = 0, alloc_hits = 0, nnames = 0, alloc_names = 0;
	const struct scan *s = p->rq->scan;
	size_t pre = strlen(ma->cls);

	if (!s)
		return;
	for (size_t fi = 0; fi < s->nfiles; fi++) {
		const struct file_facts *ff = s->files[fi];
		if (ff->lang != p->lang || (p->lang == LANG_PYTHON && !streq(ff->path, ma->file)) ||
		    generated_file(p, fi))
			continue;
		for (size_t r = 0; r < ff->nrefs; r++) {
			const struct fact_ref *x = &ff->refs[r];
			const char *name;
			int hit;
			if (p->lang == LANG_PYTHON) {
				hit = x->kind == REF_ATTR && streq(x->cls, ma->cls) &&
				      py_method(p, b, x->attr) && py_holds(p, a, b, x->host);
				name = x->attr;
			} else {
				hit = x->kind == REF_CALL && x->func && !strncmp(x->func, ma->cls, pre) &&
				      x->func[pre] == '_' && c_function(p, b, x->value);
				name = x->value;
			}
			if (!hit)
				continue;
			ALLOC_GROW(hits, nhits + 1, alloc_hits);
			hits[nhits++] = x;
			ALLOC_GROW(names, nnames + 1, alloc_names);
			names[nnames++] = name;
			(void)ff;
		}
		if (nhits) {
			qsort(hits, nhits, sizeof(*hits), cmp_site);
			for (size_t k = 0; k < nhits; k++) {
				json_t *o = json_object();
				char *text = p->lang == LANG_PYTHON
						     ? xstrfmt("%s.%s(...)", hits[k]->host, hits[k]->attr)
						     : xstrfmt("%s(...)", hits[k]->value);
				set_comment_str(o, "file", ff->path);
				set_int(o, "line", hits[k]->line);
				set_int(o, "col", hits[k]->col);
				set_str(o, "function", hits[k]->func);
				set_comment_str(o, "text", text);
				json_array_append_new(sites, o);
				free(text);
			}
			nhits = 0;
		}
	}
	if (nnames)
		qsort(names, nnames, sizeof(*names), cmp_json_module);
	for (size_t k = 0; k < nnames; k++) {
		json_t *mj;
		if (k && !strcmp(names[k], names[k - 1]))
			continue;
		if (p->lang == LANG_PYTHON) {
			mj = py_method_json(py_method(p, b, names[k]));
		} else {
			mj = c_method_json(mb, c_function(p, b, names[k]));
			if (!mj) {
				diag_warn(mb->file, mb->line, 0,
					  "event adapter: '%s' has a parameter type that cannot be "
					  "carried in an event; left out",
					  names[k]);
				continue;
			}
		}
		json_array_append_new(methods, mj);
	}
	free(hits);
	free(names);
}

static json_t *manager_brief(const struct plan *p, int i)
{
	const struct manager *m = mgr(p, i);
	json_t *o = json_object();
	char *ident = to_ident(m->name);
	char *header = p->lang == LANG_C ? c_header(p, m) : NULL;
	set_str(o, "name", m->name);
	set_str(o, "ident", ident);
	set_str(o, "class", m->cls);
	set_str(o, "module", m->module);
	set_str(o, "import_module", m->import_module ? m->import_module : m->module);
	set_comment_str(o, "file", m->file);
	set_int(o, "line", m->line);
	set_str(o, "attr", m->attr);
	set_str(o, "header", header);
	free(ident);
	free(header);
	return o;
}

json_t *eventbus_context(const struct gen_request *rq, int *status)
{
	struct plan p;
	json_t *doc, *events, *imports = json_array(), *includes = json_array();
	unsigned char *in_cut;
	int index = 0;

	if (plan_build(&p, rq, 1, status) < 0) {
		plan_release(&p);
		return NULL;
	}
	p.out_dir = xstrdup(rq->output ? rq->output : ".");
	in_cut = xcalloc((size_t)p.g->nedges + 1, 1);
	for (int i = 0; i < p.mg->ncut; i++) {
		const struct gedge *x = &p.g->edges[p.mg->cut[i]];
		for (int e = 0; e < p.g->nedges; e++)
			if (p.g->edges[e].from == x->from && p.g->edges[e].to == x->to)
				in_cut[e] = 1;
	}
	doc = context_doc(&p);
	events = json_array();
	for (int e = 0; e < p.g->nedges; e++) {
		const struct gedge *x = &p.g->edges[e];
		struct event_names en;
		json_t *o, *methods, *sites;
		int routed = 0;
		if (!p.in[x->from] || !p.in[x->to] || x->from == x->to || !first_of_pair(p.g, NULL, e))
			continue;
		for (int j = e; j < p.g->nedges; j++)
			if (p.g->edges[j].from == x->from && p.g->edges[j].to == x->to)
				routed |= p.routed[j];
		if (!in_cut[e] && !routed)
			continue;
		event_names(&en, mgr(&p, x->from), mgr(&p, x->to));
		o = edge_json(&p, e);
		set_int(o, "index", index++);
		set_str(o, "id", en.id);
		set_str(o, "const", en.konst);
		set_str(o, "type", en.type);
		set_str(o, "class", en.cls);
		set_str(o, "publisher", en.publisher);
		set_str(o, "subscriber", en.subscriber);
		set_bool(o, "routed", routed);
		json_object_set_new(o, "from", manager_brief(&p, x->from));
		json_object_set_new(o, "to", manager_brief(&p, x->to));
		methods = json_array();
		sites = json_array();
		event_calls(&p, x->from, x->to, methods, sites);
		set_bool(o, "has_methods", json_array_size(methods) > 0);
		set_bool(o, "has_call_sites", json_array_size(sites) > 0);
		json_object_set_new(o, "methods", methods);
		json_object_set_new(o, "call_sites", sites);
		json_array_append_new(events, o);
		event_names_release(&en);
	}
	/* What the adapters need: B's class (Python) or header (C), per event target. */
	{
		size_t k;
		json_t *ev;
		const char **mods = xcalloc(json_array_size(events) + 1, sizeof(char *));
		size_t n = 0;
		json_array_foreach(events, k, ev) {
			json_t *to = json_object_get(ev, "to");
			const char *key = json_string_value(json_object_get(
				to, p.lang == LANG_C ? "header" : "import_module"));
			if (key)
				mods[n++] = key;
		}
		qsort(mods, n, sizeof(char *), cmp_json_module);
		for (k = 0; k < n; k++) {
			json_t *o;
			if (k && !strcmp(mods[k], mods[k - 1]))
				continue;
			o = json_object();
			set_str(o, p.lang == LANG_C ? "path" : "module", mods[k]);
			json_array_append_new(p.lang == LANG_C ? includes : imports, o);
		}
		free(mods);
	}
	set_bool(doc, "has_events", json_array_size(events) > 0);
	json_object_set_new(doc, "events", events);
	json_object_set_new(doc, "imports", imports);
	json_object_set_new(doc, "includes", includes);
	free(in_cut);
	plan_release(&p);
	*status = EXIT_CLEAN;
	return doc;
}
