/* test_template.c - the template engine's strict mode, environments and limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../codegen/template.h"

/* Render src with the JSON text ctx; returns rc, output in *out, errors in *err (caller frees). */
static int render(unsigned flags, const char *const *dirs, int ndirs, const char *src,
		  const char *ctxs, char **out, char **err)
{
	struct tmpl_env *env = tmpl_env_new(dirs, ndirs, flags);
	struct strbuf o = STRBUF_INIT, e = STRBUF_INIT;
	json_error_t jerr;
	json_t *ctx = json_loads(ctxs, JSON_DECODE_ANY, &jerr);
	int rc;

	assert_non_null(ctx);
	sb_init(&o);
	sb_init(&e);
	rc = tmpl_render_string(env, "t.mustache", src, strlen(src), ctx, &o, &e);
	*out = sb_detach(&o, NULL);
	*err = sb_detach(&e, NULL);
	json_decref(ctx);
	tmpl_env_free(env);
	return rc;
}

static void expect_ok(unsigned flags, const char *src, const char *ctx, const char *want)
{
	char *out, *err;
	int rc = render(flags, NULL, 0, src, ctx, &out, &err);
	assert_string_equal(err, "");
	assert_int_equal(rc, 0);
	assert_string_equal(out, want);
	free(out);
	free(err);
}

static void expect_err(unsigned flags, const char *src, const char *ctx, const char *want)
{
	char *out, *err;
	int rc = render(flags, NULL, 0, src, ctx, &out, &err);
	assert_int_equal(rc, -1);
	assert_string_equal(err, want);
	free(out);
	free(err);
}

static void test_strict_unknown_variable(void **state)
{
	(void)state;
	expect_ok(0, "a{{nope}}b", "{}", "ab");
	expect_err(TMPL_STRICT, "line\n  x{{nope}}", "{}",
		   "t.mustache:2:4: error: unknown variable 'nope'\n");
	expect_err(TMPL_STRICT, "{{a.b}}", "{\"a\": {}}",
		   "t.mustache:1:1: error: unknown variable 'a.b'\n");
	expect_err(TMPL_STRICT, "{{#s}}{{/s}}", "{}", "t.mustache:1:1: error: unknown variable 's'\n");
	expect_err(TMPL_STRICT, "{{^s}}{{/s}}", "{}", "t.mustache:1:1: error: unknown variable 's'\n");
	/* null and false exist: not errors, they render empty / skip the section. */
	expect_ok(TMPL_STRICT, "[{{n}}]{{#f}}x{{/f}}{{^n}}y{{/n}}", "{\"n\": null, \"f\": false}", "[]y");
	/* Names resolve up the stack in strict mode too. */
	expect_ok(TMPL_STRICT, "{{#l}}{{top}}{{v}}{{/l}}", "{\"top\": \"T\", \"l\": [{\"v\": 1}]}",
		  "T1");
}

static void test_strict_non_values(void **state)
{
	(void)state;
	expect_ok(0, "[{{l}}][{{o}}]", "{\"l\": [1], \"o\": {}}", "[][]");
	expect_err(TMPL_STRICT, "{{l}}", "{\"l\": [1]}",
		   "t.mustache:1:1: error: variable 'l' is a list, not a value\n");
	expect_err(TMPL_STRICT, "{{o}}", "{\"o\": {}}",
		   "t.mustache:1:1: error: variable 'o' is an object, not a value\n");
}

static void test_values_verbatim(void **state)
{
	(void)state;
	expect_ok(TMPL_STRICT, "{{v}}", "{\"v\": \"{{v}}{{#v}}{{/v}}{{>p}}\"}", "{{v}}{{#v}}{{/v}}{{>p}}");
	/* A value with a newline inside an indented partial is not indented (only template lines are). */
}

static void test_root_not_object(void **state)
{
	(void)state;
	expect_ok(0, "{{.}}|{{#.}}<{{.}}>{{/.}}", "[1, 2]", "|<1><2>");
	expect_ok(0, "{{.}}", "\"s\"", "s");
}

static void test_budget(void **state)
{
	struct tmpl_env *env = tmpl_env_new(NULL, 0, 0);
	struct strbuf o = STRBUF_INIT, e = STRBUF_INIT;
	json_t *ctx = json_loads("{\"l\": [1,2,3,4,5,6,7,8,9,10]}", 0, NULL);
	const char *src = "{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}x{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}";
	(void)state;
	sb_init(&o);
	sb_init(&e);
	tmpl_env_set_budget(env, 5000);
	assert_int_equal(tmpl_render_string(env, "t", src, strlen(src), ctx, &o, &e), -1);
	assert_non_null(strstr(e.buf, "error: rendering takes more than 5000 steps"));
	sb_release(&o);
	sb_release(&e);
	json_decref(ctx);
	tmpl_env_free(env);
}

static void test_nesting_limit(void **state)
{
	struct strbuf src = STRBUF_INIT;
	char *out, *err;
	(void)state;
	sb_init(&src);
	for (int i = 0; i < 300; i++)
		sb_adds(&src, "{{#a}}");
	assert_int_equal(render(0, NULL, 0, src.buf, "{}", &out, &err), -1);
	assert_string_equal(err, "t.mustache:1:1537: error: sections nested deeper than 256\n");
	free(out);
	free(err);
	sb_release(&src);
}

static void test_nul_bytes(void **state)
{
	struct tmpl_env *env = tmpl_env_new(NULL, 0, 0);
	struct strbuf o = STRBUF_INIT, e = STRBUF_INIT;
	json_t *ctx = json_object();
	static const char src[] = "a\0b{{x}}c\0";
	(void)state;
	json_object_set_new(ctx, "x", json_stringn("1\0002", 3));
	sb_init(&o);
	sb_init(&e);
	assert_int_equal(tmpl_render_string(env, "t", src, sizeof(src) - 1, ctx, &o, &e), 0);
	assert_int_equal(o.len, 8);
	assert_memory_equal(o.buf, "a\0b1\0002c\0", 8);
	sb_release(&o);
	sb_release(&e);
	json_decref(ctx);
	tmpl_env_free(env);
}

static void write_in(const char *dir, const char *name, const char *s)
{
	char *path = xstrfmt("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(s, f);
	fclose(f);
	free(path);
}

static void remove_in(const char *dir, const char *name)
{
	char *path = xstrfmt("%s/%s", dir, name);
	unlink(path);
	free(path);
}

/* Folders are searched in order: an override folder wins, the next one fills in. */
static void test_dirs_and_partials(void **state)
{
	char tmp[] = "/tmp/unravel-tmpl-XXXXXX";
	char *user, *builtin, *out, *err, *found;
	const char *dirs[2];
	struct tmpl_env *env;
	struct strbuf o = STRBUF_INIT, e = STRBUF_INIT;
	json_t *ctx = json_loads("{\"x\": \"X\"}", 0, NULL);
	(void)state;

	assert_non_null(mkdtemp(tmp));
	user = xstrfmt("%s/user", tmp);
	builtin = xstrfmt("%s/builtin", tmp);
	assert_int_equal(mkdir(user, 0700), 0);
	assert_int_equal(mkdir(builtin, 0700), 0);
	write_in(builtin, "main.mustache", "[{{>head}}|{{>body}}]");
	write_in(builtin, "head.mustache", "builtin-head");
	write_in(builtin, "body.mustache", "builtin-body {{x}}");
	write_in(user, "head.mustache", "user-head {{x}}");
	dirs[0] = user;
	dirs[1] = builtin;

	env = tmpl_env_new(dirs, 2, TMPL_STRICT);
	found = tmpl_find(env, "main.mustache");
	assert_non_null(found);
	assert_true(starts_with(found, builtin));
	assert_true(ends_with(found, "/main.mustache"));
	free(found);
	assert_null(tmpl_find(env, "none.mustache"));
	sb_init(&o);
	sb_init(&e);
	assert_int_equal(tmpl_render_file(env, "main.mustache", ctx, &o, &e), 0);
	assert_string_equal(o.buf, "[user-head X|builtin-body X]");
	sb_reset(&o);
	assert_int_equal(tmpl_render_file(env, "none.mustache", ctx, &o, &e), -1);
	assert_non_null(strstr(e.buf, "unravel: error: template 'none.mustache' not found in"));
	tmpl_env_free(env);

	/* Strict: a missing partial is an error; lenient: it renders nothing. */
	assert_int_equal(render(TMPL_STRICT, dirs, 2, "a\n{{>gone}}", "{}", &out, &err), -1);
	assert_string_equal(err, "t.mustache:2:1: error: unknown partial 'gone'\n");
	free(out);
	free(err);
	assert_int_equal(render(0, dirs, 2, "a{{>gone}}b", "{}", &out, &err), 0);
	assert_string_equal(out, "ab");
	free(out);
	free(err);

	sb_release(&o);
	sb_release(&e);
	json_decref(ctx);
	remove_in(builtin, "main.mustache");
	remove_in(builtin, "head.mustache");
	remove_in(builtin, "body.mustache");
	remove_in(user, "head.mustache");
	rmdir(user);
	rmdir(builtin);
	rmdir(tmp);
	free(user);
	free(builtin);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strict_unknown_variable),
		cmocka_unit_test(test_strict_non_values),
		cmocka_unit_test(test_values_verbatim),
		cmocka_unit_test(test_root_not_object),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_nesting_limit),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_dirs_and_partials),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
