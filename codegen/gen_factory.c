/*
 * gen_factory.c - `unravel gen factory`: a ManagerFactory (SPEC.md
 * "Generated artifacts") from templates <lang>/factory.py.mustache, or
 * <lang>/manager_factory.c.mustache and manager_factory.h.mustache.
 */
#include "context.h"
#include "generator.h"
#include "../analyzer/util.h"

#include <stdio.h>
#include <string.h>

static const char *const langs[] = {"python", "c", NULL};

/* The folder part of path ("" when none), with its trailing slash. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? xstrndup(path, (size_t)(slash - path) + 1) : xstrdup("");
}

static int render_to(const struct gen_request *rq, const char *tmpl, json_t *ctx,
		     const char *path)
{
	char *out;
	size_t len;
	int rc;
	if (gen_render(rq, tmpl, ctx, &out, &len) < 0)
		return -1;
	rc = gen_write(path, out, len);
	free(out);
	return rc;
}

static int run(const struct gen_request *rq)
{
	int status = EXIT_CLEAN, rc = 0;
	json_t *ctx = factory_context(rq, &status);

	if (!ctx)
		return status;
	if (rq->dump_context) {
		char *s = json_dumps(ctx, JSON_INDENT(2) | JSON_SORT_KEYS);
		rc = gen_write(rq->output, s, strlen(s));
		if (!rc)
			rc = gen_write(rq->output, "\n", 1);
		free(s);
	} else if (!strcmp(rq->lang, "python")) {
		rc = render_to(rq, "factory.py.mustache", ctx, rq->output);
	} else {
		const char *c_path = rq->output ? rq->output : "manager_factory.c";
		char *dir, *h_path;
		if (!strcmp(c_path, "-")) {
			json_decref(ctx);
			error("'gen factory --lang c' writes two files: give -o FILE.c, not '-'");
			return EXIT_FATAL;
		}
		dir = dir_of(c_path);
		h_path = xstrfmt("%smanager_factory.h", dir);
		json_object_set_new(ctx, "header", json_string("manager_factory.h"));
		rc = render_to(rq, "manager_factory.h.mustache", ctx, h_path);
		if (!rc)
			rc = render_to(rq, "manager_factory.c.mustache", ctx, c_path);
		free(dir);
		free(h_path);
	}
	json_decref(ctx);
	return rc ? EXIT_FATAL : EXIT_CLEAN;
}

const struct generator gen_factory = {
	.name = "factory",
	.langs = langs,
	.default_output = NULL,
	.run = run,
};
