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
#include "dups.h"
#include "scan.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

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

/* ---------------------------------------------------------------------- */
/* SA-IS (Nong, Zhang, Chan 2009) over an integer alphabet.               */

#define SA_EMPTY (-1)
/* One byte per type (not one bit): the induced passes are bound by memory latency, not size. */
#define TGET(t, i) ((t)[i])
#define TSET(t, i, v) ((t)[i] = (uint8_t)(v))
#define ISLMS(t, i) ((i) > 0 && TGET(t, i) && !TGET(t, (i) - 1))

static void get_buckets(const int32_t *s, int32_t n, int32_t k, int32_t *bkt, int end)
{
	int32_t sum = 0;
	memset(bkt, 0, (size_t)k * sizeof(*bkt));
	for (int32_t i = 0; i < n; i++)
		bkt[s[i]]++;
	for (int32_t c = 0; c < k; c++) {
		sum += bkt[c];
		bkt[c] = end ? sum : sum - bkt[c];
	}
}

static void induce(const int32_t *s, int32_t *sa, const uint8_t *t, int32_t n, int32_t k,
		   int32_t *bkt)
{
	get_buckets(s, n, k, bkt, 0);
	for (int32_t i = 0; i < n; i++) {
		int32_t j = sa[i] - 1;
		if (sa[i] > 0 && !TGET(t, j))
			sa[bkt[s[j]]++] = j;
	}
	get_buckets(s, n, k, bkt, 1);
	for (int32_t i = n - 1; i >= 0; i--) {
		int32_t j = sa[i] - 1;
		if (sa[i] > 0 && TGET(t, j))
			sa[--bkt[s[j]]] = j;
	}
}

void dups_suffix_array(const int32_t *s, int32_t *sa, int32_t n, int32_t k)
{
	uint8_t *t;
	int32_t *bkt, *s1, *sa1;
	int32_t i, j, n1 = 0, name = 0, prev = -1;

	if (n <= 0)
		return;
	if (n == 1) {
		sa[0] = 0;
		return;
	}
	t = xmalloc((size_t)n);
	bkt = xmalloc((size_t)k * sizeof(*bkt));
	/* S-type = 1, L-type = 0; the sentinel is S. */
	TSET(t, n - 1, 1);
	for (i = n - 2; i >= 0; i--)
		TSET(t, i, s[i] < s[i + 1] || (s[i] == s[i + 1] && TGET(t, i + 1)));

	/* Stage 1: sort the LMS substrings by one induced pass. */
	get_buckets(s, n, k, bkt, 1);
	for (i = 0; i < n; i++)
		sa[i] = SA_EMPTY;
	for (i = 1; i < n; i++)
		if (ISLMS(t, i))
			sa[--bkt[s[i]]] = i;
	induce(s, sa, t, n, k, bkt);

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
	get_buckets(s, n, k, bkt, 1);
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
	induce(s, sa, t, n, k, bkt);
	free(bkt);
	free(t);
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

static int32_t idmap_get(struct idmap *m, uint32_t key)
{
	size_t i;
	if (2 * (m->n + 1) > m->cap) {
		struct idmap old = *m;
		m->cap = m->cap ? m->cap * 2 : 1024;
		m->keys = xcalloc(m->cap, sizeof(*m->keys));
		m->ids = xmalloc(m->cap * sizeof(*m->ids));
		for (i = 0; i < m->cap; i++)
			m->ids[i] = -1;
		m->n = 0;
		for (i = 0; i < old.cap; i++)
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

static void corpus_build(struct corpus *c, struct file_facts *const *files, size_t nfiles)
{
	struct idmap map = {0};
	size_t total = 1;
	int32_t pos = 0;

	c->files = files;
	c->nfiles = nfiles;
	for (size_t f = 0; f < nfiles; f++)
		total += files[f]->ntokens + 1;
	if (total + nfiles + 1 > (size_t)INT32_MAX / 2)
		die("too many tokens for the clone index (%zu)", total);
	c->n = (int32_t)total;
	c->text = xmalloc(total * sizeof(*c->text));
	c->start = xmalloc((nfiles + 1) * sizeof(*c->start));
	/* First pass: dense ids in order of first appearance (deterministic). */
	for (size_t f = 0; f < nfiles; f++) {
		const struct file_facts *ff = files[f];
		c->start[f] = pos;
		for (size_t i = 0; i < ff->ntokens; i++)
			c->text[pos++] = idmap_get(&map, ff->tokens[i].norm);
		c->text[pos++] = -1 - (int32_t)f; /* separator, fixed below */
	}
	c->start[nfiles] = pos;
	c->text[pos] = 0;
	/* Separators are 1..nfiles, tokens nfiles+1.. */
	for (int32_t i = 0; i < pos; i++)
		c->text[i] = c->text[i] < 0 ? -c->text[i] : c->text[i] + (int32_t)nfiles + 1;
	c->k = (int32_t)(nfiles + 1 + map.n);
	free(map.keys);
	free(map.ids);
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
static struct interval *find_intervals(const struct corpus *c, const int32_t *sa,
				       const int32_t *lcp, int32_t min_len, size_t *nout)
{
	struct entry {
		int32_t len, lb, left;
	} *stack = NULL;
	size_t nstack = 0, alloc_stack = 0;
	struct interval *out = NULL;
	size_t nint = 0, alloc_int = 0;
	int32_t n = c->n;

	ALLOC_GROW(stack, 1, alloc_stack);
	stack[nstack++] = (struct entry){0, 0, LEFT_UNSET};
	for (int32_t i = 1; i <= n; i++) {
		int32_t cur = i < n ? lcp[i] : -1;
		int32_t lb = i - 1;
		int32_t p = sa[i - 1];
		int32_t acc = p > 0 ? c->text[p - 1] : LEFT_MIXED;
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
static int bit_get(const uint64_t *bits, int32_t i)
{
	return (int)((bits[i >> 6] >> (i & 63)) & 1);
}

static int maybe_covered(const uint64_t *bits, int32_t p, int32_t len)
{
	return bit_get(bits, p) && bit_get(bits, p + len / 2) && bit_get(bits, p + len - 1);
}

static int covered(const uint64_t *bits, int32_t p, int32_t len)
{
	int32_t cnt = 0, i = p, to = p + len;
	for (; i < to && (i & 63); i++)
		cnt += bit_get(bits, i);
	for (; i + 64 <= to; i += 64)
		cnt += __builtin_popcountll(bits[i >> 6]);
	for (; i < to; i++)
		cnt += bit_get(bits, i);
	return 2 * cnt >= len;
}

static void cover(uint64_t *bits, int32_t from, int32_t to)
{
	int32_t i = from;
	for (; i < to && (i & 63); i++)
		bits[i >> 6] |= 1ull << (i & 63);
	for (; i + 64 <= to; i += 64)
		bits[i >> 6] = ~0ull;
	for (; i < to; i++)
		bits[i >> 6] |= 1ull << (i & 63);
}

/* ---------------------------------------------------------------------- */
/* Members: lines, enclosing function, justification.                      */

/* The innermost function whose lines contain line, or NULL. */
static const struct fact_func *enclosing_func(const struct file_facts *ff, int line)
{
	const struct fact_func *best = NULL;
	for (size_t i = 0; i < ff->nfuncs; i++) {
		const struct fact_func *fn = &ff->funcs[i];
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
	const struct fact_func *fn = enclosing_func(ff, m->start_line);
	if (note_near(ff, m->start_line) || (fn && note_near(ff, fn->line)))
		return DUP_ALLOW_MARKER;
	if (name_allowed(opt, m->function))
		return DUP_ALLOW_CONFIG;
	for (int i = 0; i < opt->nallow; i++)
		if (glob_match(opt->allow[i], ff->path))
			return DUP_ALLOW_CONFIG;
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
 */
static int table_like(const uint32_t *seq, int32_t len)
{
	for (int32_t p = 1; p <= 32 && 4 * p <= len; p++) {
		int32_t differ = 0, limit = (len - p) / 5;
		for (int32_t i = p; i < len && differ <= limit; i++)
			differ += seq[i] != seq[i - p];
		if (differ <= limit)
			return 1;
	}
	return 0;
}

/* Turn one clone class (sorted global positions, length len) into a group. */
static void emit_clone(struct builder *b, const struct corpus *c, const int32_t *pos,
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
		return;
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
		return;
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
}

struct hashed {
	uint64_t hash;
	int32_t pos;
};

static int cmp_hashed(const void *a, const void *b)
{
	const struct hashed *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/*
 * A class whose tokens repeat themselves every few tokens (a table): as a
 * renamed clone it only says "these files have tables", and its nested
 * sub-intervals are numerous and large. Report only sets of occurrences
 * that are exactly identical (a table copied), then cover every occurrence.
 */
static void table_class(struct builder *b, const struct corpus *c, const int32_t *pos, size_t cnt,
			int32_t len, uint64_t *bits, const struct dup_options *opt)
{
	struct hashed *h = xmalloc(cnt * sizeof(*h));
	uint32_t *buf = xmalloc((size_t)len * sizeof(*buf));
	int32_t *kept = xmalloc(cnt * sizeof(*kept));
	size_t nh = 0;

	for (size_t i = 0; i < cnt; i++) {
		size_t f;
		const struct fact_token *t;
		if (maybe_covered(bits, pos[i], len))
			continue;
		f = corpus_file(c, pos[i]);
		t = c->files[f]->tokens + (pos[i] - c->start[f]);
		for (int32_t k = 0; k < len; k++)
			buf[k] = t[k].exact;
		h[nh].hash = hash64(buf, (size_t)len * sizeof(*buf));
		h[nh].pos = pos[i];
		nh++;
	}
	if (nh > 1)
		qsort(h, nh, sizeof(*h), cmp_hashed);
	for (size_t i = 0; i < nh;) {
		size_t j = i, nkept = 0;
		while (j < nh && h[j].hash == h[i].hash)
			j++;
		for (size_t k = i; k < j; k++)
			if (!nkept || h[k].pos >= kept[nkept - 1] + len)
				kept[nkept++] = h[k].pos;
		if (nkept >= 2)
			emit_clone(b, c, kept, nkept, len, opt);
		i = j;
	}
	for (size_t i = 0; i < cnt; i++)
		cover(bits, pos[i], pos[i] + len);
	free(kept);
	free(buf);
	free(h);
}

static void find_clones(struct builder *b, struct file_facts *const *files, size_t nfiles,
			const struct dup_options *opt)
{
	struct corpus c;
	int32_t *sa, *rank, *lcp, *members = NULL, *kept = NULL;
	struct interval *iv;
	uint64_t *bits;
	size_t niv, alloc_members = 0, alloc_kept = 0;
	int32_t min_len = opt->min_tokens > 0 ? opt->min_tokens : 1;

	corpus_build(&c, files, nfiles);
	b->r->stats.tokens = (size_t)c.n - nfiles - 1;
	sa = xmalloc((size_t)c.n * sizeof(*sa));
	dups_suffix_array(c.text, sa, c.n, c.k);

	/* LCP by Kasai et al.; unique separators stop every match at a file end. */
	rank = xmalloc((size_t)c.n * sizeof(*rank));
	lcp = xmalloc((size_t)c.n * sizeof(*lcp));
	b->r->stats.index_bytes = (size_t)c.n * 4 * sizeof(int32_t);
	for (int32_t i = 0; i < c.n; i++)
		rank[sa[i]] = i;
	lcp[0] = 0;
	for (int32_t i = 0, h = 0; i < c.n; i++) {
		int32_t r = rank[i];
		if (r > 0) {
			int32_t j = sa[r - 1];
			while (i + h < c.n && j + h < c.n && c.text[i + h] == c.text[j + h])
				h++;
			lcp[r] = h;
			if (h > 0)
				h--;
		} else {
			h = 0;
		}
	}
	free(rank);
	iv = find_intervals(&c, sa, lcp, min_len, &niv);
	free(lcp);
	if (niv)
		qsort(iv, niv, sizeof(*iv), cmp_interval);

	/*
	 * Longest classes first. A class is reported when at least one of its
	 * non-overlapping members is not covered by the members reported so
	 * far: a sub-clone of a reported clone adds nothing, but a shorter
	 * repeat with a new occurrence does.
	 */
	bits = xcalloc((size_t)c.n / 64 + 1, sizeof(*bits));
	for (size_t k = 0; k < niv; k++) {
		int32_t len = iv[k].len, lo = INT32_MAX, hi = -1;
		size_t cnt = (size_t)(iv[k].rb - iv[k].lb + 1), nkept = 0, nnew = 0, i;
		/*
		 * Cheap rejections first (repetitive code makes many large,
		 * nested intervals): when every occurrence lies within len of
		 * another they all overlap; when all are covered, nothing is new.
		 */
		for (i = 0; i < cnt; i++) {
			int32_t p = sa[iv[k].lb + (int32_t)i];
			lo = p < lo ? p : lo;
			hi = p > hi ? p : hi;
		}
		if (hi - lo < len)
			continue;
		for (i = 0; i < cnt; i++) {
			int32_t p = sa[iv[k].lb + (int32_t)i];
			if (!maybe_covered(bits, p, len))
				break;
		}
		if (i == cnt)
			continue;
		if (table_like((const uint32_t *)c.text + sa[iv[k].lb], len)) {
			table_class(b, &c, sa + iv[k].lb, cnt, len, bits, opt);
			continue;
		}
		ALLOC_GROW(members, cnt, alloc_members);
		ALLOC_GROW(kept, cnt, alloc_kept);
		memcpy(members, sa + iv[k].lb, cnt * sizeof(*members));
		qsort(members, cnt, sizeof(*members), cmp_i32);
		for (i = 0; i < cnt; i++) {
			if (nkept && members[i] < kept[nkept - 1] + len)
				continue; /* overlaps the previous occurrence */
			kept[nkept++] = members[i];
		}
		if (nkept < 2)
			continue;
		for (i = 0; i < nkept; i++)
			nnew += !covered(bits, kept[i], len);
		if (!nnew)
			continue;
		/*
		 * Cover every occurrence, also those left out for overlapping:
		 * in a self-similar run (a table) that is the whole run, so the
		 * shorter nested repeats of it are all screened out at once.
		 */
		for (i = 0; i < cnt;) {
			int32_t from = members[i], to = members[i] + len;
			for (i++; i < cnt && members[i] <= to; i++)
				to = members[i] + len;
			cover(bits, from, to);
		}
		emit_clone(b, &c, kept, nkept, len, opt);
	}
	free(bits);
	free(members);
	free(kept);
	free(iv);
	free(sa);
	corpus_release(&c);
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

void dups_find(struct dup_result *r, struct file_facts *const *files, size_t nfiles,
	       const struct dup_options *opt)
{
	struct builder b = {r, 0};
	memset(r, 0, sizeof(*r));
	r->arena = arena_new();
	find_clones(&b, files, nfiles, opt);
	if (r->ngroups)
		qsort(r->groups, r->ngroups, sizeof(*r->groups), cmp_group);
}

void dups_release(struct dup_result *r)
{
	free(r->groups);
	arena_free(r->arena);
	memset(r, 0, sizeof(*r));
}
