/*
 * arena.h - bump allocator for strings and small records.
 *
 * Ownership rule: an arena owns everything allocated from it; arena_free()
 * releases it all at once. Nothing from an arena is ever passed to free().
 * An arena is not thread-safe: one arena per file (facts) or per analysis.
 */
#ifndef UNRAVEL_ARENA_H
#define UNRAVEL_ARENA_H

#include <stddef.h>

struct arena;

struct arena *arena_new(void);
/*
 * An arena whose first chunk holds exactly first bytes (rounded up to 16):
 * for records whose size is known in advance (facts loaded from the cache),
 * so each does not take a whole default chunk. Later chunks grow as usual.
 */
struct arena *arena_new_sized(size_t first);
/* Zeroed memory, aligned for any type. Never NULL (dies on OOM). */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strfmt(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Bytes handed out so far (for memory accounting in benchmarks). */
size_t arena_used(const struct arena *a);
void arena_free(struct arena *a);

#endif
