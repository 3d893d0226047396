/*
 * managers.c - the manager dependency graph (see managers.h).
 *
 * Python, in passes over the facts of every file:
 *   1. classes -> table (qualified name "module.Class"), manager-likeness
 *      from the naming rules, then through base classes to a fixpoint;
 *   2. registries ("key": Cls, register("key", Cls)) and the attribute
 *      bindings of every class (self.x = Cls(...), self.x =
 *      f.get_manager("key"), self.x = param, dict entries self.d = {"k": Cls(...)});
 *   3. the host: the class whose attributes hold the most managers, among
 *      those the managers take back (a constructor parameter annotated with
 *      it or named for it: algorithm, host, app, engine for TradingEngine);
 *   4. edges: constructor parameters, host-attribute chains evaluated hop by
 *      hop over the bindings (so self.algorithm.risk.correlation_manager
 *      needs both TradingAlgorithm.risk and RiskCoordinator.correlation_manager
 *      to be bound somewhere), instantiations; unknown host attributes are
 *      collected, not dropped.
 * C: structs/typedefs named by the same rules; fields, constructor
 * parameters (x_create/x_new/x_init) and constructor calls.
 *
 * Precision over recall: an edge needs every hop of its chain bound in the
 * code, so a cycle built from edges contains only steps the code has.
 */
#include "managers.h"
#include "diag.h"
#include "inventory.h"
#include "modindex.h"
#include "scan.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#undef uthash_fatal
#define uthash_fatal(msg) die("%s", msg)

#define MAX_HOPS 16

enum bkind { B_CLASS, B_PARAM, B_UNKNOWN };

struct binding {
	const char *attr;
	const char *key;   /* dict entry key (attr is the dict), NULL for a plain attribute */
	enum bkind kind;
	int cls;           /* B_CLASS */
	const char *param; /* B_PARAM: the __init__ parameter assigned */
	const char *via;   /* what the code says: "DynamicMarginManager(...)" */
	const char *extra; /* more evidence, e.g. the registration of a get_manager() key */
	const char *file;
	int line;
};

struct mclass {
	const char *name, *module, *qname;
	size_t fi;
	const struct file_facts *ff;
	const struct fact_class *fc;
	int manager_like;
	int *bases;   /* resolved base classes (-1: outside the project), like fc->bases */
	int base;     /* the first resolved base, or -1 */
	int node; /* graph node, -1 if not one */
	struct binding *binds;
	size_t nbinds, alloc_binds;
	int nmanager_attrs;
	unsigned name_mask, loc_mask;
	/* C: function prefix, constructor (and the file defining it), destructor */
	const char *cprefix;
	const struct fact_func *cfunc;
	const char *cfunc_file;
	const char *dtor;
};

struct name_entry {
	const char *key;
	int cls;   /* first class with this key */
	int count; /* classes sharing it */
	UT_hash_handle hh;
};

struct alias {
	const char *local;  /* name bound in the file */
	const char *target; /* absolute dotted name */
	int star;           /* from target import * */
};

struct file_aliases {
	struct alias *a;
	size_t n, alloc;
	int done;
};

struct reg {
	const char *key;
	int cls;
	const char *file;
	int line;
};

struct builder {
	struct manager_graph *mg;
	const struct scan *s;
	const struct modindex *mi;
	struct naming_rules rules;
	struct arena *work;
	const char **module_of; /* per file */
	struct mclass *cls;
	size_t ncls, alloc_cls;
	size_t *file_first, *file_count; /* classes of each file: [first, first+count) */
	struct name_entry *by_qname, *by_name;
	struct name_entry *by_snake; /* snake_case(name) of Python nodes */
	struct name_entry *by_cname; /* C manager-like types by name */
	struct name_entry *by_ctor;  /* C constructor function name -> class */
	struct file_aliases *aliases;
	struct reg *regs;
	size_t nregs, alloc_regs;
	int host; /* class index or -1 */
	const char *last_dir; /* path_module(): folder of the previous file and where its module starts */
	size_t last_dir_len, last_start;
	/* one-entry lookup caches: refs of one class/function come together */
	size_t cache_fi;
	const char *cache_cls_name, *cache_func_name;
	int cache_cls;
	const struct fact_func *cache_func;
	int cache_cls_ok, cache_func_ok;
	/* per file, built on first use in files with many classes/functions: names sorted */
	struct named **cls_idx, **func_idx;
	unsigned char *indexed;
	/* edge dedup: "from\0to\0kind\0file\0line" */
	struct name_entry *seen_edges;
	struct name_entry *seen_unresolved;
};

const char *category_name(enum category c)
{
	static const char *const names[] = {
		[CAT_MANAGER] = "manager", [CAT_CACHE] = "cache", [CAT_STATE] = "state",
		[CAT_UNIFIED] = "unified", [CAT_STRATEGY] = "strategy", [CAT_RISK] = "risk",
		[CAT_EVENT] = "event", [CAT_FACTORY] = "factory",
	};
	return (unsigned)c < CAT__COUNT ? names[c] : "unknown";
}

char *snake_case(const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = strlen(name);
	sb_init(&sb);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (isupper(c) && i > 0) {
			unsigned char p = (unsigned char)name[i - 1];
			unsigned char nx = (unsigned char)name[i + 1];
			if (islower(p) || isdigit(p) || (isupper(p) && islower(nx)))
				if (sb.len && sb.buf[sb.len - 1] != '_')
					sb_addc(&sb, '_');
		}
		sb_addc(&sb, (char)tolower(c));
	}
	return sb_detach(&sb, NULL);
}

/* --- small hash helpers --- */

static struct name_entry *name_find(struct name_entry *h, const char *key)
{
	struct name_entry *e;
	HASH_FIND_STR(h, key, e);
	return e;
}

static void name_add(struct name_entry **h, const char *key, int cls)
{
	struct name_entry *e = name_find(*h, key);
	if (e) {
		e->count++;
		return;
	}
	e = xcalloc(1, sizeof(*e));
	e->key = key;
	e->cls = cls;
	e->count = 1;
	HASH_ADD_KEYPTR(hh, *h, e->key, strlen(e->key), e);
}

static void name_free(struct name_entry **h)
{
	struct name_entry *e, *tmp;
	HASH_ITER(hh, *h, e, tmp) {
		HASH_DEL(*h, e);
		free(e);
	}
}

/* Insert key (copied to the work arena); 1 when it was new. */
static int seen_once(struct builder *b, struct name_entry **h, const char *key)
{
	if (name_find(*h, key))
		return 0;
	name_add(h, arena_strdup(b->work, key), 0);
	return 1;
}

/* --- modules --- */

static int is_pkg_dir(const struct scan *s, const char *dir, size_t len)
{
	char *p = xstrfmt("%.*s%s__init__.py", (int)len, dir, len ? "/" : "");
	int yes = scan_find(s, p) != NULL;
	free(p);
	return yes;
}

/*
 * Dotted module of a Python file from its path alone: climb while the
 * folder is a package. Used when the module index has no name for it.
 */
static const char *path_module(struct builder *b, const char *path)
{
	const char *end = path + strlen(path), *start = path, *p;
	struct strbuf sb = STRBUF_INIT;
	char *m;
	if (ends_with(path, ".pyi"))
		end -= 4;
	else if (ends_with(path, ".py"))
		end -= 3;
	/* start = beginning of the topmost package folder chain */
	p = strrchr(path, '/');
	if (p && b->last_dir && (size_t)(p - path) == b->last_dir_len &&
	    !strncmp(path, b->last_dir, b->last_dir_len)) {
		start = path + b->last_start; /* same folder as the previous file (sorted paths) */
	} else if (p) {
		const char *dir_end = p;
		start = p + 1;
		while (dir_end > path && is_pkg_dir(b->s, path, (size_t)(dir_end - path))) {
			const char *q = dir_end - 1;
			while (q > path && *q != '/')
				q--;
			start = *q == '/' ? q + 1 : q;
			dir_end = *q == '/' ? q : path;
			if (dir_end == path)
				break;
		}
		b->last_dir = path;
		b->last_dir_len = (size_t)(p - path);
		b->last_start = (size_t)(start - path);
	}
	sb_init(&sb);
	for (const char *c = start; c < end; c++)
		sb_addc(&sb, *c == '/' ? '.' : *c);
	if (ends_with(sb.buf, ".__init__"))
		sb.buf[sb.len - 9] = '\0';
	else if (!strcmp(sb.buf, "__init__"))
		sb.buf[0] = '\0';
	m = arena_strdup(b->work, sb.buf);
	sb_release(&sb);
	return m;
}

static const char *file_module(struct builder *b, size_t fi)
{
	const struct file_facts *ff = b->s->files[fi];
	if (ff->lang != LANG_PYTHON)
		return ff->path;
	if (b->mi && b->mi->module_of && b->mi->module_of[fi])
		return b->mi->module_of[fi];
	return path_module(b, ff->path);
}

/* The package a relative import of level `level` in module `mod` starts from. */
static char *relative_base(struct builder *b, size_t fi, int level)
{
	const char *mod = b->module_of[fi];
	const char *path = b->s->files[fi]->path;
	size_t len = strlen(mod);
	int is_init = ends_with(path, "__init__.py") || ends_with(path, "__init__.pyi");
	int up = level - (is_init ? 1 : 0);
	while (up-- > 0) {
		while (len > 0 && mod[len - 1] != '.')
			len--;
		if (len == 0)
			return NULL;
		len--;
	}
	return arena_strndup(b->work, mod, len);
}

/* --- imports -> local names --- */

/* In an import statement's text, the alias given to `name` ("x as y"), or NULL. */
static const char *alias_in_text(struct builder *b, const char *text, const char *name)
{
	const char *p;
	size_t nl = strlen(name);
	if (!text)
		return NULL;
	p = strstr(text, " import ");
	p = p ? p + 8 : (starts_with(text, "import ") ? text + 7 : NULL);
	while (p && *p) {
		const char *q;
		while (*p == ' ' || *p == '(' || *p == ',' || *p == '\t')
			p++;
		q = p;
		while (*q && *q != ',' && *q != ')')
			q++;
		if ((size_t)(q - p) > nl && !strncmp(p, name, nl) && isspace((unsigned char)p[nl])) {
			const char *a = p + nl;
			while (isspace((unsigned char)*a))
				a++;
			if (starts_with(a, "as") && isspace((unsigned char)a[2])) {
				const char *s = a + 2, *e;
				while (isspace((unsigned char)*s))
					s++;
				e = s;
				while (isalnum((unsigned char)*e) || *e == '_')
					e++;
				if (e > s)
					return arena_strndup(b->work, s, (size_t)(e - s));
			}
		}
		p = *q ? q + 1 : q;
	}
	return NULL;
}

static void add_alias(struct file_aliases *fa, const char *local, const char *target, int star)
{
	ALLOC_GROW(fa->a, fa->n + 1, fa->alloc);
	fa->a[fa->n].local = local;
	fa->a[fa->n].target = target;
	fa->a[fa->n].star = star;
	fa->n++;
}

static struct file_aliases *aliases_of(struct builder *b, size_t fi)
{
	struct file_aliases *fa = &b->aliases[fi];
	const struct file_facts *ff = b->s->files[fi];
	if (fa->done)
		return fa;
	fa->done = 1;
	for (size_t i = 0; i < ff->nimports; i++) {
		const struct fact_import *im = &ff->imports[i];
		const char *mod = im->module ? im->module : "";
		char *abs;
		if (im->level > 0) {
			char *base = relative_base(b, fi, im->level);
			if (!base)
				continue;
			abs = *mod ? (*base ? arena_strfmt(b->work, "%s.%s", base, mod)
					    : arena_strdup(b->work, mod))
				   : base;
		} else {
			abs = arena_strdup(b->work, mod);
		}
		if (!*abs && !im->name)
			continue;
		if (im->name) {
			const char *alias;
			if (!strcmp(im->name, "*")) {
				add_alias(fa, "*", abs, 1);
				continue;
			}
			alias = alias_in_text(b, im->text, im->name);
			add_alias(fa, alias ? alias : im->name,
				  *abs ? arena_strfmt(b->work, "%s.%s", abs, im->name) : im->name, 0);
		} else {
			const char *alias = alias_in_text(b, im->text, mod);
			if (alias) {
				add_alias(fa, alias, abs, 0);
			} else {
				const char *dot = strchr(abs, '.');
				const char *top = dot ? arena_strndup(b->work, abs, (size_t)(dot - abs)) : abs;
				add_alias(fa, top, top, 0);
			}
		}
	}
	return fa;
}

/* --- class lookup --- */

static int find_qname(struct builder *b, const char *q)
{
	struct name_entry *e = name_find(b->by_qname, q);
	return e ? e->cls : -1;
}

/* Strip quotes, spaces and a trailing "(...)" from a name as written. */
static char *clean_name(struct builder *b, const char *v)
{
	const char *s = v, *e;
	while (*s == ' ' || *s == '"' || *s == '\'')
		s++;
	e = s;
	while (isalnum((unsigned char)*e) || *e == '_' || *e == '.')
		e++;
	return arena_strndup(b->work, s, (size_t)(e - s));
}

/* Resolve an exact dotted name (no method stripping) in file fi. */
static int resolve_exact(struct builder *b, size_t fi, const char *name)
{
	const char *dot = strchr(name, '.');
	size_t hl = dot ? (size_t)(dot - name) : strlen(name);
	struct file_aliases *fa = aliases_of(b, fi);
	int c;
	/* a class of this module first: local definitions shadow imports that come before */
	c = find_qname(b, arena_strfmt(b->work, "%s%s%s", b->module_of[fi],
				       *b->module_of[fi] ? "." : "", name));
	if (c >= 0)
		return c;
	for (size_t i = fa->n; i-- > 0;) {
		const struct alias *a = &fa->a[i];
		if (a->star || strlen(a->local) != hl || strncmp(a->local, name, hl))
			continue;
		c = find_qname(b, arena_strfmt(b->work, "%s%s", a->target, dot ? dot : ""));
		if (c >= 0)
			return c;
	}
	for (size_t i = 0; i < fa->n; i++) {
		if (!fa->a[i].star)
			continue;
		c = find_qname(b, arena_strfmt(b->work, "%s.%s", fa->a[i].target, name));
		if (c >= 0)
			return c;
	}
	c = find_qname(b, name); /* fully qualified as written */
	return c;
}

/*
 * Resolve a class name as written in file fi ("B", "mod.B", "pkg.mod.B").
 * With allow_method, "B.create" resolves to B (a class method call). When
 * imports do not tell, a class name that is unique in the project is taken.
 */
static int resolve_class(struct builder *b, size_t fi, const char *written, int allow_method)
{
	char *name = clean_name(b, written);
	char *last;
	struct name_entry *e;
	int c;
	if (!*name)
		return -1;
	c = resolve_exact(b, fi, name);
	if (c >= 0)
		return c;
	last = strrchr(name, '.');
	if (allow_method && last) {
		char *owner = arena_strndup(b->work, name, (size_t)(last - name));
		c = resolve_exact(b, fi, owner);
		if (c >= 0)
			return c;
	}
	/* unique simple name */
	e = name_find(b->by_name, last ? last + 1 : name);
	if (e && e->count == 1)
		return e->cls;
	if (allow_method && last) {
		char *prev = arena_strndup(b->work, name, (size_t)(last - name));
		char *p2 = strrchr(prev, '.');
		e = name_find(b->by_name, p2 ? p2 + 1 : prev);
		if (e && e->count == 1 && isupper((unsigned char)(p2 ? p2[1] : prev[0])))
			return e->cls;
	}
	return -1;
}

static int is_typing_word(const char *w)
{
	static const char *const words[] = {
		"Optional", "Union", "List", "Dict", "Set", "Tuple", "Type", "Callable", "Any",
		"typing", "None", "Sequence", "Iterable", "Mapping", "ClassVar", "Final",
		"Annotated", "list", "dict", "set", "tuple", "type", NULL,
	};
	for (int i = 0; words[i]; i++)
		if (!strcmp(words[i], w))
			return 1;
	return starts_with(w, "typing.");
}

/*
 * The class an annotation names: "B", "'B'", "Optional[B]", "B | None",
 * "typing.Optional['mod.B']". The first project class among its names;
 * a manager-like one wins over others. -1 when none.
 */
static int resolve_annotation(struct builder *b, size_t fi, const char *ann)
{
	const char *p = ann;
	int first = -1;
	if (!ann)
		return -1;
	while (*p) {
		const char *s;
		if (!(isalpha((unsigned char)*p) || *p == '_')) {
			p++;
			continue;
		}
		s = p;
		while (isalnum((unsigned char)*p) || *p == '_' || *p == '.')
			p++;
		char *w = arena_strndup(b->work, s, (size_t)(p - s));
		if (is_typing_word(w))
			continue;
		int c = resolve_class(b, fi, w, 0);
		if (c >= 0 && b->cls[c].manager_like)
			return c;
		if (c >= 0 && first < 0)
			first = c;
	}
	return first;
}

/* The class of the given name defined in file fi, or -1. */
/*
 * Files with more classes or functions than this are searched through a
 * sorted index: a file of 200k classes (hostile or generated input) made
 * every reference in it scan all of them, for hours.
 */
#define INDEX_MIN 32

struct named {
	const char *name;
	size_t i; /* first: the linear scans below return the first match */
};

static int cmp_named(const void *x, const void *y)
{
	const struct named *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	return c ? c : (a->i > b->i) - (a->i < b->i);
}

/* The first entry of idx[0..n) named name (lowest i), or NULL. */
static const struct named *named_find(const struct named *idx, size_t n, const char *name)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(idx[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !strcmp(idx[lo].name, name) ? &idx[lo] : NULL;
}

/* Both indexes of file fi, built on first use (only for large files: NULL otherwise). */
static void index_file(struct builder *b, size_t fi)
{
	const struct file_facts *ff = b->s->files[fi];
	size_t n = b->file_count[fi];
	struct named *x;
	if (b->indexed[fi])
		return;
	b->indexed[fi] = 1;
	if (n > INDEX_MIN) {
		x = b->cls_idx[fi] = xmalloc(n * sizeof(*x));
		for (size_t k = 0; k < n; k++) {
			x[k].name = b->cls[b->file_first[fi] + k].name;
			x[k].i = b->file_first[fi] + k;
		}
		qsort(x, n, sizeof(*x), cmp_named);
	}
	if (ff->nfuncs > INDEX_MIN) {
		x = b->func_idx[fi] = xmalloc(ff->nfuncs * sizeof(*x));
		for (size_t k = 0; k < ff->nfuncs; k++) {
			x[k].name = ff->funcs[k].name;
			x[k].i = k;
		}
		qsort(x, ff->nfuncs, sizeof(*x), cmp_named);
	}
}

static int class_in_file(struct builder *b, size_t fi, const char *name)
{
	const char *full = name, *dot;
	int found = -1;
	if (!name)
		return -1;
	if (b->cache_cls_ok && b->cache_fi == fi && !strcmp(b->cache_cls_name, full))
		return b->cache_cls;
	dot = strrchr(name, '.');
	if (dot)
		name = dot + 1;
	index_file(b, fi);
	if (b->cls_idx[fi]) {
		const struct named *e = named_find(b->cls_idx[fi], b->file_count[fi], name);
		found = e ? (int)e->i : -1;
	} else {
		for (size_t i = b->file_first[fi]; i < b->file_first[fi] + b->file_count[fi]; i++)
			if (!strcmp(b->cls[i].name, name)) {
				found = (int)i;
				break;
			}
	}
	if (b->cache_fi != fi)
		b->cache_func_ok = 0;
	b->cache_fi = fi;
	b->cache_cls_name = full;
	b->cache_cls = found;
	b->cache_cls_ok = 1;
	return found;
}

static const struct fact_func *func_in_file(struct builder *b, size_t fi, const char *name)
{
	const struct file_facts *ff = b->s->files[fi];
	const struct fact_func *found = NULL;
	if (!name)
		return NULL;
	if (b->cache_func_ok && b->cache_fi == fi && !strcmp(b->cache_func_name, name))
		return b->cache_func;
	index_file(b, fi);
	if (b->func_idx[fi]) {
		const struct named *e = named_find(b->func_idx[fi], ff->nfuncs, name);
		found = e ? &ff->funcs[e->i] : NULL;
	} else {
		for (size_t i = 0; i < ff->nfuncs; i++)
			if (!strcmp(ff->funcs[i].name, name)) {
				found = &ff->funcs[i];
				break;
			}
	}
	if (b->cache_fi != fi)
		b->cache_cls_ok = 0;
	b->cache_fi = fi;
	b->cache_func_name = name;
	b->cache_func = found;
	b->cache_func_ok = 1;
	return found;
}

/* __init__ of class c, looking through resolved base classes. */
static const struct fact_func *init_of(struct builder *b, int c, int *owner)
{
	for (int depth = 0; c >= 0 && depth < 16; depth++) {
		const struct mclass *k = &b->cls[c];
		const struct fact_func *f;
		char *want = arena_strfmt(b->work, "%s.__init__", k->name);
		for (size_t i = 0; i < k->ff->nfuncs; i++) {
			f = &k->ff->funcs[i];
			size_t fl = strlen(f->name), wl = strlen(want);
			if (f->cls && !strcmp(f->cls, k->name) &&
			    (!strcmp(f->name, want) ||
			     (fl > wl && ends_with(f->name, want) && f->name[fl - wl - 1] == '.'))) {
				if (owner)
					*owner = c;
				return f;
			}
		}
		if (k->base == c)
			break;
		c = k->base;
	}
	return NULL;
}

/* --- pass 1: classes --- */

static void collect_classes(struct builder *b)
{
	const struct scan *s = b->s;
	for (size_t fi = 0; fi < s->nfiles; fi++) {
		const struct file_facts *ff = s->files[fi];
		b->file_first[fi] = b->ncls;
		if (ff->lang != LANG_PYTHON)
			continue;
		for (size_t i = 0; i < ff->nclasses; i++) {
			const struct fact_class *fc = &ff->classes[i];
			struct mclass *k;
			ALLOC_GROW(b->cls, b->ncls + 1, b->alloc_cls);
			k = &b->cls[b->ncls];
			memset(k, 0, sizeof(*k));
			k->name = fc->name;
			k->module = b->module_of[fi];
			k->qname = *k->module ? arena_strfmt(b->work, "%s.%s", k->module, fc->name)
					      : fc->name;
			k->fi = fi;
			k->ff = ff;
			k->fc = fc;
			k->node = -1;
			b->ncls++;
		}
		b->file_count[fi] = b->ncls - b->file_first[fi];
	}
	for (size_t i = 0; i < b->ncls; i++) {
		name_add(&b->by_qname, b->cls[i].qname, (int)i);
		name_add(&b->by_name, b->cls[i].name, (int)i);
	}
}

static void classify(struct builder *b)
{
	int changed = 1;
	for (size_t i = 0; i < b->ncls; i++) {
		struct mclass *k = &b->cls[i];
		k->base = -1;
		k->bases = xcalloc((size_t)k->fc->nbases + 1, sizeof(*k->bases));
		for (int j = 0; j < k->fc->nbases; j++) {
			k->bases[j] = resolve_class(b, k->fi, k->fc->bases[j], 0);
			if (k->bases[j] == (int)i)
				k->bases[j] = -1;
			if (k->base < 0)
				k->base = k->bases[j];
		}
	}
	size_t loc_fi = (size_t)-1;
	unsigned loc = 0;
	for (size_t i = 0; i < b->ncls; i++) {
		struct mclass *k = &b->cls[i];
		k->manager_like = naming_is_manager(&b->rules, k->name);
		k->name_mask = naming_name_categories(&b->rules, k->name, k->fc->bases,
						      k->fc->nbases);
		if (k->fi != loc_fi) { /* classes of a file are together */
			loc = naming_categories(&b->rules, NULL, NULL, 0, k->module);
			loc_fi = k->fi;
		}
		k->loc_mask = loc;
	}
	/* a class deriving from a manager-like class is one; to a fixpoint */
	while (changed) {
		changed = 0;
		for (size_t i = 0; i < b->ncls; i++) {
			struct mclass *k = &b->cls[i];
			if (k->manager_like || naming_is_excluded(&b->rules, k->name))
				continue;
			for (int j = 0; j < k->fc->nbases; j++) {
				const char *base = k->fc->bases[j];
				const char *dot = strrchr(base, '.');
				int c = k->bases[j];
				if ((c >= 0 && b->cls[c].manager_like) ||
				    (c < 0 && naming_is_manager(&b->rules, dot ? dot + 1 : base))) {
					k->manager_like = 1;
					changed = 1;
					break;
				}
			}
		}
	}
}

/* --- pass 2: registries and bindings --- */

static int is_self_expr(const char *h)
{
	return h && (!strcmp(h, "self") || !strcmp(h, "cls"));
}

static void add_binding(struct mclass *k, const struct binding *bd)
{
	ALLOC_GROW(k->binds, k->nbinds + 1, k->alloc_binds);
	k->binds[k->nbinds++] = *bd;
}

static void collect_registries(struct builder *b)
{
	const struct scan *s = b->s;
	struct ref_iter it = {s, LANG_PYTHON, 0, 0};
	const struct fact_ref *r;
	while ((r = scan_next_ref(&it))) {
		const struct file_facts *ff = s->files[it.fi];
		size_t fi = it.fi;
		int c;
		if (r->kind != REF_REGISTER || !r->attr || !r->value)
			continue;
		if (r->host && starts_with(r->host, "self."))
			continue; /* a dict on an object: a binding, see collect_bindings */
		c = resolve_class(b, fi, r->value, 0);
		if (c < 0)
			continue;
		ALLOC_GROW(b->regs, b->nregs + 1, b->alloc_regs);
		b->regs[b->nregs].key = r->attr;
		b->regs[b->nregs].cls = c;
		b->regs[b->nregs].file = ff->path;
		b->regs[b->nregs].line = r->line;
		b->nregs++;
	}
}

/* The registered class of a key, when every registration of the key agrees. */
static const struct reg *registry_lookup(struct builder *b, const char *key)
{
	const struct reg *found = NULL;
	for (size_t i = 0; i < b->nregs; i++) {
		if (strcmp(b->regs[i].key, key))
			continue;
		if (found && found->cls != b->regs[i].cls)
			return NULL;
		if (!found)
			found = &b->regs[i];
	}
	return found;
}

static void collect_bindings(struct builder *b)
{
	const struct scan *s = b->s;
	struct ref_iter it = {s, LANG_PYTHON, 0, 0};
	const struct fact_ref *r;
	while ((r = scan_next_ref(&it))) {
		const struct file_facts *ff = s->files[it.fi];
		size_t fi = it.fi;
		struct binding bd;
		int k = class_in_file(b, fi, r->cls);
		if (k < 0 || !r->attr)
			continue;
		memset(&bd, 0, sizeof(bd));
		bd.attr = r->attr;
		bd.file = ff->path;
		bd.line = r->line;
		bd.cls = -1;
		switch (r->kind) {
		case REF_BIND:
			if (!r->host || !r->value)
				continue;
			if (starts_with(r->host, "self.") && !strpbrk(r->host + 5, ".[")) {
				/* an entry of a dict literal: self.managers = {"k": K(...)} */
				bd.attr = r->host + 5;
				bd.key = r->attr;
			} else if (!is_self_expr(r->host)) {
				continue;
			}
			bd.cls = resolve_class(b, fi, r->value, 1);
			bd.kind = bd.cls >= 0 ? B_CLASS : B_UNKNOWN;
			bd.via = arena_strfmt(b->work, "%s(...)", r->value);
			break;
		case REF_BIND_GET: {
			const struct reg *rg;
			if (!is_self_expr(r->host) || !r->value)
				continue;
			rg = registry_lookup(b, r->value);
			bd.cls = rg ? rg->cls : -1;
			bd.kind = rg ? B_CLASS : B_UNKNOWN;
			bd.via = arena_strfmt(b->work, "get_manager(\"%s\")", r->value);
			if (rg)
				bd.extra = arena_strfmt(b->work, "; \"%s\" registered as %s at %s:%d",
							r->value, b->cls[rg->cls].name, rg->file,
							rg->line);
			break;
		}
		case REF_SELF_ATTR:
			if (!r->value)
				continue;
			bd.kind = B_PARAM;
			bd.param = r->value;
			bd.via = arena_strfmt(b->work, "parameter %s", r->value);
			break;
		case REF_REGISTER:
			if (!r->host || !starts_with(r->host, "self.") || !r->value)
				continue;
			bd.attr = r->host + 5;
			bd.key = r->attr;
			bd.cls = resolve_class(b, fi, r->value, 1);
			bd.kind = bd.cls >= 0 ? B_CLASS : B_UNKNOWN;
			bd.via = arena_strfmt(b->work, "%s(...)", r->value);
			break;
		default:
			continue;
		}
		add_binding(&b->cls[k], &bd);
	}
}

/*
 * A parameter name that means "the host" for host class h: a configured
 * host name ("algorithm"), the class name in snake_case ("trading_engine"),
 * or one of its words ("engine" for TradingEngine).
 */
static int host_param_name(struct builder *b, const char *name, int h)
{
	char *sn;
	int yes = 0;
	size_t nl = strlen(name);
	if (naming_is_host_name(&b->rules, name))
		return 1;
	if (h < 0 || !nl)
		return 0;
	sn = snake_case(b->cls[h].name);
	if (!strcmp(sn, name))
		yes = 1;
	for (const char *w = sn; *w && !yes;) {
		const char *e = strchr(w, '_');
		size_t wl = e ? (size_t)(e - w) : strlen(w);
		if (wl == nl && !strncmp(w, name, nl))
			yes = 1;
		w += wl + (e ? 1 : 0);
	}
	free(sn);
	return yes;
}

static const struct fact_func *init_of(struct builder *b, int c, int *owner);

/*
 * A class is a composition root only if what it creates takes it back: a
 * constructor parameter of a class it binds is annotated with it or named
 * for it (TradingAlgorithm -> VixManager(algorithm), TradingEngine ->
 * OrderManager(engine)). A GreeksMonitor holding two caches is not a host,
 * nor is a reader holding its handlers; a wrong host would turn every
 * `host`/`app` parameter of the project into a path to it.
 */
static int refers_back(struct builder *b, int cand)
{
	const struct mclass *k = &b->cls[cand];
	for (size_t j = 0; j < k->nbinds; j++) {
		const struct binding *bd = &k->binds[j];
		const struct fact_func *init;
		const struct fact_param *p;
		int owner = -1;
		if (bd->kind != B_CLASS || bd->cls == cand)
			continue;
		init = init_of(b, bd->cls, &owner);
		for (int i = 0; init && i < init->nparams; i++) {
			p = &init->params[i];
			if (p->annotation
				    ? resolve_annotation(b, b->cls[owner].fi, p->annotation) == cand
				    : host_param_name(b, p->name, cand))
				return 1;
		}
	}
	return 0;
}

/*
 * No class binds managers, but a registry names them ("vix_manager":
 * {"class": VixManager}, bound by a setattr loop): the host is then the
 * class the managers' constructors take as a host parameter, by annotation
 * or by a host name that names the class (algorithm -> TradingAlgorithm),
 * when two or more managers agree; its attributes resolve through the
 * registry keys.
 */
static void host_from_registry(struct builder *b)
{
	int *votes = xcalloc(b->ncls + 1, sizeof(*votes));
	int best = -1;
	for (size_t m = 0; m < b->ncls; m++) {
		int owner = -1, voted = -1;
		const struct fact_func *init;
		if (!b->cls[m].manager_like || b->cls[m].ff->lang != LANG_PYTHON)
			continue;
		init = init_of(b, (int)m, &owner);
		for (int i = 0; init && i < init->nparams && voted < 0; i++) {
			const struct fact_param *p = &init->params[i];
			int c = -1;
			if (p->annotation) {
				c = resolve_annotation(b, b->cls[owner].fi, p->annotation);
				if (c >= 0 && b->cls[c].manager_like)
					c = -1;
			} else if (naming_is_host_name(&b->rules, p->name)) {
				for (size_t k = 0; k < b->ncls && c < 0; k++) {
					char *sn;
					size_t sl, nl = strlen(p->name);
					if (b->cls[k].manager_like || b->cls[k].ff->lang != LANG_PYTHON)
						continue;
					/* algorithm -> Algorithm, TradingAlgorithm */
					sn = snake_case(b->cls[k].name);
					sl = strlen(sn);
					if (!strcmp(sn, p->name) ||
					    (sl > nl && sn[sl - nl - 1] == '_' && !strcmp(sn + sl - nl, p->name)))
						c = (int)k;
					free(sn);
				}
			}
			voted = c;
		}
		if (voted >= 0)
			votes[voted]++;
	}
	for (size_t k = 0; k < b->ncls; k++)
		if (votes[k] >= 2 && (best < 0 || votes[k] > votes[best]))
			best = (int)k;
	free(votes);
	b->host = best;
}

static void detect_host(struct builder *b)
{
	int best = -1;
	b->host = -1;
	for (size_t i = 0; i < b->ncls; i++) {
		struct mclass *k = &b->cls[i];
		struct name_entry *seen = NULL;
		for (size_t j = 0; j < k->nbinds; j++) {
			const struct binding *bd = &k->binds[j];
			const char *key;
			if (bd->kind != B_CLASS || !b->cls[bd->cls].manager_like || bd->cls == (int)i)
				continue;
			key = bd->key ? arena_strfmt(b->work, "%s[%s]", bd->attr, bd->key) : bd->attr;
			if (!name_find(seen, key)) {
				name_add(&seen, key, 0);
				k->nmanager_attrs++;
			}
		}
		name_free(&seen);
	}
	if (b->rules.host) {
		for (size_t i = 0; i < b->ncls; i++)
			if (!strcmp(b->cls[i].name, b->rules.host) ||
			    !strcmp(b->cls[i].qname, b->rules.host)) {
				b->host = (int)i;
				return;
			}
		diag_warn(NULL, 0, 0, "host class '%s' (%s) not found", b->rules.host,
			  b->rules.host_origin);
		return;
	}
	for (size_t i = 0; i < b->ncls; i++) {
		const struct mclass *k = &b->cls[i], *bk;
		/* one manager held is a field, not a composition root */
		if (k->nmanager_attrs < 2 || !refers_back(b, (int)i))
			continue;
		if (best < 0) {
			best = (int)i;
			continue;
		}
		bk = &b->cls[best];
		if (k->nmanager_attrs > bk->nmanager_attrs ||
		    (k->nmanager_attrs == bk->nmanager_attrs &&
		     (k->manager_like < bk->manager_like ||
		      (k->manager_like == bk->manager_like && strcmp(k->qname, bk->qname) < 0))))
			best = (int)i;
	}
	b->host = best;
	if (best < 0 && b->nregs)
		host_from_registry(b);
}

/* --- types of expressions --- */

/* A value's type: a class, or the dict attribute `dict` of class cls. */
struct mtype {
	int cls; /* -1: unknown */
	const char *dict;
};

/*
 * The class a parameter holds: its annotation, the host for a host-like
 * name ("algorithm"), or the class the host binds under the same attribute
 * name (a `vix_manager` parameter holds whatever host.vix_manager holds).
 */
static int param_class(struct builder *b, size_t fi, const struct fact_param *p)
{
	int c = resolve_annotation(b, fi, p->annotation);
	if (c >= 0)
		return c;
	if (naming_is_host_name(&b->rules, p->name))
		return b->host;
	if (b->host >= 0) {
		const struct mclass *h = &b->cls[b->host];
		for (size_t i = 0; i < h->nbinds; i++)
			if (!h->binds[i].key && h->binds[i].kind == B_CLASS &&
			    !strcmp(h->binds[i].attr, p->name))
				return h->binds[i].cls;
		if (!p->annotation && host_param_name(b, p->name, b->host))
			return b->host;
	}
	return -1;
}

static const struct fact_param *find_param(const struct fact_func *f, const char *name)
{
	for (int i = 0; f && i < f->nparams; i++)
		if (!strcmp(f->params[i].name, name))
			return &f->params[i];
	return NULL;
}

static int binding_class(struct builder *b, int k, const struct binding *bd)
{
	if (bd->kind == B_CLASS)
		return bd->cls;
	if (bd->kind == B_PARAM) {
		int owner = -1;
		const struct fact_func *init = init_of(b, k, &owner);
		const struct fact_param *p = find_param(init, bd->param);
		if (p)
			return param_class(b, b->cls[owner].fi, p);
	}
	return -1;
}

/*
 * The binding of attr (key NULL) or of dict entry attr[key] on class k or,
 * failing that, its resolved bases. Prefers bindings with a known class.
 */
static const struct binding *find_binding(struct builder *b, int k, const char *attr,
					  const char *key, int *owner)
{
	for (int depth = 0; k >= 0 && depth < 8; depth++) {
		const struct mclass *m = &b->cls[k];
		const struct binding *any = NULL;
		for (size_t i = 0; i < m->nbinds; i++) {
			const struct binding *bd = &m->binds[i];
			if (strcmp(bd->attr, attr) || (!key) != (!bd->key) ||
			    (key && strcmp(key, bd->key)))
				continue;
			if (binding_class(b, k, bd) >= 0) {
				*owner = k;
				return bd;
			}
			if (!any)
				any = bd;
		}
		if (any) {
			*owner = k;
			return any;
		}
		if (m->base == k)
			break;
		k = m->base;
	}
	return NULL;
}

static int has_dict(struct builder *b, int k, const char *attr)
{
	const struct mclass *m = &b->cls[k];
	for (size_t i = 0; i < m->nbinds; i++)
		if (m->binds[i].key && !strcmp(m->binds[i].attr, attr))
			return 1;
	return 0;
}

/* --- edges --- */

static void add_edge(struct builder *b, int from, int to, const char *kind, const char *file,
		     int line, int col, const char *how)
{
	struct gedge e;
	char *key = arena_strfmt(b->work, "%d>%d|%s|%s|%d", from, to, kind, file, line);
	if (!seen_once(b, &b->seen_edges, key))
		return;
	memset(&e, 0, sizeof(e));
	e.from = b->cls[from].node;
	e.to = b->cls[to].node;
	e.kind = kind;
	e.file = file;
	e.line = line;
	e.col = col;
	e.scope = SCOPE_FUNCTION;
	e.how = how;
	graph_add_edge(b->mg->g, &e);
}

static void add_unresolved(struct builder *b, const char *host, const char *attr, const char *file,
			   int line)
{
	struct manager_graph *mg = b->mg;
	struct unresolved_access *u;
	char *key = arena_strfmt(b->work, "%s|%d|%s|%s", file, line, host, attr);
	if (!seen_once(b, &b->seen_unresolved, key))
		return;
	mg->unresolved = xrealloc(mg->unresolved, (size_t)(mg->nunresolved + 1) * sizeof(*u));
	u = &mg->unresolved[mg->nunresolved++];
	u->host = graph_intern(mg->g, host);
	u->attr = graph_intern(mg->g, attr);
	u->file = graph_intern(mg->g, file);
	u->line = line;
}

struct comp {
	const char *name;
	int is_key; /* ["name"] */
};

/* Split "self.algorithm.managers['x']" into components; -1 if it is not such a chain. */
static int parse_chain(struct builder *b, const char *s, struct comp *out, int max)
{
	int n = 0;
	const char *p = s;
	while (*p) {
		const char *st;
		if (n == max)
			return -1;
		if (*p == '[') {
			char q = p[1];
			if (q != '"' && q != '\'')
				return -1;
			st = p + 2;
			p = strchr(st, q);
			if (!p || p[1] != ']')
				return -1;
			out[n].name = arena_strndup(b->work, st, (size_t)(p - st));
			out[n++].is_key = 1;
			p += 2;
		} else {
			st = p;
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			if (p == st)
				return -1;
			out[n].name = arena_strndup(b->work, st, (size_t)(p - st));
			out[n++].is_key = 0;
		}
		if (*p == '.')
			p++;
		else if (*p && *p != '[')
			return -1;
	}
	return n;
}

static void chain_text(struct strbuf *sb, const struct comp *c, int n)
{
	sb_reset(sb);
	for (int i = 0; i < n; i++) {
		if (c[i].is_key)
			sb_addf(sb, "[\"%s\"]", c[i].name);
		else
			sb_addf(sb, "%s%s", i ? "." : "", c[i].name);
	}
}

/* The type of the first name of a chain in its context. */
static int base_class(struct builder *b, size_t fi, int A, const struct fact_func *fn,
		      const char *name)
{
	const struct fact_param *p;
	if (!strcmp(name, "self") || !strcmp(name, "cls"))
		return A;
	p = find_param(fn, name);
	if (p)
		return param_class(b, fi, p);
	return -1; /* a local: its value is not tracked */
}

/*
 * Evaluate a host-attribute access (REF_ATTR/GETATTR/HASATTR) hop by hop.
 * Every hop that lands on a manager (other than A, and other than A's own
 * attributes) is an `attribute` edge; a hop off the host that names nothing
 * is an unresolved access.
 */
static void eval_access(struct builder *b, size_t fi, int A, const struct fact_ref *r)
{
	const struct file_facts *ff = b->s->files[fi];
	const struct fact_func *fn = func_in_file(b, fi, r->func);
	struct comp comps[MAX_HOPS + 1];
	struct strbuf sb = STRBUF_INIT;
	struct mtype cur;
	int n, base_self;
	if (!r->host || !r->attr)
		return;
	n = parse_chain(b, r->host, comps, MAX_HOPS);
	if (n < 1)
		return;
	comps[n].name = r->attr;
	comps[n].is_key = 0;
	n++;
	cur.cls = base_class(b, fi, A, fn, comps[0].name);
	cur.dict = NULL;
	base_self = !strcmp(comps[0].name, "self") || !strcmp(comps[0].name, "cls");
	if (cur.cls < 0)
		return;
	sb_init(&sb);
	for (int i = 1; i < n; i++) {
		struct comp *c = &comps[i];
		const struct binding *bd = NULL;
		struct mtype nxt = {-1, NULL};
		const char *via = NULL, *vfile = NULL, *extra = "";
		int vline = 0, owner = cur.cls, missing = 0;
		if (cur.dict) {
			comps[i].is_key = 1; /* d.key as the frontend writes d["key"]: show it as a key */
			bd = find_binding(b, cur.cls, cur.dict, c->name, &owner);
			if (bd)
				nxt.cls = binding_class(b, owner, bd);
			else
				missing = 1;
		} else if (c->is_key) {
			break;
		} else if ((bd = find_binding(b, cur.cls, c->name, NULL, &owner))) {
			nxt.cls = binding_class(b, owner, bd);
		} else if (has_dict(b, cur.cls, c->name)) {
			nxt.cls = cur.cls;
			nxt.dict = c->name;
		} else if (cur.cls == b->host && registry_lookup(b, c->name)) {
			const struct reg *rg = registry_lookup(b, c->name);
			nxt.cls = rg->cls;
			via = arena_strfmt(b->work, "registered \"%s\": %s", rg->key,
					   b->cls[rg->cls].name);
			vfile = rg->file;
			vline = rg->line;
		} else if (cur.cls != b->host && b->host >= 0 &&
			   naming_is_host_name(&b->rules, c->name)) {
			nxt.cls = b->host; /* self.algorithm without a visible assignment */
		} else {
			missing = 1;
		}
		if (missing) {
			if (cur.cls == b->host &&
			    (r->kind != REF_ATTR || c->is_key || cur.dict ||
			     naming_attr_is_manager(&b->rules, c->name))) {
				chain_text(&sb, comps, i);
				add_unresolved(b, sb.buf, c->name, ff->path, r->line);
			}
			break;
		}
		if (nxt.cls < 0)
			break;
		if (bd) {
			via = bd->via;
			vfile = bd->file;
			vline = bd->line;
			extra = bd->extra ? bd->extra : "";
		}
		if (A >= 0 && b->cls[A].node >= 0 && !nxt.dict && b->cls[nxt.cls].node >= 0 &&
		    nxt.cls != A && !(i == 1 && base_self)) {
			struct strbuf how = STRBUF_INIT;
			sb_init(&how);
			chain_text(&sb, comps, i + 1);
			if (r->kind == REF_GETATTR || r->kind == REF_HASATTR) {
				chain_text(&sb, comps, i);
				sb_addf(&how, "%s(%s, \"%s\")",
					r->kind == REF_GETATTR ? "getattr" : "hasattr", sb.buf,
					c->name);
			} else {
				sb_adds(&how, sb.buf);
			}
			if (via && vfile) {
				if (bd)
					sb_addf(&how, " -> %s.%s%s%s%s = %s at %s:%d%s",
						b->cls[owner].name, bd->attr, bd->key ? "[\"" : "",
						bd->key ? bd->key : "", bd->key ? "\"]" : "", via,
						vfile, vline, extra);
				else
					sb_addf(&how, " -> %s at %s:%d", via, vfile, vline);
			}
			add_edge(b, A, nxt.cls, "attribute", ff->path, r->line, r->col, how.buf);
			sb_release(&how);
		}
		cur = nxt;
	}
	sb_release(&sb);
}

static void ctor_edges(struct builder *b, int A)
{
	int owner = -1;
	const struct fact_func *init = init_of(b, A, &owner);
	const struct mclass *ow;
	if (!init)
		return;
	ow = &b->cls[owner];
	for (int i = 0; i < init->nparams; i++) {
		const struct fact_param *p = &init->params[i];
		const char *how = NULL;
		int c = resolve_annotation(b, ow->fi, p->annotation);
		if (c >= 0) {
			how = arena_strfmt(b->work, "parameter %s: %s", p->name, p->annotation);
		} else if (!host_param_name(b, p->name, b->host) && b->host >= 0) {
			int hk = -1;
			const struct binding *bd = find_binding(b, b->host, p->name, NULL, &hk);
			if (bd && bd->kind == B_CLASS) {
				c = bd->cls;
				how = arena_strfmt(b->work, "parameter %s, like %s.%s = %s at %s:%d",
						   p->name, b->cls[hk].name, bd->attr, bd->via,
						   bd->file, bd->line);
			}
		}
		if (c < 0 && !host_param_name(b, p->name, b->host)) {
			/* a parameter named after a manager class: event_bus -> EventBus */
			struct name_entry *e = name_find(b->by_snake, p->name);
			if (e && e->count == 1) {
				c = e->cls;
				how = arena_strfmt(b->work, "parameter %s, named after %s", p->name,
						   b->cls[c].name);
			}
		}
		if (c < 0 || c == A || b->cls[c].node < 0)
			continue;
		add_edge(b, A, c, "ctor_param", ow->ff->path, init->line, init->col, how);
	}
}

static void python_edges(struct builder *b)
{
	const struct scan *s = b->s;
	struct ref_iter it = {s, LANG_PYTHON, 0, 0};
	const struct fact_ref *r;
	for (size_t i = 0; i < b->ncls; i++)
		if (b->cls[i].node >= 0)
			ctor_edges(b, (int)i);
	while ((r = scan_next_ref(&it))) {
		const struct file_facts *ff = s->files[it.fi];
		size_t fi = it.fi;
		int A = class_in_file(b, fi, r->cls), c;
		switch (r->kind) {
		case REF_ATTR:
		case REF_GETATTR:
		case REF_HASATTR:
			eval_access(b, fi, A, r);
			break;
		case REF_CALL:
		case REF_BIND:
		case REF_REGISTER:
			if (A < 0 || b->cls[A].node < 0 || !r->value)
				break;
			if (r->kind == REF_BIND && !is_self_expr(r->host))
				break;
			if (r->kind == REF_REGISTER && !(r->host && starts_with(r->host, "self.")))
				break;
			/*
			 * Base.__init__(self, ...) initialises self, the
			 * way super().__init__() does: no new object.
			 */
			if (r->kind == REF_CALL && ends_with(r->value, ".__init__"))
				break;
			c = resolve_class(b, fi, r->value, 1);
			if (c < 0 || c == A || b->cls[c].node < 0)
				break;
			add_edge(b, A, c, "instantiation", ff->path, r->line, r->col,
				 arena_strfmt(b->work, "%s(...)", r->value));
			break;
		default:
			break;
		}
	}
}

/* --- C: structs and typedefs, fields, constructor functions --- */

/* "const struct vix_manager *" -> "vix_manager" (in the work arena). */
static const char *c_type_name(struct builder *b, const char *spelling)
{
	static const char *const skip[] = {"const", "struct", "union", "enum", "volatile",
					   "restrict", "unsigned", "signed", NULL};
	const char *p = spelling, *last = NULL;
	size_t lastlen = 0;
	if (!spelling)
		return NULL;
	while (*p) {
		const char *st;
		if (!(isalpha((unsigned char)*p) || *p == '_')) {
			if (*p == '[' || *p == '(')
				break;
			p++;
			continue;
		}
		st = p;
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		int kw = 0;
		for (int i = 0; skip[i]; i++)
			if ((size_t)(p - st) == strlen(skip[i]) && !strncmp(st, skip[i], (size_t)(p - st)))
				kw = 1;
		if (!kw) {
			last = st;
			lastlen = (size_t)(p - st);
		}
	}
	return last ? arena_strndup(b->work, last, lastlen) : NULL;
}

static int c_class(struct builder *b, const char *spelling)
{
	const char *n = c_type_name(b, spelling);
	struct name_entry *e = n ? name_find(b->by_cname, n) : NULL;
	return e ? e->cls : -1;
}

/* A C function by name: its definition if there is one, else a declaration. */
static const struct fact_func *c_find_func(struct builder *b, const char *name, const char **file)
{
	const struct fact_func *decl = NULL;
	const char *decl_file = NULL;
	for (size_t fi = 0; fi < b->s->nfiles; fi++) {
		const struct file_facts *ff = b->s->files[fi];
		if (ff->lang != LANG_C)
			continue;
		for (size_t i = 0; i < ff->nfuncs; i++)
			if (!strcmp(ff->funcs[i].name, name)) {
				if (ff->funcs[i].end_line > ff->funcs[i].line) {
					*file = ff->path;
					return &ff->funcs[i];
				}
				if (!decl) {
					decl = &ff->funcs[i];
					decl_file = ff->path;
				}
			}
	}
	*file = decl_file;
	return decl;
}

/* The lowercase function prefix of a C type: "vix_manager", "RiskManager" -> "risk_manager". */
static const char *c_prefix(struct builder *b, const char *type)
{
	char *sn = snake_case(type);
	const char *r = arena_strdup(b->work, sn);
	free(sn);
	return r;
}

static void collect_c_classes(struct builder *b)
{
	const struct scan *s = b->s;
	/* pass 0: structs; pass 1: typedefs (bases[0] = the struct tag), aliases of the struct */
	for (int pass = 0; pass < 2; pass++)
	for (size_t fi = 0; fi < s->nfiles; fi++) {
		const struct file_facts *ff = s->files[fi];
		if (ff->lang != LANG_C)
			continue;
		for (size_t i = 0; i < ff->nclasses; i++) {
			const struct fact_class *fc = &ff->classes[i];
			struct mclass *k;
			if ((fc->nbases > 0) != pass || name_find(b->by_cname, fc->name))
				continue;
			if (pass && fc->bases[0]) {
				struct name_entry *tag = name_find(b->by_cname, fc->bases[0]);
				if (tag) {
					name_add(&b->by_cname, fc->name, tag->cls);
					continue;
				}
			}
			if (!naming_is_manager(&b->rules, fc->name))
				continue;
			ALLOC_GROW(b->cls, b->ncls + 1, b->alloc_cls);
			k = &b->cls[b->ncls];
			memset(k, 0, sizeof(*k));
			k->base = -1;
			k->name = fc->name;
			k->module = ff->path;
			k->qname = fc->name;
			k->fi = fi;
			k->ff = ff;
			k->fc = fc;
			k->node = -1;
			k->manager_like = 1;
			k->name_mask = naming_name_categories(&b->rules, fc->name, NULL, 0);
			k->loc_mask = naming_categories(&b->rules, NULL, NULL, 0, ff->path);
			name_add(&b->by_cname, k->name, (int)b->ncls);
			b->ncls++;
		}
	}
	for (size_t i = 0; i < b->ncls; i++) {
		struct mclass *k = &b->cls[i];
		const char *pre;
		static const char *const ctors[] = {"create", "new", "init", NULL};
		static const char *const dtors[] = {"destroy", "free", "release", "fini", "deinit",
						    NULL};
		if (k->ff->lang != LANG_C)
			continue;
		const char *file;
		pre = k->cprefix = c_prefix(b, k->name);
		for (int j = 0; ctors[j] && !k->cfunc; j++)
			k->cfunc = c_find_func(b, arena_strfmt(b->work, "%s_%s", pre, ctors[j]),
					       &k->cfunc_file);
		if (k->cfunc)
			name_add(&b->by_ctor, k->cfunc->name, (int)i);
		for (int j = 0; dtors[j] && !k->dtor; j++) {
			const char *dn = arena_strfmt(b->work, "%s_%s", pre, dtors[j]);
			if (c_find_func(b, dn, &file))
				k->dtor = dn;
		}
	}
}

/* Which C manager a function belongs to: the longest type prefix of its name. */
static int c_owner_of_func(struct builder *b, const char *fname)
{
	int best = -1;
	size_t bestlen = 0;
	for (size_t i = 0; i < b->ncls; i++) {
		const struct mclass *k = &b->cls[i];
		const char *pre = k->cprefix;
		size_t pl;
		if (k->ff->lang != LANG_C || k->node < 0 || !pre)
			continue;
		pl = strlen(pre);
		if (pl > bestlen && !strncmp(fname, pre, pl) && fname[pl] == '_') {
			best = (int)i;
			bestlen = pl;
		}
	}
	return best;
}

static void c_edges(struct builder *b)
{
	const struct scan *s = b->s;
	struct ref_iter it = {s, LANG_C, 0, 0};
	const struct fact_ref *r;
	for (size_t i = 0; i < b->ncls; i++) {
		const struct mclass *k = &b->cls[i];
		const struct fact_func *f = k->cfunc;
		if (k->ff->lang != LANG_C || k->node < 0 || !f)
			continue;
		for (int j = 0; j < f->nparams; j++) {
			int c = c_class(b, f->params[j].annotation);
			if (c < 0 || c == (int)i)
				continue;
			add_edge(b, (int)i, c, "ctor_param", k->cfunc_file, f->line, f->col,
				 arena_strfmt(b->work, "%s() parameter %s: %s", f->name,
					      f->params[j].name ? f->params[j].name : "",
					      f->params[j].annotation));
		}
	}
	while ((r = scan_next_ref(&it))) {
		const struct file_facts *ff = s->files[it.fi];
		if (r->kind == REF_FIELD && r->cls && r->value) {
			struct name_entry *e = name_find(b->by_cname, r->cls);
			int c = c_class(b, r->value);
			if (!e || c < 0 || c == e->cls)
				continue;
			add_edge(b, e->cls, c, "field", ff->path, r->line, r->col,
				 arena_strfmt(b->work, "field %s: %s", r->attr ? r->attr : "",
					      r->value));
		} else if (r->kind == REF_CALL && r->func && r->value) {
			struct name_entry *ce = name_find(b->by_ctor, r->value);
			int A, c = ce ? ce->cls : -1;
			if (c < 0 || b->cls[c].node < 0)
				continue;
			A = c_owner_of_func(b, r->func);
			if (A < 0 || c == A)
				continue;
			add_edge(b, A, c, "instantiation", ff->path, r->line, r->col,
				 arena_strfmt(b->work, "%s() calls %s()", r->func, r->value));
		}
	}
}

/* --- nodes, host report, order --- */

static const struct builder *sort_builder; /* qsort has no context argument in C11 */

static int cmp_idx(const void *pa, const void *pb)
{
	const struct mclass *cls = sort_builder->cls;
	return strcmp(cls[*(const int *)pa].qname, cls[*(const int *)pb].qname);
}

static void make_nodes(struct builder *b)
{
	struct manager_graph *mg = b->mg;
	struct name_entry *ids = NULL;
	int *order = xmalloc((b->ncls + 1) * sizeof(*order));
	int n = 0;
	for (size_t i = 0; i < b->ncls; i++) {
		if (!b->cls[i].manager_like || (int)i == b->host || name_find(ids, b->cls[i].qname))
			continue;
		name_add(&ids, b->cls[i].qname, (int)i);
		order[n++] = (int)i;
	}
	name_free(&ids);
	sort_builder = b;
	qsort(order, (size_t)n, sizeof(*order), cmp_idx);
	for (int j = 0; j < n; j++) {
		struct mclass *k = &b->cls[order[j]];
		int node = graph_node(mg->g, k->qname, 1);
		struct gnode *gn = &mg->g->nodes[node];
		k->node = node;
		gn->file = graph_intern(mg->g, k->ff->path);
		gn->lang = lang_name(k->ff->lang);
		gn->category = naming_primary_category(k->name_mask, k->loc_mask);
		gn->line = k->fc->line;
		if (k->ff->lang == LANG_PYTHON) {
			char *sn = snake_case(k->name);
			name_add(&b->by_snake, arena_strdup(b->work, sn), order[j]);
			free(sn);
		}
	}
	free(order);
}

static void fill_managers(struct builder *b)
{
	struct manager_graph *mg = b->mg;
	struct graph *g = mg->g;
	mg->nmanagers = g->nnodes;
	mg->managers = xcalloc((size_t)g->nnodes + 1, sizeof(*mg->managers));
	for (size_t i = 0; i < b->ncls; i++) {
		const struct mclass *k = &b->cls[i];
		struct manager *m;
		const struct fact_func *init = NULL;
		int node;
		if (k->node < 0)
			continue;
		node = graph_node(g, k->qname, 0);
		m = &mg->managers[node];
		m->cls = graph_intern(g, k->name);
		m->module = graph_intern(g, k->module);
		m->file = graph_intern(g, k->ff->path);
		m->line = k->fc->line;
		m->lang = k->ff->lang;
		m->category = g->nodes[node].category;
		if (k->ff->lang == LANG_PYTHON) {
			const struct binding *first = NULL, *dict = NULL;
			m->import_module = m->module;
			if (b->host >= 0) {
				const struct mclass *h = &b->cls[b->host];
				for (size_t j = 0; j < h->nbinds; j++) {
					const struct binding *bd = &h->binds[j];
					if (bd->kind != B_CLASS || bd->cls != (int)i)
						continue;
					if (!bd->key && !first)
						first = bd;
					if (bd->key && !dict)
						dict = bd;
				}
			}
			m->attr = first ? graph_intern(g, first->attr) : NULL;
			if (first)
				m->name = m->attr;
			else if (dict)
				m->name = graph_intern(g, dict->key);
			init = init_of(b, (int)i, NULL);
		} else {
			init = k->cfunc;
			m->ctor = k->cfunc ? graph_intern(g, k->cfunc->name) : NULL;
			m->dtor = graph_intern(g, k->dtor);
			m->name = m->cls;
		}
		if (!m->name) {
			char *sn = snake_case(k->name);
			m->name = graph_intern(g, sn);
			free(sn);
		}
		if (init && init->nparams) {
			m->nparams = init->nparams;
			m->params = arena_alloc(g->arena, sizeof(*m->params) * (size_t)init->nparams);
			for (int j = 0; j < init->nparams; j++) {
				m->params[j].name = graph_intern(g, init->params[j].name);
				m->params[j].annotation = graph_intern(g, init->params[j].annotation);
				m->params[j].has_default = init->params[j].has_default;
			}
		}
	}
}

static int cmp_host(const void *pa, const void *pb)
{
	const struct host_candidate *a = pa, *b = pb;
	if (a->nmanagers != b->nmanagers)
		return b->nmanagers - a->nmanagers;
	return strcmp(a->module, b->module) ? strcmp(a->module, b->module) : strcmp(a->cls, b->cls);
}

static void fill_hosts(struct builder *b)
{
	struct manager_graph *mg = b->mg;
	struct graph *g = mg->g;
	int n = 0;
	mg->hosts = xcalloc(b->ncls + 1, sizeof(*mg->hosts));
	for (size_t i = 0; i < b->ncls; i++) {
		const struct mclass *k = &b->cls[i];
		struct host_candidate *h;
		if ((int)i != b->host && k->nmanager_attrs < 2)
			continue;
		h = &mg->hosts[n++];
		h->cls = graph_intern(g, k->name);
		h->module = graph_intern(g, k->module);
		h->file = graph_intern(g, k->ff->path);
		h->line = k->fc->line;
		h->nmanagers = k->nmanager_attrs;
	}
	qsort(mg->hosts, (size_t)n, sizeof(*mg->hosts), cmp_host);
	/* the host first, whatever the counts say (it may be forced by the config) */
	if (b->host >= 0) {
		const struct mclass *k = &b->cls[b->host];
		for (int i = 0; i < n; i++)
			if (!strcmp(mg->hosts[i].module, k->module) && !strcmp(mg->hosts[i].cls, k->name)) {
				struct host_candidate t = mg->hosts[i];
				memmove(mg->hosts + 1, mg->hosts, (size_t)i * sizeof(*mg->hosts));
				mg->hosts[0] = t;
				break;
			}
		mg->host_class = graph_intern(g, k->name);
		mg->host_module = graph_intern(g, k->module);
		mg->host_file = graph_intern(g, k->ff->path);
		mg->host_line = k->fc->line;
	}
	mg->nhosts = n;
}

static int cmp_reg(const void *pa, const void *pb)
{
	const struct registry_entry *a = pa, *b = pb;
	int c = strcmp(a->file, b->file);
	if (c)
		return c;
	if (a->line != b->line)
		return a->line - b->line;
	return strcmp(a->key, b->key);
}

static int cmp_unres(const void *pa, const void *pb)
{
	const struct unresolved_access *a = pa, *b = pb;
	int c = strcmp(a->file, b->file);
	if (c)
		return c;
	if (a->line != b->line)
		return a->line - b->line;
	c = strcmp(a->host, b->host);
	return c ? c : strcmp(a->attr, b->attr);
}

static void fill_registry(struct builder *b)
{
	struct manager_graph *mg = b->mg;
	int n = 0;
	mg->registry = xcalloc(b->nregs + 1, sizeof(*mg->registry));
	for (size_t i = 0; i < b->nregs; i++) {
		const struct reg *r = &b->regs[i];
		if (!b->cls[r->cls].manager_like)
			continue;
		mg->registry[n].key = graph_intern(mg->g, r->key);
		mg->registry[n].cls = graph_intern(mg->g, b->cls[r->cls].qname);
		mg->registry[n].file = graph_intern(mg->g, r->file);
		mg->registry[n].line = r->line;
		n++;
	}
	qsort(mg->registry, (size_t)n, sizeof(*mg->registry), cmp_reg);
	mg->nregistry = n;
}

static int cmp_component(const void *pa, const void *pb)
{
	const struct component *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);
	if (c)
		return c;
	c = strcmp(a->file, b->file);
	return c ? c : a->line - b->line;
}

static void add_component(struct manager_graph *mg, size_t *alloc, const char *name,
			  const char *file, int line, unsigned mask, int is_module)
{
	struct component *c;
	ALLOC_GROW(mg->components, (size_t)mg->ncomponents + 1, *alloc);
	c = &mg->components[mg->ncomponents++];
	c->name = graph_intern(mg->g, name);
	c->file = graph_intern(mg->g, file);
	c->line = line;
	c->categories = mask;
	c->is_module = is_module;
}

/*
 * Excluded from the inventory: excluded names (tests, exceptions), enums
 * (CacheType(Enum) names the kinds of a cache, it is not a cache system)
 * and classes deriving from one, through resolved bases too.
 */
static int class_excluded(struct builder *b, int c)
{
	for (int depth = 0; c >= 0 && depth < 16; depth++) {
		const struct mclass *k = &b->cls[c];
		if (naming_is_excluded(&b->rules, k->name))
			return 1;
		for (int j = 0; k->fc && j < k->fc->nbases; j++) {
			const char *base = k->fc->bases[j], *dot = strrchr(base, '.');
			base = dot ? dot + 1 : base;
			if (!strcmp(base, "Exception") || !strcmp(base, "BaseException") ||
			    !strcmp(base, "Enum") || !strcmp(base, "IntEnum") ||
			    !strcmp(base, "StrEnum") || !strcmp(base, "Flag") ||
			    !strcmp(base, "IntFlag") || naming_is_excluded(&b->rules, base))
				return 1;
		}
		if (k->ff->lang != LANG_PYTHON || k->base == c)
			break;
		c = k->base;
	}
	return 0;
}

/*
 * The inventory: classes by name, bases and location; C typedef aliases of
 * a listed struct are left out; modules without classes (a file of
 * functions such as risk/kelly.py) by location.
 */
static void fill_components(struct builder *b)
{
	struct manager_graph *mg = b->mg;
	size_t alloc = 0;
	for (size_t i = 0; i < b->ncls; i++) {
		const struct mclass *k = &b->cls[i];
		unsigned mask = k->name_mask | k->loc_mask;
		if (class_excluded(b, (int)i))
			continue;
		if (k->manager_like)
			mask |= 1u << CAT_MANAGER;
		if (mask)
			add_component(mg, &alloc, k->name, k->ff->path, k->fc->line, mask, 0);
	}
	for (size_t fi = 0; fi < b->s->nfiles; fi++) {
		const struct file_facts *ff = b->s->files[fi];
		const char *base = strrchr(ff->path, '/');
		unsigned mask;
		base = base ? base + 1 : ff->path;
		if (ff->nfuncs == 0 || starts_with(base, "__init__."))
			continue;
		if (ff->lang == LANG_PYTHON && ff->nclasses)
			continue;
		if (ff->lang == LANG_C) {
			/* C files list their types above; a .c file of functions counts by name */
			if (ff->nclasses || !ends_with(ff->path, ".c"))
				continue;
		}
		mask = naming_categories(&b->rules, NULL, NULL, 0,
					 ff->lang == LANG_PYTHON ? b->module_of[fi] : ff->path);
		if (mask)
			add_component(mg, &alloc, b->module_of[fi], ff->path, 1, mask, 1);
	}
	/* C classes: only what collect_c_classes kept (manager-like); add the rest by name */
	for (size_t fi = 0; fi < b->s->nfiles; fi++) {
		const struct file_facts *ff = b->s->files[fi];
		if (ff->lang != LANG_C)
			continue;
		for (size_t i = 0; i < ff->nclasses; i++) {
			const struct fact_class *fc = &ff->classes[i];
			unsigned mask;
			if (name_find(b->by_cname, fc->name))
				continue; /* a manager (listed above) or an alias of one */
			mask = naming_categories(&b->rules, fc->name, NULL, 0, ff->path);
			if (mask)
				add_component(mg, &alloc, fc->name, ff->path, fc->line, mask, 0);
		}
	}
	if (mg->ncomponents)
		qsort(mg->components, (size_t)mg->ncomponents, sizeof(*mg->components),
		      cmp_component);
}

static void order_and_cut(struct manager_graph *mg)
{
	struct graph *g = mg->g;
	mg->creation_mask = xcalloc((size_t)g->nedges + 1, 1);
	for (int e = 0; e < g->nedges; e++)
		mg->creation_mask[e] = !strcmp(g->edges[e].kind, "ctor_param") ||
				       !strcmp(g->edges[e].kind, "instantiation");
	graph_cut(g, NULL, &mg->cut, &mg->ncut);
	mg->layer_of = xcalloc((size_t)g->nnodes + 1, sizeof(*mg->layer_of));
	mg->nlayers = g->nnodes ? graph_layers(g, mg->creation_mask, mg->cut, mg->ncut, mg->layer_of)
				: 0;
}

int managers_build(struct manager_graph *mg, const struct scan *s, const struct modindex *mi,
		   const struct config *cfg)
{
	struct builder b;
	memset(mg, 0, sizeof(*mg));
	memset(&b, 0, sizeof(b));
	mg->g = graph_new();
	b.mg = mg;
	b.s = s;
	b.mi = mi;
	b.host = -1;
	b.work = arena_new();
	naming_rules_load(&b.rules, cfg);
	b.module_of = xcalloc(s->nfiles + 1, sizeof(*b.module_of));
	b.file_first = xcalloc(s->nfiles + 1, sizeof(*b.file_first));
	b.file_count = xcalloc(s->nfiles + 1, sizeof(*b.file_count));
	b.aliases = xcalloc(s->nfiles + 1, sizeof(*b.aliases));
	b.cls_idx = xcalloc(s->nfiles + 1, sizeof(*b.cls_idx));
	b.func_idx = xcalloc(s->nfiles + 1, sizeof(*b.func_idx));
	b.indexed = xcalloc(s->nfiles + 1, 1);
	for (size_t fi = 0; fi < s->nfiles; fi++)
		b.module_of[fi] = file_module(&b, fi);

	collect_classes(&b);
	classify(&b);
	collect_registries(&b);
	collect_bindings(&b);
	detect_host(&b);
	collect_c_classes(&b);
	make_nodes(&b);
	python_edges(&b);
	c_edges(&b);

	graph_sort(mg->g);
	fill_managers(&b);
	fill_hosts(&b);
	fill_registry(&b);
	fill_components(&b);
	if (mg->nunresolved)
		qsort(mg->unresolved, (size_t)mg->nunresolved, sizeof(*mg->unresolved), cmp_unres);
	order_and_cut(mg);

	for (size_t i = 0; i < b.ncls; i++) {
		free(b.cls[i].binds);
		free(b.cls[i].bases);
	}
	for (size_t fi = 0; fi < s->nfiles; fi++) {
		free(b.aliases[fi].a);
		free(b.cls_idx[fi]);
		free(b.func_idx[fi]);
	}
	free(b.cls);
	free(b.aliases);
	free(b.module_of);
	free(b.file_first);
	free(b.file_count);
	free(b.cls_idx);
	free(b.func_idx);
	free(b.indexed);
	free(b.regs);
	name_free(&b.by_qname);
	name_free(&b.by_name);
	name_free(&b.by_snake);
	name_free(&b.by_cname);
	name_free(&b.by_ctor);
	name_free(&b.seen_edges);
	name_free(&b.seen_unresolved);
	naming_rules_release(&b.rules);
	arena_free(b.work);
	return 0;
}

void managers_release(struct manager_graph *mg)
{
	if (!mg)
		return;
	free(mg->managers);
	free(mg->registry);
	free(mg->unresolved);
	free(mg->layer_of);
	free(mg->cut);
	free(mg->creation_mask);
	free(mg->hosts);
	free(mg->components);
	graph_free(mg->g);
	memset(mg, 0, sizeof(*mg));
}
