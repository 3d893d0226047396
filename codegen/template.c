/*
 * template.c - the Mustache subset of template.h.
 *
 * A template is parsed once into a tree (text, variable, section, inverted,
 * partial nodes; comments and delimiter changes leave nothing), then walked
 * with a stack of JSON contexts. Standalone lines are decided while
 * parsing, from the source bytes around the tag, so the renderer never sees
 * them. Partial indentation is applied while rendering, to template text
 * only: after every newline of the partial's own text the next byte written
 * is preceded by the indentation, which gives the spec's "indent every line
 * of the partial" without re-parsing the partial per indentation, and keeps
 * error columns true to the partial file.
 */
#include "template.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_SECTION_DEPTH 256
#define MAX_PARTIAL_DEPTH 64
#define DEFAULT_BUDGET 100000000UL

enum node_type { N_TEXT, N_VAR, N_SECTION, N_INVERTED, N_PARTIAL };

struct node {
	enum node_type type;
	const char *s; /* text, or the tag's name (both point into the template's source) */
	size_t n;
	size_t off;    /* offset of the tag in the source, for line:col */
	struct node *kids; /* sections */
	int nkids, alloc_kids;
	const char *indent; /* standalone partials: the line's leading whitespace */
	size_t nindent;
};

struct template {
	char *path;
	char *src;
	size_t len;
	struct node root;
};

struct partial {
	char *name;
	struct template *t; /* NULL: not found */
	struct partial *next;
};

struct tmpl_env {
	const char *const *dirs;
	int ndirs;
	unsigned flags;
	unsigned long budget;
	struct partial *partials;
};

/* ---- errors ---- */

static void line_col(const struct template *t, size_t off, int *line, int *col)
{
	int l = 1;
	size_t ls = 0;
	for (size_t i = 0; i < off && i < t->len; i++)
		if (t->src[i] == '\n') {
			l++;
			ls = i + 1;
		}
	*line = l;
	*col = (int)(off - ls) + 1;
}

__attribute__((format(printf, 4, 5))) static int terr(struct strbuf *err, const struct template *t,
						      size_t off, const char *fmt, ...)
{
	va_list ap;
	int line, col;
	line_col(t, off, &line, &col);
	sb_addf(err, "%s:%d:%d: error: ", t->path, line, col);
	va_start(ap, fmt);
	sb_vaddf(err, fmt, ap);
	va_end(ap);
	sb_addc(err, '\n');
	return -1;
}

/* ---- parsing ---- */

static struct node *add_kid(struct node *parent, enum node_type type)
{
	struct node *k;
	ALLOC_GROW(parent->kids, parent->nkids + 1, parent->alloc_kids);
	k = &parent->kids[parent->nkids++];
	memset(k, 0, sizeof(*k));
	k->type = type;
	return k;
}

static void add_text(struct node *parent, const char *s, size_t n)
{
	struct node *k;
	if (!n)
		return;
	k = add_kid(parent, N_TEXT);
	k->s = s;
	k->n = n;
}

static void free_node(struct node *n)
{
	for (int i = 0; i < n->nkids; i++)
		free_node(&n->kids[i]);
	free(n->kids);
}

static void template_free(struct template *t)
{
	if (!t)
		return;
	free_node(&t->root);
	free(t->src);
	free(t->path);
	free(t);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static const char *find_str(const char *s, size_t n, const char *pat, size_t np)
{
	return memmem(s, n, pat, np);
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_space((*s)[*n - 1]))
		(*n)--;
}

/* A name: "." or dot-separated non-empty parts without spaces or braces. */
static int valid_name(const char *s, size_t n)
{
	if (n == 1 && s[0] == '.')
		return 1;
	if (!n || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (is_space(s[i]) || s[i] == '{' || s[i] == '}' || !s[i])
			return 0;
		if (s[i] == '.' && s[i + 1] == '.')
			return 0;
	}
	return 1;
}

/* {{=<% %>=}}: two delimiters separated by spaces, neither empty, spaces or '='. */
static int parse_delims(const char *s, size_t n, const char **o, size_t *no, const char **c,
			size_t *nc)
{
	size_t i = 0, a, b;
	trim(&s, &n);
	while (i < n && !is_space(s[i]) && s[i] != '=')
		i++;
	if (!i || i == n || s[i] == '=')
		return -1;
	a = i;
	while (i < n && is_space(s[i]))
		i++;
	b = i;
	while (i < n && !is_space(s[i]) && s[i] != '=')
		i++;
	if (i != n || b == n)
		return -1;
	*o = s;
	*no = a;
	*c = s + b;
	*nc = n - b;
	return 0;
}

static const char *tag_kind(char type)
{
	switch (type) {
	case '#': return "section";
	case '^': return "inverted section";
	case '/': return "closing tag";
	case '>': return "partial";
	default: return "variable";
	}
}

/*
 * Parse t->src into t->root. The open sections are kept in stack[]; every
 * node pointer in it stays valid because a section's kids are only appended
 * to while it is the innermost open one (its parent's array is not grown
 * meanwhile).
 */
static int parse(struct template *t, struct strbuf *err)
{
	const char *src = t->src;
	size_t len = t->len;
	const char *otag = "{{", *ctag = "}}";
	size_t no = 2, nc = 2;
	struct node *stack[MAX_SECTION_DEPTH + 1];
	int depth = 0;
	size_t i = 0, text_start = 0;
	char close[64];

	stack[0] = &t->root;
	t->root.type = N_SECTION;
	for (;;) {
		const char *p = find_str(src + i, len - i, otag, no);
		size_t tag, q, r, tag_end, ls = 0, e, name_n, text_end, next = 0;
		const char *name, *hit;
		char type;
		size_t ncl;
		int standalone = 0;

		if (!p) {
			add_text(stack[depth], src + text_start, len - text_start);
			break;
		}
		tag = (size_t)(p - src);
		q = tag + no;
		type = q < len ? src[q] : 0;
		if (type == '{' || type == '=') {
			close[0] = type == '{' ? '}' : '=';
			memcpy(close + 1, ctag, nc);
			ncl = nc + 1;
			if (type == '{')
				type = '&';
			q++;
		} else {
			memcpy(close, ctag, nc);
			ncl = nc;
			if (type && strchr("#^/!>&", type))
				q++;
			else
				type = 'v';
		}
		hit = find_str(src + q, len - q, close, ncl);
		if (!hit)
			return terr(err, t, tag, "unclosed tag: no '%.*s' after '%.*s'", (int)ncl,
				    close, (int)no, otag);
		r = (size_t)(hit - src);
		tag_end = r + ncl;
		name = src + q;
		name_n = r - q;
		trim(&name, &name_n);

		/* Standalone: only blanks before it on its line, and after it up to the line end. */
		if (strchr("#^/!>=", type)) {
			ls = tag;
			while (ls > 0 && src[ls - 1] != '\n')
				ls--;
			standalone = ls >= text_start;
			for (size_t k = ls; standalone && k < tag; k++)
				if (!is_blank(src[k]))
					standalone = 0;
			e = tag_end;
			while (e < len && is_blank(src[e]))
				e++;
			if (standalone) {
				if (e == len)
					next = e;
				else if (src[e] == '\n')
					next = e + 1;
				else if (src[e] == '\r' && e + 1 < len && src[e + 1] == '\n')
					next = e + 2;
				else
					standalone = 0;
			}
		}
		if (standalone) {
			text_end = ls;
		} else {
			text_end = tag;
			next = tag_end;
			ls = tag;
		}
		add_text(stack[depth], src + text_start, text_end - text_start);
		text_start = i = next;

		switch (type) {
		case '!':
			break;
		case '=': {
			const char *o2, *c2;
			size_t no2, nc2;
			if (parse_delims(src + q, r - q, &o2, &no2, &c2, &nc2) < 0)
				return terr(err, t, tag,
					    "bad delimiter tag: expected two delimiters without "
					    "spaces or '=', as in {{=<%% %%>=}}");
			if (nc2 + 1 > sizeof(close))
				return terr(err, t, tag, "delimiter too long");
			otag = o2, no = no2, ctag = c2, nc = nc2;
			break;
		}
		default: {
			struct node *k;
			if (!name_n)
				return terr(err, t, tag, "empty %s name", tag_kind(type));
			if (!valid_name(name, name_n))
				return terr(err, t, tag, "bad %s name '%.*s'", tag_kind(type),
					    (int)name_n, name);
			if (type == '/') {
				struct node *open = stack[depth];
				if (!depth)
					return terr(err, t, tag,
						    "closing tag '%.*s' without an open section",
						    (int)name_n, name);
				if (open->n != name_n || memcmp(open->s, name, name_n))
					return terr(err, t, tag,
						    "closing tag '%.*s' does not match the open "
						    "section '%.*s'",
						    (int)name_n, name, (int)open->n, open->s);
				depth--;
				break;
			}
			k = add_kid(stack[depth],
				    type == '#' ? N_SECTION
				    : type == '^' ? N_INVERTED
				    : type == '>' ? N_PARTIAL
						  : N_VAR);
			k->s = name;
			k->n = name_n;
			k->off = tag;
			if (type == '>' && standalone) {
				k->indent = src + ls;
				k->nindent = tag - ls;
			}
			if (type == '#' || type == '^') {
				if (depth == MAX_SECTION_DEPTH)
					return terr(err, t, tag, "sections nested deeper than %d",
						    MAX_SECTION_DEPTH);
				stack[++depth] = k;
			}
			break;
		}
		}
	}
	if (depth)
		return terr(err, t, stack[depth]->off, "unclosed section '%.*s'",
			    (int)stack[depth]->n, stack[depth]->s);
	return 0;
}

static struct template *template_parse(const char *path, const char *src, size_t len,
				       struct strbuf *err)
{
	struct template *t = xcalloc(1, sizeof(*t));
	t->path = xstrdup(path);
	t->src = xmalloc(len + 1);
	memcpy(t->src, src, len);
	t->src[len] = 0;
	t->len = len;
	if (parse(t, err) < 0) {
		template_free(t);
		return NULL;
	}
	return t;
}

/* ---- environment ---- */

struct tmpl_env *tmpl_env_new(const char *const *dirs, int ndirs, unsigned flags)
{
	struct tmpl_env *env = xcalloc(1, sizeof(*env));
	env->dirs = dirs;
	env->ndirs = ndirs;
	env->flags = flags;
	env->budget = DEFAULT_BUDGET;
	return env;
}

void tmpl_env_free(struct tmpl_env *env)
{
	struct partial *p, *next;
	if (!env)
		return;
	for (p = env->partials; p; p = next) {
		next = p->next;
		template_free(p->t);
		free(p->name);
		free(p);
	}
	free(env);
}

void tmpl_env_set_budget(struct tmpl_env *env, unsigned long visits)
{
	env->budget = visits;
}

char *tmpl_find(const struct tmpl_env *env, const char *name)
{
	for (int i = 0; i < env->ndirs; i++) {
		char *path = strcmp(env->dirs[i], ".") ? xstrfmt("%s/%s", env->dirs[i], name)
						       : xstrdup(name);
		if (access(path, R_OK) == 0)
			return path;
		free(path);
	}
	return NULL;
}

/* ---- rendering ---- */

struct render {
	struct tmpl_env *env;
	struct strbuf *out, *err;
	json_t **stack;
	int nstack, alloc_stack;
	struct strbuf indent; /* current partial indentation */
	int pending;          /* at the start of a template line: indent before the next byte */
	int partial_depth;
	unsigned long visits;
};

static void emit_text(struct render *r, const char *s, size_t n)
{
	while (n) {
		const char *nl = memchr(s, '\n', n);
		size_t k = nl ? (size_t)(nl - s) + 1 : n;
		/* Empty lines stay empty: no trailing blanks in generated code. */
		if (r->pending && s[0] != '\n' && !(s[0] == '\r' && k > 1 && s[1] == '\n')) {
			sb_add(r->out, r->indent.buf, r->indent.len);
			r->pending = 0;
		}
		sb_add(r->out, s, k);
		s += k;
		n -= k;
		if (nl)
			r->pending = 1;
	}
}

static void emit_value(struct render *r, const char *s, size_t n)
{
	if (!n)
		return;
	if (r->pending) {
		sb_add(r->out, r->indent.buf, r->indent.len);
		r->pending = 0;
	}
	sb_add(r->out, s, n);
}

/* Shortest "%.*g" that reads back as the same double (1.21, not 1.2099999999999999). */
static void format_real(char *buf, size_t size, double v)
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/*
 * Resolve name[0..n) in the context stack. Returns the value (borrowed), or
 * NULL when missing.
 */
static json_t *lookup(const struct render *r, const char *name, size_t n)
{
	const char *dot;
	size_t first;
	json_t *v = NULL;

	if (n == 1 && name[0] == '.')
		return r->stack[r->nstack - 1];
	dot = memchr(name, '.', n);
	first = dot ? (size_t)(dot - name) : n;
	for (int i = r->nstack - 1; i >= 0 && !v; i--)
		if (json_is_object(r->stack[i]))
			v = json_object_getn(r->stack[i], name, first);
	while (v && dot) {
		const char *part = dot + 1;
		size_t rest = n - (size_t)(part - name);
		dot = memchr(part, '.', rest);
		if (!json_is_object(v))
			return NULL;
		v = json_object_getn(v, part, dot ? (size_t)(dot - part) : rest);
	}
	return v;
}

static int falsey(const json_t *v)
{
	return !v || json_is_null(v) || json_is_false(v) ||
	       (json_is_array(v) && !json_array_size(v)) ||
	       (json_is_string(v) && !json_string_length(v));
}

static void push(struct render *r, json_t *v)
{
	ALLOC_GROW(r->stack, r->nstack + 1, r->alloc_stack);
	r->stack[r->nstack++] = v;
}

static int render_nodes(struct render *r, const struct template *t, const struct node *parent);

static struct partial *load_partial(struct render *r, const struct template *t,
				    const struct node *k)
{
	struct tmpl_env *env = r->env;
	struct partial *p;
	char *name = xstrndup(k->s, k->n), *file, *path, *src;
	size_t len;

	for (p = env->partials; p; p = p->next)
		if (!strcmp(p->name, name)) {
			free(name);
			return p;
		}
	/* Partials come from the template folders only: no absolute paths, no "..". */
	if (name[0] == '/' || !strcmp(name, "..") || starts_with(name, "../") ||
	    strstr(name, "/../") || ends_with(name, "/..")) {
		terr(r->err, t, k->off, "bad partial name '%s'", name);
		free(name);
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	p->name = name;
	p->next = env->partials;
	env->partials = p;
	file = xstrfmt("%s.mustache", name);
	path = tmpl_find(env, file);
	free(file);
	if (!path)
		return p; /* not found: p->t stays NULL */
	if (read_file(path, 0, &src, &len) < 0) {
		terr(r->err, t, k->off, "cannot read partial '%s': %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	p->t = template_parse(path, src, len, r->err);
	free(src);
	free(path);
	if (!p->t) {
		/* Forget it, so the error is not reported as "not found" later. */
		env->partials = p->next;
		free(p->name);
		free(p);
		return NULL;
	}
	return p;
}

static int render_partial(struct render *r, const struct template *t, const struct node *k)
{
	struct partial *p = load_partial(r, t, k);
	size_t old = r->indent.len;
	int rc;

	if (!p)
		return -1;
	if (!p->t) {
		if (r->env->flags & TMPL_STRICT)
			return terr(r->err, t, k->off, "unknown partial '%.*s'", (int)k->n, k->s);
		return 0;
	}
	if (r->partial_depth == MAX_PARTIAL_DEPTH)
		return terr(r->err, t, k->off, "partials nested deeper than %d (a partial "
			    "including itself?)", MAX_PARTIAL_DEPTH);
	r->partial_depth++;
	if (k->indent) {
		sb_add(&r->indent, k->indent, k->nindent);
		r->pending = 1;
	}
	rc = render_nodes(r, p->t, &p->t->root);
	r->indent.len = old;
	r->indent.buf[old] = 0;
	r->partial_depth--;
	return rc;
}

static int render_var(struct render *r, const struct template *t, const struct node *k)
{
	char buf[64];
	json_t *v = lookup(r, k->s, k->n);
	int strict = r->env->flags & TMPL_STRICT;

	if (!v) {
		if (strict)
			return terr(r->err, t, k->off, "unknown variable '%.*s'", (int)k->n, k->s);
		return 0;
	}
	switch (json_typeof(v)) {
	case JSON_STRING:
		emit_value(r, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		emit_value(r, buf, strlen(buf));
		break;
	case JSON_REAL:
		format_real(buf, sizeof(buf), json_real_value(v));
		emit_value(r, buf, strlen(buf));
		break;
	case JSON_TRUE:
		emit_value(r, "true", 4);
		break;
	case JSON_FALSE:
		emit_value(r, "false", 5);
		break;
	case JSON_NULL:
		break;
	case JSON_OBJECT:
	case JSON_ARRAY:
		if (strict)
			return terr(r->err, t, k->off, "variable '%.*s' is %s, not a value",
				    (int)k->n, k->s, json_is_array(v) ? "a list" : "an object");
		break;
	}
	return 0;
}

static int render_section(struct render *r, const struct template *t, const struct node *k)
{
	json_t *v = lookup(r, k->s, k->n);
	int rc = 0;

	if (!v && (r->env->flags & TMPL_STRICT))
		return terr(r->err, t, k->off, "unknown variable '%.*s'", (int)k->n, k->s);
	if (k->type == N_INVERTED)
		return falsey(v) ? render_nodes(r, t, k) : 0;
	if (falsey(v))
		return 0;
	if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v) && !rc; i++) {
			push(r, json_array_get(v, i));
			rc = render_nodes(r, t, k);
			r->nstack--;
		}
		return rc;
	}
	push(r, v);
	rc = render_nodes(r, t, k);
	r->nstack--;
	return rc;
}

static int render_nodes(struct render *r, const struct template *t, const struct node *parent)
{
	for (int i = 0; i < parent->nkids; i++) {
		const struct node *k = &parent->kids[i];
		int rc = 0;
		if (++r->visits > r->env->budget)
			return terr(r->err, t, k->off, "rendering takes more than %lu steps",
				    r->env->budget);
		switch (k->type) {
		case N_TEXT: emit_text(r, k->s, k->n); break;
		case N_VAR: rc = render_var(r, t, k); break;
		case N_SECTION:
		case N_INVERTED: rc = render_section(r, t, k); break;
		case N_PARTIAL: rc = render_partial(r, t, k); break;
		}
		if (rc)
			return rc;
	}
	return 0;
}

int tmpl_render_string(struct tmpl_env *env, const char *path, const char *src, size_t len,
		       json_t *ctx, struct strbuf *out, struct strbuf *err)
{
	struct template *t = template_parse(path, src, len, err);
	struct render r;
	int rc;

	if (!t)
		return -1;
	memset(&r, 0, sizeof(r));
	r.env = env;
	r.out = out;
	r.err = err;
	sb_init(&r.indent);
	push(&r, ctx);
	rc = render_nodes(&r, t, &t->root);
	free(r.stack);
	sb_release(&r.indent);
	template_free(t);
	return rc;
}

int tmpl_render_file(struct tmpl_env *env, const char *name, json_t *ctx, struct strbuf *out,
		     struct strbuf *err)
{
	char *path = tmpl_find(env, name), *src;
	size_t len;
	int rc;

	if (!path) {
		sb_addf(err, "unravel: error: template '%s' not found in", name);
		for (int i = 0; i < env->ndirs; i++)
			sb_addf(err, " '%s'", env->dirs[i]);
		sb_addc(err, '\n');
		return -1;
	}
	if (read_file(path, 0, &src, &len) < 0) {
		sb_addf(err, "unravel: error: cannot read '%s': %s\n", path, strerror(errno));
		free(path);
		return -1;
	}
	rc = tmpl_render_string(env, path, src, len, ctx, out, err);
	free(src);
	free(path);
	return rc;
}
