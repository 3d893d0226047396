/*
 * pytok.c - see pytok.h.
 *
 * One pass over the bytes, CPython's rules: indentation is measured at the
 * start of each physical line that begins a logical line (tabs advance to
 * the next multiple of 8, a form feed resets the column), blank and
 * comment-only lines do not count, and inside brackets or after a
 * backslash-newline there is no indentation at all.
 *
 * Recovery choices (CPython stops at the first error; we must not, so the
 * facts after an error survive):
 *  - a dedent to a column that matches no outer level pushes a "phantom"
 *    level that emitted no INDENT and will emit no DEDENT, so INDENT and
 *    DEDENT stay balanced;
 *  - an unclosed bracket would swallow the rest of the file into one
 *    logical line, so a physical line inside brackets that starts with
 *    def/class/import/from at or left of the indentation of the line that
 *    opened the bracket closes every open bracket (with a warning);
 *  - an unterminated single-quoted string ends at the end of its line, an
 *    unterminated triple-quoted one at the end of the file.
 */
#include "pytok.h"
#include "diag.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define MAX_INDENT 512
#define MAX_BRACKETS 512
#define MAX_FSTRING_NESTING 64
#define MAX_WARNINGS 10

struct tz {
	const char *src;
	size_t len, pos;
	size_t line_start; /* offset of the current physical line */
	uint32_t line;
	const char *path;
	struct pytok_list *out;
	size_t last_end; /* end offset of the previous token */

	int nindents;
	int depth;          /* may exceed MAX_BRACKETS; only the first are remembered */
	int logical_indent; /* indentation of the line that started the logical line */
	int fnest;          /* f-string nesting, against runaway recursion */
	int pending;        /* a significant token since the last NEWLINE */
	uint32_t warned_line;
	int nwarned;

	/* the stacks, last: entries are written before they are read (not zeroed) */
	int indents[MAX_INDENT];
	unsigned char phantom[MAX_INDENT]; /* level pushed without an INDENT */
	char brackets[MAX_BRACKETS];
	uint32_t bline[MAX_BRACKETS], bcol[MAX_BRACKETS];
};

const char *pytok_kind_name(int kind)
{
	static const char *const names[] = {
		"ENDMARKER", "NAME", "NUMBER", "STRING", "OP", "COMMENT",
		"NEWLINE", "NL", "INDENT", "DEDENT",
	};
	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

/*
 * Count an error; warn about the first one of a line, and about at most
 * MAX_WARNINGS per file (a binary-ish or deeply broken file must not bury
 * the other warnings), then say how many more there were.
 */
static void tz_error(struct tz *t, uint32_t line, uint32_t col, const char *msg)
{
	t->out->nerrors++;
	if (!t->path || line == t->warned_line)
		return;
	t->warned_line = line;
	if (t->nwarned++ < MAX_WARNINGS)
		diag_warn(t->path, (int)line, (int)col, "%s", msg);
}

static void grow(struct pytok_list *o)
{
	ALLOC_GROW(o->v, o->n + 1, o->alloc);
}

/*
 * Whether s[0..n) holds, at k, one of the words that frontend_python.c's
 * comment patterns (RE_NOTE, RE_ALLOW) need, the literals below, found by
 * its anchor byte s[k]: an uppercase O or X of the note words, the l of
 * the allow marker's "l:", the p or P of the one caseless note word.
 */
static int marker_at(const char *s, size_t n, size_t k)
{
	switch (s[k]) {
	case 'O':
		return k >= 1 && k + 3 <= n && !memcmp(s + k - 1, "TODO", 4);
	case 'X':
		return (k >= 2 && k + 3 <= n && !memcmp(s + k - 2, "FIXME", 5)) ||
		       (k + 3 <= n && !memcmp(s + k, "XXX", 3));
	case 'l':
		if (k >= 6 && k + 2 <= n && !memcmp(s + k - 6, "unravel:", 8))
			return 1;
		break;
	default:
		break;
	}
	return k + 11 <= n && !strncasecmp(s + k, "placeholder", 11);
}

#ifdef __SSE2__
/* The anchors in 16 bytes at v (next: the 16 at v + 1), a bit each. */
static inline unsigned marker_anchors(__m128i v, __m128i next)
{
	const __m128i o = _mm_set1_epi8('O'), x = _mm_set1_epi8('X'), l = _mm_set1_epi8('l'),
		      colon = _mm_set1_epi8(':'), p = _mm_set1_epi8('p'), fold = _mm_set1_epi8(0x20);
	__m128i fv = _mm_or_si128(v, fold), fnext = _mm_or_si128(next, fold);
	__m128i hit = _mm_or_si128(
		_mm_or_si128(_mm_cmpeq_epi8(v, o), _mm_cmpeq_epi8(v, x)),
		_mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(v, l), _mm_cmpeq_epi8(next, colon)),
			     _mm_and_si128(_mm_cmpeq_epi8(fv, p), _mm_cmpeq_epi8(fnext, l))));
	return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/*
 * Whether a comment holds one of the words of marker_at(): checked here,
 * while the bytes are in cache, 16 at a time, by their rarer bytes; most
 * comments hold none, and the frontend matches its patterns only against
 * those that do.
 */
static __attribute__((noinline)) int has_marker_word(const char *s, size_t n)
{
	size_t i = 0;
#ifdef __SSE2__
	char tail[40];
	unsigned m;
	for (; i + 17 <= n; i += 16) {
		m = marker_anchors(_mm_loadu_si128((const __m128i *)(const void *)(s + i)),
				   _mm_loadu_si128((const __m128i *)(const void *)(s + i + 1)));
		for (; m; m &= m - 1)
			if (marker_at(s, n, i + (size_t)__builtin_ctz(m)))
				return 1;
	}
	/* the last 16 bytes or fewer, copied out: no read past the comment */
	memset(tail, 0, sizeof(tail));
	memcpy(tail, s + i, n - i);
	m = marker_anchors(_mm_loadu_si128((const __m128i *)(const void *)tail),
			   _mm_loadu_si128((const __m128i *)(const void *)(tail + 1)));
	for (; m; m &= m - 1)
		if (i + (size_t)__builtin_ctz(m) < n && marker_at(s, n, i + (size_t)__builtin_ctz(m)))
			return 1;
	return 0;
#else
	for (; i < n; i++)
		if ((s[i] == 'O' || s[i] == 'X' || s[i] == 'l' || (s[i] | 0x20) == 'p') &&
		    marker_at(s, n, i))
			return 1;
	return 0;
#endif
}

/* Inlined: it runs for every token, and the array rarely grows (sized from the length). */
static inline __attribute__((always_inline)) void emit(struct tz *t, int kind, size_t off,
							size_t len, uint32_t line, uint32_t col)
{
	struct pytok_list *o = t->out;
	struct pytok *k;
	if (__builtin_expect(o->n + 1 > o->alloc, 0))
		grow(o);
	k = &o->v[o->n++];
	k->off = (uint32_t)off;
	k->len = (uint32_t)len;
	k->line = line;
	k->col = col;
	k->end_line = t->line;
	k->kind = (uint8_t)kind;
	k->marker = 0;
	k->gap = off > t->last_end || (o->n == 1);
	if (len)
		t->last_end = off + len;
	if (kind >= PT_NAME && kind <= PT_OP)
		t->pending = 1;
	else if (kind == PT_NEWLINE)
		t->pending = 0;
}

static inline int is_eol(char c)
{
	return c == '\n' || c == '\r';
}

/* 1: may start a name (letters, '_', any non-ASCII byte); 2: digits, inside only. */
static const unsigned char name_class[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

static inline int is_name_start(unsigned char c)
{
	return name_class[c] == 1;
}

static inline int is_name_char(unsigned char c)
{
	return name_class[c] != 0;
}

/*
 * The end of the name that continues at src[e] (< len): 16 bytes at a time
 * while 16 are left (names are most of the tokens; a byte a time was a
 * sixth of the tokenizer).
 */
static inline size_t name_end(const char *src, size_t e, size_t len)
{
#ifdef __SSE2__
	const __m128i fold = _mm_set1_epi8(0x20), a1 = _mm_set1_epi8('a' - 1), z1 = _mm_set1_epi8('z' + 1),
		      d1 = _mm_set1_epi8('0' - 1), d9 = _mm_set1_epi8('9' + 1),
		      us = _mm_set1_epi8('_'), zero = _mm_setzero_si128();
	for (; e + 16 <= len; e += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(src + e));
		__m128i lower = _mm_or_si128(v, fold);
		/* letters, digits, '_', and any non-ASCII byte (negative as signed) */
		__m128i name = _mm_or_si128(
			_mm_or_si128(_mm_and_si128(_mm_cmpgt_epi8(lower, a1), _mm_cmplt_epi8(lower, z1)),
				     _mm_and_si128(_mm_cmpgt_epi8(v, d1), _mm_cmplt_epi8(v, d9))),
			_mm_or_si128(_mm_cmpeq_epi8(v, us), _mm_cmplt_epi8(v, zero)));
		unsigned stop = ~(unsigned)_mm_movemask_epi8(name) & 0xffffu;
		if (stop)
			return e + (size_t)__builtin_ctz(stop);
	}
#endif
	while (e < len && is_name_char((unsigned char)src[e]))
		e++;
	return e;
}

static inline int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Consume the line break at p (\n, \r\n or \r); returns the offset after it. */
static size_t eat_eol(struct tz *t, size_t p)
{
	if (t->src[p] == '\r' && p + 1 < t->len && t->src[p + 1] == '\n')
		p += 2;
	else
		p++;
	t->line++;
	t->line_start = p;
	return p;
}

static size_t scan_string(struct tz *t, size_t p, int fstr, int *ok);

/* Is s[0..n) a string prefix (r, u, b, f and their legal pairs, any case)? */
static int string_prefix(const char *s, size_t n, int *fstr)
{
	int r = 0, b = 0, u = 0, f = 0;
	if (n == 0 || n > 2)
		return 0;
	for (size_t i = 0; i < n; i++) {
		switch (s[i] | 0x20) {
		case 'r': r++; break;
		case 'b': b++; break;
		case 'u': u++; break;
		case 'f': f++; break;
		default: return 0;
		}
	}
	if (r > 1 || b > 1 || u > 1 || f > 1 || (u && n > 1) || (b && f))
		return 0;
	*fstr = f;
	return 1;
}

/*
 * The format spec of a replacement field, after its ':': literal text with
 * nested {fields}, up to the closing '}'. Returns the offset after the '}'.
 */
static size_t scan_fexpr(struct tz *t, size_t p, char q, int triple, int *ok);

static size_t scan_fspec(struct tz *t, size_t p, char q, int triple, int *ok)
{
	while (p < t->len) {
		char c = t->src[p];
		if (is_eol(c)) {
			if (!triple)
				break;
			p = eat_eol(t, p);
		} else if (c == '{') {
			p = scan_fexpr(t, p + 1, q, triple, ok);
			if (!*ok)
				return p;
		} else if (c == '}') {
			return p + 1;
		} else if (c == q && (!triple || (p + 2 < t->len && t->src[p + 1] == q &&
						   t->src[p + 2] == q))) {
			break; /* the string ends inside the field: malformed */
		} else if (c == '\\' && p + 1 < t->len && !is_eol(t->src[p + 1])) {
			p += 2;
		} else {
			p++;
		}
	}
	*ok = 0;
	return p;
}

/*
 * A replacement field's expression, after its '{': nested brackets,
 * nested strings of any quote (PEP 701), up to the '}' closing the field.
 */
static size_t scan_fexpr(struct tz *t, size_t p, char q, int triple, int *ok)
{
	int depth = 0;
	if (++t->fnest > MAX_FSTRING_NESTING) {
		t->fnest--;
		*ok = 0;
		return p;
	}
	while (p < t->len) {
		char c = t->src[p];
		if (is_eol(c)) {
			/* PEP 701: a replacement field may span lines, even in a '...' string */
			p = eat_eol(t, p);
		} else if (c == '#') {
			while (p < t->len && !is_eol(t->src[p]))
				p++;
		} else if (c == '(' || c == '[' || c == '{') {
			depth++;
			p++;
		} else if (c == ')' || c == ']') {
			if (depth)
				depth--;
			p++;
		} else if (c == '}') {
			if (!depth) {
				t->fnest--;
				return p + 1;
			}
			depth--;
			p++;
		} else if (c == ':' && !depth) {
			p = scan_fspec(t, p + 1, q, triple, ok);
			t->fnest--;
			return p;
		} else if (c == '\'' || c == '"') {
			/* A nested string; its prefix letters are just behind it. */
			size_t b = p;
			int nf = 0;
			while (b > 0 && is_name_char((unsigned char)t->src[b - 1]))
				b--;
			if (!string_prefix(t->src + b, p - b, &nf))
				nf = 0;
			p = scan_string(t, p, nf, ok);
			if (!*ok) {
				t->fnest--;
				return p;
			}
		} else if (c == '\\' && p + 1 < t->len) {
			if (is_eol(t->src[p + 1]))
				p = eat_eol(t, p + 1);
			else
				p += 2;
		} else {
			p++;
		}
	}
	t->fnest--;
	*ok = 0;
	return p;
}

/* Bytes a string's scan must stop at: 1 ', 2 ", 4 backslash and line breaks, 8 { (f-strings). */
static const unsigned char str_stop[256] = {
	['\''] = 1, ['"'] = 2, ['\\'] = 4, ['\n'] = 4, ['\r'] = 4, ['{'] = 8,
};

/*
 * The next byte at or after p that a string's scan stops at (stop: the
 * str_stop bits of its quote, 4, and 8 in an f-string), or len: 16 bytes
 * at a time while 16 are left (docstrings are most of the bytes).
 */
static inline size_t string_stop(const char *src, size_t p, size_t len, char q,
				 unsigned char stop)
{
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8(q), bs = _mm_set1_epi8('\\'), nl = _mm_set1_epi8('\n'),
		      cr = _mm_set1_epi8('\r'), brace = _mm_set1_epi8((stop & 8) ? '{' : q);
	for (; p + 16 <= len; p += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(src + p));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bs)),
			_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, nl), _mm_cmpeq_epi8(v, cr)),
				     _mm_cmpeq_epi8(v, brace))));
		if (m)
			return p + (size_t)__builtin_ctz(m);
	}
#endif
	while (p < len && !(str_stop[(unsigned char)src[p]] & stop))
		p++;
	return p;
}

/*
 * A string whose opening quote is at p. Returns the offset after the
 * closing quote; *ok = 0 when it is unterminated (the offset is then the
 * end of the line, or of the file for a triple-quoted string).
 */
static size_t scan_string(struct tz *t, size_t p, int fstr, int *ok)
{
	char q = t->src[p];
	int triple = p + 2 < t->len && t->src[p + 1] == q && t->src[p + 2] == q;
	unsigned char stop = (unsigned char)((q == '\'' ? 1 : 2) | 4 | (fstr ? 8 : 0));
	*ok = 1;
	p += triple ? 3 : 1;
	while (p < t->len) {
		char c;
		/* the plain text between the bytes that matter, in a tight loop (docstrings are long) */
		p = string_stop(t->src, p, t->len, q, stop);
		if (p >= t->len)
			break;
		c = t->src[p];
		if (c == '\\') {
			/* a backslash never escapes a brace of an f-string (raw or not) */
			if (p + 1 >= t->len || (fstr && (t->src[p + 1] == '{' || t->src[p + 1] == '}')))
				p++;
			else if (is_eol(t->src[p + 1]))
				p = eat_eol(t, p + 1);
			else
				p += 2;
		} else if (is_eol(c)) {
			if (!triple)
				break;
			p = eat_eol(t, p);
		} else if (c == q) {
			if (!triple)
				return p + 1;
			if (p + 2 < t->len && t->src[p + 1] == q && t->src[p + 2] == q)
				return p + 3;
			p++;
		} else if (fstr && c == '{') {
			if (p + 1 < t->len && t->src[p + 1] == '{') {
				p += 2;
				continue;
			}
			p = scan_fexpr(t, p + 1, q, triple, ok);
			if (!*ok)
				return p;
		} else {
			p++;
		}
	}
	*ok = 0;
	return p;
}

static size_t scan_number(const char *s, size_t p, size_t len)
{
	if (s[p] == '0' && p + 1 < len && strchr("xXoObB", s[p + 1]) && s[p + 1]) {
		p += 2;
		while (p < len && (is_name_char((unsigned char)s[p])))
			p++;
		return p;
	}
	while (p < len && (is_digit(s[p]) || s[p] == '_'))
		p++;
	if (p < len && s[p] == '.') {
		p++;
		while (p < len && (is_digit(s[p]) || s[p] == '_'))
			p++;
	}
	if (p < len && (s[p] == 'e' || s[p] == 'E')) {
		size_t e = p + 1;
		if (e < len && (s[e] == '+' || s[e] == '-'))
			e++;
		if (e < len && is_digit(s[e])) {
			p = e;
			while (p < len && (is_digit(s[p]) || s[p] == '_'))
				p++;
		}
	}
	if (p < len && strchr("jJlL", s[p]) && s[p])
		p++;
	return p;
}

/* Length of the operator or delimiter at s[p] (0: none), longest first. */
static size_t op_length(const char *s, size_t p, size_t len)
{
	size_t left = len - p;
	unsigned char c = (unsigned char)s[p];
	unsigned char d = left >= 2 ? (unsigned char)s[p + 1] : 0;
	unsigned char e = left >= 3 ? (unsigned char)s[p + 2] : 0;
	switch (c) {
	case '*': case '/': case '<': case '>':
		if (d == c)
			return e == '=' ? 3 : 2; /* ** // << >> and **= //= <<= >>= */
		return d == '=' || (c == '<' && d == '>') ? 2 : 1;
	case '.':
		return d == '.' && e == '.' ? 3 : 1;
	case '-':
		return d == '=' || d == '>' ? 2 : 1;
	case '!': case '%': case '&': case '+': case ':': case '=': case '@': case '^': case '|':
		return d == '=' ? 2 : 1;
	case '(': case ')': case ',': case ';': case '[': case ']': case '{': case '}': case '~':
		return 1;
	default:
		return 0;
	}
}

static void close_brackets(struct tz *t, const char *why)
{
	int n = t->depth < MAX_BRACKETS ? t->depth : MAX_BRACKETS;
	if (n > 0) {
		char msg[96];
		snprintf(msg, sizeof(msg), "'%c' was never closed%s", t->brackets[0], why);
		tz_error(t, t->bline[0], t->bcol[0], msg);
	}
	t->depth = 0;
}

/* Does the physical line at p (after indentation) start a statement that cannot be inside brackets? */
static int starts_statement(const struct tz *t, size_t p)
{
	static const char *const kw[] = {"def", "class", "import", "from", NULL};
	size_t e = p;
	while (e < t->len && is_name_char((unsigned char)t->src[e]))
		e++;
	if (e >= t->len || (t->src[e] != ' ' && t->src[e] != '\t'))
		return 0;
	for (int i = 0; kw[i]; i++)
		if (e - p == strlen(kw[i]) && !memcmp(t->src + p, kw[i], e - p))
			return 1;
	return 0;
}

/* The end of the run of blanks (' ') at src[p]: 16 bytes at a time while 16 are left. */
static inline size_t blanks_end(const char *src, size_t p, size_t len)
{
#ifdef __SSE2__
	const __m128i blank = _mm_set1_epi8(' ');
	for (; p + 16 <= len; p += 16) {
		unsigned other = ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
					 _mm_loadu_si128((const __m128i *)(const void *)(src + p)), blank)) &
				 0xffffu;
		if (other)
			return p + (size_t)__builtin_ctz(other);
	}
#endif
	while (p < len && src[p] == ' ')
		p++;
	return p;
}

/* Indentation at the start of a logical line: INDENT/DEDENT tokens. */
static void indentation(struct tz *t, int col, size_t p)
{
	uint32_t c1 = (uint32_t)(p - t->line_start) + 1;
	int top = t->indents[t->nindents - 1];
	t->logical_indent = col;
	if (col > top) {
		if (t->nindents >= MAX_INDENT) {
			tz_error(t, t->line, c1, "too many levels of indentation");
			return;
		}
		t->indents[t->nindents] = col;
		t->phantom[t->nindents] = 0;
		t->nindents++;
		emit(t, PT_INDENT, p, 0, t->line, c1);
		return;
	}
	while (col < t->indents[t->nindents - 1]) {
		t->nindents--;
		if (!t->phantom[t->nindents])
			emit(t, PT_DEDENT, p, 0, t->line, c1);
	}
	if (col != t->indents[t->nindents - 1]) {
		tz_error(t, t->line, c1, "unindent does not match any outer indentation level");
		if (t->nindents < MAX_INDENT) {
			t->indents[t->nindents] = col;
			t->phantom[t->nindents] = 1;
			t->nindents++;
		}
	}
}

int pytok_run(struct pytok_list *out, const char *src, size_t len, const char *path)
{
	struct tz *t = xmalloc(sizeof(*t)); /* 7 KB of stacks: only the fields before them zeroed */
	memset(t, 0, offsetof(struct tz, indents));
	t->indents[0] = 0;
	t->phantom[0] = 0;
	int atbol = 1, blank = 0, errors;
	if (len >= UINT32_MAX)
		len = UINT32_MAX - 1;
	t->src = src;
	t->len = len;
	t->line = 1;
	t->path = path;
	t->out = out;
	t->nindents = 1;
	if (len >= 3 && !memcmp(src, "\xef\xbb\xbf", 3))
		t->pos = t->line_start = 3;
	t->last_end = t->pos;
	/*
	 * Python averages 6-8 bytes a token: one allocation for most files, not
	 * a dozen copies (at most 1M tokens ahead: a huge file grows as before).
	 */
	ALLOC_GROW(out->v, out->n + (len / 4 < (1u << 20) ? len / 4 : (1u << 20)) + 16, out->alloc);

	for (;;) {
		size_t p;
		char c;
		uint32_t line, col;

		if (atbol) {
			int icol;
			atbol = 0;
			p = blanks_end(src, t->pos, len); /* most indentation is blanks only */
			icol = (int)(p - t->pos);
			for (; p < len; p++) {
				if (src[p] == ' ')
					icol++;
				else if (src[p] == '\t')
					icol = (icol / 8 + 1) * 8;
				else if (src[p] == '\f')
					icol = 0;
				else
					break;
			}
			blank = p >= len || src[p] == '#' || is_eol(src[p]);
			if (t->depth > 0 && !blank && icol <= t->logical_indent &&
			    starts_statement(t, p)) {
				close_brackets(t, " (recovering at the next statement)");
				emit(t, PT_NEWLINE, t->pos, 0, t->line, 1);
			}
			if (!blank && t->depth == 0)
				indentation(t, icol, p);
			t->pos = p;
		}
		p = t->pos;
		/* most tokens follow none or one blank: one comparison rules out the others */
		while (p < len && (unsigned char)src[p] <= ' ' &&
		       (src[p] == ' ' || src[p] == '\t' || src[p] == '\f'))
			p++;
		t->pos = p;
		if (p >= len)
			break;
		c = src[p];
		line = t->line;
		col = (uint32_t)(p - t->line_start) + 1;

		if (c == '#') {
			/* to the line break (\n, or a lone \r): memchr, comments are long */
			const char *nl = memchr(src + p, '\n', len - p);
			size_t e = nl ? (size_t)(nl - src) : len;
			const char *cr = memchr(src + p, '\r', e - p);
			if (cr)
				e = (size_t)(cr - src);
			emit(t, PT_COMMENT, p, e - p, line, col);
			t->out->v[t->out->n - 1].marker = has_marker_word(src + p, e - p);
			t->pos = e;
			continue;
		}
		if (is_eol(c)) {
			emit(t, t->pending && t->depth == 0 ? PT_NEWLINE : PT_NL, p, 0, line, col);
			t->pos = eat_eol(t, p);
			atbol = 1;
			continue;
		}
		if (c == '\\') {
			if (p + 1 < len && is_eol(src[p + 1])) {
				t->pos = eat_eol(t, p + 1);
				continue;
			}
			if (p + 1 >= len) {
				tz_error(t, line, col, "unexpected end of file after line continuation");
				t->pos = p + 1;
				continue;
			}
			tz_error(t, line, col, "unexpected character after line continuation character");
			t->pos = p + 1;
			continue;
		}
		blank = 0;
		if (is_name_start((unsigned char)c)) {
			size_t e = name_end(src, p, len);
			int fstr = 0;
			if (e < len && (src[e] == '\'' || src[e] == '"') &&
			    string_prefix(src + p, e - p, &fstr)) {
				int ok;
				size_t end = scan_string(t, e, fstr, &ok);
				if (!ok)
					tz_error(t, line, col, end >= len ? "unterminated string literal at end of file"
									  : "unterminated string literal");
				emit(t, PT_STRING, p, end - p, line, col);
				t->pos = end;
				continue;
			}
			emit(t, PT_NAME, p, e - p, line, col);
			t->pos = e;
			continue;
		}
		if (is_digit(c) || (c == '.' && p + 1 < len && is_digit(src[p + 1]))) {
			size_t e = scan_number(src, p, len);
			emit(t, PT_NUMBER, p, e - p, line, col);
			t->pos = e;
			continue;
		}
		if (c == '\'' || c == '"') {
			int ok;
			size_t end = scan_string(t, p, 0, &ok);
			if (!ok)
				tz_error(t, line, col, end >= len ? "unterminated string literal at end of file"
								  : "unterminated string literal");
			emit(t, PT_STRING, p, end - p, line, col);
			t->pos = end;
			continue;
		}
		{
			size_t n = op_length(src, p, len);
			if (!n) {
				char msg[64];
				snprintf(msg, sizeof(msg), "invalid character '\\x%02x'", (unsigned char)c);
				tz_error(t, line, col, msg);
				t->pos = p + 1;
				continue;
			}
			if (n == 1 && (c == '(' || c == '[' || c == '{')) {
				if (t->depth < MAX_BRACKETS) {
					t->brackets[t->depth] = c;
					t->bline[t->depth] = line;
					t->bcol[t->depth] = col;
				}
				t->depth++;
			} else if (n == 1 && (c == ')' || c == ']' || c == '}')) {
				if (t->depth == 0) {
					char msg[32];
					snprintf(msg, sizeof(msg), "unmatched '%c'", c);
					tz_error(t, line, col, msg);
				} else {
					t->depth--;
					if (t->depth < MAX_BRACKETS) {
						char o = t->brackets[t->depth];
						if ((o == '(' && c != ')') || (o == '[' && c != ']') ||
						    (o == '{' && c != '}')) {
							char msg[80];
							snprintf(msg, sizeof(msg),
								 "closing '%c' does not match opening '%c'", c, o);
							tz_error(t, line, col, msg);
						}
					}
				}
			}
			emit(t, PT_OP, p, n, line, col);
			t->pos = p + n;
		}
	}

	if (t->depth > 0)
		close_brackets(t, "");
	/* The last line may lack its line break: end the logical line anyway. */
	if (t->pending)
		emit(t, PT_NEWLINE, len, 0, t->line, (uint32_t)(len - t->line_start) + 1);
	else if (out->n && out->v[out->n - 1].kind != PT_NL && out->v[out->n - 1].kind != PT_NEWLINE)
		emit(t, PT_NL, len, 0, t->line, (uint32_t)(len - t->line_start) + 1);
	while (t->nindents > 1) {
		t->nindents--;
		if (!t->phantom[t->nindents])
			emit(t, PT_DEDENT, len, 0, t->line, 1);
	}
	emit(t, PT_ENDMARKER, len, 0, t->line, 1);
	if (t->nwarned > MAX_WARNINGS)
		diag_warn(t->path, 0, 0, "%d more lines with syntax errors not shown",
			  t->nwarned - MAX_WARNINGS);
	errors = out->nerrors;
	free(t);
	return errors;
}

void pytok_release(struct pytok_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
	l->nerrors = 0;
}
