/*
 * cmd_hook.c - `unravel hook run | install`: the pre-commit cycle gate.
 *
 * `hook run` is what the `unravel-cycles` pre-commit hook runs: the import
 * and manager cycles of the whole tree (the repository's top level), where
 * only cycles not recorded in `.unravel-baseline` fail when that file
 * exists. The FILES pre-commit may pass only decide whether there is
 * anything to check: a commit touching no source, configuration or
 * baseline file passes at once. The warm cache keeps a run on a project of
 * Django's size to tens of milliseconds.
 *
 * `hook install` writes a plain `.git/hooks/pre-commit` calling `hook run`,
 * for users without the pre-commit framework; it never overwrites a hook it
 * did not write unless --force (the old hook is kept beside it).
 */
#include "cli.h"
#include "../analyzer/frontend.h"
#include "../analyzer/util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BASELINE_FILE ".unravel-baseline"
#define HOOK_MARKER "# installed by `unravel hook install`"

/* First line of `git CMD` run in the current directory, or NULL. Caller frees. */
static char *git_line(const char *args)
{
	char *cmd = xstrfmt("git %s 2>/dev/null", args);
	FILE *p = popen(cmd, "r");
	char buf[PATH_MAX + 16];
	char *out = NULL;
	free(cmd);
	if (!p)
		return NULL;
	if (fgets(buf, sizeof(buf), p)) {
		buf[strcspn(buf, "\r\n")] = '\0';
		if (buf[0])
			out = xstrdup(buf);
	}
	if (pclose(p) != 0) {
		free(out);
		out = NULL;
	}
	return out;
}

/* Whether a changed file can change the answer: a source, the config, the baseline. */
static int relevant(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return frontend_for_path(path) || !strcmp(base, BASELINE_FILE) ||
	       !strcmp(base, ".unravel.ini") || !strcmp(base, "setup.cfg");
}

static int hook_run(struct options *o, const char *const *files, int nfiles)
{
	static const char *dot[] = {"."};
	char *top = git_line("rev-parse --show-toplevel");
	struct stat st;
	int any = !nfiles;

	for (int i = 0; i < nfiles && !any; i++)
		any = relevant(files[i]);
	if (!any) {
		free(top);
		return EXIT_CLEAN;
	}
	/* The whole tree, from its top: paths in messages are relative to it. */
	if (top && chdir(top) < 0) {
		error("cannot enter '%s': %s", top, strerror(errno));
		free(top);
		return EXIT_FATAL;
	}
	free(top);
	o->scan.paths = dot;
	o->scan.npaths = 1;
	config_free(&o->config);
	if (config_load(&o->config, o->config_file, ".") < 0)
		return EXIT_FATAL;
	o->scan.config = &o->config;
	if (!o->kind)
		o->kind = "all";
	if (!o->baseline && stat(BASELINE_FILE, &st) == 0)
		o->baseline = BASELINE_FILE;
	return cmd_cycles(o);
}

/* The hook script: the unravel that installed it, else the one on PATH. */
static char *hook_script(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct strbuf sb = STRBUF_INIT;
	sb_init(&sb);
	sb_adds(&sb, "#!/bin/sh\n" HOOK_MARKER "\n"
		     "# Blocks a commit that adds an import or manager dependency cycle (only cycles\n"
		     "# not in .unravel-baseline fail when it exists). Skip once: git commit --no-verify\n");
	if (n > 0) {
		self[n] = '\0';
		sb_adds(&sb, "unravel='");
		for (const char *p = self; *p; p++)
			sb_adds(&sb, *p == '\'' ? "'\\''" : (char[]){*p, '\0'});
		sb_adds(&sb, "'\n[ -x \"$unravel\" ] || unravel=unravel\n");
	} else {
		sb_adds(&sb, "unravel=unravel\n");
	}
	sb_adds(&sb, "exec \"$unravel\" hook run\n");
	return sb_detach(&sb, NULL);
}

static int hook_install(struct options *o)
{
	char *path = git_line("rev-parse --git-path hooks/pre-commit");
	char *script, *old = NULL;
	size_t oldlen = 0;
	int rc = EXIT_CLEAN;

	if (!path) {
		error("not in a git repository (run `unravel hook install` inside one)");
		return EXIT_FATAL;
	}
	if (read_file(path, 0, &old, &oldlen) == 0 && !strstr(old, HOOK_MARKER)) {
		if (!o->force) {
			error("'%s' exists and was not written by unravel; use --force to replace it "
			      "(it is kept as %s.unravel-backup), or call `unravel hook run` from it",
			      path, path);
			rc = EXIT_FATAL;
			goto out;
		}
		{
			char *backup = xstrfmt("%s.unravel-backup", path);
			if (write_file_atomic(backup, old, oldlen) < 0) {
				error("cannot write '%s': %s", backup, strerror(errno));
				free(backup);
				rc = EXIT_FATAL;
				goto out;
			}
			free(backup);
		}
	}
	{
		/* The hooks folder may not exist (core.hooksPath, a bare init). */
		char *dir = xstrdup(path), *slash = strrchr(dir, '/');
		if (slash) {
			*slash = '\0';
			mkdir(dir, 0777);
		}
		free(dir);
	}
	script = hook_script();
	if (write_file_atomic(path, script, strlen(script)) < 0 || chmod(path, 0755) < 0) {
		error("cannot write '%s': %s", path, strerror(errno));
		rc = EXIT_FATAL;
	} else if (!o->scan.quiet) {
		printf("installed %s (runs `unravel hook run`)\n", path);
	}
	free(script);
out:
	free(old);
	free(path);
	return rc;
}

int cmd_hook(struct options *o)
{
	const char *sub = o->nargs ? o->args[0] : NULL;
	if (!sub)
		return usage_error(o, "hook needs 'run' or 'install'");
	if (!strcmp(sub, "run"))
		return hook_run(o, o->args + 1, o->nargs - 1);
	if (!strcmp(sub, "install")) {
		if (o->nargs > 1)
			return usage_error(o, "hook install takes no arguments");
		return hook_install(o);
	}
	return usage_error(o, "unknown hook command '%s' (expected 'run' or 'install')", sub);
}
