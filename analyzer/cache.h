/*
 * cache.h - the incremental per-file facts cache (.unravel-cache/).
 *
 * Facts are keyed by path, size, mtime and content hash; a lookup that
 * misses (or a cache that is corrupt, which is ignored with a warning)
 * makes scan.c read and parse the file. All functions are no-ops when
 * --no-cache is given. cache_lookup() and cache_store() are called from
 * worker threads and are thread-safe.
 *
 * Ownership rule: cache_lookup() returns a new struct file_facts the caller
 * owns; cache_store() copies what it keeps.
 */
#ifndef UNRAVEL_CACHE_H
#define UNRAVEL_CACHE_H

#include <sys/stat.h>

#include "facts.h"

struct scan;

void cache_open(struct scan *s);
/* The cached facts of path if its size and mtime match st, else NULL. */
struct file_facts *cache_lookup(struct scan *s, const char *path, const struct stat *st);
void cache_store(struct scan *s, const struct file_facts *ff);
/* Write the cache back (atomically) and release it. */
void cache_close(struct scan *s);

#endif
