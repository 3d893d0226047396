/*
 * util.h - allocation, strings, error reporting, file reading.
 *
 * Ownership rule: every function returning a pointer returns memory the
 * caller owns and frees with free(), unless its comment says otherwise.
 * Allocation failure is not an error the caller handles: x*alloc() print
 * "unravel: fatal: out of memory" and exit 2.
 */
#ifndef UNRAVEL_UTIL_H
#define UNRAVEL_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define UNRAVEL_VERSION "0.1.0"

/* Exit codes of every command (SPEC.md "Exit status"). */
enum { EXIT_CLEAN = 0, EXIT_FOUND = 1, EXIT_FATAL = 2 };

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh string. */
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Grow array x (of *x elements) so that index nr-1 is valid; alloc is the
 * current capacity and is updated. Doubling, as in git's ALLOC_GROW.
 */
#define ALLOC_GROW(x, nr, alloc)                                               \
	do {                                                                   \
		if ((size_t)(nr) > (size_t)(alloc)) {                          \
			size_t ag_new_ = (size_t)(alloc) * 2 + 16;             \
			if (ag_new_ < (size_t)(nr))                            \
				ag_new_ = (size_t)(nr);                        \
			(x) = xrealloc((x), ag_new_ * sizeof(*(x)));           \
			(alloc) = ag_new_;                                     \
		}                                                              \
	} while (0)

/* Print "unravel: error: ..." to stderr; returns -1 so callers can `return error(...)`. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "unravel: error: ..." and exit 2: for what the user must fix. */
__attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...);
/* A broken invariant: print file:line and abort. */
#define BUG(...) bug_fl(__FILE__, __LINE__, __VA_ARGS__)
__attribute__((noreturn, format(printf, 3, 4))) void bug_fl(const char *file, int line,
							      const char *fmt, ...);

/* Growable NUL-terminated byte buffer (git's strbuf). buf is never NULL after init. */
struct strbuf {
	char *buf;
	size_t len, alloc;
};
#define STRBUF_INIT {NULL, 0, 0}
void sb_init(struct strbuf *sb);
void sb_grow(struct strbuf *sb, size_t extra);
void sb_adds(struct strbuf *sb, const char *s);

/* Inline: reports append hundreds of thousands of short pieces. */
static inline void sb_add(struct strbuf *sb, const void *data, size_t n)
{
	if (!sb->buf || sb->len + n + 1 > sb->alloc)
		sb_grow(sb, n);
	__builtin_memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

static inline void sb_addc(struct strbuf *sb, char c)
{
	if (!sb->buf || sb->len + 2 > sb->alloc)
		sb_grow(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void sb_reset(struct strbuf *sb);
/* Hand the buffer to the caller (who frees it) and reset sb. */
char *sb_detach(struct strbuf *sb, size_t *len);
void sb_release(struct strbuf *sb);

/*
 * Read a whole file into a NUL-terminated buffer (*out, *len).
 * Returns 0, or -1 with errno set (the file is not read); files larger than
 * max_size (0 = no limit) fail with errno = EFBIG.
 */
int read_file(const char *path, size_t max_size, char **out, size_t *len);

/*
 * read_file() of a file whose size a stat() just gave: no fstat(), and no
 * second read(2) to see the end when the first returns that size and no
 * more (a file that changed size since is still read whole). into, when
 * not NULL, is the buffer to read into (size + 2 bytes); a file grown
 * past it fails with EAGAIN.
 */
int read_file_sized(const char *path, size_t max_size, size_t size, char *into, char **out,
		    size_t *len);

/*
 * A file's bytes and the offsets of its line starts, read on first use
 * (the reports show source lines again; the facts keep only hashes). Zero
 * it to start; source_lines_get() reads path the first time and returns
 * NULL, now and later, when it cannot be read. Release with
 * source_lines_release().
 */
struct source_lines {
	char *buf;
	size_t *lines; /* offsets of line starts */
	size_t nlines;
	int tried;
};
const struct source_lines *source_lines_get(struct source_lines *src, const char *path);
void source_lines_release(struct source_lines *src);

/* Create dir and its missing parents (mode 0777 & umask). 0, or -1 with errno. */
int mkdir_p(const char *dir);

/*
 * Append a line identifying the running unravel binary (size, mtime, inode
 * of /proc/self/exe) to sb: cache keys include it so a rebuild invalidates them.
 */
void sb_add_exe_identity(struct strbuf *sb);

/* Write data to path atomically: temp file in the same folder, fsync, rename. 0 or -1 (errno). */
int write_file_atomic(const char *path, const void *data, size_t len);

/*
 * write(2) all of data[0..len) to fd, going on after short writes and EINTR.
 * 0, or -1 with errno set (ENOSPC, EIO, ...). Every file unravel writes
 * with file descriptors goes through it (the UNRAVEL_FAIL_WRITE hook).
 */
int write_in_full(int fd, const void *data, size_t len);

/* rename(2) with the UNRAVEL_FAIL_RENAME hook. 0 or -1 (errno). */
int rename_file(const char *from, const char *to);

/*
 * Length of the longest prefix of s[0..n) that is valid UTF-8 (n when all
 * of it is): no overlong forms, no surrogates, nothing above U+10FFFF, the
 * rules jansson applies to every JSON string.
 */
size_t utf8_valid_len(const char *s, size_t n);
/*
 * s[0..n) as valid UTF-8: each byte of an invalid sequence replaced with
 * U+FFFD. A new NUL-terminated string (*outlen gets its length, may be NULL).
 */
char *utf8_lossy(const char *s, size_t n, size_t *outlen);

int starts_with(const char *s, const char *prefix);
int ends_with(const char *s, const char *suffix);
/* strcmp usable with qsort over arrays of char*. */
int cmp_strp(const void *a, const void *b);

/*
 * Bits set in x. The x86-64 baseline has no POPCNT instruction, and
 * __builtin_popcountll() is then a call into libgcc.
 */
static inline int popcount64(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555ull;
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (int)((x * 0x0101010101010101ull) >> 56);
}

/* 64-bit content hash (xxhash XXH3). */
uint64_t hash64(const void *data, size_t len);

/* Number of online CPUs (at least 1). */
int online_cpus(void);

/*
 * Fault injection (tests only; see tests/e2e/faults.sh), SQLite's habit.
 * Environment variables, read once at start-up by fault_init():
 *   UNRAVEL_FAIL_ALLOC=N   the Nth allocation (x*alloc, and jansson's, which
 *                          fault_init routes through xmalloc) fails: out of memory
 *   UNRAVEL_FAIL_WRITE=N   the Nth write_in_full() writes half its data, then
 *                          fails with ENOSPC
 *   UNRAVEL_FAIL_READ=N    the Nth read(2) of read_file() fails with EIO
 *   UNRAVEL_FAIL_RENAME=N  the Nth rename_file() fails with EIO
 *   UNRAVEL_SHORT_READ=1   every read(2) of read_file() asks for 1 to 7 bytes
 *   UNRAVEL_FAULT_STATS=1  print "unravel: fault counts: allocations=N writes=N
 *                          reads=N renames=N" to stderr at exit (to size a sweep)
 * Counting is process-wide and thread-safe; sweeps use --jobs 1 so the Nth
 * operation is the same one in every run.
 */
void fault_init(void);

/*
 * A function oom() calls just before the process exits on an allocation
 * failure (one at a time; NULL clears it): patch_apply() removes its
 * temporary files with it. It must not allocate.
 */
void set_oom_cleanup(void (*fn)(void));

#endif
