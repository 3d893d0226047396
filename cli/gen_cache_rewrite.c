/*
 * gen_cache_rewrite.c - `unravel gen cache-rewrite [PATH...] [-o FILE.patch]
 * [--apply] [--dry-run]`: the command side of codegen/cache_rewrite.h.
 *
 * The first PATH is the root: patch paths are relative to it, so the patch
 * applies with `git apply` / `patch -p1` run there. --dry-run prints the
 * audit instead of the patch; --apply writes every file or none.
 *
 * Test hook: UNRAVEL_TEST_BEFORE_APPLY, a shell command run between the
 * analysis and --apply, lets tests/e2e/cache_rewrite_examples.sh change a
 * file in that window and check that nothing is written.
 */
#include "cli.h"
#include "../analyzer/modindex.h"
#include "../analyzer/util.h"
#include "../codegen/cache_rewrite.h"
#include "../codegen/patch.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Template folders: --templates, the source tree beside the binary, the installed ones. */
static int template_dirs(const struct options *o, const char **dirs, char **owned)
{
	int n = 0;
	char exe[PATH_MAX];
	ssize_t len;
	*owned = NULL;
	if (o->templates)
		dirs[n++] = o->templates;
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		char *slash;
		struct stat st;
		exe[len] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			*owned = xstrfmt("%s/../templates", exe);
			if (stat(*owned, &st) == 0 && S_ISDIR(st.st_mode))
				dirs[n++] = *owned;
		}
	}
	dirs[n++] = UNRAVEL_TEMPLATE_DIR;
	return n;
}

static char *root_of(const struct options *o)
{
	struct stat st;
	const char *p = o->scan.paths[0];
	if (stat(p, &st) == 0 && !S_ISDIR(st.st_mode)) {
		const char *slash = strrchr(p, '/');
		return slash ? xstrndup(p, (size_t)(slash - p)) : xstrdup(".");
	}
	return xstrdup(p);
}

int gen_cache_rewrite(struct options *o)
{
	struct scan s;
	struct modindex mi;
	struct patch_set ps;
	struct cache_rewrite_opts opt;
	struct cache_rewrite_stats st;
	struct strbuf audit = STRBUF_INIT, diff = STRBUF_INIT;
	const char *dirs[3];
	char *owned, *root;
	int rc = EXIT_CLEAN;

	if (o->apply && o->dry_run)
		return usage_error(o, "--apply and --dry-run exclude each other");
	if (o->apply && o->output)
		return usage_error(o, "--apply writes the files; -o is for the patch");
	if (o->format && !format_is(o, "text"))
		return usage_error(o, "'gen cache-rewrite' writes a patch; --format is not used");
	memset(&s, 0, sizeof(s));
	if (run_scan(o, &s) < 0) {
		scan_release(&s);
		return EXIT_FATAL;
	}
	modindex_build(&mi, &s);
	root = root_of(o);
	memset(&opt, 0, sizeof(opt));
	memset(&st, 0, sizeof(st));
	opt.cfg = &o->config;
	opt.root = root;
	opt.tmpl_dirs = dirs;
	opt.ntmpl_dirs = template_dirs(o, dirs, &owned);
	patch_init(&ps, root);
	sb_init(&audit);
	sb_init(&diff);
	if (scan_count_lang(&s, LANG_PYTHON) &&
	    cache_rewrite_python(&s, &mi, &opt, &ps, &audit, &st) < 0)
		rc = EXIT_FATAL;
	if (rc == EXIT_CLEAN && scan_count_lang(&s, LANG_C) &&
	    cache_rewrite_c(&s, &opt, &ps, &audit, &st) < 0)
		rc = EXIT_FATAL;
	if (rc != EXIT_CLEAN)
		goto done;
	if (o->dry_run) {
		FILE *f = open_output(o);
		fwrite(audit.buf, 1, audit.len, f);
		fprintf(f, "patch: %zu file%s to change (%d new, %d deleted)\n", patch_count(&ps),
			patch_count(&ps) == 1 ? "" : "s", st.created, st.deleted);
		if (close_output(o, f) < 0)
			rc = EXIT_FATAL;
		goto done;
	}
	if (o->scan.verbose)
		fwrite(audit.buf, 1, audit.len, stderr);
	if (o->apply && (s.nunreadable || st.unreadable)) {
		/* A file left out could still use a legacy cache this patch deletes. */
		size_t n = s.nunreadable + (size_t)st.unreadable;
		error("%zu file%s or folder%s could not be read (see the warnings); "
		      "not applying a partial rewrite", n, n == 1 ? "" : "s", n == 1 ? "" : "s");
		rc = EXIT_FATAL;
		goto done;
	}
	if (o->apply) {
		const char *hook = getenv("UNRAVEL_TEST_BEFORE_APPLY");
		if (hook && *hook && system(hook) != 0)
			error("UNRAVEL_TEST_BEFORE_APPLY failed: %s", hook);
		if (patch_apply(&ps) < 0) {
			rc = EXIT_FATAL;
			goto done;
		}
	} else {
		FILE *f = open_output(o);
		patch_write(&ps, &diff);
		fwrite(diff.buf, 1, diff.len, f);
		if (close_output(o, f) < 0) {
			rc = EXIT_FATAL;
			goto done;
		}
	}
	if (!o->scan.quiet)
		fprintf(stderr,
			"cache-rewrite: %d legacy cache%s, %d construction%s, %d method call%s, "
			"%d reference%s, %d import%s rewritten, %d not rewritten; %zu file%s %s "
			"(%d new, %d deleted)\n",
			st.legacy, st.legacy == 1 ? "" : "s", st.constructions,
			st.constructions == 1 ? "" : "s", st.calls, st.calls == 1 ? "" : "s",
			st.references, st.references == 1 ? "" : "s", st.imports,
			st.imports == 1 ? "" : "s", st.unresolved, patch_count(&ps),
			patch_count(&ps) == 1 ? "" : "s", o->apply ? "written" : "in the patch",
			st.created, st.deleted);
done:
	sb_release(&audit);
	sb_release(&diff);
	patch_release(&ps);
	free(owned);
	free(root);
	modindex_release(&mi);
	scan_release(&s);
	return rc;
}
