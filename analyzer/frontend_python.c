/*
 * frontend_python.c - the Python frontend: bytes -> pytok tokens -> logical
 * lines -> facts. The only file that includes pcre2.h.
 *
 * The tokens are walked once. INDENT/DEDENT open and close blocks; every
 * logical line is either a compound statement header (if/def/class/...,
 * whose body is the next indented block, or the rest of the line for
 * `if x: import y`) or simple statements separated by ';'. A block stack
 * gives each statement its scope (type_checking > function > conditional >
 * module), its enclosing class and function, and whether it is first in its
 * body (docstrings).
 *
 * Import statements are matched by PCRE2 (JIT) patterns over the statement
 * rebuilt from its tokens, so text inside strings and comments can never
 * look like an import. Patterns are compiled once per process
 * (pthread_once); each parse() call has its own match data, so parse() is
 * thread-safe.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "diag.h"
#include "frontend.h"
#include "pytok.h"
#include "scan.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
/* hash64() inlined for the per-token hash (the same XXH3, without a call into the library) */
#define XXH_INLINE_ALL
#include <xxhash.h>

static const char *const exts[] = {".py", ".pyi", NULL};

/* ---------- patterns ---------- */

enum {
	RE_IMPORT, /* import a.b as c, d */
	RE_FROM,   /* from ..x import (a, b as c) */
	RE_ITEM,   /* one "name [as alias]" of a list, repeated */
	RE_NOTE,   /* a marker word of unfinished work in a comment (verify.h) */
	RE_ALLOW,  /* unravel: allow-duplicate */
	RE_CODING, /* PEP 263 coding cookie */
	RE__COUNT
};

static const char *const patterns[RE__COUNT] = {
	[RE_IMPORT] = "^import\\s+(.+)$",
	/* the dots as one character-class run: a group repeated per dot ran out of JIT stack at 100k dots */
	[RE_FROM] = "^from\\s+((?:\\.[.\\s]*+)?)(?:([^\\s.(),;][^\\s(),;]*)\\s+)?import\\b\\s*(.*)$",
	[RE_ITEM] = "\\G(?:\\s*,)?\\s*([^\\s,()]+)(?:\\s+as\\s+([^\\s,()]+))?\\s*",
	[RE_NOTE] = "(?<![A-Za-z0-9_])(?:TODO|FIXME|XXX|(?i:placeholder))(?![A-Za-z0-9_])",
	[RE_ALLOW] = "unravel:\\s*allow-duplicate\\b",
	[RE_CODING] = "^[ \\t\\f]*#.*?coding[:=][ \\t]*([-\\w.]+)",
};

static pcre2_code *re[RE__COUNT];
static int re_failed;
static pthread_once_t re_once = PTHREAD_ONCE_INIT;
static uint32_t hash_id, hash_lit;

static void compile_patterns(void)
{
	for (int i = 0; i < RE__COUNT; i++) {
		int err;
		PCRE2_SIZE off;
		re[i] = pcre2_compile((PCRE2_SPTR)patterns[i], PCRE2_ZERO_TERMINATED, 0, &err, &off,
				      NULL);
		if (!re[i]) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(err, msg, sizeof(msg));
			error("python frontend: pattern %d: %s at %zu", i, (char *)msg, (size_t)off);
			re_failed = 1;
			continue;
		}
		/* JIT is an optimisation: without it (no JIT support) matching still works. */
		pcre2_jit_compile(re[i], PCRE2_JIT_COMPLETE);
	}
	hash_id = (uint32_t)hash64("$id", 3);
	hash_lit = (uint32_t)hash64("$lit", 4);
}

static int init(struct scan *s)
{
	(void)s;
	pthread_once(&re_once, compile_patterns);
	return re_failed ? -1 : 0;
}

/*
 * Match pattern i against subject[start..n). Returns the number of
 * captures + 1 (> 0) on a match, 0 on no match, -1 on an error (warned).
 */
static int re_match(int i, const char *subject, size_t n, size_t start, pcre2_match_data *md,
		    uint32_t opts)
{
	int rc = pcre2_match(re[i], (PCRE2_SPTR)subject, n, start, opts, md, NULL);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(rc, msg, sizeof(msg));
		error("python frontend: match error: %s", (char *)msg);
		return -1;
	}
	return rc ? rc : 1;
}

/* ---------- the parse context ---------- */

enum bkind { B_MODULE, B_CLASS, B_DEF, B_TC, B_COND, B_OTHER };

struct block {
	int kind;
	int in_tc, in_def, in_cond;
	int func;  /* innermost enclosing def (this one included), index in ff->funcs, -1 */
	int cls;   /* innermost enclosing class, index in ff->classes, -1 */
	int own;   /* the class/def this block is the body of, -1 */
	int direct_cls; /* the class whose body this is (methods), -1 */
	const char *qual; /* qualified-name prefix for definitions inside */
	int stmts; /* statements seen directly in this block */
	int protocol; /* class body of a typing.Protocol class */
};

struct ctx {
	struct file_facts *ff;
	const char *src;
	const struct pytok *tk; /* all tokens */
	const struct pytok **sig; /* the current logical line's significant tokens */
	size_t nsig, alloc_sig;
	int semicolons;     /* the logical line in sig has a ';' (most have none) */
	struct block *stack;
	size_t depth, alloc_stack;
	struct block pending; /* a header whose body is the next indented block */
	int have_pending;
	uint32_t pending_line;
	int dec_abstract, dec_static, dec_staticmethod; /* decorators waiting for their def */
	uint32_t last_line; /* last line of the last significant token seen */
	int is_stub;        /* .pyi */
	int no_tokens, no_refs; /* what the command does not need and no cache keeps */
	pcre2_match_data *md;
	struct strbuf sb;
	int nwarned;
};

#define MAX_WARNINGS 10

static const char *tok_text(const struct ctx *c, const struct pytok *t, size_t *n)
{
	*n = t->len;
	return c->src + t->off;
}

/*
 * Token tests against a string literal (sizeof, not strlen: these run for
 * every token of every file).
 */
#define tok_is(c, t, s) ((t)->len == sizeof(s) - 1 && !memcmp((c)->src + (t)->off, s, sizeof(s) - 1))
#define is_op(c, t, s) ((t)->kind == PT_OP && tok_is(c, t, s))
#define is_name(c, t, s) ((t)->kind == PT_NAME && tok_is(c, t, s))

/* Python's hard keywords (soft ones - match, case, type, _ - are names). */
static int is_keyword(const char *s, size_t n)
{
#define KW(k) (n == sizeof(k) - 1 && !memcmp(s, k, n))
	if (n < 2 || n > 8)
		return 0;
	switch (s[0]) {
	case 'F': return KW("False");
	case 'N': return KW("None");
	case 'T': return KW("True");
	case 'a': return KW("and") || KW("as") || KW("assert") || KW("async") || KW("await");
	case 'b': return KW("break");
	case 'c': return KW("class") || KW("continue");
	case 'd': return KW("def") || KW("del");
	case 'e': return KW("elif") || KW("else") || KW("except");
	case 'f': return KW("finally") || KW("for") || KW("from");
	case 'g': return KW("global");
	case 'i': return KW("if") || KW("import") || KW("in") || KW("is");
	case 'l': return KW("lambda");
	case 'n': return KW("nonlocal") || KW("not");
	case 'o': return KW("or");
	case 'p': return KW("pass");
	case 'r': return KW("raise") || KW("return");
	case 't': return KW("try");
	case 'w': return KW("while") || KW("with");
	case 'y': return KW("yield");
	default: return 0;
	}
#undef KW
}

static struct block *top(struct ctx *c)
{
	return &c->stack[c->depth - 1];
}

static enum import_scope scope_of(const struct block *b)
{
	if (b->in_tc)
		return SCOPE_TYPE_CHECKING;
	if (b->in_def)
		return SCOPE_FUNCTION;
	if (b->in_cond)
		return SCOPE_CONDITIONAL;
	return SCOPE_MODULE;
}

static void push_block(struct ctx *c, const struct block *b)
{
	ALLOC_GROW(c->stack, c->depth + 1, c->alloc_stack);
	c->stack[c->depth++] = *b;
}

/* A child block of the current top, of the given kind. */
static struct block child_block(struct ctx *c, int kind)
{
	struct block b = *top(c);
	b.kind = kind;
	b.own = -1;
	b.stmts = 0;
	if (kind != B_COND && kind != B_TC && kind != B_OTHER) {
		/* if/try/... inside a class body still define methods */
		b.direct_cls = -1;
		b.protocol = 0;
	}
	if (kind == B_TC)
		b.in_tc = 1;
	else if (kind == B_COND)
		b.in_cond = 1;
	else if (kind == B_DEF)
		b.in_def = 1;
	return b;
}

/* Close a block: the class or def it is the body of ends at the last line seen. */
static void close_block(struct ctx *c, const struct block *b)
{
	struct file_facts *ff = c->ff;
	if (b->kind == B_DEF && b->own >= 0) {
		ff->funcs[b->own].end_line = (int)c->last_line;
		ff->funcs[b->own].tok_end = (uint32_t)ff->ntokens;
	} else if (b->kind == B_CLASS && b->own >= 0) {
		ff->classes[b->own].end_line = (int)c->last_line;
	}
}

static void pop_block(struct ctx *c)
{
	if (c->depth <= 1)
		return;
	close_block(c, top(c));
	c->depth--;
}

/* Count a syntax error; warn about the first MAX_WARNINGS of a file (then once more, at the end). */
static void parse_error(struct ctx *c, const struct pytok *t, const char *msg)
{
	c->ff->parse_errors++;
	if (c->nwarned++ < MAX_WARNINGS)
		diag_warn(c->ff->path, (int)t->line, (int)t->col, "%s", msg);
}

/* ---------- text helpers ---------- */

/*
 * The tokens [a, b) on one line: one space where the source had space or a
 * line break, none after an opening or before a closing bracket.
 */
static void join_tokens(struct ctx *c, struct strbuf *sb, const struct pytok *const *t, size_t a,
			size_t b)
{
	for (size_t i = a; i < b; i++) {
		size_t n;
		const char *s = tok_text(c, t[i], &n);
		if (i > a && t[i]->gap && !(t[i - 1]->kind == PT_OP && strchr("([{", c->src[t[i - 1]->off])) &&
		    !(t[i]->kind == PT_OP && n == 1 && strchr(")]}", s[0])))
			sb_addc(sb, ' ');
		sb_add(sb, s, n);
	}
}

/* The value of a plain string literal token (no f-string), in the arena; NULL if not plain. */
static const char *string_value(struct ctx *c, const struct pytok *t)
{
	const char *s = c->src + t->off, *e = s + t->len;
	if (t->kind != PT_STRING)
		return NULL;
	while (s < e && *s != '\'' && *s != '"') {
		if ((*s | 0x20) == 'f')
			return NULL;
		s++;
	}
	if (e - s >= 6 && s[0] == s[1] && s[1] == s[2]) {
		s += 3;
		e -= 3;
	} else if (e - s >= 2) {
		s++;
		e--;
	} else {
		return NULL;
	}
	if (e < s)
		return NULL;
	return facts_strn(c->ff, s, (size_t)(e - s));
}

/* ---------- fact tokens ---------- */

static void emit_tokens(struct ctx *c, const struct pytok *const *t, size_t n)
{
	struct file_facts *ff = c->ff;
	if (c->no_tokens)
		return;
	if (ff->ntokens + n > ff->alloc_tokens && ff->tokens_in_scan) {
		/* not expected (at most one fact per token): leave the scan's chunk */
		struct fact_token *own = xmalloc((ff->ntokens + n) * sizeof(*own));
		memcpy(own, ff->tokens, ff->ntokens * sizeof(*own));
		ff->tokens = own;
		ff->alloc_tokens = ff->ntokens + n;
		ff->tokens_in_scan = 0;
	}
	ALLOC_GROW(ff->tokens, ff->ntokens + n, ff->alloc_tokens);
	for (size_t i = 0; i < n; i++) {
		struct fact_token *ft = &ff->tokens[ff->ntokens++];
		const char *s = c->src + t[i]->off;
		ft->exact = (uint32_t)XXH3_64bits(s, t[i]->len);
		ft->line = t[i]->line;
		switch (t[i]->kind) {
		case PT_NAME:
			ft->norm = is_keyword(s, t[i]->len) ? ft->exact : hash_id;
			break;
		case PT_NUMBER:
		case PT_STRING:
			ft->norm = hash_lit;
			break;
		default:
			ft->norm = ft->exact;
		}
	}
}

/* ---------- imports ---------- */

static int valid_dotted(const char *s, size_t n)
{
	int need = 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '.') {
			if (need)
				return 0;
			need = 1;
		} else if (isalnum(ch) || ch == '_' || ch >= 0x80) {
			if (need && isdigit(ch))
				return 0;
			need = 0;
		} else {
			return 0;
		}
	}
	return !need;
}

/*
 * Split the list part of an import (subject[start..end)) into items with
 * RE_ITEM, calling add(item, n) for each. Returns the number of items, or
 * -1 when the list is malformed.
 */
static int import_items(struct ctx *c, const char *subject, size_t start, size_t end,
			int allow_star, const char *kw, const struct pytok *at, const char *text,
			const char *module, int level)
{
	size_t pos = start;
	int count = 0;
	struct file_facts *ff = c->ff;
	/* The names of `from x import (a, b,)`: drop the brackets and a trailing comma. */
	while (start < end && subject[start] == ' ')
		start++;
	if (start < end && subject[start] == '(' && subject[end - 1] == ')') {
		start++;
		end--;
	}
	while (end > start && (subject[end - 1] == ' ' || subject[end - 1] == ','))
		end--;
	pos = start;
	if (allow_star && end - start == 1 && subject[start] == '*') {
		struct fact_import *im = facts_add_import(ff);
		im->module = module;
		im->name = facts_str(ff, "*");
		im->level = level;
		im->line = (int)at->line;
		im->col = (int)at->col;
		im->scope = scope_of(top(c));
		im->text = text;
		return 1;
	}
	while (pos < end) {
		int rc = re_match(RE_ITEM, subject, end, pos, c->md, 0);
		PCRE2_SIZE *ov;
		const char *item;
		size_t n;
		struct fact_import *im;
		if (rc <= 0)
			return -1;
		ov = pcre2_get_ovector_pointer(c->md);
		if (ov[1] == ov[0])
			return -1;
		/* items are separated by exactly one comma */
		if ((memchr(subject + ov[0], ',', ov[2] - ov[0]) != NULL) != (count > 0))
			return -1;
		item = subject + ov[2];
		n = ov[3] - ov[2];
		if (!valid_dotted(item, n) || (!strcmp(kw, "from") && memchr(item, '.', n)))
			return -1;
		im = facts_add_import(ff);
		if (!strcmp(kw, "import")) {
			im->module = facts_strn(ff, item, n);
		} else {
			im->module = module;
			im->name = facts_strn(ff, item, n);
		}
		im->level = level;
		im->line = (int)at->line;
		im->col = (int)at->col;
		im->scope = scope_of(top(c));
		im->text = text;
		count++;
		pos = ov[1];
	}
	return count ? count : -1;
}

#define MAX_TEXT 200 /* bytes of a statement kept as an import's text */

static void do_import(struct ctx *c, const struct pytok *const *t, size_t n)
{
	struct file_facts *ff = c->ff;
	struct strbuf *sb = &c->sb;
	int is_from = is_name(c, t[0], "from");
	int rc;
	PCRE2_SIZE *ov;
	const char *text;
	size_t before = ff->nimports;

	sb_reset(sb);
	join_tokens(c, sb, t, 0, n);
	if (sb->len > MAX_TEXT) {
		/*
		 * One record per imported name shares this text: a statement of
		 * 100k names would put 100k copies of 1 MB into every report.
		 */
		size_t k = MAX_TEXT;
		while (k && ((unsigned char)sb->buf[k] & 0xc0) == 0x80)
			k--; /* not inside a UTF-8 sequence */
		char *cut = xstrfmt("%.*s ...", (int)k, sb->buf);
		text = facts_str(ff, cut);
		free(cut);
	} else {
		text = facts_strn(ff, sb->buf, sb->len);
	}
	rc = re_match(is_from ? RE_FROM : RE_IMPORT, sb->buf, sb->len, 0, c->md, 0);
	if (rc > 0) {
		ov = pcre2_get_ovector_pointer(c->md);
		if (!is_from) {
			rc = import_items(c, sb->buf, ov[2], ov[3], 0, "import", t[0], text, NULL, 0);
		} else {
			int level = 0;
			const char *module;
			for (size_t i = ov[2]; i < ov[3]; i++)
				level += sb->buf[i] == '.';
			if (ov[4] != PCRE2_UNSET && ov[5] > ov[4]) {
				if (!valid_dotted(sb->buf + ov[4], ov[5] - ov[4]))
					rc = -1;
				module = facts_strn(ff, sb->buf + ov[4], ov[5] - ov[4]);
			} else {
				module = facts_str(ff, "");
				if (!level)
					rc = -1;
			}
			if (rc > 0)
				rc = import_items(c, sb->buf, ov[6], ov[7], 1, "from", t[0], text,
						  module, level);
		}
	}
	if (rc <= 0) {
		ff->nimports = before; /* drop a half-read statement */
		parse_error(c, t[0], is_from ? "invalid 'from ... import' statement"
					     : "invalid 'import' statement");
	}
}

/* ---------- refs ---------- */

static void add_ref(struct ctx *c, enum ref_kind kind, const struct pytok *at, const char *host,
		    const char *attr, const char *value)
{
	struct file_facts *ff = c->ff;
	struct block *b = top(c);
	struct fact_ref *r = facts_add_ref(ff);
	r->kind = kind;
	r->cls = b->cls >= 0 ? ff->classes[b->cls].name : NULL;
	r->func = b->func >= 0 ? ff->funcs[b->func].name : NULL;
	r->host = host;
	r->attr = attr;
	r->value = value;
	r->line = (int)at->line;
	r->col = (int)at->col;
}

/* One component of a chain: a name, or a ["key"] subscript (key set). */
struct step {
	size_t tok;      /* the NAME, or the STRING of a subscript */
	const char *key; /* subscript key (arena), NULL for a name */
};

#define MAX_STEPS 32

/*
 * Read the chain starting at NAME t[i]: NAME (. NAME | ["lit"])*. Returns
 * the number of steps (>= 1) and sets *end to the token after it.
 * names_only stops at the first subscript.
 */
static int read_chain(struct ctx *c, const struct pytok *const *t, size_t n, size_t i,
		      struct step *st, size_t *end, int names_only)
{
	int k = 0;
	st[k].tok = i;
	st[k++].key = NULL;
	i++;
	while (i < n && k < MAX_STEPS) {
		if (i + 1 < n && is_op(c, t[i], ".") && t[i + 1]->kind == PT_NAME) {
			st[k].tok = i + 1;
			st[k++].key = NULL;
			i += 2;
		} else if (!names_only && i + 2 < n && is_op(c, t[i], "[") &&
			   t[i + 1]->kind == PT_STRING && is_op(c, t[i + 2], "]")) {
			const char *v = string_value(c, t[i + 1]);
			if (!v)
				break;
			st[k].tok = i + 1;
			st[k++].key = v;
			i += 3;
		} else {
			break;
		}
	}
	*end = i;
	return k;
}

/* The text of steps [0, k) ("self.a.b", "x.m[\"k\"]"), in the arena. */
static const char *chain_text(struct ctx *c, const struct pytok *const *t, const struct step *st,
			      int k)
{
	struct strbuf *sb = &c->sb;
	sb_reset(sb);
	for (int j = 0; j < k; j++) {
		if (st[j].key) {
			sb_addf(sb, "[\"%s\"]", st[j].key);
		} else {
			if (j)
				sb_addc(sb, '.');
			sb_add(sb, c->src + t[st[j].tok]->off, t[st[j].tok]->len);
		}
	}
	return facts_strn(c->ff, sb->buf, sb->len);
}

static const char *step_name(struct ctx *c, const struct pytok *const *t, const struct step *s)
{
	return s->key ? s->key : facts_strn(c->ff, c->src + t[s->tok]->off, t[s->tok]->len);
}

static int chain_has_upper(struct ctx *c, const struct pytok *const *t, const struct step *st,
			   int k)
{
	for (int j = 0; j < k; j++)
		if (!st[j].key && isupper((unsigned char)c->src[t[st[j].tok]->off]))
			return 1;
	return 0;
}

static int chain_root_ok(struct ctx *c, const struct pytok *const *t, size_t i)
{
	size_t n;
	const char *s;
	if (t[i]->kind != PT_NAME || (i > 0 && is_op(c, t[i - 1], ".")))
		return 0;
	s = tok_text(c, t[i], &n);
	return !is_keyword(s, n);
}

/* Index of the bracket closing the one opened at t[i], or n. */
static size_t match_bracket(struct ctx *c, const struct pytok *const *t, size_t n, size_t i)
{
	int depth = 0;
	for (size_t j = i; j < n; j++) {
		if (t[j]->kind != PT_OP || t[j]->len != 1)
			continue;
		char ch = c->src[t[j]->off];
		if (ch == '(' || ch == '[' || ch == '{')
			depth++;
		else if ((ch == ')' || ch == ']' || ch == '}') && --depth == 0)
			return j;
	}
	return n;
}

/* Attribute chains, calls, getattr/hasattr and registrations anywhere in a statement. */
static void scan_refs(struct ctx *c, const struct pytok *const *t, size_t n)
{
	struct step st[MAX_STEPS];
	int in_dict[64];
	int bdepth = 0;
	if (c->no_refs)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct pytok *tk = t[i];
		if (tk->kind == PT_OP && tk->len == 1) {
			char ch = c->src[tk->off];
			if (ch == '(' || ch == '[' || ch == '{') {
				if (bdepth < 64)
					in_dict[bdepth] = ch == '{';
				bdepth++;
			} else if ((ch == ')' || ch == ']' || ch == '}') && bdepth > 0) {
				bdepth--;
			}
			continue;
		}
		/* "key": Class  and  "key": {..., "class": Class, ...} in a dict display */
		if (tk->kind == PT_STRING && bdepth > 0 && bdepth <= 64 && in_dict[bdepth - 1] &&
		    i > 0 && (is_op(c, t[i - 1], "{") || is_op(c, t[i - 1], ",")) && i + 2 < n &&
		    is_op(c, t[i + 1], ":")) {
			const char *key = string_value(c, tk);
			size_t end;
			if (key && strcmp(key, "class") && chain_root_ok(c, t, i + 2)) {
				int k = read_chain(c, t, n, i + 2, st, &end, 1);
				if (end < n && (is_op(c, t[end], ",") || is_op(c, t[end], "}")) &&
				    isupper((unsigned char)c->src[t[st[k - 1].tok]->off]))
					add_ref(c, REF_REGISTER, tk, NULL, key, chain_text(c, t, st, k));
			} else if (key && is_op(c, t[i + 2], "{")) {
				size_t close = match_bracket(c, t, n, i + 2);
				for (size_t j = i + 3; j + 2 < close; j++) {
					const char *ck;
					if (t[j]->kind != PT_STRING || !is_op(c, t[j + 1], ":") ||
					    !(is_op(c, t[j - 1], "{") || is_op(c, t[j - 1], ",")))
						continue;
					ck = string_value(c, t[j]);
					if (!ck || strcmp(ck, "class") || !chain_root_ok(c, t, j + 2))
						continue;
					int k = read_chain(c, t, close, j + 2, st, &end, 1);
					if (end < close && !is_op(c, t[end], ",") && !is_op(c, t[end], "}"))
						continue;
					add_ref(c, REF_REGISTER, t[j + 2], NULL, key, chain_text(c, t, st, k));
				}
			}
		}
		if (!chain_root_ok(c, t, i))
			continue;
		size_t end;
		int k = read_chain(c, t, n, i, st, &end, 0);
		int after_defclass = i > 0 && (is_name(c, t[i - 1], "def") || is_name(c, t[i - 1], "class"));
		/* attribute steps */
		for (int j = 1; j < k; j++) {
			if (j == 1 && !st[0].key && (tok_is(c, t[st[0].tok], "self") || tok_is(c, t[st[0].tok], "cls")))
				continue;
			add_ref(c, REF_ATTR, t[st[j].tok], chain_text(c, t, st, j), step_name(c, t, &st[j]), NULL);
		}
		/* calls */
		if (end < n && is_op(c, t[end], "(") && !after_defclass) {
			int names = 1;
			for (int j = 0; j < k; j++)
				names &= st[j].key == NULL;
			const char *last = c->src + t[st[k - 1].tok]->off;
			size_t lastn = t[st[k - 1].tok]->len;
			if (names && chain_has_upper(c, t, st, k))
				add_ref(c, REF_CALL, tk, NULL, NULL, chain_text(c, t, st, k));
			if (k == 1 && (tok_is(c, tk, "getattr") || tok_is(c, tk, "hasattr"))) {
				size_t e2;
				struct step hs[MAX_STEPS];
				if (end + 1 < n && chain_root_ok(c, t, end + 1)) {
					int hk = read_chain(c, t, n, end + 1, hs, &e2, 0);
					if (e2 + 2 < n && is_op(c, t[e2], ",") && t[e2 + 1]->kind == PT_STRING &&
					    (is_op(c, t[e2 + 2], ",") || is_op(c, t[e2 + 2], ")"))) {
						const char *a = string_value(c, t[e2 + 1]);
						if (a)
							add_ref(c, tok_is(c, tk, "getattr") ? REF_GETATTR : REF_HASATTR,
								tk, chain_text(c, t, hs, hk), a, NULL);
					}
				}
			}
			if (names && ((lastn == 8 && !memcmp(last, "register", 8)) ||
				      (lastn == 16 && !memcmp(last, "register_manager", 16)))) {
				size_t e2;
				struct step vs[MAX_STEPS];
				if (end + 3 < n && t[end + 1]->kind == PT_STRING && is_op(c, t[end + 2], ",") &&
				    chain_root_ok(c, t, end + 3)) {
					const char *key = string_value(c, t[end + 1]);
					int vk = read_chain(c, t, n, end + 3, vs, &e2, 1);
					if (key && e2 < n && (is_op(c, t[e2], ")") || is_op(c, t[e2], ",")))
						add_ref(c, REF_REGISTER, t[end + 1], NULL, key,
							chain_text(c, t, vs, vk));
				}
			}
		}
		/* skip the chain's own names (not the subscripts' contents: they are literals) */
		i = end - 1;
	}
}

/* Index of the first top-level `=` in t[0..n), or n. */
static size_t find_assign(struct ctx *c, const struct pytok *const *t, size_t n, size_t *last)
{
	int depth = 0;
	size_t first = n;
	*last = n;
	for (size_t i = 0; i < n; i++) {
		if (t[i]->kind != PT_OP)
			continue;
		if (t[i]->len == 1) {
			char ch = c->src[t[i]->off];
			if (ch == '(' || ch == '[' || ch == '{')
				depth++;
			else if (ch == ')' || ch == ']' || ch == '}')
				depth--;
			else if (ch == '=' && depth == 0) {
				if (first == n)
					first = i;
				*last = i;
			}
		}
	}
	return first;
}

/* self.x = Value(...), self.x = {"k": Value(...)}, self.x = a.get("k"), self.x = param */
/* One target t[s..eq) of an assignment whose value is t[v..n). */
static void bind_one(struct ctx *c, const struct pytok *const *t, size_t n, size_t s, size_t eq,
		     size_t v)
{
	struct step st[MAX_STEPS], vs[MAX_STEPS];
	size_t tend, vend;
	int k, vk;
	const char *host, *attr;
	struct file_facts *ff = c->ff;
	struct block *b = top(c);

	if (eq == s || !chain_root_ok(c, t, s))
		return;
	k = read_chain(c, t, eq, s, st, &tend, 0);
	if (tend != eq && !(tend < eq && is_op(c, t[tend], ":"))) /* annotated: x.y: T = v */
		return;
	if (k < 2 || v >= n)
		return;
	host = chain_text(c, t, st, k - 1);
	attr = step_name(c, t, &st[k - 1]);

	/* self.attr = param in __init__ */
	if (v + 1 == n && t[v]->kind == PT_NAME && k == 2 && tok_is(c, t[s], "self") && !st[1].key &&
	    b->func >= 0 && ff->funcs[b->func].cls && b->kind == B_DEF) {
		const struct fact_func *f = &ff->funcs[b->func];
		size_t nl = strlen(f->name);
		if (nl > 8 && !strcmp(f->name + nl - 8, "__init__") && f->name[nl - 9] == '.') {
			for (int p = 0; p < f->nparams; p++) {
				const char *pn = f->params[p].name;
				while (*pn == '*')
					pn++;
				if (t[v]->len == strlen(pn) && !memcmp(c->src + t[v]->off, pn, t[v]->len)) {
					add_ref(c, REF_SELF_ATTR, t[s], facts_str(ff, "self"), attr, pn);
					break;
				}
			}
		}
	}
	/* host.attr = Callee(...)  /  host.attr = x.get("key") */
	if (chain_root_ok(c, t, v)) {
		vk = read_chain(c, t, n, v, vs, &vend, 1);
		if (vend < n && is_op(c, t[vend], "(") && match_bracket(c, t, n, vend) == n - 1) {
			const char *callee = chain_text(c, t, vs, vk);
			const char *lastc = c->src + t[vs[vk - 1].tok]->off;
			const char *key = vend + 2 < n && t[vend + 1]->kind == PT_STRING &&
						  (is_op(c, t[vend + 2], ",") || is_op(c, t[vend + 2], ")"))
					      ? string_value(c, t[vend + 1])
					      : NULL;
			if (key && vk >= 2 && !isupper((unsigned char)*lastc))
				add_ref(c, REF_BIND_GET, t[s], host, attr, key);
			else
				add_ref(c, REF_BIND, t[s], host, attr, callee);
		}
		return;
	}
	/* host.attr = {"k": Callee(...), ...} */
	if (is_op(c, t[v], "{") && match_bracket(c, t, n, v) == n - 1) {
		const char *dhost = chain_text(c, t, st, k);
		for (size_t j = v + 1; j + 3 < n; j++) {
			const char *key;
			if (t[j]->kind != PT_STRING || !is_op(c, t[j + 1], ":") ||
			    !(is_op(c, t[j - 1], "{") || is_op(c, t[j - 1], ",")) || !chain_root_ok(c, t, j + 2))
				continue;
			key = string_value(c, t[j]);
			vk = read_chain(c, t, n, j + 2, vs, &vend, 1);
			if (key && vend < n && is_op(c, t[vend], "("))
				add_ref(c, REF_BIND, t[j], dhost, key, chain_text(c, t, vs, vk));
		}
	}
}

/* Every target of `a.x = b.y = value` (plain and annotated assignments). */
static void scan_binding(struct ctx *c, const struct pytok *const *t, size_t n)
{
	size_t last, s = 0;
	int depth = 0;
	if (find_assign(c, t, n, &last) == n)
		return;
	for (size_t i = 0; i <= last; i++) {
		if (t[i]->kind != PT_OP || t[i]->len != 1)
			continue;
		char ch = c->src[t[i]->off];
		if (ch == '(' || ch == '[' || ch == '{')
			depth++;
		else if (ch == ')' || ch == ']' || ch == '}')
			depth--;
		else if (ch == '=' && depth == 0) {
			bind_one(c, t, n, s, i, last + 1);
			s = i + 1;
		}
	}
}

/* ---------- statements ---------- */

/* Is t[0..n) a placeholder statement: pass, ..., raise NotImplementedError[(...)]? */
static int placeholder_stmt(struct ctx *c, const struct pytok *const *t, size_t n)
{
	if (n == 1 && (is_name(c, t[0], "pass") || is_op(c, t[0], "...")))
		return 1;
	if (n >= 2 && is_name(c, t[0], "raise") && is_name(c, t[1], "NotImplementedError"))
		return n == 2 || (is_op(c, t[2], "(") && match_bracket(c, t, n, 2) == n - 1);
	return 0;
}

static int all_strings(const struct pytok *const *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (t[i]->kind != PT_STRING)
			return 0;
	return n > 0;
}

/* A statement directly in the current block: docstring, placeholder bookkeeping. */
static int count_statement(struct ctx *c, const struct pytok *const *t, size_t n, int header)
{
	struct block *b = top(c);
	int docstring = !header && b->stmts == 0 && all_strings(t, n) &&
			(b->kind == B_MODULE || b->kind == B_CLASS || b->kind == B_DEF);
	b->stmts++;
	if (b->kind == B_DEF && b->own >= 0 && !docstring && (header || !placeholder_stmt(c, t, n)))
		c->ff->funcs[b->own].placeholder = 0;
	return docstring;
}

static void simple_statement(struct ctx *c, const struct pytok *const *t, size_t n)
{
	if (!n)
		return;
	if (count_statement(c, t, n, 0))
		return; /* a docstring: no tokens, no facts */
	emit_tokens(c, t, n);
	c->dec_abstract = c->dec_static = c->dec_staticmethod = 0;
	if (is_name(c, t[0], "import") || is_name(c, t[0], "from")) {
		do_import(c, t, n);
		return;
	}
	scan_refs(c, t, n);
	if (!c->no_refs) /* bindings are references too */
		scan_binding(c, t, n);
}

/* The statements of t[0..n) separated by top-level ';'. */
static void simple_statements(struct ctx *c, const struct pytok *const *t, size_t n)
{
	size_t s = 0;
	int depth = 0;
	if (!c->semicolons) {
		simple_statement(c, t, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (t[i]->kind == PT_OP && t[i]->len == 1) {
			char ch = c->src[t[i]->off];
			if (ch == '(' || ch == '[' || ch == '{')
				depth++;
			else if (ch == ')' || ch == ']' || ch == '}')
				depth--;
			else if (ch == ';' && depth <= 0) {
				simple_statement(c, t + s, i - s);
				s = i + 1;
			}
		}
	}
	simple_statement(c, t + s, n - s);
}

/* The dotted name at t[i..): its text (arena) and the index after it. */
static const char *dotted_at(struct ctx *c, const struct pytok *const *t, size_t n, size_t i,
			     size_t *end)
{
	struct step st[MAX_STEPS];
	int k;
	if (i >= n || t[i]->kind != PT_NAME) {
		*end = i;
		return NULL;
	}
	k = read_chain(c, t, n, i, st, end, 1);
	return chain_text(c, t, st, k);
}

static int last_is(const char *dotted, const char *name)
{
	const char *dot = strrchr(dotted, '.');
	return !strcmp(dot ? dot + 1 : dotted, name);
}

/* "qual.name" (or "name" when qual is NULL) in ff's arena: one per def and class, no printf. */
static const char *qualified(struct file_facts *ff, const char *qual, const char *name, size_t n)
{
	size_t q;
	char *r;
	if (!qual)
		return facts_strn(ff, name, n);
	q = strlen(qual);
	r = arena_alloc(ff->arena, q + 1 + n + 1);
	memcpy(r, qual, q);
	r[q] = '.';
	memcpy(r + q + 1, name, n);
	r[q + 1 + n] = '\0';
	return r;
}

static void parse_class(struct ctx *c, const struct pytok *const *t, size_t n, size_t colon,
			struct block *nb)
{
	struct file_facts *ff = c->ff;
	struct block *b = top(c);
	struct fact_class *k;
	size_t i = 1;
	const char **bases = NULL;
	int nbases = 0, alloc = 0, protocol = 0, proper = 0;

	if (n < 2 || t[1]->kind != PT_NAME) {
		parse_error(c, t[0], "invalid class statement");
		return;
	}
	i = 2;
	if (i < colon && is_op(c, t[i], "(")) {
		size_t close = match_bracket(c, t, colon, i);
		size_t a = i + 1;
		while (a < close) {
			size_t e = a, dend;
			int depth = 0;
			while (e < close) {
				if (t[e]->kind == PT_OP && t[e]->len == 1) {
					char ch = c->src[t[e]->off];
					if (ch == '(' || ch == '[' || ch == '{')
						depth++;
					else if (ch == ')' || ch == ']' || ch == '}')
						depth--;
					else if (ch == ',' && !depth)
						break;
				}
				e++;
			}
			if (e > a && a + 1 < e && t[a]->kind == PT_NAME && is_op(c, t[a + 1], "=")) {
				if (tok_is(c, t[a], "metaclass")) {
					const char *m = dotted_at(c, t, e, a + 2, &dend);
					if (m && last_is(m, "ABCMeta"))
						protocol = 1;
				}
			} else if (e > a && t[a]->kind == PT_NAME) {
				const char *d = dotted_at(c, t, e, a, &dend);
				ALLOC_GROW(bases, (size_t)nbases + 1, alloc);
				bases[nbases++] = d;
				if (!strcmp(d, "Protocol") || !strcmp(d, "typing.Protocol") ||
				    !strcmp(d, "typing_extensions.Protocol"))
					protocol = proper = 1;
				if (!strcmp(d, "ABC") || !strcmp(d, "abc.ABC"))
					protocol = 1;
			}
			a = e + 1;
		}
	}
	k = facts_add_class(ff);
	k->name = qualified(ff, b->qual, c->src + t[1]->off, t[1]->len);
	k->line = (int)t[0]->line;
	k->col = (int)t[0]->col;
	k->end_line = (int)t[n - 1]->end_line;
	k->is_protocol = protocol;
	if (nbases) {
		k->bases = arena_alloc(ff->arena, sizeof(*k->bases) * (size_t)nbases);
		memcpy(k->bases, bases, sizeof(*k->bases) * (size_t)nbases);
		k->nbases = nbases;
	}
	free(bases);
	*nb = child_block(c, B_CLASS);
	nb->own = (int)(ff->nclasses - 1);
	nb->cls = nb->own;
	nb->direct_cls = nb->own;
	nb->qual = k->name;
	nb->protocol = proper; /* methods of a Protocol are abstract; of an ABC, only when decorated */
}

static void parse_def(struct ctx *c, const struct pytok *const *t, size_t n, size_t colon,
		      size_t kw, struct block *nb)
{
	struct file_facts *ff = c->ff;
	struct block *b = top(c);
	struct fact_func *f;
	struct fact_param *params = NULL;
	size_t alloc = 0, np = 0;
	int method = b->direct_cls >= 0;

	if (kw + 1 >= n || t[kw + 1]->kind != PT_NAME) {
		parse_error(c, t[0], "invalid def statement");
		return;
	}
	if (kw + 2 < colon && is_op(c, t[kw + 2], "(")) {
		size_t close = match_bracket(c, t, colon, kw + 2);
		size_t a = kw + 3;
		int first = 1;
		while (a < close) {
			size_t e = a, ann = 0, def = 0;
			int depth = 0;
			while (e < close) {
				if (t[e]->kind == PT_OP && t[e]->len == 1) {
					char ch = c->src[t[e]->off];
					if (ch == '(' || ch == '[' || ch == '{')
						depth++;
					else if (ch == ')' || ch == ']' || ch == '}')
						depth--;
					else if (ch == ',' && !depth)
						break;
					else if (ch == ':' && !depth && !ann && !def)
						ann = e;
					else if (ch == '=' && !depth && !def)
						def = e;
				}
				e++;
			}
			if (e > a) {
				size_t nameend = a;
				struct strbuf *sb = &c->sb;
				while (nameend < e && t[nameend]->kind == PT_OP &&
				       (tok_is(c, t[nameend], "*") || tok_is(c, t[nameend], "**")))
					nameend++;
				if (nameend < e && t[nameend]->kind == PT_NAME) {
					int starred = nameend > a;
					if (first && method && !c->dec_staticmethod && !starred) {
						/* self / cls */
					} else {
						struct fact_param *p;
						ALLOC_GROW(params, np + 1, alloc);
						p = &params[np++];
						memset(p, 0, sizeof(*p));
						sb_reset(sb);
						join_tokens(c, sb, t, a, nameend + 1);
						p->name = facts_strn(ff, sb->buf, sb->len);
						if (ann) {
							sb_reset(sb);
							join_tokens(c, sb, t, ann + 1, def ? def : e);
							p->annotation = facts_strn(ff, sb->buf, sb->len);
						}
						p->has_default = def != 0;
					}
				}
				first = 0;
			}
			a = e + 1;
		}
	}
	f = facts_add_func(ff);
	f->name = qualified(ff, b->qual, c->src + t[kw + 1]->off, t[kw + 1]->len);
	f->cls = method ? ff->classes[b->direct_cls].name : NULL;
	f->line = (int)t[0]->line;
	f->col = (int)t[0]->col;
	f->end_line = (int)t[n - 1]->end_line;
	if (np) {
		f->params = arena_alloc(ff->arena, sizeof(*params) * np);
		memcpy(f->params, params, sizeof(*params) * np);
		f->nparams = (int)np;
	}
	free(params);
	f->placeholder = 1;
	f->abstract = c->dec_abstract || c->is_stub || (method && b->protocol);
	f->is_static = c->dec_static;
	*nb = child_block(c, B_DEF);
	nb->own = (int)(ff->nfuncs - 1);
	nb->func = nb->own;
	nb->qual = f->name;
}

/* `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:` (any module alias) */
static int type_checking_test(struct ctx *c, const struct pytok *const *t, size_t colon)
{
	if (colon == 2)
		return is_name(c, t[1], "TYPE_CHECKING");
	if (colon == 4)
		return t[1]->kind == PT_NAME && is_op(c, t[2], ".") && is_name(c, t[3], "TYPE_CHECKING");
	return 0;
}

/* The header's own ':' (not a lambda's, not inside brackets), or n. */
static size_t header_colon(struct ctx *c, const struct pytok *const *t, size_t n)
{
	int depth = 0, lambdas = 0;
	for (size_t i = 0; i < n; i++) {
		if (t[i]->kind == PT_NAME && depth == 0 && tok_is(c, t[i], "lambda"))
			lambdas++;
		if (t[i]->kind != PT_OP || t[i]->len != 1)
			continue;
		char ch = c->src[t[i]->off];
		if (ch == '(' || ch == '[' || ch == '{')
			depth++;
		else if (ch == ')' || ch == ']' || ch == '}')
			depth--;
		else if (ch == ':' && depth == 0) {
			if (lambdas) {
				lambdas--;
				continue;
			}
			return i;
		}
	}
	return n;
}

/* if, elif, else, try, except, finally, with, for, while: tested for every logical line */
static int cond_keyword(const char *s, size_t n)
{
#define KW(k) (n == sizeof(k) - 1 && !memcmp(s, k, n))
	switch (s[0]) {
	case 'i': return KW("if");
	case 'e': return KW("elif") || KW("else") || KW("except");
	case 't': return KW("try");
	case 'f': return KW("finally") || KW("for");
	case 'w': return KW("with") || KW("while");
	default: return 0;
	}
#undef KW
}

static int compound_keyword(struct ctx *c, const struct pytok *const *t, size_t n, size_t *kw)
{
	size_t i = 0;
	*kw = 0;
	if (t[0]->kind != PT_NAME)
		return -1;
	if (tok_is(c, t[0], "async") && n > 1)
		i = 1;
	if (is_name(c, t[i], "def"))
		return *kw = i, B_DEF;
	if (i == 0 && is_name(c, t[0], "class"))
		return B_CLASS;
	if (t[i]->kind == PT_NAME && cond_keyword(c->src + t[i]->off, t[i]->len))
		return *kw = i, B_COND;
	/* soft keywords: only a header ends with ':' */
	if (i == 0 && n > 2 && (tok_is(c, t[0], "match") || tok_is(c, t[0], "case")) &&
	    is_op(c, t[n - 1], ":") && !is_op(c, t[1], "=") && !is_op(c, t[1], ".") &&
	    !is_op(c, t[1], ":") && !is_op(c, t[1], ",") && !is_op(c, t[1], ")") &&
	    !is_op(c, t[1], ";"))
		return B_COND;
	return -1;
}

static void logical_line(struct ctx *c, const struct pytok *const *t, size_t n)
{
	size_t kw, colon;
	int kind;
	struct block nb;

	if (c->have_pending) {
		/* a header without an indented body */
		c->have_pending = 0;
		if (c->pending.own >= 0)
			close_block(c, &c->pending);
		parse_error(c, t[0], "expected an indented block");
	}
	c->last_line = t[n - 1]->end_line;
	if (is_op(c, t[0], "@")) {
		size_t end;
		const char *d = dotted_at(c, t, n, 1, &end);
		emit_tokens(c, t, n);
		if (d) {
			if (last_is(d, "abstractmethod") || last_is(d, "overload") ||
			    last_is(d, "abstractproperty") || last_is(d, "abstractclassmethod") ||
			    last_is(d, "abstractstaticmethod"))
				c->dec_abstract = 1;
			if (!strcmp(d, "staticmethod") || !strcmp(d, "classmethod"))
				c->dec_static = 1;
			if (!strcmp(d, "staticmethod"))
				c->dec_staticmethod = 1;
		}
		scan_refs(c, t + 1, n - 1);
		return;
	}
	kind = compound_keyword(c, t, n, &kw);
	if (kind < 0) {
		simple_statements(c, t, n);
		return;
	}
	colon = header_colon(c, t, n);
	if (colon == n) {
		parse_error(c, t[0], "expected ':'");
		simple_statements(c, t, n);
		return;
	}
	count_statement(c, t, colon + 1, 1);
	emit_tokens(c, t, colon + 1);
	nb = child_block(c, kind);
	if (kind == B_DEF) {
		parse_def(c, t, n, colon, kw, &nb);
		/* `def:` and `class:` have nothing between the keyword and the colon */
		if (colon > kw + 2)
			scan_refs(c, t + kw + 2, colon - kw - 2);
	} else if (kind == B_CLASS) {
		parse_class(c, t, n, colon, &nb);
		if (colon > 2)
			scan_refs(c, t + 2, colon - 2);
	} else {
		if ((is_name(c, t[0], "if") || is_name(c, t[0], "elif")) && type_checking_test(c, t, colon))
			nb = child_block(c, B_TC);
		if (colon > kw + 1)
			scan_refs(c, t + kw + 1, colon - kw - 1);
	}
	c->dec_abstract = c->dec_static = c->dec_staticmethod = 0;
	if (nb.own >= 0 && nb.kind == B_DEF)
		c->ff->funcs[nb.own].tok_start = (uint32_t)c->ff->ntokens;
	if (colon + 1 < n) {
		/* `if x: import y` - the body is the rest of the line */
		push_block(c, &nb);
		simple_statements(c, t + colon + 1, n - colon - 1);
		pop_block(c);
	} else {
		c->pending = nb;
		c->have_pending = 1;
		c->pending_line = t[0]->line;
	}
}

/* ---------- notes ---------- */

static void scan_comment(struct ctx *c, const struct pytok *t)
{
	const char *s = c->src + t->off;
	size_t n = t->len;
	const char *text = NULL;
	size_t a = 1;
	if (!t->marker)
		return; /* the tokenizer saw none of the patterns' words */
	if (re_match(RE_NOTE, s, n, 0, c->md, 0) <= 0 && re_match(RE_ALLOW, s, n, 0, c->md, 0) <= 0)
		return;
	while (a < n && (s[a] == ' ' || s[a] == '\t' || s[a] == '#'))
		a++;
	while (n > a && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	text = facts_strn(c->ff, s + a, n - a);
	if (re_match(RE_NOTE, s, t->len, 0, c->md, 0) > 0) {
		struct fact_note *no = facts_add_note(c->ff);
		no->kind = NOTE_TODO;
		no->line = (int)t->line;
		no->col = (int)t->col;
		no->text = text;
	}
	if (re_match(RE_ALLOW, s, t->len, 0, c->md, 0) > 0) {
		struct fact_note *no = facts_add_note(c->ff);
		no->kind = NOTE_ALLOW_DUPLICATE;
		no->line = (int)t->line;
		no->col = (int)t->col;
		no->text = text;
	}
}

/* ---------- encoding ---------- */

/* The PEP 263 coding cookie of the first two lines, or NULL. Caller frees. */
static char *coding_cookie(const char *src, size_t len, pcre2_match_data *md)
{
	size_t start = 0;
	if (len >= 3 && !memcmp(src, "\xef\xbb\xbf", 3))
		start = 3;
	for (int line = 0; line < 2 && start < len; line++) {
		size_t e = start;
		while (e < len && src[e] != '\n' && src[e] != '\r')
			e++;
		if (re_match(RE_CODING, src + start, e - start, 0, md, 0) > 0) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
			return xstrndup(src + start + ov[2], ov[3] - ov[2]);
		}
		/* the second line counts only when the first is blank or a comment */
		{
			size_t p = start;
			while (p < e && (src[p] == ' ' || src[p] == '\t' || src[p] == '\f'))
				p++;
			if (p < e && src[p] != '#')
				break;
		}
		if (e < len && src[e] == '\r' && e + 1 < len && src[e + 1] == '\n')
			e++;
		start = e + 1;
	}
	return NULL;
}

static void line_col_at(const char *src, size_t off, int *line, int *col)
{
	size_t ls = 0;
	*line = 1;
	for (size_t i = 0; i < off; i++) {
		if (src[i] == '\n' || (src[i] == '\r' && (i + 1 >= off || src[i + 1] != '\n'))) {
			(*line)++;
			ls = i + 1;
		}
	}
	*col = (int)(off - ls) + 1;
}

/* Convert src from the named encoding to UTF-8; NULL when iconv cannot. */
static char *to_utf8(const char *enc, const char *src, size_t len, size_t *outlen)
{
	char name[64];
	iconv_t cd = (iconv_t)-1;
	size_t n = strlen(enc);
	if (n >= sizeof(name) - 8)
		return NULL;
	cd = iconv_open("UTF-8", enc);
	if (cd == (iconv_t)-1) {
		/* Python spellings: latin-1, iso_8859_15, euc_jp -> LATIN1, ISO-8859-15, EUC-JP */
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			name[k++] = enc[i] == '_' ? '-' : (char)toupper((unsigned char)enc[i]);
		name[k] = '\0';
		if (!strncmp(name, "LATIN-", 6))
			memmove(name + 5, name + 6, k - 5);
		cd = iconv_open("UTF-8", name);
	}
	if (cd == (iconv_t)-1)
		return NULL;
	{
		size_t cap = len * 4 + 16, inleft = len, outleft = cap;
		char *out = xmalloc(cap + 1), *op = out;
		char *ip = (char *)src;
		if (iconv(cd, &ip, &inleft, &op, &outleft) == (size_t)-1) {
			free(out);
			iconv_close(cd);
			return NULL;
		}
		iconv_close(cd);
		*outlen = (size_t)(op - out);
		out[*outlen] = '\0';
		return out;
	}
}

/* ---------- entry ---------- */

static int parse(struct file_facts *ff, const char *src, size_t len, struct scan *s)
{
	struct pytok_list tl = PYTOK_LIST_INIT;
	struct ctx c;
	struct block root;
	char *conv = NULL;
	size_t bad;
	(void)s;

	pthread_once(&re_once, compile_patterns);
	if (re_failed)
		return -1;
	memset(&c, 0, sizeof(c));
	c.md = pcre2_match_data_create(16, NULL);
	if (!c.md)
		die("out of memory");

	bad = utf8_valid_len(src, len);
	if (bad < len) {
		char *enc = coding_cookie(src, len, c.md);
		int line, col;
		line_col_at(src, bad, &line, &col);
		if (!enc || !strcasecmp(enc, "utf-8") || !strcasecmp(enc, "utf8") ||
		    !strcasecmp(enc, "utf_8")) {
			diag_warn(ff->path, line, col, "invalid UTF-8 (byte 0x%02x)%s; skipped",
				  (unsigned char)src[bad], enc ? "" : " and no coding declaration");
			free(enc);
			pcre2_match_data_free(c.md);
			return -1;
		}
		size_t clen;
		conv = to_utf8(enc, src, len, &clen);
		if (!conv) {
			diag_warn(ff->path, 1, 1, "cannot decode as '%s' (coding declaration); skipped", enc);
			free(enc);
			pcre2_match_data_free(c.md);
			return -1;
		}
		free(enc);
		src = conv;
		len = clen;
	}

	ff->parse_errors += pytok_run(&tl, src, len, ff->path);
	c.ff = ff;
	c.src = src;
	c.tk = tl.v;
	c.is_stub = ends_with(ff->path, ".pyi");
	c.no_tokens = s && !s->cache && s->opt->skip_tokens;
	c.no_refs = s && !s->cache && s->opt->skip_refs;
	if (!c.no_tokens && !ff->tokens && tl.n &&
	    (ff->tokens = scan_keep(s, tl.n * sizeof(*ff->tokens)))) {
		/* at most one per token, in the scan's chunk when it keeps sources */
		ff->alloc_tokens = tl.n;
		ff->tokens_in_scan = 1;
	} else if (!c.no_tokens) { /* at most one per token: one allocation */
		ALLOC_GROW(ff->tokens, ff->ntokens + tl.n, ff->alloc_tokens);
	}
	sb_init(&c.sb);
	memset(&root, 0, sizeof(root));
	root.kind = B_MODULE;
	root.func = root.cls = root.own = root.direct_cls = -1;
	push_block(&c, &root);

	for (size_t i = 0; i < tl.n;) {
		const struct pytok *t = &tl.v[i];
		switch (t->kind) {
		case PT_INDENT:
			if (c.have_pending) {
				push_block(&c, &c.pending);
				c.have_pending = 0;
			} else {
				struct block b = child_block(&c, B_OTHER);
				b.in_def = top(&c)->in_def;
				parse_error(&c, t, "unexpected indent");
				push_block(&c, &b);
			}
			i++;
			continue;
		case PT_DEDENT:
			if (c.have_pending) {
				c.have_pending = 0;
				if (c.pending.own >= 0)
					close_block(&c, &c.pending);
				parse_error(&c, t, "expected an indented block");
			}
			pop_block(&c);
			i++;
			continue;
		case PT_COMMENT:
			scan_comment(&c, t);
			i++;
			continue;
		case PT_NL:
		case PT_NEWLINE:
			i++;
			continue;
		case PT_ENDMARKER:
			i = tl.n;
			continue;
		default:
			break;
		}
		/* a logical line: its significant tokens up to NEWLINE */
		c.nsig = 0;
		c.semicolons = 0;
		for (; i < tl.n && tl.v[i].kind != PT_NEWLINE && tl.v[i].kind != PT_ENDMARKER; i++) {
			const struct pytok *k = &tl.v[i];
			if (k->kind == PT_COMMENT) {
				scan_comment(&c, k);
				continue;
			}
			if (k->kind == PT_NL || k->kind == PT_INDENT || k->kind == PT_DEDENT)
				continue;
			ALLOC_GROW(c.sig, c.nsig + 1, c.alloc_sig);
			c.sig[c.nsig++] = k;
			if (k->kind == PT_OP && k->len == 1 && src[k->off] == ';')
				c.semicolons = 1;
		}
		if (c.nsig)
			logical_line(&c, c.sig, c.nsig);
	}
	if (c.have_pending && c.pending.own >= 0)
		close_block(&c, &c.pending);
	if (c.nwarned > MAX_WARNINGS)
		diag_warn(ff->path, 0, 0, "%d more statements with syntax errors not shown",
			  c.nwarned - MAX_WARNINGS);
	while (c.depth > 1)
		pop_block(&c);

	free(c.sig);
	free(c.stack);
	sb_release(&c.sb);
	pcre2_match_data_free(c.md);
	pytok_release(&tl);
	free(conv);
	return 0;
}

const struct frontend frontend_python = {
	.name = "python",
	.lang = LANG_PYTHON,
	.extensions = exts,
	.init = init,
	.parse = parse,
};
