/* test_dups.c - clone detection and helper families (dups.c) on hand-built facts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../analyzer/dups.h"
#include "../../analyzer/util.h"

/* ------------------------------------------------------------------ */
/* Token streams from text: words separated by blanks, lines by '\n'. */
/* Lowercase words are identifiers, digits numbers: both abstracted in */
/* the norm hash, as the frontends do. Anything else is kept.          */

static uint32_t h32(const char *s, size_t n)
{
	return (uint32_t)hash64(s, n);
}

static void add_tokens(struct file_facts *ff, const char *src, int *line)
{
	const char *p = src;
	while (*p) {
		const char *start;
		struct fact_token *t;
		if (*p == '\n') {
			(*line)++;
			p++;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		start = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		t = facts_add_token(ff);
		t->exact = h32(start, (size_t)(p - start));
		if (islower((unsigned char)*start) || *start == '_')
			t->norm = h32("<id>", 4);
		else if (isdigit((unsigned char)*start) || *start == '\'')
			t->norm = h32("<lit>", 5);
		else
			t->norm = t->exact;
		t->line = (uint32_t)*line;
	}
}

/* A deterministic pseudo-random token sequence of n tokens, 5 per line. */
static char *seq(unsigned seed, int n, const char *suffix)
{
	static const char *const puncts[] = {"(", ")", "=", "+", ",", ":", "RETURN", "IF", "FOR", "IN"};
	struct strbuf sb = STRBUF_INIT;
	unsigned x = seed * 2654435761u + 1;
	sb_init(&sb);
	for (int i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		unsigned r = (x >> 16) % 16;
		if (r < 10)
			sb_adds(&sb, puncts[r]);
		else if (r < 14)
			sb_addf(&sb, "v%u%s", (x >> 8) % 7, suffix);
		else
			sb_addf(&sb, "%u", (x >> 4) % 100);
		sb_addc(&sb, (i % 5 == 4) ? '\n' : ' ');
	}
	return sb_detach(&sb, NULL);
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* facts for path: text parts concatenated; returns the facts. */
static struct file_facts *mk(const char *path, const char *const *parts, int nparts)
{
	struct file_facts *ff = facts_new(path, LANG_PYTHON);
	int line = 1;
	for (int i = 0; i < nparts; i++)
		add_tokens(ff, parts[i], &line);
	return ff;
}

static void add_func(struct file_facts *ff, const char *name, int line, int end_line)
{
	struct fact_func *fn = facts_add_func(ff);
	fn->name = facts_str(ff, name);
	fn->line = line;
	fn->end_line = end_line;
	/* token range from lines */
	fn->tok_start = fn->tok_end = 0;
	for (size_t i = 0; i < ff->ntokens; i++) {
		if ((int)ff->tokens[i].line < line)
			fn->tok_start = (uint32_t)i + 1;
		if ((int)ff->tokens[i].line <= end_line)
			fn->tok_end = (uint32_t)i + 1;
	}
}

/* A function whose header is on line `line` and body on the lines after it, up to end_line. */
static void add_def(struct file_facts *ff, const char *name, const char *cls, int line, int end_line)
{
	struct fact_func *fn;
	add_func(ff, name, line, end_line);
	fn = &ff->funcs[ff->nfuncs - 1];
	fn->cls = cls ? facts_str(ff, cls) : NULL;
	fn->tok_start = fn->tok_end;
	for (size_t i = 0; i < ff->ntokens; i++)
		if ((int)ff->tokens[i].line > line) {
			fn->tok_start = (uint32_t)i;
			break;
		}
}

static void free_all(struct file_facts **files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		facts_free(files[i]);
}

static size_t count_kind(const struct dup_result *r, enum dup_kind k)
{
	size_t n = 0;
	for (size_t i = 0; i < r->ngroups; i++)
		n += r->groups[i].kind == k;
	return n;
}

static void clones_only(struct dup_options *opt)
{
	dup_options_init(opt);
	opt->families = 0;
	opt->read_sources = 0;
}

/* ------------------------------------------------------------------ */

static void check_sa(const int32_t *s, int32_t n)
{
	int32_t *sa = malloc((size_t)n * sizeof(*sa));
	int32_t k = 0;
	for (int32_t i = 0; i < n; i++)
		if (s[i] >= k)
			k = s[i] + 1;
	dups_suffix_array(s, sa, n, k);
	for (int32_t i = 1; i < n; i++) {
		int32_t a = sa[i - 1], b = sa[i];
		while (a < n && b < n && s[a] == s[b])
			a++, b++;
		/* the sentinel is unique, so a mismatch always comes */
		assert_true(a < n && b < n);
		assert_true(s[a] < s[b]);
	}
	free(sa);
}

static void test_suffix_array(void **state)
{
	unsigned x = 7;
	(void)state;
	for (int round = 0; round < 300; round++) {
		int32_t n = 1 + round % 97 + (round > 250 ? 2000 : 0);
		int32_t alpha = 1 + round % 5;
		int32_t *s = malloc((size_t)n * sizeof(*s));
		for (int32_t i = 0; i < n - 1; i++) {
			x = x * 1103515245u + 12345u;
			/* some rounds are runs and periods, the worst cases for induced sorting */
			if (round % 3 == 0)
				s[i] = 1 + (i % alpha);
			else
				s[i] = 1 + (int32_t)((x >> 16) % (unsigned)alpha);
		}
		s[n - 1] = 0;
		check_sa(s, n);
		free(s);
	}
}

static void test_type1_across_files(void **state)
{
	char *a0 = seq(1, 20, ""), *body = seq(2, 80, ""), *a1 = seq(3, 20, "");
	char *b0 = seq(4, 33, ""), *b1 = seq(5, 7, "");
	const char *pa[] = {a0, body, a1}, *pb[] = {b0, body, b1};
	struct file_facts *files[2];
	struct dup_options opt;
	struct dup_result r;
	(void)state;

	files[0] = mk("a.py", pa, 3);
	files[1] = mk("b.py", pb, 3);
	add_func(files[1], "Helper.run", 2, 30);
	clones_only(&opt);
	dups_find(&r, files, 2, &opt);
	assert_int_equal(r.ngroups, 1);
	assert_int_equal(r.groups[0].kind, DUP_CLONE);
	assert_int_equal(r.groups[0].type, 1);
	/* maximal: at least the shared body, plus any accidental shared edge */
	assert_true(r.groups[0].tokens >= 80 && r.groups[0].tokens < 84);
	assert_int_equal(r.groups[0].nmembers, 2);
	assert_string_equal(r.groups[0].members[0].path, "a.py");
	assert_string_equal(r.groups[0].members[1].path, "b.py");
	assert_null(r.groups[0].members[0].function);
	assert_string_equal(r.groups[0].members[1].function, "Helper.run");
	assert_int_equal(r.groups[0].members[0].tok_end - r.groups[0].members[0].tok_start,
			 r.groups[0].tokens);
	assert_int_equal(r.groups[0].members[0].start_line, 1 + count_lines(a0));
	assert_int_equal(r.groups[0].allowed, 0);
	assert_int_equal(r.groups[0].removable, r.groups[0].tokens);
	assert_true(r.stats.tokens == files[0]->ntokens + files[1]->ntokens);
	dups_release(&r);

	/* below the threshold: nothing */
	opt.min_tokens = 90;
	dups_find(&r, files, 2, &opt);
	assert_int_equal(r.ngroups, 0);
	dups_release(&r);

	/* --min-lines: the clone spans 16-17 lines */
	opt.min_tokens = 50;
	opt.min_lines = 30;
	dups_find(&r, files, 2, &opt);
	assert_int_equal(r.ngroups, 0);
	dups_release(&r);

	free_all(files, 2);
	free(a0), free(body), free(a1), free(b0), free(b1);
}

static void test_type2_renamed(void **state)
{
	char *a0 = seq(11, 10, ""), *body = seq(12, 60, ""), *renamed = seq(12, 60, "_x");
	char *c = seq(13, 9, "");
	const char *pa[] = {a0, body}, *pb[] = {c, renamed}, *pc[] = {renamed, c};
	struct file_facts *files[3];
	struct dup_options opt;
	struct dup_result r;
	(void)state;

	files[0] = mk("a.py", pa, 2);
	files[1] = mk("b.py", pb, 2);
	files[2] = mk("c.py", pc, 2);
	clones_only(&opt);
	dups_find(&r, files, 3, &opt);
	assert_int_equal(r.ngroups, 1);
	assert_int_equal(r.groups[0].type, 2);
	assert_int_equal(r.groups[0].nmembers, 3);
	assert_int_equal(r.groups[0].removable, 2 * r.groups[0].tokens);
	dups_release(&r);

	/* b and c alone are identical: type 1 */
	dups_find(&r, files + 1, 2, &opt);
	assert_int_equal(r.ngroups, 1);
	assert_int_equal(r.groups[0].type, 1);
	dups_release(&r);
	free_all(files, 3);
	free(a0), free(body), free(renamed), free(c);
}

static void test_inside_one_file(void **state)
{
	char *body = seq(21, 55, ""), *mid = seq(22, 30, ""), *end = seq(23, 5, "");
	const char *p[] = {body, mid, body, end};
	struct file_facts *files[1];
	struct dup_options opt;
	struct dup_result r;
	(void)state;

	files[0] = mk("one.py", p, 4);
	clones_only(&opt);
	dups_find(&r, files, 1, &opt);
	assert_int_equal(r.ngroups, 1);
	assert_int_equal(r.groups[0].nmembers, 2);
	assert_string_equal(r.groups[0].members[0].path, "one.py");
	assert_string_equal(r.groups[0].members[1].path, "one.py");
	assert_true(r.groups[0].members[0].end_line < r.groups[0].members[1].start_line);
	dups_release(&r);
	free_all(files, 1);
	free(body), free(mid), free(end);
}

/* A (100 tokens) in a and b; its first 60 tokens also in c: two classes, no sub-clones. */
static void test_nested_classes(void **state)
{
	char *x = seq(31, 100, ""), *x60 = seq(31, 60, "");
	char *n1 = seq(32, 10, ""), *n2 = seq(33, 10, ""), *n3 = seq(34, 10, "");
	const char *pa[] = {n1, x, n2}, *pb[] = {n2, x, n3}, *pc[] = {n3, x60, n1};
	struct file_facts *files[3];
	struct dup_options opt;
	struct dup_result r;
	(void)state;

	files[0] = mk("a.py", pa, 3);
	files[1] = mk("b.py", pb, 3);
	files[2] = mk("c.py", pc, 3);
	clones_only(&opt);
	dups_find(&r, files, 3, &opt);
	assert_int_equal(r.ngroups, 2);
	/* ranked by removable tokens: 2 x 60 before 1 x 100 */
	assert_int_equal(r.groups[0].nmembers, 3);
	assert_true(r.groups[0].tokens >= 60 && r.groups[0].tokens < 100);
	assert_int_equal(r.groups[1].nmembers, 2);
	assert_true(r.groups[1].tokens >= 100);
	dups_release(&r);
	free_all(files, 3);
	free(x), free(x60), free(n1), free(n2), free(n3);
}

/* A table: the same shape 100 times, renamed. Not a clone of itself. */
static void test_table_not_self_clone(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct file_facts *files[1];
	struct dup_options opt;
	struct dup_result r;
	const char *p[1];
	(void)state;

	sb_init(&sb);
	for (int i = 0; i < 100; i++)
		sb_addf(&sb, "k%d = %d\n", i, i * 7);
	p[0] = sb.buf;
	files[0] = mk("table.py", p, 1);
	clones_only(&opt);
	dups_find(&r, files, 1, &opt);
	assert_int_equal(count_kind(&r, DUP_CLONE), 0);
	dups_release(&r);
	free_all(files, 1);
	sb_release(&sb);
}

/* The same table copied to two files is a real (type 1) clone. */
static void test_table_copied(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct file_facts *files[2];
	struct dup_options opt;
	struct dup_result r;
	const char *p[1];
	(void)state;

	sb_init(&sb);
	for (int i = 0; i < 40; i++)
		sb_addf(&sb, "k%d = %d\n", i, i * 7);
	p[0] = sb.buf;
	files[0] = mk("t1.py", p, 1);
	files[1] = mk("t2.py", p, 1);
	clones_only(&opt);
	dups_find(&r, files, 2, &opt);
	assert_int_equal(r.ngroups, 1);
	assert_int_equal(r.groups[0].type, 1);
	assert_int_equal(r.groups[0].tokens, 120);
	dups_release(&r);
	free_all(files, 2);
	sb_release(&sb);
}

static void test_allowed(void **state)
{
	char *body = seq(41, 70, ""), *n1 = seq(42, 10, ""), *n2 = seq(43, 10, "");
	const char *pa[] = {n1, body}, *pb[] = {n2, body}, *pc[] = {body, n1};
	struct file_facts *files[3];
	struct dup_options opt;
	struct dup_result r;
	struct fact_note *note;
	const char *allow[] = {"vendor/*"};
	(void)state;

	files[0] = mk("a.py", pa, 2);
	files[1] = mk("b.py", pb, 2);
	files[2] = mk("vendor/c.py", pc, 2);
	clones_only(&opt);

	/* three members, one justified by path: not enough */
	opt.allow = allow;
	opt.nallow = 1;
	dups_find(&r, files, 3, &opt);
	assert_int_equal(r.ngroups, 1);
	assert_int_equal(r.groups[0].allowed, 0);
	assert_int_equal(r.groups[0].members[2].allowed, DUP_ALLOW_CONFIG);
	dups_release(&r);

	/* plus an inline marker on the line above b's copy: all but one justified */
	note = facts_add_note(files[1]);
	note->kind = NOTE_ALLOW_DUPLICATE;
	note->line = 2; /* n2 takes lines 1-2; the body starts on line 3 */
	dups_find(&r, files, 3, &opt);
	assert_int_equal(r.ngroups, 1);
	assert_int_equal(r.groups[0].allowed, 1);
	assert_int_equal(r.groups[0].members[0].allowed, 0);
	assert_int_equal(r.groups[0].members[1].allowed, DUP_ALLOW_MARKER);
	dups_release(&r);

	/* a TODO note is not a marker */
	files[1]->notes[0].kind = NOTE_TODO;
	dups_find(&r, files, 3, &opt);
	assert_int_equal(r.groups[0].allowed, 0);
	dups_release(&r);

	/* by function name: a glob on the last component of a dotted name */
	files[1]->notes[0].kind = NOTE_ALLOW_DUPLICATE;
	add_func(files[0], "Feed.get_vix_data", 1, 40);
	allow[0] = "get_*_data";
	dups_find(&r, files, 3, &opt);
	assert_int_equal(r.groups[0].members[0].allowed, DUP_ALLOW_CONFIG);
	assert_int_equal(r.groups[0].allowed, 1);
	dups_release(&r);

	free_all(files, 3);
	free(body), free(n1), free(n2);
}

static void test_deterministic_and_empty(void **state)
{
	struct dup_options opt;
	struct dup_result r;
	struct file_facts *files[2];
	(void)state;
	clones_only(&opt);
	dups_find(&r, NULL, 0, &opt);
	assert_int_equal(r.ngroups, 0);
	dups_release(&r);
	files[0] = facts_new("empty.py", LANG_PYTHON);
	files[1] = facts_new("empty2.py", LANG_PYTHON);
	dups_find(&r, files, 2, &opt);
	assert_int_equal(r.ngroups, 0);
	dups_release(&r);
	free_all(files, 2);
}


/* Exactly min_tokens long, and whole files of exactly min_tokens tokens: the window edges. */
static void test_threshold_edges(void **state)
{
	char *body = seq(81, 50, ""), *n1 = seq(82, 7, ""), *n2 = seq(83, 9, "");
	const char *pa[] = {n1, body, n2}, *pb[] = {n2, body, n1}, *pc[] = {body}, *pd[] = {body};
	struct file_facts *files[2];
	struct dup_options opt;
	struct dup_result r;
	(void)state;

	files[0] = mk("a.py", pa, 3);
	files[1] = mk("b.py", pb, 3);
	clones_only(&opt);
	dups_find(&r, files, 2, &opt);
	assert_int_equal(r.ngroups, 1);
	assert_true(r.groups[0].tokens >= 50 && r.groups[0].tokens < 53);
	dups_release(&r);
	opt.min_tokens = 60;
	dups_find(&r, files, 2, &opt);
	assert_int_equal(r.ngroups, 0);
	dups_release(&r);
	free_all(files, 2);

	files[0] = mk("c.py", pc, 1);
	files[1] = mk("d.py", pd, 1);
	opt.min_tokens = 50;
	dups_find(&r, files, 2, &opt);
	assert_int_equal(r.ngroups, 1);
	assert_int_equal(r.groups[0].tokens, 50);
	assert_int_equal(r.groups[0].members[0].tok_start, 0);
	dups_release(&r);
	opt.min_tokens = 51;
	dups_find(&r, files, 2, &opt);
	assert_int_equal(r.ngroups, 0);
	dups_release(&r);
	free_all(files, 2);
	free(body), free(n1), free(n2);
}

/* ------------------------------------------------------------------ */
/* Families                                                            */

static const struct dup_group *find_family(const struct dup_result *r)
{
	for (size_t i = 0; i < r->ngroups; i++)
		if (r->groups[i].kind == DUP_FAMILY)
			return &r->groups[i];
	return NULL;
}

/* def NAME ( period ) : / body with one literal that differs */
static struct file_facts *helper_file(const char *path, const char *name, const char *lit,
				      const char *extra)
{
	char *body = seq(61, 25, "");
	char *head = xstrfmt("DEF %s ( period ) :\n", name);
	char *ret = xstrfmt("\nRETURN fetch ( %s , period , v1 )\n", lit);
	const char *parts[] = {head, body, ret, extra ? extra : ""};
	struct file_facts *ff = mk(path, parts, 4);
	add_def(ff, name, NULL, 1, 1 + count_lines(body) + 2);
	free(body), free(head), free(ret);
	return ff;
}

static void test_family_of_three(void **state)
{
	struct file_facts *files[4];
	struct dup_options opt;
	struct dup_result r;
	const struct dup_group *g;
	struct fact_import *imp;
	(void)state;

	files[0] = helper_file("feeds/market.py", "get_market_data", "'SPX'", NULL);
	files[1] = helper_file("feeds/options.py", "get_option_data", "'OPT'", NULL);
	files[2] = helper_file("feeds/vix.py", "get_vix_data", "'VIX'", NULL);
	files[3] = facts_new("strategy.py", LANG_PYTHON);
	imp = facts_add_import(files[3]);
	imp->module = facts_str(files[3], "feeds.vix");
	imp->name = facts_str(files[3], "get_vix_data");
	imp->line = 1;
	dup_options_init(&opt);
	opt.read_sources = 0;
	opt.min_tokens = 500; /* no clones */
	dups_find(&r, files, 4, &opt);
	g = find_family(&r);
	assert_non_null(g);
	assert_int_equal(count_kind(&r, DUP_FAMILY), 1);
	assert_int_equal(g->nmembers, 3);
	assert_string_equal(g->name, "get_*_data");
	assert_int_equal(g->similarity, 100);
	assert_string_equal(g->members[0].function, "get_market_data");
	assert_string_equal(g->members[2].path, "feeds/vix.py");
	assert_int_equal(g->members[0].start_line, 1);
	assert_int_equal(g->tokens, files[0]->funcs[0].tok_end - files[0]->funcs[0].tok_start);
	assert_int_equal(g->removable, 2 * g->tokens);
	/* the module its callers import */
	assert_string_equal(g->home, "feeds.vix");
	/* one parameter: the literal, on the last line of each body */
	assert_int_equal(g->nvarying, 1);
	assert_int_equal(g->varying[0].line[0], g->members[0].end_line);
	assert_null(g->varying[0].text[0]);
	assert_int_equal(g->allowed, 0);
	dups_release(&r);

	/* without importers, the first member's module */
	files[3]->nimports = 0;
	dups_find(&r, files, 4, &opt);
	assert_string_equal(find_family(&r)->home, "feeds.market");
	dups_release(&r);

	/* allowed by name */
	{
		const char *allow[] = {"get_*_data"};
		opt.allow = allow;
		opt.nallow = 1;
		dups_find(&r, files, 4, &opt);
		assert_int_equal(find_family(&r)->allowed, 1);
		dups_release(&r);
		opt.nallow = 0;
	}

	/* families off */
	opt.families = 0;
	dups_find(&r, files, 4, &opt);
	assert_null(find_family(&r));
	dups_release(&r);
	free_all(files, 4);
}

static void test_family_boilerplate(void **state)
{
	struct file_facts *files[2];
	struct dup_options opt;
	struct dup_result r;
	(void)state;
	dup_options_init(&opt);
	opt.read_sources = 0;
	opt.min_tokens = 500;

	/* dunder methods are never a family */
	files[0] = helper_file("a.py", "__init__", "'a'", NULL);
	files[1] = helper_file("b.py", "__init__", "'b'", NULL);
	dups_find(&r, files, 2, &opt);
	assert_null(find_family(&r));
	dups_release(&r);
	free_all(files, 2);

	/* different names (no shared stem): not a family even with equal bodies */
	files[0] = helper_file("a.py", "alpha", "'a'", NULL);
	files[1] = helper_file("b.py", "omega", "'b'", NULL);
	dups_find(&r, files, 2, &opt);
	assert_null(find_family(&r));
	dups_release(&r);
	free_all(files, 2);

	/* the same name in two modules: a family */
	files[0] = helper_file("a.py", "calculate_position_size", "'a'", NULL);
	files[1] = helper_file("b.py", "calculate_position_size", "'b'", NULL);
	dups_find(&r, files, 2, &opt);
	assert_non_null(find_family(&r));
	assert_string_equal(find_family(&r)->name, "calculate_position_size");
	dups_release(&r);
	free_all(files, 2);

	/* a trivial getter */
	{
		const char *pa[] = {"DEF get_x ( ) :\nRETURN self . x\n"};
		const char *pb[] = {"DEF get_y ( ) :\nRETURN self . x\n"};
		files[0] = mk("a.py", pa, 1);
		files[1] = mk("b.py", pb, 1);
		add_def(files[0], "get_x", NULL, 1, 2);
		add_def(files[1], "get_y", NULL, 1, 2);
		dups_find(&r, files, 2, &opt);
		assert_null(find_family(&r));
		dups_release(&r);
		free_all(files, 2);
	}

	/* same shape, different vocabulary: below the bar */
	{
		char *b1 = seq(71, 30, ""), *b2 = seq(71, 30, "_other");
		const char *pa[] = {"DEF get_x ( ) :\n", b1}, *pb[] = {"DEF get_y ( ) :\n", b2};
		files[0] = mk("a.py", pa, 2);
		files[1] = mk("b.py", pb, 2);
		add_def(files[0], "get_x", NULL, 1, 20);
		add_def(files[1], "get_y", NULL, 1, 20);
		dups_find(&r, files, 2, &opt);
		assert_null(find_family(&r));
		/* below the similarity threshold when one body is half the other */
		dups_release(&r);
		free_all(files, 2);
		free(b1), free(b2);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suffix_array),
		cmocka_unit_test(test_type1_across_files),
		cmocka_unit_test(test_type2_renamed),
		cmocka_unit_test(test_inside_one_file),
		cmocka_unit_test(test_nested_classes),
		cmocka_unit_test(test_table_not_self_clone),
		cmocka_unit_test(test_table_copied),
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_deterministic_and_empty),
		cmocka_unit_test(test_threshold_edges),
		cmocka_unit_test(test_family_of_three),
		cmocka_unit_test(test_family_boilerplate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
