/*
 * dups.c - see dups.h.
 *
 * Why a suffix array rather than a table of rolling window hashes (jscpd,
 * PMD CPD): both find the same windows, but the suffix array gives every
 * maximal repeat and all of its occurrences at once, in linear time and
 * fixed memory, with no hash collisions to verify and no pairwise
 * extension step that degrades to quadratic on repetitive code (tables,
 * generated files). The occurrences of one repeat are exactly one LCP
 * interval, so grouping into clone classes is free.
 */
#include "diag.h"
#include "dups.h"
#include "scan.h"
#include "util.h"

#include <ctype.h>
#include <divsufsort.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

const char *dup_kind_name(enum dup_kind k)
{
	return k == DUP_FAMILY ? "family" : "clone";
}

void dup_options_init(struct dup_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->min_tokens = 50;
	opt->min_similarity = 75;
	opt->families = 1;
	opt->read_sources = 1;
}

/*
 * Large arrays (the corpus, the window hashes, the suffix array): aligned
 * to 2 MiB, with transparent huge pages asked for. They are written once
 * from start to end, and with 4 KiB pages every fresh page costs a page
 * fault: a tenth of a warm run. Released with free().
 */
#define BIG_PAGE ((size_t)2 << 20)

static void *big_alloc(size_t n)
{
	size_t len = (n + BIG_PAGE - 1) & ~(BIG_PAGE - 1);
	void *p;
	if (n < BIG_PAGE / 2 || posix_memalign(&p, BIG_PAGE, len))
		return xmalloc(n);
#ifdef MADV_HUGEPAGE
	madvise(p, len, MADV_HUGEPAGE); /* a hint: without it, 4 KiB pages */
#endif
	return p;
}

/* ---------------------------------------------------------------------- */
/* SA-IS (Nong, Zhang, Chan 2009) over an integer alphabet.               */

#define SA_EMPTY (-1)
/* One byte per type (not one bit): the induced passes are bound by memory latency, not size. */
#define TGET(t, i) ((t)[i])
#define TSET(t, i, v) ((t)[i] = (uint8_t)(v))
#define ISLMS(t, i) ((i) > 0 && TGET(t, i) && !TGET(t, (i) - 1))

/* Bucket starts (end = 0) or ends of the characters counted in cnt (counted once per level). */
static void get_buckets(const int32_t *cnt, int32_t k, int32_t *bkt, int end)
{
	int32_t sum = 0;
	for (int32_t c = 0; c < k; c++) {
		sum += cnt[c];
		bkt[c] = end ? sum : sum - cnt[c];
	}
}

static void induce(const int32_t *s, int32_t *sa, const uint8_t *t, int32_t n, int32_t k,
		   const int32_t *cnt, int32_t *bkt)
{
	get_buckets(cnt, k, bkt, 0);
	for (int32_t i = 0; i < n; i++) {
		int32_t j = sa[i] - 1;
		if (sa[i] > 0 && !TGET(t, j))
			sa[bkt[s[j]]++] = j;
	}
	get_buckets(cnt, k, bkt, 1);
	for (int32_t i = n - 1; i >= 0; i--) {
		int32_t j = sa[i] - 1;
		if (sa[i] > 0 && TGET(t, j))
			sa[--bkt[s[j]]] = j;
	}
}

void dups_suffix_array(const int32_t *s, int32_t *sa, int32_t n, int32_t k)
{
	uint8_t *t;
	int32_t *bkt, *cnt, *s1, *sa1;
	int32_t i, j, n1 = 0, name = 0, prev = -1;

	if (n <= 0)
		return;
	if (n == 1) {
		sa[0] = 0;
		return;
	}
	t = xmalloc((size_t)n);
	bkt = xmalloc((size_t)k * sizeof(*bkt));
	cnt = xcalloc((size_t)k, sizeof(*cnt));
	for (i = 0; i < n; i++)
		cnt[s[i]]++;
	/* S-type = 1, L-type = 0; the sentinel is S. */
	TSET(t, n - 1, 1);
	for (i = n - 2; i >= 0; i--)
		TSET(t, i, s[i] < s[i + 1] || (s[i] == s[i + 1] && TGET(t, i + 1)));

	/* Stage 1: sort the LMS substrings by one induced pass. */
	get_buckets(cnt, k, bkt, 1);
	for (i = 0; i < n; i++)
		sa[i] = SA_EMPTY;
	for (i = 1; i < n; i++)
		if (ISLMS(t, i))
			sa[--bkt[s[i]]] = i;
	induce(s, sa, t, n, k, cnt, bkt);

	for (i = 0; i < n; i++)
		if (ISLMS(t, sa[i]))
			sa[n1++] = sa[i];
	for (i = n1; i < n; i++)
		sa[i] = SA_EMPTY;
	/* Name the LMS substrings: equal substrings get equal names. */
	for (i = 0; i < n1; i++) {
		int32_t pos = sa[i], diff = 0;
		for (int32_t d = 0; d < n; d++) {
			if (prev == -1 || s[pos + d] != s[prev + d] ||
			    TGET(t, pos + d) != TGET(t, prev + d)) {
				diff = 1;
				break;
			}
			if (d > 0 && (ISLMS(t, pos + d) || ISLMS(t, prev + d)))
				break;
		}
		if (diff) {
			name++;
			prev = pos;
		}
		sa[n1 + pos / 2] = name - 1;
	}
	for (i = n - 1, j = n - 1; i >= n1; i--)
		if (sa[i] >= 0)
			sa[j--] = sa[i];

	/* Stage 2: sort the reduced string (recursively when names repeat). */
	sa1 = sa;
	s1 = sa + n - n1;
	if (name < n1)
		dups_suffix_array(s1, sa1, n1, name);
	else
		for (i = 0; i < n1; i++)
			sa1[s1[i]] = i;

	/* Stage 3: induce the whole suffix array from the sorted LMS suffixes. */
	get_buckets(cnt, k, bkt, 1);
	for (i = 1, j = 0; i < n; i++)
		if (ISLMS(t, i))
			s1[j++] = i;
	for (i = 0; i < n1; i++)
		sa1[i] = s1[sa1[i]];
	for (i = n1; i < n; i++)
		sa[i] = SA_EMPTY;
	for (i = n1 - 1; i >= 0; i--) {
		j = sa[i];
		sa[i] = SA_EMPTY;
		sa[--bkt[s[j]]] = j;
	}
	induce(s, sa, t, n, k, cnt, bkt);
	free(cnt);
	free(bkt);
	free(t);
}

/*
 * The suffix array of s[0..n) (values below k, a unique 0 at the end):
 * libdivsufsort, 2-3x faster, when the values fit in a byte (a normalized
 * text has a hundred kinds of tokens or so), else SA-IS. A string has one
 * suffix array: the two agree.
 */
static void suffix_array(const int32_t *s, int32_t *sa, int32_t n, int32_t k)
{
	if (k <= 256 && n > 1) {
		uint8_t *b = xmalloc((size_t)n);
		int rc;
		for (int32_t i = 0; i < n; i++)
			b[i] = (uint8_t)s[i];
		rc = divsufsort(b, sa, n);
		free(b);
		if (rc == 0)
			return;
	}
	dups_suffix_array(s, sa, n, k);
}

/* ---------------------------------------------------------------------- */
/* The corpus: every file's normalized tokens, one unique separator each.  */

struct corpus {
	struct file_facts *const *files;
	size_t nfiles;
	int32_t *text;  /* n values: tokens, separators 1..nfiles, final 0 */
	int32_t n, k;   /* length, alphabet size */
	int32_t *start; /* nfiles + 1: global position of each file's first token */
};

/* Map 32-bit norm hashes to dense ids (open addressing; the vocabulary is small). */
struct idmap {
	uint32_t *keys;
	int32_t *ids;
	size_t cap, n;
};

static void idmap_grow(struct idmap *m)
{
	struct idmap old = *m;
	m->cap = m->cap ? m->cap * 2 : 1024;
	m->keys = xcalloc(m->cap, sizeof(*m->keys));
	m->ids = xmalloc(m->cap * sizeof(*m->ids));
	for (size_t i = 0; i < m->cap; i++)
		m->ids[i] = -1;
	m->n = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.ids[i] >= 0) {
			size_t h = (old.keys[i] * 2654435761u) & (m->cap - 1);
			while (m->ids[h] >= 0)
				h = (h + 1) & (m->cap - 1);
			m->keys[h] = old.keys[i];
			m->ids[h] = old.ids[i];
			m->n++;
		}
	free(old.keys);
	free(old.ids);
}

static inline int32_t idmap_get(struct idmap *m, uint32_t key)
{
	size_t i;
	if (2 * (m->n + 1) > m->cap)
		idmap_grow(m);
	i = (key * 2654435761u) & (m->cap - 1);
	while (m->ids[i] >= 0) {
		if (m->keys[i] == key)
			return m->ids[i];
		i = (i + 1) & (m->cap - 1);
	}
	m->keys[i] = key;
	m->ids[i] = (int32_t)m->n++;
	return m->ids[i];
}

/*
 * The corpus's layout: file f's tokens at start[f], then a separator. The
 * text itself (token ids) is written by candidate_ranges(), on two threads.
 */
static void corpus_layout(struct corpus *c, struct file_facts *const *files, size_t nfiles)
{
	size_t total = 1;
	int32_t pos = 0;

	memset(c, 0, sizeof(*c));
	c->files = files;
	c->nfiles = nfiles;
	for (size_t f = 0; f < nfiles; f++)
		total += files[f]->ntokens + 1;
	if (total + nfiles + 1 > (size_t)INT32_MAX / 2)
		die("too many tokens for the clone index (%zu)", total);
	c->n = (int32_t)total;
	c->start = xmalloc((nfiles + 1) * sizeof(*c->start));
	for (size_t f = 0; f < nfiles; f++) {
		c->start[f] = pos;
		pos += (int32_t)files[f]->ntokens + 1;
	}
	c->start[nfiles] = pos;
}

/* The keys of map by id (the order they were first seen). */
static uint32_t *idmap_keys(const struct idmap *m)
{
	uint32_t *keys = xmalloc((m->n ? m->n : 1) * sizeof(*keys));
	for (size_t i = 0; i < m->cap; i++)
		if (m->ids[i] >= 0)
			keys[m->ids[i]] = m->keys[i];
	return keys;
}

/*
 * The ids of the second half's map in the whole corpus: a norm seen in the
 * first half keeps its id there, the others follow in their order: the ids
 * of one pass over the corpus in order (deterministic). Returns the
 * alphabet size; remap[] is the second half's local id -> corpus id.
 */
static int32_t merge_ids(const struct corpus *c, struct idmap *m0, const struct idmap *m1,
			 int32_t *remap)
{
	uint32_t *keys = idmap_keys(m1);
	for (size_t l = 0; l < m1->n; l++)
		remap[l] = idmap_get(m0, keys[l]);
	free(keys);
	return (int32_t)(c->nfiles + 1 + m0->n);
}

static void corpus_release(struct corpus *c)
{
	free(c->text);
	free(c->start);
	memset(c, 0, sizeof(*c));
}

/* The file holding global position p (a token, not the sentinel). */
static size_t corpus_file(const struct corpus *c, int32_t p)
{
	size_t lo = 0, hi = c->nfiles;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (c->start[mid] <= p)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* ---------------------------------------------------------------------- */
/* Clone classes: left-maximal LCP intervals of at least min_tokens.       */

struct interval {
	int32_t len, lb, rb; /* common prefix length; SA range [lb, rb] */
};

/*
 * The texts the suffix array is built over: tokens from 2 up, one shared
 * separator between ranges (a small alphabet keeps SA-IS's buckets in
 * cache; unique separators made it tens of thousands of letters), 0 at
 * the end. LCPs stop at a separator.
 */
#define TEXT_SEP 1

#define LEFT_UNSET (-2)
#define LEFT_MIXED (-1)

static int32_t left_merge(int32_t a, int32_t b)
{
	if (a == LEFT_UNSET)
		return b;
	if (b == LEFT_UNSET || a == b)
		return a;
	return LEFT_MIXED;
}

/*
 * Bottom-up traversal of the LCP intervals (Abouelhoda, Kurtz, Ohlebusch
 * 2004). Each stack entry tracks the token left of its suffixes (one value
 * or LEFT_MIXED); only intervals whose occurrences cannot all be extended
 * to the left are maximal repeats.
 */
static struct interval *find_intervals(const int32_t *text, int32_t n, const int32_t *sa,
				       const int32_t *lcp, int32_t min_len, size_t *nout)
{
	struct entry {
		int32_t len, lb, left;
	} *stack = NULL;
	size_t nstack = 0, alloc_stack = 0;
	struct interval *out = NULL;
	size_t nint = 0, alloc_int = 0;

	ALLOC_GROW(stack, 1, alloc_stack);
	stack[nstack++] = (struct entry){0, 0, LEFT_UNSET};
	for (int32_t i = 1; i <= n; i++) {
		int32_t cur = i < n ? lcp[i] : -1;
		int32_t lb = i - 1;
		int32_t p = sa[i - 1];
		/* a separator on the left: the occurrence cannot be extended */
		int32_t acc = p > 0 && text[p - 1] > TEXT_SEP ? text[p - 1] : LEFT_MIXED;
		while (nstack && cur < stack[nstack - 1].len) {
			struct entry e = stack[--nstack];
			e.left = left_merge(e.left, acc);
			if (e.len >= min_len && e.left == LEFT_MIXED) {
				ALLOC_GROW(out, nint + 1, alloc_int);
				out[nint++] = (struct interval){e.len, e.lb, i - 1};
			}
			lb = e.lb;
			acc = e.left;
		}
		if (cur < 0)
			break;
		if (!nstack || cur > stack[nstack - 1].len) {
			ALLOC_GROW(stack, nstack + 1, alloc_stack);
			stack[nstack++] = (struct entry){cur, lb, acc};
		} else {
			stack[nstack - 1].left = left_merge(stack[nstack - 1].left, acc);
		}
	}
	free(stack);
	*nout = nint;
	return out;
}

static int cmp_interval(const void *a, const void *b)
{
	const struct interval *x = a, *y = b;
	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	return (x->lb > y->lb) - (x->lb < y->lb);
}

/* The order of cmp_interval() as one number: no two intervals have the same length and start. */
static inline uint64_t interval_key(const struct interval *x)
{
	return (uint64_t)(INT32_MAX - x->len) << 31 | (uint64_t)x->lb;
}

/*
 * Sort intervals longest first, then by start: an LSD radix sort (11-bit
 * digits, the constant ones skipped). A table's 70k intervals took 8 ms
 * in qsort, mostly comparison calls.
 */
static void sort_intervals(struct interval *iv, size_t n)
{
	enum { BITS = 11, PASSES = 6, MASK = (1 << BITS) - 1 };
	uint32_t(*cnt)[1 << BITS];
	struct interval *tmp, *from = iv, *to;

	if (n < 256) {
		if (n)
			qsort(iv, n, sizeof(*iv), cmp_interval);
		return;
	}
	cnt = xcalloc(PASSES, sizeof(*cnt));
	tmp = xmalloc(n * sizeof(*tmp));
	to = tmp;
	for (size_t i = 0; i < n; i++) {
		uint64_t k = interval_key(&iv[i]);
		for (int d = 0; d < PASSES; d++)
			cnt[d][(k >> (BITS * d)) & MASK]++;
	}
	for (int d = 0; d < PASSES; d++) {
		int shift = BITS * d;
		uint32_t sum = 0;
		struct interval *t;
		if (cnt[d][(interval_key(&from[0]) >> shift) & MASK] == n)
			continue; /* one digit for all: nothing moves */
		for (size_t b = 0; b <= MASK; b++) {
			uint32_t x = cnt[d][b];
			cnt[d][b] = sum;
			sum += x;
		}
		for (size_t i = 0; i < n; i++)
			to[cnt[d][(interval_key(&from[i]) >> shift) & MASK]++] = from[i];
		t = from;
		from = to;
		to = t;
	}
	if (from != iv)
		memcpy(iv, from, n * sizeof(*iv));
	free(tmp);
	free(cnt);
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

/*
 * Tokens already inside a reported clone member, one bit each. An
 * occurrence is covered when half of its tokens or more are. Counting
 * costs the range's length, and repetitive code (tables, generated files)
 * makes thousands of long nested intervals with thousands of occurrences,
 * nearly all covered; so a quick test (first, middle and last tokens)
 * screens them first.
 */
static inline int bit_get(const uint64_t *bits, int32_t i)
{
	return (int)((bits[i >> 6] >> (i & 63)) & 1);
}

static inline int maybe_covered(const uint64_t *bits, int32_t p, int32_t len)
{
	return bit_get(bits, p) && bit_get(bits, p + len / 2) && bit_get(bits, p + len - 1);
}

/*
 * Bit ranges a word at a time: bits [from, to) of the word holding from
 * (to clipped to its end) as a mask; range_word() steps from to the next.
 */
static inline uint64_t range_mask(int32_t from, int32_t to)
{
	int32_t lo = from & 63, n = to - from < 64 - lo ? to - from : 64 - lo;
	return (n == 64 ? ~0ull : ((1ull << n) - 1)) << lo;
}

static inline int32_t range_next(int32_t from, int32_t to)
{
	int32_t next = (from | 63) + 1;
	return next < to ? next : to;
}

static int covered(const uint64_t *bits, int32_t p, int32_t len)
{
	int32_t cnt = 0;
	for (int32_t i = p; i < p + len; i = range_next(i, p + len))
		cnt += popcount64(bits[i >> 6] & range_mask(i, p + len));
	return 2 * cnt >= len;
}

/* Whether every bit of [from, to) is set. */
static int all_set(const uint64_t *bits, int32_t from, int32_t to)
{
	for (int32_t i = from; i < to; i = range_next(i, to)) {
		uint64_t m = range_mask(i, to);
		if ((bits[i >> 6] & m) != m)
			return 0;
	}
	return 1;
}

static void cover(uint64_t *bits, int32_t from, int32_t to)
{
	for (int32_t i = from; i < to; i = range_next(i, to))
		bits[i >> 6] |= range_mask(i, to);
}

/* ---------------------------------------------------------------------- */
/* Members: lines, enclosing function, justification.                      */

/* The innermost function whose lines contain line, or NULL. */
static const struct fact_func *enclosing_func(const struct file_facts *ff, int line)
{
	const struct fact_func *best = NULL, *funcs;
	size_t nfuncs;
	funcs = facts_dup_funcs(ff, &nfuncs);
	for (size_t i = 0; i < nfuncs; i++) {
		const struct fact_func *fn = &funcs[i];
		if (fn->line > line || fn->end_line < line)
			continue;
		if (!best || fn->line > best->line ||
		    (fn->line == best->line && fn->end_line < best->end_line))
			best = fn;
	}
	return best;
}

static int note_near(const struct file_facts *ff, int line)
{
	for (size_t i = 0; i < ff->nnotes; i++)
		if (ff->notes[i].kind == NOTE_ALLOW_DUPLICATE &&
		    (ff->notes[i].line == line || ff->notes[i].line == line - 1))
			return 1;
	return 0;
}

static int name_allowed(const struct dup_options *opt, const char *name)
{
	const char *last;
	if (!name)
		return 0;
	last = strrchr(name, '.');
	for (int i = 0; i < opt->nallow; i++)
		if (glob_match(opt->allow[i], name) || (last && glob_match(opt->allow[i], last + 1)))
			return 1;
	return 0;
}

static int member_allowed(const struct file_facts *ff, const struct dup_member *m,
			  const struct dup_options *opt)
{
	const struct fact_func *fn, *funcs;
	int reached = 0, marked = 0, named = 0;
	size_t nfuncs, k;
	for (k = 0; k < ff->nnotes && ff->notes[k].kind != NOTE_ALLOW_DUPLICATE; k++)
		;
	if (k == ff->nnotes && !opt->nallow)
		return DUP_ALLOW_NONE; /* no marker in the file, no name or path allowed */
	if (note_near(ff, m->start_line))
		return DUP_ALLOW_MARKER;
	fn = enclosing_func(ff, m->start_line);
	/*
	 * The functions the member reaches (the one it starts in, and every
	 * def inside its lines): justified when each of them is.
	 */
	funcs = facts_dup_funcs(ff, &nfuncs);
	for (size_t i = 0; i < nfuncs; i++) {
		const struct fact_func *g = &funcs[i];
		if (g != fn && (g->line < m->start_line || g->line > m->end_line))
			continue;
		reached++;
		if (note_near(ff, g->line))
			marked++;
		else if (name_allowed(opt, g->name))
			named++;
	}
	if (reached && marked + named == reached)
		return marked ? DUP_ALLOW_MARKER : DUP_ALLOW_CONFIG;
	{
		const char *rel = ff->path;
		size_t rl = opt->allow_root ? strlen(opt->allow_root) : 0;
		if (rl && strcmp(opt->allow_root, ".") && !strncmp(rel, opt->allow_root, rl) &&
		    rel[rl] == '/')
			rel += rl + 1;
		for (int i = 0; i < opt->nallow; i++)
			if (glob_match(opt->allow[i], ff->path) || glob_match(opt->allow[i], rel))
				return DUP_ALLOW_CONFIG;
	}
	return DUP_ALLOW_NONE;
}

static void group_finish(struct dup_group *g, struct file_facts *const *files,
			 const struct dup_options *opt)
{
	size_t nallowed = 0;
	for (size_t i = 0; i < g->nmembers; i++) {
		struct dup_member *m = &g->members[i];
		m->allowed = member_allowed(files[m->file], m, opt);
		nallowed += m->allowed != DUP_ALLOW_NONE;
	}
	g->allowed = nallowed + 1 >= g->nmembers;
}

/* ---------------------------------------------------------------------- */

struct builder {
	struct dup_result *r;
	size_t alloc_groups;
};

static struct dup_group *add_group(struct builder *b)
{
	struct dup_result *r = b->r;
	ALLOC_GROW(r->groups, r->ngroups + 1, b->alloc_groups);
	memset(&r->groups[r->ngroups], 0, sizeof(r->groups[0]));
	return &r->groups[r->ngroups++];
}

static int cmp_member(const void *a, const void *b)
{
	const struct dup_member *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	if (x->start_line != y->start_line)
		return x->start_line < y->start_line ? -1 : 1;
	return (x->tok_start > y->tok_start) - (x->tok_start < y->tok_start);
}

/*
 * A table of constants or any other run that repeats itself every few tokens
 * with different names (k1 = 1, k2 = 2, ...): as a type-2 clone it only says
 * "this file has a table". Such a class is dropped unless it is type 1 (the
 * same table copied is a real clone).
 *
 * Made for two value widths: table_like16() on the values' low 16 bits
 * counts no more differing positions than table_like() on the values, so
 * when it says no, so would table_like(), at half the vector work.
 */
#define TABLE_LIKE(name, type)                                                          \
	static int name(const type *seq, int32_t len)                                     \
	{                                                                                 \
		for (int32_t p = 1; p <= 32 && 4 * p <= len; p++) {                       \
			int32_t differ = 0, limit = (len - p) / 5, i = p;                   \
			/*                                                                \
			 * Sixteen tokens at a time with no exit inside (the compiler     \
			 * vectorizes it): the count only grows, so stopping a few        \
			 * tokens late gives the same answer.                             \
			 */                                                               \
			for (; i + 16 <= len && differ <= limit; i += 16) {                 \
				int32_t d = 0;                                              \
				for (int32_t j = 0; j < 16; j++)                            \
					d += seq[i + j] != seq[i + j - p];                  \
				differ += d;                                                \
			}                                                                 \
			for (; i < len && differ <= limit; i++)                             \
				differ += seq[i] != seq[i - p];                             \
			if (differ <= limit)                                                \
				return 1;                                                   \
		}                                                                         \
		return 0;                                                                 \
	}
TABLE_LIKE(table_like, uint32_t)
TABLE_LIKE(table_like16, uint16_t)
#undef TABLE_LIKE

/* Turn one clone class (sorted global positions, length len) into a group: 1 when one was added. */
static int emit_clone(struct builder *b, const struct corpus *c, const int32_t *pos,
		       size_t npos, int32_t len, const struct dup_options *opt)
{
	struct dup_group *g;
	struct dup_member *m;
	const struct fact_token *first;
	uint32_t *norms;
	int type = 1;

	m = arena_alloc(b->r->arena, npos * sizeof(*m));
	for (size_t i = 0; i < npos; i++) {
		size_t f = corpus_file(c, pos[i]);
		const struct file_facts *ff = c->files[f];
		uint32_t t0 = (uint32_t)(pos[i] - c->start[f]);
		const struct fact_func *fn;
		m[i].file = f;
		m[i].path = ff->path;
		m[i].tok_start = t0;
		m[i].tok_end = t0 + (uint32_t)len;
		m[i].start_line = (int)ff->tokens[t0].line;
		m[i].end_line = (int)ff->tokens[t0 + (uint32_t)len - 1].line;
		fn = enclosing_func(ff, m[i].start_line);
		m[i].function = fn ? fn->name : NULL;
	}
	qsort(m, npos, sizeof(*m), cmp_member);
	if (opt->min_lines > 0 && m[0].end_line - m[0].start_line + 1 < opt->min_lines)
		return 0;
	first = c->files[m[0].file]->tokens + m[0].tok_start;
	for (size_t i = 1; i < npos && type == 1; i++) {
		const struct fact_token *t = c->files[m[i].file]->tokens + m[i].tok_start;
		for (int32_t k = 0; k < len; k++)
			if (t[k].exact != first[k].exact) {
				type = 2;
				break;
			}
	}
	norms = xmalloc((size_t)len * sizeof(*norms));
	for (int32_t k = 0; k < len; k++)
		norms[k] = first[k].norm;
	if (type == 2 && table_like(norms, len)) {
		free(norms);
		return 0;
	}
	g = add_group(b);
	g->kind = DUP_CLONE;
	g->type = type;
	g->similarity = 100;
	g->tokens = (size_t)len;
	g->lines = m[0].end_line - m[0].start_line + 1;
	g->removable = (size_t)len * (npos - 1);
	g->members = m;
	g->nmembers = npos;
	g->fingerprint = hash64(norms, (size_t)len * sizeof(*norms)) ^ (uint64_t)type;
	free(norms);
	group_finish(g, c->files, opt);
	return 1;
}

/* Token ranges [from, to) in layout positions. */
struct range {
	int32_t from, to;
};

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return (x->to > y->to) - (x->to < y->to);
}

/*
 * For each suffix, in suffix-array order, how many tokens from its start are
 * covered (0 when its first token is not), so that an interval whose
 * occurrences are all covered for its whole length is rejected without
 * visiting them. Periodic code (tables of literals) makes thousands of
 * nested intervals with thousands of occurrences each, all covered once
 * the longest is handled.
 *
 * Intervals come longest first and coverage only grows, so a suffix found
 * covered for len tokens is covered enough for every later interval: it is
 * checked once, then skipped (next[], a union-find of the suffixes already
 * checked). A table's nest of 60k intervals of up to 60k suffixes each
 * costs the few suffixes each interval adds to the one inside it.
 */
struct covlen {
	int32_t *len;      /* n, by suffix-array index */
	uint32_t *next;    /* n + 1: the first suffix at or after i not known to be covered enough */
	const int32_t *rank;
	uint64_t updates;  /* work done, to give up on pathological input */
	int on;
};

/* The root of x in a union-find forest (path halving): covlen's next[], the families' links. */
static uint32_t uf_find(uint32_t *parent, uint32_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

static void covlen_set_run(struct covlen *cl, int32_t from, int32_t to)
{
	for (int32_t p = from; p < to; p++) {
		cl->len[cl->rank[p]] = to - p;
	}
	cl->updates += (uint64_t)(to - from);
}

/* The maximal covered run of bits around [from, to) (all set), a word at a time. */
static void covered_run(const uint64_t *bits, int32_t n, int32_t *from, int32_t *to)
{
	int32_t f = *from, t = *to;
	while (f > 0) {
		/* the bits below f in its word, as the top bits of x */
		int32_t k = f & 63;
		uint64_t x = k ? ~bits[f >> 6] << (64 - k) : ~bits[(f - 1) >> 6];
		int32_t avail = k ? k : 64;
		if (!x) {
			f -= avail;
			continue;
		}
		f -= __builtin_clzll(x);
		break;
	}
	while (t < n) {
		uint64_t x = ~bits[t >> 6] >> (t & 63);
		if (!x) {
			t += 64 - (t & 63);
			continue;
		}
		t += __builtin_ctzll(x);
		break;
	}
	*from = f < 0 ? 0 : f;
	*to = t > n ? n : t;
}

static void covlen_init(struct covlen *cl, const uint64_t *bits, const int32_t *rank, int32_t n)
{
	cl->rank = rank;
	cl->len = xcalloc((size_t)n + 1, sizeof(*cl->len));
	cl->next = xmalloc(((size_t)n + 1) * sizeof(*cl->next));
	for (int32_t i = 0; i <= n; i++)
		cl->next[i] = (uint32_t)i;
	cl->updates = 0;
	cl->on = 1;
	for (int32_t p = 0; p < n;) {
		int32_t e;
		if (!bit_get(bits, p)) {
			p++;
			continue;
		}
		e = p;
		covered_run(bits, n, &p, &e);
		covlen_set_run(cl, p, e);
		p = e;
	}
}

static void covlen_release(struct covlen *cl)
{
	free(cl->len);
	free(cl->next);
}

/*
 * Ranges [r[2i], r[2i+1]) (text positions) were just covered: refresh the
 * lengths of the runs holding them. Gives up (on = 0) past a work bound.
 */
static void covlen_update(struct covlen *cl, const uint64_t *bits, int32_t n, int32_t *r,
			  size_t nr, uint64_t bound)
{
	int32_t last_end = -1;
	if (!cl->on)
		return;
	qsort(r, nr, 2 * sizeof(*r), cmp_i32); /* by start */
	for (size_t i = 0; i < nr; i++) {
		int32_t from = r[2 * i], to = r[2 * i + 1];
		if (from < last_end)
			continue; /* inside the run refreshed last */
		covered_run(bits, n, &from, &to);
		covlen_set_run(cl, from, to);
		last_end = to;
	}
	if (cl->updates > bound)
		cl->on = 0;
}

/* Whether every suffix in [lb, rb] has at least len covered tokens (len: the longest so far). */
static int covlen_all(struct covlen *cl, int32_t lb, int32_t rb, int32_t len)
{
	for (uint32_t i = uf_find(cl->next, (uint32_t)lb); i <= (uint32_t)rb;
	     i = uf_find(cl->next, i + 1)) {
		if (cl->len[i] < len)
			return 0;
		cl->next[i] = i + 1; /* covered enough for every later, shorter interval */
	}
	return 1;
}

/*
 * own[q] = id for the tokens of [from, to) not covered yet (their bit in
 * ts clear), a word of ts at a time: a table's copies overlap, and most of
 * each is covered by the copies before it. A covered token always has an
 * owner (not -1), so the others are exactly those whose owner is -1.
 */
static void own_uncovered(const uint64_t *ts, int32_t *own, int32_t from, int32_t to, int32_t id)
{
	for (int32_t w = from >> 6; w <= (to - 1) >> 6; w++) {
		uint64_t free_bits = ~ts[w];
		while (free_bits) {
			int32_t q = (w << 6) + __builtin_ctzll(free_bits);
			free_bits &= free_bits - 1;
			if (q >= to)
				break;
			if (q >= from)
				own[q] = id;
		}
	}
}

/*
 * The group that covered the first covered token of [p, p + len) (own[]
 * of take_classes): its index, -2 for a table or an earlier pass, -1 when
 * no token is covered.
 */
static int32_t owner_of(const uint64_t *ts, const int32_t *own, int32_t p, int32_t len)
{
	for (int32_t q = p; q < p + len; q++)
		if (bit_get(ts, q))
			return own[q];
	return -1;
}

/*
 * Whether the covered occurrences occ[0..cnt) lie in two or more reported
 * groups and in nothing else (a table, an earlier pass): the class links
 * copies that no group puts together yet (A and C are one group, B and D
 * another, and A's middle is also B's). The answer must not depend on the
 * order of the occurrences (suffix-array order, which what follows each
 * copy decides): a copy in no group is looked for among all of them, not
 * only up to the second group found. Adds the occurrences looked at to
 * *work.
 */
static int links_groups(const uint64_t *ts, const int32_t *own, const int32_t *occ, size_t cnt,
			int32_t len, uint64_t *work)
{
	int32_t first = -1;
	int two = 0;
	for (size_t i = 0; i < cnt; i++) {
		int32_t o = owner_of(ts, own, occ[i], len);
		(*work)++;
		if (o < 0)
			return 0;
		if (first < 0)
			first = o;
		else if (o != first)
			two = 1;
	}
	return two;
}

/*
 * One pass of clone classes over text[0..n) (values below k: tokens from
 * 2, TEXT_SEP between ranges, a unique 0 at the end). global maps a text
 * position to its layout position (file f's token i is at layout->start[f]
 * + i), or is NULL when they are the same.
 *
 * Longest classes first. A class is reported when at least one of its
 * non-overlapping members is not covered by the members reported so far
 * (seen), or when its members are covered by two or more groups: a
 * sub-clone of a reported clone adds nothing, but a shorter repeat with a
 * new occurrence does, and so does one that links two groups.
 *
 * A class whose tokens repeat themselves every few tokens is a table (k1 =
 * 1, k2 = 2, ...): as a renamed clone it only says "these files have
 * tables", and its nested sub-intervals are numerous and large. On the
 * normalized pass (tables != NULL) such a class is not reported; its
 * ranges are handed back so that an exact pass over them finds the tables
 * that were really copied. On the exact pass a table is a run of one
 * repeated token and is dropped.
 */
static void take_classes(struct builder *b, const struct corpus *layout, const int32_t *text,
			 int32_t n, int32_t k, const int32_t *global, uint64_t *seen,
			 struct range **tables, size_t *ntables, const struct dup_options *opt)
{
	int32_t *block, *sa, *rank, *lcp, *members = NULL, *kept = NULL, *rr = NULL, *own;
	struct interval *iv;
	size_t niv, alloc_members = 0, alloc_kept = 0, alloc_tables = 0, nrr = 0, alloc_rr = 0;
	struct covlen cl;
	int32_t min_len = opt->min_tokens > 0 ? opt->min_tokens : 1;
	size_t bytes = (size_t)n * 4 * sizeof(int32_t);
	/*
	 * Occurrences visited, bounded: one line of 100k nested brackets or
	 * imported names makes ~n nested intervals of ~n occurrences each
	 * (hours). Real code stays far below: the Python stdlib's tables make
	 * ~90 visits per candidate token (22M in all).
	 */
	uint64_t work = 0, budget = 200 * (uint64_t)n + 100000000u;
	/*
	 * seen in text positions. Periodic code (tables, normalized literals)
	 * makes nested intervals with millions of occurrences in all, nearly
	 * all covered: tested through global[] against the layout's bitmap
	 * that is a cache miss or two each; the text's bitmap is small and
	 * read in order. global[] increases with the text position and an
	 * occurrence never crosses a separator, so a text range maps to the
	 * layout range of the same length and the two bitmaps agree.
	 */
	uint64_t *ts = xcalloc((size_t)n / 64 + 1, sizeof(*ts));
#define GLOBAL(p) (global ? global[p] : (p))

	if (bytes > b->r->stats.index_bytes)
		b->r->stats.index_bytes = bytes;
	/* own: which group covered a token (see owner_of()) */
	own = xmalloc(((size_t)n + 1) * sizeof(*own));
	for (int32_t p = 0; p < n; p++) {
		own[p] = -1;
		if (GLOBAL(p) >= 0 && bit_get(seen, GLOBAL(p))) {
			ts[p >> 6] |= 1ull << (p & 63);
			own[p] = -2;
		}
	}
	/* sa, rank, lcp and the covered lengths: one block, faulted in once */
	block = big_alloc((3 * (size_t)n + 1) * sizeof(*block));
	sa = block;
	rank = block + n;
	lcp = block + 2 * (size_t)n;
	suffix_array(text, sa, n, k);

	/* LCP by Kasai et al., stopped at a separator: no match crosses one. */
	for (int32_t i = 0; i < n; i++)
		rank[sa[i]] = i;
	lcp[0] = 0;
	for (int32_t i = 0, h = 0; i < n; i++) {
		int32_t r = rank[i];
		if (r > 0) {
			int32_t j = sa[r - 1];
			while (i + h < n && j + h < n && text[i + h] == text[j + h] &&
			       text[i + h] > TEXT_SEP)
				h++;
			lcp[r] = h;
			if (h > 0)
				h--;
		} else {
			h = 0;
		}
	}
	iv = find_intervals(text, n, sa, lcp, min_len, &niv);
	covlen_init(&cl, ts, rank, n);
	sort_intervals(iv, niv);
	for (size_t c = 0; c < niv; c++) {
		int32_t len = iv[c].len, lo = INT32_MAX, hi = -1;
		size_t cnt = (size_t)(iv[c].rb - iv[c].lb + 1), nkept = 0, nnew = 0, i;
		const int32_t *occ = sa + iv[c].lb;
		int unc = 0, table, links = 0;
		int32_t gid;

		nrr = 0;
		/*
		 * Cheap rejections first (repetitive code makes many large,
		 * nested intervals): when every occurrence lies within len of
		 * another they all overlap; when all are covered, nothing is new.
		 */
		if (work > budget) {
			diag_warn(NULL, 0, 0,
				  "clone search stopped early in highly repetitive code (%ld tokens): "
				  "shorter clones are not reported", (long)n);
			break;
		}
		if (cl.on && covlen_all(&cl, iv[c].lb, iv[c].rb, len)) {
			work += cnt / 4096 + 128; /* its cost: a minimum per 4096 suffixes, 2x64 at the ends */
			if (!links_groups(ts, own, occ, cnt, len, &work))
				continue;
			links = 1;
		}
		for (i = 0; i < cnt; i++) {
			int32_t p = occ[i];
			lo = p < lo ? p : lo;
			hi = p > hi ? p : hi;
			if (!unc && !maybe_covered(ts, p, len))
				unc = 1;
			if (unc && hi - lo >= len)
				break;
		}
		work += i;
		/*
		 * All covered, or all overlapping one another: nothing to
		 * report. But eight or more overlapping occurrences make a run
		 * that repeats itself every few tokens (100k tokens of
		 * `0x1f, 0x8b, ...`): that run is a table, covered now, or
		 * each of its nested repeats (as many as its length, each
		 * about as long) would be visited whole.
		 */
		table = i < cnt ? table_like((const uint32_t *)text + occ[0], len) :
			/*
			 * overlapping copies: the run is periodic, with the gap
			 * between copies; 160 tokens show whether that is a
			 * table's period (32 at most, repeated 4 times)
			 */
			unc && cnt >= 8 &&
			table_like((const uint32_t *)text + occ[0], len < 160 ? len : 160);
		if (i == cnt && !table && !unc && !links)
			links = links_groups(ts, own, occ, cnt, len, &work);
		if (i == cnt && !table && !links)
			continue;
		work += cnt;
		ALLOC_GROW(members, cnt, alloc_members);
		ALLOC_GROW(kept, cnt, alloc_kept);
		memcpy(members, occ, cnt * sizeof(*members));
		if (table) {
			/* no sort: a table's intervals are the large ones */
			for (i = 0; i < cnt; i++) {
				if (tables && !maybe_covered(ts, members[i], len)) {
					int32_t g = GLOBAL(members[i]);
					ALLOC_GROW(*tables, *ntables + 1, alloc_tables);
					(*tables)[(*ntables)++] = (struct range){g, g + len};
				}
			}
			for (i = 0; i < cnt; i++) {
				if (!all_set(ts, members[i], members[i] + len)) {
					ALLOC_GROW(rr, 2 * nrr + 2, alloc_rr);
					rr[2 * nrr] = members[i];
					rr[2 * nrr++ + 1] = members[i] + len;
					own_uncovered(ts, own, members[i], members[i] + len, -2);
				}
				cover(ts, members[i], members[i] + len);
				cover(seen, GLOBAL(members[i]), GLOBAL(members[i]) + len);
			}
			covlen_update(&cl, ts, n, rr, nrr, 64 * (uint64_t)n + 10000000u);
			continue;
		}
		qsort(members, cnt, sizeof(*members), cmp_i32);
		for (i = 0; i < cnt; i++) {
			if (nkept && members[i] < kept[nkept - 1] + len)
				continue; /* overlaps the previous occurrence */
			kept[nkept++] = members[i];
		}
		if (nkept < 2)
			continue;
		for (i = 0; i < nkept; i++)
			nnew += !covered(ts, kept[i], len);
		if (!nnew && !links)
			continue;
		for (i = 0; i < nkept; i++)
			kept[i] = GLOBAL(kept[i]);
		gid = emit_clone(b, layout, kept, nkept, len, opt) ? (int32_t)b->r->ngroups - 1 : -2;
		/*
		 * Cover every occurrence, also those left out for overlapping:
		 * in a self-similar run (a table) that is the whole run, so the
		 * shorter nested repeats of it are all screened out at once.
		 */
		for (i = 0; i < cnt;) {
			int32_t from = members[i], to = members[i] + len;
			for (i++; i < cnt && members[i] <= to; i++)
				to = members[i] + len;
			if (!all_set(ts, from, to)) {
				ALLOC_GROW(rr, 2 * nrr + 2, alloc_rr);
				rr[2 * nrr] = from;
				rr[2 * nrr++ + 1] = to;
			}
			/*
			 * The new group owns what was not covered; a linking
			 * one owns its members whole, so that its own
			 * sub-repeats do not link the groups again.
			 */
			if (links)
				for (int32_t q = from; q < to; q++)
					own[q] = gid;
			else
				own_uncovered(ts, own, from, to, gid);
			cover(ts, from, to);
			cover(seen, GLOBAL(from), GLOBAL(from) + (to - from));
		}
		covlen_update(&cl, ts, n, rr, nrr, 64 * (uint64_t)n + 10000000u);
	}
#undef GLOBAL
	covlen_release(&cl);
	free(own);
	free(rr);
	free(ts);
	free(members);
	free(kept);
	free(iv);
	free(block);
}


/*
 * Sort 32-bit values; tmp has n entries. Insertion sort for a few, else an
 * LSD radix sort (8-bit digits for short arrays, 11-bit ones for long: the
 * counts stay in L1). qsort's comparison calls were a sixth of a warm dups
 * run.
 */
static void radix_sort_u32(uint32_t *v, uint32_t *tmp, size_t n)
{
	uint32_t cnt[4][2048];
	uint32_t *from = v, *to = tmp;
	int bits = n < 8192 ? 8 : 11, passes = (32 + bits - 1) / bits;
	uint32_t radix = 1u << bits, mask = radix - 1;

	if (n <= 48) {
		for (size_t i = 1; i < n; i++) {
			uint32_t x = v[i];
			size_t j = i;
			for (; j && v[j - 1] > x; j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
		return;
	}
	for (int d = 0; d < passes; d++)
		memset(cnt[d], 0, radix * sizeof(cnt[d][0]));
	for (size_t i = 0; i < n; i++)
		for (int d = 0; d < passes; d++)
			cnt[d][(v[i] >> (bits * d)) & mask]++;
	for (int d = 0; d < passes; d++) {
		uint32_t sum = 0, *c = cnt[d], *t;
		int shift = bits * d;
		for (uint32_t k = 0; k < radix; k++) {
			uint32_t x = c[k];
			c[k] = sum;
			sum += x;
		}
		for (size_t i = 0; i < n; i++)
			to[c[(from[i] >> shift) & mask]++] = from[i];
		t = from;
		from = to;
		to = t;
	}
	if (from != v)
		memcpy(v, from, n * sizeof(*v));
}

/*
 * The token ranges where a clone can be. A repeat of w tokens or more holds
 * a repeated window of ws = w - s + 1 tokens that both copies sample alike:
 * of every s consecutive windows, the one with the smallest hash (its
 * minimizer; the leftmost on a tie) is sampled, a choice made by those s
 * windows alone, so the copies of a repeat sample the same windows inside
 * it, at most s - 1 tokens from each other and from its ends. The ranges
 * are the sampled windows whose (32-bit, rolling) hash occurs twice,
 * widened by s - 1 tokens to the left (w in all), clipped to their file,
 * merged where they touch: every occurrence of a repeat of w tokens or
 * more is inside one, and so are its left and right neighbours when they
 * match too, so the classes found in the ranges alone are the classes of
 * the whole corpus; hash collisions and repeats a little shorter than w
 * only add ranges. In real code a small share of the tokens is
 * duplicated, so the suffix array is built over that share only; and
 * about 2 / (s + 1) of the windows are sampled.
 *
 * The sampled hashes occurring twice are found by partitioning (hash,
 * position) pairs on the hash's top bits, then counting each partition in
 * a small table that stays in cache; a sort of all the hashes and a set
 * lookup per window cost twice as much (cache misses on 10 MB arrays).
 */
#define CAND_PBITS 12 /* 4096 partitions: a few hundred windows each on real code */
#define CAND_SPAN 8   /* s: windows per sample (1 below 2 * CAND_SPAN tokens: all of them) */

/*
 * Two halves of a job on two threads: fn(arg0) here, fn(arg1) on a new
 * thread (or here too, after, when none can be made).
 */
static void run_halves(void *(*fn)(void *), void *arg0, void *arg1, int threads)
{
	pthread_t th;
	int threaded = threads > 1 && pthread_create(&th, NULL, fn, arg1) == 0;
	fn(arg0);
	if (threaded)
		pthread_join(th, NULL);
	else
		fn(arg1);
}

/*
 * Window hashes: a polynomial rolling hash of the values (mod 2^64, base
 * HASH_B), mixed down to 32 bits. Equal values, equal hashes: any such hash
 * finds the repeats; collisions only add ranges.
 */
#define HASH_B 0x100000001b3ull

static uint64_t hash_top(int32_t w) /* HASH_B^(w-1) */
{
	uint64_t top = 1;
	for (int32_t i = 1; i < w; i++)
		top *= HASH_B;
	return top;
}

static inline uint32_t hash_mix(uint64_t r)
{
	uint64_t x = r ^ (r >> 29);
	return (uint32_t)((x * 0xbf58476d1ce4e5b9ull) >> 32);
}

/*
 * The hashes of the windows of w tokens of stretch f of the exact pass's
 * text of ranges (a corpus of no files: its ids), in h[0...]; returns
 * their count.
 */
static size_t window_hashes(const struct corpus *c, size_t f, int32_t w, uint32_t *h)
{
	const int32_t *v = c->text + c->start[f];
	size_t n = (size_t)(c->start[f + 1] - 1 - c->start[f]), m = 0;
	uint64_t r = 0, top = hash_top(w);

	for (size_t i = 0; i < n; i++) {
		if (i >= (size_t)w)
			r -= (uint64_t)v[i - (size_t)w] * top;
		r = r * HASH_B + (uint64_t)v[i];
		if (i + 1 >= (size_t)w)
			h[m++] = hash_mix(r);
	}
	return m;
}

/*
 * window_hashes() of file f of a corpus of files, over the tokens' norms,
 * which also writes its text in the same pass over its tokens: token ids,
 * dense, in order of first appearance in the half's files (map, the half's
 * own), shifted by nfiles + 1, and separator f + 1 after them. merge_ids()
 * then renumbers them for the whole corpus.
 */
static size_t text_and_hashes(struct corpus *c, size_t f, int32_t w, struct idmap *map,
			      uint32_t *h)
{
	const struct file_facts *ff = c->files[f];
	const struct fact_token *t = ff->tokens;
	int32_t base = (int32_t)c->nfiles + 1, *text = c->text + c->start[f];
	size_t m = 0, n = ff->ntokens;
	uint64_t r = 0, top = hash_top(w);
	/* a direct-mapped cache in front of map: a file uses a few dozen norms */
	uint32_t ckey[256];
	int32_t cid[256];

	memset(cid, -1, sizeof(cid));
	for (size_t i = 0; i < n; i++) {
		uint32_t v = t[i].norm, slot = (v * 2654435761u) >> 24;
		if (cid[slot] < 0 || ckey[slot] != v) {
			ckey[slot] = v;
			cid[slot] = idmap_get(map, v);
		}
		text[i] = cid[slot] + base;
		if (i >= (size_t)w)
			r -= (uint64_t)t[i - (size_t)w].norm * top;
		r = r * HASH_B + v;
		if (i + 1 >= (size_t)w)
			h[m++] = hash_mix(r);
	}
	text[n] = (int32_t)f + 1;
	return m;
}

struct hpos {
	uint32_t h;
	int32_t p;
};

/*
 * One half of the candidate search: files [f0, f1) in the sampling and
 * scattering steps, partitions [p0, p1) in the counting step.
 */
struct cand_half {
	struct corpus *c;
	int32_t ws, s;     /* sampled window length, windows per sample */
	int step;          /* 0: ids, sample and count; 1: scatter; 2: mark repeated samples */
	struct idmap map;  /* step 0, a corpus of files: the half's token ids (text_and_hashes()) */
	const int32_t *remap; /* step 1: the half's ids -> the corpus's, or NULL */
	size_t f0, f1, p0, p1;
	struct hpos *sel;  /* the half's sampled windows (hash, global position) */
	size_t nsel, alloc_sel;
	size_t *next;      /* np: count per partition (step 0), then next slot (step 1) */
	struct hpos *pairs;
	const size_t *end; /* np: end of each partition in pairs */
	uint8_t *dup;      /* 1 per global position whose sampled window's hash repeats */
};

/* Step 0 for file f: its windows' minimizers, into j->sel (h: scratch for the hashes). */
static void sample_windows(struct cand_half *j, size_t f, uint32_t *h)
{
	size_t k = j->c->files ? text_and_hashes(j->c, f, j->ws, &j->map, h) :
				 window_hashes(j->c, f, j->ws, h);
	size_t s = (size_t)j->s, m = 0, last = SIZE_MAX;
	size_t shift = 32 - CAND_PBITS;
	int32_t from = j->c->start[f];

	if (k < s)
		return; /* fewer than w tokens: no repeat of w */
	ALLOC_GROW(j->sel, j->nsel + k - s + 1, j->alloc_sel);
	for (size_t q = 0; q + s <= k; q++) {
		/* m: the leftmost smallest of h[q .. q + s) */
		if (q == 0 || m < q) {
			m = q;
			for (size_t i = q + 1; i < q + s; i++)
				if (h[i] < h[m])
					m = i;
		} else if (h[q + s - 1] < h[m]) {
			m = q + s - 1;
		}
		if (m != last) {
			j->sel[j->nsel++] = (struct hpos){h[m], from + (int32_t)m};
			j->next[h[m] >> shift]++;
			last = m;
		}
	}
}

static void *cand_step(void *arg)
{
	struct cand_half *j = arg;
	struct corpus *c = j->c;
	size_t shift = 32 - CAND_PBITS;

	if (j->step == 0) {
		size_t most = 1;
		uint32_t *h;
		for (size_t f = j->f0; f < j->f1; f++)
			if ((size_t)(c->start[f + 1] - c->start[f]) > most)
				most = (size_t)(c->start[f + 1] - c->start[f]);
		h = xmalloc(most * sizeof(*h));
		for (size_t f = j->f0; f < j->f1; f++)
			sample_windows(j, f, h);
		free(h);
	} else if (j->step == 1) {
		if (j->remap) {
			int32_t base = (int32_t)c->nfiles + 1;
			for (size_t f = j->f0; f < j->f1; f++)
				for (int32_t p = c->start[f]; p < c->start[f + 1] - 1; p++)
					c->text[p] = j->remap[c->text[p] - base] + base;
		}
		for (size_t i = 0; i < j->nsel; i++)
			j->pairs[j->next[j->sel[i].h >> shift]++] = j->sel[i];
		free(j->sel);
		j->sel = NULL;
	} else {
		size_t maxpart = 0, cap;
		uint32_t *keys;
		int32_t *vals;
		for (size_t i = j->p0; i < j->p1; i++) {
			size_t lo = i ? j->end[i - 1] : 0;
			maxpart = j->end[i] - lo > maxpart ? j->end[i] - lo : maxpart;
		}
		for (cap = 16; cap < 2 * maxpart; cap *= 2)
			;
		keys = xmalloc(cap * sizeof(*keys));
		vals = xcalloc(cap, sizeof(*vals)); /* 0: empty; p + 1: first seen at p; -1: seen twice */
		for (size_t i = j->p0; i < j->p1; i++) {
			size_t lo = i ? j->end[i - 1] : 0, hi = j->end[i], tc = 16;
			while (tc < 2 * (hi - lo))
				tc *= 2;
			for (size_t q = lo; q < hi; q++) {
				uint32_t x = j->pairs[q].h;
				size_t k = (x * 2654435761u) & (tc - 1);
				while (vals[k] && keys[k] != x)
					k = (k + 1) & (tc - 1);
				if (!vals[k]) {
					keys[k] = x;
					vals[k] = j->pairs[q].p + 1;
					continue;
				}
				if (vals[k] > 0) {
					j->dup[vals[k] - 1] = 1;
					vals[k] = -1;
				}
				j->dup[j->pairs[q].p] = 1;
			}
			memset(vals, 0, tc * sizeof(*vals));
		}
		free(keys);
		free(vals);
	}
	return NULL;
}

struct family_job;
static void start_families(struct family_job *job);

/*
 * A corpus of files (c->files) gets its text here too: token ids in order
 * of first appearance, made by both halves at once and merged, and c->k.
 * On threads threads (1 or 2); job, when not NULL, the families, is
 * started on the second thread as soon as the search no longer needs it.
 */
static struct range *candidate_ranges(struct corpus *c, int32_t w, size_t *nout, int threads,
				      struct family_job *job)
{
	size_t np = (size_t)1 << CAND_PBITS, m = 0, half = 0, alloc = 0, f = 0;
	size_t *end = xmalloc(np * sizeof(*end));
	int32_t s = w >= 2 * CAND_SPAN ? CAND_SPAN : 1;
	struct cand_half j[2];
	struct range *out = NULL;
	int32_t *remap = NULL;
	uint8_t *dup;

	/* two halves of the files, by token count */
	while (half < c->nfiles && 2 * (size_t)c->start[half] < (size_t)c->n)
		half++;
	for (int t = 0; t < 2; t++) {
		j[t] = (struct cand_half){c, w - s + 1, s, 0, {0}, NULL, t ? half : 0,
					  t ? c->nfiles : half, 0, 0, NULL, 0, 0, NULL, NULL, end, NULL};
		j[t].next = xcalloc(np, sizeof(*j[t].next));
	}
	if (c->files) {
		c->text = big_alloc((size_t)c->n * sizeof(*c->text));
		c->text[c->n - 1] = 0;
	}
	run_halves(cand_step, &j[0], &j[1], threads);
	if (c->files) {
		remap = xmalloc((j[1].map.n ? j[1].map.n : 1) * sizeof(*remap));
		c->k = merge_ids(c, &j[0].map, &j[1].map, remap);
		j[1].remap = remap;
		for (int t = 0; t < 2; t++) {
			free(j[t].map.keys);
			free(j[t].map.ids);
		}
	}
	/* the slots of each half in each partition, and the partitions' ends */
	for (size_t i = 0; i < np; i++) {
		size_t a = j[0].next[i], b = j[1].next[i];
		j[0].next[i] = m;
		j[1].next[i] = m + a;
		m += a + b;
		end[i] = m;
	}
	j[0].pairs = j[1].pairs = xmalloc((m ? m : 1) * sizeof(*j[0].pairs));
	j[0].step = j[1].step = 1;
	run_halves(cand_step, &j[0], &j[1], threads);
	free(remap);
	/* two halves of the partitions, by window count */
	dup = j[0].dup = j[1].dup = xcalloc((size_t)c->n + 8, 1);
	for (half = 0; half < np && 2 * end[half] < m; half++)
		;
	j[0].p1 = j[1].p0 = half;
	j[1].p1 = np;
	j[0].step = j[1].step = 2;
	run_halves(cand_step, &j[0], &j[1], threads);
	if (job)
		start_families(job);
	free(j[0].pairs);
	free(j[0].next);
	free(j[1].next);
	free(end);
	/* The marked windows, in order, widened, clipped to their file and merged. */
	for (int32_t p = 0; p < c->n; p++) {
		uint64_t word;
		int32_t from, to;
		if (!(p & 7) && p + 8 <= c->n) {
			memcpy(&word, dup + p, 8);
			if (!word) {
				p += 7;
				continue;
			}
		}
		if (!dup[p])
			continue;
		while (c->start[f + 1] <= p)
			f++;
		from = p - (s - 1) > c->start[f] ? p - (s - 1) : c->start[f];
		to = p + w < c->start[f + 1] - 1 ? p + w : c->start[f + 1] - 1;
		if (*nout && from <= out[*nout - 1].to) {
			if (to > out[*nout - 1].to)
				out[*nout - 1].to = to;
			continue;
		}
		ALLOC_GROW(out, *nout + 1, alloc);
		out[(*nout)++] = (struct range){from, to};
	}
	free(dup);
	return out;
}

/*
 * The stretches r[0..nr) of src as one text for take_classes(): each value
 * plus shift, TEXT_SEP after each stretch, a 0 at the end. *global gets
 * each position's layout position (map[p], or p itself when map is NULL),
 * -1 for the separators. Returns the length.
 */
static int32_t stretches_text(const struct range *r, size_t nr, const int32_t *src, int32_t shift,
			      const int32_t *map, int32_t **text, int32_t **global)
{
	size_t total = 1;
	int32_t *t, *g, pos = 0;
	for (size_t i = 0; i < nr; i++)
		total += (size_t)(r[i].to - r[i].from) + 1;
	t = *text = big_alloc(total * sizeof(*t));
	g = *global = big_alloc(total * sizeof(*g));
	for (size_t i = 0; i < nr; i++) {
		for (int32_t p = r[i].from; p < r[i].to; p++) {
			g[pos] = map ? map[p] : p;
			t[pos++] = src[p] + shift;
		}
		g[pos] = -1;
		t[pos++] = TEXT_SEP;
	}
	g[pos] = -1;
	t[pos] = 0;
	return (int32_t)total;
}

/*
 * Type-1 clones inside the tables the normalized pass set aside: the exact
 * tokens of those ranges (merged), a separator after each range. As on
 * the normalized pass, the suffix array is built over the stretches whose
 * windows of min_tokens repeat (a table of hex bytes has few), with the
 * token ids of the whole text: the same classes, in the same order.
 */
static void exact_pass(struct builder *b, const struct corpus *layout, struct range *r, size_t nr,
		       uint64_t *seen, const struct dup_options *opt)
{
	struct idmap map = {0};
	struct corpus ex = {0};
	struct range *cand;
	size_t total = 1, m = 0, ncand = 0;
	int32_t *text, *global, *ctext, *cglobal, ctotal, pos = 0;
	int32_t w = opt->min_tokens > 0 ? opt->min_tokens : 1;

	qsort(r, nr, sizeof(*r), cmp_range);
	for (size_t i = 0; i < nr; i++) {
		if (m && r[i].from < r[m - 1].to) {
			if (r[i].to > r[m - 1].to)
				r[m - 1].to = r[i].to;
			continue;
		}
		r[m++] = r[i];
	}
	for (size_t i = 0; i < m; i++)
		total += (size_t)(r[i].to - r[i].from) + 1;
	text = xmalloc(total * sizeof(*text));
	global = xmalloc(total * sizeof(*global));
	ex.start = xmalloc((m + 1) * sizeof(*ex.start));
	for (size_t i = 0; i < m; i++) {
		size_t f = corpus_file(layout, r[i].from);
		const struct fact_token *t = layout->files[f]->tokens - layout->start[f];
		ex.start[i] = pos;
		for (int32_t g = r[i].from; g < r[i].to; g++) {
			global[pos] = g;
			text[pos++] = idmap_get(&map, t[g].exact) + TEXT_SEP + 1;
		}
		global[pos] = -1;
		text[pos++] = TEXT_SEP;
	}
	ex.start[m] = pos; /* the 0; each range's separator is just before the next start */
	global[pos] = -1;
	text[pos] = 0;
	ex.text = text;
	ex.n = (int32_t)total;
	ex.nfiles = m;
	cand = candidate_ranges(&ex, w, &ncand, 1, NULL); /* the families have the other thread */
	ctotal = stretches_text(cand, ncand, text, 0, global, &ctext, &cglobal);
	free(text);
	free(global);
	free(cand);
	free(ex.start);
	take_classes(b, layout, ctext, ctotal, TEXT_SEP + 1 + (int32_t)map.n, cglobal, seen,
		     NULL, NULL, opt);
	free(map.keys);
	free(map.ids);
	free(ctext);
	free(cglobal);
}

/* The helper families, found on a thread of their own (into their own result and arena). */
struct family_job {
	struct dup_result r;
	struct file_facts *const *files;
	size_t nfiles;
	const struct dup_options *opt;
	pthread_t th;
	int started;
};

static void find_families(struct builder *b, struct file_facts *const *files, size_t nfiles,
			  const struct dup_options *opt);

static void *family_thread(void *arg)
{
	struct family_job *j = arg;
	struct builder b = {&j->r, 0};
	find_families(&b, j->files, j->nfiles, j->opt);
	return NULL;
}

static void start_families(struct family_job *job)
{
	job->started = pthread_create(&job->th, NULL, family_thread, job) == 0;
}

/*
 * The clone classes. The candidate search takes both threads; then the
 * families (job, when not NULL) start on the second one.
 */
static void find_clones(struct builder *b, struct file_facts *const *files, size_t nfiles,
			const struct dup_options *opt, struct family_job *job)
{
	struct corpus c;
	struct range *tables = NULL, *cand;
	size_t ntables = 0, ncand = 0;
	int32_t w = opt->min_tokens > 0 ? opt->min_tokens : 1, *text, *global, total;
	int32_t base = TEXT_SEP + 1 - ((int32_t)nfiles + 1); /* corpus ids start at nfiles + 1 */
	uint64_t *seen;

	corpus_layout(&c, files, nfiles);
	b->r->stats.tokens = (size_t)c.n - nfiles - 1;
	seen = xcalloc((size_t)c.n / 64 + 1, sizeof(*seen));
	cand = candidate_ranges(&c, w, &ncand, 2, job);

	/* The candidate ranges as one text, the token ids shifted to start at TEXT_SEP + 1. */
	total = stretches_text(cand, ncand, c.text, base, NULL, &text, &global);
	free(cand);
	free(c.text);
	c.text = NULL;
	if (b->r->stats.index_bytes < (size_t)c.n * 16)
		b->r->stats.index_bytes = (size_t)c.n * 16; /* the candidate search */
	take_classes(b, &c, text, total, c.k + base, global, seen, &tables, &ntables, opt);
	free(text);
	free(global);
	if (ntables) {
		/* the exact pass starts from what was reported, not from what the tables screened */
		memset(seen, 0, ((size_t)c.n / 64 + 1) * sizeof(*seen));
		for (size_t i = 0; i < b->r->ngroups; i++)
			for (size_t k = 0; k < b->r->groups[i].nmembers; k++) {
				const struct dup_member *mb = &b->r->groups[i].members[k];
				int32_t g = c.start[mb->file] + (int32_t)mb->tok_start;
				cover(seen, g, g + (int32_t)(mb->tok_end - mb->tok_start));
			}
		exact_pass(b, &c, tables, ntables, seen, opt);
	}
	free(tables);
	free(seen);
	corpus_release(&c);
}

/* ---------------------------------------------------------------------- */
/* Helper families.                                                        */

#define FAMILY_MIN_TOKENS 12  /* smaller bodies are trivial getters and one-liners */
#define FAMILY_SHINGLE 4      /* tokens per shingle */
#define FAMILY_MAX_VARYING 8  /* parameters listed per family */
/*
 * Cells of one alignment table, 2 bytes each: a score is at most twice the
 * shorter side, under 2 * sqrt(FAMILY_MAX_ALIGN), so 16 bits hold it.
 */
#define FAMILY_MAX_ALIGN 2000000
_Static_assert(FAMILY_MAX_ALIGN < 32767LL * 32767LL, "alignment scores must fit in 16 bits");
#define FAMILY_ALIGN_BUDGET 64000000 /* cells of all the alignments of one family */
#define FAMILY_MAX_VARYING_MEMBERS 256 /* larger families get no varying tokens */
/*
 * In a name bucket sorted by size, each function is compared with this many
 * next ones at most: a bucket of thousands (get_* in a large project) stays
 * linear, at the price of missing pairs that far apart in size order.
 */
#define FAMILY_MAX_NEIGHBOURS 400
/*
 * Bodies with the same shape can be unrelated (return self._a.get(b) and
 * return self._c.find(d)): members must also share this much of their
 * vocabulary (the set of names and literals they use), percent.
 */
#define FAMILY_MIN_VOCAB 50

/* Leading verbs and trailing generic words that do not make two helpers different. */
static const char *const verbs[] = {
	"get", "set", "calc", "calculate", "compute", "fetch", "load", "read", "write", "save",
	"make", "build", "create", "validate", "check", "verify", "is", "has", "update", "parse",
	"process", "handle", "format", "convert", "to", "find", "lookup", "add", "remove", "clean",
	"normalize", "render", "send", "run", "do", "apply", "ensure", "collect", "extract",
	"generate", "gen", "prepare", "init", "setup", "reset", "clear", "store", "put", "post",
	"request", "query", "retrieve", "download", "upload", "print", "show", "dump", "emit",
	NULL,
};
static const char *const generic[] = {
	"data", "info", "value", "values", "list", "dict", "map", "func", "fn", "helper", "impl",
	"internal", "str", "string", "obj", "object", "result", "results", NULL,
};

static int in_list(const char *const *list, const char *w, size_t n)
{
	for (; *list; list++) /* the first letter first: most words are in no list */
		if (n && (*list)[0] == w[0] && strlen(*list) == n && !strncmp(*list, w, n))
			return 1;
	return 0;
}

/* Words of a name: split at '_' and lower-to-upper case changes, lowercased, in sb as "a_b_c". */
static int name_words(const char *name, struct strbuf *sb, size_t *starts, size_t *lens, int max)
{
	int n = 0;
	sb_reset(sb);
	for (const char *p = name; *p;) {
		const char *w;
		while (*p == '_')
			p++;
		if (!*p)
			break;
		w = p++;
		while (*p && *p != '_' && !(isupper((unsigned char)*p) && islower((unsigned char)p[-1])))
			p++;
		if (n == max)
			break;
		if (sb->len)
			sb_addc(sb, '_');
		starts[n] = sb->len;
		lens[n] = (size_t)(p - w);
		for (const char *q = w; q < p; q++)
			sb_addc(sb, (char)tolower((unsigned char)*q));
		n++;
	}
	return n;
}

struct cand {
	size_t file;
	const struct fact_func *fn;
	const char *base;   /* last component of the dotted name */
	uint32_t *shingles; /* sorted, unique */
	uint32_t nshingles;
	uint32_t *vocab;    /* exact token hashes, sorted, unique */
	uint32_t nvocab;
	uint32_t ntokens;
};

struct keyed {
	uint64_t key;
	uint32_t cand;
};

/*
 * Sort by key, then cand: an insertion sort for a few, else an LSD radix
 * sort on the key's bytes (stable: callers add entries in cand order, so
 * equal keys stay in cand order), skipping the bytes all keys share. qsort's
 * comparison calls were a fifth of the families' sorting.
 */
static void sort_keyed(struct keyed *v, size_t n)
{
	struct keyed *tmp, *from, *to;
	size_t cnt[256];

	if (n <= 32) {
		for (size_t i = 1; i < n; i++) {
			struct keyed x = v[i];
			size_t j = i;
			for (; j && (v[j - 1].key > x.key ||
				     (v[j - 1].key == x.key && v[j - 1].cand > x.cand));
			     j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
		return;
	}
	tmp = xmalloc(n * sizeof(*tmp));
	from = v;
	to = tmp;
	for (int shift = 0; shift < 64; shift += 8) {
		size_t sum = 0;
		memset(cnt, 0, sizeof(cnt));
		for (size_t i = 0; i < n; i++)
			cnt[(from[i].key >> shift) & 255]++;
		if (cnt[(from[0].key >> shift) & 255] == n)
			continue; /* one value of this byte: nothing moves */
		for (int b = 0; b < 256; b++) {
			size_t c = cnt[b];
			cnt[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			to[cnt[(from[i].key >> shift) & 255]++] = from[i];
		{
			struct keyed *t = from;
			from = to;
			to = t;
		}
	}
	if (from != v)
		memcpy(v, from, n * sizeof(*v));
	free(tmp);
}

/*
 * Jaccard index of two sorted sets, in percent (rounded down), when it is
 * t or more; else -1, as soon as so many elements went unmatched that it
 * cannot be: most pairs compared are unrelated and stop early.
 */
static int jaccard(const uint32_t *x, uint32_t nx, const uint32_t *y, uint32_t ny, int t)
{
	/* floor(100 c / (nx + ny - c)) >= t  <=>  c >= need */
	uint64_t need = ((uint64_t)t * (nx + ny) + 99 + (uint64_t)t) / (100 + (uint64_t)t);
	uint32_t i = 0, j = 0, common = 0, uni, lx, ly;
	if (need > nx || need > ny)
		return -1;
	lx = nx - (uint32_t)need; /* unmatched elements of x that still leave need */
	ly = ny - (uint32_t)need;
	while (i < nx && j < ny) {
		if (x[i] == y[j]) {
			common++, i++, j++;
		} else if (x[i] < y[j]) {
			if (++i - common > lx)
				return -1;
		} else {
			if (++j - common > ly)
				return -1;
		}
	}
	uni = nx + ny - common;
	return uni ? (int)((uint64_t)common * 100 / uni) : 0;
}

/*
 * Sort hash values (uniform): one counting pass on their top bits into
 * about n buckets, then an insertion sort of the nearly sorted result,
 * which moves each value a step or two. Linear, and for the short sets of
 * one function (a hundred values) three times faster than four radix
 * passes. tmp has n entries; n at most 4096 (12 bits of buckets).
 */
static void bucket_sort_u32(uint32_t *v, uint32_t *tmp, size_t n)
{
	uint32_t cnt[4097];
	int bits = 1, shift;
	size_t nb;

	while (bits < 12 && ((size_t)1 << bits) < n)
		bits++;
	nb = (size_t)1 << bits;
	shift = 32 - bits;
	memset(cnt, 0, (nb + 1) * sizeof(cnt[0]));
	for (size_t i = 0; i < n; i++)
		cnt[(v[i] >> shift) + 1]++;
	for (size_t b = 0; b < nb; b++)
		cnt[b + 1] += cnt[b];
	for (size_t i = 0; i < n; i++)
		tmp[cnt[v[i] >> shift]++] = v[i];
	for (size_t i = 0; i < n; i++) {
		uint32_t x = tmp[i];
		size_t j = i;
		for (; j && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static uint32_t sort_unique(uint32_t *v, uint32_t n)
{
	uint32_t k = 0, *tmp = n > 48 ? xmalloc(n * sizeof(*tmp)) : NULL;
	if (n > 48 && n <= 4096)
		bucket_sort_u32(v, tmp, n);
	else
		radix_sort_u32(v, tmp, n);
	free(tmp);
	for (uint32_t i = 0; i < n; i++)
		if (!k || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

/* Is this function boilerplate, not a helper? (dunder, nested closure, trivial, table, imports) */
static int boilerplate(const struct file_facts *ff, const struct fact_func *fn, const char *base,
		       uint32_t **norms, size_t *alloc_norms)
{
	uint32_t n = fn->tok_end - fn->tok_start, on_import = 0;
	size_t blen = strlen(base);
	const struct fact_token *t = ff->tokens + fn->tok_start;
	if (fn->placeholder || fn->abstract)
		return 1;
	if (blen > 4 && starts_with(base, "__") && ends_with(base, "__"))
		return 1;
	if (!fn->cls && strchr(fn->name, '.'))
		return 1; /* a function nested in a function: a closure, not a helper */
	if (ff->lang == LANG_C && !strcmp(base, "main"))
		return 1; /* a program's entry point: each program has its own (clones still count) */
	if (n < FAMILY_MIN_TOKENS)
		return 1;
	/* n values, then n low halves (table_like16() rules most bodies out first) */
	ALLOC_GROW(*norms, n + (n + 1) / 2, *alloc_norms);
	{
		uint16_t *low = (uint16_t *)(*norms + n);
		for (uint32_t i = 0; i < n; i++)
			low[i] = (uint16_t)t[i].norm;
		if (table_like16(low, (int32_t)n)) {
			for (uint32_t i = 0; i < n; i++)
				(*norms)[i] = t[i].norm;
			if (table_like(*norms, (int32_t)n))
				return 1;
		}
	}
	{
		/* the imports inside the body first: most bodies have none */
		uint32_t first = t[0].line, last = t[n - 1].line, lines[64];
		size_t nl = 0;
		for (size_t k = 0; k < ff->nimports && nl < 64; k++) {
			uint32_t l = (uint32_t)ff->imports[k].line;
			if (l >= first && l <= last && (!nl || lines[nl - 1] != l))
				lines[nl++] = l;
		}
		if (!nl)
			return 0;
		for (uint32_t i = 0; i < n; i++) {
			if (nl < 64) {
				for (size_t k = 0; k < nl; k++)
					if (lines[k] == t[i].line) {
						on_import++;
						break;
					}
				continue;
			}
			for (size_t k = 0; k < ff->nimports; k++) /* too many to list */
				if ((uint32_t)ff->imports[k].line == t[i].line) {
					on_import++;
					break;
				}
		}
	}
	return 2 * on_import >= n;
}

/*
 * A shingle's four norm hashes (themselves well mixed) as one 32-bit value:
 * a multiply-xorshift, four times cheaper than XXH3 on 16 bytes, which was
 * a third of the families' time. The set's sort reads its top bits.
 */
_Static_assert(FAMILY_SHINGLE == 4, "shingle_hash() mixes four values");
static inline uint32_t shingle_hash(const uint32_t *win)
{
	uint64_t x = (((uint64_t)win[0] << 32 | win[1]) * 0x9e3779b97f4a7c15ull) ^
		     ((uint64_t)win[2] << 32 | win[3]);
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 29;
	return (uint32_t)(x >> 32);
}

static void cand_sets(struct cand *cd, const struct file_facts *ff)
{
	const struct fact_token *t = ff->tokens + cd->fn->tok_start;
	uint32_t n = cd->ntokens, ns = n >= FAMILY_SHINGLE ? n - FAMILY_SHINGLE + 1 : 1;
	uint32_t win[FAMILY_SHINGLE] = {0};
	cd->shingles = xmalloc(ns * sizeof(*cd->shingles));
	for (uint32_t j = 0; j < FAMILY_SHINGLE - 1 && j < n; j++)
		win[j + 1] = t[j].norm;
	for (uint32_t i = 0; i < ns; i++) { /* each token read once: the window slides */
		win[0] = win[1];
		win[1] = win[2];
		win[2] = win[3];
		win[3] = i + FAMILY_SHINGLE - 1 < n ? t[i + FAMILY_SHINGLE - 1].norm : 0;
		cd->shingles[i] = shingle_hash(win);
	}
	cd->nshingles = sort_unique(cd->shingles, ns);
}

/* The vocabulary set, made when a pair first needs it (most pairs fail on shingles). */
static void cand_vocab(struct cand *cd, const struct file_facts *ff)
{
	const struct fact_token *t = ff->tokens + cd->fn->tok_start;
	uint32_t n = cd->ntokens;
	cd->vocab = xmalloc((n ? n : 1) * sizeof(*cd->vocab));
	cd->nvocab = 0;
	for (uint32_t i = 0; i < n; i++)
		if (t[i].exact != t[i].norm) /* names and literals: the abstracted tokens */
			cd->vocab[cd->nvocab++] = t[i].exact;
	cd->nvocab = sort_unique(cd->vocab, cd->nvocab);
}

/* The keys under which a name meets its relatives: its core stem, and its verb_*[_suffix] frame. */
static int name_keys(const char *base, uint64_t *keys, struct strbuf *key)
{
	struct strbuf sb = STRBUF_INIT;
	size_t st[16], ln[16];
	int n, v = 0, e, nkeys = 0;
	sb_init(&sb);
	n = name_words(base, &sb, st, ln, 16);
	if (!n) {
		sb_release(&sb);
		return 0;
	}
	e = n;
	if (n > 1 && in_list(verbs, sb.buf + st[0], ln[0]))
		v = 1;
	if (e - v > 1 && in_list(generic, sb.buf + st[n - 1], ln[n - 1]))
		e = n - 1;
	/* the core: "=" and the words from v to e; the frame: "verb_*" or "verb_*_suffix" */
	sb_reset(key);
	sb_addc(key, '=');
	sb_add(key, sb.buf + st[v], st[e - 1] + ln[e - 1] - st[v]);
	keys[nkeys++] = hash64(key->buf, key->len);
	if (v && n > 1) {
		sb_reset(key);
		sb_add(key, sb.buf, ln[0]);
		sb_add(key, "_*", 2);
		if (e < n) {
			sb_addc(key, '_');
			sb_add(key, sb.buf + st[n - 1], ln[n - 1]);
		}
		keys[nkeys++] = hash64(key->buf, key->len);
	}
	sb_release(&sb);
	return nkeys;
}

/* The shared pattern of the members' names: common leading and trailing words, '*' between. */
static const char *family_name(struct arena *a, const struct cand *cands, const uint32_t *idx,
			       size_t n)
{
	struct strbuf w0 = STRBUF_INIT, wi = STRBUF_INIT, out = STRBUF_INIT;
	size_t st0[16], ln0[16], st[16], ln[16];
	int n0, pre, suf, same = 1;
	const char *r;

	for (size_t i = 1; i < n; i++)
		same &= !strcmp(cands[idx[i]].base, cands[idx[0]].base);
	if (same)
		return cands[idx[0]].base;
	sb_init(&w0);
	sb_init(&wi);
	sb_init(&out);
	n0 = name_words(cands[idx[0]].base, &w0, st0, ln0, 16);
	pre = suf = n0;
	for (size_t i = 1; i < n; i++) {
		int ni = name_words(cands[idx[i]].base, &wi, st, ln, 16), k;
		for (k = 0; k < pre && k < ni && ln[k] == ln0[k] &&
			    !memcmp(wi.buf + st[k], w0.buf + st0[k], ln[k]);
		     k++)
			;
		pre = k;
		for (k = 0; k < suf && k < ni && ln[ni - 1 - k] == ln0[n0 - 1 - k] &&
			    !memcmp(wi.buf + st[ni - 1 - k], w0.buf + st0[n0 - 1 - k], ln0[n0 - 1 - k]);
		     k++)
			;
		suf = k;
		if (pre + suf > ni)
			suf = ni - pre;
	}
	if (pre + suf > n0)
		suf = n0 - pre;
	for (int k = 0; k < pre; k++)
		sb_addf(&out, "%.*s_", (int)ln0[k], w0.buf + st0[k]);
	sb_addc(&out, '*');
	for (int k = n0 - suf; k < n0; k++)
		sb_addf(&out, "_%.*s", (int)ln0[k], w0.buf + st0[k]);
	r = arena_strdup(a, out.buf);
	sb_release(&w0);
	sb_release(&wi);
	sb_release(&out);
	return r;
}

/* --- suggested home ------------------------------------------------------ */

/*
 * Where a member lives, as importers name it: Python, the module name given
 * by the caller (modules, from opt->modules) or else the path ("a/b/c.py" ->
 * "a.b.c"); C, the header beside it ("x/y.c" -> "y.h").
 */
static char *member_module(const struct file_facts *ff, size_t fi, const char *const *modules)
{
	const char *p = ff->path, *slash = strrchr(p, '/');
	if (ff->lang == LANG_PYTHON && modules && modules[fi])
		return xstrdup(modules[fi]);
	if (ff->lang == LANG_C) {
		const char *base = slash ? slash + 1 : p, *dot = strrchr(base, '.');
		return xstrfmt("%.*s.h", (int)(dot ? dot - base : (long)strlen(base)), base);
	}
	{
		size_t n = strlen(p);
		char *m;
		if (ends_with(p, "/__init__.py"))
			n -= strlen("/__init__.py");
		else if (ends_with(p, ".pyi"))
			n -= 4;
		else if (ends_with(p, ".py"))
			n -= 3;
		m = xstrndup(p, n);
		for (char *q = m; *q; q++)
			if (*q == '/')
				*q = '.';
		return m;
	}
}

struct import_key {
	const char *key; /* Python: the module as written; C: the include's basename */
	const struct fact_import *imp;
	size_t file;
};

static int cmp_import_key(const void *a, const void *b)
{
	const struct import_key *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return (x->file > y->file) - (x->file < y->file);
}

struct import_index {
	struct import_key *keys;
	size_t n;
	unsigned char *seen; /* per file, scratch */
};

static void import_index_build(struct import_index *ix, struct file_facts *const *files,
			       size_t nfiles)
{
	size_t alloc = 0;
	memset(ix, 0, sizeof(*ix));
	for (size_t f = 0; f < nfiles; f++)
		for (size_t i = 0; i < files[f]->nimports; i++) {
			const struct fact_import *imp = &files[f]->imports[i];
			const char *key = imp->module;
			if (!key || !*key)
				continue;
			if (files[f]->lang == LANG_C && strrchr(key, '/'))
				key = strrchr(key, '/') + 1;
			ALLOC_GROW(ix->keys, ix->n + 1, alloc);
			ix->keys[ix->n++] = (struct import_key){key, imp, f};
		}
	if (ix->n)
		qsort(ix->keys, ix->n, sizeof(*ix->keys), cmp_import_key);
	ix->seen = xcalloc(nfiles ? nfiles : 1, 1);
}

static void import_index_release(struct import_index *ix)
{
	free(ix->keys);
	free(ix->seen);
}

/* Files other than the member's own that import it (by every dotted suffix of its module). */
static size_t count_importers(struct import_index *ix, struct file_facts *const *files,
			      const struct cand *cd, const char *module)
{
	const struct file_facts *ff = files[cd->file];
	const char *sym = cd->fn->cls ? cd->fn->cls : cd->base;
	size_t count = 0, *marked = NULL, nmarked = 0, alloc = 0;
	for (const char *k = module; k; k = strchr(k, '.') ? strchr(k, '.') + 1 : NULL) {
		size_t lo = 0, hi = ix->n;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (strcmp(ix->keys[mid].key, k) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < ix->n && !strcmp(ix->keys[lo].key, k); lo++) {
			const struct import_key *e = &ix->keys[lo];
			if (e->file == cd->file || ix->seen[e->file])
				continue;
			if (ff->lang == LANG_PYTHON && e->imp->name && strcmp(e->imp->name, "*") &&
			    strcmp(e->imp->name, sym) && strcmp(e->imp->name, cd->base))
				continue;
			ix->seen[e->file] = 1;
			ALLOC_GROW(marked, nmarked + 1, alloc);
			marked[nmarked++] = e->file;
			count++;
		}
		if (ff->lang == LANG_C)
			break;
	}
	for (size_t i = 0; i < nmarked; i++)
		ix->seen[marked[i]] = 0;
	free(marked);
	return count;
}

/* --- varying tokens --------------------------------------------------------- */

static size_t scan_quoted(const char *s, size_t n, size_t i)
{
	char q = s[i];
	if (i + 2 < n && s[i + 1] == q && s[i + 2] == q) {
		for (size_t j = i + 3; j + 2 < n; j++) {
			if (s[j] == '\\') {
				j++;
				continue;
			}
			if (s[j] == q && s[j + 1] == q && s[j + 2] == q)
				return j + 3;
		}
		return 0;
	}
	for (size_t j = i + 1; j < n; j++) {
		if (s[j] == '\\') {
			j++;
			continue;
		}
		if (s[j] == q)
			return j + 1;
	}
	return 0;
}

static const char *const py_ops[] = {"**=", "//=", ">>=", "<<=", "...", "->", ":=", "==", "!=",
				     "<=", ">=", "**", "//", "<<", ">>", "+=", "-=", "*=", "/=",
				     "%=", "&=", "|=", "^=", "@=", NULL};
static const char *const c_ops[] = {"...", "<<=", ">>=", "->", "++", "--", "&&", "||", "==",
				    "!=", "<=", ">=", "<<", ">>", "+=", "-=", "*=", "/=", "%=",
				    "&=", "|=", "^=", "##", NULL};

/*
 * Split one source line into tokens the way the frontends do (names,
 * numbers, strings, operators; comments dropped). Returns the count, or -1
 * when the line cannot be split on its own (a string continues past it).
 * Only used to show varying tokens as text: when the count differs from the
 * facts' tokens on that line, the line number is shown instead.
 */
static int lex_line(enum lang lang, const char *s, size_t n, size_t *starts, size_t *lens, int max)
{
	int cnt = 0;
	size_t i = 0;
	while (i < n) {
		unsigned char ch = (unsigned char)s[i];
		size_t st = i;
		if (isspace(ch) || ch == '\\') {
			i++;
			continue;
		}
		if ((lang == LANG_PYTHON && ch == '#') ||
		    (lang == LANG_C && ch == '/' && i + 1 < n && s[i + 1] == '/'))
			break;
		if (lang == LANG_C && ch == '/' && i + 1 < n && s[i + 1] == '*') {
			const char *end = memmem(s + i + 2, n - i - 2, "*/", 2);
			if (!end)
				break;
			i = (size_t)(end - s) + 2;
			continue;
		}
		if (isalpha(ch) || ch == '_' || ch >= 0x80) {
			while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_' ||
					 (unsigned char)s[i] >= 0x80))
				i++;
			if (i < n && (s[i] == '\'' || s[i] == '"') && i - st <= 3) {
				i = scan_quoted(s, n, i); /* a prefixed string: r"", b'', L"" */
				if (!i)
					return -1;
			}
		} else if (isdigit(ch) || (ch == '.' && i + 1 < n && isdigit((unsigned char)s[i + 1]))) {
			for (i++; i < n; i++) {
				if (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.')
					continue;
				if ((s[i] == '+' || s[i] == '-') && (s[i - 1] == 'e' || s[i - 1] == 'E') &&
				    !(st + 1 < n && (s[st + 1] == 'x' || s[st + 1] == 'X')))
					continue;
				break;
			}
		} else if (ch == '\'' || ch == '"') {
			i = scan_quoted(s, n, i);
			if (!i)
				return -1;
		} else {
			size_t l = 1;
			for (const char *const *op = lang == LANG_C ? c_ops : py_ops; *op; op++) {
				size_t ol = strlen(*op);
				if (ol > l && i + ol <= n && !memcmp(s + i, *op, ol)) {
					l = ol;
					break;
				}
			}
			i += l;
		}
		if (cnt < max) {
			starts[cnt] = st;
			lens[cnt] = i - st;
		}
		cnt++;
	}
	return cnt;
}

/* A file's text (NUL-terminated), and the start of a line in it, moved forward only. */
struct line_cursor {
	const char *at, *end;
	uint32_t line; /* the line at starts */
};

/* The start of line (1-based, not before the cursor's), or NULL past the end. */
static const char *line_start(struct line_cursor *lc, uint32_t line)
{
#ifdef __SSE2__
	/* far ahead: whole blocks of 16 bytes with fewer line breaks than are left to pass */
	const __m128i nl = _mm_set1_epi8('\n');
	while (line - lc->line > 16 && lc->end - lc->at >= 16) {
		unsigned k = (unsigned)popcount64((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)lc->at), nl)));
		if (lc->line + k >= line)
			break;
		lc->line += k;
		lc->at += 16;
	}
#endif
	while (lc->line < line) {
		const char *nl = memchr(lc->at, '\n', (size_t)(lc->end - lc->at));
		if (!nl)
			return NULL;
		lc->at = nl + 1;
		lc->line++;
	}
	return lc->line == line ? lc->at : NULL;
}

/* The source text of token ti of ff, in the arena; NULL when the line cannot be matched. */
static const char *token_text(struct arena *a, struct line_cursor *lc, const struct file_facts *ff,
			      uint32_t ti)
{
	uint32_t line = ff->tokens[ti].line, first = ti, last = ti;
	size_t st[256], ln[256];
	const char *text;
	size_t len;
	int cnt;
	if (!line || !(text = line_start(lc, line)))
		return NULL;
	while (first > 0 && ff->tokens[first - 1].line == line)
		first--;
	while (last + 1 < ff->ntokens && ff->tokens[last + 1].line == line)
		last++;
	len = strcspn(text, "\n");
	cnt = lex_line(ff->lang, text, len, st, ln, 256);
	if (cnt < 0 || cnt > 256 || (uint32_t)cnt != last - first + 1)
		return NULL;
	if ((uint32_t)hash64(text + st[ti - first], ln[ti - first]) != ff->tokens[ti].exact)
		return NULL; /* the split differs from the frontend's after all */
	return arena_strndup(a, text + st[ti - first], ln[ti - first]);
}

/*
 * The source text of the varying tokens is found file by file once every
 * family is made, in the bytes the scan kept (or read again, a file at a
 * time, when the facts came from the cache), from line to line in order.
 */
struct text_req {
	size_t file;
	uint32_t ti;
	const char **slot;
};

/* What the family thread reuses from one family to the next. */
struct family_work {
	struct text_req *v; /* varying texts to read */
	size_t n, alloc;
	uint16_t *dp;       /* the alignment table */
	size_t alloc_dp;
	const char *const *modules; /* opt->modules' answer */
};

static int cmp_text_req(const void *a, const void *b)
{
	const struct text_req *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return (x->ti > y->ti) - (x->ti < y->ti);
}

static void fill_texts(struct arena *a, struct family_work *fw, struct file_facts *const *files)
{
	if (fw->n)
		qsort(fw->v, fw->n, sizeof(*fw->v), cmp_text_req);
	for (size_t i = 0; i < fw->n;) {
		const struct file_facts *ff = files[fw->v[i].file];
		char *read = NULL;
		size_t len = ff->source_len, j = i;
		struct line_cursor lc = {ff->source, NULL, 1};
		/* the bytes the scan kept, or read again (facts from the cache) */
		if (!lc.at && read_file(ff->path, 0, &read, &len) == 0)
			lc.at = read;
		lc.end = lc.at ? lc.at + len : NULL;
		for (; j < fw->n && fw->v[j].file == fw->v[i].file; j++) /* in line order */
			*fw->v[j].slot = lc.at ? token_text(a, &lc, ff, fw->v[j].ti) : NULL;
		free(read);
		i = j;
	}
	free(fw->v);
}

/*
 * Align body y to body x: the matching of equal-class tokens (norm) in
 * order that scores most, an identical token (exact) scoring 2 and a
 * renamed one 1, so that "<table>" meets "<table>" when a line was added
 * before it. map[i] gets the index in y matched to x[i], or -1. Returns -1
 * when the table would be too large.
 */
static int align(const struct fact_token *x, uint32_t nx, const struct fact_token *y, uint32_t ny,
		 int32_t *map, struct family_work *fw)
{
	uint16_t *dp;
	size_t w = (size_t)ny + 1;
	if ((size_t)(nx + 1) * w > FAMILY_MAX_ALIGN)
		return -1;
	/* reused: only the last row and column are read before they are written */
	ALLOC_GROW(fw->dp, (size_t)(nx + 1) * w, fw->alloc_dp);
	dp = fw->dp;
	memset(dp + (size_t)nx * w, 0, w * sizeof(*dp));
	for (uint32_t i = 0; i < nx; i++)
		dp[i * w + ny] = 0;
	for (uint32_t i = nx; i-- > 0;)
		for (uint32_t j = ny; j-- > 0;) {
			uint32_t best = dp[(i + 1) * w + j] > dp[i * w + j + 1] ? dp[(i + 1) * w + j]
										: dp[i * w + j + 1];
			if (x[i].norm == y[j].norm) {
				uint32_t m = dp[(i + 1) * w + j + 1] + (x[i].exact == y[j].exact ? 2 : 1);
				best = m > best ? m : best;
			}
			dp[i * w + j] = (uint16_t)best;
		}
	for (uint32_t i = 0; i < nx; i++)
		map[i] = -1;
	for (uint32_t i = 0, j = 0; i < nx && j < ny;) {
		if (x[i].norm == y[j].norm &&
		    dp[i * w + j] == dp[(i + 1) * w + j + 1] + (x[i].exact == y[j].exact ? 2 : 1))
			map[i++] = (int32_t)j++;
		else if (dp[(i + 1) * w + j] >= dp[i * w + j + 1])
			i++;
		else
			j++;
	}
	return 0;
}

/*
 * The parameters a merged helper would take: positions of the largest
 * member where every other member has a matching token with other text.
 * Positions varying the same way (the same tuple of texts) are one parameter.
 */
static void family_varying(struct builder *b, struct dup_group *g, struct file_facts *const *files,
			   struct family_work *fw, const struct dup_options *opt)
{
	size_t rep = 0, nm = g->nmembers, nparams = 0;
	const struct file_facts *rf;
	const struct fact_token *rt;
	uint32_t rn;
	int32_t **maps;
	uint32_t (*tuples)[2] = NULL; /* first position, hash of the tuple */
	size_t alloc_tuples = 0;

	if (nm > FAMILY_MAX_VARYING_MEMBERS)
		return;
	for (size_t i = 1; i < nm; i++)
		if (g->members[i].tok_end - g->members[i].tok_start >
		    g->members[rep].tok_end - g->members[rep].tok_start)
			rep = i;
	{
		uint64_t cells = 0;
		for (size_t i = 0; i < nm; i++)
			cells += (uint64_t)(g->members[rep].tok_end - g->members[rep].tok_start + 1) *
				 (g->members[i].tok_end - g->members[i].tok_start + 1);
		if (cells > FAMILY_ALIGN_BUDGET)
			return;
	}
	rf = files[g->members[rep].file];
	rt = rf->tokens + g->members[rep].tok_start;
	rn = g->members[rep].tok_end - g->members[rep].tok_start;
	maps = xcalloc(nm, sizeof(*maps));
	for (size_t i = 0; i < nm; i++) {
		const struct dup_member *m = &g->members[i];
		maps[i] = xmalloc((rn ? rn : 1) * sizeof(**maps));
		if (i == rep) {
			for (uint32_t k = 0; k < rn; k++)
				maps[i][k] = (int32_t)k;
			continue;
		}
		if (align(rt, rn, files[m->file]->tokens + m->tok_start, m->tok_end - m->tok_start,
			  maps[i], fw) < 0)
			goto out;
	}
	for (uint32_t k = 0; k < rn && nparams < FAMILY_MAX_VARYING; k++) {
		uint64_t h = 0x9e3779b97f4a7c15ull;
		int differ = 0, all = 1;
		size_t t;
		for (size_t i = 0; i < nm; i++) {
			const struct fact_token *mt;
			if (maps[i][k] < 0) {
				all = 0;
				break;
			}
			mt = files[g->members[i].file]->tokens + g->members[i].tok_start + maps[i][k];
			differ |= mt->exact != rt[k].exact;
			h = (h ^ mt->exact) * 0x100000001b3ull;
		}
		if (!all || !differ)
			continue;
		/*
		 * A value shared by nearly all members, with a few exceptions,
		 * is reordered keywords or one odd member, not a parameter.
		 */
		if (nm > 10) {
			size_t major = 0;
			for (size_t i = 0; i < nm; i++) {
				uint32_t e = files[g->members[i].file]
						     ->tokens[g->members[i].tok_start + (uint32_t)maps[i][k]]
						     .exact;
				size_t cnt = 0;
				for (size_t j = 0; j < nm; j++)
					cnt += files[g->members[j].file]
						       ->tokens[g->members[j].tok_start + (uint32_t)maps[j][k]]
						       .exact == e;
				major = cnt > major ? cnt : major;
			}
			if ((nm - major) * 10 < nm)
				continue;
		}
		for (t = 0; t < nparams; t++)
			if (tuples[t][1] == (uint32_t)h)
				break;
		if (t < nparams)
			continue;
		ALLOC_GROW(tuples, nparams + 1, alloc_tuples);
		tuples[nparams][0] = k;
		tuples[nparams][1] = (uint32_t)h;
		nparams++;
	}
	if (!nparams)
		goto out;
	g->varying = arena_alloc(b->r->arena, nparams * sizeof(*g->varying));
	g->nvarying = nparams;
	for (size_t p = 0; p < nparams; p++) {
		struct dup_varying *v = &g->varying[p];
		v->text = arena_alloc(b->r->arena, nm * sizeof(*v->text));
		v->line = arena_alloc(b->r->arena, nm * sizeof(*v->line));
		for (size_t i = 0; i < nm; i++) {
			const struct dup_member *m = &g->members[i];
			uint32_t ti = m->tok_start + (uint32_t)maps[i][tuples[p][0]];
			v->line[i] = (int)files[m->file]->tokens[ti].line;
			v->text[i] = NULL;
			if (opt->read_sources) {
				ALLOC_GROW(fw->v, fw->n + 1, fw->alloc);
				fw->v[fw->n++] = (struct text_req){m->file, ti, &v->text[i]};
			}
		}
	}
out:
	for (size_t i = 0; i < nm; i++)
		free(maps[i]);
	free(maps);
	free(tuples);
}

/* --- grouping ---------------------------------------------------------------- */

struct member_idx {
	struct dup_member m;
	uint32_t idx;
};

static int cmp_member_idx(const void *a, const void *b)
{
	return cmp_member(&((const struct member_idx *)a)->m, &((const struct member_idx *)b)->m);
}

static void emit_family(struct builder *b, struct file_facts *const *files, size_t nfiles,
			const struct cand *cands, uint32_t *idx, size_t n, int sim,
			struct import_index *ix, struct family_work *fw, const struct dup_options *opt)
{
	struct dup_group *g;
	struct dup_member *m = arena_alloc(b->r->arena, n * sizeof(*m));
	size_t total = 0, best = 0, best_count = 0;
	struct strbuf fp = STRBUF_INIT;
	int maxlines = 0;

	struct member_idx *mi = xmalloc(n * sizeof(*mi));

	(void)nfiles;
	for (size_t i = 0; i < n; i++) {
		const struct cand *cd = &cands[idx[i]];
		mi[i].m.file = cd->file;
		mi[i].m.path = files[cd->file]->path;
		mi[i].m.start_line = cd->fn->line;
		mi[i].m.end_line = cd->fn->end_line;
		mi[i].m.function = cd->fn->name;
		mi[i].m.tok_start = cd->fn->tok_start;
		mi[i].m.tok_end = cd->fn->tok_end;
		mi[i].m.allowed = 0;
		mi[i].idx = idx[i];
	}
	/* members sorted by location; idx follows them (for the name and the home) */
	qsort(mi, n, sizeof(*mi), cmp_member_idx);
	for (size_t i = 0; i < n; i++) {
		m[i] = mi[i].m;
		idx[i] = mi[i].idx;
	}
	free(mi);
	for (size_t i = 0; i < n; i++) {
		int lines = m[i].end_line - m[i].start_line + 1;
		total += m[i].tok_end - m[i].tok_start;
		if (m[i].tok_end - m[i].tok_start > m[best].tok_end - m[best].tok_start)
			best = i;
		maxlines = lines > maxlines ? lines : maxlines;
	}
	if (opt->min_lines > 0 && maxlines < opt->min_lines)
		return;
	g = add_group(b);
	g->kind = DUP_FAMILY;
	g->similarity = sim;
	g->tokens = m[best].tok_end - m[best].tok_start;
	g->lines = maxlines;
	g->removable = total - g->tokens;
	g->members = m;
	g->nmembers = n;
	g->name = family_name(b->r->arena, cands, idx, n);
	sb_init(&fp);
	for (size_t i = 0; i < n; i++) {
		const struct cand *cd = &cands[idx[i]];
		char *mod = member_module(files[cd->file], cd->file, fw->modules);
		size_t cnt = count_importers(ix, files, cd, mod);
		if (!g->home || cnt > best_count) {
			g->home = files[cd->file]->lang == LANG_C ? files[cd->file]->path
								  : arena_strdup(b->r->arena, mod);
			best_count = cnt;
		}
		free(mod);
		sb_addf(&fp, "%s:%s\n", m[i].path, m[i].function);
	}
	g->fingerprint = hash64(fp.buf, fp.len);
	sb_release(&fp);
	family_varying(b, g, files, fw, opt);
	group_finish(g, files, opt);
}

static void find_families(struct builder *b, struct file_facts *const *files, size_t nfiles,
			  const struct dup_options *opt)
{
	struct cand *cands = NULL;
	struct keyed *keyed = NULL;
	size_t ncand = 0, alloc_cand = 0, nkeyed = 0, alloc_keyed = 0, ra, rb;
	uint32_t *parent;
	size_t *bucket = NULL, alloc_bucket = 0, alloc_bysize = 0;
	struct keyed *bysize = NULL;
	int *minsim;
	int t = opt->min_similarity;
	struct import_index ix;
	struct family_work fw = {NULL, 0, 0, NULL, 0, NULL};
	struct strbuf key = STRBUF_INIT;
	uint32_t *norms = NULL; /* scratch for boilerplate() */
	size_t alloc_norms = 0;

	if (opt->modules)
		fw.modules = opt->modules(opt->modules_arg);
	for (size_t f = 0; f < nfiles; f++) {
		const struct file_facts *ff = files[f];
		size_t nfuncs;
		const struct fact_func *funcs = facts_dup_funcs(ff, &nfuncs);
		for (size_t i = 0; i < nfuncs; i++) {
			const struct fact_func *fn = &funcs[i];
			const char *base;
			struct cand *cd;
			if (!fn->name || fn->tok_start > fn->tok_end || fn->tok_end > ff->ntokens)
				continue;
			base = strrchr(fn->name, '.') ? strrchr(fn->name, '.') + 1 : fn->name;
			if (boilerplate(ff, fn, base, &norms, &alloc_norms))
				continue;
			ALLOC_GROW(cands, ncand + 1, alloc_cand);
			cd = &cands[ncand++];
			cd->file = f;
			cd->fn = fn;
			cd->base = base;
			cd->ntokens = fn->tok_end - fn->tok_start;
			cd->shingles = cd->vocab = NULL;
		}
	}
	free(norms);
	b->r->stats.functions = ncand;
	sb_init(&key);
	for (size_t i = 0; i < ncand; i++) {
		uint64_t keys[2];
		int nk = name_keys(cands[i].base, keys, &key);
		for (int k = 0; k < nk; k++) {
			ALLOC_GROW(keyed, nkeyed + 1, alloc_keyed);
			keyed[nkeyed++] = (struct keyed){keys[k], (uint32_t)i};
		}
	}
	sb_release(&key);
	if (nkeyed)
		sort_keyed(keyed, nkeyed);
	/* Shingle and vocabulary sets only for what shares a name bucket with another. */
	for (size_t i = 0; i < nkeyed;) {
		size_t j = i;
		while (j < nkeyed && keyed[j].key == keyed[i].key)
			j++;
		for (size_t k = i; k < j && j - i > 1; k++) {
			struct cand *cd = &cands[keyed[k].cand];
			if (!cd->shingles)
				cand_sets(cd, files[cd->file]);
		}
		i = j;
	}

	parent = xmalloc((ncand ? ncand : 1) * sizeof(*parent));
	minsim = xmalloc((ncand ? ncand : 1) * sizeof(*minsim));
	for (size_t i = 0; i < ncand; i++) {
		parent[i] = (uint32_t)i;
		minsim[i] = 100;
	}
	/*
	 * Compare within each name bucket (Jaccard >= t needs sizes within a
	 * factor t) and join similar functions at once (single linkage); a pair
	 * already in one family is not measured. A family's similarity is the
	 * weakest of the links that joined it.
	 */
	for (size_t i = 0; i < nkeyed;) {
		size_t j = i, nb = 0;
		while (j < nkeyed && keyed[j].key == keyed[i].key)
			j++;
		ALLOC_GROW(bucket, j - i, alloc_bucket);
		ALLOC_GROW(bysize, j - i, alloc_bysize);
		for (size_t k = i; k < j; k++)
			bysize[k - i] = (struct keyed){cands[keyed[k].cand].nshingles, keyed[k].cand};
		if (j - i > 1)
			sort_keyed(bysize, j - i); /* by shingle count */
		for (size_t k = i; k < j; k++)
			bucket[nb++] = bysize[k - i].cand;
		for (size_t x = 0; x < nb; x++)
			for (size_t y = x + 1; y < nb && y <= x + FAMILY_MAX_NEIGHBOURS; y++) {
				const struct cand *cx = &cands[bucket[x]], *cy = &cands[bucket[y]];
				int sim;
				if ((uint64_t)cx->nshingles * 100 < (uint64_t)cy->nshingles * (uint64_t)t)
					break;
				if (cx->file == cy->file && !strcmp(cx->fn->name, cy->fn->name))
					continue; /* one function defined twice (platform alternatives) */
				ra = uf_find(parent, (uint32_t)bucket[x]);
				rb = uf_find(parent, (uint32_t)bucket[y]);
				if (ra == rb)
					continue; /* already one family: no need to measure */
				sim = jaccard(cx->shingles, cx->nshingles, cy->shingles, cy->nshingles, t);
				if (sim < t)
					continue;
				if (!cx->vocab)
					cand_vocab(&cands[bucket[x]], files[cx->file]);
				if (!cy->vocab)
					cand_vocab(&cands[bucket[y]], files[cy->file]);
				if (jaccard(cx->vocab, cx->nvocab, cy->vocab, cy->nvocab, FAMILY_MIN_VOCAB) <
				    FAMILY_MIN_VOCAB)
					continue;
				if (ra > rb) { /* the smaller index is the root: deterministic */
					size_t tmp = ra;
					ra = rb;
					rb = tmp;
				}
				parent[rb] = (uint32_t)ra;
				minsim[ra] = sim < minsim[ra] ? sim : minsim[ra];
				minsim[ra] = minsim[rb] < minsim[ra] ? minsim[rb] : minsim[ra];
			}
		i = j;
	}
	free(bucket);
	free(bysize);
	free(keyed);

	import_index_build(&ix, files, nfiles);
	{
		/* members of each root, in candidate order */
		struct keyed *byroot = xmalloc((ncand ? ncand : 1) * sizeof(*byroot));
		uint32_t *idx = xmalloc((ncand ? ncand : 1) * sizeof(*idx));
		for (size_t i = 0; i < ncand; i++)
			byroot[i] = (struct keyed){uf_find(parent, (uint32_t)i), (uint32_t)i};
		if (ncand)
			sort_keyed(byroot, ncand);
		for (size_t i = 0; i < ncand;) {
			size_t j = i;
			while (j < ncand && byroot[j].key == byroot[i].key)
				j++;
			if (j - i >= 2) {
				for (size_t k = i; k < j; k++)
					idx[k - i] = byroot[k].cand;
				emit_family(b, files, nfiles, cands, idx, j - i, minsim[byroot[i].key],
					    &ix, &fw, opt);
			}
			i = j;
		}
		free(byroot);
		free(idx);
	}
	fill_texts(b->r->arena, &fw, files);
	free(fw.dp);
	import_index_release(&ix);
	free(parent);
	free(minsim);
	for (size_t i = 0; i < ncand; i++) {
		free(cands[i].shingles);
		free(cands[i].vocab);
	}
	free(cands);
}

/* ---------------------------------------------------------------------- */

static int cmp_group(const void *a, const void *b)
{
	const struct dup_group *x = a, *y = b;
	int c;
	if (x->removable != y->removable)
		return x->removable > y->removable ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	c = cmp_member(&x->members[0], &y->members[0]);
	if (c)
		return c;
	if (x->nmembers != y->nmembers)
		return x->nmembers > y->nmembers ? -1 : 1;
	return (x->tokens < y->tokens) - (x->tokens > y->tokens);
}

/* Families do not depend on clones: see find_clones() for the threads. */
void dups_find(struct dup_result *r, struct file_facts *const *files, size_t nfiles,
	       const struct dup_options *opt)
{
	struct builder b = {r, 0};
	struct family_job job;

	memset(r, 0, sizeof(*r));
	r->arena = arena_new();
	memset(&job, 0, sizeof(job));
	if (opt->families) {
		job.r.arena = r->family_arena = arena_new();
		job.files = files;
		job.nfiles = nfiles;
		job.opt = opt;
	}
	find_clones(&b, files, nfiles, opt, opt->families ? &job : NULL);
	if (opt->families) {
		if (job.started)
			pthread_join(job.th, NULL);
		else
			family_thread(&job);
		ALLOC_GROW(r->groups, r->ngroups + job.r.ngroups, b.alloc_groups);
		if (job.r.ngroups)
			memcpy(r->groups + r->ngroups, job.r.groups,
			       job.r.ngroups * sizeof(*r->groups));
		r->ngroups += job.r.ngroups;
		r->stats.functions = job.r.stats.functions;
		free(job.r.groups);
	}
	if (r->ngroups)
		qsort(r->groups, r->ngroups, sizeof(*r->groups), cmp_group);
}

void dups_release(struct dup_result *r)
{
	free(r->groups);
	arena_free(r->arena);
	if (r->family_arena)
		arena_free(r->family_arena);
	memset(r, 0, sizeof(*r));
}
