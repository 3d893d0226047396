/*
 * cache_rewrite.c - the Python side of `gen cache-rewrite` (see
 * cache_rewrite.h for the rules).
 *
 * Every Python file is read and tokenized again (analyzer/pytok.h): the
 * facts record has no byte offsets, and a rewrite must touch exactly the
 * tokens it means to. The work is in four passes:
 *   1. structure: logical lines -> statements, scopes (module, class,
 *      def), parameters, import bindings, assignment sites;
 *   2. types: every assignment site is typed from its annotation or its
 *      right-hand side, and the tables (locals, module variables, class
 *      attributes, attributes by name) rebuilt from the sites, until no
 *      site changes (types flow through attribute chains across files);
 *   3. rewrite: every primary chain (NAME, .attr, (call), [index]) is
 *      evaluated once more and yields constructions, method calls and
 *      class references to rewrite, or unresolved sites to list;
 *   4. imports: bindings whose every use was rewritten are removed; the
 *      unified import replaces the first removed legacy import or goes
 *      after the last top-level import.
 * Edits are byte ranges with replacement text, applied back to front.
 */
#include "cache_rewrite.h"
#include "template.h"
#include "../analyzer/arena.h"
#include "../analyzer/config.h"
#include "../analyzer/diag.h"
#include "../analyzer/modindex.h"
#include "../analyzer/pytok.h"
#include "../analyzer/scan.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uthash.h>

#undef uthash_fatal
#define uthash_fatal(msg) die("%s", msg)

#define SECTION "unravel:cache-rewrite"

/* ---------- types ---------- */

enum tkind {
	T_UNKNOWN,      /* nothing known */
	T_NONE,         /* the None constant: ignored when merging */
	T_CONFLICT,     /* assigned values of different types */
	T_LEGACY,       /* instance of legacy cache idx */
	T_LEGACY_CLASS, /* the legacy class idx itself */
	T_INST,         /* instance of project class idx */
	T_CLASS,        /* project class idx itself */
	T_MODULE,       /* a project module or package, mod */
};

struct type {
	int kind;
	int idx;
	const char *mod;
};

static const struct type t_unknown = {T_UNKNOWN, -1, NULL};

static int type_eq(struct type a, struct type b)
{
	if (a.kind != b.kind)
		return 0;
	if (a.kind == T_MODULE)
		return !strcmp(a.mod, b.mod);
	return a.idx == b.idx;
}

static int type_known(struct type t)
{
	return t.kind != T_UNKNOWN && t.kind != T_NONE && t.kind != T_CONFLICT;
}

/* ---------- records ---------- */

enum scope_kind { SC_MODULE, SC_CLASS, SC_FUNC };

struct param {
	const char *name;
	int ann_s, ann_e; /* sig range of the annotation, ann_s < 0: none */
	int star;         /* 1 for *args, 2 for **kwargs */
};

struct scope {
	int kind;
	int parent;
	int file;
	int cls;            /* SC_CLASS: its class; SC_FUNC: the class of a method, else -1 */
	const char *name;
	struct param *params;
	int nparams;
	int method;         /* a def directly in a class body */
	int decor_static, decor_classmethod;
};

struct klass {
	const char *name, *qual; /* "Name", "module.Name" (nested: "module.Outer.Name") */
	int file, scope, line;
	int bases_s, bases_e;    /* sig range inside the parentheses, or -1 */
	int legacy;              /* index into legacies, or -1 */
	int toplevel;
	int init;                /* scope of its __init__, -1 none, -2 not looked up yet */
};

enum stmt_kind { ST_SIMPLE, ST_IMPORT, ST_FROM, ST_DEF, ST_CLASS, ST_HEADER, ST_DECORATOR };

struct import_item {
	int s, e;           /* sig range [s, e) of "a.b as c" */
	const char *name;   /* as written: "a.b" or "X" */
	const char *bound;  /* the name it binds */
	const char *target; /* absolute module ("a.b") for import, or NULL */
	int binding;        /* index into the file's bindings */
};

struct stmt {
	int s, e;      /* sig range [s, e) */
	int kind;
	int scope;
	int cls;       /* ST_CLASS: the class defined */
	int only_in_block; /* the only statement of an indented block */
	int depth;         /* indentation blocks around it (0: top level of the file) */
	/* imports */
	struct import_item *items;
	int nitems;
	const char *from;   /* absolute module of a from-import (NULL if unresolvable) */
	int level;
	int paren;          /* from-import with parentheses */
	int whole_line;     /* the statement is alone on its physical lines */
};

enum bind_kind { B_MODULE, B_SYMBOL };

struct binding {
	const char *name;
	int kind;
	const char *mod; /* B_MODULE: module bound; B_SYMBOL: module imported from */
	const char *sym;
	const char *full; /* `import a.b.c` (no alias): "a.b.c" */
	int stmt, item, scope;
	int uses;         /* uses left after the rewrite */
	int legacy_ref;   /* resolves to a legacy class or a legacy module */
	int removed;
};

struct edit {
	size_t s, e;
	char *text;
	int sig_s, sig_e; /* tokens consumed, [sig_s, sig_e) (for the unused-import count) */
};

struct pyfile {
	size_t fi;
	const char *path; /* display path */
	char *rel;        /* relative to the root */
	const char *module;
	const char *modkey; /* module, or the path when the file has no module name */
	char *src;
	size_t len;
	unsigned mode;
	int is_init;
	int skip;         /* not rewritten (tokenizer errors) */
	int deleted;
	struct pytok_list toks;
	int *sig;
	int nsig;
	int *match;       /* per sig index: the matching bracket, or -1 */
	struct stmt *stmts;
	int nstmts, alloc_stmts;
	struct binding *binds;
	int nbinds, alloc_binds;
	struct edit *edits;
	int nedits, alloc_edits;
	unsigned char *consumed; /* per sig index: inside a rewritten range */
	int need_unified, need_enum;
	int legacy_module;       /* defines a legacy class */
};

struct legacy {
	const char *name;
	const char *member; /* "GREEKS" */
	int cls;
	char **init_params; /* __init__ parameter names after self, in order */
	int ninit;
	int init_star;      /* __init__ takes *args: positional arguments cannot be named */
	const char *max_size, *ttl; /* literal defaults, or NULL */
	int used;
};

enum site_kind { SITE_NAME, SITE_ATTR };

struct site {
	int file, stmt, scope;
	int kind;
	const char *name;
	int host_s, host_e; /* SITE_ATTR: sig range of the host chain */
	int rhs_s, rhs_e;   /* rhs_s < 0: none */
	int ann_s, ann_e;   /* ann_s < 0: none */
	struct type t, host;
	int line;
};

/* A call of a project class: its argument types flow into __init__'s unannotated parameters. */
struct callsite {
	int file, scope, s, lp, rp;
};

struct argtype {
	char *key; /* "P<init scope>:<param>" */
	struct type t;
};

struct tentry {
	char *key;
	struct type t;
	int has_unknown;
	int first_file, first_line; /* where it was first assigned (audit) */
	UT_hash_handle hh;
};

struct audit_item {
	char *file;
	int line;
	int kind;
	char *text;
};

enum audit_kind {
	A_CONSTRUCT, A_ATTRIBUTE, A_CALL, A_REFERENCE, A_IMPORT, A_UNRESOLVED, A_NOTE, A__COUNT
};

struct cr {
	const struct scan *s;
	const struct modindex *mi;
	const struct cache_rewrite_opts *opt;
	struct arena *arena;
	struct pyfile *files;
	int nfiles;
	struct scope *scopes;
	int nscopes, alloc_scopes;
	struct klass *classes;
	int nclasses, alloc_classes;
	struct legacy *legacies;
	int nlegacies;
	struct site *sites;
	int nsites, alloc_sites;
	struct callsite *calls;
	int ncalls, alloc_calls;
	struct argtype *args, *prev_args;
	int nargs, alloc_args, nprev_args;
	struct tentry *table;
	struct tentry *class_index; /* qual -> class index (t.idx) */
	/* configuration */
	const char *uni_mod, *uni_name, *enum_mod, *enum_name;
	char **renames; /* "old:new" pairs */
	int nrenames;
	int unified_cls, enum_cls;
	struct audit_item *audit;
	int naudit, alloc_audit;
	struct cache_rewrite_stats *st;
	int fatal;
};

/* ---------- small helpers ---------- */

static struct pytok *TK(const struct pyfile *f, int i)
{
	return &f->toks.v[f->sig[i]];
}

static int tk_kind(const struct pyfile *f, int i)
{
	return i >= 0 && i < f->nsig ? TK(f, i)->kind : PT_ENDMARKER;
}

static int tk_is(const struct pyfile *f, int i, const char *text)
{
	const struct pytok *t;
	size_t n = strlen(text);
	if (i < 0 || i >= f->nsig)
		return 0;
	t = TK(f, i);
	return (t->kind == PT_NAME || t->kind == PT_OP) && t->len == n &&
	       !memcmp(f->src + t->off, text, n);
}

static int tk_name(const struct pyfile *f, int i)
{
	return tk_kind(f, i) == PT_NAME;
}

static const char *tk_str(struct cr *cr, const struct pyfile *f, int i)
{
	const struct pytok *t = TK(f, i);
	return arena_strndup(cr->arena, f->src + t->off, t->len);
}

static size_t tk_start(const struct pyfile *f, int i)
{
	return TK(f, i)->off;
}

static size_t tk_end(const struct pyfile *f, int i)
{
	return TK(f, i)->off + TK(f, i)->len;
}

static int tk_line(const struct pyfile *f, int i)
{
	return (int)TK(f, i)->line;
}

static const char *const keywords[] = {
	"False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
	"continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
	"if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
	"try", "while", "with", "yield", NULL,
};

static int is_keyword(const struct pyfile *f, int i)
{
	for (const char *const *k = keywords; *k; k++)
		if (tk_is(f, i, *k))
			return 1;
	return 0;
}

static int ci_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return 1;
	return 0;
}

/* Source text of sig range [s, e), whitespace collapsed, at most 60 bytes (audit). */
static char *range_text(const struct pyfile *f, int s, int e)
{
	struct strbuf sb = STRBUF_INIT;
	size_t a, b;
	sb_init(&sb);
	if (s >= e)
		return sb_detach(&sb, NULL);
	a = tk_start(f, s);
	b = tk_end(f, e - 1);
	for (size_t k = a; k < b && sb.len < 60; k++) {
		char c = f->src[k];
		if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
			if (sb.len && sb.buf[sb.len - 1] != ' ')
				sb_addc(&sb, ' ');
			continue;
		}
		sb_addc(&sb, c);
	}
	if (b - a > 60 && sb.len >= 60)
		sb_adds(&sb, "...");
	return sb_detach(&sb, NULL);
}

static void audit(struct cr *cr, const struct pyfile *f, int line, int kind, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void audit(struct cr *cr, const struct pyfile *f, int line, int kind, const char *fmt, ...)
{
	struct audit_item *a;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	sb_init(&sb);
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	ALLOC_GROW(cr->audit, cr->naudit + 1, cr->alloc_audit);
	a = &cr->audit[cr->naudit++];
	a->file = xstrdup(f ? f->path : "");
	a->line = line;
	a->kind = kind;
	a->text = sb_detach(&sb, NULL);
}

/* ---------- the type tables ---------- */

static struct tentry *table_get(struct tentry *h, const char *key)
{
	struct tentry *e;
	HASH_FIND_STR(h, key, e);
	return e;
}

static void table_merge(struct tentry **h, const char *key, struct type t, int file, int line)
{
	struct tentry *e = table_get(*h, key);
	if (!e) {
		e = xcalloc(1, sizeof(*e));
		e->key = xstrdup(key);
		e->t = t_unknown;
		e->first_file = file;
		e->first_line = line;
		HASH_ADD_KEYPTR(hh, *h, e->key, strlen(e->key), e);
	}
	if (t.kind == T_NONE)
		return;
	if (t.kind == T_UNKNOWN) {
		e->has_unknown = 1;
		return;
	}
	if (e->t.kind == T_UNKNOWN) {
		e->t = t;
	} else if (!type_eq(e->t, t)) {
		/* idx 1: a legacy cache is among the types (the audit lists its uses) */
		int legacy = e->t.kind == T_LEGACY || t.kind == T_LEGACY ||
			     (e->t.kind == T_CONFLICT && e->t.idx == 1) ||
			     (t.kind == T_CONFLICT && t.idx == 1);
		e->t.kind = T_CONFLICT;
		e->t.idx = legacy;
		e->t.mod = NULL;
	}
}

static void table_clear(struct tentry **h)
{
	struct tentry *e, *tmp;
	HASH_ITER(hh, *h, e, tmp) {
		HASH_DEL(*h, e);
		free(e->key);
		free(e);
	}
}

static int class_find(struct cr *cr, const char *qual)
{
	struct tentry *e = table_get(cr->class_index, qual);
	return e ? e->t.idx : -1;
}

/* ---------- pass 1: structure ---------- */

static int new_scope(struct cr *cr, int kind, int parent, int file, const char *name)
{
	struct scope *sc;
	ALLOC_GROW(cr->scopes, cr->nscopes + 1, cr->alloc_scopes);
	sc = &cr->scopes[cr->nscopes];
	memset(sc, 0, sizeof(*sc));
	sc->kind = kind;
	sc->parent = parent;
	sc->file = file;
	sc->name = name;
	sc->cls = parent >= 0 && cr->scopes[parent].kind == SC_CLASS ? cr->scopes[parent].cls : -1;
	return cr->nscopes++;
}

static struct stmt *add_stmt(struct pyfile *f, int s, int e, int kind, int scope)
{
	struct stmt *st;
	ALLOC_GROW(f->stmts, f->nstmts + 1, f->alloc_stmts);
	st = &f->stmts[f->nstmts++];
	memset(st, 0, sizeof(*st));
	st->s = s;
	st->e = e;
	st->kind = kind;
	st->scope = scope;
	st->cls = -1;
	return st;
}

/* First top-level ':' of a compound statement header in [s, e) (lambdas skipped), or -1. */
static int header_colon(const struct pyfile *f, int s, int e)
{
	int lambdas = 0;
	for (int i = s; i < e; i++) {
		if (f->match[i] > i) {
			i = f->match[i];
			continue;
		}
		if (tk_is(f, i, "lambda"))
			lambdas++;
		else if (tk_is(f, i, ":")) {
			if (!lambdas)
				return i;
			lambdas--;
		}
	}
	return -1;
}

/* Absolute module of a relative import from file f, or NULL when it climbs past the top. */
static const char *absolute_module(struct cr *cr, const struct pyfile *f, int level,
				   const char *mod)
{
	struct strbuf sb = STRBUF_INIT;
	const char *r;
	int up;
	if (!level)
		return mod;
	if (!f->module)
		return NULL;
	sb_init(&sb);
	sb_adds(&sb, f->module);
	up = level - (f->is_init ? 1 : 0);
	for (int k = 0; k < up; k++) {
		char *d = strrchr(sb.buf, '.');
		if (!d) {
			sb_release(&sb);
			return NULL;
		}
		sb.len = (size_t)(d - sb.buf);
		sb.buf[sb.len] = '\0';
	}
	if (*mod) {
		sb_addc(&sb, '.');
		sb_adds(&sb, mod);
	}
	r = arena_strdup(cr->arena, sb.buf);
	sb_release(&sb);
	return r;
}

/* A dotted name starting at sig i: returns the text (arena) and sets *end past it. */
static const char *dotted_at(struct cr *cr, const struct pyfile *f, int i, int e, int *end)
{
	struct strbuf sb = STRBUF_INIT;
	const char *r;
	sb_init(&sb);
	while (i < e && tk_name(f, i)) {
		const struct pytok *t = TK(f, i);
		sb_add(&sb, f->src + t->off, t->len);
		i++;
		if (i + 1 < e && tk_is(f, i, ".") && tk_name(f, i + 1)) {
			sb_addc(&sb, '.');
			i++;
		} else {
			break;
		}
	}
	*end = i;
	r = arena_strdup(cr->arena, sb.buf);
	sb_release(&sb);
	return r;
}

static int add_binding(struct pyfile *f, const char *name, int kind, const char *mod,
		       const char *sym, int stmt, int item, int scope)
{
	struct binding *b;
	ALLOC_GROW(f->binds, f->nbinds + 1, f->alloc_binds);
	b = &f->binds[f->nbinds];
	memset(b, 0, sizeof(*b));
	b->name = name;
	b->kind = kind;
	b->mod = mod;
	b->sym = sym;
	b->stmt = stmt;
	b->item = item;
	b->scope = scope;
	return f->nbinds++;
}

static void parse_import(struct cr *cr, struct pyfile *f, int si)
{
	struct stmt *st = &f->stmts[si];
	int i = st->s + 1, e = st->e;
	if (st->kind == ST_IMPORT) {
		while (i < e) {
			int s0 = i, end;
			const char *mod = dotted_at(cr, f, i, e, &end);
			const char *bound;
			struct import_item *it;
			int alias = 0;
			if (end == i)
				break;
			i = end;
			if (tk_is(f, i, "as") && tk_name(f, i + 1)) {
				bound = tk_str(cr, f, i + 1);
				alias = 1;
				i += 2;
			} else {
				const char *dot = strchr(mod, '.');
				bound = dot ? arena_strndup(cr->arena, mod, (size_t)(dot - mod)) : mod;
			}
			st->items = xrealloc(st->items, sizeof(*st->items) * (size_t)(st->nitems + 1));
			it = &st->items[st->nitems];
			it->s = s0;
			it->e = i;
			it->name = mod;
			it->bound = bound;
			it->target = mod;
			it->binding = add_binding(f, bound, B_MODULE, alias ? mod : bound, NULL, si,
						  st->nitems, st->scope);
			if (!alias)
				f->binds[it->binding].full = mod;
			st->nitems++;
			if (tk_is(f, i, ","))
				i++;
			else
				break;
		}
		return;
	}
	/* from [dots][module] import items */
	{
		int level = 0, end;
		const char *mod = "";
		while (i < e && (tk_is(f, i, ".") || tk_is(f, i, "..."))) {
			level += TK(f, i)->len == 3 ? 3 : 1;
			i++;
		}
		if (tk_name(f, i) && !tk_is(f, i, "import")) {
			mod = dotted_at(cr, f, i, e, &end);
			i = end;
		}
		st->level = level;
		st->from = absolute_module(cr, f, level, mod);
		if (!tk_is(f, i, "import"))
			return;
		i++;
		if (tk_is(f, i, "(")) {
			st->paren = 1;
			i++;
		}
		while (i < e && tk_name(f, i)) {
			int s0 = i;
			const char *name = tk_str(cr, f, i), *bound = name;
			struct import_item *it;
			i++;
			if (tk_is(f, i, "as") && tk_name(f, i + 1)) {
				bound = tk_str(cr, f, i + 1);
				i += 2;
			}
			st->items = xrealloc(st->items, sizeof(*st->items) * (size_t)(st->nitems + 1));
			it = &st->items[st->nitems];
			it->s = s0;
			it->e = i;
			it->name = name;
			it->bound = bound;
			it->target = NULL;
			it->binding = st->from ? add_binding(f, bound, B_SYMBOL, st->from, name, si,
							     st->nitems, st->scope)
					       : -1;
			st->nitems++;
			if (tk_is(f, i, ","))
				i++;
			else
				break;
		}
	}
}

static void parse_params(struct cr *cr, struct pyfile *f, struct scope *sc, int lp, int rp)
{
	int i = lp + 1;
	while (i < rp) {
		struct param p = {NULL, -1, -1, 0};
		int depth_end = i;
		/* the parameter runs to the next top-level comma */
		while (depth_end < rp && !tk_is(f, depth_end, ",")) {
			if (f->match[depth_end] > depth_end)
				depth_end = f->match[depth_end];
			depth_end++;
		}
		if (tk_is(f, i, "*"))
			p.star = 1, i++;
		else if (tk_is(f, i, "**"))
			p.star = 2, i++;
		if (i < depth_end && tk_name(f, i)) {
			p.name = tk_str(cr, f, i);
			if (tk_is(f, i + 1, ":")) {
				int a = i + 2, b = a;
				while (b < depth_end && !tk_is(f, b, "=")) {
					if (f->match[b] > b)
						b = f->match[b];
					b++;
				}
				p.ann_s = a;
				p.ann_e = b;
			}
			sc->params = xrealloc(sc->params, sizeof(*sc->params) * (size_t)(sc->nparams + 1));
			sc->params[sc->nparams++] = p;
		}
		i = depth_end + 1;
	}
}

static void add_site(struct cr *cr, int file, int stmt, int scope, int kind, const char *name,
		     int hs, int he, int rs, int re, int as, int ae, int line)
{
	struct site *x;
	ALLOC_GROW(cr->sites, cr->nsites + 1, cr->alloc_sites);
	x = &cr->sites[cr->nsites++];
	memset(x, 0, sizeof(*x));
	x->file = file;
	x->stmt = stmt;
	x->scope = scope;
	x->kind = kind;
	x->name = name;
	x->host_s = hs;
	x->host_e = he;
	x->rhs_s = rs;
	x->rhs_e = re;
	x->ann_s = as;
	x->ann_e = ae;
	x->t = t_unknown;
	x->host = t_unknown;
	x->line = line;
}

/* A target in [s, e): NAME, or CHAIN . NAME. */
static void target_site(struct cr *cr, int fidx, int si, int s, int e, int rs, int re, int as,
			int ae)
{
	struct pyfile *f = &cr->files[fidx];
	int scope = f->stmts[si].scope;
	if (e - s == 1 && tk_name(f, s) && !is_keyword(f, s)) {
		add_site(cr, fidx, si, scope, SITE_NAME, tk_str(cr, f, s), -1, -1, rs, re, as, ae,
			 tk_line(f, s));
		return;
	}
	if (e - s >= 3 && tk_name(f, e - 1) && tk_is(f, e - 2, ".") && tk_name(f, s))
		add_site(cr, fidx, si, scope, SITE_ATTR, tk_str(cr, f, e - 1), s, e - 2, rs, re, as,
			 ae, tk_line(f, s));
}

/* Assignments in a simple statement [s, e): `t1 = t2 = rhs`, `t: ann = rhs`, `t: ann`. */
static void find_sites(struct cr *cr, int fidx, int si)
{
	struct pyfile *f = &cr->files[fidx];
	int s = f->stmts[si].s, e = f->stmts[si].e;
	int eqs[16], neq = 0, colon = -1;
	for (int i = s; i < e; i++) {
		if (f->match[i] > i) {
			i = f->match[i];
			continue;
		}
		if (tk_is(f, i, "lambda"))
			break;
		if (tk_is(f, i, "=") && neq < 16)
			eqs[neq++] = i;
		else if (tk_is(f, i, ":") && !neq && colon < 0)
			colon = i;
	}
	if (colon >= 0) {
		int ae = neq ? eqs[0] : e;
		target_site(cr, fidx, si, s, colon, neq ? eqs[0] + 1 : -1, e, colon + 1, ae);
		return;
	}
	if (!neq)
		return;
	for (int k = 0; k < neq; k++) {
		int ts = k ? eqs[k - 1] + 1 : s;
		target_site(cr, fidx, si, ts, eqs[k], eqs[neq - 1] + 1, e, -1, -1);
	}
}

static int stmt_kind_of(const struct pyfile *f, int s)
{
	if (tk_is(f, s, "import"))
		return ST_IMPORT;
	if (tk_is(f, s, "from"))
		return ST_FROM;
	return ST_SIMPLE;
}

/* Simple statements of [s, e) split at top-level ';'. */
static void simple_statements(struct cr *cr, int fidx, int s, int e, int scope)
{
	struct pyfile *f = &cr->files[fidx];
	int a = s;
	for (int i = s; i <= e; i++) {
		if (i < e && f->match[i] > i) {
			i = f->match[i];
			continue;
		}
		if (i == e || tk_is(f, i, ";")) {
			if (i > a) {
				int si;
				add_stmt(f, a, i, stmt_kind_of(f, a), scope);
				si = f->nstmts - 1;
				if (f->stmts[si].kind == ST_SIMPLE)
					find_sites(cr, fidx, si);
				else
					parse_import(cr, f, si);
			}
			a = i + 1;
		}
	}
}

static const char *const compound[] = {"if", "elif", "else", "while", "for", "try", "except",
				       "finally", "with", NULL};

/* One logical line [s, e); returns the scope an INDENT after it opens, or -1. */
static int logical_line(struct cr *cr, int fidx, int s, int e, int scope, int *decor)
{
	struct pyfile *f = &cr->files[fidx];
	int i = s, colon;

	if (tk_is(f, i, "@")) {
		add_stmt(f, s, e, ST_DECORATOR, scope);
		if (tk_is(f, i + 1, "staticmethod"))
			*decor |= 1;
		if (tk_is(f, i + 1, "classmethod"))
			*decor |= 2;
		return -2; /* not a block */
	}
	if (tk_is(f, i, "async"))
		i++;
	if ((tk_is(f, i, "def") || tk_is(f, i, "class")) && tk_name(f, i + 1)) {
		int is_class = tk_is(f, i, "class");
		const char *name = tk_str(cr, f, i + 1);
		int ns = new_scope(cr, is_class ? SC_CLASS : SC_FUNC, scope, fidx, name);
		struct scope *sc = &cr->scopes[ns];
		struct stmt *st;
		colon = header_colon(f, i + 2, e);
		if (colon < 0)
			colon = e;
		st = add_stmt(f, s, colon, is_class ? ST_CLASS : ST_DEF, scope);
		if (is_class) {
			struct klass *k;
			struct scope *outer = &cr->scopes[scope];
			ALLOC_GROW(cr->classes, cr->nclasses + 1, cr->alloc_classes);
			k = &cr->classes[cr->nclasses];
			memset(k, 0, sizeof(*k));
			k->name = name;
			k->file = fidx;
			k->scope = ns;
			k->line = tk_line(f, i + 1);
			k->legacy = -1;
			k->init = -2;
			k->bases_s = k->bases_e = -1;
			if (tk_is(f, i + 2, "(") && f->match[i + 2] > i + 2) {
				k->bases_s = i + 3;
				k->bases_e = f->match[i + 2];
			}
			k->toplevel = outer->kind == SC_MODULE;
			if (k->toplevel)
				k->qual = arena_strfmt(cr->arena, "%s.%s", f->modkey, name);
			else if (outer->kind == SC_CLASS)
				k->qual = arena_strfmt(cr->arena, "%s.%s",
						       cr->classes[outer->cls].qual, name);
			else
				k->qual = arena_strfmt(cr->arena, "%s.<local>.%s", f->modkey, name);
			sc->cls = cr->nclasses;
			st->cls = cr->nclasses;
			cr->nclasses++;
		} else {
			sc->method = cr->scopes[scope].kind == SC_CLASS;
			sc->decor_static = *decor & 1;
			sc->decor_classmethod = (*decor & 2) >> 1;
			if (tk_is(f, i + 2, "(") && f->match[i + 2] > i + 2)
				parse_params(cr, f, &cr->scopes[ns], i + 2, f->match[i + 2]);
		}
		*decor = 0;
		if (colon + 1 < e) {
			simple_statements(cr, fidx, colon + 1, e, ns);
			return -1;
		}
		return ns;
	}
	*decor = 0;
	for (const char *const *k = compound; *k; k++) {
		if (!tk_is(f, i, *k))
			continue;
		colon = header_colon(f, i + 1, e);
		if (colon < 0)
			break;
		add_stmt(f, s, colon, ST_HEADER, scope);
		if (colon + 1 < e) {
			simple_statements(cr, fidx, colon + 1, e, scope);
			return -1;
		}
		return scope;
	}
	simple_statements(cr, fidx, s, e, scope);
	return -1;
}

static void structure(struct cr *cr, int fidx)
{
	struct pyfile *f = &cr->files[fidx];
	int stack[256], depth = 0, pending = -1, decor = 0, i = 0;
	int *opens = xcalloc((size_t)f->nsig + 1, sizeof(int)); /* stmt count at each INDENT */
	int open_stack[256];

	stack[0] = new_scope(cr, SC_MODULE, -1, fidx, f->modkey);
	while (i < f->nsig) {
		int k = tk_kind(f, i), j;
		if (k == PT_INDENT) {
			if (depth < 255) {
				stack[depth + 1] = pending >= 0 ? pending : stack[depth];
				open_stack[depth + 1] = f->nstmts;
				depth++;
			}
			pending = -1;
			i++;
			continue;
		}
		if (k == PT_DEDENT) {
			if (depth > 0) {
				/* a block of exactly one statement: removing it needs a `pass` */
				if (f->nstmts == open_stack[depth] + 1)
					f->stmts[open_stack[depth]].only_in_block = 1;
				depth--;
			}
			i++;
			continue;
		}
		if (k == PT_NEWLINE || k == PT_ENDMARKER) {
			i++;
			continue;
		}
		for (j = i; j < f->nsig && tk_kind(f, j) != PT_NEWLINE && tk_kind(f, j) != PT_ENDMARKER &&
			    tk_kind(f, j) != PT_INDENT && tk_kind(f, j) != PT_DEDENT;
		     j++)
			;
		{
			int before = f->nstmts;
			int r = logical_line(cr, fidx, i, j, stack[depth], &decor);
			pending = r >= 0 ? r : -1;
			for (int k = before; k < f->nstmts; k++)
				f->stmts[k].depth = depth;
		}
		i = j;
	}
	free(opens);
}

/* ---------- names and types ---------- */

static struct type resolve_binding(struct cr *cr, const struct pyfile *f, const struct binding *b);
static struct type lookup(struct cr *cr, const struct pyfile *f, int scope, const char *name);

static struct type mk(int kind, int idx)
{
	struct type t = {kind, idx, NULL};
	return t;
}

static struct type class_type(struct cr *cr, int c)
{
	if (c < 0)
		return t_unknown;
	if (cr->classes[c].legacy >= 0)
		return mk(T_LEGACY_CLASS, cr->classes[c].legacy);
	return mk(T_CLASS, c);
}

static struct type module_type(struct cr *cr, const char *mod)
{
	struct type t = {T_MODULE, -1, mod};
	(void)cr;
	return t;
}

static struct type module_attr(struct cr *cr, const char *mod, const char *name)
{
	char *q = xstrfmt("%s.%s", mod, name);
	int c = class_find(cr, q);
	struct type t = t_unknown;
	if (c >= 0) {
		t = class_type(cr, c);
	} else if (modindex_exists(cr->mi, q)) {
		t = module_type(cr, arena_strdup(cr->arena, q));
	} else {
		char *key = xstrfmt("V%s:%s", mod, name);
		struct tentry *e = table_get(cr->table, key);
		if (e && !e->has_unknown)
			t = e->t;
		free(key);
		/* A package re-exporting a legacy class under its own name. */
		if (t.kind == T_UNKNOWN)
			for (int l = 0; l < cr->nlegacies; l++)
				if (!strcmp(cr->legacies[l].name, name) &&
				    (modindex_exists(cr->mi, mod)))
					t = mk(T_LEGACY_CLASS, l);
	}
	free(q);
	return t;
}

/* The attribute of a class instance: its own assignments, then its bases'. */
static int class_attr(struct cr *cr, int c, const char *name, struct type *out, int depth)
{
	char *key = xstrfmt("A%d:%s", c, name);
	struct tentry *e = table_get(cr->table, key);
	const struct klass *k = &cr->classes[c];
	free(key);
	if (e) {
		*out = e->t.kind == T_UNKNOWN ? t_unknown : e->t;
		return 1;
	}
	if (depth > 8 || k->bases_s < 0)
		return 0;
	for (int i = k->bases_s; i < k->bases_e; i++) {
		const struct pyfile *f = &cr->files[k->file];
		struct type bt;
		if (!tk_name(f, i) || (i > k->bases_s && !tk_is(f, i - 1, ",")))
			continue;
		if (tk_is(f, i + 1, "="))
			continue; /* metaclass=... */
		bt = lookup(cr, f, cr->scopes[k->scope].parent, tk_str(cr, f, i));
		for (int j = i + 1; j + 1 < k->bases_e && tk_is(f, j, ".") && tk_name(f, j + 1); j += 2) {
			if (bt.kind == T_MODULE)
				bt = module_attr(cr, bt.mod, tk_str(cr, f, j + 1));
			else
				bt = t_unknown;
		}
		if (bt.kind == T_CLASS && bt.idx != c && class_attr(cr, bt.idx, name, out, depth + 1))
			return 1;
	}
	return 0;
}

/* By name: every assignment to .name in the project agrees on one type. */
static struct type by_name(struct cr *cr, const char *name, int *used)
{
	char *key = xstrfmt("N%s", name);
	struct tentry *e = table_get(cr->table, key);
	free(key);
	if (e && !e->has_unknown && e->t.kind == T_CONFLICT)
		return e->t;
	if (!e || e->has_unknown || !type_known(e->t))
		return t_unknown;
	if (used)
		*used = 1;
	return e->t;
}

static struct type attr_of(struct cr *cr, struct type t, const char *name, int *by_name_used)
{
	struct type r;
	switch (t.kind) {
	case T_MODULE:
		return module_attr(cr, t.mod, name);
	case T_INST:
		if (class_attr(cr, t.idx, name, &r, 0))
			return r;
		return by_name(cr, name, by_name_used);
	case T_UNKNOWN:
	case T_CONFLICT:
		return by_name(cr, name, by_name_used);
	default:
		return t_unknown;
	}
}

static struct type annotation_type(struct cr *cr, const struct pyfile *f, int scope, int s, int e);

static struct type param_type(struct cr *cr, const struct pyfile *f, int scope, int p)
{
	const struct scope *sc = &cr->scopes[scope];
	const struct param *pr = &sc->params[p];
	if (pr->star)
		return t_unknown;
	if (pr->ann_s >= 0)
		return annotation_type(cr, f, sc->parent, pr->ann_s, pr->ann_e);
	if (p == 0 && sc->method && !sc->decor_static && sc->cls >= 0)
		return sc->decor_classmethod ? class_type(cr, sc->cls) : mk(T_INST, sc->cls);
	{
		/* what the calls of the class pass for it */
		char *key = xstrfmt("P%d:%s", scope, pr->name);
		struct tentry *e = table_get(cr->table, key);
		free(key);
		if (e && !e->has_unknown && type_known(e->t))
			return e->t;
	}
	return t_unknown;
}

static struct type lookup(struct cr *cr, const struct pyfile *f, int scope, const char *name)
{
	int sc = scope;
	char *key;
	struct tentry *e;

	if (!strcmp(name, "None"))
		return mk(T_NONE, -1);
	while (sc >= 0) {
		const struct scope *p = &cr->scopes[sc];
		if (p->kind == SC_FUNC) {
			for (int i = 0; i < p->nparams; i++)
				if (!strcmp(p->params[i].name, name))
					return param_type(cr, f, sc, i);
			key = xstrfmt("L%d:%s", sc, name);
			e = table_get(cr->table, key);
			free(key);
			if (e)
				return e->has_unknown ? t_unknown : e->t;
		} else if (p->kind == SC_MODULE) {
			break;
		}
		/* class bodies are not visible from their methods */
		do {
			sc = cr->scopes[sc].parent;
		} while (sc >= 0 && cr->scopes[sc].kind == SC_CLASS && sc != scope);
	}
	/* module level: classes, variables, imports */
	{
		char *q = xstrfmt("%s.%s", f->modkey, name);
		int c = class_find(cr, q);
		free(q);
		if (c >= 0)
			return class_type(cr, c);
	}
	key = xstrfmt("V%s:%s", f->modkey, name);
	e = table_get(cr->table, key);
	free(key);
	if (e)
		return e->has_unknown ? t_unknown : e->t;
	for (int i = 0; i < f->nbinds; i++)
		if (!strcmp(f->binds[i].name, name))
			return resolve_binding(cr, f, &f->binds[i]);
	return t_unknown;
}

static struct type resolve_binding(struct cr *cr, const struct pyfile *f, const struct binding *b)
{
	(void)f;
	if (b->kind == B_MODULE)
		return modindex_exists(cr->mi, b->mod) ? module_type(cr, b->mod) : t_unknown;
	if (!b->mod)
		return t_unknown;
	return module_attr(cr, b->mod, b->sym);
}

/* Resolve a dotted name "a.b.C" in file scope. */
static struct type dotted_type(struct cr *cr, const struct pyfile *f, int scope, const char *d)
{
	const char *dot = strchr(d, '.');
	char *first = dot ? xstrndup(d, (size_t)(dot - d)) : xstrdup(d);
	struct type t = lookup(cr, f, scope, first);
	free(first);
	while (dot && t.kind != T_UNKNOWN) {
		const char *nx = strchr(dot + 1, '.');
		char *part = nx ? xstrndup(dot + 1, (size_t)(nx - dot - 1)) : xstrdup(dot + 1);
		t = t.kind == T_MODULE ? module_attr(cr, t.mod, part) : t_unknown;
		free(part);
		dot = nx;
	}
	return t;
}

/* Strip one wrapper "W[...]" from s (in place); returns the inner text or NULL. */
static char *unwrap(char *s, const char *w)
{
	size_t n = strlen(w), len = strlen(s);
	if (strncmp(s, w, n) || s[n] != '[' || len < n + 2 || s[len - 1] != ']')
		return NULL;
	s[len - 1] = '\0';
	return s + n + 1;
}

/* Split at top-level sep, drop "None" parts; returns the single part left, or NULL. */
static char *single_non_none(char *s, char sep)
{
	char *parts[16], *p = s, *keep = NULL;
	int n = 0, depth = 0, nkeep = 0;
	parts[n++] = s;
	for (; *p; p++) {
		if (*p == '[')
			depth++;
		else if (*p == ']')
			depth--;
		else if (*p == sep && !depth && n < 16) {
			*p = '\0';
			parts[n++] = p + 1;
		}
	}
	for (int i = 0; i < n; i++)
		if (strcmp(parts[i], "None") && strcmp(parts[i], "'None'") && strcmp(parts[i], "\"None\"")) {
			keep = parts[i];
			nkeep++;
		}
	return nkeep == 1 ? keep : NULL;
}

static struct type annotation_text_type(struct cr *cr, const struct pyfile *f, int scope,
					char *s, int depth)
{
	size_t len = strlen(s);
	char *in;
	if (depth > 6 || !len)
		return t_unknown;
	if ((s[0] == '"' || s[0] == '\'') && len >= 2 && s[len - 1] == s[0]) {
		s[len - 1] = '\0';
		return annotation_text_type(cr, f, scope, s + 1, depth + 1);
	}
	if ((in = unwrap(s, "Optional")) || (in = unwrap(s, "typing.Optional")) ||
	    (in = unwrap(s, "t.Optional")))
		return annotation_text_type(cr, f, scope, in, depth + 1);
	if ((in = unwrap(s, "Union")) || (in = unwrap(s, "typing.Union"))) {
		char *one = single_non_none(in, ',');
		return one ? annotation_text_type(cr, f, scope, one, depth + 1) : t_unknown;
	}
	if (strchr(s, '|')) {
		char *one = single_non_none(s, '|');
		return one ? annotation_text_type(cr, f, scope, one, depth + 1) : t_unknown;
	}
	for (char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
			return t_unknown;
	{
		struct type t = dotted_type(cr, f, scope, s);
		if (t.kind == T_CLASS)
			return mk(T_INST, t.idx);
		if (t.kind == T_LEGACY_CLASS)
			return mk(T_LEGACY, t.idx);
		return t_unknown;
	}
}

static struct type annotation_type(struct cr *cr, const struct pyfile *f, int scope, int s, int e)
{
	struct strbuf sb = STRBUF_INIT;
	struct type t;
	if (s < 0 || s >= e)
		return t_unknown;
	sb_init(&sb);
	for (int i = s; i < e; i++) {
		const struct pytok *tk = TK(f, i);
		if (tk->kind == PT_STRING && e - s == 1) {
			/* a whole string annotation: drop a prefix like r/u */
			size_t a = 0;
			while (a < tk->len && isalpha((unsigned char)f->src[tk->off + a]))
				a++;
			sb_add(&sb, f->src + tk->off + a, tk->len - a);
		} else {
			sb_add(&sb, f->src + tk->off, tk->len);
		}
	}
	t = annotation_text_type(cr, f, scope, sb.buf, 0);
	sb_release(&sb);
	return t;
}

/* ---------- chains ---------- */

enum ev_kind { EV_CONSTRUCT, EV_CLASSREF, EV_METHOD, EV_ATTR, EV_UNRESOLVED, EV_LEGACY_CLASS_ATTR };

struct event {
	int kind;
	int legacy;
	int s, e;     /* callee / receiver / reference range [s, e) */
	int name;     /* EV_METHOD, EV_ATTR: the attribute token */
	int lp, rp;   /* call parentheses */
	int by_name;  /* the type came from the attribute-name rule */
	const char *why;
};

struct events {
	struct event *v;
	int n, alloc;
};

static void ev_add(struct events *ev, int kind, int legacy, int s, int e, int name, int lp, int rp,
		   int by_name, const char *why)
{
	struct event *x;
	if (!ev)
		return;
	ALLOC_GROW(ev->v, ev->n + 1, ev->alloc);
	x = &ev->v[ev->n++];
	x->kind = kind;
	x->legacy = legacy;
	x->s = s;
	x->e = e;
	x->name = name;
	x->lp = lp;
	x->rp = rp;
	x->by_name = by_name;
	x->why = why;
}

/*
 * Evaluate the primary chain starting at NAME token i (limit: e): returns
 * its type and sets *end past the chain. Events go to ev when not NULL.
 */
static struct type eval_chain(struct cr *cr, const struct pyfile *f, int scope, int i, int e,
			      int *end, struct events *ev)
{
	struct type t = lookup(cr, f, scope, tk_str(cr, f, i));
	int start = i, by_name = 0;
	const char *last_name = tk_str(cr, f, i);
	i++;
	for (;;) {
		if (i < e && tk_is(f, i, "(") && f->match[i] > i && f->match[i] <= e) {
			int rp = f->match[i];
			if (t.kind == T_LEGACY_CLASS) {
				ev_add(ev, EV_CONSTRUCT, t.idx, start, i, -1, i, rp, 0, NULL);
				t = mk(T_LEGACY, t.idx);
			} else if (t.kind == T_CLASS) {
				t = mk(T_INST, t.idx);
			} else {
				t = t_unknown;
			}
			i = rp + 1;
			by_name = 0;
			continue;
		}
		if (i < e && tk_is(f, i, "[") && f->match[i] > i && f->match[i] <= e) {
			if (t.kind == T_LEGACY_CLASS)
				ev_add(ev, EV_CLASSREF, t.idx, start, i, -1, -1, -1, 0, NULL);
			t = t_unknown;
			i = f->match[i] + 1;
			continue;
		}
		if (i + 1 < e && tk_is(f, i, ".") && tk_name(f, i + 1)) {
			const char *name = tk_str(cr, f, i + 1);
			int is_call = tk_is(f, i + 2, "(") && f->match[i + 2] > i + 2 &&
				      f->match[i + 2] <= e;
			if (t.kind == T_LEGACY) {
				if (is_call)
					ev_add(ev, EV_METHOD, t.idx, start, i, i + 1, i + 2,
					       f->match[i + 2], by_name, NULL);
				else
					ev_add(ev, EV_ATTR, t.idx, start, i, i + 1, -1, -1, by_name,
					       NULL);
				t = t_unknown;
				i += 2;
				if (is_call)
					i = f->match[i] + 1;
				by_name = 0;
				continue;
			}
			if (t.kind == T_LEGACY_CLASS) {
				ev_add(ev, EV_LEGACY_CLASS_ATTR, t.idx, start, i + 2, i + 1, -1, -1, 0,
				       NULL);
				t = t_unknown;
				i += 2;
				continue;
			}
			if (is_call && ((t.kind == T_CONFLICT && t.idx == 1) ||
					((t.kind == T_UNKNOWN || t.kind == T_CONFLICT) &&
					 ci_contains(last_name, "cache"))))
				ev_add(ev, EV_UNRESOLVED, -1, start, i, i + 1, i + 2, f->match[i + 2], 0,
				       t.kind == T_CONFLICT ? "assigned caches of different types"
							    : "type of the receiver unknown");
			{
				int bn = 0;
				t = attr_of(cr, t, name, &bn);
				by_name = bn;
			}
			last_name = name;
			i += 2;
			continue;
		}
		break;
	}
	if (t.kind == T_LEGACY_CLASS)
		ev_add(ev, EV_CLASSREF, t.idx, start, i, -1, -1, -1, 0, NULL);
	*end = i;
	return t;
}

static int chain_start(const struct pyfile *f, int i)
{
	if (!tk_name(f, i) || (is_keyword(f, i) && !tk_is(f, i, "None")))
		return 0;
	if (i > 0 && (tk_is(f, i - 1, ".") || tk_is(f, i - 1, "def") || tk_is(f, i - 1, "class")))
		return 0;
	return 1;
}

static struct type merge2(struct type a, struct type b)
{
	if (a.kind == T_NONE)
		return b;
	if (b.kind == T_NONE)
		return a;
	if (a.kind == T_UNKNOWN || b.kind == T_UNKNOWN)
		return t_unknown;
	if (type_eq(a, b))
		return a;
	return mk(T_CONFLICT, a.kind == T_LEGACY || b.kind == T_LEGACY ||
				      (a.kind == T_CONFLICT && a.idx == 1) ||
				      (b.kind == T_CONFLICT && b.idx == 1));
}

/* The type of expression [s, e): conditional / or-alternatives of single chains. */
static struct type expr_type(struct cr *cr, const struct pyfile *f, int scope, int s, int e,
			     int depth)
{
	int end;
	if (s >= e || depth > 8)
		return t_unknown;
	for (int i = s; i < e; i++) {
		if (f->match[i] > i) {
			i = f->match[i];
			continue;
		}
		if (tk_is(f, i, "lambda"))
			return t_unknown;
		if (tk_is(f, i, "if")) {
			/* A if C else B */
			for (int j = i + 1; j < e; j++) {
				if (f->match[j] > j) {
					j = f->match[j];
					continue;
				}
				if (tk_is(f, j, "else"))
					return merge2(expr_type(cr, f, scope, s, i, depth + 1),
						      expr_type(cr, f, scope, j + 1, e, depth + 1));
			}
			return t_unknown;
		}
	}
	for (int i = s; i < e; i++) {
		if (f->match[i] > i) {
			i = f->match[i];
			continue;
		}
		if (tk_is(f, i, "or"))
			return merge2(expr_type(cr, f, scope, s, i, depth + 1),
				      expr_type(cr, f, scope, i + 1, e, depth + 1));
	}
	if (tk_is(f, s, "(") && f->match[s] == e - 1)
		return expr_type(cr, f, scope, s + 1, e - 1, depth + 1);
	if (tk_is(f, s, "None") && e - s == 1)
		return mk(T_NONE, -1);
	if (!tk_name(f, s) || is_keyword(f, s))
		return t_unknown;
	{
		struct type t = eval_chain(cr, f, scope, s, e, &end, NULL);
		if (end != e)
			return t_unknown;
		if (t.kind == T_LEGACY_CLASS || t.kind == T_CLASS || t.kind == T_MODULE)
			return t_unknown; /* aliases of classes and modules are not followed */
		return t;
	}
}

/* ---------- pass 2: types to a fixpoint ---------- */

static const char *site_key(struct cr *cr, const struct site *x, int *is_class_attr,
			    struct strbuf *sb)
{
	const struct scope *sc = &cr->scopes[x->scope];
	const struct pyfile *f = &cr->files[x->file];
	sb_reset(sb);
	*is_class_attr = 0;
	if (x->kind == SITE_ATTR) {
		if (x->host.kind == T_INST)
			sb_addf(sb, "A%d:%s", x->host.idx, x->name);
		else
			return NULL;
		*is_class_attr = 1;
	} else if (sc->kind == SC_FUNC) {
		sb_addf(sb, "L%d:%s", x->scope, x->name);
	} else if (sc->kind == SC_CLASS) {
		sb_addf(sb, "A%d:%s", sc->cls, x->name);
		*is_class_attr = 1;
	} else {
		sb_addf(sb, "V%s:%s", f->modkey, x->name);
	}
	return sb->buf;
}

static int init_scope(struct cr *cr, int c)
{
	struct klass *k = &cr->classes[c];
	if (k->init != -2)
		return k->init;
	k->init = -1;
	for (int i = 0; i < cr->nscopes; i++)
		if (cr->scopes[i].kind == SC_FUNC && cr->scopes[i].parent == k->scope &&
		    !strcmp(cr->scopes[i].name, "__init__")) {
			k->init = i;
			break;
		}
	return k->init;
}

static void collect_calls(struct cr *cr)
{
	struct tentry *names = NULL;
	for (int c = 0; c < cr->nclasses; c++)
		table_merge(&names, cr->classes[c].name, t_unknown, -1, 0);
	for (int fi = 0; fi < cr->nfiles; fi++) {
		const struct pyfile *f = &cr->files[fi];
		for (int si = 0; si < f->nstmts; si++) {
			const struct stmt *st = &f->stmts[si];
			if (st->kind == ST_IMPORT || st->kind == ST_FROM)
				continue;
			for (int p = st->s + 1; p < st->e; p++) {
				int j = p - 1;
				struct callsite *cs;
				if (!tk_is(f, p, "(") || f->match[p] <= p || !tk_name(f, j))
					continue;
				{
					const struct pytok *t = TK(f, j);
					char *nm = xstrndup(f->src + t->off, t->len);
					int known = table_get(names, nm) != NULL;
					free(nm);
					if (!known)
						continue;
				}
				while (j - 2 >= st->s && tk_is(f, j - 1, ".") && tk_name(f, j - 2))
					j -= 2;
				if (!chain_start(f, j))
					continue;
				ALLOC_GROW(cr->calls, cr->ncalls + 1, cr->alloc_calls);
				cs = &cr->calls[cr->ncalls++];
				cs->file = fi;
				cs->scope = st->scope;
				cs->s = j;
				cs->lp = p;
				cs->rp = f->match[p];
			}
		}
	}
	table_clear(&names);
}

static void push_arg(struct cr *cr, int init, const char *param, struct type t)
{
	ALLOC_GROW(cr->args, cr->nargs + 1, cr->alloc_args);
	cr->args[cr->nargs].key = xstrfmt("P%d:%s", init, param);
	cr->args[cr->nargs].t = t;
	cr->nargs++;
}

/* Type the arguments of every class call; returns whether anything changed since last round. */
static int call_arguments(struct cr *cr)
{
	int changed;
	for (int k = 0; k < cr->nprev_args; k++)
		free(cr->prev_args[k].key);
	free(cr->prev_args);
	cr->prev_args = cr->args;
	cr->nprev_args = cr->nargs;
	cr->args = NULL;
	cr->nargs = cr->alloc_args = 0;
	for (int k = 0; k < cr->ncalls; k++) {
		const struct callsite *cs = &cr->calls[k];
		const struct pyfile *f = &cr->files[cs->file];
		int end, init, pos = 1, a;
		struct type t = eval_chain(cr, f, cs->scope, cs->s, cs->lp, &end, NULL);
		const struct scope *sc;
		if (end != cs->lp || t.kind != T_CLASS || (init = init_scope(cr, t.idx)) < 0)
			continue;
		sc = &cr->scopes[init];
		for (int i = cs->lp + 1, a0 = i; i <= cs->rp; i++) {
			if (i < cs->rp && f->match[i] > i) {
				i = f->match[i];
				continue;
			}
			if (i != cs->rp && !tk_is(f, i, ","))
				continue;
			a = a0;
			a0 = i + 1;
			if (i == a)
				continue;
			if (tk_is(f, a, "*") || tk_is(f, a, "**"))
				break; /* from here on positions are unknown */
			if (tk_name(f, a) && tk_is(f, a + 1, "=")) {
				const char *nm = tk_str(cr, f, a);
				for (int p = 1; p < sc->nparams; p++)
					if (!strcmp(sc->params[p].name, nm) && sc->params[p].ann_s < 0)
						push_arg(cr, init, nm,
							 expr_type(cr, f, cs->scope, a + 2, i, 0));
				continue;
			}
			if (pos < sc->nparams && !sc->params[pos].star && sc->params[pos].ann_s < 0)
				push_arg(cr, init, sc->params[pos].name,
					 expr_type(cr, f, cs->scope, a, i, 0));
			pos++;
		}
	}
	changed = cr->nargs != cr->nprev_args;
	for (int k = 0; !changed && k < cr->nargs; k++)
		changed = strcmp(cr->args[k].key, cr->prev_args[k].key) ||
			  !type_eq(cr->args[k].t, cr->prev_args[k].t);
	return changed;
}

static void infer_types(struct cr *cr)
{
	struct strbuf sb = STRBUF_INIT;
	sb_init(&sb);
	for (int round = 0; round < 8; round++) {
		int changed = 0;
		for (int k = 0; k < cr->nsites; k++) {
			struct site *x = &cr->sites[k];
			const struct pyfile *f = &cr->files[x->file];
			struct type t = t_unknown, host = t_unknown;
			if (x->kind == SITE_ATTR) {
				int end;
				host = eval_chain(cr, f, x->scope, x->host_s, x->host_e, &end, NULL);
				if (end != x->host_e)
					host = t_unknown;
			}
			if (x->ann_s >= 0)
				t = annotation_type(cr, f, x->scope, x->ann_s, x->ann_e);
			if (t.kind == T_UNKNOWN && x->rhs_s >= 0)
				t = expr_type(cr, f, x->scope, x->rhs_s, x->rhs_e, 0);
			if (!type_eq(t, x->t) || !type_eq(host, x->host))
				changed = 1;
			x->t = t;
			x->host = host;
		}
		if (call_arguments(cr))
			changed = 1;
		if (!changed && round > 0)
			break;
		table_clear(&cr->table);
		for (int k = 0; k < cr->nsites; k++) {
			const struct site *x = &cr->sites[k];
			int is_attr;
			const char *key = site_key(cr, x, &is_attr, &sb);
			if (key)
				table_merge(&cr->table, key, x->t, x->file, x->line);
			if (x->kind == SITE_ATTR || is_attr) {
				char *nk = xstrfmt("N%s", x->name);
				table_merge(&cr->table, nk, x->t, x->file, x->line);
				free(nk);
			}
		}
		for (int k = 0; k < cr->nargs; k++)
			table_merge(&cr->table, cr->args[k].key, cr->args[k].t, -1, 0);
	}
	sb_release(&sb);
}

/* ---------- configuration ---------- */

static void split_dotted(struct cr *cr, const char *v, const char **mod, const char **name)
{
	const char *dot = strrchr(v, '.');
	if (!dot) {
		*mod = NULL;
		*name = arena_strdup(cr->arena, v);
		return;
	}
	*mod = arena_strndup(cr->arena, v, (size_t)(dot - v));
	*name = arena_strdup(cr->arena, dot + 1);
}

char *cache_type_member(const char *legacy)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = strlen(legacy);
	char *r;
	sb_init(&sb);
	/* snake_case first (the rule of managers.c, kept local so C names work too) */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)legacy[i];
		if (isupper(c) && i > 0) {
			unsigned char p = (unsigned char)legacy[i - 1];
			unsigned char nx = (unsigned char)legacy[i + 1];
			if ((islower(p) || isdigit(p) || (isupper(p) && islower(nx))) && sb.len &&
			    sb.buf[sb.len - 1] != '_')
				sb_addc(&sb, '_');
		}
		sb_addc(&sb, (char)toupper(c));
	}
	if (ends_with(sb.buf, "_CACHE"))
		sb.len -= 6;
	else if (ends_with(sb.buf, "CACHE") && sb.len > 5)
		sb.len -= 5;
	else if (!strcmp(sb.buf, "CACHE"))
		sb.len = 0;
	while (sb.len && sb.buf[sb.len - 1] == '_')
		sb.len--;
	sb.buf[sb.len] = '\0';
	if (!sb.len) {
		sb_release(&sb);
		return xstrdup("GENERAL");
	}
	r = sb_detach(&sb, NULL);
	return r;
}

static const char *rename_of(const struct cr *cr, const char *method)
{
	size_t n = strlen(method);
	for (int i = 0; i < cr->nrenames; i++) {
		const char *p = cr->renames[i], *colon = strchr(p, ':');
		if (colon && (size_t)(colon - p) == n && !strncmp(p, method, n))
			return colon + 1;
	}
	return NULL;
}

/* ---------- legacy classes ---------- */

/* Literal default of a parameter of __init__ (NUMBER or None), or NULL. */
static const char *param_default(struct cr *cr, const struct pyfile *f, int lp, int rp,
				 const char *const *names)
{
	for (int i = lp + 1; i < rp; i++) {
		if (!tk_name(f, i) || (i > lp + 1 && !tk_is(f, i - 1, ",") && !tk_is(f, i - 1, "*")))
			continue;
		for (const char *const *n = names; *n; n++) {
			int j = i + 1;
			if (!tk_is(f, i, *n))
				continue;
			if (tk_is(f, j, ":")) {
				while (j < rp && !tk_is(f, j, "=") && !tk_is(f, j, ",")) {
					if (f->match[j] > j)
						j = f->match[j];
					j++;
				}
			}
			if (tk_is(f, j, "=") && (tk_kind(f, j + 1) == PT_NUMBER ||
						 tk_is(f, j + 1, "None")) &&
			    (tk_is(f, j + 2, ",") || j + 2 == rp))
				return tk_str(cr, f, j + 1);
		}
	}
	return NULL;
}

static void legacy_init_info(struct cr *cr, struct legacy *l)
{
	const struct klass *k = &cr->classes[l->cls];
	const struct pyfile *f = &cr->files[k->file];
	static const char *const size_names[] = {"max_size", "maxsize", "max_entries", "capacity",
						 "size", NULL};
	static const char *const ttl_names[] = {"ttl", "default_ttl", "timeout", "expiry", NULL};
	for (int s = 0; s < cr->nscopes; s++) {
		const struct scope *sc = &cr->scopes[s];
		if (sc->kind != SC_FUNC || sc->parent != k->scope || strcmp(sc->name, "__init__"))
			continue;
		for (int p = 1; p < sc->nparams; p++) {
			if (sc->params[p].star) {
				l->init_star = 1;
				break;
			}
			l->init_params = xrealloc(l->init_params, sizeof(char *) * (size_t)(l->ninit + 1));
			l->init_params[l->ninit++] = (char *)sc->params[p].name;
		}
		/* find the def's parentheses again for the defaults */
		for (int st = 0; st < f->nstmts; st++) {
			const struct stmt *x = &f->stmts[st];
			int d = x->s + (tk_is(f, x->s, "async") ? 1 : 0);
			if (x->kind != ST_DEF || x->scope != k->scope || !tk_is(f, d + 1, "__init__"))
				continue;
			if (tk_is(f, d + 2, "(") && f->match[d + 2] > d + 2) {
				l->max_size = param_default(cr, f, d + 2, f->match[d + 2], size_names);
				l->ttl = param_default(cr, f, d + 2, f->match[d + 2], ttl_names);
				if (!l->ttl) {
					/* no ttl parameter at all: the legacy cache never expired */
					int has = 0;
					for (int p = 1; p < sc->nparams; p++)
						for (const char *const *n = ttl_names; *n; n++)
							has |= !strcmp(sc->params[p].name, *n);
					if (!has)
						l->ttl = "None";
				}
			}
		}
		break;
	}
}

static int find_legacies(struct cr *cr)
{
	int n = 0;
	char **names = config_get_list(cr->opt->cfg, SECTION, "legacy", &n);
	for (int c = 0; c < cr->nclasses; c++) {
		struct klass *k = &cr->classes[c];
		int want = 0;
		if (!k->toplevel || !cr->files[k->file].module)
			continue;
		if (names) {
			for (int i = 0; i < n; i++)
				if (!strcmp(names[i], k->name) || !strcmp(names[i], k->qual))
					want = 1;
		} else {
			want = ends_with(k->name, "Cache") && strcmp(k->name, "Cache") != 0;
		}
		if (!want || c == cr->unified_cls || c == cr->enum_cls)
			continue;
		cr->legacies = xrealloc(cr->legacies, sizeof(*cr->legacies) * (size_t)(cr->nlegacies + 1));
		memset(&cr->legacies[cr->nlegacies], 0, sizeof(*cr->legacies));
		cr->legacies[cr->nlegacies].name = k->name;
		cr->legacies[cr->nlegacies].cls = c;
		{
			char *m = cache_type_member(k->name);
			cr->legacies[cr->nlegacies].member = arena_strdup(cr->arena, m);
			free(m);
		}
		k->legacy = cr->nlegacies;
		cr->files[k->file].legacy_module = 1;
		cr->nlegacies++;
	}
	config_list_free(names);
	for (int l = 0; l < cr->nlegacies; l++)
		legacy_init_info(cr, &cr->legacies[l]);
	return 0;
}

/* ---------- pass 3: rewrites ---------- */

static void add_edit(struct pyfile *f, size_t s, size_t e, const char *text, int sig_s, int sig_e)
{
	struct edit *x;
	ALLOC_GROW(f->edits, f->nedits + 1, f->alloc_edits);
	x = &f->edits[f->nedits++];
	x->s = s;
	x->e = e;
	x->text = xstrdup(text);
	x->sig_s = sig_s;
	x->sig_e = sig_e;
}

/* Indentation (spaces and tabs) of the physical line holding byte off. */
static char *line_indent(const struct pyfile *f, size_t off)
{
	size_t a = off, b;
	while (a > 0 && f->src[a - 1] != '\n' && f->src[a - 1] != '\r')
		a--;
	b = a;
	while (b < f->len && (f->src[b] == ' ' || f->src[b] == '\t'))
		b++;
	return xstrndup(f->src + a, b - a);
}

static const char *enum_ref(struct cr *cr, const struct legacy *l)
{
	return arena_strfmt(cr->arena, "%s.%s", cr->enum_name, l->member);
}

/* Insert `kw` as the first argument after '(' at lp (construction). */
static void insert_first_arg(struct cr *cr, struct pyfile *f, int lp, int rp, const char *kw)
{
	char *text;
	if (rp == lp + 1) {
		add_edit(f, tk_end(f, lp), tk_end(f, lp), kw, -1, -1);
		return;
	}
	if (tk_line(f, lp + 1) != (int)TK(f, lp)->end_line) {
		/* arguments start on their own line: same layout for the new one */
		char *ind = line_indent(f, tk_start(f, lp + 1));
		text = xstrfmt("%s,\n%s", kw, ind);
		add_edit(f, tk_start(f, lp + 1), tk_start(f, lp + 1), text, -1, -1);
		free(ind);
	} else {
		text = xstrfmt("%s, ", kw);
		add_edit(f, tk_end(f, lp), tk_end(f, lp), text, -1, -1);
	}
	free(text);
	(void)cr;
}

/* Append `kw` as the last argument before ')' at rp (method call). */
static void append_last_arg(struct pyfile *f, int lp, int rp, const char *kw)
{
	int last = rp - 1;
	char *text;
	if (last == lp) {
		add_edit(f, tk_end(f, lp), tk_end(f, lp), kw, -1, -1);
		return;
	}
	if (tk_is(f, last, ",")) {
		if (tk_line(f, rp) != tk_line(f, last)) {
			char *ind = line_indent(f, tk_start(f, last));
			text = xstrfmt("\n%s%s,", ind, kw);
			free(ind);
		} else {
			text = xstrfmt(" %s,", kw);
		}
	} else {
		text = xstrfmt(", %s", kw);
	}
	add_edit(f, tk_end(f, last), tk_end(f, last), text, -1, -1);
	free(text);
}

static int has_keyword_arg(const struct pyfile *f, int lp, int rp, const char *kw)
{
	for (int i = lp + 1; i + 1 < rp; i++) {
		if (f->match[i] > i) {
			i = f->match[i];
			continue;
		}
		if (tk_is(f, i, kw) && tk_is(f, i + 1, "=") &&
		    (i == lp + 1 || tk_is(f, i - 1, ",")))
			return 1;
	}
	return 0;
}

static void do_construct(struct cr *cr, struct pyfile *f, const struct event *ev)
{
	struct legacy *l = &cr->legacies[ev->legacy];
	char *kw = xstrfmt("cache_type=%s", enum_ref(cr, l));
	char *shown = range_text(f, ev->s, ev->rp + 1);
	int npos = 0, convertible = 1, i, a;

	/* positional arguments get the legacy __init__ parameter names */
	for (i = ev->lp + 1, a = i; i <= ev->rp; i++) {
		if (i < ev->rp && f->match[i] > i) {
			i = f->match[i];
			continue;
		}
		if (i == ev->rp || tk_is(f, i, ",")) {
			if (i > a) {
				int kwarg = tk_name(f, a) && tk_is(f, a + 1, "=");
				int star = tk_is(f, a, "*") || tk_is(f, a, "**");
				if (!kwarg && !star) {
					for (int j = a; j < i; j++)
						if (tk_is(f, j, "for"))
							convertible = 0;
					if (npos >= cr->legacies[ev->legacy].ninit ||
					    cr->legacies[ev->legacy].init_star)
						convertible = 0;
					npos++;
				} else if (star && tk_is(f, a, "*")) {
					convertible = 0;
				}
			}
			a = i + 1;
		}
	}
	if (npos && !convertible) {
		audit(cr, f, tk_line(f, ev->s), A_UNRESOLVED,
		      "%s  positional arguments that cannot be named after %s.__init__ (not rewritten)",
		      shown, l->name);
		cr->st->unresolved++;
		free(kw);
		free(shown);
		return;
	}
	add_edit(f, tk_start(f, ev->s), tk_end(f, ev->e - 1), cr->uni_name, ev->s, ev->e);
	insert_first_arg(cr, f, ev->lp, ev->rp, kw);
	if (npos) {
		int p = 0;
		for (i = ev->lp + 1, a = i; i <= ev->rp; i++) {
			if (i < ev->rp && f->match[i] > i) {
				i = f->match[i];
				continue;
			}
			if (i == ev->rp || tk_is(f, i, ",")) {
				if (i > a && !(tk_name(f, a) && tk_is(f, a + 1, "=")) &&
				    !tk_is(f, a, "**")) {
					char *nm = xstrfmt("%s=", cr->legacies[ev->legacy].init_params[p++]);
					add_edit(f, tk_start(f, a), tk_start(f, a), nm, -1, -1);
					free(nm);
				}
				a = i + 1;
			}
		}
	}
	f->need_unified = f->need_enum = 1;
	l->used = 1;
	cr->st->constructions++;
	audit(cr, f, tk_line(f, ev->s), A_CONSTRUCT, "%s  -> %s(cache_type=%s, ...)", shown,
	      cr->uni_name, enum_ref(cr, l));
	free(kw);
	free(shown);
}

/* The legacy class defines method (or derives from something that may). */
static int legacy_has_method(struct cr *cr, const struct legacy *l, const char *method)
{
	const struct klass *k = &cr->classes[l->cls];
	if (k->bases_s >= 0 && k->bases_e > k->bases_s &&
	    !(k->bases_e - k->bases_s == 1 && tk_is(&cr->files[k->file], k->bases_s, "object")))
		return 1;
	for (int i = 0; i < cr->nscopes; i++)
		if (cr->scopes[i].kind == SC_FUNC && cr->scopes[i].parent == k->scope &&
		    !strcmp(cr->scopes[i].name, method))
			return 1;
	return 0;
}

static void do_method(struct cr *cr, struct pyfile *f, const struct event *ev)
{
	struct legacy *l = &cr->legacies[ev->legacy];
	const char *method = tk_str(cr, f, ev->name);
	const char *ren = rename_of(cr, method);
	char *kw = xstrfmt("cache_type=%s", enum_ref(cr, l));
	char *shown = range_text(f, ev->s, ev->rp + 1);
	if (has_keyword_arg(f, ev->lp, ev->rp, "cache_type")) {
		free(kw);
		free(shown);
		return;
	}
	if (!legacy_has_method(cr, l, method)) {
		audit(cr, f, tk_line(f, ev->name), A_UNRESOLVED,
		      "%s  %s has no method '%s' (not rewritten)", shown, l->name, method);
		cr->st->unresolved++;
		free(kw);
		free(shown);
		return;
	}
	if (ren)
		add_edit(f, tk_start(f, ev->name), tk_end(f, ev->name), ren, ev->name, ev->name + 1);
	append_last_arg(f, ev->lp, ev->rp, kw);
	f->need_enum = 1;
	l->used = 1;
	cr->st->calls++;
	audit(cr, f, tk_line(f, ev->name), A_CALL, "%s  %s.%s%s%s%s", shown, l->name, method,
	      ren ? " -> " : "", ren ? ren : "", ev->by_name ? "  (type from the attribute name)" : "");
	free(kw);
	free(shown);
}

static void rewrite_file(struct cr *cr, int fidx)
{
	struct pyfile *f = &cr->files[fidx];
	struct events ev = {NULL, 0, 0};

	for (int si = 0; si < f->nstmts; si++) {
		const struct stmt *st = &f->stmts[si];
		if (st->kind == ST_IMPORT || st->kind == ST_FROM)
			continue;
		if (st->kind == ST_CLASS && st->cls >= 0 && cr->classes[st->cls].legacy >= 0)
			continue; /* the legacy class's own header */
		ev.n = 0;
		for (int i = st->s; i < st->e; i++) {
			int end;
			if (chain_start(f, i))
				eval_chain(cr, f, st->scope, i, st->e, &end, &ev);
		}
		for (int k = 0; k < ev.n; k++) {
			const struct event *x = &ev.v[k];
			char *shown;
			if (st->kind == ST_CLASS && (x->kind == EV_CLASSREF || x->kind == EV_CONSTRUCT)) {
				audit(cr, f, tk_line(f, x->s), A_UNRESOLVED,
				      "class %s derives from legacy cache %s (not rewritten)",
				      cr->classes[st->cls].name, cr->legacies[x->legacy].name);
				cr->st->unresolved++;
				continue;
			}
			switch (x->kind) {
			case EV_CONSTRUCT:
				do_construct(cr, f, x);
				break;
			case EV_METHOD:
				do_method(cr, f, x);
				break;
			case EV_CLASSREF:
				shown = range_text(f, x->s, x->e);
				add_edit(f, tk_start(f, x->s), tk_end(f, x->e - 1), cr->uni_name, x->s,
					 x->e);
				f->need_unified = 1;
				cr->legacies[x->legacy].used = 1;
				cr->st->references++;
				audit(cr, f, tk_line(f, x->s), A_REFERENCE, "%s  -> %s", shown,
				      cr->uni_name);
				free(shown);
				break;
			case EV_ATTR:
				shown = range_text(f, x->s, x->name + 1);
				audit(cr, f, tk_line(f, x->name), A_UNRESOLVED,
				      "%s  attribute of a %s instance; the unified cache may not have it "
				      "(not rewritten)",
				      shown, cr->legacies[x->legacy].name);
				cr->st->unresolved++;
				free(shown);
				break;
			case EV_LEGACY_CLASS_ATTR:
				shown = range_text(f, x->s, x->e);
				audit(cr, f, tk_line(f, x->s), A_UNRESOLVED,
				      "%s  class attribute of legacy cache %s (not rewritten)", shown,
				      cr->legacies[x->legacy].name);
				cr->st->unresolved++;
				free(shown);
				break;
			case EV_UNRESOLVED:
				shown = range_text(f, x->s, x->rp + 1);
				audit(cr, f, tk_line(f, x->name), A_UNRESOLVED,
				      "%s  %s (not rewritten)", shown, x->why);
				cr->st->unresolved++;
				free(shown);
				break;
			}
		}
	}
	/* String annotations naming a legacy class ("GreeksCache", "Optional[GreeksCache]"). */
	for (int i = 0; i < f->nsig; i++) {
		const struct pytok *t = TK(f, i);
		size_t a, b;
		if (t->kind != PT_STRING || t->len < 3 || t->end_line != t->line)
			continue;
		a = t->off;
		while (a < t->off + t->len && isalpha((unsigned char)f->src[a]))
			a++;
		if (f->src[a] != '"' && f->src[a] != '\'')
			continue;
		a++;
		b = t->off + t->len - 1;
		if (b <= a)
			continue;
		{
			int ok = 1;
			for (size_t k = a; k < b; k++) {
				char c = f->src[k];
				if (!isalnum((unsigned char)c) && !strchr("_.[], |", c))
					ok = 0;
			}
			if (!ok)
				continue;
		}
		for (int l = 0; l < cr->nlegacies; l++) {
			const char *nm = cr->legacies[l].name;
			size_t n = strlen(nm);
			for (size_t k = a; k + n <= b; k++) {
				if (memcmp(f->src + k, nm, n) ||
				    (k > a && (isalnum((unsigned char)f->src[k - 1]) || f->src[k - 1] == '_' ||
					       f->src[k - 1] == '.')) ||
				    (k + n < b && (isalnum((unsigned char)f->src[k + n]) || f->src[k + n] == '_')))
					continue;
				/* the name must mean the legacy class here */
				{
					struct type tt = lookup(cr, f, 0, nm);
					if (tt.kind != T_LEGACY_CLASS || tt.idx != l)
						continue;
				}
				add_edit(f, k, k + n, cr->uni_name, i, i + 1);
				f->need_unified = 1;
				cr->st->references++;
				audit(cr, f, (int)t->line, A_REFERENCE, "\"%s\" in a string annotation  -> %s",
				      nm, cr->uni_name);
			}
		}
	}
	free(ev.v);
}

/* ---------- pass 4: imports ---------- */

static int binding_is_legacy(struct cr *cr, const struct pyfile *f, const struct binding *b)
{
	struct type t = resolve_binding(cr, f, b);
	if (t.kind == T_LEGACY_CLASS)
		return 1;
	if (t.kind == T_MODULE) {
		/* the module (or a module below it) defines a legacy class */
		size_t n = strlen(t.mod);
		for (int l = 0; l < cr->nlegacies; l++) {
			const struct pyfile *lf = &cr->files[cr->classes[cr->legacies[l].cls].file];
			if (lf->module && !strncmp(lf->module, t.mod, n) &&
			    (lf->module[n] == '\0' || lf->module[n] == '.') &&
			    (b->full ? (!strncmp(b->full, lf->module, strlen(lf->module)) &&
					strlen(b->full) == strlen(lf->module))
				     : !strcmp(lf->module, t.mod)))
				return 1;
		}
	}
	return 0;
}

static void mark_consumed(struct pyfile *f)
{
	f->consumed = xcalloc((size_t)f->nsig + 1, 1);
	for (int k = 0; k < f->nedits; k++)
		for (int i = f->edits[k].sig_s; i >= 0 && i < f->edits[k].sig_e; i++)
			f->consumed[i] = 1;
}

/* Uses of a bound name outside import statements and rewritten tokens. */
static int count_uses(const struct pyfile *f, const char *name)
{
	int n = 0, si = 0;
	for (int i = 0; i < f->nsig; i++) {
		const struct pytok *t = TK(f, i);
		while (si < f->nstmts && f->stmts[si].e <= i)
			si++;
		if (si < f->nstmts && i >= f->stmts[si].s &&
		    (f->stmts[si].kind == ST_IMPORT || f->stmts[si].kind == ST_FROM))
			continue;
		if (t->kind != PT_NAME || f->consumed[i] || t->len != strlen(name) ||
		    memcmp(f->src + t->off, name, t->len))
			continue;
		if (i > 0 && tk_is(f, i - 1, "."))
			continue;
		n++;
	}
	/* __all__ strings and string annotations left as they are count as uses */
	for (int i = 0; i < f->nsig; i++) {
		const struct pytok *t = TK(f, i);
		size_t n2 = strlen(name);
		if (t->kind != PT_STRING || f->consumed[i])
			continue;
		for (size_t k = t->off; k + n2 <= t->off + t->len; k++)
			if (!memcmp(f->src + k, name, n2) &&
			    (f->src[k - 1] == '"' || f->src[k - 1] == '\'') &&
			    (f->src[k + n2] == '"' || f->src[k + n2] == '\''))
				n++;
	}
	return n;
}

/* Byte range of statement st, extended to whole physical lines when it is alone on them. */
static int stmt_line_range(const struct pyfile *f, const struct stmt *st, size_t *a, size_t *b)
{
	size_t s = tk_start(f, st->s), e = tk_end(f, st->e - 1), ls = s, le = e;
	while (ls > 0 && (f->src[ls - 1] == ' ' || f->src[ls - 1] == '\t'))
		ls--;
	if (ls > 0 && f->src[ls - 1] != '\n' && f->src[ls - 1] != '\r')
		return 0;
	/* to the end of the line, past a trailing comment */
	while (le < f->len && f->src[le] != '\n' && f->src[le] != '\r') {
		if (f->src[le] == '#')
			break;
		if (f->src[le] != ' ' && f->src[le] != '\t')
			return 0;
		le++;
	}
	while (le < f->len && f->src[le] != '\n' && f->src[le] != '\r')
		le++;
	if (le < f->len && f->src[le] == '\r')
		le++;
	if (le < f->len && f->src[le] == '\n')
		le++;
	*a = ls;
	*b = le;
	return 1;
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "from M import A, B" for the names file f still needs (NULL when none). */
static char *unified_import(struct cr *cr, const struct pyfile *f, int need_u, int need_e)
{
	const char *names[2];
	int n = 0;
	if (cr->uni_mod && cr->enum_mod && strcmp(cr->uni_mod, cr->enum_mod)) {
		struct strbuf sb = STRBUF_INIT;
		sb_init(&sb);
		if (need_u)
			sb_addf(&sb, "from %s import %s", cr->uni_mod, cr->uni_name);
		if (need_e)
			sb_addf(&sb, "%sfrom %s import %s", need_u ? "\n" : "", cr->enum_mod,
				cr->enum_name);
		if (!sb.len) {
			sb_release(&sb);
			return NULL;
		}
		return sb_detach(&sb, NULL);
	}
	(void)f;
	if (need_u)
		names[n++] = cr->uni_name;
	if (need_e)
		names[n++] = cr->enum_name;
	if (!n)
		return NULL;
	qsort(names, (size_t)n, sizeof(*names), cmp_cstr);
	return n == 2 ? xstrfmt("from %s import %s, %s", cr->uni_mod, names[0], names[1])
		      : xstrfmt("from %s import %s", cr->uni_mod, names[0]);
}

/* Does f already bind name to the unified class / enum? */
static int binds_unified(struct cr *cr, const struct pyfile *f, const char *name, const char *mod)
{
	for (int i = 0; i < f->nbinds; i++) {
		const struct binding *b = &f->binds[i];
		if (b->kind == B_SYMBOL && !strcmp(b->name, name) && b->mod && mod &&
		    !strcmp(b->mod, mod) && !strcmp(b->sym, name) && !b->removed)
			return 1;
	}
	if (f->module && mod && !strcmp(f->module, mod))
		return 1; /* the unified module itself */
	(void)cr;
	return 0;
}

static void fix_imports(struct cr *cr, int fidx)
{
	struct pyfile *f = &cr->files[fidx];
	int need_u, need_e, placed = 0, last_top_import = -1;
	char *imp;

	mark_consumed(f);
	for (int i = 0; i < f->nbinds; i++) {
		struct binding *b = &f->binds[i];
		b->legacy_ref = binding_is_legacy(cr, f, b);
		if (!b->legacy_ref)
			continue;
		b->uses = count_uses(f, b->name);
		/* `import a.b.c` binds a: other imports of a keep it alive anyway */
		b->removed = b->uses == 0;
	}
	need_u = f->need_unified && !binds_unified(cr, f, cr->uni_name, cr->uni_mod);
	need_e = f->need_enum && !binds_unified(cr, f, cr->enum_name, cr->enum_mod);
	imp = unified_import(cr, f, need_u, need_e);

	for (int si = 0; si < f->nstmts; si++) {
		struct stmt *st = &f->stmts[si];
		int nremoved = 0;
		if (st->kind != ST_IMPORT && st->kind != ST_FROM)
			continue;
		for (int k = 0; k < st->nitems; k++) {
			int b = st->items[k].binding;
			if (b >= 0 && f->binds[b].removed)
				nremoved++;
		}
		if (!st->depth)
			last_top_import = si;
		if (!nremoved)
			continue;
		{
			char *shown = range_text(f, st->s, st->e);
			audit(cr, f, tk_line(f, st->s), A_IMPORT, "%s  -> %s", shown,
			      nremoved == st->nitems ? (imp && !placed && !st->depth ? imp : "removed")
						     : "legacy names removed");
			free(shown);
			cr->st->imports++;
		}
		if (nremoved == st->nitems) {
			size_t a, b;
			if (imp && !placed && !st->depth) {
				add_edit(f, tk_start(f, st->s), tk_end(f, st->e - 1), imp, st->s, st->e);
				placed = 1;
			} else if (st->only_in_block) {
				add_edit(f, tk_start(f, st->s), tk_end(f, st->e - 1), "pass", st->s,
					 st->e);
			} else if (stmt_line_range(f, st, &a, &b)) {
				add_edit(f, a, b, "", st->s, st->e);
			} else {
				add_edit(f, tk_start(f, st->s), tk_end(f, st->e - 1), "pass", st->s,
					 st->e);
			}
			continue;
		}
		/* some names stay: cut the removed items (with their commas) */
		for (int k = 0; k < st->nitems; k++) {
			const struct import_item *it = &st->items[k];
			int b = it->binding;
			if (b < 0 || !f->binds[b].removed)
				continue;
			if (k + 1 < st->nitems)
				add_edit(f, tk_start(f, it->s), tk_start(f, st->items[k + 1].s), "",
					 it->s, it->e);
			else {
				int prev = k - 1;
				while (prev >= 0 && st->items[prev].binding >= 0 &&
				       f->binds[st->items[prev].binding].removed)
					prev--;
				if (prev >= 0)
					add_edit(f, tk_end(f, st->items[prev].e - 1), tk_end(f, it->e - 1),
						 "", it->s, it->e);
			}
		}
	}
	if (imp && !placed) {
		/* after the last top-level import, else after the docstring */
		size_t at = 0;
		char *text;
		if (last_top_import >= 0) {
			const struct stmt *st = &f->stmts[last_top_import];
			size_t a, b;
			if (stmt_line_range(f, st, &a, &b))
				at = b;
			else
				at = tk_end(f, st->e - 1);
			text = at && f->src[at - 1] == '\n' ? xstrfmt("%s\n", imp) : xstrfmt("\n%s\n", imp);
		} else {
			int si = 0;
			size_t a, b;
			while (si < f->nstmts && f->stmts[si].kind == ST_SIMPLE &&
			       f->stmts[si].e - f->stmts[si].s == 1 &&
			       tk_kind(f, f->stmts[si].s) == PT_STRING)
				si++;
			if (si > 0 && stmt_line_range(f, &f->stmts[si - 1], &a, &b)) {
				/* after the module docstring, one blank line between */
				at = b;
				text = xstrfmt("\n%s\n", imp);
			} else if (si < f->nstmts) {
				size_t a, b;
				if (stmt_line_range(f, &f->stmts[si], &a, &b))
					at = a;
				else
					at = tk_start(f, f->stmts[si].s);
				text = xstrfmt("%s\n\n", imp);
			} else {
				at = f->len;
				text = at && f->src[at - 1] != '\n' ? xstrfmt("\n%s\n", imp)
								     : xstrfmt("%s\n", imp);
			}
		}
		add_edit(f, at, at, text, -1, -1);
		audit(cr, f, 0, A_IMPORT, "%s  (added)", imp);
		free(text);
	}
	free(imp);
}

/* ---------- output ---------- */

static int cmp_edit(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;
	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	if (x->e != y->e)
		return x->e < y->e ? -1 : 1;
	return 0;
}

/* The new content of f (caller frees), or NULL when edits overlap (a bug: reported). */
static char *apply_edits(struct pyfile *f, size_t *out_len)
{
	struct strbuf sb = STRBUF_INIT;
	size_t at = 0;
	qsort(f->edits, (size_t)f->nedits, sizeof(*f->edits), cmp_edit);
	sb_init(&sb);
	for (int k = 0; k < f->nedits; k++) {
		const struct edit *x = &f->edits[k];
		if (x->s < at) {
			diag_warn(f->path, 0, 0, "overlapping cache rewrites; file left unchanged");
			sb_release(&sb);
			return NULL;
		}
		sb_add(&sb, f->src + at, x->s - at);
		sb_adds(&sb, x->text);
		at = x->e;
	}
	sb_add(&sb, f->src + at, f->len - at);
	return sb_detach(&sb, out_len);
}

/* ---------- the unified module ---------- */

struct seed_default {
	const char *member, *ttl, *max_size;
};

/* The seed's type-aware configuration (methodology phase 2.2). */
static const struct seed_default seed[] = {
	{"GENERAL", "300", "1000"},      {"MARKET_DATA", "60", "2000"},
	{"GREEKS", "120", "500"},        {"POSITION_AWARE", "180", "1500"},
	{"POSITION", "180", "1500"},     {"STATE", "600", "200"},
	{NULL, NULL, NULL},
};

static const struct seed_default *seed_for(const char *member)
{
	for (const struct seed_default *s = seed; s->member; s++)
		if (!strcmp(s->member, member))
			return s;
	return &seed[0];
}

/* Where the file of a module goes, relative to the root: next to its package. */
static char *module_file(struct cr *cr, const char *mod)
{
	char *pkg = xstrdup(mod), *dot = strrchr(pkg, '.'), *path, *rel = NULL;
	char *modpath = xstrdup(mod);
	const char *base = NULL;
	for (char *p = modpath; *p; p++)
		if (*p == '.')
			*p = '/';
	if (dot) {
		long fi;
		*dot = '\0';
		fi = modindex_file(cr->mi, pkg);
		if (fi >= 0) {
			/* .../pkg/__init__.py or .../pkg.py: the root is before the package path */
			const char *p = cr->s->files[fi]->path;
			char *pkgpath = xstrdup(pkg);
			char *hit;
			for (char *q = pkgpath; *q; q++)
				if (*q == '.')
					*q = '/';
			hit = strstr(p, pkgpath);
			if (hit) {
				base = p;
				rel = xstrfmt("%.*s%s.py", (int)(hit - p), p, modpath);
			}
			free(pkgpath);
		}
	}
	if (!rel)
		rel = cr->mi->nroots && strcmp(cr->mi->roots[0], ".")
			      ? xstrfmt("%s/%s.py", cr->mi->roots[0], modpath)
			      : xstrfmt("%s.py", modpath);
	(void)base;
	path = rel;
	free(pkg);
	free(modpath);
	return path;
}

static int render_unified(struct cr *cr, struct patch_set *ps)
{
	json_t *ctx = json_object(), *types = json_array(), *legacy = json_array();
	struct tmpl_env *env;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	char *file, *rel;
	int rc = 0, have_general = 0;
	const char *tname = "python/unified_cache.py.mustache";

	for (int l = 0; l < cr->nlegacies; l++)
		if (!strcmp(cr->legacies[l].member, "GENERAL"))
			have_general = 1;
	if (!have_general)
		json_array_append_new(types, json_pack("{s:s, s:s, s:s, s:s}", "member", "GENERAL",
						       "value", "general", "ttl", "300.0",
						       "max_size", "1000"));
	for (int l = 0; l < cr->nlegacies; l++) {
		const struct legacy *lg = &cr->legacies[l];
		const struct seed_default *sd = seed_for(lg->member);
		char *value = xstrdup(lg->member);
		const char *ttl = lg->ttl ? lg->ttl : sd->ttl;
		char *ttls = strcmp(ttl, "None") && !strchr(ttl, '.') && !strchr(ttl, 'e')
				     ? xstrfmt("%s.0", ttl) : xstrdup(ttl);
		int dup = 0;
		for (int k = 0; k < l; k++)
			if (!strcmp(cr->legacies[k].member, lg->member))
				dup = 1;
		for (char *p = value; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (!dup)
			json_array_append_new(types, json_pack("{s:s, s:s, s:s, s:s}", "member",
							       lg->member, "value", value, "ttl", ttls,
							       "max_size",
							       lg->max_size && strcmp(lg->max_size, "None")
								       ? lg->max_size : sd->max_size));
		json_array_append_new(legacy, json_string(lg->name));
		free(value);
		free(ttls);
	}
	json_object_set_new(ctx, "unified", json_string(cr->uni_name));
	json_object_set_new(ctx, "cache_type", json_string(cr->enum_name));
	json_object_set_new(ctx, "types", types);
	json_object_set_new(ctx, "legacy", legacy);
	{
		struct strbuf names = STRBUF_INIT;
		sb_init(&names);
		for (int l = 0; l < cr->nlegacies; l++)
			sb_addf(&names, "%s%s", l == 0 ? "" : l == cr->nlegacies - 1 ? " and " : ", ",
				cr->legacies[l].name);
		json_object_set_new(ctx, "legacy_names", json_string(names.buf));
		sb_release(&names);
	}
	env = tmpl_env_new(cr->opt->tmpl_dirs, cr->opt->ntmpl_dirs, TMPL_STRICT);
	sb_init(&out);
	sb_init(&err);
	if (tmpl_render_file(env, tname, ctx, &out, &err) < 0) {
		fputs(err.buf, stderr);
		rc = -1;
		goto done;
	}
	file = module_file(cr, cr->uni_mod);
	rel = path_relative_to(cr->opt->root, file);
	if (!rel) {
		rc = error("the unified module '%s' would be written to '%s', outside the scanned root",
			   cr->uni_mod, file);
	} else if (patch_add(ps, rel, NULL, 0, out.buf, out.len, 0) < 0) {
		rc = -1;
	} else {
		cr->st->created++;
		audit(cr, NULL, 0, A_NOTE, "%s: new module %s with %s and %s (from %s)", file,
		      cr->uni_mod, cr->uni_name, cr->enum_name, tname);
	}
	free(rel);
	free(file);
done:
	tmpl_env_free(env);
	sb_release(&out);
	sb_release(&err);
	json_decref(ctx);
	return rc;
}

/* Add enum members the legacy caches need to an existing enum class. */
static void extend_enum(struct cr *cr)
{
	const struct klass *k = &cr->classes[cr->enum_cls];
	struct pyfile *f = &cr->files[k->file];
	int last = -1;
	for (int si = 0; si < f->nstmts; si++)
		if (f->stmts[si].scope == k->scope && f->stmts[si].kind == ST_SIMPLE)
			last = si;
	for (int l = 0; l < cr->nlegacies; l++) {
		const char *m = cr->legacies[l].member;
		char *key = xstrfmt("A%d:%s", cr->enum_cls, m);
		int have = table_get(cr->table, key) != NULL, dup = 0;
		free(key);
		for (int j = 0; j < l; j++)
			if (!strcmp(cr->legacies[j].member, m))
				dup = 1;
		if (have || dup || !cr->legacies[l].used)
			continue;
		if (last < 0) {
			audit(cr, f, k->line, A_UNRESOLVED, "%s has no member %s; add it", cr->enum_name,
			      m);
			continue;
		}
		{
			size_t a, b;
			char *ind, *value = xstrdup(m), *text;
			const struct stmt *st = &f->stmts[last];
			for (char *p = value; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			if (!stmt_line_range(f, st, &a, &b)) {
				free(value);
				continue;
			}
			ind = line_indent(f, tk_start(f, st->s));
			text = xstrfmt("%s%s = \"%s\"\n", ind, m, value);
			add_edit(f, b, b, text, -1, -1);
			audit(cr, f, k->line, A_NOTE,
			      "%s.%s added; give it a ttl and size in the unified cache's configuration",
			      cr->enum_name, m);
			free(ind);
			free(value);
			free(text);
		}
	}
}

/* Legacy modules holding nothing else, imported by nobody after the rewrite, are deleted. */
static void delete_legacy_modules(struct cr *cr)
{
	for (int fi = 0; fi < cr->nfiles; fi++) {
		struct pyfile *f = &cr->files[fi];
		int only = 1, used = 0;
		if (!f->legacy_module || f->skip || !f->module)
			continue;
		for (int si = 0; si < f->nstmts && only; si++) {
			const struct stmt *st = &f->stmts[si];
			if (cr->scopes[st->scope].kind != SC_MODULE)
				continue;
			if (st->kind == ST_IMPORT || st->kind == ST_FROM)
				continue;
			if (st->kind == ST_CLASS && st->cls >= 0 && cr->classes[st->cls].legacy >= 0)
				continue;
			if (st->kind == ST_SIMPLE && st->e - st->s == 1 &&
			    tk_kind(f, st->s) == PT_STRING)
				continue;
			if (st->kind == ST_SIMPLE && tk_is(f, st->s, "__all__"))
				continue;
			only = 0;
		}
		if (!only)
			continue;
		/* anyone still importing it (kept bindings), or a file we could not rewrite? */
		for (int gi = 0; gi < cr->nfiles && !used; gi++) {
			const struct pyfile *g = &cr->files[gi];
			if (gi == fi)
				continue;
			for (int b = 0; b < g->nbinds && !used; b++) {
				const struct binding *bd = &g->binds[b];
				const char *m = bd->kind == B_MODULE ? (bd->full ? bd->full : bd->mod)
								     : bd->mod;
				const char *sub = bd->kind == B_SYMBOL && bd->mod
							  ? arena_strfmt(cr->arena, "%s.%s", bd->mod, bd->sym)
							  : NULL;
				if (bd->removed && !g->skip)
					continue;
				if ((m && !strcmp(m, f->module)) || (sub && !strcmp(sub, f->module)))
					used = 1;
			}
		}
		if (used) {
			audit(cr, f, 0, A_NOTE, "legacy module %s kept: still imported", f->module);
			continue;
		}
		f->deleted = 1;
	}
}

/* ---------- driver ---------- */

static int load_files(struct cr *cr)
{
	const struct scan *s = cr->s;
	int n = 0;
	cr->files = xcalloc(s->nfiles + 1, sizeof(*cr->files));
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct file_facts *ff = s->files[i];
		struct pyfile *f;
		struct stat st;
		int depth = 0, *stack;
		if (ff->lang != LANG_PYTHON || ends_with(ff->path, ".pyi"))
			continue;
		f = &cr->files[n];
		f->fi = i;
		f->path = ff->path;
		f->rel = path_relative_to(cr->opt->root, ff->path);
		if (!f->rel) {
			diag_warn(ff->path, 0, 0, "outside the scanned root; not rewritten");
			continue;
		}
		if (read_file(ff->path, 0, &f->src, &f->len) < 0) {
			diag_warn(ff->path, 0, 0, "cannot read: %s", strerror(errno));
			cr->st->unreadable++;
			free(f->rel);
			f->rel = NULL;
			continue;
		}
		f->mode = stat(ff->path, &st) == 0 ? (unsigned)st.st_mode : 0644;
		f->module = modindex_module(cr->mi, i);
		f->modkey = f->module ? f->module : ff->path;
		f->is_init = ends_with(ff->path, "__init__.py");
		if (pytok_run(&f->toks, f->src, f->len, NULL) > 0)
			f->skip = 1; /* analysed for types, never rewritten */
		f->sig = xmalloc(sizeof(int) * (f->toks.n + 1));
		for (size_t k = 0; k < f->toks.n; k++)
			if (f->toks.v[k].kind != PT_COMMENT && f->toks.v[k].kind != PT_NL)
				f->sig[f->nsig++] = (int)k;
		f->match = xmalloc(sizeof(int) * ((size_t)f->nsig + 1));
		stack = xmalloc(sizeof(int) * ((size_t)f->nsig + 1));
		for (int k = 0; k < f->nsig; k++) {
			f->match[k] = -1;
			if (tk_is(f, k, "(") || tk_is(f, k, "[") || tk_is(f, k, "{")) {
				stack[depth++] = k;
			} else if ((tk_is(f, k, ")") || tk_is(f, k, "]") || tk_is(f, k, "}")) && depth) {
				int o = stack[--depth];
				f->match[o] = k;
				f->match[k] = o;
			}
		}
		free(stack);
		n++;
	}
	cr->nfiles = n;
	return 0;
}

static void free_files(struct cr *cr)
{
	for (int i = 0; i < cr->nfiles; i++) {
		struct pyfile *f = &cr->files[i];
		free(f->rel);
		free(f->src);
		pytok_release(&f->toks);
		free(f->sig);
		free(f->match);
		for (int k = 0; k < f->nstmts; k++)
			free(f->stmts[k].items);
		free(f->stmts);
		free(f->binds);
		for (int k = 0; k < f->nedits; k++)
			free(f->edits[k].text);
		free(f->edits);
		free(f->consumed);
	}
	free(cr->files);
	for (int i = 0; i < cr->nscopes; i++)
		free(cr->scopes[i].params);
	free(cr->scopes);
	free(cr->classes);
	for (int l = 0; l < cr->nlegacies; l++)
		free(cr->legacies[l].init_params);
	free(cr->legacies);
	free(cr->sites);
	free(cr->calls);
	for (int k = 0; k < cr->nargs; k++)
		free(cr->args[k].key);
	for (int k = 0; k < cr->nprev_args; k++)
		free(cr->prev_args[k].key);
	free(cr->args);
	free(cr->prev_args);
	table_clear(&cr->table);
	table_clear(&cr->class_index);
	config_list_free(cr->renames);
	for (int i = 0; i < cr->naudit; i++) {
		free(cr->audit[i].file);
		free(cr->audit[i].text);
	}
	free(cr->audit);
	arena_free(cr->arena);
}

static int cmp_audit(const void *a, const void *b)
{
	const struct audit_item *x = a, *y = b;
	int d = strcmp(x->file, y->file);
	if (d)
		return d;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return strcmp(x->text, y->text);
}

static void write_audit(struct cr *cr, struct strbuf *out)
{
	static const char *const titles[A__COUNT] = {
		[A_CONSTRUCT] = "constructions",
		[A_ATTRIBUTE] = "instance attributes holding a legacy cache",
		[A_CALL] = "method calls",
		[A_REFERENCE] = "other references to legacy classes",
		[A_IMPORT] = "imports",
		[A_UNRESOLVED] = "not rewritten (type not established or no unified equivalent)",
		[A_NOTE] = "notes",
	};
	if (cr->naudit)
		qsort(cr->audit, (size_t)cr->naudit, sizeof(*cr->audit), cmp_audit);
	sb_addf(out, "legacy caches (%d) -> %s%s%s (enum %s%s%s)\n", cr->nlegacies,
		cr->uni_mod ? cr->uni_mod : "", cr->uni_mod ? "." : "", cr->uni_name,
		cr->enum_mod ? cr->enum_mod : "", cr->enum_mod ? "." : "", cr->enum_name);
	for (int l = 0; l < cr->nlegacies; l++) {
		const struct klass *k = &cr->classes[cr->legacies[l].cls];
		sb_addf(out, "  %-24s %s:%d  -> %s.%s\n", k->name, cr->files[k->file].path, k->line,
			cr->enum_name, cr->legacies[l].member);
	}
	for (int kind = 0; kind < A__COUNT; kind++) {
		int n = 0;
		for (int i = 0; i < cr->naudit; i++)
			n += cr->audit[i].kind == kind;
		if (!n)
			continue;
		sb_addf(out, "%s (%d)\n", titles[kind], n);
		for (int i = 0; i < cr->naudit; i++) {
			const struct audit_item *a = &cr->audit[i];
			if (a->kind != kind)
				continue;
			if (a->line)
				sb_addf(out, "  %s:%d  %s\n", a->file, a->line, a->text);
			else if (*a->file)
				sb_addf(out, "  %s  %s\n", a->file, a->text);
			else
				sb_addf(out, "  %s\n", a->text);
		}
	}
}

/* Instance attributes holding a legacy cache, for the audit. */
static void audit_attributes(struct cr *cr)
{
	for (int k = 0; k < cr->nsites; k++) {
		const struct site *x = &cr->sites[k];
		const struct pyfile *f = &cr->files[x->file];
		if (x->t.kind != T_LEGACY)
			continue;
		if (x->kind == SITE_ATTR && x->host.kind == T_INST)
			audit(cr, f, x->line, A_ATTRIBUTE, "%s.%s  %s", cr->classes[x->host.idx].qual,
			      x->name, cr->legacies[x->t.idx].name);
		else if (x->kind == SITE_ATTR)
			audit(cr, f, x->line, A_ATTRIBUTE, "<unknown host>.%s  %s", x->name,
			      cr->legacies[x->t.idx].name);
		else if (cr->scopes[x->scope].kind == SC_CLASS)
			audit(cr, f, x->line, A_ATTRIBUTE, "%s.%s  %s (class attribute)",
			      cr->classes[cr->scopes[x->scope].cls].qual, x->name,
			      cr->legacies[x->t.idx].name);
		else
			continue;
		cr->st->attributes++;
	}
}

static int configure(struct cr *cr)
{
	const struct config *cfg = cr->opt->cfg;
	const char *u = config_get(cfg, SECTION, "unified");
	const char *t = config_get(cfg, SECTION, "cache_type");
	int n;

	cr->renames = config_get_list(cfg, SECTION, "rename", &n);
	cr->nrenames = n;
	for (int i = 0; i < n; i++)
		if (!strchr(cr->renames[i], ':')) {
			const struct config_entry *e = config_entry(cfg, SECTION, "rename");
			fprintf(stderr, "%s:%d: error: rename takes old:new pairs, not '%s'\n",
				e ? e->file : "config", e ? e->line : 0, cr->renames[i]);
			return -1;
		}
	if (u) {
		split_dotted(cr, u, &cr->uni_mod, &cr->uni_name);
	} else {
		/* an existing Unified*Cache class, else a new module beside the legacy ones */
		for (int c = 0; c < cr->nclasses; c++) {
			const struct klass *k = &cr->classes[c];
			if (k->toplevel && starts_with(k->name, "Unified") && ends_with(k->name, "Cache") &&
			    cr->files[k->file].module) {
				cr->uni_mod = cr->files[k->file].module;
				cr->uni_name = k->name;
				break;
			}
		}
		if (!cr->uni_name)
			cr->uni_name = "UnifiedCache";
	}
	if (t)
		split_dotted(cr, t, &cr->enum_mod, &cr->enum_name);
	else {
		cr->enum_mod = cr->uni_mod;
		cr->enum_name = "CacheType";
	}
	return 0;
}

/* The default module of a new unified cache: beside the legacy caches when they share a package. */
static void default_module(struct cr *cr)
{
	const char *pkg = NULL;
	int same = 1;
	if (cr->uni_mod)
		return;
	for (int l = 0; l < cr->nlegacies; l++) {
		const char *m = cr->files[cr->classes[cr->legacies[l].cls].file].module;
		const char *dot = m ? strrchr(m, '.') : NULL;
		const char *p = dot ? arena_strndup(cr->arena, m, (size_t)(dot - m)) : "";
		if (!pkg)
			pkg = p;
		else if (strcmp(pkg, p))
			same = 0;
	}
	cr->uni_mod = pkg && same && *pkg ? arena_strfmt(cr->arena, "%s.unified_cache", pkg)
					  : "unified_cache";
	if (!cr->enum_mod)
		cr->enum_mod = cr->uni_mod;
}

int cache_rewrite_python(const struct scan *s, const struct modindex *mi,
			 const struct cache_rewrite_opts *opt, struct patch_set *ps,
			 struct strbuf *out, struct cache_rewrite_stats *st)
{
	struct cr cr;
	int rc = 0;

	memset(&cr, 0, sizeof(cr));
	cr.s = s;
	cr.mi = mi;
	cr.opt = opt;
	cr.st = st;
	cr.arena = arena_new();
	cr.unified_cls = cr.enum_cls = -1;
	load_files(&cr);
	for (int i = 0; i < cr.nfiles; i++)
		structure(&cr, i);
	for (int c = 0; c < cr.nclasses; c++) {
		struct tentry *e = xcalloc(1, sizeof(*e));
		e->key = xstrdup(cr.classes[c].qual);
		e->t = mk(T_CLASS, c);
		if (table_get(cr.class_index, e->key)) {
			free(e->key);
			free(e);
			continue;
		}
		HASH_ADD_KEYPTR(hh, cr.class_index, e->key, strlen(e->key), e);
	}
	if (configure(&cr) < 0) {
		rc = -1;
		goto out;
	}
	if (cr.uni_mod)
		cr.unified_cls = class_find(&cr, arena_strfmt(cr.arena, "%s.%s", cr.uni_mod, cr.uni_name));
	if (cr.enum_mod)
		cr.enum_cls = class_find(&cr, arena_strfmt(cr.arena, "%s.%s", cr.enum_mod, cr.enum_name));
	find_legacies(&cr);
	st->legacy = cr.nlegacies;
	if (!cr.nlegacies)
		goto report;
	default_module(&cr);
	collect_calls(&cr);
	infer_types(&cr);
	audit_attributes(&cr);
	for (int i = 0; i < cr.nfiles; i++)
		if (!cr.files[i].skip)
			rewrite_file(&cr, i);
	for (int i = 0; i < cr.nfiles; i++)
		if (!cr.files[i].skip)
			fix_imports(&cr, i);
	if (cr.unified_cls < 0) {
		if (cr.enum_cls < 0 && (!cr.enum_mod || !strcmp(cr.enum_mod, cr.uni_mod))) {
			if (render_unified(&cr, ps) < 0) {
				rc = -1;
				goto out;
			}
		} else {
			rc = error("the unified cache class '%s.%s' does not exist and its enum '%s' "
				   "lives elsewhere; create it or set 'unified' in [unravel:cache-rewrite]",
				   cr.uni_mod, cr.uni_name, cr.enum_name);
			goto out;
		}
	} else if (cr.enum_cls >= 0) {
		extend_enum(&cr);
	}
	delete_legacy_modules(&cr);
	for (int i = 0; i < cr.nfiles; i++) {
		struct pyfile *f = &cr.files[i];
		char *nw;
		size_t nlen;
		if (f->deleted) {
			if (patch_add(ps, f->rel, f->src, f->len, NULL, 0, f->mode) < 0) {
				rc = -1;
				goto out;
			}
			st->deleted++;
			audit(&cr, f, 0, A_NOTE, "deleted: legacy module %s, no longer used", f->module);
			continue;
		}
		if (f->skip || !f->nedits)
			continue;
		nw = apply_edits(f, &nlen);
		if (!nw)
			continue;
		if (patch_add(ps, f->rel, f->src, f->len, nw, nlen, f->mode) < 0) {
			free(nw);
			rc = -1;
			goto out;
		}
		free(nw);
	}
	for (int i = 0; i < cr.nfiles; i++)
		if (cr.files[i].skip && cr.files[i].rel)
			audit(&cr, &cr.files[i], 0, A_NOTE, "not rewritten: the file has syntax errors");
report:
	write_audit(&cr, out);
out:
	free_files(&cr);
	return rc;
}
