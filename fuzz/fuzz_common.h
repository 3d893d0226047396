/*
 * fuzz_common.h - shared by the fuzz targets (header-only, static inline):
 * CHECK(), scratch folders removed at exit, and check_hunks(), an
 * independent applier of the hunks patch_diff_hunks() writes, which must
 * turn the old content into the new one byte for byte (missing final
 * newlines, "\\ No newline at end of file", empty sides included).
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../analyzer/util.h"
#include "../codegen/patch.h"

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x))                                                      \
			BUG("check failed: %s", #x);                           \
	} while (0)

/*
 * The input as the text of one source file: a NUL-terminated copy, and the
 * number of lines it can have (1 + every '\n' or '\r'), or NULL when it
 * holds a NUL byte (the scan skips such files before any frontend sees them).
 */
static inline char *fuzz_source(const uint8_t *data, size_t size, uint32_t *lines)
{
	char *src;
	if (memchr(data, '\0', size))
		return NULL;
	src = xmalloc(size + 1);
	memcpy(src, data, size);
	src[size] = '\0';
	*lines = 1;
	for (size_t i = 0; i < size; i++)
		*lines += src[i] == '\n' || src[i] == '\r';
	return src;
}

/* Remove everything inside dir (not dir itself). */
static inline void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d))) {
		char *p;
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		p = xstrfmt("%s/%s", dir, de->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			rm_tree(p);
			rmdir(p);
		} else {
			unlink(p);
		}
		free(p);
	}
	closedir(d);
}

static char fuzz_workdir_[64];

static inline void fuzz_workdir_cleanup_(void)
{
	rm_tree(fuzz_workdir_);
	rmdir(fuzz_workdir_);
}

/*
 * A scratch folder in the current directory, created on the first call
 * ("fuzzwork-" name + random suffix unless fixed) and removed with its
 * content at exit.
 */
static inline const char *fuzz_workdir(const char *fixed)
{
	if (!fuzz_workdir_[0]) {
		if (fixed) {
			snprintf(fuzz_workdir_, sizeof(fuzz_workdir_), "%s", fixed);
			rm_tree(fuzz_workdir_);
			if (mkdir(fuzz_workdir_, 0777) < 0 && errno != EEXIST)
				BUG("mkdir %s: %s", fixed, strerror(errno));
		} else {
			strcpy(fuzz_workdir_, "fuzzwork-XXXXXX");
			if (!mkdtemp(fuzz_workdir_))
				BUG("mkdtemp: %s", strerror(errno));
		}
		atexit(fuzz_workdir_cleanup_);
	}
	return fuzz_workdir_;
}

/* Apply hunks (as patch_diff_hunks writes them) to old; the result must be new. */
static inline void check_hunks(const char *old, size_t old_len, const char *new, size_t new_len)
{
	struct strbuf diff = STRBUF_INIT, out = STRBUF_INIT;
	const char *d, *dend, *o = old, *oend = old + old_len;
	long oline = 0; /* old lines consumed */

	sb_init(&diff);
	sb_init(&out);
	patch_diff_hunks(old, old_len, new, new_len, &diff);
	d = diff.buf;
	dend = diff.buf + diff.len;
	while (d < dend) {
		const char *eol = memchr(d, '\n', (size_t)(dend - d));
		size_t n = eol ? (size_t)(eol - d) + 1 : (size_t)(dend - d);
		int nonl = d + n < dend && d[n] == '\\';
		size_t clen = n - 1 - (nonl && eol ? 1 : 0);
		if (d[0] == '@') {
			char *q;
			long a, b = 1, before;
			CHECK(n > 4 && !memcmp(d, "@@ -", 4));
			a = strtol(d + 4, &q, 10);
			if (*q == ',')
				b = strtol(q + 1, NULL, 10);
			before = b == 0 ? a : a - 1;
			CHECK(before >= oline);
			while (oline < before) {
				const char *e = memchr(o, '\n', (size_t)(oend - o));
				const char *to = e ? e + 1 : oend;
				CHECK(o < oend);
				sb_add(&out, o, (size_t)(to - o));
				o = to;
				oline++;
			}
		} else if (d[0] == ' ' || d[0] == '-') {
			CHECK((size_t)(oend - o) >= clen && !memcmp(o, d + 1, clen));
			if (d[0] == ' ')
				sb_add(&out, d + 1, clen);
			o += clen;
			oline++;
		} else if (d[0] == '+') {
			sb_add(&out, d + 1, clen);
		} else {
			CHECK(d[0] == '\\');
		}
		d += n;
	}
	sb_add(&out, o, (size_t)(oend - o));
	if (out.len != new_len || memcmp(out.buf, new, new_len))
		BUG("hunks do not turn old into new:\n%s", diff.buf);
	sb_release(&diff);
	sb_release(&out);
}

#endif
