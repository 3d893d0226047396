/* test_cache.c - the facts cache: exact round trip, misses, corruption. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../analyzer/cache.h"
#include "../../analyzer/diag.h"
#include "../../analyzer/scan.h"
#include "../../analyzer/util.h"

static char tmpdir[64];
static char *src_path, *cache_dir;
static const char *paths[1];
static struct scan_options opt;
static struct config cfg;

static const char source[] = "import os\nclass A(B, C):\n    def f(self, x: int = 1): pass\n";

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/unravel-test-cache.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	src_path = xstrfmt("%s/mod.py", tmpdir);
	cache_dir = xstrfmt("%s/cache", tmpdir);
	assert_int_equal(write_file_atomic(src_path, source, strlen(source)), 0);
	paths[0] = tmpdir;
	memset(&opt, 0, sizeof(opt));
	opt.paths = paths;
	opt.npaths = 1;
	opt.cache_dir = cache_dir;
	opt.max_file_size = 1 << 20;
	opt.config = &cfg;
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xstrfmt("rm -rf '%s'", tmpdir);
	(void)state;
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(src_path);
	free(cache_dir);
	diag_clear();
	return 0;
}

/* Facts with every array and string field set, some strings shared, some NULL. */
static struct file_facts *make_facts(const struct stat *st)
{
	struct file_facts *ff = facts_new(src_path, LANG_PYTHON);
	struct fact_import *im;
	struct fact_class *c;
	struct fact_func *f;
	struct fact_ref *r;
	struct fact_note *n;
	const char **bases;

	ff->size = (uint64_t)st->st_size;
	ff->mtime_ns = (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec;
	ff->content_hash = hash64(source, strlen(source));
	ff->parse_errors = 2;
	im = facts_add_import(ff);
	im->module = facts_str(ff, "os");
	im->text = facts_str(ff, "import os");
	im->line = 1;
	im->col = 1;
	im->scope = SCOPE_TYPE_CHECKING;
	im = facts_add_import(ff);
	im->module = facts_str(ff, "");
	im->name = facts_str(ff, "x");
	im->resolved = facts_str(ff, "/usr/include/x.h");
	im->tus = facts_str(ff, "a.c,b.c");
	im->level = 2;
	im->angled = 1;
	im->line = -1;
	c = facts_add_class(ff);
	c->name = facts_str(ff, "A");
	c->line = 2;
	c->col = 1;
	c->end_line = 3;
	bases = arena_alloc(ff->arena, 2 * sizeof(*bases));
	bases[0] = facts_str(ff, "B");
	bases[1] = facts_str(ff, "pkg.C");
	c->bases = bases;
	c->nbases = 2;
	c->is_protocol = 1;
	c = facts_add_class(ff);
	c->name = facts_str(ff, "Empty");
	f = facts_add_func(ff);
	f->name = facts_str(ff, "A.f");
	f->cls = facts_str(ff, "A");
	f->line = 3;
	f->col = 5;
	f->end_line = 3;
	f->params = arena_alloc(ff->arena, 2 * sizeof(*f->params));
	f->params[0].name = facts_str(ff, "x");
	f->params[0].annotation = facts_str(ff, "int");
	f->params[0].has_default = 1;
	f->params[1].name = facts_str(ff, "y");
	f->nparams = 2;
	f->tok_start = 3;
	f->tok_end = 7;
	f->placeholder = 1;
	f->is_static = 1;
	f = facts_add_func(ff);
	f->name = facts_str(ff, "g");
	f->abstract = 1;
	r = facts_add_ref(ff);
	r->kind = REF_GETATTR;
	r->cls = facts_str(ff, "A");
	r->func = facts_str(ff, "A.f");
	r->host = facts_str(ff, "self.algorithm");
	r->attr = facts_str(ff, "vix_manager");
	r->value = facts_str(ff, "x");
	r->line = 3;
	r->col = 9;
	n = facts_add_note(ff);
	n->kind = NOTE_ALLOW_DUPLICATE;
	n->line = 4;
	n->col = 2;
	n->text = facts_str(ff, "# unravel: allow-duplicate");
	for (uint32_t i = 0; i < 9; i++) {
		struct fact_token *t = facts_add_token(ff);
		t->exact = 0xdeadbeef ^ i;
		t->norm = i * 7;
		t->line = i / 3 + 1;
	}
	return ff;
}

static void assert_str(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void assert_same(const struct file_facts *a, const struct file_facts *b)
{
	assert_string_equal(a->path, b->path);
	assert_int_equal(a->lang, b->lang);
	assert_int_equal(a->size, b->size);
	assert_int_equal(a->mtime_ns, b->mtime_ns);
	assert_int_equal(a->content_hash, b->content_hash);
	assert_int_equal(a->parse_errors, b->parse_errors);
	assert_int_equal(a->nimports, b->nimports);
	for (size_t i = 0; i < a->nimports; i++) {
		const struct fact_import *x = &a->imports[i], *y = &b->imports[i];
		assert_str(x->module, y->module);
		assert_str(x->name, y->name);
		assert_str(x->resolved, y->resolved);
		assert_str(x->text, y->text);
		assert_str(x->tus, y->tus);
		assert_int_equal(x->level, y->level);
		assert_int_equal(x->line, y->line);
		assert_int_equal(x->col, y->col);
		assert_int_equal(x->scope, y->scope);
		assert_int_equal(x->angled, y->angled);
	}
	assert_int_equal(a->nclasses, b->nclasses);
	for (size_t i = 0; i < a->nclasses; i++) {
		const struct fact_class *x = &a->classes[i], *y = &b->classes[i];
		assert_str(x->name, y->name);
		assert_int_equal(x->line, y->line);
		assert_int_equal(x->col, y->col);
		assert_int_equal(x->end_line, y->end_line);
		assert_int_equal(x->nbases, y->nbases);
		for (int k = 0; k < x->nbases; k++)
			assert_str(x->bases[k], y->bases[k]);
		assert_int_equal(x->is_protocol, y->is_protocol);
	}
	assert_int_equal(a->nfuncs, b->nfuncs);
	for (size_t i = 0; i < a->nfuncs; i++) {
		const struct fact_func *x = &a->funcs[i], *y = &b->funcs[i];
		assert_str(x->name, y->name);
		assert_str(x->cls, y->cls);
		assert_int_equal(x->line, y->line);
		assert_int_equal(x->col, y->col);
		assert_int_equal(x->end_line, y->end_line);
		assert_int_equal(x->nparams, y->nparams);
		for (int k = 0; k < x->nparams; k++) {
			assert_str(x->params[k].name, y->params[k].name);
			assert_str(x->params[k].annotation, y->params[k].annotation);
			assert_int_equal(x->params[k].has_default, y->params[k].has_default);
		}
		assert_int_equal(x->tok_start, y->tok_start);
		assert_int_equal(x->tok_end, y->tok_end);
		assert_int_equal(x->placeholder, y->placeholder);
		assert_int_equal(x->abstract, y->abstract);
		assert_int_equal(x->is_static, y->is_static);
	}
	assert_int_equal(a->nrefs, b->nrefs);
	for (size_t i = 0; i < a->nrefs; i++) {
		const struct fact_ref *x = &a->refs[i], *y = &b->refs[i];
		assert_int_equal(x->kind, y->kind);
		assert_str(x->cls, y->cls);
		assert_str(x->func, y->func);
		assert_str(x->host, y->host);
		assert_str(x->attr, y->attr);
		assert_str(x->value, y->value);
		assert_int_equal(x->line, y->line);
		assert_int_equal(x->col, y->col);
	}
	assert_int_equal(a->nnotes, b->nnotes);
	for (size_t i = 0; i < a->nnotes; i++) {
		assert_int_equal(a->notes[i].kind, b->notes[i].kind);
		assert_int_equal(a->notes[i].line, b->notes[i].line);
		assert_int_equal(a->notes[i].col, b->notes[i].col);
		assert_str(a->notes[i].text, b->notes[i].text);
	}
	assert_int_equal(a->ntokens, b->ntokens);
	assert_memory_equal(a->tokens, b->tokens, a->ntokens * sizeof(*a->tokens));
}

/* Store the facts of mod.py (with one warning) in a fresh cache. */
static struct file_facts *store_one(void)
{
	struct scan s;
	struct stat st;
	struct file_facts *ff;

	assert_int_equal(stat(src_path, &st), 0);
	memset(&s, 0, sizeof(s));
	s.opt = &opt;
	diag_clear();
	cache_open(&s);
	assert_non_null(s.cache);
	ff = make_facts(&st);
	diag_warn(ff->path, 3, 4, "invalid syntax (recorded)");
	cache_store(&s, ff);
	cache_close(&s);
	assert_null(s.cache);
	return ff;
}

static struct file_facts *lookup_one(size_t *ncached)
{
	struct scan s;
	struct stat st;
	struct file_facts *ff;

	assert_int_equal(stat(src_path, &st), 0);
	memset(&s, 0, sizeof(s));
	s.opt = &opt;
	diag_clear();
	cache_open(&s);
	ff = cache_lookup(&s, src_path, &st);
	cache_close(&s);
	*ncached = s.ncached;
	return ff;
}

static void test_round_trip(void **state)
{
	struct file_facts *ff, *back;
	const struct diag *d;
	size_t hits;
	int n;

	(void)state;
	ff = store_one();
	back = lookup_one(&hits);
	assert_non_null(back);
	assert_int_equal(hits, 1);
	assert_same(ff, back);
	/* The warning of the parse comes back with the facts. */
	d = diag_list(&n);
	assert_int_equal(n, 1);
	assert_string_equal(d[0].file, src_path);
	assert_int_equal(d[0].line, 3);
	assert_int_equal(d[0].col, 4);
	assert_string_equal(d[0].msg, "invalid syntax (recorded)");
	/* The second lookup rewrote the cache only if needed; it still hits. */
	facts_free(back);
	back = lookup_one(&hits);
	assert_non_null(back);
	assert_same(ff, back);
	facts_free(back);
	/* A command that needs no clone tokens gets everything else. */
	opt.skip_tokens = 1;
	back = lookup_one(&hits);
	opt.skip_tokens = 0;
	assert_non_null(back);
	assert_int_equal(back->ntokens, 0);
	assert_null(back->tokens);
	back->ntokens = ff->ntokens;
	back->tokens = ff->tokens;
	assert_same(ff, back);
	back->tokens = NULL;
	facts_free(back);
	/* ... and the tokens are still there for the next one that does. */
	back = lookup_one(&hits);
	assert_non_null(back);
	assert_same(ff, back);
	facts_free(back);
	facts_free(ff);
}

static void test_changed_file_misses(void **state)
{
	struct file_facts *ff, *back;
	static const char more[] = "import os\nclass A(B, C):\n    def f(self, x: int = 1): pass\n#\n";
	size_t hits;

	(void)state;
	ff = store_one();
	assert_int_equal(write_file_atomic(src_path, more, strlen(more)), 0);
	back = lookup_one(&hits);
	assert_null(back);
	assert_int_equal(hits, 0);
	/* Same size, same mtime, other bytes: the racily clean check catches it. */
	assert_int_equal(write_file_atomic(src_path, source, strlen(source)), 0);
	facts_free(ff);
	ff = store_one();
	{
		struct stat st;
		struct timespec ts[2];
		char *other = xstrdup(source);
		other[0] = 'J';
		assert_int_equal(stat(src_path, &st), 0);
		assert_int_equal(write_file_atomic(src_path, other, strlen(other)), 0);
		ts[0] = st.st_atim;
		ts[1] = st.st_mtim;
		assert_int_equal(utimensat(AT_FDCWD, src_path, ts, 0), 0);
		free(other);
	}
	back = lookup_one(&hits);
	assert_null(back);
	assert_int_equal(write_file_atomic(src_path, source, strlen(source)), 0);
	facts_free(ff);
}

static void flip_byte(const char *file, long off)
{
	FILE *f = fopen(file, "r+b");
	int c;
	assert_non_null(f);
	assert_int_equal(fseek(f, off, off < 0 ? SEEK_END : SEEK_SET), 0);
	c = fgetc(f);
	assert_int_equal(fseek(f, off, off < 0 ? SEEK_END : SEEK_SET), 0);
	fputc(c ^ 0x55, f);
	fclose(f);
}

static void test_corruption_survived(void **state)
{
	char *file = cache_file_path(&opt);
	struct file_facts *ff, *back;
	const struct diag *d;
	size_t hits;
	int n;
	/* Offsets: inside the header, inside the record, inside the index. */
	static const long offsets[] = {20, 100, -10};

	(void)state;
	for (size_t k = 0; k < sizeof(offsets) / sizeof(offsets[0]); k++) {
		ff = store_one();
		flip_byte(file, offsets[k]);
		back = lookup_one(&hits);
		assert_null(back);
		d = diag_list(&n);
		assert_int_equal(n, 1);
		assert_string_equal(d[0].file, file);
		assert_non_null(strstr(d[0].msg, "cache is corrupt"));
		/* The run rewrote nothing it could not read; the next store heals it. */
		facts_free(ff);
		ff = store_one();
		back = lookup_one(&hits);
		assert_non_null(back);
		assert_same(ff, back);
		facts_free(back);
		facts_free(ff);
	}
	/* A flipped byte in the tokens region (just before the index). */
	{
		struct { char magic[8]; uint32_t format, endian; uint64_t key, snap, n, index_off; } h;
		FILE *f;
		ff = store_one();
		f = fopen(file, "rb");
		assert_non_null(f);
		assert_int_equal(fread(&h, sizeof(h), 1, f), 1);
		fclose(f);
		flip_byte(file, (long)h.index_off - 16);
		back = lookup_one(&hits);
		assert_null(back);
		d = diag_list(&n);
		assert_int_equal(n, 1);
		assert_non_null(strstr(d[0].msg, "cache is corrupt"));
		facts_free(ff);
	}
	/* A truncated file and garbage are survived the same way. */
	ff = store_one();
	assert_int_equal(truncate(file, 30), 0);
	assert_null(lookup_one(&hits));
	assert_int_equal(write_file_atomic(file, "garbage", 7), 0);
	assert_null(lookup_one(&hits));
	facts_free(ff);
	free(file);
}

static void test_no_cache(void **state)
{
	struct scan s;
	struct stat st;
	(void)state;
	facts_free(store_one());
	opt.no_cache = 1;
	memset(&s, 0, sizeof(s));
	s.opt = &opt;
	cache_open(&s);
	assert_null(s.cache);
	assert_int_equal(stat(src_path, &st), 0);
	assert_null(cache_lookup(&s, src_path, &st));
	cache_close(&s);
	opt.no_cache = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_file_misses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corruption_survived, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_cache, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
