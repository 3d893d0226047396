/*
 * modindex.c - see modindex.h.
 *
 * Module names come from the deepest import root containing a file. Package
 * names (regular or namespace) are every proper prefix of a module name, so
 * a folder is a namespace package exactly when it holds Python code.
 */
#include "modindex.h"
#include "diag.h"
#include "scan.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
/* uthash's default (Jenkins) hash is slow on long keys: xxhash, as everywhere else */
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = (unsigned)hash64((keyptr), (keylen)))
#include <uthash.h>

#undef uthash_fatal
#define uthash_fatal(msg) die("%s", msg)

struct name_entry {
	const char *name;
	long file;   /* scan index of the module file, -1 for a namespace package */
	int is_pkg;  /* a package (has submodules) */
	UT_hash_handle hh;
};

struct priv {
	struct name_entry *names;
};

static struct name_entry *find_name(const struct modindex *mi, const char *name, size_t len)
{
	struct priv *p = mi->priv;
	struct name_entry *e;
	HASH_FIND(hh, p->names, name, len, e);
	return e;
}

static struct name_entry *add_name(struct modindex *mi, const char *name, size_t len)
{
	struct priv *p = mi->priv;
	struct name_entry *e = find_name(mi, name, len);
	if (e)
		return e;
	e = xcalloc(1, sizeof(*e));
	e->name = arena_strndup(mi->arena, name, len);
	e->file = -1;
	HASH_ADD_KEYPTR(hh, p->names, e->name, len, e);
	return e;
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int has_init(const char *dir)
{
	char *p = xstrfmt("%s/__init__.py", dir);
	struct stat st;
	int r = stat(p, &st) == 0;
	free(p);
	return r;
}

static char *parent_dir(const char *path)
{
	char *disp = path_display(path);
	char *slash = strrchr(disp, '/');
	char *r;
	if (!strcmp(disp, "."))
		r = xstrdup("..");
	else if (!slash)
		r = xstrdup(".");
	else if (slash == disp)
		r = xstrdup("/");
	else if (!strcmp(slash + 1, ".."))
		r = xstrfmt("%s/..", disp);
	else
		r = xstrndup(disp, (size_t)(slash - disp));
	free(disp);
	return r;
}

/* The import root for a PATH: a package is imported from above its topmost package folder. */
static char *root_for_path(const char *path)
{
	char *dir = is_dir(path) ? path_display(path) : parent_dir(path);
	while (has_init(dir)) {
		char *up = parent_dir(dir);
		if (!strcmp(up, dir)) {
			free(up);
			break;
		}
		free(dir);
		dir = up;
	}
	return dir;
}

static void add_root(struct modindex *mi, const char *root, int *alloc)
{
	for (int i = 0; i < mi->nroots; i++)
		if (!strcmp(mi->roots[i], root))
			return;
	ALLOC_GROW(mi->roots, mi->nroots + 1, *alloc);
	mi->roots[mi->nroots++] = arena_strdup(mi->arena, root);
}

/* Is file path under root dir? Returns the length of the remainder offset, or -1. */
static long under_root(const char *path, const char *root)
{
	size_t n;
	if (!strcmp(root, "."))
		return path[0] == '/' || starts_with(path, "../") ? -1 : 0;
	n = strlen(root);
	if (!strncmp(path, root, n) && path[n] == '/')
		return (long)n + 1;
	if (!strcmp(root, "/") && path[0] == '/')
		return 1;
	return -1;
}

static int is_identifier_path(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		/* ASCII outside identifiers ("with space", "-rf", "new\nline") names no module */
		if (c < 0x80 && c != '_' && c != '/' && !(c >= '0' && c <= '9') &&
		    !((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
			return 0;
	}
	return 1;
}

/* Module name of path under the deepest root, or NULL. */
static const char *name_file(struct modindex *mi, const char *path, int *is_init)
{
	long best = -1;
	size_t bestlen = 0;
	for (int i = 0; i < mi->nroots; i++) {
		long off = under_root(path, mi->roots[i]);
		if (off >= 0 && (best < 0 || strlen(mi->roots[i]) >= bestlen)) {
			best = off;
			bestlen = strlen(mi->roots[i]);
		}
	}
	if (best < 0)
		return NULL;
	const char *rel = path + best;
	const char *dot = strrchr(rel, '.');
	size_t n = dot ? (size_t)(dot - rel) : strlen(rel);
	struct strbuf sb = STRBUF_INIT;
	sb_init(&sb);
	sb_add(&sb, rel, n);
	*is_init = 0;
	if (ends_with(sb.buf, "/__init__") || !strcmp(sb.buf, "__init__")) {
		*is_init = 1;
		sb.len = sb.len > 9 ? sb.len - 9 : 0;
		sb.buf[sb.len] = '\0';
	}
	if (!sb.len || !is_identifier_path(sb.buf, sb.len)) {
		sb_release(&sb);
		return NULL;
	}
	for (char *c = sb.buf; *c; c++)
		if (*c == '/')
			*c = '.';
	const char *r = arena_strndup(mi->arena, sb.buf, sb.len);
	sb_release(&sb);
	return r;
}

static void index_names(struct modindex *mi)
{
	const struct scan *s = mi->scan;
	struct priv *p = mi->priv;
	struct name_entry *e, *tmp;
	HASH_ITER(hh, p->names, e, tmp) {
		HASH_DEL(p->names, e);
		free(e);
	}
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct file_facts *ff = s->files[i];
		int is_init = 0;
		const char *name;
		mi->module_of[i] = NULL;
		if (ff->lang != LANG_PYTHON)
			continue;
		name = name_file(mi, ff->path, &is_init);
		if (!name)
			continue;
		e = add_name(mi, name, strlen(name));
		/* Python's finder: a package (__init__) wins over a module; .py wins over .pyi. */
		if (e->file >= 0) {
			const char *old = s->files[e->file]->path;
			int old_init = ends_with(old, "/__init__.py") || ends_with(old, "/__init__.pyi");
			int old_pyi = ends_with(old, ".pyi");
			int new_pyi = ends_with(ff->path, ".pyi");
			if ((old_init && !is_init) || (!old_pyi && new_pyi))
				continue;
			mi->module_of[e->file] = NULL;
		}
		e->file = (long)i;
		if (is_init)
			e->is_pkg = 1;
		mi->module_of[i] = name;
		/* Every proper prefix is a package. */
		for (const char *d = strchr(name, '.'); d; d = strchr(d + 1, '.'))
			add_name(mi, name, (size_t)(d - name))->is_pkg = 1;
	}
}

static const char *top_name(const char *mod, size_t *len)
{
	const char *d = strchr(mod, '.');
	*len = d ? (size_t)(d - mod) : strlen(mod);
	return mod;
}

/*
 * Root inference: absolute imports whose top-level name is not a project
 * name from the current roots but is a folder or module somewhere in the
 * tree. When such imports outnumber the ones that resolve, the folder that
 * resolves most of them becomes a root, and again while that helps.
 * Candidates come from one pass over the file paths: every path component
 * (a folder, or a file's stem) names the folder that holds it.
 */
struct place {
	const char *name; /* component */
	const char **dirs; /* folders holding a component of that name */
	int ndirs, alloc;
	UT_hash_handle hh;
};

static void add_place(struct place **places, struct arena *a, const char *name, size_t n,
		      const char *dir, size_t dn)
{
	struct place *pl;
	HASH_FIND(hh, *places, name, n, pl);
	if (!pl) {
		pl = xcalloc(1, sizeof(*pl));
		pl->name = arena_strndup(a, name, n);
		HASH_ADD_KEYPTR(hh, *places, pl->name, n, pl);
	}
	for (int i = 0; i < pl->ndirs; i++)
		if (strlen(pl->dirs[i]) == (dn ? dn : 1) && !strncmp(pl->dirs[i], dn ? dir : ".", dn ? dn : 1))
			return;
	if (pl->ndirs >= 64)
		return;
	ALLOC_GROW(pl->dirs, pl->ndirs + 1, pl->alloc);
	pl->dirs[pl->ndirs++] = dn ? arena_strndup(a, dir, dn) : ".";
}

static void infer_roots(struct modindex *mi, int *alloc_roots)
{
	const struct scan *s = mi->scan;
	struct place *places = NULL, *pl, *tmp;
	struct arena *a = arena_new();

	for (size_t j = 0; j < s->nfiles; j++) {
		const char *fp = s->files[j]->path;
		if (s->files[j]->lang != LANG_PYTHON)
			continue;
		for (const char *c = fp; *c;) {
			const char *e = strchr(c, '/');
			if (!e) {
				const char *dot = strrchr(c, '.');
				if (dot && dot > c)
					add_place(&places, a, c, (size_t)(dot - c), fp,
						  c > fp ? (size_t)(c - fp - 1) : 0);
				break;
			}
			if (e > c && strncmp(c, "..", 2))
				add_place(&places, a, c, (size_t)(e - c), fp,
					  c > fp ? (size_t)(c - fp - 1) : 0);
			c = e + 1;
		}
	}
	for (int round = 0; round < 8; round++) {
		long resolved = 0, findable = 0;
		const char **cand = NULL;
		long *score = NULL;
		int ncand = 0, alloc_cand = 0, alloc_score = 0, best = -1, added = 0;
		for (size_t i = 0; i < s->nfiles; i++) {
			const struct file_facts *ff = s->files[i];
			if (ff->lang != LANG_PYTHON)
				continue;
			for (size_t k = 0; k < ff->nimports; k++) {
				const struct fact_import *imp = &ff->imports[k];
				size_t tl;
				if (imp->level || !imp->module[0])
					continue;
				top_name(imp->module, &tl);
				if (find_name(mi, imp->module, tl)) {
					resolved++;
					continue;
				}
				HASH_FIND(hh, places, imp->module, tl, pl);
				if (!pl)
					continue;
				findable++;
				for (int d = 0; d < pl->ndirs; d++) {
					int c;
					for (c = 0; c < ncand; c++)
						if (cand[c] == pl->dirs[d])
							break;
					if (c == ncand) {
						ALLOC_GROW(cand, ncand + 1, alloc_cand);
						ALLOC_GROW(score, ncand + 1, alloc_score);
						cand[ncand] = pl->dirs[d];
						score[ncand++] = 0;
					}
					score[c]++;
				}
			}
		}
		for (int c = 0; c < ncand; c++)
			if (!has_init(cand[c]) &&
			    (best < 0 || score[c] > score[best] ||
			     (score[c] == score[best] && strcmp(cand[c], cand[best]) < 0)))
				best = c;
		if (best >= 0 && findable > resolved) {
			int before = mi->nroots;
			add_root(mi, cand[best], alloc_roots);
			added = mi->nroots > before;
		}
		free(cand);
		free(score);
		if (!added)
			break;
		index_names(mi);
	}
	HASH_ITER(hh, places, pl, tmp) {
		HASH_DEL(places, pl);
		free(pl->dirs);
		free(pl);
	}
	arena_free(a);
}

void modindex_build(struct modindex *mi, const struct scan *s)
{
	int alloc_roots = 0;
	memset(mi, 0, sizeof(*mi));
	mi->scan = s;
	mi->arena = arena_new();
	mi->priv = xcalloc(1, sizeof(struct priv));
	mi->module_of = xcalloc(s->nfiles + 1, sizeof(*mi->module_of));
	if (s->opt && s->opt->npython_path) {
		for (int i = 0; i < s->opt->npython_path; i++) {
			char *d = path_display(s->opt->python_path[i]);
			add_root(mi, d, &alloc_roots);
			free(d);
		}
		index_names(mi);
	} else {
		for (int i = 0; s->opt && i < s->opt->npaths; i++) {
			char *r = root_for_path(s->opt->paths[i]);
			add_root(mi, r, &alloc_roots);
			free(r);
		}
		index_names(mi);
		infer_roots(mi, &alloc_roots);
	}
	qsort(mi->roots, (size_t)mi->nroots, sizeof(*mi->roots), cmp_strp);
}

void modindex_release(struct modindex *mi)
{
	struct priv *p = mi->priv;
	struct name_entry *e, *tmp;
	if (p) {
		HASH_ITER(hh, p->names, e, tmp) {
			HASH_DEL(p->names, e);
			free(e);
		}
		free(p);
	}
	free(mi->roots);
	free(mi->module_of);
	arena_free(mi->arena);
	memset(mi, 0, sizeof(*mi));
}

const char *modindex_module(const struct modindex *mi, size_t file_index)
{
	return file_index < mi->scan->nfiles ? mi->module_of[file_index] : NULL;
}

long modindex_file(const struct modindex *mi, const char *module)
{
	struct name_entry *e = find_name(mi, module, strlen(module));
	return e ? e->file : -1;
}

int modindex_exists(const struct modindex *mi, const char *module)
{
	return find_name(mi, module, strlen(module)) != NULL;
}

/* Deepest prefix of name (cut at dots) that is a module file; NULL if none. */
static const char *deepest_module(const struct modindex *mi, const char *name, size_t len)
{
	while (len) {
		struct name_entry *e = find_name(mi, name, len);
		if (e && e->file >= 0)
			return e->name;
		while (len && name[len - 1] != '.')
			len--;
		if (len)
			len--;
	}
	return NULL;
}

const char *modindex_resolve(const struct modindex *mi, size_t fi, const struct fact_import *imp,
			     int *status)
{
	struct strbuf full = STRBUF_INIT;
	const char *r;
	size_t baselen;
	int st = 0;

	sb_init(&full);
	if (imp->level > 0) {
		const char *me = modindex_module(mi, fi);
		const char *path = mi->scan->files[fi]->path;
		int is_init = ends_with(path, "/__init__.py") || ends_with(path, "/__init__.pyi") ||
			      !strcmp(path, "__init__.py");
		if (!me) {
			*status = 2;
			sb_release(&full);
			return NULL;
		}
		sb_adds(&full, me);
		/* The package of a module is its parent; a package is its own. */
		int up = imp->level - (is_init ? 1 : 0);
		for (int k = 0; k < up; k++) {
			char *d = strrchr(full.buf, '.');
			if (!d) {
				if (k == up - 1 && full.len) {
					full.len = 0;
					full.buf[0] = '\0';
					break;
				}
				*status = 2; /* beyond the top-level package */
				sb_release(&full);
				return NULL;
			}
			full.len = (size_t)(d - full.buf);
			full.buf[full.len] = '\0';
		}
		if (!full.len) {
			/* A relative import from a top-level module: no package. */
			*status = 2;
			sb_release(&full);
			return NULL;
		}
		if (imp->module[0]) {
			sb_addc(&full, '.');
			sb_adds(&full, imp->module);
		}
	} else {
		size_t tl;
		sb_adds(&full, imp->module);
		top_name(imp->module, &tl);
		if (!find_name(mi, imp->module, tl)) {
			*status = 1;
			sb_release(&full);
			return NULL;
		}
	}
	baselen = full.len;
	if (imp->name && strcmp(imp->name, "*")) {
		sb_addc(&full, '.');
		sb_adds(&full, imp->name);
		struct name_entry *e = find_name(mi, full.buf, full.len);
		if (e && e->file >= 0) {
			*status = 0;
			r = e->name;
			sb_release(&full);
			return r;
		}
		full.len = baselen;
		full.buf[baselen] = '\0';
	}
	/* The named module itself must exist (a package, namespace or module). */
	if (!find_name(mi, full.buf, full.len))
		st = 2;
	r = deepest_module(mi, full.buf, full.len);
	*status = st;
	sb_release(&full);
	return r;
}
