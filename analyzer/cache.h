/*
 * cache.h - the incremental per-file facts cache (.unravel-cache/).
 *
 * Facts are keyed by path, size, mtime and content hash (plus ctime and
 * inode, which tell that a file was written even when its size and mtime
 * were set back: such a file has its content hash checked); a lookup that
 * misses (or a cache that is corrupt, which is ignored with a warning)
 * makes scan.c read and parse the file. All functions are no-ops when
 * --no-cache is given. cache_lookup() and cache_store() are called from
 * worker threads and are thread-safe.
 *
 * Where: --cache-dir DIR; else `.unravel-cache/` in the first scanned root
 * (the folder of the first PATH, or the folder holding it when it is a
 * file) when a cache is already there, or when that folder is under the
 * current directory and writable (scanning /usr/lib or a neighbour's
 * checkout leaves nothing there); else
 * $XDG_CACHE_HOME/unravel/<hash of the root's real path> (~/.cache when
 * XDG_CACHE_HOME is unset). The folder gets a `.gitignore` of `*` and a
 * CACHEDIR.TAG so it is never committed or backed up.
 *
 * What: one file, facts.bin: a header (magic, format version, a key that
 * changes with the unravel binary and the configuration, the time of the
 * snapshot, a checksum), the records (every array and string of a struct
 * file_facts plus the warnings its parse produced, each with its own
 * checksum), and a sorted index by path. A record is used when the file's
 * size and mtime match; a file modified so close to the snapshot that its
 * mtime cannot tell (git's "racily clean" case) is re-read and its content
 * hash compared. Written to a temp file and renamed, so concurrent runs
 * each leave a valid cache (the last one wins). Only what was seen in this
 * run is written back, and nothing is written when nothing changed.
 *
 * Files of a frontend that has a finish() hook (C: translation units see
 * the whole project) are not cached: their facts are not a function of the
 * file's bytes alone.
 *
 * Ownership rule: cache_lookup() returns a new struct file_facts the caller
 * owns; cache_store() keeps a pointer to ff, which must stay alive (in
 * s->files) until cache_close().
 */
#ifndef UNRAVEL_CACHE_H
#define UNRAVEL_CACHE_H

#include <sys/stat.h>

#include "facts.h"

struct scan;
struct scan_options;

/* Find and map the cache file (never fails: a missing or bad cache is empty). */
void cache_open(struct scan *s);
/*
 * The cached facts of path if its size and mtime match st (and, for a
 * racily clean entry, its content hash), else NULL. The warnings recorded
 * with the facts are emitted again (diag_warn). Counts hits in s->ncached.
 */
struct file_facts *cache_lookup(struct scan *s, const char *path, const struct stat *st);
/* Remember freshly parsed facts (ff->size, mtime_ns, content_hash set) to be written back. */
void cache_store(struct scan *s, const struct file_facts *ff);
/*
 * Write the cache back (atomically) when anything changed, and release it.
 * With -v, prints "unravel: N files read, M from cache" to stderr.
 */
void cache_close(struct scan *s);

/* The cache file a scan with these options uses (for messages and tests). Caller frees. */
char *cache_file_path(const struct scan_options *opt);

/*
 * Mark a cache folder so it is neither committed (.gitignore "*") nor backed
 * up (CACHEDIR.TAG); files that exist are left alone. Failures are ignored.
 */
void cache_mark_dir(const char *dir);

#endif
