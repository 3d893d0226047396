/*
 * fuzz_patch.c - libFuzzer target for the patch writer (codegen/patch.c).
 *
 * Input: one flags byte, a path up to the first '\n', then the old content
 * up to the first NUL byte and the new content after it. Flags bit 0: the
 * file is new (no old content); bit 1: it is deleted (no new content);
 * bit 2: also apply the change in a scratch folder.
 *
 * Checked: patch_add accepts exactly the paths inside the root (never an
 * absolute path or a ".." component); the hunks turn the old content into
 * the new one (fuzz_common.h); the unified diff names only "a/..."/"b/..."
 * paths and /dev/null; patch_apply either writes the new content (or
 * deletes the file) or, when it refuses, leaves the old content whole.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../analyzer/diag.h"
#include "../analyzer/util.h"
#include "../codegen/patch.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *workdir;



/* The rule patch_add must follow, written independently. */
static int inside_root(const char *p)
{
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	if (!*p || *p == '/')
		return 0;
	for (const char *s = p; *s;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 0 || (n == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
		s += n + (e ? 1 : 0);
		if (e && !*s)
			return 0; /* trailing slash: an empty last component */
	}
	return 1;
}

/* An absolute path or one with a ".." component (after leading "./"). */
static int escapes(const char *p)
{
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	if (*p == '/')
		return 1;
	for (const char *s = p; *s;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return 1;
		s += n + (e ? 1 : 0);
	}
	return 0;
}

/* Every path named in the diff's header lines stays inside the root. */
static void check_diff_paths(const struct strbuf *diff)
{
	const char *p = diff->buf, *end = diff->buf + diff->len;
	int in_header = 0; /* between "diff --git" and the first "@@": a removed line "-- x" is no header */
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
		if (n >= 2 && !memcmp(p, "@@", 2))
			in_header = 0;
		if (in_header && n >= 4 && (!memcmp(p, "--- ", 4) || !memcmp(p, "+++ ", 4))) {
			const char *q = p + 4;
			if (*q == '"')
				q++;
			CHECK(!memcmp(q, "a/", 2) || !memcmp(q, "b/", 2) || !memcmp(q, "/dev/null", 9));
			CHECK(memcmp(q + 2, "/", 1) && memcmp(q + 2, "../", 3));
		}
		if (n >= 11 && !memcmp(p, "diff --git ", 11)) {
			const char *q = p + 11;
			in_header = 1;
			if (*q == '"')
				q++;
			CHECK(!memcmp(q, "a/", 2));
		}
		p += n + 1;
		/* skip hunk bodies quickly: only header lines matter here */
	}
}

static char *read_back(const char *path, size_t *len)
{
	char *buf;
	if (read_file(path, 0, &buf, len) < 0)
		return NULL;
	return buf;
}

static void try_apply(const char *path, const char *old, size_t old_len, const char *new,
		      size_t new_len)
{
	struct patch_set ps;
	char *full = xstrfmt("%s/%s", workdir, path);
	char *got;
	size_t got_len;
	int rc;

	rm_tree(workdir);
	if (old) {
		char *slash;
		for (slash = full + strlen(workdir) + 1; (slash = strchr(slash, '/')); slash++) {
			*slash = '\0';
			mkdir(full, 0777);
			*slash = '/';
		}
		if (write_file_atomic(full, old, old_len) < 0) {
			free(full); /* a name the file system refuses: nothing to check */
			return;
		}
	}
	patch_init(&ps, workdir);
	if (patch_add(&ps, path, old, old_len, new, new_len, 0644) < 0)
		BUG("patch_add refused a path it accepted before");
	rc = patch_apply(&ps);
	got = read_back(full, &got_len);
	if (rc == 0 && new) {
		CHECK(got && got_len == new_len && !memcmp(got, new, new_len));
	} else if (rc == 0) {
		CHECK(!got);
	} else if (old) {
		/* refused or failed: the old content is whole */
		CHECK(got && got_len == old_len && !memcmp(got, old, old_len));
	}
	free(got);
	patch_release(&ps);
	free(full);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct patch_set ps;
	struct strbuf diff = STRBUF_INIT;
	const uint8_t *eol, *sep;
	char *path, *old = NULL, *new = NULL;
	size_t old_len = 0, new_len = 0;
	unsigned flags;
	int ok;

	if (size < 2)
		return 0;
	workdir = fuzz_workdir(NULL);
	flags = data[0];
	data++;
	size--;
	eol = memchr(data, '\n', size);
	if (!eol)
		return 0;
	path = xstrndup((const char *)data, (size_t)(eol - data));
	size -= (size_t)(eol + 1 - data);
	data = eol + 1;
	sep = memchr(data, '\0', size);
	if (!(flags & 1)) {
		old_len = sep ? (size_t)(sep - data) : size;
		old = xstrndup((const char *)data, old_len);
	}
	if (!(flags & 2)) {
		const uint8_t *n = sep ? sep + 1 : data + size;
		new_len = (size_t)(data + size - n);
		new = xstrndup((const char *)n, new_len);
	}

	patch_init(&ps, ".");
	ok = patch_add(&ps, path, old, old_len, new, new_len, flags & 8 ? 0755 : 0644) == 0;
	/* Accepted: never absolute, never a ".." component. Refused: not a plain inside path. */
	if (ok)
		CHECK(!escapes(path));
	else
		CHECK(!inside_root(path));
	check_hunks(old ? old : "", old_len, new ? new : "", new_len);
	sb_init(&diff);
	patch_write(&ps, &diff);
	check_diff_paths(&diff);
	if (ok && (old || new))
		CHECK(diff.len > 0 || (old && new && old_len == new_len && !memcmp(old, new, old_len)));
	sb_release(&diff);
	patch_release(&ps);
	if (ok && (flags & 4) && (old || new) && strlen(path) < 200)
		try_apply(path, old, old_len, new, new_len);

	free(path);
	free(old);
	free(new);
	diag_clear();
	return 0;
}
