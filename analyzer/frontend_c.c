/*
 * frontend_c.c - the C frontend on libclang.
 *
 * Two halves. parse() runs on scan.c's worker threads, once per .c/.h file:
 * a small lexer turns the bytes into clone-detection tokens and notes,
 * and remembers each token's byte offset and the #if regions for finish().
 * finish() runs once, after every file is known: it reads
 * compile_commands.json (or builds fallback flags), parses every translation
 * unit with libclang on --jobs threads (one CXIndex and one TU per thread:
 * neither is thread-safe) and fills each project file's imports (from the
 * #include directives), structs, typedefs, fields, functions and calls.
 *
 * Why directives and not clang_getInclusions(): clang never re-enters a
 * `#pragma once` header, so the inclusion stack misses the back edge of a
 * cycle between two such headers; the preprocessing record keeps every
 * directive with the file it names.
 *
 * A header is reached by many TUs. Its directives are merged over all of
 * them (each import lists the TUs it was seen in); its declarations come
 * from one TU, deterministically: the header's own TU if it is one, else
 * the first TU in path order that reaches it.
 */
#include "cache.h"
#include "diag.h"
#include "frontend.h"
#include "scan.h"
#include "util.h"

#include <clang-c/Index.h>
#include <jansson.h>

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const exts[] = {".c", ".h", NULL};

/* ------------------------------------------------------------------ */
/*
 * libclang, loaded with dlopen() the first time a translation unit must be
 * parsed. Linking it would make every run pay for loading libclang and
 * LLVM (tens of ms of CPU, ~60 MB), even a Python scan or a warm run whose
 * translation units all come from the TU cache. The header's prototypes
 * give the pointers their types (__typeof__ refers to no symbol); calls go
 * through cx.name(...). Everything is resolved at once, so a library that
 * lacks one function is rejected before any parse, never half-used.
 */
#define CLANG_FUNCS(X) \
	X(createIndex) X(disposeIndex) X(parseTranslationUnit2) X(disposeTranslationUnit) \
	X(getTranslationUnitCursor) X(visitChildren) X(getInclusions) X(getCString) \
	X(disposeString) X(getFileName) X(getFileContents) X(getIncludedFile) \
	X(getCursorKind) X(getCursorLocation) X(getCursorExtent) X(getCursorSpelling) \
	X(getCursorType) X(getNullCursor) X(isCursorDefinition) X(getExpansionLocation) \
	X(getRangeStart) X(getRangeEnd) X(Location_isInSystemHeader) X(Cursor_isNull) \
	X(Cursor_isAnonymous) X(Cursor_getNumArguments) X(Cursor_getArgument) \
	X(Cursor_getStorageClass) X(getTypeSpelling) X(getTypeDeclaration) \
	X(getPointeeType) X(getArrayElementType) X(Type_getNamedType) \
	X(getTypedefDeclUnderlyingType) X(getNumDiagnostics) X(getDiagnostic) \
	X(disposeDiagnostic) X(getDiagnosticSeverity) X(getDiagnosticSpelling) \
	X(getDiagnosticLocation)

static struct {
#define CLANG_MEMBER(f) __typeof__(clang_##f) *f;
	CLANG_FUNCS(CLANG_MEMBER)
#undef CLANG_MEMBER
} cx;

/*
 * Where libclang is: UNRAVEL_LIBCLANG when set (and then only there), else
 * the library found at build time (llvm-config --libdir), else its soname
 * through the dynamic loader's search path (an installed binary on a
 * machine without the -dev package's symlink).
 */
#ifndef UNRAVEL_LIBCLANG_PATH
#define UNRAVEL_LIBCLANG_PATH "libclang.so"
#endif
#ifndef UNRAVEL_LIBCLANG_SONAME
#define UNRAVEL_LIBCLANG_SONAME "libclang.so.1"
#endif

static int libclang_candidates(const char **out)
{
	const char *env = getenv("UNRAVEL_LIBCLANG");
	int n = 0;
	if (env && *env) {
		out[n++] = env;
		return n;
	}
	out[n++] = UNRAVEL_LIBCLANG_PATH;
	if (strcmp(UNRAVEL_LIBCLANG_SONAME, UNRAVEL_LIBCLANG_PATH))
		out[n++] = UNRAVEL_LIBCLANG_SONAME;
	return n;
}

/*
 * What the TU cache keys results on instead of clang_getClangVersion(),
 * which would need the library loaded: the first candidate that exists,
 * with its size and mtime (a soname, which only the loader can resolve,
 * stands for itself).
 */
static char *libclang_identity(void)
{
	const char *cand[2];
	int n = libclang_candidates(cand);
	struct stat st;
	for (int i = 0; i < n; i++) {
		if (!strchr(cand[i], '/'))
			return xstrdup(cand[i]);
		if (stat(cand[i], &st) == 0)
			return xstrfmt("%s %lld %lld.%09ld", cand[i], (long long)st.st_size,
				       (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
	}
	return xstrdup(cand[n - 1]);
}

/*
 * Load libclang once per process (finish() runs on one thread). 0, or -1
 * with *why set to a message (static storage) when it cannot be loaded:
 * the caller warns and leaves the C files unparsed. The handle is never
 * closed: LLVM's static destructors do not survive dlclose().
 */
static int libclang_load(const char **why)
{
	static int state; /* 0: not tried, 1: loaded, -1: failed */
	static char msg[512];
	const char *cand[2], *name = NULL;
	int n;
	void *h = NULL;

	if (state) {
		*why = msg;
		return state > 0 ? 0 : -1;
	}
	n = libclang_candidates(cand);
	msg[0] = '\0';
	for (int i = 0; i < n && !h; i++) {
		name = cand[i];
		h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
		if (!h && !msg[0]) {
			const char *e = dlerror();
			snprintf(msg, sizeof(msg), "%s", e ? e : cand[i]);
		}
	}
	state = -1;
	*why = msg;
	if (!h)
		return -1;
#define CLANG_RESOLVE(f) \
	if (!(*(void **)&cx.f = dlsym(h, "clang_" #f))) { \
		snprintf(msg, sizeof(msg), "%s has no clang_%s", name, #f); \
		return -1; \
	}
	CLANG_FUNCS(CLANG_RESOLVE)
#undef CLANG_RESOLVE
	state = 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Small hash tables: string -> int, and pointer -> pointer.          */

struct strmap {
	char **keys;
	int *vals;
	size_t cap, n;
};

static size_t strmap_slot(const struct strmap *m, const char *k)
{
	size_t h = (size_t)hash64(k, strlen(k)), mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask)
		if (!m->keys[i] || !strcmp(m->keys[i], k))
			return i;
}

/* Value of k, or -1. */
static int strmap_get(const struct strmap *m, const char *k)
{
	size_t i;
	if (!m->cap)
		return -1;
	i = strmap_slot(m, k);
	return m->keys[i] ? m->vals[i] : -1;
}

/* Set k (copied) to v; returns 1 if k was new. */
static int strmap_put(struct strmap *m, const char *k, int v)
{
	size_t i;
	if ((m->n + 1) * 2 > m->cap) {
		struct strmap old = *m;
		m->cap = old.cap ? old.cap * 2 : 64;
		m->keys = xcalloc(m->cap, sizeof(*m->keys));
		m->vals = xcalloc(m->cap, sizeof(*m->vals));
		m->n = 0;
		for (size_t j = 0; j < old.cap; j++)
			if (old.keys[j]) {
				i = strmap_slot(m, old.keys[j]);
				m->keys[i] = old.keys[j];
				m->vals[i] = old.vals[j];
				m->n++;
			}
		free(old.keys);
		free(old.vals);
	}
	i = strmap_slot(m, k);
	if (m->keys[i]) {
		m->vals[i] = v;
		return 0;
	}
	m->keys[i] = xstrdup(k);
	m->vals[i] = v;
	m->n++;
	return 1;
}

static void strmap_free(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

struct ptrmap {
	const void **keys;
	void **vals;
	size_t cap, n;
};

static size_t ptrmap_slot(const struct ptrmap *m, const void *k)
{
	size_t h = (size_t)((uintptr_t)k >> 4) * 0x9E3779B97F4A7C15ull, mask = m->cap - 1;
	for (size_t i = (h >> 7) & mask;; i = (i + 1) & mask)
		if (!m->keys[i] || m->keys[i] == k)
			return i;
}

static void *ptrmap_get(const struct ptrmap *m, const void *k)
{
	size_t i;
	if (!m->cap)
		return NULL;
	i = ptrmap_slot(m, k);
	return m->keys[i] ? m->vals[i] : NULL;
}

static void ptrmap_put(struct ptrmap *m, const void *k, void *v)
{
	size_t i;
	if ((m->n + 1) * 2 > m->cap) {
		struct ptrmap old = *m;
		m->cap = old.cap ? old.cap * 2 : 256;
		m->keys = xcalloc(m->cap, sizeof(*m->keys));
		m->vals = xcalloc(m->cap, sizeof(*m->vals));
		m->n = 0;
		for (size_t j = 0; j < old.cap; j++)
			if (old.keys[j]) {
				i = ptrmap_slot(m, old.keys[j]);
				m->keys[i] = old.keys[j];
				m->vals[i] = old.vals[j];
				m->n++;
			}
		free(old.keys);
		free(old.vals);
	}
	i = ptrmap_slot(m, k);
	if (!m->keys[i])
		m->n++;
	m->keys[i] = k;
	m->vals[i] = v;
}

/* Free the map and, with free_vals, every value. */
static void ptrmap_free(struct ptrmap *m, int free_vals)
{
	if (free_vals)
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i])
				free(m->vals[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* ------------------------------------------------------------------ */
/* The lexer: tokens for the clone detector, notes, #if regions.      */

/* What finish() needs from the lexer besides the tokens in the facts. */
struct side {
	char *path;
	uint32_t *offs;   /* byte offset of each token, ascending */
	size_t noffs, alloc_offs;
	int (*cond)[2];   /* [first, last] lines of #if regions, include guard left out */
	size_t ncond, alloc_cond;
};

static void side_free(struct side *sd)
{
	if (!sd)
		return;
	free(sd->path);
	free(sd->offs);
	free(sd->cond);
	free(sd);
}

/* C11 keywords, with their lengths (the lexer asks for every identifier). */
#define KW(k) {k, sizeof(k) - 1}
static const struct {
	const char *name;
	size_t len;
} c_keywords[] = {
	KW("_Alignas"), KW("_Alignof"), KW("_Atomic"), KW("_Bool"), KW("_Complex"), KW("_Generic"),
	KW("_Imaginary"), KW("_Noreturn"), KW("_Static_assert"), KW("_Thread_local"), KW("auto"),
	KW("break"), KW("case"), KW("char"), KW("const"), KW("continue"), KW("default"), KW("do"),
	KW("double"), KW("else"), KW("enum"), KW("extern"), KW("float"), KW("for"), KW("goto"),
	KW("if"), KW("inline"), KW("int"), KW("long"), KW("register"), KW("restrict"), KW("return"),
	KW("short"), KW("signed"), KW("sizeof"), KW("static"), KW("struct"), KW("switch"),
	KW("typedef"), KW("union"), KW("unsigned"), KW("void"), KW("volatile"), KW("while"),
};
#undef KW

static int is_keyword(const char *s, size_t n)
{
	if (n < 2 || n > 14 || !((s[0] >= 'a' && s[0] <= 'w') || s[0] == '_'))
		return 0;
	for (size_t i = 0; i < sizeof(c_keywords) / sizeof(c_keywords[0]); i++)
		if (c_keywords[i].name[0] == s[0] && c_keywords[i].len == n &&
		    !memcmp(c_keywords[i].name, s, n))
			return 1;
	return 0;
}

/*
 * Length of the punctuator at s (avail bytes left): the three-character
 * ones ... <<= >>=, the two-character ones -> ++ -- << >> <= >= == != && ||
 * *= /= %= += -= &= ^= |= ##, else 1.
 */
static size_t punct_len(const char *s, size_t avail)
{
	char a = s[0], b = avail > 1 ? s[1] : '\0';
	if (avail > 2 && s[2] == (a == '.' ? '.' : '=') &&
	    ((a == '.' && b == '.') || (a == '<' && b == '<') || (a == '>' && b == '>')))
		return 3;
	switch (a) {
	case '-':
		return b == '>' || b == '-' || b == '=' ? 2 : 1;
	case '+':
	case '&':
	case '|':
		return b == a || b == '=' ? 2 : 1;
	case '<':
	case '>':
		return b == a || b == '=' ? 2 : 1;
	case '=':
	case '!':
	case '*':
	case '/':
	case '%':
	case '^':
		return b == '=' ? 2 : 1;
	case '#':
		return b == '#' ? 2 : 1;
	default:
		return 1;
	}
}

static int is_ident_start(unsigned char c)
{
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static int is_ident_char(unsigned char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

enum tokclass { TK_ID, TK_KEYWORD, TK_LIT, TK_PUNCT };

/*
 * A token as find_lexfuncs() sees it, beside ff->tokens[i] (its line) and
 * sd->offs[i] (its first byte).
 */
struct ltok {
	uint32_t end;       /* byte offset after it */
	int brace, paren;   /* nesting before the token (see struct ifdepth) */
	unsigned char kind; /* enum tokclass */
	unsigned char dir;  /* in a directive (a #define body) */
};

/*
 * Brace and parenthesis nesting across #if/#elif/#else: every branch
 * starts from the nesting at its #if, and after #endif the first branch's
 * nesting holds (`#if A  if (x) {  #else  if (y) {  #endif` opens one
 * brace, not two).
 */
struct ifdepth {
	int brace, paren;             /* at the #if */
	int first_brace, first_paren; /* at the end of the first branch */
	int alt;                      /* an #elif/#else was seen */
};

struct lexer {
	const char *src;
	size_t len, pos;
	int line;
	struct file_facts *ff; /* NULL: only fill side */
	struct side *sd;
	size_t ntok;
	struct ltok *toks; /* with ff: the tokens, for find_lexfuncs() */
	size_t alloc_toks;
	int in_dir;        /* lexing a directive */
	int includes;      /* add #include directives to ff->imports (--lexical C) */
	int brace, paren;  /* nesting outside directives */
	struct ifdepth *ifs;
	size_t nifs, alloc_ifs;
	uint32_t h_id, h_lit;
	/* #if stack: start line, and whether it is the include-guard candidate */
	int *stack;
	size_t nstack, alloc_stack;
	int ndirectives;      /* directives seen so far */
	int guard_open;       /* the guard candidate is on the stack (at depth 0) */
	int guard_line;       /* its #ifndef line, 0 when none */
	size_t guard_end_tok; /* tokens emitted when its #endif was seen */
	int guard_end_line;
	int guard_after;      /* a directive came after the guard's #endif */
};

static uint32_t hash32(const char *s, size_t n)
{
	return (uint32_t)hash64(s, n);
}

static void emit(struct lexer *lx, size_t start, size_t end, enum tokclass k, int line)
{
	struct side *sd = lx->sd;
	lx->ntok++;
	if (lx->ff) {
		struct fact_token *t = facts_add_token(lx->ff);
		struct ltok *lt;
		t->exact = hash32(lx->src + start, end - start);
		t->norm = k == TK_ID ? lx->h_id : k == TK_LIT ? lx->h_lit : t->exact;
		t->line = (uint32_t)line;
		ALLOC_GROW(lx->toks, lx->ff->ntokens, lx->alloc_toks);
		lt = &lx->toks[lx->ff->ntokens - 1];
		lt->end = (uint32_t)end;
		lt->kind = (unsigned char)k;
		lt->dir = (unsigned char)lx->in_dir;
		lt->brace = lx->brace;
		lt->paren = lx->paren;
		if (k == TK_PUNCT && end - start == 1 && !lx->in_dir) {
			char c = lx->src[start];
			lx->brace += (c == '{') - (c == '}' && lx->brace > 0);
			lx->paren += (c == '(') - (c == ')' && lx->paren > 0);
		}
	}
	ALLOC_GROW(sd->offs, sd->noffs + 1, sd->alloc_offs);
	sd->offs[sd->noffs++] = (uint32_t)start;
}

/*
 * "unravel:", blanks, "allow-duplicate" and no word character after it: the
 * Python frontend's unravel:\s*allow-duplicate\b, so that one marker works
 * in both languages.
 */
static int allow_marker(const char *s, size_t n)
{
	size_t i = 8;
	if (n < 8 || strncmp(s, "unravel:", 8))
		return 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f' ||
			 s[i] == '\v'))
		i++;
	return n - i >= 15 && !strncmp(s + i, "allow-duplicate", 15) &&
	       (i + 15 == n || !is_ident_char((unsigned char)s[i + 15]));
}

/* Look for unfinished-work markers (verify.h) and `unravel: allow-duplicate` in a comment s[0..n) starting on line. */
static void scan_comment(struct lexer *lx, const char *s, size_t n, int line, int col)
{
	/*
	 * Not the word "placeholder" as in Python comments: C comments use it
	 * for format specifiers and reserved slots far too often.
	 */
	static const char *const markers[] = {"TODO", "FIXME", "XXX"};
	int l = line, c = col;
	if (!lx->ff)
		return;
	for (size_t i = 0; i < n; i++) {
		int hit = -1;
		if (s[i] == '\n') {
			l++;
			c = 1;
			continue;
		}
		/* Every marker starts with one of these. */
		if (s[i] != 'T' && s[i] != 'F' && s[i] != 'X' && s[i] != 'u') {
			c++;
			continue;
		}
		if (s[i] == 'u' && allow_marker(s + i, n - i)) {
			hit = NOTE_ALLOW_DUPLICATE;
		} else {
			for (size_t m = 0; m < 3; m++) {
				size_t ml = strlen(markers[m]);
				if (n - i >= ml && !strncmp(s + i, markers[m], ml) &&
				    (i == 0 || !is_ident_char((unsigned char)s[i - 1])) &&
				    (i + ml == n || !is_ident_char((unsigned char)s[i + ml])))
					hit = NOTE_TODO;
			}
		}
		if (hit >= 0) {
			struct fact_note *nt = facts_add_note(lx->ff);
			size_t e = i;
			while (e < n && s[e] != '\n')
				e++;
			while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' ||
					 (s[e - 1] == '/' && e >= 2 && s[e - 2] == '*' && e - 2 >= i) ||
					 s[e - 1] == '*'))
				e--;
			nt->kind = (enum note_kind)hit;
			nt->line = l;
			nt->col = c;
			nt->text = facts_strn(lx->ff, s + i, e - i);
			/* One note per comment line. */
			while (i < n && s[i] != '\n')
				i++;
			i--;
			continue;
		}
		c++;
	}
}

/* Column (1-based, bytes) of offset off on the current line. */
static int col_of(const struct lexer *lx, size_t off)
{
	size_t b = off;
	while (b > 0 && lx->src[b - 1] != '\n')
		b--;
	return (int)(off - b) + 1;
}

/* Skip a comment at lx->pos (which starts with / * or //). */
static void skip_comment(struct lexer *lx)
{
	const char *s = lx->src;
	size_t start = lx->pos;
	int line = lx->line, col = col_of(lx, start);
	if (s[lx->pos + 1] == '/') {
		while (lx->pos < lx->len && s[lx->pos] != '\n') {
			if (s[lx->pos] == '\\' && lx->pos + 1 < lx->len && s[lx->pos + 1] == '\n') {
				lx->pos++;
				lx->line++;
			}
			lx->pos++;
		}
		scan_comment(lx, s + start + 2, lx->pos - start - 2, line, col + 2);
		return;
	}
	lx->pos += 2;
	while (lx->pos < lx->len && !(s[lx->pos] == '*' && lx->pos + 1 < lx->len &&
				      s[lx->pos + 1] == '/')) {
		if (s[lx->pos] == '\n')
			lx->line++;
		lx->pos++;
	}
	scan_comment(lx, s + start + 2, (lx->pos < lx->len ? lx->pos : lx->len) - start - 2, line,
		     col + 2);
	if (lx->pos < lx->len)
		lx->pos += 2;
}

/* Skip horizontal space, backslash-newlines and comments; stop at a newline. */
static void skip_space(struct lexer *lx)
{
	const char *s = lx->src;
	while (lx->pos < lx->len) {
		char c = s[lx->pos];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			lx->pos++;
		} else if (c == '\\' && lx->pos + 1 < lx->len && s[lx->pos + 1] == '\n') {
			lx->pos += 2;
			lx->line++;
		} else if (c == '\\' && lx->pos + 2 < lx->len && s[lx->pos + 1] == '\r' &&
			   s[lx->pos + 2] == '\n') {
			lx->pos += 3;
			lx->line++;
		} else if (c == '/' && lx->pos + 1 < lx->len &&
			   (s[lx->pos + 1] == '/' || s[lx->pos + 1] == '*')) {
			skip_comment(lx);
		} else {
			break;
		}
	}
}

/* Lex one token at lx->pos (not space, not a newline). */
static void lex_token(struct lexer *lx)
{
	const char *s = lx->src;
	size_t start = lx->pos, n = lx->len;
	int line = lx->line;
	unsigned char c = (unsigned char)s[start];

	if (is_ident_start(c)) {
		size_t e = start;
		while (e < n && is_ident_char((unsigned char)s[e]))
			e++;
		/* Encoding prefixes of string and character literals. */
		if (e < n && (s[e] == '"' || s[e] == '\'') &&
		    ((e - start == 1 && (c == 'L' || c == 'u' || c == 'U')) ||
		     (e - start == 2 && c == 'u' && s[start + 1] == '8'))) {
			lx->pos = e;
			goto quoted;
		}
		lx->pos = e;
		emit(lx, start, e, is_keyword(s + start, e - start) ? TK_KEYWORD : TK_ID, line);
		return;
	}
	if ((c >= '0' && c <= '9') || (c == '.' && start + 1 < n && s[start + 1] >= '0' &&
				       s[start + 1] <= '9')) {
		size_t e = start + 1;
		while (e < n) {
			unsigned char d = (unsigned char)s[e];
			if ((d == '+' || d == '-') && strchr("eEpP", s[e - 1]))
				e++;
			else if (is_ident_char(d) || d == '.' || d == '\'')
				e++;
			else
				break;
		}
		lx->pos = e;
		emit(lx, start, e, TK_LIT, line);
		return;
	}
	if (c == '"' || c == '\'') {
quoted:;
		char q = s[lx->pos];
		size_t e = lx->pos + 1;
		while (e < n && s[e] != q && s[e] != '\n') {
			if (s[e] == '\\' && e + 1 < n) {
				if (s[e + 1] == '\n')
					lx->line++;
				e++;
			}
			e++;
		}
		if (e < n && s[e] == q)
			e++;
		lx->pos = e;
		emit(lx, start, e, TK_LIT, line);
		return;
	}
	lx->pos = start + punct_len(s + start, n - start);
	emit(lx, start, lx->pos, TK_PUNCT, line);
}

/*
 * An #include as written (lx->pos after the word), for --lexical C: the
 * spelling, not where it leads (no include path is searched).
 */
static void lexical_include(struct lexer *lx, int line, int col)
{
	const char *s = lx->src;
	size_t i, e;
	char close;
	struct fact_import *im;
	int conditional = 0;

	skip_space(lx);
	i = lx->pos;
	if (i >= lx->len || (s[i] != '"' && s[i] != '<'))
		return; /* a macro naming the header */
	close = s[i] == '<' ? '>' : '"';
	for (e = i + 1; e < lx->len && s[e] != close && s[e] != '\n'; e++)
		;
	if (e >= lx->len || s[e] != close || e == i + 1)
		return;
	for (size_t k = 0; k < lx->nstack; k++)
		conditional |= lx->stack[k] > 0; /* the include guard is pushed as -line */
	im = facts_add_import(lx->ff);
	im->module = facts_strn(lx->ff, s + i + 1, e - i - 1);
	im->text = arena_strfmt(lx->ff->arena, close == '>' ? "#include <%s>" : "#include \"%s\"",
				im->module);
	im->line = line;
	im->col = col;
	im->angled = close == '>';
	im->scope = conditional ? SCOPE_CONDITIONAL : SCOPE_MODULE;
}

/* Keep the nesting of braces and parentheses across conditional directive name. */
static void track_ifdepth(struct lexer *lx, const char *name)
{
	struct ifdepth *d = lx->nifs ? &lx->ifs[lx->nifs - 1] : NULL;
	if (!strcmp(name, "if") || !strcmp(name, "ifdef") || !strcmp(name, "ifndef")) {
		ALLOC_GROW(lx->ifs, lx->nifs + 1, lx->alloc_ifs);
		lx->ifs[lx->nifs++] = (struct ifdepth){lx->brace, lx->paren, 0, 0, 0};
	} else if (d && (!strcmp(name, "else") || !strncmp(name, "elif", 4))) {
		if (!d->alt) {
			d->first_brace = lx->brace;
			d->first_paren = lx->paren;
			d->alt = 1;
		}
		lx->brace = d->brace;
		lx->paren = d->paren;
	} else if (d && !strcmp(name, "endif")) {
		if (d->alt) {
			lx->brace = d->first_brace;
			lx->paren = d->first_paren;
		}
		lx->nifs--;
	}
}

/* A directive line; lx->pos is just after the '#'. */
static void lex_directive(struct lexer *lx, size_t hash_pos)
{
	const char *s = lx->src;
	size_t name_start, name_end;
	int line = lx->line;
	char name[16];
	size_t ntok_before = lx->ntok;

	skip_space(lx);
	name_start = lx->pos;
	while (lx->pos < lx->len && is_ident_char((unsigned char)s[lx->pos]))
		lx->pos++;
	name_end = lx->pos;
	snprintf(name, sizeof(name), "%.*s", (int)(name_end - name_start > 15 ? 15 : name_end - name_start),
		 s + name_start);

	if (lx->guard_end_line)
		lx->guard_after = 1;
	if (!strcmp(name, "define")) {
		/*
		 * Macro bodies are code: keep their tokens (and the '#define'
		 * itself), unless there is no body (`#define X_H`): that is a
		 * flag, and every include guard would look like a clone.
		 */
		size_t mark = lx->ntok;
		emit(lx, hash_pos, hash_pos + 1, TK_PUNCT, line);
		emit(lx, name_start, name_end, TK_KEYWORD, line);
		for (;;) {
			skip_space(lx);
			if (lx->pos >= lx->len || s[lx->pos] == '\n')
				break;
			lex_token(lx);
		}
		if (lx->ntok - mark <= 3) {
			size_t drop = lx->ntok - mark;
			lx->ntok -= drop;
			lx->sd->noffs -= drop;
			if (lx->ff)
				lx->ff->ntokens -= drop;
		}
		lx->ndirectives++;
		return;
	}
	if (lx->ff)
		track_ifdepth(lx, name);
	if (!strcmp(name, "if") || !strcmp(name, "ifdef") || !strcmp(name, "ifndef")) {
		int guard = 0;
		if (lx->ndirectives == 0 && ntok_before == 0 && lx->nstack == 0 &&
		    !strcmp(name, "ifndef")) {
			guard = 1;
			lx->guard_open = 1;
			lx->guard_line = line;
		}
		ALLOC_GROW(lx->stack, lx->nstack + 1, lx->alloc_stack);
		lx->stack[lx->nstack++] = guard ? -line : line;
	} else if (!strcmp(name, "endif") && lx->nstack) {
		int start = lx->stack[--lx->nstack];
		if (start < 0) {
			lx->guard_open = 0;
			lx->guard_end_tok = lx->ntok;
			lx->guard_end_line = line;
		} else {
			ALLOC_GROW(lx->sd->cond, lx->sd->ncond + 1, lx->sd->alloc_cond);
			lx->sd->cond[lx->sd->ncond][0] = start;
			lx->sd->cond[lx->sd->ncond][1] = line;
			lx->sd->ncond++;
		}
	}
	lx->ndirectives++;
	if (lx->includes && lx->ff && !strcmp(name, "include"))
		lexical_include(lx, line, col_of(lx, hash_pos));
	/* Skip the rest of the directive (comments inside still give notes). */
	for (;;) {
		skip_space(lx);
		if (lx->pos >= lx->len || s[lx->pos] == '\n')
			break;
		if (s[lx->pos] == '"' || s[lx->pos] == '\'') {
			char q = s[lx->pos++];
			while (lx->pos < lx->len && s[lx->pos] != q && s[lx->pos] != '\n')
				lx->pos += (s[lx->pos] == '\\' && lx->pos + 1 < lx->len &&
					    s[lx->pos + 1] != '\n') ? 2 : 1;
			if (lx->pos < lx->len && s[lx->pos] == q)
				lx->pos++;
		} else {
			lx->pos++;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Function definitions as the text shows them (ff->lexfuncs).         */

/* The character of a one-character punctuator outside directives, else 0. */
static char punct1(const struct lexer *lx, size_t i)
{
	const struct ltok *t = &lx->toks[i];
	uint32_t start = lx->sd->offs[i];
	if (t->dir || t->kind != TK_PUNCT || t->end - start != 1)
		return 0;
	return lx->src[start];
}

static int tok_is(const struct lexer *lx, size_t i, const char *word)
{
	const struct ltok *t = i < lx->ff->ntokens ? &lx->toks[i] : NULL;
	size_t n = strlen(word);
	return t && !t->dir && t->end - lx->sd->offs[i] == n &&
	       !memcmp(lx->src + lx->sd->offs[i], word, n);
}

/* Index of the token before i outside directives, or SIZE_MAX. */
static size_t tok_before(const struct lexer *lx, size_t i)
{
	while (i-- > 0)
		if (!lx->toks[i].dir)
			return i;
	return SIZE_MAX;
}

/* The '(' matching the ')' at i, not before token from, or SIZE_MAX. */
static size_t open_paren(const struct lexer *lx, size_t i, size_t from)
{
	int want = lx->toks[i].paren - 1;
	for (size_t k = i; k-- > from;)
		if (lx->toks[k].paren == want && punct1(lx, k) == '(')
			return k;
	return SIZE_MAX;
}

/* The '}' closing the '{' at i (the token count when it is never closed). */
static size_t close_brace(const struct lexer *lx, size_t i)
{
	size_t n = lx->ff->ntokens;
	int want = lx->toks[i].brace + 1;
	for (size_t k = i + 1; k < n; k++)
		if (lx->toks[k].brace == want && punct1(lx, k) == '}')
			return k;
	return n;
}

/*
 * The '{' at open, with the top-level declaration it ends starting at
 * token decl: a function definition when it is `... name ( ... ) {`,
 * maybe with attributes or annotation macros between ')' and '{'
 * (`__attribute__((x))`, `CURL_NORETURN`). K&R parameter declarations
 * and definitions a macro spells are not recognised.
 */
static void lexfunc_at(struct lexer *lx, size_t decl, size_t open, size_t close)
{
	struct file_facts *ff = lx->ff;
	const struct ltok *t = lx->toks;
	size_t j = tok_before(lx, open), k, name;
	struct fact_func *fn;

	while (j != SIZE_MAX && j > decl) {
		size_t p = tok_before(lx, j);
		if (t[j].kind == TK_ID && p != SIZE_MAX && punct1(lx, p) == ')') {
			j = p; /* `) MACRO {` */
			continue;
		}
		if (punct1(lx, j) == ')' && (k = open_paren(lx, j, decl)) != SIZE_MAX &&
		    (tok_is(lx, tok_before(lx, k), "__attribute__") ||
		     tok_is(lx, tok_before(lx, k), "__declspec"))) {
			j = tok_before(lx, tok_before(lx, k)); /* `) __attribute__((x)) {` */
			continue;
		}
		break;
	}
	if (j == SIZE_MAX || j <= decl || punct1(lx, j) != ')')
		return;
	k = open_paren(lx, j, decl);
	name = k == SIZE_MAX ? SIZE_MAX : tok_before(lx, k);
	if (name != SIZE_MAX && name > decl && punct1(lx, name) == ')') {
		/* `int (*pick(int which))(int) {`: the name is the one called inside */
		size_t in = open_paren(lx, name, decl), m = name;
		name = SIZE_MAX;
		for (size_t q = in == SIZE_MAX ? m : in + 1; q + 1 < m; q++)
			if (t[q].kind == TK_ID && punct1(lx, q + 1) == '(') {
				name = q;
				break;
			}
	}
	if (name == SIZE_MAX || name < decl || t[name].kind != TK_ID)
		return;
	fn = facts_add_lexfunc(ff);
	fn->name = facts_strn(ff, lx->src + lx->sd->offs[name], t[name].end - lx->sd->offs[name]);
	fn->line = (int)ff->tokens[name].line;
	fn->col = col_of(lx, lx->sd->offs[name]);
	fn->end_line = close < ff->ntokens ? (int)ff->tokens[close].line : lx->line;
	fn->tok_start = (uint32_t)open;
	fn->tok_end = (uint32_t)(close < ff->ntokens ? close + 1 : close);
	fn->placeholder = fn->tok_end - fn->tok_start <= 2;
	for (size_t i = decl; i < name; i++)
		if (t[i].kind == TK_KEYWORD && tok_is(lx, i, "static"))
			fn->is_static = 1;
}

/*
 * Walk the file's top level (nesting as struct ifdepth keeps it): every
 * '{' outside parentheses opens a function body, a struct/union/enum or
 * an initializer (skipped whole), or is `extern "C" {`, whose contents
 * are top level too.
 */
static void find_lexfuncs(struct lexer *lx)
{
	const struct ltok *t = lx->toks;
	size_t n = lx->ff->ntokens, decl = 0;
	int top = 0; /* braces of extern "C" open */

	for (size_t i = 0; i < n; i++) {
		char c = punct1(lx, i);
		size_t close, p;
		if (!c || t[i].brace != top)
			continue;
		if (c == ';' && !t[i].paren) {
			decl = i + 1;
		} else if (c == '}') {
			top -= top > 0; /* the end of extern "C" (or a stray brace) */
			decl = i + 1;
		} else if (c == '{' && !t[i].paren) {
			p = tok_before(lx, i);
			if (p != SIZE_MAX && t[p].kind == TK_LIT && tok_is(lx, tok_before(lx, p), "extern")) {
				top++;
				decl = i + 1;
				continue;
			}
			close = close_brace(lx, i);
			lexfunc_at(lx, decl, i, close);
			i = close;
			decl = close + 1;
		}
	}
}

/*
 * Lex src[0..len): tokens and notes into ff (when not NULL), offsets and
 * #if regions into sd. The include guard (a first #ifndef whose #endif ends
 * the file) is not a region: what it guards is unconditional.
 */
static void lex_c(const char *src, size_t len, struct file_facts *ff, struct side *sd,
		  int includes)
{
	struct lexer lx;
	int at_line_start = 1;

	memset(&lx, 0, sizeof(lx));
	lx.src = src;
	lx.len = len;
	lx.line = 1;
	lx.ff = ff;
	lx.sd = sd;
	lx.includes = includes;
	lx.h_id = hash32("$id", 3);
	lx.h_lit = hash32("$lit", 4);
	while (lx.pos < len) {
		skip_space(&lx);
		if (lx.pos >= len)
			break;
		if (src[lx.pos] == '\n') {
			lx.pos++;
			lx.line++;
			at_line_start = 1;
			continue;
		}
		if (at_line_start && src[lx.pos] == '#') {
			size_t hash_pos = lx.pos++;
			lx.in_dir = 1;
			lex_directive(&lx, hash_pos);
			lx.in_dir = 0;
			continue;
		}
		at_line_start = 0;
		lex_token(&lx);
	}
	/*
	 * A guard candidate that did not enclose the whole file was an
	 * ordinary #ifndef after all.
	 */
	if (lx.guard_line && (!lx.guard_end_line || lx.guard_after || lx.ntok != lx.guard_end_tok)) {
		ALLOC_GROW(sd->cond, sd->ncond + 1, sd->alloc_cond);
		sd->cond[sd->ncond][0] = lx.guard_line;
		sd->cond[sd->ncond][1] = lx.guard_end_line ? lx.guard_end_line : lx.line;
		sd->ncond++;
	}
	/* Unterminated #if regions run to the end of the file. */
	while (lx.nstack) {
		int start = lx.stack[--lx.nstack];
		if (start < 0)
			continue;
		ALLOC_GROW(sd->cond, sd->ncond + 1, sd->alloc_cond);
		sd->cond[sd->ncond][0] = start;
		sd->cond[sd->ncond][1] = lx.line;
		sd->ncond++;
	}
	free(lx.stack);
	if (ff && !ff->nlexfuncs)
		find_lexfuncs(&lx);
	free(lx.toks);
	free(lx.ifs);
}

static int side_is_conditional(const struct side *sd, int line)
{
	for (size_t i = 0; sd && i < sd->ncond; i++)
		if (sd->cond[i][0] < line && line < sd->cond[i][1])
			return 1;
	return 0;
}

/* First token index whose offset is >= off. */
static uint32_t side_token_at(const struct side *sd, uint32_t off)
{
	size_t lo = 0, hi = sd ? sd->noffs : 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (sd->offs[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}

/* ------------------------------------------------------------------ */
/* Per-scan state shared between parse() and finish().              */

struct cstate {
	pthread_mutex_t lock;
	struct side **sides;
	size_t nsides, alloc_sides;
};

static int init(struct scan *s)
{
	struct cstate *cs = xcalloc(1, sizeof(*cs));
	pthread_mutex_init(&cs->lock, NULL);
	s->frontend_state[LANG_C] = cs;
	return 0;
}

static int parse(struct file_facts *ff, const char *src, size_t len, struct scan *s)
{
	struct cstate *cs = s->frontend_state[LANG_C];
	struct side *sd = xcalloc(1, sizeof(*sd));

	sd->path = xstrdup(ff->path);
	lex_c(src, len, ff, sd, s->opt->c_lexical);
	pthread_mutex_lock(&cs->lock);
	ALLOC_GROW(cs->sides, cs->nsides + 1, cs->alloc_sides);
	cs->sides[cs->nsides++] = sd;
	pthread_mutex_unlock(&cs->lock);
	return 0;
}

static void cstate_free(struct scan *s)
{
	struct cstate *cs = s->frontend_state[LANG_C];
	if (!cs)
		return;
	for (size_t i = 0; i < cs->nsides; i++)
		side_free(cs->sides[i]);
	free(cs->sides);
	pthread_mutex_destroy(&cs->lock);
	free(cs);
	s->frontend_state[LANG_C] = NULL;
}

/* ------------------------------------------------------------------ */
/* finish(): translation units.                                       */

static atomic_int nabandoned; /* parses abandoned in this process (run_tus()) */
#define MAX_ABANDONED 4

struct pfile {
	struct file_facts *ff;
	char *abs;        /* canonical absolute path */
	struct side *side;
	int is_header;
	atomic_int reached;  /* some TU included it (or it is a TU) */
	atomic_int best_key; /* which TU its declarations come from (smaller wins) */
	struct file_facts *best; /* staged declarations from that TU */
};

/* An error libclang reported in a TU. */
struct tdiag {
	char *file; /* as shown to the user; NULL: no location */
	int idx;    /* project file it is in, or -1 */
	int line, col, fatal;
	char *msg;
};

/* A file a TU entered, as it was then (the TU cache's dependencies). */
struct tdep {
	char *path; /* canonical */
	uint64_t size, mtime_ns;
};

struct tu {
	char *name;  /* project-relative path of the main file */
	int file;    /* its pfile index */
	char **args; /* clang arguments (without argv[0]), NULL-terminated */
	int nargs;
	int clean;
	int standalone; /* a header no TU includes, parsed on its own */
	/* What parsing it gave (or the TU cache gave back). */
	struct incl *incls; /* directives in project files */
	size_t nincls, alloc_incls;
	struct tdiag *diags;
	int ndiags, alloc_diags;
	struct tdep *deps;
	int ndeps, alloc_deps;
	int *touched; /* project files it has declarations of (ascending, no repeats) */
	int ntouched, alloc_touched;
	int parsed, failed, cacheable;
	int unparsed; /* libclang could not be loaded */
	int timed_out; /* libclang did not finish within --c-timeout (now or in a cached run) */
	int abandoned; /* its parse was abandoned in this run: a thread may still use its args */
	double timeout_s; /* the bound it did not finish within */
	int not_tried; /* not parsed: MAX_ABANDONED parses had been abandoned already */
};

/* A compilation database entry: its file and flags (without argv[0] and the file). */
struct dbent {
	char *abs;
	char **args;
	int nargs;
};

/* One #include directive seen in a project file by one TU. */
struct incl {
	int file, line, col, angled, tu;
	char *module, *resolved;
};

struct ctx {
	struct scan *s;
	struct pfile *files;
	int nfiles;
	struct strmap pathmap; /* canonical path -> pfile index */
	struct tu *tus;
	int ntus, alloc_tus;
	atomic_int next;
	int *todo; /* the TUs being parsed */
	int ntodo;
	pthread_mutex_t lock; /* guards the staged declarations and canon */
	struct strmap relmap; /* project-relative path -> pfile index */
	struct strmap canon; /* clang file name -> index into canon_names */
	char **canon_names;
	int ncanon, alloc_canon;
	char **fallback_args; /* the project's header folders, for -I or -idirafter */
	int nfallback_args;
	struct dbent *dbents; /* compilation database entries */
	int ndbents, alloc_dbents;
	int nunparsed;          /* TUs left unparsed: libclang could not be loaded */
	/* The watchdog of run_tus(): worker threads tell it when they stop. */
	pthread_mutex_t wd_lock;
	pthread_cond_t wd_cond;
	const char *clang_error; /* why */
};

/* Per-file information cached for one TU. */
struct tufile {
	int idx;          /* pfile index, or -1 */
	const char *canon; /* owned by ctx->canon_names */
};

/*
 * A worker thread as the watchdog sees it. libclang cannot be interrupted:
 * a parse that outlives --c-timeout (a macro that expands exponentially, an
 * include explosion) is abandoned: its thread is left running, detached,
 * and touches nothing but its slot when (if) the parse returns.
 */
enum { SLOT_IDLE, SLOT_PARSING, SLOT_BUSY, SLOT_ABANDONED, SLOT_EXITED };
#define SLOT_KIND(v) ((v) & 7)
struct slot {
	struct ctx *c;
	pthread_t th;
	atomic_int state;          /* SLOT_* | the number of the parse << 3 */
	int seq;
	atomic_int tu;             /* the TU being parsed */
	_Atomic uint64_t start_ns; /* when its parse began (CLOCK_MONOTONIC) */
	atomic_int tid;            /* the thread's id, to lower its priority once abandoned */
	int joined;
};

struct tuwork {
	struct ctx *c;
	struct slot *slot; /* NULL: parsing on the calling thread, without watchdog */
	int tu;
	CXTranslationUnit cxtu;
	struct ptrmap files; /* CXFile -> struct tufile */
	struct file_facts **staged; /* per pfile, NULL when not staged */
	int *nstaged_list;
	int nstaged, alloc_staged;
	int *mark; /* per pfile: tu + 1 once in the TU's touched list */
	/* while visiting a function body */
	struct file_facts *ff;
	const char *func;
	const char *cls;
};

static char *cxstr(CXString s)
{
	const char *p = cx.getCString(s);
	char *r = xstrdup(p ? p : "");
	cx.disposeString(s);
	return r;
}

/* Canonical absolute path for a name clang used (realpath, cached). */
static const char *canon_path(struct ctx *c, const char *name)
{
	char buf[PATH_MAX];
	const char *r;
	int i;

	pthread_mutex_lock(&c->lock);
	i = strmap_get(&c->canon, name);
	pthread_mutex_unlock(&c->lock);
	if (i >= 0)
		return c->canon_names[i];
	if (!realpath(name, buf)) {
		char *d = path_display(name);
		snprintf(buf, sizeof(buf), "%s", d);
		free(d);
	}
	pthread_mutex_lock(&c->lock);
	i = strmap_get(&c->canon, name);
	if (i < 0) {
		ALLOC_GROW(c->canon_names, c->ncanon + 1, c->alloc_canon);
		i = c->ncanon++;
		c->canon_names[i] = xstrdup(buf);
		strmap_put(&c->canon, name, i);
	}
	r = c->canon_names[i];
	pthread_mutex_unlock(&c->lock);
	return r;
}

static const struct tufile *tu_file(struct tuwork *w, CXFile f)
{
	struct tufile *tf;
	char *name;

	if (!f)
		return NULL;
	tf = ptrmap_get(&w->files, f);
	if (tf)
		return tf;
	tf = xmalloc(sizeof(*tf));
	name = cxstr(cx.getFileName(f));
	tf->canon = canon_path(w->c, name);
	free(name);
	tf->idx = strmap_get(&w->c->pathmap, tf->canon);
	ptrmap_put(&w->files, f, tf);
	return tf;
}

/* The expansion location of a cursor: project file index (or -1), line, col, offset. */
static int cursor_where(struct tuwork *w, CXCursor cur, unsigned *line, unsigned *col,
			unsigned *off)
{
	CXFile f;
	const struct tufile *tf;
	CXSourceLocation loc = cx.getCursorLocation(cur);
	cx.getExpansionLocation(loc, &f, line, col, off);
	tf = tu_file(w, f);
	return tf ? tf->idx : -1;
}

/* The staged facts of project file idx in this TU, or NULL when another TU owns them. */
static struct file_facts *staged(struct tuwork *w, int idx)
{
	struct pfile *pf = &w->c->files[idx];
	int key = w->c->tus[w->tu].file == idx ? -1 : w->tu;
	if (w->staged[idx])
		return w->staged[idx];
	if (atomic_load(&pf->best_key) <= key)
		return NULL;
	w->staged[idx] = facts_new(pf->ff->path, LANG_C);
	ALLOC_GROW(w->nstaged_list, w->nstaged + 1, w->alloc_staged);
	w->nstaged_list[w->nstaged++] = idx;
	return w->staged[idx];
}

/* The name a type is known by, without qualifiers, pointers and arrays; NULL for builtins. */
static char *type_name(CXType t)
{
	char *s, *p;
	for (;;) {
		enum CXTypeKind k = t.kind;
		if (k == CXType_Pointer)
			t = cx.getPointeeType(t);
		else if (k == CXType_ConstantArray || k == CXType_IncompleteArray ||
			 k == CXType_VariableArray || k == CXType_DependentSizedArray)
			t = cx.getArrayElementType(t);
		else
			break;
	}
	if (t.kind == CXType_Elaborated) {
		CXType named = cx.Type_getNamedType(t);
		if (named.kind != CXType_Invalid)
			t = named;
	}
	if (t.kind != CXType_Record && t.kind != CXType_Typedef && t.kind != CXType_Enum)
		return NULL;
	if (t.kind == CXType_Record || t.kind == CXType_Enum) {
		CXCursor d = cx.getTypeDeclaration(t);
		if (cx.Cursor_isAnonymous(d))
			return NULL;
		s = cxstr(cx.getCursorSpelling(d));
		if (*s)
			return s;
		free(s);
		return NULL;
	}
	s = cxstr(cx.getTypeSpelling(t));
	/* Strip qualifiers and tag keywords that a spelling may carry. */
	for (;;) {
		static const char *const pre[] = {"const ", "volatile ", "restrict ", "struct ",
						  "union ", "enum ", NULL};
		int hit = 0;
		for (int i = 0; pre[i]; i++)
			if (starts_with(s, pre[i])) {
				memmove(s, s + strlen(pre[i]), strlen(s + strlen(pre[i])) + 1);
				hit = 1;
			}
		if (!hit)
			break;
	}
	for (p = s; *p; p++)
		if (*p == ' ' || *p == '*' || *p == '(' || *p == '[')
			break;
	*p = '\0';
	if (!*s) {
		free(s);
		return NULL;
	}
	return s;
}

/* Name of a struct/union definition: its tag, or the typedef that names an anonymous one. */
static char *record_name(CXCursor cur)
{
	char *s;
	if (!cx.Cursor_isAnonymous(cur)) {
		s = cxstr(cx.getCursorSpelling(cur));
		if (*s && !strchr(s, ' ') && !strchr(s, '('))
			return s;
		free(s);
	}
	s = cxstr(cx.getTypeSpelling(cx.getCursorType(cur)));
	if (*s && !strchr(s, ' ') && !strchr(s, '(') && !strchr(s, ':'))
		return s;
	free(s);
	return NULL;
}

struct field_visit {
	struct tuwork *w;
	struct file_facts *ff;
	const char *cls;
};

static enum CXChildVisitResult visit_field(CXCursor cur, CXCursor parent, CXClientData data)
{
	struct field_visit *fv = data;
	enum CXCursorKind k = cx.getCursorKind(cur);
	unsigned line, col, off;
	(void)parent;

	if (k == CXCursor_FieldDecl) {
		char *tn = type_name(cx.getCursorType(cur));
		if (tn) {
			struct fact_ref *r;
			char *name = cxstr(cx.getCursorSpelling(cur));
			cursor_where(fv->w, cur, &line, &col, &off);
			r = facts_add_ref(fv->ff);
			r->kind = REF_FIELD;
			r->cls = facts_str(fv->ff, fv->cls);
			r->attr = facts_str(fv->ff, name);
			r->value = facts_str(fv->ff, tn);
			r->line = (int)line;
			r->col = (int)col;
			free(name);
			free(tn);
		}
	} else if ((k == CXCursor_StructDecl || k == CXCursor_UnionDecl) &&
		   cx.Cursor_isAnonymous(cur)) {
		/* Members of an anonymous struct/union belong to the enclosing one. */
		cx.visitChildren(cur, visit_field, fv);
	}
	return CXChildVisit_Continue;
}

static void add_record(struct tuwork *w, struct file_facts *ff, CXCursor cur, unsigned line,
		       unsigned col)
{
	char *name = record_name(cur);
	struct fact_class *fc;
	struct field_visit fv;
	unsigned eline;
	CXSourceRange ext = cx.getCursorExtent(cur);

	if (!name)
		return;
	cx.getExpansionLocation(cx.getRangeEnd(ext), NULL, &eline, NULL, NULL);
	fc = facts_add_class(ff);
	fc->name = facts_str(ff, name);
	fc->line = (int)line;
	fc->col = (int)col;
	fc->end_line = (int)eline;
	fv.w = w;
	fv.ff = ff;
	fv.cls = fc->name;
	cx.visitChildren(cur, visit_field, &fv);
	free(name);
}

static void add_typedef(struct tuwork *w, struct file_facts *ff, CXCursor cur, unsigned line,
			unsigned col)
{
	CXType u = cx.getTypedefDeclUnderlyingType(cur);
	char *name, *tag = NULL;
	struct fact_class *fc;
	(void)w;

	if (u.kind == CXType_Elaborated)
		u = cx.Type_getNamedType(u);
	if (u.kind != CXType_Record)
		return;
	name = cxstr(cx.getCursorSpelling(cur));
	{
		CXCursor d = cx.getTypeDeclaration(u);
		if (!cx.Cursor_isAnonymous(d)) {
			tag = cxstr(cx.getCursorSpelling(d));
			if (!*tag || !strcmp(tag, name) || strchr(tag, ' ')) {
				free(tag);
				tag = NULL;
			}
		}
	}
	/* typedef struct {..} Foo: the struct itself is already recorded as Foo. */
	if (!tag) {
		CXCursor d = cx.getTypeDeclaration(u);
		char *rn = record_name(d);
		int same = rn && !strcmp(rn, name);
		free(rn);
		if (same && cx.isCursorDefinition(d)) {
			free(name);
			return;
		}
	}
	fc = facts_add_class(ff);
	fc->name = facts_str(ff, name);
	fc->line = (int)line;
	fc->col = (int)col;
	fc->end_line = (int)line;
	if (tag) {
		const char **b = arena_alloc(ff->arena, sizeof(*b));
		b[0] = facts_str(ff, tag);
		fc->bases = b;
		fc->nbases = 1;
	}
	free(name);
	free(tag);
}

static enum CXChildVisitResult visit_body(CXCursor cur, CXCursor parent, CXClientData data)
{
	struct tuwork *w = data;
	(void)parent;
	if (cx.getCursorKind(cur) == CXCursor_CallExpr) {
		char *callee = cxstr(cx.getCursorSpelling(cur));
		if (*callee) {
			unsigned line, col, off;
			struct fact_ref *r;
			cursor_where(w, cur, &line, &col, &off);
			r = facts_add_ref(w->ff);
			r->kind = REF_CALL;
			r->func = w->func;
			r->value = facts_str(w->ff, callee);
			r->line = (int)line;
			r->col = (int)col;
		}
		free(callee);
	}
	return CXChildVisit_Recurse;
}

static enum CXChildVisitResult find_body(CXCursor cur, CXCursor parent, CXClientData data)
{
	(void)parent;
	if (cx.getCursorKind(cur) == CXCursor_CompoundStmt) {
		*(CXCursor *)data = cur;
		return CXChildVisit_Break;
	}
	return CXChildVisit_Continue;
}

static void add_function(struct tuwork *w, struct file_facts *ff, CXCursor cur, unsigned line,
			 unsigned col)
{
	struct fact_func *fn;
	CXCursor body = cx.getNullCursor();
	int nargs = cx.Cursor_getNumArguments(cur);
	char *name = cxstr(cx.getCursorSpelling(cur));
	unsigned eline, boff = 0, eoff = 0;

	cx.visitChildren(cur, find_body, &body);
	fn = facts_add_func(ff);
	fn->name = facts_str(ff, name);
	fn->line = (int)line;
	fn->col = (int)col;
	cx.getExpansionLocation(cx.getRangeEnd(cx.getCursorExtent(cur)), NULL, &eline,
				   NULL, NULL);
	fn->end_line = (int)eline;
	fn->is_static = cx.Cursor_getStorageClass(cur) == CX_SC_Static;
	if (nargs > 0) {
		fn->params = arena_alloc(ff->arena, sizeof(*fn->params) * (size_t)nargs);
		fn->nparams = nargs;
		for (int i = 0; i < nargs; i++) {
			CXCursor a = cx.Cursor_getArgument(cur, (unsigned)i);
			char *pn = cxstr(cx.getCursorSpelling(a));
			char *pt = cxstr(cx.getTypeSpelling(cx.getCursorType(a)));
			fn->params[i].name = facts_str(ff, pn);
			fn->params[i].annotation = facts_str(ff, pt);
			free(pn);
			free(pt);
		}
	}
	if (!cx.Cursor_isNull(body)) {
		CXSourceRange r = cx.getCursorExtent(body);
		cx.getExpansionLocation(cx.getRangeStart(r), NULL, NULL, NULL, &boff);
		cx.getExpansionLocation(cx.getRangeEnd(r), NULL, NULL, NULL, &eoff);
		w->ff = ff;
		w->func = fn->name;
		cx.visitChildren(body, visit_body, w);
		w->ff = NULL;
		w->func = NULL;
	}
	/* Byte offsets for now; merge() turns them into token indexes. */
	fn->tok_start = boff;
	fn->tok_end = eoff > boff ? eoff : boff;
	free(name);
}

static void add_inclusion(struct tuwork *w, CXCursor cur, int idx, unsigned line, unsigned col,
			  unsigned off)
{
	struct tu *t = &w->c->tus[w->tu];
	struct incl *in;
	CXFile here, inc = cx.getIncludedFile(cur);
	const struct tufile *tf = tu_file(w, inc);
	size_t size = 0;
	const char *buf;
	int angled = 0;

	/* Angled or quoted: the spelling has no delimiters, the source does. */
	cx.getExpansionLocation(cx.getCursorLocation(cur), &here, NULL, NULL, NULL);
	buf = cx.getFileContents(w->cxtu, here, &size);
	for (size_t i = off; buf && i < size && buf[i] != '\n'; i++)
		if (buf[i] == '<' || buf[i] == '"') {
			angled = buf[i] == '<';
			break;
		}
	ALLOC_GROW(t->incls, t->nincls + 1, t->alloc_incls);
	in = &t->incls[t->nincls++];
	in->file = idx;
	in->line = (int)line;
	in->col = (int)col;
	in->angled = angled;
	in->tu = w->tu;
	in->module = cxstr(cx.getCursorSpelling(cur));
	in->resolved = tf ? xstrdup(tf->canon) : NULL;
}

static enum CXChildVisitResult visit_top(CXCursor cur, CXCursor parent, CXClientData data)
{
	struct tuwork *w = data;
	enum CXCursorKind k = cx.getCursorKind(cur);
	unsigned line, col, off;
	struct file_facts *ff;
	int idx;
	(void)parent;

	if (k != CXCursor_InclusionDirective && k != CXCursor_StructDecl &&
	    k != CXCursor_UnionDecl && k != CXCursor_TypedefDecl && k != CXCursor_FunctionDecl)
		return CXChildVisit_Continue;
	if (cx.Location_isInSystemHeader(cx.getCursorLocation(cur)))
		return CXChildVisit_Continue;
	idx = cursor_where(w, cur, &line, &col, &off);
	if (idx < 0)
		return CXChildVisit_Continue;
	if (k == CXCursor_InclusionDirective) {
		add_inclusion(w, cur, idx, line, col, off);
		return CXChildVisit_Continue;
	}
	if (k != CXCursor_TypedefDecl && !cx.isCursorDefinition(cur))
		return CXChildVisit_Continue;
	if (w->mark[idx] != w->tu + 1) {
		struct tu *t = &w->c->tus[w->tu];
		w->mark[idx] = w->tu + 1;
		ALLOC_GROW(t->touched, t->ntouched + 1, t->alloc_touched);
		t->touched[t->ntouched++] = idx;
	}
	ff = staged(w, idx);
	if (!ff)
		return CXChildVisit_Continue;
	switch (k) {
	case CXCursor_StructDecl:
	case CXCursor_UnionDecl:
		add_record(w, ff, cur, line, col);
		break;
	case CXCursor_TypedefDecl:
		add_typedef(w, ff, cur, line, col);
		break;
	case CXCursor_FunctionDecl:
		add_function(w, ff, cur, line, col);
		break;
	default:
		break;
	}
	return CXChildVisit_Continue;
}

/* Collect the TU's errors (emitted later in TU order, so output does not depend on threads). */
static int collect_diagnostics(struct tuwork *w, CXTranslationUnit tu)
{
	struct ctx *c = w->c;
	struct tu *t = &c->tus[w->tu];
	unsigned n = cx.getNumDiagnostics(tu);
	int errors = 0;

	for (unsigned i = 0; i < n; i++) {
		CXDiagnostic d = cx.getDiagnostic(tu, i);
		enum CXDiagnosticSeverity sev = cx.getDiagnosticSeverity(d);
		if (sev >= CXDiagnostic_Error) {
			CXFile f;
			unsigned line = 0, col = 0;
			const struct tufile *tf;
			char *msg = cxstr(cx.getDiagnosticSpelling(d));
			struct tdiag *td;

			if (starts_with(msg, "too many errors emitted")) {
				free(msg);
				cx.disposeDiagnostic(d);
				continue;
			}
			errors++;
			cx.getExpansionLocation(cx.getDiagnosticLocation(d), &f, &line, &col,
						   NULL);
			tf = tu_file(w, f);
			ALLOC_GROW(t->diags, t->ndiags + 1, t->alloc_diags);
			td = &t->diags[t->ndiags++];
			td->idx = tf ? tf->idx : -1;
			if (tf && tf->idx >= 0)
				td->file = xstrdup(c->files[tf->idx].ff->path);
			else if (tf)
				td->file = path_display(tf->canon);
			else
				td->file = NULL;
			td->line = (int)line;
			td->col = (int)col;
			td->fatal = sev == CXDiagnostic_Fatal;
			td->msg = msg;
		}
		cx.disposeDiagnostic(d);
	}
	return errors;
}

/*
 * Report every TU's errors, once per location and text over the whole run.
 * Fatal ones (a missing header) are all shown; of the others, which tend to
 * cascade from the first, at most MAX_SHOWN per TU, then a count.
 */
#define MAX_SHOWN 5
static void emit_diagnostics(struct ctx *c)
{
	struct strmap seen = {0};
	int not_tried = 0;
	for (int i = 0; i < c->ntus; i++) {
		struct tu *t = &c->tus[i];
		int shown = 0, hidden = 0;
		if (t->not_tried) {
			c->files[t->file].ff->parse_errors++;
			not_tried++;
			continue;
		}
		if (t->timed_out) {
			diag_warn(t->name, 0, 0, "libclang did not finish parsing this translation unit "
				  "within %g s (--c-timeout)%s; its #include edges and declarations are "
				  "missing (a macro that expands exponentially, or an include explosion?)",
				  t->timeout_s, t->abandoned ? "" : " in an earlier run whose "
				  "record is in the TU cache, and no project file changed since");
			c->files[t->file].ff->parse_errors++;
			continue;
		}
		if (t->failed) {
			diag_warn(t->name, 0, 0, "libclang could not parse this translation unit");
			c->files[t->file].ff->parse_errors++;
			continue;
		}
		for (int k = 0; k < t->ndiags; k++) {
			const struct tdiag *d = &t->diags[k];
			const char *file = d->file ? d->file : t->name;
			char *key = xstrfmt("%s:%d:%d:%s", file, d->line, d->col, d->msg);
			if (strmap_put(&seen, key, 1)) {
				if (d->idx >= 0)
					c->files[d->idx].ff->parse_errors++;
				if (d->fatal || (shown < MAX_SHOWN && !t->standalone)) {
					diag_warn(file, d->line, d->col, "%s", d->msg);
					shown += !d->fatal;
				} else {
					hidden++;
				}
			}
			free(key);
		}
		if (hidden && t->standalone)
			diag_warn(t->name, 0, 0,
				  "no translation unit includes this header; parsed on its own, it "
				  "has %d error%s (its facts may be incomplete)", hidden,
				  hidden == 1 ? "" : "s");
		else if (hidden)
			diag_warn(t->name, 0, 0, "%d more error%s in this translation unit not shown",
				  hidden, hidden == 1 ? "" : "s");
	}
	strmap_free(&seen);
	if (not_tried)
		diag_warn(NULL, 0, 0, "%d C translation unit%s not parsed: the parses of %d others "
			  "outlived --c-timeout and are still running (each holds a core and its "
			  "memory until unravel exits)", not_tried, not_tried == 1 ? " was" : "s were",
			  atomic_load(&nabandoned));
}

struct deps_visit {
	struct tuwork *w;
	int stat_files;
};

/* Every file the TU entered: a project file is reached; for the TU cache, its size and mtime. */
static void visit_inclusion(CXFile f, CXSourceLocation *stack, unsigned len, CXClientData data)
{
	struct deps_visit *dv = data;
	struct tuwork *w = dv->w;
	struct tu *t = &w->c->tus[w->tu];
	const struct tufile *tf = tu_file(w, f);
	struct stat st;
	(void)stack;
	(void)len;
	if (!tf)
		return;
	if (tf->idx >= 0)
		atomic_store(&w->c->files[tf->idx].reached, 1);
	if (!dv->stat_files)
		return;
	ALLOC_GROW(t->deps, t->ndeps + 1, t->alloc_deps);
	t->deps[t->ndeps].path = xstrdup(tf->canon);
	if (stat(tf->canon, &st) == 0) {
		t->deps[t->ndeps].size = (uint64_t)st.st_size;
		t->deps[t->ndeps].mtime_ns = (uint64_t)st.st_mtim.tv_sec * 1000000000u +
					     (uint64_t)st.st_mtim.tv_nsec;
	} else {
		t->cacheable = 0;
	}
	t->ndeps++;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return x < y ? -1 : x > y;
}

/* Add the folder path (or its deepest existing ancestor) to t's deps once. */
static int watch_folder(struct tu *t, const char *path)
{
	char *p = xstrdup(path), *slash;
	struct stat st;
	int r = -1;
	while (stat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
		slash = strrchr(p, '/');
		if (!slash || slash == p)
			goto out;
		*slash = '\0';
	}
	for (int i = 0; i < t->ndeps; i++)
		if (!strcmp(t->deps[i].path, p)) {
			r = 0;
			goto out;
		}
	ALLOC_GROW(t->deps, t->ndeps + 1, t->alloc_deps);
	t->deps[t->ndeps].path = p;
	t->deps[t->ndeps].size = (uint64_t)st.st_size;
	t->deps[t->ndeps].mtime_ns =
		(uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec;
	t->ndeps++;
	return 0;
out:
	free(p);
	return r;
}

/*
 * A TU with a missing header stays valid in the TU cache only while every
 * folder the header could appear in is unchanged (a new file changes its
 * folder's mtime; a new subfolder its parent's): the including file's
 * folder, each -I, -iquote, -isystem and -idirafter folder of the TU, and
 * the compiler's default ones. Without this, every warm run would parse
 * such a TU again (the Python standard library's config.c, which includes
 * Python.h, loaded LLVM on every run). -1 when a folder cannot be watched.
 */
static int watch_missing(struct ctx *c, struct tu *t, const struct incl *in)
{
	static const char *const defaults[] = {
		"/usr/local/include", "/usr/include/x86_64-linux-gnu", "/usr/include", NULL,
	};
	static const char *const dir_opts[] = {"-I", "-iquote", "-isystem", "-idirafter", NULL};
	const char *abs = c->files[in->file].abs, *slash = strrchr(abs, '/');
	char *path;
	int r = 0;

	if (!in->module || !*in->module || in->module[0] == '/')
		return -1;
	path = xstrfmt("%.*s/%s", (int)(slash ? slash - abs : 0), abs, in->module);
	r |= watch_folder(t, path);
	free(path);
	for (int i = 0; i < t->nargs && t->args[i]; i++)
		for (int k = 0; dir_opts[k]; k++) {
			size_t n = strlen(dir_opts[k]);
			const char *dir = NULL;
			if (!strcmp(t->args[i], dir_opts[k]) && i + 1 < t->nargs)
				dir = t->args[i + 1];
			else if (!strncmp(t->args[i], dir_opts[k], n) && t->args[i][n] &&
				 !strcmp(dir_opts[k], "-I"))
				dir = t->args[i] + n;
			if (!dir)
				continue;
			path = xstrfmt("%s/%s", dir, in->module);
			r |= watch_folder(t, path);
			free(path);
		}
	for (int k = 0; defaults[k]; k++) {
		path = xstrfmt("%s/%s", defaults[k], in->module);
		r |= watch_folder(t, path);
		free(path);
	}
	return r;
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Parse one TU and take what it holds. Returns -1 when the watchdog
 * abandoned the parse meanwhile: the caller's thread must then return at
 * once, touching nothing (the scan may be over and its memory reused).
 */
static int parse_tu(struct tuwork *w, CXIndex index)
{
	struct ctx *c = w->c;
	struct tu *t = &c->tus[w->tu];
	enum CXErrorCode rc;
	unsigned opts = CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_KeepGoing;
	struct deps_visit dv;

	/*
	 * A command that needs only the #include edges does not need what
	 * function bodies hold (calls, body ranges): ~10% of a parse on curl.
	 * Directives inside bodies are still seen (skipped tokens go through
	 * the preprocessor), errors inside them are not reported.
	 */
	if (c->s->opt->c_skip_bodies)
		opts |= CXTranslationUnit_SkipFunctionBodies;

	atomic_store(&c->files[t->file].reached, 1);
	t->parsed = 1;
	w->cxtu = NULL;
	rc = cx.parseTranslationUnit2(index, NULL, (const char *const *)t->args, t->nargs, NULL,
					 0, opts, &w->cxtu);
	if (w->slot) {
		int expect = w->slot->seq << 3 | SLOT_PARSING;
		if (!atomic_compare_exchange_strong(&w->slot->state, &expect, SLOT_BUSY))
			return -1; /* the TU and whatever libclang made are leaked on purpose */
	}
	if (rc != CXError_Success || !w->cxtu) {
		t->failed = 1;
		return 0;
	}
	t->clean = collect_diagnostics(w, w->cxtu) == 0;
	t->cacheable = 1;
	dv.w = w;
	dv.stat_files = !c->s->opt->no_cache;
	cx.getInclusions(w->cxtu, visit_inclusion, &dv);
	cx.visitChildren(cx.getTranslationUnitCursor(w->cxtu), visit_top, w);
	if (t->ntouched)
		qsort(t->touched, (size_t)t->ntouched, sizeof(*t->touched), cmp_int);
	/* A missing header may appear later: the folders it could appear in are watched. */
	for (size_t i = 0; i < t->nincls && t->cacheable; i++)
		if (!t->incls[i].resolved && watch_missing(c, t, &t->incls[i]) < 0)
			t->cacheable = 0;

	/* Hand the staged declarations over. */
	pthread_mutex_lock(&c->lock);
	for (int i = 0; i < w->nstaged; i++) {
		int idx = w->nstaged_list[i];
		struct pfile *pf = &c->files[idx];
		int key = t->file == idx ? -1 : w->tu;
		if (key < atomic_load(&pf->best_key)) {
			facts_free(pf->best);
			pf->best = w->staged[idx];
			atomic_store(&pf->best_key, key);
		} else {
			facts_free(w->staged[idx]);
		}
		w->staged[idx] = NULL;
	}
	w->nstaged = 0;
	pthread_mutex_unlock(&c->lock);

	cx.disposeTranslationUnit(w->cxtu);
	w->cxtu = NULL;
	ptrmap_free(&w->files, 1);
	return 0;
}

/* Parse TUs from the queue until it is empty; slot: NULL, or this thread's watchdog slot. */
static void tu_work(struct ctx *c, struct slot *slot)
{
	struct tuwork *w = xcalloc(1, sizeof(*w));
	CXIndex index = cx.createIndex(0, 0);
	int i;

	w->c = c;
	w->slot = slot;
	w->staged = xcalloc((size_t)c->nfiles + 1, sizeof(*w->staged));
	w->mark = xcalloc((size_t)c->nfiles + 1, sizeof(*w->mark));
	while ((i = atomic_fetch_add(&c->next, 1)) < c->ntodo) {
		w->tu = c->todo[i];
		if (slot) {
			atomic_store(&slot->tu, w->tu);
			atomic_store(&slot->start_ns, monotonic_ns());
			slot->seq = (slot->seq + 1) & 0xfffff;
			atomic_store(&slot->state, slot->seq << 3 | SLOT_PARSING);
		}
		if (parse_tu(w, index) < 0)
			return; /* abandoned: index, w and its memory stay as they are */
		if (slot)
			atomic_store(&slot->state, SLOT_IDLE);
	}
	cx.disposeIndex(index);
	free(w->staged);
	free(w->mark);
	free(w->nstaged_list);
	free(w);
}

static void *tu_worker(void *arg)
{
	struct slot *slot = arg;
	struct ctx *c = slot->c;

	atomic_store(&slot->tid, (int)gettid());
	tu_work(c, slot);
	if (atomic_load(&slot->state) == SLOT_ABANDONED)
		return NULL;
	pthread_mutex_lock(&c->wd_lock);
	atomic_store(&slot->state, SLOT_EXITED);
	pthread_cond_signal(&c->wd_cond);
	pthread_mutex_unlock(&c->wd_lock);
	return NULL;
}


/*
 * Once a thread is left inside libclang, the process must not run
 * libclang's static destructors under it: whatever way it exits (the end of
 * main, die()), stdio is flushed and the process ends at once. Registered
 * after libclang was loaded, so it runs before those destructors.
 */
static void exit_now(int status, void *arg)
{
	(void)arg;
	fflush(NULL);
	_exit(status);
}

static struct slot *start_worker(struct ctx *c)
{
	struct slot *sl = xcalloc(1, sizeof(*sl));
	pthread_attr_t attr;
	int rc;

	sl->c = c;
	atomic_init(&sl->state, SLOT_IDLE);
	/*
	 * Worker threads (even the first): libclang wants more stack than a
	 * default thread may have for deeply nested code, and the main
	 * thread's stack is whatever the user's ulimit says.
	 */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 16u << 20);
	rc = pthread_create(&sl->th, &attr, tu_worker, sl);
	pthread_attr_destroy(&attr);
	if (rc) {
		free(sl);
		return NULL;
	}
	return sl;
}

/*
 * Wait for the workers; abandon a parse that runs past the time bound and
 * start a new worker in its place while TUs are left in the queue.
 */
static void watch_workers(struct ctx *c, struct slot ***slots, int *nslots, int *alloc_slots)
{
	uint64_t limit = (uint64_t)(c->s->opt->c_timeout * 1e9);
	int live = *nslots;

	pthread_mutex_lock(&c->wd_lock);
	while (live > 0) {
		uint64_t now = monotonic_ns(), wake = now + 1000000000u;
		struct timespec ts;

		for (int k = 0; k < *nslots; k++) {
			struct slot *sl = (*slots)[k];
			/* The state first: a start time read after it is never older than its parse's. */
			int expect = atomic_load(&sl->state);
			uint64_t start = atomic_load(&sl->start_ns);
			if (sl->joined)
				continue;
			if (expect == SLOT_EXITED) {
				pthread_join(sl->th, NULL);
				sl->joined = 1;
				live--;
				continue;
			}
			if (!limit || SLOT_KIND(expect) != SLOT_PARSING)
				continue;
			if (start + limit > now) { /* start may be later than now */
				if (start + limit < wake)
					wake = start + limit;
				continue;
			}
			if (!atomic_compare_exchange_strong(&sl->state, &expect, SLOT_ABANDONED))
				continue;
			/* Left to itself, at the lowest priority; the scan goes on without it. */
			c->tus[atomic_load(&sl->tu)].timed_out = 1;
			c->tus[atomic_load(&sl->tu)].abandoned = 1;
			c->tus[atomic_load(&sl->tu)].timeout_s = c->s->opt->c_timeout;
			pthread_detach(sl->th);
			setpriority(PRIO_PROCESS, (id_t)atomic_load(&sl->tid), 19);
			sl->joined = 1;
			live--;
			if (atomic_fetch_add(&nabandoned, 1) == 0)
				on_exit(exit_now, NULL);
			/*
			 * Each abandoned parse goes on using a core and memory
			 * (a macro bomb: gigabytes): past MAX_ABANDONED of them,
			 * the TUs still queued are not tried.
			 */
			if (atomic_load(&nabandoned) >= MAX_ABANDONED) {
				int q;
				while ((q = atomic_fetch_add(&c->next, 1)) < c->ntodo) {
					c->tus[c->todo[q]].not_tried = 1;
					c->tus[c->todo[q]].parsed = 1;
				}
			}
			if (atomic_load(&c->next) < c->ntodo) {
				struct slot *fresh = start_worker(c);
				if (fresh) {
					ALLOC_GROW(*slots, *nslots + 1, *alloc_slots);
					(*slots)[(*nslots)++] = fresh;
					live++;
				}
			}
		}
		if (!live)
			break;
		ts.tv_sec = (time_t)(wake / 1000000000u);
		ts.tv_nsec = (long)(wake % 1000000000u);
		pthread_cond_timedwait(&c->wd_cond, &c->wd_lock, &ts);
	}
	pthread_mutex_unlock(&c->wd_lock);
}

/* Parse the TUs todo[0..n) on the --jobs threads. */
static void run_tus(struct ctx *c, int *todo, int n)
{
	int jobs = c->s->opt->jobs > 0 ? c->s->opt->jobs : online_cpus();
	struct slot **slots = NULL;
	int nslots = 0, alloc_slots = 0;
	const char *why;

	if (n <= 0)
		return;
	if (libclang_load(&why) < 0) {
		for (int i = 0; i < n; i++)
			c->tus[todo[i]].unparsed = 1;
		c->nunparsed += n;
		c->clang_error = why;
		return;
	}
	if (jobs > n)
		jobs = n;
	c->todo = todo;
	c->ntodo = n;
	atomic_store(&c->next, 0);
	for (int t = 0; t < jobs; t++) {
		struct slot *sl = start_worker(c);
		if (sl) {
			ALLOC_GROW(slots, nslots + 1, alloc_slots);
			slots[nslots++] = sl;
		}
	}
	/* The watchdog's clock. */
	watch_workers(c, &slots, &nslots, &alloc_slots);
	/* If no thread could be started, do the work here (without a time bound). */
	if (atomic_load(&c->next) < n)
		tu_work(c, NULL);
	for (int k = 0; k < nslots; k++)
		if (atomic_load(&slots[k]->state) != SLOT_ABANDONED)
			free(slots[k]);
	free(slots);
}

/* ------------------------------------------------------------------ */
/* Compile flags.                                                     */

static void push_arg(char ***args, int *n, char *a)
{
	*args = xrealloc(*args, sizeof(**args) * (size_t)(*n + 2));
	(*args)[(*n)++] = a;
	(*args)[*n] = NULL;
}

/*
 * Compiler warnings are not ours to report, and typo correction (the
 * "did you mean" search after an unknown name) costs time for nothing.
 */
static void push_quiet_args(char ***args, int *n)
{
	push_arg(args, n, xstrdup("-w"));
	push_arg(args, n, xstrdup("-fno-spell-checking"));
}

static struct tu *add_tu(struct ctx *c, int file)
{
	struct tu *t;
	ALLOC_GROW(c->tus, c->ntus + 1, c->alloc_tus);
	t = &c->tus[c->ntus++];
	memset(t, 0, sizeof(*t));
	t->file = file;
	t->name = xstrdup(c->files[file].ff->path);
	return t;
}

/*
 * Flags of a compile command that libclang must not see: outputs and
 * dependency files (a syntax-only parse would still write them), and
 * warning options. -w (push_quiet_args) silences warnings anyway, but clang
 * still looks up every -W option, and for each one it does not know (GCC's
 * -Wclobbered, -Warith-conversion...) searches all its warning names for a
 * near match: on curl that was ~4% of the parse (llvm::ComputeEditDistance).
 * -Wp, (options for the preprocessor) stays; -pedantic-errors would only
 * turn extensions into errors.
 */
static int drop_arg(const char *a, int *skip_next)
{
	static const char *const with_value[] = {"-o", "-MF", "-MT", "-MQ", "-MJ", NULL};
	static const char *const alone[] = {"-M", "-MM", "-MD", "-MMD", "-MP", "-MG", "-c",
					    "-pedantic", "-pedantic-errors", "--pedantic",
					    "--pedantic-errors", NULL};
	*skip_next = 0;
	if (a[0] == '-' && a[1] == 'W' && strncmp(a, "-Wp,", 4))
		return 1;
	for (int i = 0; with_value[i]; i++) {
		size_t n = strlen(with_value[i]);
		if (!strcmp(a, with_value[i])) {
			*skip_next = 1;
			return 1;
		}
		if (!strncmp(a, with_value[i], n) && strcmp(with_value[i], "-o"))
			return 1;
	}
	for (int i = 0; alone[i]; i++)
		if (!strcmp(a, alone[i]))
			return 1;
	return 0;
}

/*
 * compile_commands.json, read here rather than with libclang's
 * clang_CompilationDatabase_fromDirectory(): the TU cache needs every TU's
 * arguments to know whether it can serve it, and that must not cost loading
 * libclang. The reading follows libclang's JSON database: "arguments" wins
 * over "command", which is split like a POSIX shell would (quotes,
 * backslashes); @file arguments are replaced by the file's arguments
 * (relative to "directory"); a compiler named like g++ or clang++ gets
 * --driver-mode=g++ as libclang adds it. An entry without "directory",
 * "file" and a command makes the whole file unusable, as for libclang.
 */
/*
 * A JSON file, read at once: json_load_file() reads with one getc() per
 * byte, which was a fifth of a warm run on curl (a 5 MB TU cache).
 */
static json_t *load_json(const char *path, json_error_t *je)
{
	char *buf;
	size_t len;
	json_t *doc;
	if (read_file(path, 0, &buf, &len) < 0) {
		if (je) {
			memset(je, 0, sizeof(*je));
			snprintf(je->text, sizeof(je->text), "%s", strerror(errno));
		}
		return NULL;
	}
	doc = json_loadb(buf, len, 0, je);
	free(buf);
	return doc;
}

struct compcmd {
	char *dir;   /* "directory" */
	char *file;  /* "file", as written */
	char **argv; /* the compiler first; NULL-terminated */
	int argc;
};

struct compdb {
	struct compcmd *cmds;
	int n, alloc;
};

static void compdb_free(struct compdb *db)
{
	for (int i = 0; i < db->n; i++) {
		free(db->cmds[i].dir);
		free(db->cmds[i].file);
		for (int k = 0; k < db->cmds[i].argc; k++)
			free(db->cmds[i].argv[k]);
		free(db->cmds[i].argv);
	}
	free(db->cmds);
	memset(db, 0, sizeof(*db));
}

static void push_arg(char ***args, int *n, char *a);

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Split a shell command line into words (quotes and backslashes removed), appended to argv. */
static void split_command(const char *s, char ***argv, int *argc)
{
	struct strbuf sb;
	for (;;) {
		while (is_blank(*s))
			s++;
		if (!*s)
			return;
		sb_init(&sb);
		while (*s && !is_blank(*s)) {
			if (*s == '\\' && s[1]) {
				sb_addc(&sb, s[1]);
				s += 2;
			} else if (*s == '\'') {
				for (s++; *s && *s != '\''; s++)
					sb_addc(&sb, *s);
				s += *s != '\0';
			} else if (*s == '"') {
				for (s++; *s && *s != '"'; s++) {
					if (*s == '\\' && s[1])
						s++;
					sb_addc(&sb, *s);
				}
				s += *s != '\0';
			} else {
				sb_addc(&sb, *s++);
			}
		}
		push_arg(argv, argc, sb_detach(&sb, NULL));
	}
}

/* Replace @file arguments by the words of the file (at most 64 files, nested ones too). */
static void expand_response_files(struct compcmd *cc)
{
	int budget = 64;
	for (int i = 1; i < cc->argc && budget > 0; i++) {
		char *path, *buf, **words = NULL;
		size_t len;
		int nwords = 0;
		if (cc->argv[i][0] != '@' || !cc->argv[i][1])
			continue;
		path = cc->argv[i][1] == '/' ? xstrdup(cc->argv[i] + 1)
					     : xstrfmt("%s/%s", cc->dir, cc->argv[i] + 1);
		if (read_file(path, 1u << 24, &buf, &len) < 0) {
			free(path);
			continue;
		}
		free(path);
		budget--;
		split_command(buf, &words, &nwords);
		free(buf);
		cc->argv = xrealloc(cc->argv, sizeof(*cc->argv) * (size_t)(cc->argc + nwords + 1));
		free(cc->argv[i]);
		memmove(cc->argv + i + nwords, cc->argv + i + 1,
			sizeof(*cc->argv) * (size_t)(cc->argc - i)); /* with the NULL */
		if (nwords)
			memcpy(cc->argv + i, words, sizeof(*words) * (size_t)nwords);
		cc->argc += nwords - 1;
		free(words);
		i--; /* the first word may itself be a @file */
	}
}

/* g++, c++, clang++, x86_64-linux-gnu-g++-12: compilers that treat .c files as C++. */
static void add_driver_mode(struct compcmd *cc)
{
	const char *base = strrchr(cc->argv[0], '/');
	char *name = xstrdup(base ? base + 1 : cc->argv[0]);
	char *dash = strrchr(name, '-');

	/* A version suffix: -12, -14.0. */
	if (dash && dash[1] && strspn(dash + 1, "0123456789.") == strlen(dash + 1))
		*dash = '\0';
	if (ends_with(name, "++")) {
		for (int i = 1; i < cc->argc; i++)
			if (starts_with(cc->argv[i], "--driver-mode="))
				goto out;
		push_arg(&cc->argv, &cc->argc, NULL);
		memmove(cc->argv + 2, cc->argv + 1, sizeof(*cc->argv) * (size_t)(cc->argc - 1));
		cc->argv[1] = xstrdup("--driver-mode=g++");
	}
out:
	free(name);
}

/*
 * Load path into db. 0, or -1 with *err set (to free) when it cannot be
 * read or is not a compilation database.
 */
static int compdb_load(const char *path, struct compdb *db, char **err)
{
	json_error_t je;
	json_t *doc = load_json(path, &je), *e;
	size_t i;

	memset(db, 0, sizeof(*db));
	*err = NULL;
	if (!doc) {
		*err = je.line > 0 ? xstrfmt("%d:%d: %s", je.line, je.column, je.text)
				   : xstrdup(je.text);
		return -1;
	}
	if (!json_is_array(doc)) {
		*err = xstrdup("not a JSON array of compile commands");
		json_decref(doc);
		return -1;
	}
	json_array_foreach(doc, i, e) {
		const char *dir = json_string_value(json_object_get(e, "directory"));
		const char *file = json_string_value(json_object_get(e, "file"));
		const char *command = json_string_value(json_object_get(e, "command"));
		json_t *arguments = json_object_get(e, "arguments"), *v;
		struct compcmd *cc;
		size_t k;

		if (!dir || !file || (!json_is_array(arguments) && !command)) {
			*err = xstrfmt("entry %zu has no \"directory\", \"file\" and \"command\" or "
				       "\"arguments\"", i + 1);
			break;
		}
		ALLOC_GROW(db->cmds, db->n + 1, db->alloc);
		cc = &db->cmds[db->n++];
		memset(cc, 0, sizeof(*cc));
		cc->dir = xstrdup(dir);
		cc->file = xstrdup(file);
		if (json_is_array(arguments)) {
			json_array_foreach(arguments, k, v)
				push_arg(&cc->argv, &cc->argc,
					 xstrdup(json_string_value(v) ? json_string_value(v) : ""));
		} else {
			split_command(command, &cc->argv, &cc->argc);
		}
		if (!cc->argc) {
			*err = xstrfmt("entry %zu has an empty command", i + 1);
			break;
		}
		expand_response_files(cc);
		add_driver_mode(cc);
	}
	json_decref(doc);
	if (*err) {
		compdb_free(db);
		return -1;
	}
	return 0;
}

/*
 * Where to look for compile_commands.json: --compile-commands, or each root
 * and its build/. 1 when one was loaded into db (*dir_out: its folder), 0
 * when there is none, -1 when there is one that cannot be used (warned).
 */
static int open_compdb(struct ctx *c, struct compdb *db, char **dir_out)
{
	const struct scan_options *opt = c->s->opt;
	struct stat st;
	char *err;
	int broken = 0;

	*dir_out = NULL;
	if (opt->compile_commands) {
		char *f = xstrfmt("%s/compile_commands.json", opt->compile_commands);
		if (stat(f, &st) < 0) {
			diag_warn(f, 0, 0, "cannot read the compilation database; using fallback flags");
			free(f);
			return -1;
		}
		if (compdb_load(f, db, &err) < 0) {
			diag_warn(f, 0, 0, "cannot load the compilation database (%s); using fallback "
				  "flags", err);
			free(err);
			free(f);
			return -1;
		}
		free(f);
		*dir_out = xstrdup(opt->compile_commands);
		return 1;
	}
	for (int i = 0; i < opt->npaths; i++) {
		static const char *const sub[] = {"", "/build"};
		if (stat(opt->paths[i], &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		for (int k = 0; k < 2; k++) {
			char *d = xstrfmt("%s%s", opt->paths[i], sub[k]);
			char *f = xstrfmt("%s/compile_commands.json", d);
			if (stat(f, &st) == 0) {
				if (compdb_load(f, db, &err) == 0) {
					free(f);
					*dir_out = d;
					return 1;
				}
				diag_warn(f, 0, 0, "cannot load the compilation database (%s); ignored",
					  err);
				free(err);
				broken = -1;
			}
			free(f);
			free(d);
		}
	}
	return broken;
}

/*
 * The database's paths are relative to its "directory". libclang's own way
 * to say so, -working-directory, chdir()s the whole process (LLVM's real
 * file system is linked to the process's cwd): with TUs of different
 * folders parsed on several threads, each would resolve its paths against
 * another's folder. So every path in the arguments is made absolute here.
 */
static const char *const path_opts[] = {
	"-isystem", "-iquote", "-idirafter", "-imacros", "-include-pch", "-include", "-isysroot",
	"--sysroot", "-iprefix", "-iwithprefixbefore", "-iwithprefix", "-iframework",
	"-ivfsoverlay", "-I", "-F", NULL,
};
static const char *const value_opts[] = {
	"-D", "-U", "-x", "-target", "-arch", "-Xclang", "-Xpreprocessor", "-Xassembler",
	"-Xlinker", "-mllvm", "-A", NULL,
};

static char *abs_dir(char *dir)
{
	char buf[PATH_MAX];
	if (dir[0] != '/' && realpath(*dir ? dir : ".", buf)) {
		free(dir);
		return xstrdup(buf);
	}
	return dir;
}

static char *absolute(const char *v, const char *dir)
{
	return v[0] == '/' || v[0] == '=' || !v[0] ? xstrdup(v) : xstrfmt("%s/%s", dir, v);
}

/*
 * arg with its path made absolute against dir; *pending carries "the next
 * argument is an option's value" (1: a path, 2: something else). Takes arg.
 */
static char *absolute_arg(char *arg, const char *dir, int *pending)
{
	char *r, *v;
	struct stat st;
	if (*pending) {
		r = *pending == 1 ? absolute(arg, dir) : xstrdup(arg);
		*pending = 0;
		free(arg);
		return r;
	}
	for (int i = 0; path_opts[i]; i++) {
		size_t n = strlen(path_opts[i]);
		if (strncmp(arg, path_opts[i], n))
			continue;
		if (!arg[n]) {
			*pending = 1;
			return arg;
		}
		/* Joined: -Ifoo, -isystemfoo, --sysroot=foo. */
		n += arg[n] == '=';
		v = absolute(arg + n, dir);
		r = xstrfmt("%.*s%s", (int)n, arg, v);
		free(v);
		free(arg);
		return r;
	}
	for (int i = 0; value_opts[i]; i++)
		if (!strcmp(arg, value_opts[i])) {
			*pending = 2;
			return arg;
		}
	if (arg[0] != '-' && arg[0] != '/') {
		/* A bare argument: an input file when it exists there. */
		char *p = xstrfmt("%s/%s", dir, arg);
		if (stat(p, &st) == 0) {
			free(arg);
			return p;
		}
		free(p);
	}
	return arg;
}

/*
 * TUs from the compilation database: those whose file is a project file.
 * Every entry is also kept (flags without the file) so that project files
 * the database does not list borrow the flags of their nearest neighbour,
 * as clangd does.
 */
static int tus_from_compdb(struct ctx *c, const struct compdb *db)
{
	int added = 0;

	for (int i = 0; i < db->n; i++) {
		const struct compcmd *cmd = &db->cmds[i];
		char *dir = abs_dir(xstrdup(cmd->dir));
		const char *file = cmd->file;
		char *full = file[0] == '/' ? xstrdup(file) : xstrfmt("%s/%s", dir, file);
		char buf[PATH_MAX];
		int idx = realpath(full, buf) ? strmap_get(&c->pathmap, buf) : -1;
		struct dbent *e;
		int skip = 0, pending = 0;

		ALLOC_GROW(c->dbents, c->ndbents + 1, c->alloc_dbents);
		e = &c->dbents[c->ndbents++];
		memset(e, 0, sizeof(*e));
		e->abs = xstrdup(idx >= 0 || realpath(full, buf) ? buf : full);
		for (int a = 1; a < cmd->argc; a++) {
			char *arg = xstrdup(cmd->argv[a]);
			if (skip) {
				skip = 0;
				free(arg);
				continue;
			}
			if (drop_arg(arg, &skip) || !strcmp(arg, file) || !strcmp(arg, full)) {
				free(arg);
				continue;
			}
			push_arg(&e->args, &e->nargs, absolute_arg(arg, dir, &pending));
		}
		push_quiet_args(&e->args, &e->nargs);
		if (idx >= 0 && !atomic_load(&c->files[idx].reached)) {
			/* (A second command for the same file is not a second TU.) */
			struct tu *t = add_tu(c, idx);
			atomic_store(&c->files[idx].reached, 1);
			for (int k = 0; k < e->nargs; k++)
				push_arg(&t->args, &t->nargs, xstrdup(e->args[k]));
			push_arg(&t->args, &t->nargs, xstrdup(c->files[idx].abs));
			added++;
		}
		free(dir);
		free(full);
	}
	return added;
}

/* Length of the common leading directories of two absolute paths. */
static size_t common_dirs(const char *a, const char *b)
{
	size_t i = 0, last = 0;
	while (a[i] && a[i] == b[i]) {
		if (a[i] == '/')
			last = i;
		i++;
	}
	return last;
}

/*
 * Fallback flags: -I for every project folder that holds a header and for
 * each of its ancestors up to the scanned root, so that both "x.h" and
 * "core/x.h" styles resolve; sorted.
 */
static void build_fallback_args(struct ctx *c)
{
	const struct scan_options *opt = c->s->opt;
	struct strmap seen = {0};
	char **dirs = NULL, **roots = xcalloc((size_t)opt->npaths + 1, sizeof(*roots));
	int n = 0, alloc = 0;

	for (int i = 0; i < opt->npaths; i++) {
		char buf[PATH_MAX];
		struct stat st;
		if (!realpath(opt->paths[i], buf) || stat(buf, &st) < 0)
			continue;
		if (!S_ISDIR(st.st_mode) && strrchr(buf, '/'))
			*strrchr(buf, '/') = '\0';
		roots[i] = xstrdup(buf);
	}
	for (int i = 0; i < c->nfiles; i++) {
		const char *abs = c->files[i].abs;
		const char *slash = strrchr(abs, '/');
		char *d;
		if (!c->files[i].is_header || !slash)
			continue;
		d = xstrndup(abs, (size_t)(slash - abs));
		for (;;) {
			int at_root = 0;
			char *up;
			if (!strmap_put(&seen, d, 1)) {
				free(d);
				break;
			}
			ALLOC_GROW(dirs, n + 1, alloc);
			dirs[n++] = d;
			for (int r = 0; r < opt->npaths; r++)
				if (roots[r] && !strncmp(d, roots[r], strlen(d)) &&
				    (roots[r][strlen(d)] == '/' || !roots[r][strlen(d)]))
					at_root = 1; /* d is a root or above one */
			slash = strrchr(d, '/');
			if (at_root || !slash || slash == d)
				break;
			up = xstrndup(d, (size_t)(slash - d));
			d = up;
		}
	}
	if (n)
		qsort(dirs, (size_t)n, sizeof(*dirs), cmp_strp);
	for (int i = 0; i < n; i++) {
		push_arg(&c->fallback_args, &c->nfallback_args, dirs[i]);
	}
	free(dirs);
	for (int i = 0; i < opt->npaths; i++)
		free(roots[i]);
	free(roots);
	strmap_free(&seen);
}

/*
 * A TU for a project file the database does not list (or, without a
 * database, for every file): the flags of the database entry nearest in the
 * tree plus the project's header folders searched last (-idirafter), or
 * with no database -I for each of those folders.
 */
static void fallback_tu(struct ctx *c, int idx)
{
	struct tu *t = add_tu(c, idx);
	const struct dbent *best = NULL;
	size_t best_len = 0;

	for (int i = 0; i < c->ndbents; i++) {
		size_t n = common_dirs(c->dbents[i].abs, c->files[idx].abs);
		if (!best || n > best_len) {
			best = &c->dbents[i];
			best_len = n;
		}
	}
	if (best)
		for (int i = 0; i < best->nargs; i++)
			push_arg(&t->args, &t->nargs, xstrdup(best->args[i]));
	else
		push_quiet_args(&t->args, &t->nargs);
	for (int i = 0; i < c->nfallback_args; i++) {
		push_arg(&t->args, &t->nargs, xstrdup(best ? "-idirafter" : "-I"));
		push_arg(&t->args, &t->nargs, xstrdup(c->fallback_args[i]));
	}
	push_arg(&t->args, &t->nargs, xstrdup("-x"));
	push_arg(&t->args, &t->nargs, xstrdup(c->files[idx].is_header ? "c-header" : "c"));
	push_arg(&t->args, &t->nargs, xstrdup(c->files[idx].abs));
}

static int cmp_tu(const void *a, const void *b)
{
	return strcmp(((const struct tu *)a)->name, ((const struct tu *)b)->name);
}

/* ------------------------------------------------------------------ */
/* Merge into the project's facts.                                    */

/* qsort has no context argument; merge_imports() runs on one thread. */
static const struct ctx *cmp_incl_ctx;

static int cmp_incl(const void *pa, const void *pb)
{
	const struct incl *a = pa, *b = pb;
	int r;
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	if (!a->resolved != !b->resolved)
		return a->resolved ? 1 : -1;
	if (a->resolved && (r = strcmp(a->resolved, b->resolved)))
		return r;
	return strcmp(cmp_incl_ctx->tus[a->tu].name, cmp_incl_ctx->tus[b->tu].name);
}

static int same_directive(const struct incl *a, const struct incl *b)
{
	return a->file == b->file && a->line == b->line && a->col == b->col &&
	       !a->resolved == !b->resolved && (!a->resolved || !strcmp(a->resolved, b->resolved));
}

static void merge_imports(struct ctx *c)
{
	struct incl *all;
	size_t n = 0, i = 0;

	for (int t = 0; t < c->ntus; t++)
		n += c->tus[t].nincls;
	all = xcalloc(n + 1, sizeof(*all));
	n = 0;
	for (int t = 0; t < c->ntus; t++)
		for (size_t k = 0; k < c->tus[t].nincls; k++) {
			all[n] = c->tus[t].incls[k];
			all[n++].tu = t;
		}
	cmp_incl_ctx = c;
	if (n)
		qsort(all, n, sizeof(*all), cmp_incl);
	while (i < n) {
		size_t j = i;
		struct incl *in = &all[i];
		struct pfile *pf = &c->files[in->file];
		struct file_facts *ff = pf->ff;
		struct fact_import *im;
		struct strbuf tus = STRBUF_INIT;

		sb_init(&tus);
		for (; j < n && same_directive(in, &all[j]); j++) {
			const char *name = c->tus[all[j].tu].name;
			if (j > i && !strcmp(name, c->tus[all[j - 1].tu].name))
				continue;
			if (tus.len)
				sb_addc(&tus, ',');
			sb_adds(&tus, name);
		}
		im = facts_add_import(ff);
		im->module = facts_str(ff, in->module);
		im->resolved = facts_str(ff, in->resolved);
		im->text = arena_strfmt(ff->arena, in->angled ? "#include <%s>" : "#include \"%s\"",
					in->module);
		im->tus = facts_str(ff, tus.buf);
		im->line = in->line;
		im->col = in->col;
		im->angled = in->angled;
		im->scope = side_is_conditional(pf->side, in->line) ? SCOPE_CONDITIONAL : SCOPE_MODULE;
		sb_release(&tus);
		i = j;
	}
	free(all);
}

/* Copy the declarations staged for pf into its facts, with token ranges. */
static void merge_decls(struct pfile *pf)
{
	struct file_facts *ff = pf->ff, *src = pf->best;
	if (!src)
		return;
	for (size_t i = 0; i < src->nclasses; i++) {
		const struct fact_class *a = &src->classes[i];
		struct fact_class *b = facts_add_class(ff);
		*b = *a;
		b->name = facts_str(ff, a->name);
		if (a->nbases) {
			const char **bases = arena_alloc(ff->arena, sizeof(*bases) * (size_t)a->nbases);
			for (int k = 0; k < a->nbases; k++)
				bases[k] = facts_str(ff, a->bases[k]);
			b->bases = bases;
		}
	}
	for (size_t i = 0; i < src->nfuncs; i++) {
		const struct fact_func *a = &src->funcs[i];
		struct fact_func *b = facts_add_func(ff);
		*b = *a;
		b->name = facts_str(ff, a->name);
		b->cls = facts_str(ff, a->cls);
		if (a->nparams) {
			b->params = arena_alloc(ff->arena, sizeof(*b->params) * (size_t)a->nparams);
			for (int k = 0; k < a->nparams; k++) {
				b->params[k] = a->params[k];
				b->params[k].name = facts_str(ff, a->params[k].name);
				b->params[k].annotation = facts_str(ff, a->params[k].annotation);
			}
		}
		/* Byte offsets of the body's braces -> token range [{, }]. */
		if (a->tok_end > a->tok_start) {
			b->tok_start = side_token_at(pf->side, a->tok_start);
			b->tok_end = side_token_at(pf->side, a->tok_end);
			if (b->tok_end < b->tok_start)
				b->tok_end = b->tok_start;
		} else {
			b->tok_start = b->tok_end = 0;
		}
		b->placeholder = a->tok_end > a->tok_start && b->tok_end - b->tok_start <= 2;
	}
	for (size_t i = 0; i < src->nrefs; i++) {
		const struct fact_ref *a = &src->refs[i];
		struct fact_ref *b = facts_add_ref(ff);
		*b = *a;
		b->cls = facts_str(ff, a->cls);
		b->func = facts_str(ff, a->func);
		b->host = facts_str(ff, a->host);
		b->attr = facts_str(ff, a->attr);
		b->value = facts_str(ff, a->value);
	}
}

static struct side *find_side(struct cstate *cs, const char *path)
{
	size_t lo = 0, hi = cs ? cs->nsides : 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = strcmp(cs->sides[mid]->path, path);
		if (!r)
			return cs->sides[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int cmp_side(const void *a, const void *b)
{
	return strcmp((*(struct side *const *)a)->path, (*(struct side *const *)b)->path);
}

/* A file whose facts came from elsewhere (the cache): lex it again for offsets and regions. */
static struct side *relex(struct file_facts *ff, size_t max)
{
	struct side *sd = xcalloc(1, sizeof(*sd));
	char *buf;
	size_t len;
	sd->path = xstrdup(ff->path);
	if (read_file(ff->path, max, &buf, &len) == 0) {
		lex_c(buf, len, ff->ntokens ? NULL : ff, sd, 0);
		free(buf);
	}
	return sd;
}

/* ------------------------------------------------------------------ */
/*
 * The TU cache (c-tus.json beside the facts cache): what each translation
 * unit gave (directives, errors, the files it has declarations in, and the
 * declarations it is the source of), reused while none of the files it
 * entered changed size or mtime and its arguments are the same. The facts
 * cache cannot hold C files: their facts depend on other files. A TU with
 * a missing header is not kept (the header may appear). Results are the
 * same as a cold run: a TU whose declarations of a header are needed
 * because the previous source TU is gone is parsed again (repair()).
 */

#define TUCACHE_FORMAT 1

static void tu_reset(struct tu *t)
{
	for (size_t i = 0; i < t->nincls; i++) {
		free(t->incls[i].module);
		free(t->incls[i].resolved);
	}
	free(t->incls);
	t->incls = NULL;
	t->nincls = t->alloc_incls = 0;
	for (int i = 0; i < t->ndiags; i++) {
		free(t->diags[i].file);
		free(t->diags[i].msg);
	}
	free(t->diags);
	t->diags = NULL;
	t->ndiags = t->alloc_diags = 0;
	for (int i = 0; i < t->ndeps; i++)
		free(t->deps[i].path);
	free(t->deps);
	t->deps = NULL;
	t->ndeps = t->alloc_deps = 0;
	free(t->touched);
	t->touched = NULL;
	t->ntouched = t->alloc_touched = 0;
	t->clean = t->parsed = t->failed = t->cacheable = t->timed_out = 0;
}

static char *tucache_path(const struct scan_options *opt)
{
	char *f = cache_file_path(opt);
	char *slash = strrchr(f, '/');
	char *r = slash ? xstrfmt("%.*s/c-tus.json", (int)(slash - f), f) : xstrdup("c-tus.json");
	free(f);
	return r;
}

/* What a TU's results depend on besides its files: arguments, libclang, this binary. */
static char *tu_key(const struct tu *t, const char *clang_version, int skip_bodies)
{
	struct strbuf sb = STRBUF_INIT;
	uint64_t h;

	sb_init(&sb);
	sb_addf(&sb, "unravel %s tucache %d %s standalone %d%s\n", UNRAVEL_VERSION, TUCACHE_FORMAT,
		clang_version, t->standalone, skip_bodies ? " bodies skipped" : "");
	sb_add_exe_identity(&sb);
	for (int i = 0; i < t->nargs; i++)
		sb_addf(&sb, "%s\n", t->args[i]);
	h = hash64(sb.buf, sb.len);
	sb_release(&sb);
	return xstrfmt("%016llx", (unsigned long long)h);
}

static const char *jget_str(json_t *a, size_t i)
{
	return json_string_value(json_array_get(a, i));
}

static int jget_int(json_t *a, size_t i)
{
	return (int)json_integer_value(json_array_get(a, i));
}

static int rel_index(struct ctx *c, const char *rel)
{
	return rel ? strmap_get(&c->relmap, rel) : -1;
}

/* Declarations of one file from the cache into a new facts record. */
static struct file_facts *decls_from_json(const char *path, json_t *o)
{
	struct file_facts *ff = facts_new(path, LANG_C);
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(o, "classes"), i, v) {
		struct fact_class *k = facts_add_class(ff);
		k->name = facts_str(ff, jget_str(v, 0));
		k->line = jget_int(v, 1);
		k->col = jget_int(v, 2);
		k->end_line = jget_int(v, 3);
		if (jget_str(v, 4)) {
			const char **b = arena_alloc(ff->arena, sizeof(*b));
			b[0] = facts_str(ff, jget_str(v, 4));
			k->bases = b;
			k->nbases = 1;
		}
	}
	json_array_foreach(json_object_get(o, "funcs"), i, v) {
		struct fact_func *f = facts_add_func(ff);
		json_t *params = json_array_get(v, 7), *pv;
		size_t k;
		f->name = facts_str(ff, jget_str(v, 0));
		f->line = jget_int(v, 1);
		f->col = jget_int(v, 2);
		f->end_line = jget_int(v, 3);
		f->is_static = jget_int(v, 4) != 0;
		f->tok_start = (uint32_t)jget_int(v, 5);
		f->tok_end = (uint32_t)jget_int(v, 6);
		f->nparams = (int)json_array_size(params);
		if (f->nparams)
			f->params = arena_alloc(ff->arena, sizeof(*f->params) * (size_t)f->nparams);
		json_array_foreach(params, k, pv) {
			f->params[k].name = facts_str(ff, jget_str(pv, 0));
			f->params[k].annotation = facts_str(ff, jget_str(pv, 1));
		}
	}
	json_array_foreach(json_object_get(o, "refs"), i, v) {
		struct fact_ref *r = facts_add_ref(ff);
		r->kind = (enum ref_kind)jget_int(v, 0);
		r->cls = facts_str(ff, jget_str(v, 1));
		r->func = facts_str(ff, jget_str(v, 2));
		r->attr = facts_str(ff, jget_str(v, 3));
		r->value = facts_str(ff, jget_str(v, 4));
		r->line = jget_int(v, 5);
		r->col = jget_int(v, 6);
	}
	return ff;
}

static json_t *jstr_or_null(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;
	return j ? j : json_null();
}

static json_t *decls_to_json(const struct file_facts *ff)
{
	json_t *o = json_object(), *a;

	a = json_array();
	for (size_t i = 0; i < ff->nclasses; i++) {
		const struct fact_class *k = &ff->classes[i];
		json_array_append_new(a, json_pack("[oiiio]", jstr_or_null(k->name), k->line,
						   k->col, k->end_line,
						   jstr_or_null(k->nbases ? k->bases[0] : NULL)));
	}
	json_object_set_new(o, "classes", a);
	a = json_array();
	for (size_t i = 0; i < ff->nfuncs; i++) {
		const struct fact_func *f = &ff->funcs[i];
		json_t *params = json_array();
		for (int k = 0; k < f->nparams; k++)
			json_array_append_new(params, json_pack("[oo]",
								jstr_or_null(f->params[k].name),
								jstr_or_null(f->params[k].annotation)));
		json_array_append_new(a, json_pack("[oiiiiIIo]", jstr_or_null(f->name), f->line,
						   f->col, f->end_line, (int)f->is_static,
						   (json_int_t)f->tok_start, (json_int_t)f->tok_end,
						   params));
	}
	json_object_set_new(o, "funcs", a);
	a = json_array();
	for (size_t i = 0; i < ff->nrefs; i++) {
		const struct fact_ref *r = &ff->refs[i];
		json_array_append_new(a, json_pack("[iooooii]", (int)r->kind, jstr_or_null(r->cls),
						   jstr_or_null(r->func), jstr_or_null(r->attr),
						   jstr_or_null(r->value), r->line, r->col));
	}
	json_object_set_new(o, "refs", a);
	return o;
}

/* Fill TU i from its cache record when that is still valid; 1 if it was. */
static int tu_from_cache(struct ctx *c, int i, json_t *rec, const char *key)
{
	struct tu *t = &c->tus[i];
	json_t *v, *owned;
	size_t k;
	const char *name;

	if (!json_is_object(rec) || !json_string_value(json_object_get(rec, "key")) ||
	    strcmp(json_string_value(json_object_get(rec, "key")), key))
		return 0;
	json_array_foreach(json_object_get(rec, "deps"), k, v) {
		struct stat st;
		const char *path = jget_str(v, 0);
		if (!path || stat(path, &st) < 0 || (uint64_t)st.st_size !=
		    (uint64_t)json_integer_value(json_array_get(v, 1)) ||
		    (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec !=
		    (uint64_t)json_integer_value(json_array_get(v, 2)))
			return 0;
	}
	/*
	 * A TU that did not finish within the bound last time, while no project
	 * file changed: it would not now either, unless the bound is larger.
	 */
	if (json_is_number(json_object_get(rec, "timed_out"))) {
		double was = json_number_value(json_object_get(rec, "timed_out"));
		if (!(c->s->opt->c_timeout > 0 && c->s->opt->c_timeout <= was))
			return 0;
		t->timed_out = 1;
		t->timeout_s = was;
		t->cacheable = 1;
		atomic_store(&c->files[t->file].reached, 1);
		return 1;
	}
	json_array_foreach(json_object_get(rec, "incls"), k, v) {
		struct incl *in;
		int idx = rel_index(c, jget_str(v, 0));
		if (idx < 0 || !jget_str(v, 4))
			goto stale;
		ALLOC_GROW(t->incls, t->nincls + 1, t->alloc_incls);
		in = &t->incls[t->nincls++];
		in->file = idx;
		in->line = jget_int(v, 1);
		in->col = jget_int(v, 2);
		in->angled = jget_int(v, 3);
		in->tu = i;
		in->module = xstrdup(jget_str(v, 4));
		in->resolved = jget_str(v, 5) ? xstrdup(jget_str(v, 5)) : NULL;
	}
	json_array_foreach(json_object_get(rec, "diags"), k, v) {
		struct tdiag *d;
		if (!jget_str(v, 4))
			goto stale;
		ALLOC_GROW(t->diags, t->ndiags + 1, t->alloc_diags);
		d = &t->diags[t->ndiags++];
		d->file = jget_str(v, 0) ? xstrdup(jget_str(v, 0)) : NULL;
		d->idx = rel_index(c, d->file);
		d->line = jget_int(v, 1);
		d->col = jget_int(v, 2);
		d->fatal = jget_int(v, 3);
		d->msg = xstrdup(jget_str(v, 4));
	}
	json_array_foreach(json_object_get(rec, "touched"), k, v) {
		int idx = rel_index(c, json_string_value(v));
		if (idx < 0)
			goto stale;
		ALLOC_GROW(t->touched, t->ntouched + 1, t->alloc_touched);
		t->touched[t->ntouched++] = idx;
	}
	if (t->ntouched)
		qsort(t->touched, (size_t)t->ntouched, sizeof(*t->touched), cmp_int);
	owned = json_object_get(rec, "owned");
	json_object_foreach(owned, name, v)
		if (rel_index(c, name) < 0)
			goto stale;
	json_array_foreach(json_object_get(rec, "deps"), k, v) {
		int idx = strmap_get(&c->pathmap, jget_str(v, 0));
		ALLOC_GROW(t->deps, t->ndeps + 1, t->alloc_deps);
		t->deps[t->ndeps].path = xstrdup(jget_str(v, 0));
		t->deps[t->ndeps].size = (uint64_t)json_integer_value(json_array_get(v, 1));
		t->deps[t->ndeps].mtime_ns = (uint64_t)json_integer_value(json_array_get(v, 2));
		t->ndeps++;
		if (idx >= 0)
			atomic_store(&c->files[idx].reached, 1);
	}
	atomic_store(&c->files[t->file].reached, 1);
	json_object_foreach(owned, name, v) {
		int idx = rel_index(c, name);
		struct pfile *pf = &c->files[idx];
		int okey = t->file == idx ? -1 : i;
		if (okey < atomic_load(&pf->best_key)) {
			facts_free(pf->best);
			pf->best = decls_from_json(pf->ff->path, v);
			atomic_store(&pf->best_key, okey);
		}
	}
	t->clean = json_is_true(json_object_get(rec, "clean"));
	t->cacheable = 1;
	return 1;
stale:
	tu_reset(t);
	return 0;
}

static json_t *tu_to_json(struct ctx *c, int i, const char *key, const int *owner)
{
	struct tu *t = &c->tus[i];
	json_t *rec = json_object(), *a, *owned = json_object();

	json_object_set_new(rec, "key", json_string(key));
	if (t->timed_out) {
		/* Its dependencies are unknown: every project file stands for them. */
		a = json_array();
		for (int k = 0; k < c->nfiles; k++) {
			struct stat st;
			if (stat(c->files[k].abs, &st) == 0)
				json_array_append_new(a, json_pack("[sII]", c->files[k].abs,
						(json_int_t)st.st_size,
						(json_int_t)((uint64_t)st.st_mtim.tv_sec * 1000000000u +
							     (uint64_t)st.st_mtim.tv_nsec)));
		}
		json_object_set_new(rec, "deps", a);
		json_object_set_new(rec, "timed_out", json_real(t->timeout_s));
		json_decref(owned);
		return rec;
	}
	json_object_set_new(rec, "clean", json_boolean(t->clean));
	a = json_array();
	for (int k = 0; k < t->ndeps; k++)
		json_array_append_new(a, json_pack("[oII]", jstr_or_null(t->deps[k].path),
						   (json_int_t)t->deps[k].size,
						   (json_int_t)t->deps[k].mtime_ns));
	json_object_set_new(rec, "deps", a);
	a = json_array();
	for (size_t k = 0; k < t->nincls; k++) {
		const struct incl *in = &t->incls[k];
		json_array_append_new(a, json_pack("[siiioo]", c->files[in->file].ff->path, in->line,
						   in->col, in->angled, jstr_or_null(in->module),
						   jstr_or_null(in->resolved)));
	}
	json_object_set_new(rec, "incls", a);
	a = json_array();
	for (int k = 0; k < t->ndiags; k++) {
		const struct tdiag *d = &t->diags[k];
		json_array_append_new(a, json_pack("[oiiio]", jstr_or_null(d->file), d->line, d->col,
						   d->fatal, jstr_or_null(d->msg)));
	}
	json_object_set_new(rec, "diags", a);
	a = json_array();
	for (int k = 0; k < t->ntouched; k++) {
		int idx = t->touched[k];
		json_array_append_new(a, json_string(c->files[idx].ff->path));
		if (owner[idx] == i && c->files[idx].best)
			json_object_set_new(owned, c->files[idx].ff->path,
					    decls_to_json(c->files[idx].best));
	}
	json_object_set_new(rec, "touched", a);
	json_object_set_new(rec, "owned", owned);
	return rec;
}


/* Write the records of every cacheable TU (atomically); a failure only costs the next run time. */
static void tucache_save(struct ctx *c, const char *path, char **keys)
{
	json_t *doc = json_object(), *tus = json_object();
	int *owner = xcalloc((size_t)c->nfiles + 1, sizeof(*owner));
	int *tu_of_file = xcalloc((size_t)c->nfiles + 1, sizeof(*tu_of_file));
	char *text, *dir = xstrdup(path), *slash;

	for (int i = 0; i < c->nfiles; i++)
		tu_of_file[i] = -1;
	for (int i = 0; i < c->ntus; i++)
		tu_of_file[c->tus[i].file] = i;
	for (int i = 0; i < c->nfiles; i++) {
		int k = atomic_load(&c->files[i].best_key);
		owner[i] = k == -1 ? tu_of_file[i] : k == INT_MAX ? -1 : k;
	}
	json_object_set_new(doc, "format", json_integer(TUCACHE_FORMAT));
	for (int i = 0; i < c->ntus; i++)
		if ((c->tus[i].cacheable && !c->tus[i].failed) || c->tus[i].timed_out)
			json_object_set_new(tus, c->tus[i].name, tu_to_json(c, i, keys[i], owner));
	json_object_set_new(doc, "tus", tus);
	text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (text && (!slash || mkdir_p(dir) == 0)) {
		cache_mark_dir(slash ? dir : ".");
		if (write_file_atomic(path, text, strlen(text)) < 0 && c->s->opt->verbose)
			fprintf(stderr, "unravel: cannot write %s: %s\n", path, strerror(errno));
	}
	free(text);
	free(dir);
	free(owner);
	free(tu_of_file);
	json_decref(doc);
}

/* Take TUs [first, ntus) from the cache where possible, parse the others. */
static void load_or_parse(struct ctx *c, int first, json_t *cached, char ***keys,
			  const char *clang_version, int *nfrom_cache)
{
	int *todo = xcalloc((size_t)(c->ntus - first) + 1, sizeof(*todo));
	int n = 0;

	*keys = xrealloc(*keys, sizeof(**keys) * (size_t)(c->ntus + 1));
	for (int i = first; i < c->ntus; i++) {
		json_t *rec = cached ? json_object_get(cached, c->tus[i].name) : NULL;
		/* A full record serves a run that skips bodies too, not the other way round. */
		(*keys)[i] = tu_key(&c->tus[i], clang_version, 0);
		if (rec && tu_from_cache(c, i, rec, (*keys)[i])) {
			(*nfrom_cache)++;
			continue;
		}
		if (c->s->opt->c_skip_bodies) {
			free((*keys)[i]);
			(*keys)[i] = tu_key(&c->tus[i], clang_version, 1);
			if (rec && tu_from_cache(c, i, rec, (*keys)[i])) {
				(*nfrom_cache)++;
				continue;
			}
		}
		todo[n++] = i;
	}
	run_tus(c, todo, n);
	free(todo);
}

/*
 * A cold run takes a file's declarations from the first TU that has any
 * (its own TU first). A TU taken from the cache only brought those it was
 * the source of last time; where that source is gone, parse the TU that is
 * the source now.
 */
static int repair(struct ctx *c)
{
	int *want = xcalloc((size_t)c->nfiles + 1, sizeof(*want));
	int *todo = xcalloc((size_t)c->ntus + 1, sizeof(*todo));
	unsigned char *queued = xcalloc((size_t)c->ntus + 1, 1);
	int n = 0;

	for (int i = 0; i < c->nfiles; i++)
		want[i] = INT_MAX;
	for (int i = 0; i < c->ntus; i++)
		for (int k = 0; k < c->tus[i].ntouched; k++) {
			int idx = c->tus[i].touched[k];
			int key = c->tus[i].file == idx ? -1 : i;
			if (key < want[idx])
				want[idx] = key;
		}
	for (int i = 0; i < c->nfiles; i++) {
		int t = want[i];
		if (t == INT_MAX || atomic_load(&c->files[i].best_key) == t)
			continue;
		if (t == -1)
			for (int k = 0; k < c->ntus; k++)
				if (c->tus[k].file == i)
					t = k;
		if (t >= 0 && !queued[t] && !c->tus[t].parsed && !c->tus[t].unparsed) {
			queued[t] = 1;
			tu_reset(&c->tus[t]);
			todo[n++] = t;
		}
	}
	run_tus(c, todo, n);
	free(want);
	free(todo);
	free(queued);
	return n;
}

/* One warning for the files a compilation database left out (see finish()). */
static void warn_not_parsed(const char *dbdir, int nc, int nh)
{
	char *db = xstrfmt("%s/compile_commands.json", dbdir);
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb);
	if (nc)
		sb_addf(&sb, "%d .c file%s not in the database", nc, nc == 1 ? "" : "s");
	if (nc && nh)
		sb_adds(&sb, " and ");
	if (nh)
		sb_addf(&sb, "%d header%s that none of its files include%s", nh, nh == 1 ? "" : "s",
			nh == 1 ? "s" : "");
	diag_warn(db, 0, 0, "%s %s not parsed (no #include edges from %s); --c-fallback-all "
		  "parses %s with fallback flags", sb.buf, nc + nh == 1 ? "was" : "were",
		  nc + nh == 1 ? "it" : "them", nc + nh == 1 ? "it" : "them");
	sb_release(&sb);
	free(db);
}

static int finish(struct scan *s)
{
	struct cstate *cs = s->frontend_state[LANG_C];
	struct ctx c;
	struct compdb db;
	int have_db;
	char *dbdir = NULL, *cache_path = NULL, **keys = NULL, *clang_version;
	json_t *cached = NULL, *cache_doc = NULL;
	struct side **extra = NULL;
	size_t nextra = 0, alloc_extra = 0;
	int ndb = 0, nfallback = 0, nclean = 0, first_header_tu, nfrom_cache = 0, nparsed = 0;
	int fallback_all, nskipped_c = 0, nskipped_h = 0;

	/* --lexical C (dups): the lexer gave everything; libclang is not needed. */
	if (s->opt->c_lexical) {
		cstate_free(s);
		return 0;
	}
	memset(&c, 0, sizeof(c));
	c.s = s;
	pthread_mutex_init(&c.lock, NULL);
	pthread_mutex_init(&c.wd_lock, NULL);
	pthread_cond_init(&c.wd_cond, NULL);
	if (cs && cs->nsides)
		qsort(cs->sides, cs->nsides, sizeof(*cs->sides), cmp_side);
	clang_version = libclang_identity();

	/* The project's C files, by canonical path. */
	c.files = xcalloc(s->nfiles + 1, sizeof(*c.files));
	for (size_t i = 0; i < s->nfiles; i++) {
		struct file_facts *ff = s->files[i];
		struct pfile *pf;
		char buf[PATH_MAX];
		if (ff->lang != LANG_C)
			continue;
		pf = &c.files[c.nfiles];
		pf->ff = ff;
		pf->abs = xstrdup(realpath(ff->path, buf) ? buf : ff->path);
		pf->is_header = ends_with(ff->path, ".h");
		atomic_init(&pf->reached, 0);
		atomic_init(&pf->best_key, INT_MAX);
		pf->side = find_side(cs, ff->path);
		if (!pf->side) {
			pf->side = relex(ff, s->opt->max_file_size);
			ALLOC_GROW(extra, nextra + 1, alloc_extra);
			extra[nextra++] = pf->side;
		}
		strmap_put(&c.pathmap, pf->abs, c.nfiles);
		strmap_put(&c.relmap, ff->path, c.nfiles);
		c.nfiles++;
	}
	if (!c.nfiles)
		goto out;

	build_fallback_args(&c);
	have_db = open_compdb(&c, &db, &dbdir);
	if (have_db > 0) {
		ndb = tus_from_compdb(&c, &db);
		compdb_free(&db);
	}
	/*
	 * A compilation database says what the build is: the .c files it does
	 * not list (tests, examples, other platforms' sources) are not parsed
	 * unless --c-fallback-all; they stay nodes, as the headers that none
	 * of its files includes.
	 */
	fallback_all = have_db <= 0 || s->opt->c_fallback_all;
	for (int i = 0; i < c.nfiles; i++)
		if (!c.files[i].is_header && !atomic_load(&c.files[i].reached)) {
			if (!fallback_all) {
				nskipped_c++;
				continue;
			}
			fallback_tu(&c, i);
			nfallback++;
		}
	if (nfallback && have_db <= 0)
		diag_warn(NULL, 0, 0,
			  "%s; parsed %d C file%s with -I for every project folder holding headers "
			  "(fallback)", have_db < 0 ? "no usable compile_commands.json" :
			  "no compile_commands.json found (use --compile-commands DIR)",
			  nfallback, nfallback == 1 ? "" : "s");
	else if (nfallback && s->opt->verbose)
		fprintf(stderr, "unravel: %d C file%s not in %s/compile_commands.json parsed with "
				"fallback flags\n", nfallback, nfallback == 1 ? "" : "s", dbdir);
	for (int i = 0; i < c.ntus; i++)
		atomic_store(&c.files[c.tus[i].file].reached, 0);
	if (c.ntus)
		qsort(c.tus, (size_t)c.ntus, sizeof(*c.tus), cmp_tu);

	if (!s->opt->no_cache) {
		cache_path = tucache_path(s->opt);
		cache_doc = load_json(cache_path, NULL);
		if (cache_doc && json_integer_value(json_object_get(cache_doc, "format")) ==
		    TUCACHE_FORMAT)
			cached = json_object_get(cache_doc, "tus");
	}
	load_or_parse(&c, 0, cached, &keys, clang_version, &nfrom_cache);

	/* Headers that no TU reached: parse them on their own. */
	first_header_tu = c.ntus;
	for (int i = 0; i < c.nfiles; i++)
		if (c.files[i].is_header && !atomic_load(&c.files[i].reached) && c.nunparsed == 0) {
			if (!fallback_all) {
				nskipped_h++;
				continue;
			}
			fallback_tu(&c, i);
			c.tus[c.ntus - 1].standalone = 1;
		}
	load_or_parse(&c, first_header_tu, cached, &keys, clang_version, &nfrom_cache);
	nfrom_cache -= repair(&c);
	if (nskipped_c || nskipped_h)
		warn_not_parsed(dbdir, nskipped_c, nskipped_h);
	if (c.nunparsed)
		diag_warn(NULL, 0, 0,
			  "cannot load libclang (%s): %d C translation unit%s not parsed, so their "
			  "#include edges and declarations are missing (UNRAVEL_LIBCLANG may name "
			  "the library)", c.clang_error, c.nunparsed, c.nunparsed == 1 ? "" : "s");

	emit_diagnostics(&c);
	merge_imports(&c);
	for (int i = 0; i < c.nfiles; i++)
		merge_decls(&c.files[i]);
	for (int i = 0; i < c.ntus; i++) {
		nclean += c.tus[i].clean;
		nparsed += c.tus[i].parsed;
		s->c_tus.timed_out += c.tus[i].timed_out;
		s->c_tus.not_tried += c.tus[i].not_tried;
	}
	s->c_tus.tus = c.ntus;
	s->c_tus.clean = nclean;
	s->c_tus.from_cache = nfrom_cache;
	/* A TU that repair() parsed again was keyed as it was cached, maybe as a full parse. */
	for (int i = 0; i < c.ntus; i++)
		if (keys && c.tus[i].parsed) {
			free(keys[i]);
			keys[i] = tu_key(&c.tus[i], clang_version, s->opt->c_skip_bodies);
		}
	if (cache_path && (nparsed || !cached || json_object_size(cached) != (size_t)nfrom_cache))
		tucache_save(&c, cache_path, keys);
	if (s->opt->verbose)
		fprintf(stderr, "unravel: %d of %d translation units parsed cleanly "
				"(%d from the compilation database, %d standalone headers, "
				"%d from the TU cache)\n",
			nclean, c.ntus, ndb, c.ntus - first_header_tu, nfrom_cache);

out:
	for (int i = 0; i < c.nfiles; i++) {
		free(c.files[i].abs);
		facts_free(c.files[i].best);
	}
	free(c.files);
	for (int i = 0; i < c.ntus; i++) {
		/* An abandoned parse may still read its arguments. */
		for (int k = 0; k < c.tus[i].nargs && !c.tus[i].abandoned; k++)
			free(c.tus[i].args[k]);
		if (!c.tus[i].abandoned)
			free(c.tus[i].args);
		free(c.tus[i].name);
		tu_reset(&c.tus[i]);
		if (keys)
			free(keys[i]);
	}
	free(keys);
	free(c.tus);
	for (int i = 0; i < c.nfallback_args; i++)
		free(c.fallback_args[i]);
	for (int i = 0; i < c.ndbents; i++) {
		for (int k = 0; k < c.dbents[i].nargs; k++)
			free(c.dbents[i].args[k]);
		free(c.dbents[i].args);
		free(c.dbents[i].abs);
	}
	free(c.dbents);
	free(c.fallback_args);
	for (int i = 0; i < c.ncanon; i++)
		free(c.canon_names[i]);
	free(c.canon_names);
	strmap_free(&c.canon);
	strmap_free(&c.pathmap);
	strmap_free(&c.relmap);
	for (size_t i = 0; i < nextra; i++)
		side_free(extra[i]);
	free(extra);
	free(dbdir);
	free(cache_path);
	free(clang_version);
	json_decref(cache_doc);
	pthread_mutex_destroy(&c.lock);
	pthread_mutex_destroy(&c.wd_lock);
	pthread_cond_destroy(&c.wd_cond);
	cstate_free(s);
	return 0;
}

const struct frontend frontend_c = {
	.name = "c",
	.lang = LANG_C,
	.extensions = exts,
	.init = init,
	.parse = parse,
	.finish = finish,
	/* no .fini: libclang, once loaded, stays until exit */
};
