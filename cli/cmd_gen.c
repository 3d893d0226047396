/*
 * cmd_gen.c - `unravel gen SUBCOMMAND`: the generators of codegen/ (one
 * struct generator each, listed in generators[]), plus `gen render`, which
 * renders one template with a JSON context so users can try their own
 * templates on the output of `--dump-context`.
 */
#include "cli.h"
#include "../analyzer/util.h"
#include "../codegen/cache_rewrite.h"
#include "../codegen/template.h"

#include <errno.h>
#include <string.h>

/*
 * gen render TEMPLATE [CONTEXT.json]: partials are looked up beside
 * TEMPLATE; CONTEXT defaults to an empty object ("-" reads stdin). Missing
 * names render empty, as the Mustache spec says.
 */
static int gen_render(struct options *o)
{
	const char *tpath, *cpath;
	char *dir, *src, *slash;
	size_t len;
	json_t *ctx;
	json_error_t jerr;
	struct tmpl_env *env;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	const char *dirs[1];
	FILE *f;
	int rc;

	if (o->nargs < 2 || o->nargs > 3)
		return usage_error(o, "usage: unravel gen render TEMPLATE [CONTEXT.json]");
	tpath = o->args[1];
	cpath = o->nargs == 3 ? o->args[2] : NULL;
	if (!cpath)
		ctx = json_object();
	else if (!strcmp(cpath, "-"))
		ctx = json_loadf(stdin, JSON_DECODE_ANY, &jerr);
	else
		ctx = json_load_file(cpath, JSON_DECODE_ANY, &jerr);
	if (!ctx) {
		fprintf(stderr, "%s:%d:%d: error: %s\n", cpath, jerr.line, jerr.column, jerr.text);
		return EXIT_FATAL;
	}
	if (read_file(tpath, 0, &src, &len) < 0) {
		json_decref(ctx);
		return error("cannot read '%s': %s", tpath, strerror(errno)), EXIT_FATAL;
	}
	slash = strrchr(tpath, '/');
	dir = slash ? xstrndup(tpath, (size_t)(slash - tpath)) : xstrdup(".");
	dirs[0] = dir;
	env = tmpl_env_new(dirs, 1, 0);
	sb_init(&out);
	sb_init(&err);
	rc = tmpl_render_string(env, tpath, src, len, ctx, &out, &err);
	if (rc < 0) {
		fputs(err.buf, stderr);
		rc = EXIT_FATAL;
	} else {
		f = open_output(o);
		fwrite(out.buf, 1, out.len, f);
		rc = close_output(o, f) < 0 ? EXIT_FATAL : EXIT_CLEAN;
	}
	tmpl_env_free(env);
	sb_release(&out);
	sb_release(&err);
	free(src);
	free(dir);
	json_decref(ctx);
	return rc;
}

int cmd_gen(struct options *o)
{
	const char *sub;

	if (!o->nargs)
		return usage_error(o, "'gen' needs a subcommand: factory, eventbus, cache-rewrite "
				      "or render");
	sub = o->args[0];
	if (!strcmp(sub, "render"))
		return gen_render(o);
	if (!strcmp(sub, "factory") || !strcmp(sub, "eventbus"))
		return error("'gen %s' is not implemented yet", sub), EXIT_FATAL;
	if (!strcmp(sub, "cache-rewrite"))
		return gen_cache_rewrite(o);
	return usage_error(o, "unknown gen subcommand '%s' (factory, eventbus, cache-rewrite, "
			      "render)", sub);
}
