/*
 * patch.h - a set of whole-file changes computed by a generator, written as
 * a git-style unified diff or applied to the tree all at once.
 *
 * The diff is what `git diff` would print for the same change: a
 * `diff --git a/P b/P` header, `new file mode` / `deleted file mode` lines,
 * `index OLD..NEW MODE` with real git blob ids (SHA-1 of
 * "blob <len>\0<content>", so `git apply -3` can fall back to a three-way
 * merge), `--- a/P` / `+++ b/P` (or /dev/null), and hunks with three lines of
 * context computed by Myers' O(ND) line diff. Paths are relative to the
 * patch root ('/'-separated, never absolute, never `..`), so the patch
 * applies with `git apply` or `patch -p1` run from that root.
 *
 * patch_apply() is all or nothing: every target is checked to still hold
 * the bytes the change was computed from, every new content is written to
 * a temporary file beside its target, and only then are the temporaries
 * renamed over the targets; on any failure the files already replaced are
 * restored and the temporaries removed.
 *
 * Ownership rule: a struct patch_set owns copies of every path and buffer
 * given to it; patch_release() frees them.
 */
#ifndef UNRAVEL_PATCH_H
#define UNRAVEL_PATCH_H

#include <stddef.h>

#include "../analyzer/util.h"

struct patch_file {
	char *path;      /* relative to the root */
	char *old_data;  /* content at analysis time; NULL: the file is new */
	size_t old_len;
	char *new_data;  /* content after the change; NULL: the file is deleted */
	size_t new_len;
	unsigned mode;   /* 0644 or 0755 (the old file's executable bit) */
};

struct patch_set {
	char *root; /* folder the paths are relative to (as given, may be relative to cwd) */
	struct patch_file *files;
	size_t n, alloc;
};

void patch_init(struct patch_set *ps, const char *root);
void patch_release(struct patch_set *ps);

/*
 * Record a change of path (relative to the root): old is the content read
 * at analysis time (NULL for a file to create), new the content wanted
 * (NULL to delete the file). mode is the old file's st_mode (0 for new
 * files). A change whose old and new contents are equal is dropped. Both
 * buffers are copied. Returns 0, or -1 after an error message when path is
 * absolute or climbs out of the root with "..".
 */
int patch_add(struct patch_set *ps, const char *path, const char *old, size_t old_len,
	      const char *new, size_t new_len, unsigned mode);

/* Number of files that actually change. */
size_t patch_count(const struct patch_set *ps);

/* Append the unified diff of every change, sorted by path, to out (nothing for no change). */
void patch_write(const struct patch_set *ps, struct strbuf *out);

/*
 * Apply every change under the root, all or nothing. Refuses (returns -1,
 * nothing written) when a target no longer holds its analysed content, or
 * a file to create already exists; the message names the file. Returns 0
 * when every file was written.
 */
int patch_apply(const struct patch_set *ps);

/* Git blob id of data: lowercase hex SHA-1 of "blob <len>\0" data, into hex[41]. */
void git_blob_id(const void *data, size_t len, char hex[41]);

/*
 * Unified diff of two buffers as hunks only (no headers), 3 lines of
 * context, appended to out. Exposed for the unit tests.
 */
void patch_diff_hunks(const char *a, size_t alen, const char *b, size_t blen, struct strbuf *out);

#endif
