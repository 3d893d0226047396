/*
 * test_frontend_c.c - the C frontend through scan_run(): include directives
 * (pragma-once and guarded cycles, canonical paths, TUs merged), broken
 * input, lexer tokens/notes/#if scopes, and the manager facts.
 */
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

#include "../../analyzer/diag.h"
#include "../../analyzer/scan.h"
#include "../../analyzer/util.h"

/* Scanned paths are shown relative to the current directory (SPEC.md). */
static struct file_facts *find_display(const struct scan *s, const char *path)
{
	char *d = path_display(path);
	struct file_facts *ff = scan_find(s, d);
	free(d);
	return ff;
}

static int scan_dir(struct scan *s, struct scan_options *o, const char **paths, int n)
{
	memset(o, 0, sizeof(*o));
	o->paths = paths;
	o->npaths = n;
	o->jobs = 2;
	o->no_cache = 1;
	o->quiet = 1;
	o->max_file_size = 10u << 20;
	return scan_run(s, o);
}

static const struct fact_import *find_import(const struct file_facts *ff, const char *module)
{
	for (size_t i = 0; ff && i < ff->nimports; i++)
		if (!strcmp(ff->imports[i].module, module))
			return &ff->imports[i];
	return NULL;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_example_includes(void **state)
{
	const char *paths[] = {"examples/ctrading"};
	struct scan_options o;
	struct scan s;
	const struct fact_import *im;
	(void)state;

	assert_int_equal(scan_dir(&s, &o, paths, 1), 0);
	/* The #pragma once cycle: both directions, although clang never re-enters. */
	im = find_import(scan_find(&s, "examples/ctrading/src/core/order.h"), "types.h");
	assert_non_null(im);
	assert_non_null(im->resolved);
	assert_true(ends_with(im->resolved, "/examples/ctrading/src/core/types.h"));
	assert_non_null(strstr(im->tus, "src/core/types.c"));
	assert_int_equal(im->line, 4);
	assert_int_equal(im->col, 1);
	assert_string_equal(im->text, "#include \"types.h\"");
	assert_int_equal(im->scope, SCOPE_MODULE);
	im = find_import(scan_find(&s, "examples/ctrading/src/core/types.h"), "order.h");
	assert_non_null(im);
	assert_true(ends_with(im->resolved, "/examples/ctrading/src/core/order.h"));
	/* The include-guarded cycle. */
	im = find_import(scan_find(&s, "examples/ctrading/src/managers/vix_manager.h"),
			 "risk_manager.h");
	assert_non_null(im);
	assert_true(ends_with(im->resolved, "/src/managers/risk_manager.h"));
	im = find_import(scan_find(&s, "examples/ctrading/src/managers/risk_manager.h"),
			 "vix_manager.h");
	assert_non_null(im);
	assert_true(ends_with(im->resolved, "/src/managers/vix_manager.h"));
	/* TUs merged and sorted on a header directive. */
	assert_string_equal(im->tus, "examples/ctrading/src/main.c,"
				     "examples/ctrading/src/managers/risk_manager.c,"
				     "examples/ctrading/src/managers/vix_manager.c,"
				     "examples/ctrading/src/strategy/strategy_manager.c,"
				     "examples/ctrading/tests/test_ctrading.c");
	/* "./cache.h" is the same canonical file. */
	im = find_import(scan_find(&s, "examples/ctrading/src/core/cache.c"), "./cache.h");
	assert_non_null(im);
	assert_true(ends_with(im->resolved, "/examples/ctrading/src/core/cache.h"));
	assert_null(strstr(im->resolved, "/./"));
	/* System headers resolve, angled. */
	im = find_import(scan_find(&s, "examples/ctrading/src/core/cache.c"), "stdio.h");
	assert_non_null(im);
	assert_true(im->angled);
	assert_non_null(im->resolved);
	assert_string_equal(im->text, "#include <stdio.h>");
	scan_release(&s);
	diag_clear();
}

static void test_example_managers(void **state)
{
	const char *paths[] = {"examples/ctrading"};
	struct scan_options o;
	struct scan s;
	const struct file_facts *ff;
	int found;
	(void)state;

	assert_int_equal(scan_dir(&s, &o, paths, 1), 0);
	/* typedef struct risk_manager RiskManager: both names, tag noted. */
	ff = scan_find(&s, "examples/ctrading/src/managers/risk_manager.h");
	assert_non_null(ff);
	found = 0;
	for (size_t i = 0; i < ff->nclasses; i++) {
		if (!strcmp(ff->classes[i].name, "RiskManager")) {
			assert_int_equal(ff->classes[i].nbases, 1);
			assert_string_equal(ff->classes[i].bases[0], "risk_manager");
			found |= 1;
		}
		if (!strcmp(ff->classes[i].name, "risk_manager"))
			found |= 2;
	}
	assert_int_equal(found, 3);
	/* Field pointing to the other manager, canonical type name. */
	found = 0;
	for (size_t i = 0; i < ff->nrefs; i++)
		if (ff->refs[i].kind == REF_FIELD && !strcmp(ff->refs[i].cls, "risk_manager") &&
		    !strcmp(ff->refs[i].attr, "vix") && !strcmp(ff->refs[i].value, "vix_manager"))
			found = 1;
	assert_true(found);
	/* Functions: params with type spellings, placeholder, token ranges. */
	ff = scan_find(&s, "examples/ctrading/src/managers/greeks_monitor.c");
	assert_non_null(ff);
	found = 0;
	for (size_t i = 0; i < ff->nfuncs; i++) {
		const struct fact_func *fn = &ff->funcs[i];
		if (!strcmp(fn->name, "greeks_monitor_create")) {
			assert_int_equal(fn->nparams, 2);
			assert_string_equal(fn->params[0].name, "cache");
			assert_string_equal(fn->params[0].annotation, "GreeksCache *");
			assert_string_equal(fn->params[1].annotation, "struct event_bus *");
			assert_false(fn->is_static);
			assert_false(fn->placeholder);
			assert_true(fn->tok_end > fn->tok_start + 2);
			assert_true(fn->tok_end <= ff->ntokens);
			assert_int_equal(ff->tokens[fn->tok_start].line, 16);
			assert_int_equal(ff->tokens[fn->tok_end - 1].line, 24);
			found |= 1;
		}
		if (!strcmp(fn->name, "on_vix")) {
			assert_true(fn->is_static);
			found |= 2;
		}
	}
	assert_int_equal(found, 3);
	ff = scan_find(&s, "examples/ctrading/src/managers/risk_manager.c");
	found = 0;
	for (size_t i = 0; i < ff->nfuncs; i++)
		if (!strcmp(ff->funcs[i].name, "risk_manager_rebalance")) {
			assert_true(ff->funcs[i].placeholder);
			found = 1;
		}
	assert_true(found);
	assert_int_equal(ff->nnotes, 1);
	assert_int_equal(ff->notes[0].kind, NOTE_TODO);
	assert_int_equal(ff->notes[0].line, 28);
	/* Calls, with the calling function. */
	ff = scan_find(&s, "examples/ctrading/src/strategy/strategy_manager.c");
	found = 0;
	for (size_t i = 0; i < ff->nrefs; i++)
		if (ff->refs[i].kind == REF_CALL &&
		    !strcmp(ff->refs[i].func, "strategy_manager_create") &&
		    !strcmp(ff->refs[i].value, "vix_manager_create")) {
			assert_int_equal(ff->refs[i].line, 12);
			found = 1;
		}
	assert_true(found);
	scan_release(&s);
	diag_clear();
}

static char tmpdir[64];

static void test_broken_input(void **state)
{
	const char *paths[1];
	struct scan_options o;
	struct scan s;
	const struct diag *d;
	const struct file_facts *ff;
	char *p;
	int n, missing = 0, syntax = 0;
	(void)state;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/unravel-cfront-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	p = xstrfmt("%s/ok.h", tmpdir);
	write_text(p, "#ifndef OK_H\n#define OK_H\n#ifdef EXTRA\n#include \"extra.h\"\n#endif\n"
		      "int ok(void);\n#endif\n");
	free(p);
	p = xstrfmt("%s/extra.h", tmpdir);
	write_text(p, "int extra(void);\n");
	free(p);
	p = xstrfmt("%s/missing.c", tmpdir);
	write_text(p, "#include \"ok.h\"\n#include \"nowhere.h\"\nint f(void) { return ok(); }\n");
	free(p);
	p = xstrfmt("%s/syntax.c", tmpdir);
	write_text(p, "#include \"ok.h\"\nint g(void) { return ok( ; }\n");
	free(p);
	paths[0] = tmpdir;
	assert_int_equal(scan_dir(&s, &o, paths, 1), 0);
	d = diag_list(&n);
	for (int i = 0; i < n; i++) {
		if (d[i].file && ends_with(d[i].file, "missing.c") && d[i].line == 2 &&
		    d[i].col == 10 && strstr(d[i].msg, "'nowhere.h' file not found"))
			missing = 1;
		if (d[i].file && ends_with(d[i].file, "syntax.c") && d[i].line == 2)
			syntax = 1;
	}
	assert_true(missing);
	assert_true(syntax);
	/* Partial graph: the good include still resolves, the missing one is NULL. */
	p = xstrfmt("%s/missing.c", tmpdir);
	ff = find_display(&s, p);
	free(p);
	assert_non_null(ff);
	assert_true(ff->parse_errors > 0);
	assert_non_null(find_import(ff, "ok.h"));
	assert_non_null(find_import(ff, "ok.h")->resolved);
	assert_non_null(find_import(ff, "nowhere.h"));
	assert_null(find_import(ff, "nowhere.h")->resolved);
	/* extra.h is reached by no TU (EXTRA undefined): still a file, parsed standalone. */
	p = xstrfmt("%s/extra.h", tmpdir);
	ff = find_display(&s, p);
	free(p);
	assert_non_null(ff);
	assert_int_equal(ff->nfuncs, 0);
	scan_release(&s);
	diag_clear();
	p = xstrfmt("rm -rf '%s'", tmpdir);
	assert_int_equal(system(p), 0);
	free(p);
}

static void test_lexer(void **state)
{
	const char *paths[1];
	struct scan_options o;
	struct scan s;
	const struct file_facts *ff;
	char *p;
	(void)state;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/unravel-cfront-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	p = xstrfmt("%s/a.h", tmpdir);
	write_text(p, "/* guard */\n#ifndef A_H\n#define A_H 1\n#include \"b.h\"\n"
		      "#ifndef NO_B\n#include \"b.h\"\n#endif\n"
		      "#if defined(X)\n#include \"b.h\"\n#endif\n#endif\n");
	free(p);
	p = xstrfmt("%s/b.h", tmpdir);
	write_text(p, "#pragma once\n");
	free(p);
	p = xstrfmt("%s/a.c", tmpdir);
	write_text(p, "#include \"a.h\"\n// FIXME: one\nint a = 1; /* unravel: allow-duplicate */\n"
		      "int b = 2;\n");
	free(p);
	paths[0] = tmpdir;
	assert_int_equal(scan_dir(&s, &o, paths, 1), 0);
	p = xstrfmt("%s/a.c", tmpdir);
	ff = find_display(&s, p);
	free(p);
	assert_non_null(ff);
	/* int a = 1 ; int b = 2 ; -> 10 tokens; ids and literals share their norm. */
	assert_int_equal(ff->ntokens, 10);
	assert_int_equal(ff->tokens[0].line, 3);
	assert_int_equal(ff->tokens[1].norm, ff->tokens[6].norm);
	assert_int_not_equal(ff->tokens[1].exact, ff->tokens[6].exact);
	assert_int_equal(ff->tokens[3].norm, ff->tokens[8].norm);
	assert_int_equal(ff->tokens[0].exact, ff->tokens[5].exact);
	assert_int_equal(ff->nnotes, 2);
	assert_int_equal(ff->notes[0].kind, NOTE_TODO);
	assert_string_equal(ff->notes[0].text, "FIXME: one");
	assert_int_equal(ff->notes[1].kind, NOTE_ALLOW_DUPLICATE);
	assert_int_equal(ff->notes[1].line, 3);
	p = xstrfmt("%s/a.h", tmpdir);
	ff = find_display(&s, p);
	free(p);
	assert_non_null(ff);
	/* The guard is not a condition; #if defined(X) is (and clang skips it). */
	assert_int_equal(ff->nimports, 2);
	assert_int_equal(ff->imports[0].line, 4);
	assert_int_equal(ff->imports[0].scope, SCOPE_MODULE);
	assert_int_equal(ff->imports[1].line, 6);
	assert_int_equal(ff->imports[1].scope, SCOPE_CONDITIONAL);
	assert_non_null(ff->imports[1].resolved);
	scan_release(&s);
	diag_clear();
	p = xstrfmt("rm -rf '%s'", tmpdir);
	assert_int_equal(system(p), 0);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_includes),
		cmocka_unit_test(test_example_managers),
		cmocka_unit_test(test_broken_input),
		cmocka_unit_test(test_lexer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
