/*
 * baseline.c - see baseline.h.
 *
 * Cycles (SCCs) of one kind are disjoint, so every node id of a baseline
 * belongs to at most one entry of its kind: comparing is one sorted
 * (kind, id) -> entry table and a lookup per current member, linear in the
 * size of the cycles whatever their number.
 */
#include "baseline.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void baseline_init(struct baseline *b)
{
	memset(b, 0, sizeof(*b));
}

static void entry_release(struct baseline_entry *e)
{
	for (int i = 0; i < e->nnodes; i++)
		free(e->nodes[i]);
	for (int i = 0; i < e->nedges; i++) {
		free(e->from[i]);
		free(e->to[i]);
	}
	free(e->nodes);
	free(e->from);
	free(e->to);
	free(e->kind);
}

void baseline_release(struct baseline *b)
{
	for (int i = 0; i < b->n; i++)
		entry_release(&b->entries[i]);
	free(b->entries);
	baseline_init(b);
}

void baseline_fingerprint(const char *const *nodes, int nnodes, char out[17])
{
	const char **sorted = xcalloc((size_t)nnodes + 1, sizeof(*sorted));
	struct strbuf sb = STRBUF_INIT;
	memcpy(sorted, nodes, (size_t)nnodes * sizeof(*sorted));
	qsort(sorted, (size_t)nnodes, sizeof(*sorted), cmp_strp);
	sb_init(&sb);
	for (int i = 0; i < nnodes; i++) {
		if (i && !strcmp(sorted[i], sorted[i - 1]))
			continue;
		sb_adds(&sb, sorted[i]);
		sb_addc(&sb, '\n');
	}
	snprintf(out, 17, "%016llx", (unsigned long long)hash64(sb.buf, sb.len));
	sb_release(&sb);
	free(sorted);
}

struct pair {
	const char *from, *to;
};

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	int d = strcmp(x->from, y->from);
	return d ? d : strcmp(x->to, y->to);
}

struct baseline_entry *baseline_add(struct baseline *b, const char *kind, const char *const *nodes,
				    int nnodes, const char *const *from, const char *const *to,
				    int nedges)
{
	struct baseline_entry *e;
	const char **ns = xcalloc((size_t)nnodes + 1, sizeof(*ns));
	struct pair *ps = xcalloc((size_t)nedges + 1, sizeof(*ps));
	int k;

	ALLOC_GROW(b->entries, b->n + 1, b->alloc);
	e = &b->entries[b->n++];
	memset(e, 0, sizeof(*e));
	e->kind = xstrdup(kind);

	memcpy(ns, nodes, (size_t)nnodes * sizeof(*ns));
	qsort(ns, (size_t)nnodes, sizeof(*ns), cmp_strp);
	e->nodes = xcalloc((size_t)nnodes + 1, sizeof(*e->nodes));
	for (int i = k = 0; i < nnodes; i++)
		if (!k || strcmp(ns[i], e->nodes[k - 1]))
			e->nodes[k++] = xstrdup(ns[i]);
	e->nnodes = k;

	for (int i = 0; i < nedges; i++) {
		ps[i].from = from[i];
		ps[i].to = to[i];
	}
	qsort(ps, (size_t)nedges, sizeof(*ps), cmp_pair);
	e->from = xcalloc((size_t)nedges + 1, sizeof(*e->from));
	e->to = xcalloc((size_t)nedges + 1, sizeof(*e->to));
	for (int i = k = 0; i < nedges; i++) {
		if (k && !strcmp(ps[i].from, e->from[k - 1]) && !strcmp(ps[i].to, e->to[k - 1]))
			continue;
		e->from[k] = xstrdup(ps[i].from);
		e->to[k] = xstrdup(ps[i].to);
		k++;
	}
	e->nedges = k;
	baseline_fingerprint((const char *const *)e->nodes, e->nnodes, e->fingerprint);
	free(ns);
	free(ps);
	return e;
}

struct baseline_entry *baseline_add_scc(struct baseline *b, const char *kind, const struct graph *g,
					const unsigned char *mask, const struct scc *scc)
{
	unsigned char *in = xcalloc((size_t)g->nnodes + 1, 1);
	const char **ids = xcalloc((size_t)scc->n + 1, sizeof(*ids));
	const char **from = NULL, **to = NULL;
	int n = 0, alloc_from = 0, alloc_to = 0;
	struct baseline_entry *e;

	for (int i = 0; i < scc->n; i++) {
		in[scc->nodes[i]] = 1;
		ids[i] = g->nodes[scc->nodes[i]].id;
	}
	for (int i = 0; i < g->nedges; i++) {
		const struct gedge *ge = &g->edges[i];
		if ((mask && !mask[i]) || !in[ge->from] || !in[ge->to])
			continue;
		ALLOC_GROW(from, n + 1, alloc_from);
		ALLOC_GROW(to, n + 1, alloc_to);
		from[n] = g->nodes[ge->from].id;
		to[n] = g->nodes[ge->to].id;
		n++;
	}
	e = baseline_add(b, kind, ids, scc->n, from, to, n);
	free(in);
	free(ids);
	free(from);
	free(to);
	return e;
}

/* ---- the file ---- */

static void put_id(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p <= ' ' || *p == ',' || *p == '>' || *p == '%' || *p == 0x7f) {
			sb_addc(sb, '%');
			sb_addc(sb, hex[*p >> 4]);
			sb_addc(sb, hex[*p & 15]);
		} else {
			sb_addc(sb, (char)*p);
		}
	}
}

static void put_entry(struct strbuf *sb, const struct baseline_entry *e)
{
	sb_addf(sb, "%s ", e->fingerprint);
	put_id(sb, e->kind);
	sb_addc(sb, ' ');
	for (int i = 0; i < e->nnodes; i++) {
		if (i)
			sb_addc(sb, ',');
		put_id(sb, e->nodes[i]);
	}
	sb_addc(sb, ' ');
	if (!e->nedges)
		sb_addc(sb, '-');
	for (int i = 0; i < e->nedges; i++) {
		if (i)
			sb_addc(sb, ',');
		put_id(sb, e->from[i]);
		sb_addc(sb, '>');
		put_id(sb, e->to[i]);
	}
	sb_addc(sb, '\n');
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int baseline_write(const struct baseline *b, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char **lines = xcalloc((size_t)b->n + 1, sizeof(*lines));
	int rc = 0;

	/* Sorted by kind then members: a cycle keeps its place as it changes. */
	for (int i = 0; i < b->n; i++) {
		struct strbuf l = STRBUF_INIT, key = STRBUF_INIT;
		sb_init(&l);
		sb_init(&key);
		put_entry(&l, &b->entries[i]);
		put_id(&key, b->entries[i].kind);
		sb_addc(&key, ' ');
		sb_adds(&key, strchr(strchr(l.buf, ' ') + 1, ' ') + 1);
		sb_addc(&key, '\t');
		sb_adds(&key, l.buf);
		lines[i] = sb_detach(&key, NULL);
		sb_release(&l);
	}
	qsort(lines, (size_t)b->n, sizeof(*lines), cmp_line);
	sb_init(&sb);
	sb_adds(&sb, "# unravel cycle baseline: one cycle (strongly connected component) per line:\n"
		     "# fingerprint kind nodes edges. `unravel cycles --baseline FILE` fails only on\n"
		     "# cycles not covered here; rerun with --write-baseline FILE to shrink it.\n");
	for (int i = 0; i < b->n; i++) {
		sb_adds(&sb, strchr(lines[i], '\t') + 1);
		free(lines[i]);
	}
	free(lines);
	if (write_file_atomic(path, sb.buf, sb.len) < 0)
		rc = error("cannot write '%s': %s", path, strerror(errno));
	sb_release(&sb);
	return rc;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Unescape s[0..n) into a new string; NULL when an escape is malformed or the id is empty. */
static char *get_id(const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	sb_init(&sb);
	for (size_t i = 0; i < n; i++) {
		int hi, lo;
		if (s[i] != '%') {
			sb_addc(&sb, s[i]);
			continue;
		}
		/* %00 is malformed too: an id is a C string, a NUL would cut it short */
		if (i + 2 >= n || (hi = hexval(s[i + 1])) < 0 || (lo = hexval(s[i + 2])) < 0 ||
		    !(hi | lo)) {
			sb_release(&sb);
			return NULL;
		}
		sb_addc(&sb, (char)(hi * 16 + lo));
		i += 2;
	}
	if (!sb.len) {
		sb_release(&sb);
		return NULL;
	}
	return sb_detach(&sb, NULL);
}

struct idlist {
	char **v;
	int n, alloc;
};

static void idlist_release(struct idlist *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Append the unescaped id s[0..n) to l; -1 when malformed. */
static int idlist_add(struct idlist *l, const char *s, size_t n)
{
	char *id = get_id(s, n);
	if (!id)
		return -1;
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = id;
	return 0;
}

/* One line "fp kind nodes edges" into b; -1 when malformed. */
static int parse_line(struct baseline *b, const char *line, int lineno)
{
	const char *f[4];
	size_t len[4];
	const char *p = line;
	char *kind = NULL;
	struct idlist nodes = {0}, from = {0}, to = {0};
	int rc = -1;

	for (int i = 0; i < 4; i++) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return -1;
		f[i] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		len[i] = (size_t)(p - f[i]);
	}
	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	if (*p || len[0] != 16 || !(kind = get_id(f[1], len[1])))
		goto out;
	/* Split on the raw separators first, then unescape each id. */
	for (size_t i = 0, start = 0; i <= len[2]; i++) {
		if (i < len[2] && f[2][i] != ',')
			continue;
		if (idlist_add(&nodes, f[2] + start, i - start) < 0)
			goto out;
		start = i + 1;
	}
	if (!(len[3] == 1 && f[3][0] == '-'))
		for (size_t i = 0, start = 0; i <= len[3]; i++) {
			const char *e = f[3] + start, *gt;
			if (i < len[3] && f[3][i] != ',')
				continue;
			gt = memchr(e, '>', i - start);
			if (!gt || idlist_add(&from, e, (size_t)(gt - e)) < 0 ||
			    idlist_add(&to, gt + 1, (size_t)(f[3] + i - gt - 1)) < 0)
				goto out;
			start = i + 1;
		}
	if (from.n != to.n)
		goto out;
	baseline_add(b, kind, (const char *const *)nodes.v, nodes.n, (const char *const *)from.v,
		     (const char *const *)to.v, from.n)->line = lineno;
	rc = 0;
out:
	free(kind);
	idlist_release(&nodes);
	idlist_release(&from);
	idlist_release(&to);
	return rc;
}

int baseline_read(struct baseline *b, const char *path)
{
	char *buf, *line, *next;
	size_t len;
	int lineno = 0;

	if (read_file(path, 0, &buf, &len) < 0)
		return error("cannot read baseline '%s': %s", path, strerror(errno));
	for (line = buf; line && *line; line = next) {
		const char *p;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		for (p = line; *p == ' ' || *p == '\t' || *p == '\r'; p++)
			;
		if (!*p || *p == '#')
			continue;
		if (parse_line(b, p, lineno) < 0) {
			fprintf(stderr, "%s:%d: error: malformed baseline line (expected: fingerprint kind "
					"nodes edges)\n", path, lineno);
			free(buf);
			return -1;
		}
	}
	free(buf);
	return 0;
}

/* ---- comparing ---- */

const char *baseline_state_name(enum baseline_state s)
{
	switch (s) {
	case BASELINE_UNCHANGED: return "unchanged";
	case BASELINE_WITHIN: return "within";
	case BASELINE_NEW: return "new";
	case BASELINE_GROWN: return "grown";
	case BASELINE_NEW_EDGE: return "new-edge";
	}
	return "new";
}

int baseline_state_fails(enum baseline_state s)
{
	return s == BASELINE_NEW || s == BASELINE_GROWN || s == BASELINE_NEW_EDGE;
}

int baseline_has_node(const struct baseline_entry *e, const char *id)
{
	int lo = 0, hi = e->nnodes;
	while (lo < hi) {
		int mid = (lo + hi) / 2, d = strcmp(e->nodes[mid], id);
		if (!d)
			return 1;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int baseline_has_edge(const struct baseline_entry *e, const char *from, const char *to)
{
	int lo = 0, hi = e->nedges;
	while (lo < hi) {
		int mid = (lo + hi) / 2, d = strcmp(e->from[mid], from);
		if (!d)
			d = strcmp(e->to[mid], to);
		if (!d)
			return 1;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

struct owner {
	const char *kind, *id;
	int entry;
};

static int cmp_owner(const void *a, const void *b)
{
	const struct owner *x = a, *y = b;
	int d = strcmp(x->kind, y->kind);
	return d ? d : strcmp(x->id, y->id);
}

static int owner_of(const struct owner *o, size_t n, const char *kind, const char *id)
{
	struct owner key = {kind, id, 0};
	const struct owner *hit = n ? bsearch(&key, o, n, sizeof(*o), cmp_owner) : NULL;
	return hit ? hit->entry : -1;
}

static int same_entry(const struct baseline_entry *a, const struct baseline_entry *b)
{
	if (a->nnodes != b->nnodes || a->nedges != b->nedges)
		return 0;
	for (int i = 0; i < a->nnodes; i++)
		if (strcmp(a->nodes[i], b->nodes[i]))
			return 0;
	for (int i = 0; i < a->nedges; i++)
		if (strcmp(a->from[i], b->from[i]) || strcmp(a->to[i], b->to[i]))
			return 0;
	return 1;
}

void baseline_compare(const struct baseline *old, const struct baseline *cur,
		      struct baseline_diff *d)
{
	struct owner *own = NULL;
	size_t nown = 0, alloc_own = 0;
	unsigned char *touched = xcalloc((size_t)old->n + 1, 1);
	unsigned char *exact = xcalloc((size_t)old->n + 1, 1);

	memset(d, 0, sizeof(*d));
	d->state = xcalloc((size_t)cur->n + 1, sizeof(*d->state));
	d->match = xcalloc((size_t)cur->n + 1, sizeof(*d->match));
	d->gone = xcalloc((size_t)old->n + 1, sizeof(*d->gone));
	d->stale = xcalloc((size_t)old->n + 1, sizeof(*d->stale));

	for (int i = 0; i < old->n; i++)
		for (int k = 0; k < old->entries[i].nnodes; k++) {
			ALLOC_GROW(own, nown + 1, alloc_own);
			own[nown].kind = old->entries[i].kind;
			own[nown].id = old->entries[i].nodes[k];
			own[nown].entry = i;
			nown++;
		}
	if (nown)
		qsort(own, nown, sizeof(*own), cmp_owner);

	for (int c = 0; c < cur->n; c++) {
		const struct baseline_entry *e = &cur->entries[c];
		int owner0 = e->nnodes ? owner_of(own, nown, e->kind, e->nodes[0]) : -1;
		int all_same = 1, any = owner0 >= 0;
		d->match[c] = -1;
		if (owner0 >= 0)
			touched[owner0] = 1;
		for (int k = 1; k < e->nnodes; k++) {
			int o = owner_of(own, nown, e->kind, e->nodes[k]);
			if (o >= 0) {
				any = 1;
				touched[o] = 1;
				if (d->match[c] < 0 && owner0 < 0)
					d->match[c] = o;
			}
			if (o != owner0)
				all_same = 0;
		}
		if (owner0 >= 0)
			d->match[c] = owner0;
		if (!any) {
			d->state[c] = BASELINE_NEW;
		} else if (!all_same) {
			/* Members outside the entry it overlaps, or spread over several. */
			d->state[c] = BASELINE_GROWN;
		} else {
			const struct baseline_entry *b = &old->entries[owner0];
			int edges_in = 1;
			for (int k = 0; k < e->nedges && edges_in; k++)
				edges_in = baseline_has_edge(b, e->from[k], e->to[k]);
			if (!edges_in) {
				d->state[c] = BASELINE_NEW_EDGE;
			} else if (same_entry(e, b)) {
				d->state[c] = BASELINE_UNCHANGED;
				exact[owner0] = 1;
			} else {
				d->state[c] = BASELINE_WITHIN;
			}
		}
		if (baseline_state_fails(d->state[c]))
			d->nfail++;
	}
	for (int i = 0; i < old->n; i++) {
		if (!touched[i])
			d->gone[d->ngone++] = i;
		if (!exact[i])
			d->stale[d->nstale++] = i;
	}
	free(own);
	free(touched);
	free(exact);
}

void baseline_diff_release(struct baseline_diff *d)
{
	free(d->state);
	free(d->match);
	free(d->gone);
	free(d->stale);
	memset(d, 0, sizeof(*d));
}
