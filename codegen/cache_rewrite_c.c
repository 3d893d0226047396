/*
 * cache_rewrite_c.c - the C side of `gen cache-rewrite` (cache_rewrite.h).
 *
 * The facts of the C frontend (libclang) say what exists: the legacy cache
 * types (struct tags and typedef names ending in "cache"), their functions
 * (`greeks_cache_get`, with parameter types), and which files include
 * which header. The rewrite itself needs exact byte ranges in every file,
 * headers included, also where libclang saw no translation unit, so it runs
 * a small C lexer (comments, strings, character constants, preprocessor
 * lines as one token each) over the raw bytes; a preprocessor line that
 * mentions a legacy name is listed, not rewritten.
 *
 * Rewrites, for each legacy prefix P (greeks_cache) mapped to the unified
 * prefix U (unified_cache) and the enum member M (CACHE_GREEKS):
 *   P_create()         -> U_create(M)
 *   P_destroy(c)       -> U_destroy(c)
 *   P_OP(c, args...)   -> U_OP(c, M, args...)   (OP after `rename`; get, put,
 *                         remove, clear, count)
 *   the typedef name and `struct P` -> the unified ones;
 * the definitions of the legacy type and functions are removed (a source
 * file left with nothing but static helpers is deleted), and every file
 * that includes the legacy header and uses the cache gets the unified
 * header included after it. The unified cache is written from
 * templates/c/unified_cache.[ch].mustache beside the legacy header when no
 * `U_create` exists in the project.
 */
#include "cache_rewrite.h"
#include "template.h"
#include "../analyzer/config.h"
#include "../analyzer/diag.h"
#include "../analyzer/scan.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SECTION "unravel:cache-rewrite"

enum ck { CK_IDENT, CK_PUNCT, CK_STRING, CK_NUMBER, CK_PP, CK_COMMENT };

struct ctok {
	int kind;
	size_t off, len;
	int line;
};

struct cedit {
	size_t s, e;
	char *text;
};

struct cfile {
	const struct file_facts *ff;
	char *rel;
	char *src;
	size_t len;
	unsigned mode;
	struct ctok *t; /* significant tokens (comments kept separately below) */
	int n, alloc;
	int *match;
	struct ctok *comments;
	int ncomments, alloc_comments;
	struct cedit *edits;
	int nedits, alloc_edits;
	int uses_unified;   /* rewritten calls or types: needs the unified header */
	int removed_defs;   /* legacy definitions removed from it */
	int has_include;    /* the unified header include was added */
	int deleted;
};

struct clegacy {
	char *prefix;    /* greeks_cache */
	char *member;    /* CACHE_GREEKS */
	char *tname;     /* typedef name (GreeksCache), or NULL */
	char *value_type;/* "struct greeks" */
	int header;      /* index of the file defining the type, -1 */
	int used;
	int unresolved;  /* uses not rewritten: its definitions must stay */
	int no_header;   /* defined in a source file only: left alone */
};

struct ccr {
	const struct scan *s;
	const struct cache_rewrite_opts *opt;
	struct cfile *f;
	int nf;
	struct clegacy *l;
	int nl;
	char *uprefix, *utype, *uenum;
	char **renames;
	int nrenames;
	struct strbuf *audit;
	struct cache_rewrite_stats *st;
	int counting; /* first pass: only count the uses that cannot be rewritten */
};

/* ---------- lexer ---------- */

static void push_tok(struct cfile *f, int kind, size_t off, size_t len, int line)
{
	struct ctok *t;
	if (kind == CK_COMMENT) {
		ALLOC_GROW(f->comments, f->ncomments + 1, f->alloc_comments);
		t = &f->comments[f->ncomments++];
	} else {
		ALLOC_GROW(f->t, f->n + 1, f->alloc);
		t = &f->t[f->n++];
	}
	t->kind = kind;
	t->off = off;
	t->len = len;
	t->line = line;
}

static void lex(struct cfile *f)
{
	const char *s = f->src;
	size_t n = f->len, i = 0;
	int line = 1, bol = 1;
	while (i < n) {
		char c = s[i];
		size_t a = i;
		int l0 = line;
		if (c == '\n') {
			line++;
			bol = 1;
			i++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			i++;
			continue;
		}
		if (c == '/' && i + 1 < n && s[i + 1] == '/') {
			while (i < n && s[i] != '\n')
				i++;
			push_tok(f, CK_COMMENT, a, i - a, l0);
			continue;
		}
		if (c == '/' && i + 1 < n && s[i + 1] == '*') {
			i += 2;
			while (i + 1 < n && !(s[i] == '*' && s[i + 1] == '/')) {
				if (s[i] == '\n')
					line++;
				i++;
			}
			i = i + 2 <= n ? i + 2 : n;
			push_tok(f, CK_COMMENT, a, i - a, l0);
			continue;
		}
		if (c == '#' && bol) {
			while (i < n && s[i] != '\n') {
				if (s[i] == '\\' && i + 1 < n && s[i + 1] == '\n') {
					line++;
					i += 2;
					continue;
				}
				i++;
			}
			push_tok(f, CK_PP, a, i - a, l0);
			continue;
		}
		bol = 0;
		if (c == '"' || c == '\'') {
			i++;
			while (i < n && s[i] != c && s[i] != '\n') {
				if (s[i] == '\\' && i + 1 < n)
					i++;
				i++;
			}
			if (i < n && s[i] == c)
				i++;
			push_tok(f, CK_STRING, a, i - a, l0);
			continue;
		}
		if (isalpha((unsigned char)c) || c == '_') {
			while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'))
				i++;
			push_tok(f, CK_IDENT, a, i - a, l0);
			continue;
		}
		if (isdigit((unsigned char)c) || (c == '.' && i + 1 < n && isdigit((unsigned char)s[i + 1]))) {
			while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.' ||
					 ((s[i] == '+' || s[i] == '-') && strchr("eEpP", s[i - 1]))))
				i++;
			push_tok(f, CK_NUMBER, a, i - a, l0);
			continue;
		}
		if (c == '-' && i + 1 < n && s[i + 1] == '>') {
			push_tok(f, CK_PUNCT, a, 2, l0);
			i += 2;
			continue;
		}
		push_tok(f, CK_PUNCT, a, 1, l0);
		i++;
	}
	f->match = xmalloc(sizeof(int) * ((size_t)f->n + 1));
	{
		int *stack = xmalloc(sizeof(int) * ((size_t)f->n + 1)), depth = 0;
		for (int k = 0; k < f->n; k++) {
			char ch = f->t[k].kind == CK_PUNCT && f->t[k].len == 1 ? s[f->t[k].off] : 0;
			f->match[k] = -1;
			if (ch == '(' || ch == '[' || ch == '{') {
				stack[depth++] = k;
			} else if ((ch == ')' || ch == ']' || ch == '}') && depth) {
				int o = stack[--depth];
				f->match[o] = k;
				f->match[k] = o;
			}
		}
		free(stack);
	}
}

static int is(const struct cfile *f, int i, const char *text)
{
	size_t n = strlen(text);
	return i >= 0 && i < f->n && f->t[i].len == n && !memcmp(f->src + f->t[i].off, text, n) &&
	       (f->t[i].kind == CK_IDENT || f->t[i].kind == CK_PUNCT);
}

static int ident_eq(const struct cfile *f, int i, const char *text)
{
	return i >= 0 && i < f->n && f->t[i].kind == CK_IDENT && is(f, i, text);
}

static void add_edit(struct cfile *f, size_t s, size_t e, const char *text)
{
	struct cedit *x;
	ALLOC_GROW(f->edits, f->nedits + 1, f->alloc_edits);
	x = &f->edits[f->nedits++];
	x->s = s;
	x->e = e;
	x->text = xstrdup(text);
}

/* ---------- naming ---------- */

/* "UnifiedCache" or "unified_cache" -> "unified_cache". */
static char *snake(const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = strlen(name);
	sb_init(&sb);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (isupper(c) && i > 0) {
			unsigned char p = (unsigned char)name[i - 1], nx = (unsigned char)name[i + 1];
			if ((islower(p) || isdigit(p) || (isupper(p) && islower(nx))) && sb.len &&
			    sb.buf[sb.len - 1] != '_')
				sb_addc(&sb, '_');
		}
		sb_addc(&sb, (char)tolower(c));
	}
	return sb_detach(&sb, NULL);
}

/* "unified_cache" -> "UnifiedCache". */
static char *camel(const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	int up = 1;
	sb_init(&sb);
	for (const char *p = name; *p; p++) {
		if (*p == '_') {
			up = 1;
			continue;
		}
		sb_addc(&sb, up ? (char)toupper((unsigned char)*p) : *p);
		up = 0;
	}
	return sb_detach(&sb, NULL);
}

static const char *last_part(const char *dotted)
{
	const char *d = strrchr(dotted, '.');
	return d ? d + 1 : dotted;
}

/* The legacy index of identifier i when it is P_op, with *op set; else -1. */
static int legacy_fn(const struct ccr *c, const struct cfile *f, int i, const char **op,
		     size_t *oplen)
{
	const struct ctok *t = &f->t[i];
	if (t->kind != CK_IDENT)
		return -1;
	for (int k = 0; k < c->nl; k++) {
		size_t n = strlen(c->l[k].prefix);
		if (t->len > n + 1 && !memcmp(f->src + t->off, c->l[k].prefix, n) &&
		    f->src[t->off + n] == '_') {
			*op = f->src + t->off + n + 1;
			*oplen = t->len - n - 1;
			return k;
		}
	}
	return -1;
}

static int legacy_type(const struct ccr *c, const struct cfile *f, int i)
{
	for (int k = 0; k < c->nl; k++)
		if (c->l[k].tname && ident_eq(f, i, c->l[k].tname))
			return k;
	return -1;
}

static int legacy_tag(const struct ccr *c, const struct cfile *f, int i)
{
	if (!ident_eq(f, i - 1, "struct"))
		return -1;
	for (int k = 0; k < c->nl; k++)
		if (ident_eq(f, i, c->l[k].prefix))
			return k;
	return -1;
}

static const char *rename_op(const struct ccr *c, const char *op, size_t n)
{
	for (int i = 0; i < c->nrenames; i++) {
		const char *p = c->renames[i], *colon = strchr(p, ':');
		if (colon && (size_t)(colon - p) == n && !strncmp(p, op, n))
			return colon + 1;
	}
	return NULL;
}

static void note(struct ccr *c, const struct cfile *f, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void note(struct ccr *c, const struct cfile *f, int line, const char *fmt, ...)
{
	va_list ap;
	if (c->counting)
		return;
	sb_addf(c->audit, "  %s:%d  ", f->ff->path, line);
	va_start(ap, fmt);
	sb_vaddf(c->audit, fmt, ap);
	va_end(ap);
	sb_addc(c->audit, '\n');
}

static void unresolved(struct ccr *c, int k)
{
	if (c->counting) {
		if (k >= 0)
			c->l[k].unresolved++;
		return;
	}
	c->st->unresolved++;
}

/* ---------- declarations at file level ---------- */

/* Byte range of tokens [s, e] widened to whole lines, with the comment lines just above. */
static void decl_lines(const struct cfile *f, int s, int e, size_t *a, size_t *b)
{
	size_t x = f->t[s].off, y = f->t[e].off + f->t[e].len;
	for (;;) {
		size_t ls = x;
		while (ls > 0 && (f->src[ls - 1] == ' ' || f->src[ls - 1] == '\t'))
			ls--;
		if (ls > 0 && f->src[ls - 1] != '\n')
			break;
		x = ls;
		/* a comment ending on the line above, alone on its lines */
		{
			int found = 0;
			for (int k = 0; k < f->ncomments; k++) {
				const struct ctok *cm = &f->comments[k];
				size_t ce = cm->off + cm->len, q = ce;
				if (ce > x)
					break;
				while (q < x && (f->src[q] == ' ' || f->src[q] == '\t' || f->src[q] == '\r'))
					q++;
				if (q < x && f->src[q] == '\n' && q + 1 == x) {
					size_t cs = cm->off;
					while (cs > 0 && (f->src[cs - 1] == ' ' || f->src[cs - 1] == '\t'))
						cs--;
					if (cs == 0 || f->src[cs - 1] == '\n') {
						x = cs;
						found = 1;
					}
				}
			}
			if (!found)
				break;
		}
	}
	while (y < f->len && f->src[y] != '\n')
		y++;
	if (y < f->len)
		y++;
	*a = x;
	*b = y;
}

struct span {
	size_t a, b;
};

/* Remove the spans (in order), joined when adjacent; a blank line left on both sides goes. */
static void remove_spans(struct cfile *f, struct span *v, int n)
{
	for (int i = 0; i < n;) {
		size_t a = v[i].a, b = v[i].b;
		int j = i + 1;
		while (j < n && v[j].a == b)
			b = v[j++].b;
		if (a >= 2 && f->src[a - 1] == '\n' && f->src[a - 2] == '\n' && b < f->len &&
		    f->src[b] == '\n')
			b++;
		add_edit(f, a, b, "");
		i = j;
	}
}

struct decl {
	int s, e;     /* tokens [s, e] */
	int body;     /* function definition: index of its '{' */
};

/* Split the file level into declarations (PP lines are their own). */
static struct decl *split_decls(const struct cfile *f, int *ndecl)
{
	struct decl *v = NULL;
	int n = 0, alloc = 0, i = 0;
	while (i < f->n) {
		int s = i, body = -1;
		if (f->t[i].kind == CK_PP) {
			i++;
			continue;
		}
		while (i < f->n) {
			if (is(f, i, "{")) {
				if (i > s && is(f, i - 1, ")") && f->match[i] > i) {
					body = i;
					i = f->match[i];
					break;
				}
				if (f->match[i] > i)
					i = f->match[i];
			} else if ((is(f, i, "(") || is(f, i, "[")) && f->match[i] > i) {
				i = f->match[i];
			} else if (is(f, i, ";")) {
				break;
			}
			i++;
		}
		if (i >= f->n)
			i = f->n - 1;
		ALLOC_GROW(v, n + 1, alloc);
		v[n].s = s;
		v[n].e = i;
		v[n].body = body;
		n++;
		i++;
	}
	*ndecl = n;
	return v;
}

/* The declarator name of a function declaration/definition: the identifier before its first '('. */
static int decl_name(const struct cfile *f, const struct decl *d)
{
	for (int i = d->s; i <= d->e; i++) {
		if (is(f, i, "="))
			return -1;
		if (is(f, i, "(") && i > d->s && f->t[i - 1].kind == CK_IDENT)
			return i - 1;
		if (is(f, i, "(")) /* function pointer declarator and the like */
			return -1;
	}
	return -1;
}

/*
 * A legacy definition: the struct, its typedef, or one of its functions.
 * Returns the legacy index + 1, or 0.
 */
static int legacy_decl(const struct ccr *c, const struct cfile *f, const struct decl *d)
{
	int nm = decl_name(f, d), k;
	const char *op;
	size_t oplen;
	if (nm >= 0 && (k = legacy_fn(c, f, nm, &op, &oplen)) >= 0)
		return k + 1;
	for (int i = d->s; i <= d->e; i++) {
		k = legacy_tag(c, f, i);
		if (k >= 0 && is(f, i + 1, "{"))
			return k + 1; /* struct P { ... } */
	}
	if (ident_eq(f, d->s, "typedef") && d->e > d->s && (k = legacy_type(c, f, d->e - 1)) >= 0 &&
	    is(f, d->e, ";"))
		return k + 1; /* typedef ... GreeksCache; */
	return 0;
}

/* ---------- rewrite of one file ---------- */

static void rewrite_call(struct ccr *c, struct cfile *f, int i, int k, const char *op,
			 size_t oplen)
{
	const struct clegacy *lg = &c->l[k];
	int lp = i + 1, rp = f->match[i + 1];
	const char *ren = rename_op(c, op, oplen);
	char *opname = ren ? xstrdup(ren) : xstrndup(op, oplen);
	char *name;
	int nargs = 0, first_comma = -1;

	for (int j = lp + 1; j < rp; j++) {
		if ((is(f, j, "(") || is(f, j, "[") || is(f, j, "{")) && f->match[j] > j) {
			j = f->match[j];
			continue;
		}
		if (is(f, j, ",") && first_comma < 0)
			first_comma = j;
	}
	if (rp > lp + 1 && !(rp == lp + 2 && ident_eq(f, lp + 1, "void")))
		nargs = first_comma < 0 ? 1 : 2;
	if (!strcmp(opname, "set")) {
		free(opname);
		opname = xstrdup("put");
	}
	if (!strcmp(opname, "create") || !strcmp(opname, "new")) {
		if (nargs) {
			note(c, f, f->t[i].line, "%.*s(...): the unified create takes only the cache "
				"type (not rewritten)", (int)f->t[i].len, f->src + f->t[i].off);
			unresolved(c, k);
			free(opname);
			return;
		}
		name = xstrfmt("%s_create", c->uprefix);
		add_edit(f, f->t[i].off, f->t[rp].off, "");
		{
			char *call = xstrfmt("%s(%s", name, lg->member);
			add_edit(f, f->t[i].off, f->t[i].off, call);
			free(call);
		}
	} else if (!strcmp(opname, "destroy") || !strcmp(opname, "free") ||
		   !strcmp(opname, "release")) {
		name = xstrfmt("%s_destroy", c->uprefix);
		add_edit(f, f->t[i].off, f->t[i].off + f->t[i].len, name);
	} else if (!strcmp(opname, "get") || !strcmp(opname, "put") || !strcmp(opname, "remove") ||
		   !strcmp(opname, "clear") || !strcmp(opname, "count")) {
		char *ins;
		if (!nargs) {
			note(c, f, f->t[i].line, "%.*s(): no cache argument (not rewritten)",
			     (int)f->t[i].len, f->src + f->t[i].off);
			unresolved(c, k);
			free(opname);
			return;
		}
		name = xstrfmt("%s_%s", c->uprefix, opname);
		add_edit(f, f->t[i].off, f->t[i].off + f->t[i].len, name);
		if (first_comma >= 0) {
			ins = xstrfmt(" %s,", lg->member);
			add_edit(f, f->t[first_comma].off + 1, f->t[first_comma].off + 1, ins);
		} else {
			ins = xstrfmt(", %s", lg->member);
			add_edit(f, f->t[rp].off, f->t[rp].off, ins);
		}
		free(ins);
	} else {
		note(c, f, f->t[i].line, "%.*s(...): the unified cache has no '%s' (not rewritten)",
		     (int)f->t[i].len, f->src + f->t[i].off, opname);
		unresolved(c, k);
		free(opname);
		return;
	}
	sb_addf(c->audit, "  %s:%d  %.*s(...)  -> %s(%s)\n", f->ff->path, f->t[i].line,
		(int)f->t[i].len, f->src + f->t[i].off, name,
		!strcmp(opname, "create") || !strcmp(opname, "new") ? lg->member
		: !strcmp(opname, "destroy") || !strcmp(opname, "free") || !strcmp(opname, "release")
			? "c"
			: "c, type, ...");
	c->l[k].used = 1;
	c->st->calls++;
	f->uses_unified = 1;
	free(name);
	free(opname);
}

static void rewrite_tokens(struct ccr *c, struct cfile *f, int s, int e)
{
	for (int i = s; i <= e && i < f->n; i++) {
		const char *op;
		size_t oplen;
		int k;
		if (f->t[i].kind == CK_PP) {
			for (int m = 0; m < c->nl; m++) {
				const char *p = c->l[m].prefix;
				size_t len = f->t[i].len;
				char *line = xstrndup(f->src + f->t[i].off, len);
				if (!starts_with(line + strspn(line, "# \t"), "include") &&
				    (strstr(line, p) || (c->l[m].tname && strstr(line, c->l[m].tname)))) {
					note(c, f, f->t[i].line, "preprocessor line uses %s (not rewritten)", p);
					unresolved(c, m);
				}
				free(line);
			}
			continue;
		}
		if (i > 0 && (is(f, i - 1, ".") || is(f, i - 1, "->")))
			continue; /* a member that happens to share the name */
		if ((k = legacy_fn(c, f, i, &op, &oplen)) >= 0) {
			if (!c->counting && c->l[k].unresolved && is(f, i + 1, "("))
				continue; /* kept as a whole: see cache_rewrite_c() */
			if (is(f, i + 1, "(") && f->match[i + 1] > i + 1) {
				rewrite_call(c, f, i, k, op, oplen);
			} else {
				note(c, f, f->t[i].line, "%.*s used as a value (not rewritten)",
				     (int)f->t[i].len, f->src + f->t[i].off);
				unresolved(c, k);
			}
			continue;
		}
		if ((k = legacy_type(c, f, i)) >= 0 && !(c->l[k].unresolved && !c->counting)) {
			add_edit(f, f->t[i].off, f->t[i].off + f->t[i].len, c->utype);
			c->st->references++;
			f->uses_unified = 1;
			c->l[k].used = 1;
			continue;
		}
		if ((k = legacy_tag(c, f, i)) >= 0 && !(c->l[k].unresolved && !c->counting)) {
			add_edit(f, f->t[i].off, f->t[i].off + f->t[i].len, c->uprefix);
			c->st->references++;
			f->uses_unified = 1;
			c->l[k].used = 1;
		}
	}
}

static void rewrite_file(struct ccr *c, struct cfile *f)
{
	int nd, nspans = 0;
	struct decl *d = split_decls(f, &nd);
	struct span *spans = xcalloc((size_t)nd + 1, sizeof(*spans));
	int pp = 0, ld;
	for (int k = 0; k < nd; k++) {
		/* preprocessor lines before this declaration */
		for (; pp < d[k].s; pp++)
			if (f->t[pp].kind == CK_PP)
				rewrite_tokens(c, f, pp, pp);
		pp = d[k].e + 1;
		if ((ld = legacy_decl(c, f, &d[k]))) {
			size_t a, b;
			if (c->l[ld - 1].unresolved)
				continue; /* still used where it cannot be rewritten: kept as it is */
			decl_lines(f, d[k].s, d[k].e, &a, &b);
			spans[nspans].a = a;
			spans[nspans++].b = b;
			f->removed_defs++;
			continue;
		}
		rewrite_tokens(c, f, d[k].s, d[k].e);
	}
	for (; pp < f->n; pp++)
		if (f->t[pp].kind == CK_PP)
			rewrite_tokens(c, f, pp, pp);
	remove_spans(f, spans, nspans);
	free(spans);
	/* a source file left with static helpers only goes */
	if (f->removed_defs && ends_with(f->ff->path, ".c")) {
		int other = 0;
		for (int k = 0; k < nd && !other; k++) {
			int l = legacy_decl(c, f, &d[k]);
			if (l && !c->l[l - 1].unresolved)
				continue;
			if (!ident_eq(f, d[k].s, "static"))
				other = 1;
		}
		if (!other)
			f->deleted = 1;
	}
	free(d);
}

/* ---------- includes of the legacy header ---------- */

/* "#include "core/cache.h"" -> the spelling with the last part replaced by base. */
static char *include_beside(const char *spelling, const char *base)
{
	const char *slash = strrchr(spelling, '/');
	if (!slash)
		return xstrdup(base);
	return xstrfmt("%.*s/%s", (int)(slash - spelling), spelling, base);
}

static void add_includes(struct ccr *c, struct cfile *f, const char *hdr_abs, const char *hbase)
{
	for (size_t k = 0; k < f->ff->nimports; k++) {
		const struct fact_import *imp = &f->ff->imports[k];
		if (!imp->resolved || strcmp(imp->resolved, hdr_abs) || imp->angled)
			continue;
		for (int i = 0; i < f->n; i++) {
			char *spell, *text;
			size_t eol;
			if (f->t[i].kind != CK_PP || f->t[i].line != imp->line)
				continue;
			spell = include_beside(imp->module, hbase);
			text = xstrfmt("\n#include \"%s\"", spell);
			eol = f->t[i].off + f->t[i].len;
			add_edit(f, eol, eol, text);
			f->has_include = 1;
			sb_addf(c->audit, "  %s:%d  #include \"%s\"  (added)\n", f->ff->path, imp->line,
				spell);
			c->st->imports++;
			free(spell);
			free(text);
			break;
		}
		break;
	}
}

/* ---------- the unified cache files ---------- */

static const struct {
	const char *member, *ttl, *max_size;
} cseed[] = {
	{"CACHE_MARKET_DATA", "60.0", "2000"}, {"CACHE_GREEKS", "120.0", "500"},
	{"CACHE_POSITION", "180.0", "1500"},   {"CACHE_POSITION_AWARE", "180.0", "1500"},
	{"CACHE_STATE", "600.0", "200"},       {NULL, "300.0", "1000"},
};

static int render(struct ccr *c, const char *tname, json_t *ctx, struct strbuf *out)
{
	struct tmpl_env *env = tmpl_env_new(c->opt->tmpl_dirs, c->opt->ntmpl_dirs, TMPL_STRICT);
	struct strbuf err = STRBUF_INIT;
	int rc;
	sb_init(&err);
	rc = tmpl_render_file(env, tname, ctx, out, &err);
	if (rc < 0)
		fputs(err.buf, stderr);
	sb_release(&err);
	tmpl_env_free(env);
	return rc;
}

static int write_unified(struct ccr *c, struct patch_set *ps, const char *dir, const char *hbase,
			 const char *legacy_header_base)
{
	json_t *ctx = json_object(), *types = json_array(), *incs = json_array();
	struct strbuf names = STRBUF_INIT, h = STRBUF_INIT, src = STRBUF_INIT;
	char *guard, *cbase = xstrfmt("%s.c", c->uprefix);
	int rc = 0;

	sb_init(&names);
	sb_init(&h);
	sb_init(&src);
	for (int k = 0; k < c->nl; k++) {
		int s = 0;
		if (c->l[k].unresolved)
			continue;
		while (cseed[s].member && strcmp(cseed[s].member, c->l[k].member))
			s++;
		json_array_append_new(types, json_pack("{s:s, s:s, s:s, s:s}", "member", c->l[k].member,
						       "ttl", cseed[s].ttl, "max_size",
						       cseed[s].max_size, "value_type",
						       c->l[k].value_type));
		sb_addf(&names, "%s%s", !names.len ? "" : k == c->nl - 1 ? " and " : ", ", c->l[k].prefix);
	}
	if (legacy_header_base)
		json_array_append_new(incs, json_string(legacy_header_base));
	guard = xstrfmt("%s_H", c->uprefix);
	for (char *p = guard; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	{
		char *count = xstrfmt("%s_COUNT", c->uenum);
		for (char *p = count; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		json_object_set_new(ctx, "count", json_string(count));
		free(count);
	}
	json_object_set_new(ctx, "prefix", json_string(c->uprefix));
	json_object_set_new(ctx, "type", json_string(c->utype));
	json_object_set_new(ctx, "enum", json_string(c->uenum));
	json_object_set_new(ctx, "guard", json_string(guard));
	json_object_set_new(ctx, "header", json_string(hbase));
	json_object_set_new(ctx, "source", json_string(cbase));
	json_object_set_new(ctx, "legacy_names", json_string(names.buf));
	json_object_set_new(ctx, "types", types);
	json_object_set_new(ctx, "includes", incs);
	if (render(c, "c/unified_cache.h.mustache", ctx, &h) < 0 ||
	    render(c, "c/unified_cache.c.mustache", ctx, &src) < 0) {
		rc = -1;
	} else {
		char *hp = *dir ? xstrfmt("%s/%s", dir, hbase) : xstrdup(hbase);
		char *cp = *dir ? xstrfmt("%s/%s", dir, cbase) : xstrdup(cbase);
		struct stat st;
		char *full = strcmp(c->opt->root, ".") ? xstrfmt("%s/%s", c->opt->root, hp) : xstrdup(hp);
		if (stat(full, &st) == 0)
			rc = error("'%s' exists but defines no %s_create; not overwriting it", full,
				   c->uprefix);
		else if (patch_add(ps, hp, NULL, 0, h.buf, h.len, 0) < 0 ||
			 patch_add(ps, cp, NULL, 0, src.buf, src.len, 0) < 0)
			rc = -1;
		else {
			char *root = path_display(c->opt->root);
			const char *sep = strcmp(root, ".") ? "/" : "";
			c->st->created += 2;
			sb_addf(c->audit, "  %s%s%s, %s%s%s  new (from templates/c/unified_cache.[ch].mustache)\n",
				strcmp(root, ".") ? root : "", sep, hp, strcmp(root, ".") ? root : "", sep, cp);
			free(root);
		}
		free(full);
		free(hp);
		free(cp);
	}
	free(guard);
	free(cbase);
	sb_release(&names);
	sb_release(&h);
	sb_release(&src);
	json_decref(ctx);
	return rc;
}

/* ---------- driver ---------- */

/* The pointee type of a parameter type spelling: "const struct greeks *" -> "struct greeks". */
static char *pointee(const char *ty)
{
	char *s = xstrdup(ty), *star = strrchr(s, '*');
	char *p = s;
	if (!star) {
		free(s);
		return NULL;
	}
	*star = '\0';
	if (starts_with(p, "const "))
		p += 6;
	{
		size_t n = strlen(p);
		while (n && p[n - 1] == ' ')
			p[--n] = '\0';
		if (n > 6 && !strcmp(p + n - 6, " const"))
			p[n - 6] = '\0';
	}
	p = xstrdup(p);
	free(s);
	if (!strcmp(p, "void") || !strcmp(p, "char")) {
		free(p);
		return NULL;
	}
	return p;
}

static void find_legacies(struct ccr *c)
{
	int nnames = 0;
	char **names = config_get_list(c->opt->cfg, SECTION, "legacy", &nnames);
	for (size_t fi = 0; fi < c->s->nfiles; fi++) {
		const struct file_facts *ff = c->s->files[fi];
		if (ff->lang != LANG_C)
			continue;
		for (size_t k = 0; k < ff->nclasses; k++) {
			const char *nm = ff->classes[k].name;
			char *p = snake(nm);
			int want = 0, have = -1;
			if (names) {
				for (int i = 0; i < nnames; i++) {
					char *q = snake(names[i]);
					want |= !strcmp(q, p);
					free(q);
				}
			} else {
				want = ends_with(p, "_cache") || !strcmp(p, "cache");
			}
			if (!want || !strcmp(p, c->uprefix)) {
				free(p);
				continue;
			}
			for (int i = 0; i < c->nl; i++)
				if (!strcmp(c->l[i].prefix, p))
					have = i;
			if (have < 0) {
				char *m = cache_type_member(p);
				c->l = xrealloc(c->l, sizeof(*c->l) * (size_t)(c->nl + 1));
				memset(&c->l[c->nl], 0, sizeof(*c->l));
				c->l[c->nl].prefix = p;
				c->l[c->nl].member = xstrfmt("CACHE_%s", m);
				c->l[c->nl].header = -1;
				free(m);
				have = c->nl++;
			} else {
				free(p);
			}
			if (strcmp(nm, c->l[have].prefix) && !c->l[have].tname)
				c->l[have].tname = xstrdup(nm);
			if (ends_with(ff->path, ".h") && c->l[have].header < 0)
				c->l[have].header = (int)fi;
		}
	}
	config_list_free(names);
	/* value types from the put / get parameters */
	for (int k = 0; k < c->nl; k++) {
		size_t n = strlen(c->l[k].prefix);
		for (size_t fi = 0; fi < c->s->nfiles && !c->l[k].value_type; fi++) {
			const struct file_facts *ff = c->s->files[fi];
			for (size_t j = 0; j < ff->nfuncs && !c->l[k].value_type; j++) {
				const struct fact_func *fn = &ff->funcs[j];
				if (strncmp(fn->name, c->l[k].prefix, n) || fn->name[n] != '_' ||
				    fn->nparams < 2)
					continue;
				{
					const char *op = fn->name + n + 1;
					const char *ren = rename_op(c, op, strlen(op));
					if (ren)
						op = ren;
					if (strcmp(op, "put") && strcmp(op, "get") && strcmp(op, "set"))
						continue;
				}
				if (fn->params[fn->nparams - 1].annotation)
					c->l[k].value_type = pointee(fn->params[fn->nparams - 1].annotation);
			}
		}
		if (!c->l[k].value_type)
			c->l[k].value_type = xstrdup("void *");
	}
}

static int unified_exists(const struct ccr *c)
{
	char *create = xstrfmt("%s_create", c->uprefix);
	int found = 0;
	for (size_t fi = 0; fi < c->s->nfiles && !found; fi++) {
		const struct file_facts *ff = c->s->files[fi];
		for (size_t j = 0; ff->lang == LANG_C && j < ff->nfuncs; j++)
			if (!strcmp(ff->funcs[j].name, create))
				found = 1;
	}
	free(create);
	return found;
}

static int cmp_cedit(const void *a, const void *b)
{
	const struct cedit *x = a, *y = b;
	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	return x->e < y->e ? -1 : x->e > y->e;
}

static char *apply(struct cfile *f, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	size_t at = 0;
	qsort(f->edits, (size_t)f->nedits, sizeof(*f->edits), cmp_cedit);
	sb_init(&sb);
	for (int k = 0; k < f->nedits; k++) {
		const struct cedit *x = &f->edits[k];
		if (x->s < at) {
			/* inside a removed range: dropped with it */
			if (x->e <= at)
				continue;
			diag_warn(f->ff->path, 0, 0, "overlapping cache rewrites; file left unchanged");
			sb_release(&sb);
			return NULL;
		}
		sb_add(&sb, f->src + at, x->s - at);
		sb_adds(&sb, x->text);
		at = x->e;
	}
	sb_add(&sb, f->src + at, f->len - at);
	return sb_detach(&sb, len);
}

int cache_rewrite_c(const struct scan *s, const struct cache_rewrite_opts *opt,
		    struct patch_set *ps, struct strbuf *audit, struct cache_rewrite_stats *st)
{
	struct ccr c;
	const char *u = config_get(opt->cfg, SECTION, "unified");
	const char *t = config_get(opt->cfg, SECTION, "cache_type");
	int rc = 0, n, header = -1;

	memset(&c, 0, sizeof(c));
	c.s = s;
	c.opt = opt;
	c.audit = audit;
	c.st = st;
	c.uprefix = snake(u ? last_part(u) : "unified_cache");
	c.utype = u && isupper((unsigned char)*last_part(u)) ? xstrdup(last_part(u)) : camel(c.uprefix);
	c.uenum = snake(t ? last_part(t) : "cache_type");
	c.renames = config_get_list(opt->cfg, SECTION, "rename", &n);
	c.nrenames = n;
	find_legacies(&c);
	if (!c.nl)
		goto out;
	st->legacy += c.nl;
	sb_addf(audit, "C legacy caches (%d) -> %s_* (enum %s)\n", c.nl, c.uprefix, c.uenum);
	for (int k = 0; k < c.nl; k++)
		sb_addf(audit, "  %s%s%s  -> %s\n", c.l[k].prefix, c.l[k].tname ? " / " : "",
			c.l[k].tname ? c.l[k].tname : "", c.l[k].member);
	sb_addf(audit, "C rewrites\n");

	c.f = xcalloc(s->nfiles + 1, sizeof(*c.f));
	for (size_t fi = 0; fi < s->nfiles; fi++) {
		const struct file_facts *ff = s->files[fi];
		struct cfile *f;
		struct stat sst;
		if (ff->lang != LANG_C)
			continue;
		f = &c.f[c.nf];
		f->ff = ff;
		f->rel = path_relative_to(opt->root, ff->path);
		if (!f->rel || read_file(ff->path, 0, &f->src, &f->len) < 0) {
			if (f->rel) {
				diag_warn(ff->path, 0, 0, "cannot read: %s", strerror(errno));
				st->unreadable++;
			}
			free(f->rel);
			f->rel = NULL;
			continue;
		}
		f->mode = stat(ff->path, &sst) == 0 ? (unsigned)sst.st_mode : 0644;
		lex(f);
		c.nf++;
	}
	for (int k = 0; k < c.nl; k++)
		if (c.l[k].header < 0) {
			/* no header to put the unified type beside, nor to include it after */
			sb_addf(audit, "  %s: defined in a source file only, not in a header "
				"(not rewritten)\n", c.l[k].prefix);
			c.l[k].unresolved = 1;
			c.l[k].no_header = 1;
		}
	{
		/* first pass: which legacy caches have uses that cannot be rewritten */
		struct cache_rewrite_stats saved = *st;
		size_t alen = audit->len;
		c.counting = 1;
		for (int i = 0; i < c.nf; i++) {
			struct cfile *f = &c.f[i];
			rewrite_file(&c, f);
			for (int k = 0; k < f->nedits; k++)
				free(f->edits[k].text);
			f->nedits = 0;
			f->uses_unified = f->removed_defs = f->deleted = 0;
		}
		c.counting = 0;
		*st = saved;
		audit->len = alen;
		audit->buf[alen] = '\0';
		for (int k = 0; k < c.nl; k++)
			c.l[k].used = 0;
	}
	for (int i = 0; i < c.nf; i++)
		rewrite_file(&c, &c.f[i]);
	for (int k = 0; k < c.nl && header < 0; k++) {
		if (c.l[k].unresolved || c.l[k].header < 0)
			continue;
		for (int i = 0; i < c.nf; i++)
			if (c.f[i].ff == s->files[c.l[k].header])
				header = i;
	}
	for (int k = 0; k < c.nl; k++)
		if (c.l[k].unresolved && !c.l[k].no_header)
			sb_addf(audit, "  %s kept and not rewritten: %d use%s cannot be rewritten\n", c.l[k].prefix,
				c.l[k].unresolved, c.l[k].unresolved == 1 ? "" : "s");
	if (header >= 0) {
		const struct cfile *hf = &c.f[header];
		char *hbase = xstrfmt("%s.h", c.uprefix);
		const char *base = strrchr(hf->rel, '/') ? strrchr(hf->rel, '/') + 1 : hf->rel;
		char *dir = strrchr(hf->rel, '/') ? xstrndup(hf->rel, (size_t)(strrchr(hf->rel, '/') - hf->rel))
						  : xstrdup("");
		/* every file using the cache that includes a legacy header gets the unified one */
		for (int k = 0; k < c.nl; k++) {
			char *abs;
			int seen = 0;
			if (c.l[k].header < 0)
				continue;
			if (c.l[k].unresolved)
				continue;
			for (int j = 0; j < k; j++)
				seen |= c.l[j].header == c.l[k].header && !c.l[j].unresolved;
			abs = seen ? NULL : realpath(s->files[c.l[k].header]->path, NULL);
			for (int i = 0; abs && i < c.nf; i++)
				if (c.f[i].uses_unified && !c.f[i].deleted && !c.f[i].has_include &&
				    c.f[i].ff != s->files[c.l[k].header])
					add_includes(&c, &c.f[i], abs, hbase);
			free(abs);
		}
		int migrated = 0;
		for (int k = 0; k < c.nl; k++)
			migrated += !c.l[k].unresolved;
		if (migrated && !unified_exists(&c) && write_unified(&c, ps, dir, hbase, base) < 0)
			rc = -1;
		free(hbase);
		free(dir);
	}
	for (int i = 0; rc == 0 && i < c.nf; i++) {
		struct cfile *f = &c.f[i];
		char *nw;
		size_t nlen;
		if (f->deleted) {
			if (patch_add(ps, f->rel, f->src, f->len, NULL, 0, f->mode) < 0)
				rc = -1;
			st->deleted++;
			sb_addf(audit, "  %s  deleted: nothing but the legacy cache was left in it\n",
				f->ff->path);
			continue;
		}
		if (!f->nedits)
			continue;
		nw = apply(f, &nlen);
		if (nw && patch_add(ps, f->rel, f->src, f->len, nw, nlen, f->mode) < 0)
			rc = -1;
		free(nw);
	}
	for (int i = 0; i < c.nf; i++) {
		struct cfile *f = &c.f[i];
		free(f->rel);
		free(f->src);
		free(f->t);
		free(f->match);
		free(f->comments);
		for (int k = 0; k < f->nedits; k++)
			free(f->edits[k].text);
		free(f->edits);
	}
	free(c.f);
out:
	for (int k = 0; k < c.nl; k++) {
		free(c.l[k].prefix);
		free(c.l[k].member);
		free(c.l[k].tname);
		free(c.l[k].value_type);
	}
	free(c.l);
	free(c.uprefix);
	free(c.utype);
	free(c.uenum);
	config_list_free(c.renames);
	return rc;
}
