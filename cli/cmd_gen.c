/*
 * cmd_gen.c - `unravel gen SUBCOMMAND`: the generators of codegen/ (one
 * struct generator each, listed in generators[]), plus `gen render`, which
 * renders one template with a JSON context so users can try their own
 * templates on the output of `--dump-context`.
 */
#include "cli.h"
#include "../analyzer/managers.h"
#include "../analyzer/modindex.h"
#include "../analyzer/util.h"
#include "../codegen/cache_rewrite.h"
#include "../codegen/generator.h"
#include "../codegen/template.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef UNRAVEL_TEMPLATE_DIR
#define UNRAVEL_TEMPLATE_DIR "/usr/local/share/unravel/templates"
#endif

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * The built-in templates: templates/ of the source tree the binary was built
 * in (build/unravel -> build/../templates), else the installed copy.
 */
static char *builtin_templates(const char *argv0)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0 && argv0 && strchr(argv0, '/') && strlen(argv0) < sizeof(exe)) {
		strcpy(exe, argv0);
		n = (ssize_t)strlen(exe);
	}
	if (n > 0) {
		char *slash, *dir;
		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			dir = xstrfmt("%s/../templates", exe);
			if (is_dir(dir))
				return dir;
			free(dir);
		}
	}
	return xstrdup(UNRAVEL_TEMPLATE_DIR);
}

static void add_quoted(struct strbuf *sb, const char *arg)
{
	int plain = *arg != 0;
	for (const char *p = arg; *p && plain; p++)
		plain = strchr("@%+=:,./-_", *p) || (*p >= 'a' && *p <= 'z') ||
			(*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');
	if (plain) {
		sb_adds(sb, arg);
		return;
	}
	sb_addc(sb, '\'');
	for (const char *p = arg; *p; p++)
		sb_adds(sb, *p == '\'' ? "'\\''" : (char[]){*p, 0});
	sb_addc(sb, '\'');
}

/* "unravel gen factory . --lang python": the command line as run (from /proc), for headers. */
static char *command_line(const struct options *o)
{
	struct strbuf sb = STRBUF_INIT;
	char *buf = NULL;
	size_t len = 0;

	sb_init(&sb);
	sb_adds(&sb, "unravel");
	if (read_file("/proc/self/cmdline", 0, &buf, &len) == 0 && len) {
		size_t i = strlen(buf) + 1; /* skip argv[0] */
		while (i < len) {
			sb_addc(&sb, ' ');
			add_quoted(&sb, buf + i);
			i += strlen(buf + i) + 1;
		}
	} else {
		sb_addf(&sb, " gen");
		for (int i = 0; i < o->nargs; i++) {
			sb_addc(&sb, ' ');
			add_quoted(&sb, o->args[i]);
		}
	}
	free(buf);
	return sb_detach(&sb, NULL);
}

static int run_generator(struct options *o, const struct generator *gen)
{
	struct scan s;
	struct modindex mi;
	struct manager_graph mg;
	struct gen_request rq;
	const char *dirs[3];
	char *user_lang = NULL, *builtin = NULL, *builtin_lang = NULL, *cmd = NULL;
	int nd = 0, rc, ok = 0;

	for (const char *const *l = gen->langs; *l && o->lang; l++)
		ok |= !strcmp(*l, o->lang);
	if (!o->lang)
		return usage_error(o, "'gen %s' needs --lang python|c", gen->name);
	if (!ok)
		return usage_error(o, "--lang must be python or c, not '%s'", o->lang);
	if (o->templates && !is_dir(o->templates))
		return error("--templates '%s' is not a folder", o->templates), EXIT_FATAL;

	memset(&s, 0, sizeof(s));
	memset(&mi, 0, sizeof(mi));
	memset(&mg, 0, sizeof(mg));
	if (run_scan(o, &s) < 0)
		return EXIT_FATAL;
	modindex_build(&mi, &s);
	if (managers_build(&mg, &s, &mi, &o->config) < 0) {
		modindex_release(&mi);
		scan_release(&s);
		return EXIT_FATAL;
	}
	if (o->templates) {
		user_lang = xstrfmt("%s/%s", o->templates, o->lang);
		dirs[nd++] = user_lang;
		dirs[nd++] = o->templates;
	}
	builtin = builtin_templates(o->argv0);
	builtin_lang = xstrfmt("%s/%s", builtin, o->lang);
	dirs[nd++] = builtin_lang;
	cmd = command_line(o);

	memset(&rq, 0, sizeof(rq));
	rq.lang = o->lang;
	rq.output = o->output;
	rq.break_cycles = o->break_cycles;
	rq.dump_context = o->dump_context;
	rq.template_dirs = dirs;
	rq.ntemplate_dirs = nd;
	rq.command_line = cmd;
	rq.cfg = &o->config;
	rq.scan = &s;
	rq.mg = &mg;
	rc = gen->run(&rq);

	free(cmd);
	free(builtin_lang);
	free(builtin);
	free(user_lang);
	managers_release(&mg);
	modindex_release(&mi);
	scan_release(&s);
	return rc;
}

/*
 * gen render TEMPLATE [CONTEXT.json]: partials are looked up beside
 * TEMPLATE; CONTEXT defaults to an empty object ("-" reads stdin). Missing
 * names render empty, as the Mustache spec says.
 */
static int render_template(struct options *o)
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
		return render_template(o);
	if (generator_find(sub))
		return run_generator(o, generator_find(sub));
	if (!strcmp(sub, "cache-rewrite"))
		return gen_cache_rewrite(o);
	return usage_error(o, "unknown gen subcommand '%s' (factory, eventbus, cache-rewrite, "
			      "render)", sub);
}
