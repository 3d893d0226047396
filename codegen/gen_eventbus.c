/*
 * gen_eventbus.c - `unravel gen eventbus`: an event bus and one adapter
 * pair per cut manager edge, written into -o DIR (default: the current
 * folder): event_bus.py (Python), or ev_bus.h/.c and ev_adapters.h/.c (C; the
 * ev_ prefix keeps clear of a project's own event_bus).
 */
#include "context.h"
#include "generator.h"
#include "../analyzer/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *const langs[] = {"python", "c", NULL};

static const char *const python_files[] = {"event_bus.py", NULL};
static const char *const c_files[] = {"ev_bus.h", "ev_bus.c", "ev_adapters.h",
				      "ev_adapters.c", NULL};

static int run(const struct gen_request *rq)
{
	int status = EXIT_CLEAN, rc = 0;
	const char *dir = rq->output ? rq->output : ".";
	const char *const *files = !strcmp(rq->lang, "c") ? c_files : python_files;
	json_t *ctx = eventbus_context(rq, &status);
	struct stat st;

	if (!ctx)
		return status;
	if (rq->dump_context) {
		char *s = json_dumps(ctx, JSON_INDENT(2) | JSON_SORT_KEYS);
		rc = gen_write(NULL, s, strlen(s));
		if (!rc)
			rc = gen_write(NULL, "\n", 1);
		free(s);
		json_decref(ctx);
		return rc ? EXIT_FATAL : EXIT_CLEAN;
	}
	if (stat(dir, &st) < 0 && mkdir(dir, 0777) < 0) {
		json_decref(ctx);
		return error("cannot create '%s': %s", dir, strerror(errno)), EXIT_FATAL;
	}
	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		json_decref(ctx);
		return error("'%s' is not a folder ('gen eventbus -o' takes a DIR)", dir), EXIT_FATAL;
	}
	for (const char *const *f = files; *f && !rc; f++) {
		char *tmpl = xstrfmt("%s.mustache", *f), *path = xstrfmt("%s/%s", dir, *f), *out;
		size_t len;
		rc = gen_render(rq, tmpl, ctx, &out, &len);
		if (!rc) {
			rc = gen_write(path, out, len);
			free(out);
		}
		free(tmpl);
		free(path);
	}
	json_decref(ctx);
	return rc ? EXIT_FATAL : EXIT_CLEAN;
}

const struct generator gen_eventbus = {
	.name = "eventbus",
	.langs = langs,
	.default_output = ".",
	.run = run,
};
