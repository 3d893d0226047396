/* util.c - see util.h. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <xxhash.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Fault hooks (util.h): the operation number that fails, 0 for never. */
static long fail_alloc_at, fail_write_at, fail_read_at, fail_rename_at;
static int short_read, count_allocs; /* count_allocs: an atomic add per allocation only when asked */
static atomic_long alloc_count, write_count, read_count, rename_count;
static void (*oom_cleanup)(void);

static long env_long(const char *name)
{
	const char *s = getenv(name);
	return s ? strtol(s, NULL, 10) : 0;
}

static void print_fault_stats(void)
{
	fprintf(stderr, "unravel: fault counts: allocations=%ld writes=%ld reads=%ld renames=%ld\n",
		atomic_load(&alloc_count), atomic_load(&write_count), atomic_load(&read_count),
		atomic_load(&rename_count));
}

static void *json_alloc(size_t n)
{
	return xmalloc(n);
}

void fault_init(void)
{
	fail_alloc_at = env_long("UNRAVEL_FAIL_ALLOC");
	fail_write_at = env_long("UNRAVEL_FAIL_WRITE");
	fail_read_at = env_long("UNRAVEL_FAIL_READ");
	fail_rename_at = env_long("UNRAVEL_FAIL_RENAME");
	short_read = env_long("UNRAVEL_SHORT_READ") != 0;
	if (env_long("UNRAVEL_FAULT_STATS")) {
		count_allocs = 1;
		atexit(print_fault_stats);
	}
	count_allocs |= fail_alloc_at != 0;
	/*
	 * jansson returns NULL on a failed allocation, and a NULL json_t
	 * quietly drops what it was meant to hold: out of memory there is
	 * fatal like everywhere else (and counted by UNRAVEL_FAIL_ALLOC).
	 */
	json_set_alloc_funcs(json_alloc, free);
}

void set_oom_cleanup(void (*fn)(void))
{
	oom_cleanup = fn;
}

static void oom(void)
{
	static const char msg[] = "unravel: fatal: out of memory\n";
	if (oom_cleanup)
		oom_cleanup();
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing more we can do */
	}
	_exit(EXIT_FATAL);
}

static void *checked(void *p)
{
	if (count_allocs && atomic_fetch_add(&alloc_count, 1) + 1 == fail_alloc_at) {
		free(p);
		p = NULL;
	}
	if (!p)
		oom();
	return p;
}

void *xmalloc(size_t n)
{
	return checked(malloc(n ? n : 1));
}

void *xcalloc(size_t n, size_t size)
{
	return checked(calloc(n ? n : 1, size ? size : 1));
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return checked(q);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrfmt(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	return sb_detach(&sb, NULL);
}

int error(const char *fmt, ...)
{
	va_list ap;
	fputs("unravel: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

void die(const char *fmt, ...)
{
	va_list ap;
	fputs("unravel: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_FATAL);
}

void bug_fl(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "unravel: BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void sb_init(struct strbuf *sb)
{
	sb->buf = xmalloc(16);
	sb->alloc = 16;
	sb->len = 0;
	sb->buf[0] = '\0';
}

void sb_grow(struct strbuf *sb, size_t extra)
{
	if (!sb->buf)
		sb_init(sb);
	if (sb->len + extra + 1 > sb->alloc) {
		size_t n = sb->alloc * 2;
		if (n < sb->len + extra + 1)
			n = sb->len + extra + 1;
		sb->buf = xrealloc(sb->buf, n);
		sb->alloc = n;
	}
}

void sb_adds(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}


void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	sb_grow(sb, 64);
	va_copy(cp, ap);
	n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		BUG("vsnprintf failed");
	if ((size_t)n >= sb->alloc - sb->len) {
		sb_grow(sb, (size_t)n);
		vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
	}
	sb->len += (size_t)n;
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(sb, fmt, ap);
	va_end(ap);
}

void sb_reset(struct strbuf *sb)
{
	if (!sb->buf)
		sb_init(sb);
	sb->len = 0;
	sb->buf[0] = '\0';
}

char *sb_detach(struct strbuf *sb, size_t *len)
{
	char *p;
	if (!sb->buf)
		sb_init(sb);
	p = sb->buf;
	if (len)
		*len = sb->len;
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
	return p;
}

void sb_release(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
}

/*
 * The bytes of fd (size: what fstat or stat said, -1 if nothing) into *out,
 * *len; closes fd. into, when not NULL, is the buffer (size + 2 bytes): a
 * file that no longer fits fails with EAGAIN.
 */
static int read_fd(int fd, size_t max_size, long long size, char *into, char **out, size_t *len)
{
	char *buf;
	/* the size, the end-of-file read (one spare byte: no regrowth) and the NUL */
	size_t got = 0, cap = (size_t)(size > 0 ? size : 0) + 2;

	buf = into ? into : xmalloc(cap);
	for (;;) {
		ssize_t r;
		size_t want;
		if (got + 1 >= cap) {
			if (into) {
				errno = EAGAIN;
				goto fail;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		want = cap - got - 1;
		{
			long nth = atomic_fetch_add(&read_count, 1) + 1;
			if (short_read && want > (size_t)(1 + nth % 7))
				want = (size_t)(1 + nth % 7);
			if (nth == fail_read_at) {
				errno = EIO;
				r = -1;
			} else {
				r = read(fd, buf + got, want);
			}
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (max_size && got > max_size) {
			errno = EFBIG;
			goto fail;
		}
		if ((size_t)r < want && size >= 0 && got == (size_t)size)
			break; /* the size stat gave, and a short read: the end */
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
fail: {
	int e = errno;
	if (!into)
		free(buf);
	close(fd);
	errno = e;
	return -1;
}
}

int read_file(const char *path, size_t max_size, char **out, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	if (max_size && (size_t)st.st_size > max_size) {
		errno = EFBIG;
		goto fail;
	}
	return read_fd(fd, max_size, S_ISREG(st.st_mode) ? (long long)st.st_size : -1, NULL, out, len);
fail: {
	int e = errno;
	close(fd);
	errno = e;
	return -1;
}
}

int read_file_sized(const char *path, size_t max_size, size_t size, char *into, char **out,
		    size_t *len)
{
	int fd;
	if (max_size && size > max_size) {
		errno = EFBIG;
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	return read_fd(fd, max_size, (long long)size, into, out, len);
}

const struct source_lines *source_lines_get(struct source_lines *src, const char *path)
{
	size_t len, alloc = 0;
	if (src->tried)
		return src->buf ? src : NULL;
	src->tried = 1;
	if (read_file(path, 0, &src->buf, &len) < 0) {
		src->buf = NULL;
		return NULL;
	}
	ALLOC_GROW(src->lines, 1, alloc);
	src->lines[src->nlines++] = 0;
	for (const char *p = src->buf, *end = src->buf + len;
	     (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++) {
		ALLOC_GROW(src->lines, src->nlines + 1, alloc);
		src->lines[src->nlines++] = (size_t)(p - src->buf) + 1;
	}
	return src;
}

void source_lines_release(struct source_lines *src)
{
	free(src->buf);
	free(src->lines);
	memset(src, 0, sizeof(*src));
}

int write_file_atomic(const char *path, const void *data, size_t len)
{
	char *tmp = xstrfmt("%s.unravel-tmp.%ld", path, (long)getpid());
	const char *p = data;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	struct stat st;
	if (fd < 0) {
		free(tmp);
		return -1;
	}
	if (stat(path, &st) == 0 && fchmod(fd, st.st_mode & 07777) < 0)
		goto fail;
	if (write_in_full(fd, p, len) < 0)
		goto fail;
	if (fsync(fd) < 0) {
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename_file(tmp, path) < 0) {
		fd = -1;
		goto fail;
	}
	free(tmp);
	return 0;
fail: {
	int e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	errno = e;
	return -1;
}
}

int mkdir_p(const char *dir)
{
	char *p = xstrdup(dir);
	for (char *q = p + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*q = '/';
	}
	free(p);
	return mkdir(dir, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

void sb_add_exe_identity(struct strbuf *sb)
{
	struct stat st;
	if (stat("/proc/self/exe", &st) == 0)
		sb_addf(sb, "exe %llu %lld.%09ld %llu\n", (unsigned long long)st.st_size,
			(long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (unsigned long long)st.st_ino);
}

int write_in_full(int fd, const void *data, size_t len)
{
	const char *p = data;
	if (atomic_fetch_add(&write_count, 1) + 1 == fail_write_at) {
		/* A disk that fills up half-way: part of the data lands first. */
		ssize_t w = len > 1 ? write(fd, p, len / 2) : 0;
		(void)w;
		errno = ENOSPC;
		return -1;
	}
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int rename_file(const char *from, const char *to)
{
	if (atomic_fetch_add(&rename_count, 1) + 1 == fail_rename_at) {
		errno = EIO;
		return -1;
	}
	return rename(from, to);
}

/* Length of the UTF-8 sequence at s[0..n) if valid, else 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

size_t utf8_valid_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		size_t k;
		if (p[i] < 0x80) {
			/* ASCII, sixteen or eight bytes at a time: most source is */
			uint64_t w;
			i++;
#ifdef __SSE2__
			for (; i + 16 <= n; i += 16)
				if (_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + i))))
					break;
#endif
			for (; i + 8 <= n; i += 8) {
				memcpy(&w, p + i, 8);
				if (w & 0x8080808080808080ull)
					break;
			}
			continue;
		}
		if (!(k = utf8_seq(p + i, n - i)))
			return i;
		i += k;
	}
	return n;
}

char *utf8_lossy(const char *s, size_t n, size_t *outlen)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i = 0;
	sb_init(&sb);
	while (i < n) {
		size_t ok = utf8_valid_len(s + i, n - i);
		sb_add(&sb, s + i, ok);
		i += ok;
		if (i < n) {
			sb_add(&sb, "\xef\xbf\xbd", 3); /* U+FFFD */
			i++;
		}
	}
	return sb_detach(&sb, outlen);
}

int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

uint64_t hash64(const void *data, size_t len)
{
	return XXH3_64bits(data, len);
}

int online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}
