/*
 * patch.c - unified diffs with git headers, and the all-or-nothing apply.
 *
 * The diff is Myers' greedy O(ND) algorithm over lines (after trimming the
 * common prefix and suffix, which is nearly everything for a rewrite that
 * touches a few call sites), with the V vector of every round kept for the
 * backtrack: (D+1)^2 ints. Changes too large for that fall back to one
 * replace-everything-in-the-middle edit, which is still a correct patch.
 */
#include "patch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------- SHA-1 (FIPS 180-4), only for git blob ids ---------- */

struct sha1 {
	uint32_t h[5];
	uint64_t len;
	unsigned char buf[64];
	size_t nbuf;
};

static uint32_t rol(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static void sha1_block(struct sha1 *c, const unsigned char *p)
{
	uint32_t w[80], a, b, d, e, f, k, t, cc;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3], e = c->h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20)
			f = (b & cc) | (~b & d), k = 0x5A827999;
		else if (i < 40)
			f = b ^ cc ^ d, k = 0x6ED9EBA1;
		else if (i < 60)
			f = (b & cc) | (b & d) | (cc & d), k = 0x8F1BBCDC;
		else
			f = b ^ cc ^ d, k = 0xCA62C1D6;
		t = rol(a, 5) + f + e + k + w[i];
		e = d, d = cc, cc = rol(b, 30), b = a, a = t;
	}
	c->h[0] += a, c->h[1] += b, c->h[2] += cc, c->h[3] += d, c->h[4] += e;
}

static void sha1_init(struct sha1 *c)
{
	static const uint32_t h0[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
	memcpy(c->h, h0, sizeof(h0));
	c->len = 0;
	c->nbuf = 0;
}

static void sha1_update(struct sha1 *c, const void *data, size_t n)
{
	const unsigned char *p = data;
	c->len += n;
	while (n) {
		size_t take = 64 - c->nbuf;
		if (take > n)
			take = n;
		memcpy(c->buf + c->nbuf, p, take);
		c->nbuf += take, p += take, n -= take;
		if (c->nbuf == 64) {
			sha1_block(c, c->buf);
			c->nbuf = 0;
		}
	}
}

static void sha1_final(struct sha1 *c, unsigned char out[20])
{
	uint64_t bits = c->len * 8;
	unsigned char pad = 0x80, zero = 0, lenb[8];
	sha1_update(c, &pad, 1);
	while (c->nbuf != 56)
		sha1_update(c, &zero, 1);
	for (int i = 0; i < 8; i++)
		lenb[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_update(c, lenb, 8);
	for (int i = 0; i < 5; i++) {
		out[4 * i] = (unsigned char)(c->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)c->h[i];
	}
}

void git_blob_id(const void *data, size_t len, char hex[41])
{
	struct sha1 c;
	unsigned char md[20];
	char hdr[32];
	int n = snprintf(hdr, sizeof(hdr), "blob %zu", len);
	sha1_init(&c);
	sha1_update(&c, hdr, (size_t)n + 1); /* with its NUL */
	sha1_update(&c, data, len);
	sha1_final(&c, md);
	for (int i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* ---------- the set ---------- */

void patch_init(struct patch_set *ps, const char *root)
{
	memset(ps, 0, sizeof(*ps));
	ps->root = xstrdup(root && *root ? root : ".");
}

void patch_release(struct patch_set *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->files[i].path);
		free(ps->files[i].old_data);
		free(ps->files[i].new_data);
	}
	free(ps->files);
	free(ps->root);
	memset(ps, 0, sizeof(*ps));
}

static int path_is_safe(const char *p)
{
	const char *s = p;
	if (!*p || *p == '/')
		return 0;
	while (*s) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if ((n == 2 && !memcmp(s, "..", 2)) || n == 0)
			return 0;
		s += n;
		if (*s)
			s++;
	}
	return 1;
}

/*
 * Whether root/rel, with every symbolic link resolved, is still under root:
 * the deepest part of it that exists is resolved (a file to create resolves
 * through its folders). A tree walked with --follow-symlinks reaches files
 * whose path is inside the root but whose bytes are not.
 */
static int resolves_inside(const char *root, const char *rel)
{
	char *rroot = realpath(root, NULL), *p = xstrfmt("%s/%s", root, rel), *real = NULL;
	int inside = 0;
	size_t rootlen = strlen(root);
	if (!rroot) {
		free(p);
		return 0;
	}
	while (!(real = realpath(p, NULL))) {
		struct stat st;
		char *slash = strrchr(p, '/');
		/* there but unresolvable: a dangling link (or a loop) could be created through */
		if (lstat(p, &st) == 0 || !slash || (size_t)(slash - p) < rootlen)
			break;
		*slash = '\0';
	}
	if (real) {
		size_t n = strlen(rroot);
		inside = !strcmp(rroot, "/") ||
			 (!strncmp(real, rroot, n) && (real[n] == '/' || real[n] == '\0'));
	}
	free(real);
	free(rroot);
	free(p);
	return inside;
}

static char *dup_buf(const char *p, size_t n)
{
	char *r;
	if (!p)
		return NULL;
	r = xmalloc(n + 1);
	memcpy(r, p, n);
	r[n] = '\0';
	return r;
}

int patch_add(struct patch_set *ps, const char *path, const char *old, size_t old_len,
	      const char *new, size_t new_len, unsigned mode)
{
	struct patch_file *f;
	const char *p = path;
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	if (!path_is_safe(p))
		return error("refusing to patch '%s': not a path inside the scanned root", path);
	if (!resolves_inside(ps->root, p))
		return error("refusing to patch '%s': a symbolic link leads it outside the scanned root",
			     path);
	if (!old && !new)
		return 0;
	if (old && new && old_len == new_len && !memcmp(old, new, old_len))
		return 0;
	ALLOC_GROW(ps->files, ps->n + 1, ps->alloc);
	f = &ps->files[ps->n++];
	f->path = xstrdup(p);
	f->old_data = dup_buf(old, old_len);
	f->old_len = old ? old_len : 0;
	f->new_data = dup_buf(new, new_len);
	f->new_len = new ? new_len : 0;
	f->mode = (mode & 0111) ? 0755 : 0644;
	return 0;
}

size_t patch_count(const struct patch_set *ps)
{
	return ps->n;
}

/* ---------- line diff ---------- */

struct line {
	const char *p;
	size_t n; /* with its '\n', if any */
	uint64_t h;
};

static struct line *split_lines(const char *s, size_t len, size_t *nlines)
{
	struct line *v = NULL;
	size_t n = 0, alloc = 0, i = 0;
	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - s) + 1 : len;
		ALLOC_GROW(v, n + 1, alloc);
		v[n].p = s + i;
		v[n].n = e - i;
		v[n].h = hash64(s + i, e - i);
		n++;
		i = e;
	}
	*nlines = n;
	/* never NULL: callers do pointer arithmetic on it even when empty (UBSan) */
	return v ? v : xcalloc(1, sizeof(*v));
}

static int line_eq(const struct line *a, const struct line *b)
{
	return a->h == b->h && a->n == b->n && !memcmp(a->p, b->p, a->n);
}

enum { OP_EQ, OP_DEL, OP_INS };
struct op {
	int kind;
	size_t ai, bi; /* line indexes (ai for EQ/DEL, bi for EQ/INS) */
};

struct ops {
	struct op *v;
	size_t n, alloc;
};

static void op_push(struct ops *o, int kind, size_t ai, size_t bi)
{
	ALLOC_GROW(o->v, o->n + 1, o->alloc);
	o->v[o->n].kind = kind;
	o->v[o->n].ai = ai;
	o->v[o->n].bi = bi;
	o->n++;
}

/* Above this edit distance the (D+1)^2 trace is not worth it: replace the middle wholesale. */
#define MAX_EDIT_DISTANCE 4096

/*
 * Myers over a[0..n) and b[0..m) (lines offset by ao/bo in the whole
 * files); appends the edit script in forward order.
 */
static void myers(const struct line *a, size_t n, const struct line *b, size_t m, size_t ao,
		  size_t bo, struct ops *out)
{
	long N = (long)n, M = (long)m, max = N + M, D = -1;
	long lim = max < MAX_EDIT_DISTANCE ? max : MAX_EDIT_DISTANCE;
	long *v, *trace;
	struct ops rev = {NULL, 0, 0};

	if (!n || !m || lim < 0)
		goto wholesale;
	v = xcalloc((size_t)(2 * lim + 3), sizeof(long));
	trace = xmalloc(sizeof(long) * (size_t)((lim + 1) * (lim + 1)));
	v += lim + 1;
	for (long d = 0; d <= lim && D < 0; d++) {
		for (long k = -d; k <= d; k += 2) {
			long x = (k == -d || (k != d && v[k - 1] < v[k + 1])) ? v[k + 1] : v[k - 1] + 1;
			long y = x - k;
			while (x < N && y < M && line_eq(&a[x], &b[y]))
				x++, y++;
			v[k] = x;
			if (x >= N && y >= M)
				D = d;
		}
		memcpy(trace + d * d, v - d, sizeof(long) * (size_t)(2 * d + 1));
	}
	if (D < 0) {
		free(v - lim - 1);
		free(trace);
		goto wholesale;
	}
	{
		long x = N, y = M;
		for (long d = D; d > 0; d--) {
			const long *pv = trace + (d - 1) * (d - 1) + (d - 1); /* index 0 = k 0 */
			long k = x - y, pk, px, py;
			pk = (k == -d || (k != d && pv[k - 1] < pv[k + 1])) ? k + 1 : k - 1;
			px = pv[pk];
			py = px - pk;
			while (x > px && y > py) {
				x--, y--;
				op_push(&rev, OP_EQ, (size_t)x, (size_t)y);
			}
			if (x == px)
				op_push(&rev, OP_INS, 0, (size_t)--y);
			else
				op_push(&rev, OP_DEL, (size_t)--x, 0);
		}
		while (x > 0 && y > 0) {
			x--, y--;
			op_push(&rev, OP_EQ, (size_t)x, (size_t)y);
		}
	}
	for (size_t i = rev.n; i-- > 0;)
		op_push(out, rev.v[i].kind, rev.v[i].ai + ao, rev.v[i].bi + bo);
	free(rev.v);
	free(v - lim - 1);
	free(trace);
	return;
wholesale:
	for (size_t i = 0; i < n; i++)
		op_push(out, OP_DEL, ao + i, 0);
	for (size_t i = 0; i < m; i++)
		op_push(out, OP_INS, 0, bo + i);
}

static void emit_line(struct strbuf *out, char mark, const struct line *l)
{
	sb_addc(out, mark);
	sb_add(out, l->p, l->n);
	if (!l->n || l->p[l->n - 1] != '\n')
		sb_adds(out, "\n\\ No newline at end of file\n");
}

static void range(struct strbuf *out, size_t start0, size_t count)
{
	sb_addf(out, "%zu", count ? start0 + 1 : start0);
	if (count != 1)
		sb_addf(out, ",%zu", count);
}

#define CONTEXT 3

void patch_diff_hunks(const char *as, size_t alen, const char *bs, size_t blen,
		      struct strbuf *out)
{
	size_t na, nb, pre = 0, suf = 0, i = 0;
	struct line *a = split_lines(as, alen, &na), *b = split_lines(bs, blen, &nb);
	struct ops ops = {NULL, 0, 0};

	while (pre < na && pre < nb && line_eq(&a[pre], &b[pre]))
		pre++;
	while (suf < na - pre && suf < nb - pre && line_eq(&a[na - 1 - suf], &b[nb - 1 - suf]))
		suf++;
	for (size_t k = 0; k < pre; k++)
		op_push(&ops, OP_EQ, k, k);
	myers(a + pre, na - pre - suf, b + pre, nb - pre - suf, pre, pre, &ops);
	for (size_t k = 0; k < suf; k++)
		op_push(&ops, OP_EQ, na - suf + k, nb - suf + k);

	/* Hunks: runs of changes joined when at most 2*CONTEXT equal lines separate them. */
	while (i < ops.n) {
		size_t first, last, start, end, j, acnt = 0, bcnt = 0, a0, b0;
		while (i < ops.n && ops.v[i].kind == OP_EQ)
			i++;
		if (i == ops.n)
			break;
		first = last = i;
		for (j = i; j < ops.n; j++) {
			if (ops.v[j].kind != OP_EQ) {
				last = j;
			} else if (j - last > 2 * CONTEXT) {
				break;
			}
		}
		start = first >= CONTEXT ? first - CONTEXT : 0; /* all EQ: first is the run's start */
		end = last + 1 + CONTEXT < ops.n ? last + 1 + CONTEXT : ops.n;
		/* start positions: the first a / b line the hunk covers */
		a0 = b0 = (size_t)-1;
		for (j = start; j < end; j++) {
			if (ops.v[j].kind != OP_INS) {
				if (a0 == (size_t)-1)
					a0 = ops.v[j].ai;
				acnt++;
			}
			if (ops.v[j].kind != OP_DEL) {
				if (b0 == (size_t)-1)
					b0 = ops.v[j].bi;
				bcnt++;
			}
		}
		if (a0 == (size_t)-1) {
			/* pure insertion: position after the a lines before it */
			a0 = 0;
			for (j = start; j-- > 0;)
				if (ops.v[j].kind != OP_INS) {
					a0 = ops.v[j].ai + 1;
					break;
				}
		}
		if (b0 == (size_t)-1) {
			b0 = 0;
			for (j = start; j-- > 0;)
				if (ops.v[j].kind != OP_DEL) {
					b0 = ops.v[j].bi + 1;
					break;
				}
		}
		sb_adds(out, "@@ -");
		range(out, a0, acnt);
		sb_adds(out, " +");
		range(out, b0, bcnt);
		sb_adds(out, " @@\n");
		for (j = start; j < end; j++) {
			const struct op *o = &ops.v[j];
			if (o->kind == OP_EQ)
				emit_line(out, ' ', &a[o->ai]);
			else if (o->kind == OP_DEL)
				emit_line(out, '-', &a[o->ai]);
			else
				emit_line(out, '+', &b[o->bi]);
		}
		i = end;
	}
	free(ops.v);
	free(a);
	free(b);
}

/* ---------- headers ---------- */

/* git's quote_c_style: quote a path with special bytes, else print it bare. */
static void add_path(struct strbuf *out, const char *prefix, const char *path)
{
	const unsigned char *p;
	int quote = 0;
	for (p = (const unsigned char *)path; *p; p++)
		if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
			quote = 1;
	if (!quote) {
		sb_adds(out, prefix);
		sb_adds(out, path);
		return;
	}
	sb_addc(out, '"');
	sb_adds(out, prefix);
	for (p = (const unsigned char *)path; *p; p++) {
		switch (*p) {
		case '"': sb_adds(out, "\\\""); break;
		case '\\': sb_adds(out, "\\\\"); break;
		case '\t': sb_adds(out, "\\t"); break;
		case '\n': sb_adds(out, "\\n"); break;
		default:
			if (*p < 0x20 || *p >= 0x7f)
				sb_addf(out, "\\%03o", *p);
			else
				sb_addc(out, (char)*p);
		}
	}
	sb_addc(out, '"');
}

static int cmp_pf(const void *x, const void *y)
{
	return strcmp(((const struct patch_file *)x)->path, ((const struct patch_file *)y)->path);
}

void patch_write(const struct patch_set *ps, struct strbuf *out)
{
	struct patch_file *v;
	static const char zeros[] = "0000000000000000000000000000000000000000";

	if (!ps->n)
		return;
	v = xmalloc(sizeof(*v) * ps->n);
	memcpy(v, ps->files, sizeof(*v) * ps->n);
	qsort(v, ps->n, sizeof(*v), cmp_pf);
	for (size_t i = 0; i < ps->n; i++) {
		const struct patch_file *f = &v[i];
		char oid[41], nid[41];
		if (f->old_data)
			git_blob_id(f->old_data, f->old_len, oid);
		else
			memcpy(oid, zeros, 41);
		if (f->new_data)
			git_blob_id(f->new_data, f->new_len, nid);
		else
			memcpy(nid, zeros, 41);
		sb_adds(out, "diff --git ");
		add_path(out, "a/", f->path);
		sb_addc(out, ' ');
		add_path(out, "b/", f->path);
		sb_addc(out, '\n');
		if (!f->old_data)
			sb_addf(out, "new file mode 100%o\nindex %s..%s\n", f->mode, oid, nid);
		else if (!f->new_data)
			sb_addf(out, "deleted file mode 100%o\nindex %s..%s\n", f->mode, oid, nid);
		else
			sb_addf(out, "index %s..%s 100%o\n", oid, nid, f->mode);
		/* Creating or deleting an empty file has no hunk: git prints headers only. */
		if ((f->old_data && !f->old_len && !f->new_data) || (!f->old_data && !f->new_len))
			continue;
		/*
		 * git ends a name holding a space with a tab on these lines, so
		 * that `patch` does not cut it at the space.
		 */
		sb_adds(out, "--- ");
		if (f->old_data) {
			add_path(out, "a/", f->path);
			if (strchr(f->path, ' '))
				sb_addc(out, '\t');
		} else {
			sb_adds(out, "/dev/null");
		}
		sb_adds(out, "\n+++ ");
		if (f->new_data) {
			add_path(out, "b/", f->path);
			if (strchr(f->path, ' '))
				sb_addc(out, '\t');
		} else {
			sb_adds(out, "/dev/null");
		}
		sb_addc(out, '\n');
		patch_diff_hunks(f->old_data ? f->old_data : "", f->old_len,
				 f->new_data ? f->new_data : "", f->new_len, out);
	}
	free(v);
}

/* ---------- apply ---------- */

static char *full_path(const struct patch_set *ps, const char *rel)
{
	if (!strcmp(ps->root, "."))
		return xstrdup(rel);
	return xstrfmt("%s/%s", ps->root, rel);
}

/* 0 when the file at fp still holds what f was computed from; else an error (printed). */
static int check_unchanged(const char *fp, const struct patch_file *f)
{
	struct stat st;
	char *cur;
	size_t len;
	int same;

	if (!f->old_data) {
		if (lstat(fp, &st) == 0 || errno != ENOENT)
			return error("'%s' already exists; not applying the patch", fp);
		return 0;
	}
	if (read_file(fp, 0, &cur, &len) < 0)
		return error("cannot read '%s': %s; not applying the patch", fp, strerror(errno));
	same = len == f->old_len && !memcmp(cur, f->old_data, len);
	free(cur);
	if (!same)
		return error("'%s' changed since it was analysed; not applying the patch "
			     "(run the command again)", fp);
	return 0;
}

/* mkdir -p for the parent folders of fp; records the folders it created. */
static int make_parents(const char *fp, char ***made, size_t *nmade, size_t *alloc)
{
	char *dir = xstrdup(fp);
	for (char *s = dir + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(dir, 0777) == 0) {
			ALLOC_GROW(*made, *nmade + 1, *alloc);
			(*made)[(*nmade)++] = xstrdup(dir);
		} else if (errno != EEXIST) {
			error("cannot create folder '%s': %s", dir, strerror(errno));
			free(dir);
			return -1;
		}
		*s = '/';
	}
	free(dir);
	return 0;
}

static int write_temp(const char *fp, const struct patch_file *f, char **tmp_out)
{
	const char *slash = strrchr(fp, '/');
	char *tmp = slash ? xstrfmt("%.*s/.%s.unravel-XXXXXX", (int)(slash - fp), fp, slash + 1)
			  : xstrfmt(".%s.unravel-XXXXXX", fp);
	int fd = mkstemp(tmp);
	const char *p = f->new_data;
	size_t left = f->new_len;
	struct stat st;
	mode_t mode = f->mode;

	if (fd < 0) {
		error("cannot create a temporary file beside '%s': %s", fp, strerror(errno));
		free(tmp);
		return -1;
	}
	if (f->old_data && stat(fp, &st) == 0)
		mode = st.st_mode & 07777;
	else {
		mode_t um = umask(0);
		umask(um);
		mode = (mode_t)(f->mode & ~um);
	}
	if (fchmod(fd, mode) < 0)
		goto fail;
	if (write_in_full(fd, p, left) < 0)
		goto fail;
	if (fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	*tmp_out = tmp;
	return 0;
fail:
	error("cannot write '%s': %s", tmp, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}

/*
 * Out of memory while temporaries exist (util.h set_oom_cleanup): remove
 * them, so an aborted apply leaves no stray file beside its targets. The
 * targets themselves are each whole: renames are atomic.
 */
static char **oom_tmps;
static size_t oom_ntmps;

static void remove_temporaries(void)
{
	for (size_t i = 0; i < oom_ntmps; i++)
		if (oom_tmps[i])
			unlink(oom_tmps[i]);
}

int patch_apply(const struct patch_set *ps)
{
	size_t n = ps->n, done = 0, nmade = 0, amade = 0, i;
	char **fps = xcalloc(n ? n : 1, sizeof(char *));
	char **tmps = xcalloc(n ? n : 1, sizeof(char *));
	char **made = NULL;
	int rc = -1;

	oom_tmps = tmps;
	oom_ntmps = n;
	set_oom_cleanup(remove_temporaries);

	for (i = 0; i < n; i++) {
		fps[i] = full_path(ps, ps->files[i].path);
		/* again: a link may have appeared since the analysis */
		if (!resolves_inside(ps->root, ps->files[i].path)) {
			error("'%s' leads outside the scanned root through a symbolic link; "
			      "not applying the patch", fps[i]);
			goto out;
		}
		if (check_unchanged(fps[i], &ps->files[i]) < 0)
			goto out;
	}
	for (i = 0; i < n; i++) {
		if (!ps->files[i].new_data)
			continue;
		if (make_parents(fps[i], &made, &nmade, &amade) < 0 ||
		    write_temp(fps[i], &ps->files[i], &tmps[i]) < 0)
			goto out;
	}
	/* Check again, as late as possible: the temporaries took time to write. */
	for (i = 0; i < n; i++)
		if (check_unchanged(fps[i], &ps->files[i]) < 0)
			goto out;
	for (done = 0; done < n; done++) {
		const struct patch_file *f = &ps->files[done];
		if (f->new_data) {
			if (rename_file(tmps[done], fps[done]) < 0) {
				error("cannot replace '%s': %s", fps[done], strerror(errno));
				goto rollback;
			}
			free(tmps[done]);
			tmps[done] = NULL;
		}
	}
	/* Deletions last: every rename has succeeded, nothing can fail half-way before this. */
	for (i = 0; i < n; i++)
		if (!ps->files[i].new_data && unlink(fps[i]) < 0)
			error("cannot remove '%s': %s", fps[i], strerror(errno));
	rc = 0;
	goto out;
rollback:
	for (i = 0; i < done; i++) {
		const struct patch_file *f = &ps->files[i];
		if (!f->new_data)
			continue;
		if (f->old_data)
			write_file_atomic(fps[i], f->old_data, f->old_len);
		else
			unlink(fps[i]);
	}
out:
	for (i = 0; i < n; i++) {
		if (tmps[i])
			unlink(tmps[i]);
		free(tmps[i]);
		free(fps[i]);
	}
	if (rc < 0)
		for (i = nmade; i-- > 0;)
			rmdir(made[i]);
	for (i = 0; i < nmade; i++)
		free(made[i]);
	free(made);
	free(fps);
	set_oom_cleanup(NULL);
	oom_tmps = NULL;
	free(tmps);
	return rc;
}
