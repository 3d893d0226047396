/*
 * fuzz_project.c - libFuzzer target for module-name resolution and what is
 * built on it: an input is a small Python project, written to a scratch
 * folder and put through the real pipeline: scan_run (walk, read, Python
 * frontend), modindex (roots, root inference, relative imports), the import
 * graph and its cycle report, the manager graph, verify, and the cache-call
 * rewriter with its patch (every patch path inside the root, every hunk
 * applying back to the new content).
 *
 * Input format: sections "### PATH\n" followed by the file's content; text
 * before the first header is the file "pkg/__init__.py". PATH is made safe
 * (only [A-Za-z0-9_.-/], no "." or ".." components, at most 6 deep, ".py"
 * appended unless it ends in ".py"/".pyi"/".ini"); ".unravel.ini" at the top
 * is the configuration (so [cache-rewrite] settings are fuzzed too). At most
 * 24 files.
 *
 * fuzz/seeds-project.sh turns the golden folders of tests/golden/imports,
 * managers and cache-rewrite into seeds of that format.
 */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../analyzer/config.h"
#include "../analyzer/cycles.h"
#include "../analyzer/diag.h"
#include "../analyzer/graph.h"
#include "../analyzer/importgraph.h"
#include "../analyzer/managers.h"
#include "../analyzer/modindex.h"
#include "../analyzer/scan.h"
#include "../analyzer/util.h"
#include "../analyzer/verify.h"
#include "../codegen/cache_rewrite.h"
#include "../codegen/patch.h"
#include "fuzz_common.h"

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FILES 24

static const char *workdir;



static int ends_with_any(const char *s)
{
	return ends_with(s, ".py") || ends_with(s, ".pyi") || ends_with(s, ".ini");
}

/* The safe relative path for a header's PATH, or NULL. */
static char *safe_path(const char *p, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	int depth = 0;
	size_t i = 0;
	sb_init(&sb);
	while (i < n && depth < 6) {
		size_t start, len;
		while (i < n && p[i] == '/')
			i++;
		start = i;
		while (i < n && p[i] != '/')
			i++;
		len = i - start;
		if (!len || (len == 1 && p[start] == '.') ||
		    (len == 2 && p[start] == '.' && p[start + 1] == '.'))
			continue;
		if (len > 40)
			len = 40;
		if (sb.len)
			sb_addc(&sb, '/');
		for (size_t k = 0; k < len; k++) {
			char c = p[start + k];
			int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				 (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
			sb_addc(&sb, ok ? c : '_');
		}
		depth++;
	}
	if (!sb.len || sb.buf[0] == '.' ) {
		/* hidden names are skipped by the scan: keep only the config */
		if (strcmp(sb.buf, ".unravel.ini")) {
			sb_release(&sb);
			return NULL;
		}
	}
	if (!ends_with_any(sb.buf))
		sb_adds(&sb, ".py");
	return sb_detach(&sb, NULL);
}

static int write_project_file(const char *rel, const uint8_t *data, size_t len)
{
	char *full = xstrfmt("%s/%s", workdir, rel);
	FILE *f;
	for (char *s = full + strlen(workdir) + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(full, 0777) < 0 && errno != EEXIST) {
			free(full);
			return -1;
		}
		*s = '/';
	}
	f = fopen(full, "wb");
	if (!f) {
		free(full);
		return -1; /* a folder of the same name, say */
	}
	fwrite(data, 1, len, f);
	fclose(f);
	free(full);
	return 0;
}

static void write_project(const uint8_t *data, size_t size)
{
	static const char hdr[] = "### ";
	const uint8_t *p = data, *end = data + size;
	char *path = xstrdup("pkg/__init__.py");
	int nfiles = 0;

	if (size >= 4 && !memcmp(data, hdr, 4)) {
		free(path);
		path = NULL; /* no text before the first header */
	}
	/* A header right at p (the input's start, or after an empty body) is found below. */
	while (p <= end && nfiles < MAX_FILES) {
		const uint8_t *next, *body_end;
		/* The next header at the start of a line (or of the input). */
		if ((size_t)(end - p) >= 4 && !memcmp(p, hdr, 4) && (p == data || p[-1] == '\n'))
			next = p; /* an empty body */
		else if ((next = memmem(p, (size_t)(end - p), "\n### ", 5)))
			next++;
		body_end = next ? next : end;
		if (path) {
			write_project_file(path, p, (size_t)(body_end - p));
			nfiles++;
		}
		free(path);
		path = NULL;
		if (!next)
			break;
		{
			const uint8_t *name = next + sizeof(hdr) - 1;
			const uint8_t *eol = memchr(name, '\n', (size_t)(end - name));
			if (!eol)
				eol = end;
			path = safe_path((const char *)name, (size_t)(eol - name));
			p = eol < end ? eol + 1 : end;
			/* an unusable name (NULL): its body is dropped */
		}
		if (p == end && !path)
			break;
	}
	free(path);
}

static void check_patch(const struct patch_set *ps)
{
	struct strbuf diff = STRBUF_INIT;
	for (size_t i = 0; i < ps->n; i++) {
		const struct patch_file *f = &ps->files[i];
		CHECK(f->path[0] && f->path[0] != '/');
		CHECK(strcmp(f->path, "..") && !starts_with(f->path, "../") &&
		      !strstr(f->path, "/../") && !ends_with(f->path, "/.."));
		check_hunks(f->old_data ? f->old_data : "", f->old_len,
			    f->new_data ? f->new_data : "", f->new_len);
	}
	sb_init(&diff);
	patch_write(ps, &diff);
	sb_release(&diff);
}

static void check_graph_cycles(const struct graph *g, const unsigned char *mask)
{
	struct cycle_report r;
	cycles_analyze(&r, g, "imports", mask, NULL);
	for (int i = 0; i < r.n; i++) {
		const struct cycle_scc *c = &r.items[i];
		json_t *j;
		CHECK(c->ncycle > 0);
		for (int k = 0; k < c->ncycle; k++) {
			const struct gedge *e = &g->edges[c->cycle[k]];
			const struct gedge *nx = &g->edges[c->cycle[(k + 1) % c->ncycle]];
			CHECK(e->to == nx->from);
		}
		j = cycles_scc_json(&r, i);
		json_decref(j);
	}
	cycles_release(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *paths[1];
	static const char *dirs[] = {FUZZ_SRCDIR "/templates"};
	struct scan_options opt;
	struct config cfg;
	struct scan s;
	struct modindex mi;
	struct graph *g;
	unsigned char *mask;

	workdir = fuzz_workdir(NULL);
	rm_tree(workdir);
	write_project(data, size);

	memset(&cfg, 0, sizeof(cfg));
	if (config_load(&cfg, NULL, workdir) < 0) {
		config_free(&cfg);
		diag_clear();
		return 0;
	}
	memset(&opt, 0, sizeof(opt));
	paths[0] = workdir;
	opt.paths = paths;
	opt.npaths = 1;
	opt.no_cache = 1;
	opt.jobs = 1;
	opt.max_file_size = 1 << 20;
	opt.config = &cfg;
	opt.quiet = 1;
	if (scan_run(&s, &opt) == 0) {
		struct manager_graph mg;
		struct verify_result vr;
		modindex_build(&mi, &s);
		for (size_t i = 0; i < s.nfiles; i++) {
			const struct file_facts *ff = s.files[i];
			for (size_t k = 0; k < ff->nimports; k++) {
				int status = -1;
				const char *m = modindex_resolve(&mi, i, &ff->imports[k], &status);
				CHECK(status >= 0 && status <= 2);
				/*
				 * status 2 may still name the deepest module that
				 * exists; status 0 without a module is a namespace
				 * package (a folder without __init__.py).
				 */
				if (m)
					CHECK(modindex_exists(&mi, m) && modindex_file(&mi, m) >= 0);
			}
		}
		g = import_graph_build(&s, &mi, 0);
		mask = import_cycle_mask(g, 0, 0);
		check_graph_cycles(g, mask);
		free(mask);
		graph_free(g);
		if (managers_build(&mg, &s, &mi, &cfg) == 0)
			managers_release(&mg);
		verify_run(&vr, &s, &mi, &cfg);
		verify_release(&vr); /* also after a failure, as cmd_verify does */
		{
			struct cache_rewrite_opts cro;
			struct cache_rewrite_stats st;
			struct patch_set ps;
			struct strbuf audit = STRBUF_INIT;
			memset(&cro, 0, sizeof(cro));
			memset(&st, 0, sizeof(st));
			cro.cfg = &cfg;
			cro.root = workdir;
			cro.tmpl_dirs = dirs;
			cro.ntmpl_dirs = 1;
			patch_init(&ps, workdir);
			sb_init(&audit);
			if (cache_rewrite_python(&s, &mi, &cro, &ps, &audit, &st) == 0)
				check_patch(&ps);
			sb_release(&audit);
			patch_release(&ps);
		}
		modindex_release(&mi);
	}
	scan_release(&s);
	config_free(&cfg);
	diag_clear();
	return 0;
}
