/*
 * cache.c - see cache.h.
 *
 * The file is mapped read-only and never modified in place: a run that has
 * something new writes a whole new file next to it and renames it over the
 * old one, so a reader always sees either the old or the new file, whole.
 * Records found valid in this run are copied byte for byte from the old
 * mapping; only new facts are serialized. Every record carries its own
 * checksum and is verified when it is used, so a corrupt record costs one
 * re-parse, not the whole cache; a bad header or index drops the cache.
 *
 * Numbers are stored in host byte order (the cache is a local file); the
 * header records the byte order and a format version, and a mismatch is
 * an empty cache, not an error.
 */
#include "cache.h"
#include "config.h"
#include "diag.h"
#include "frontend.h"
#include "scan.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define CACHE_MAGIC "UNRAVELC"
#define CACHE_FORMAT 3u
#define CACHE_ENDIAN 0x01020304u
#define CACHE_FILE "facts.bin"
#define STR_NONE 0xffffffffu
/*
 * A file whose mtime is this close to (or after) the snapshot may have been
 * modified again within the same timestamp tick (file times come from a
 * coarse clock, a few ms): its content hash is checked before use.
 */
#define RACY_NS (50ull * 1000 * 1000)

_Static_assert(sizeof(struct fact_token) == 12, "tokens are stored raw, 12 bytes each");

struct disk_header {
	char magic[8];
	uint32_t format, endian;
	uint64_t key;         /* binary + configuration identity */
	uint64_t snapshot_ns; /* wall time when the run that wrote it started */
	uint64_t nentries;
	uint64_t index_off, index_len; /* entries then path bytes */
	uint64_t index_hash;
	uint64_t header_hash; /* of every byte above */
};

struct disk_entry {
	uint64_t size, mtime_ns, content_hash;
	uint64_t ctime_ns, ino; /* changed by any write, and cannot be set back (git's stat data) */
	uint64_t rec_off, rec_hash;
	uint64_t tok_off, tok_hash; /* the tokens, in their own region: loaded only when wanted */
	uint32_t rec_len, path_off, path_len, lang;
	uint32_t ntokens, pad;
};

struct cache {
	char *dir, *file;
	uint64_t key, snapshot_ns;
	/* the old file, mapped */
	const unsigned char *map;
	size_t map_len;
	const struct disk_header *hdr;
	const struct disk_entry *entries;
	const char *paths;
	size_t nentries;
	unsigned char *hit;   /* per old entry: 1 = used this run (written by one thread each) */
	uint64_t *new_ctime, *new_ino; /* per old entry: the stat data seen this run */
	atomic_size_t nhits, nracy;
	atomic_int warned;
	int bad;              /* the old file was unusable: rewrite */
	/* new facts to write */
	pthread_mutex_t lock;
	const struct file_facts **pending;
	size_t npending, alloc_pending;
};

/* ---- location and identity ---- */

static char *root_of(const struct scan_options *opt)
{
	struct stat st;
	const char *p = opt->npaths ? opt->paths[0] : ".";
	if (stat(p, &st) == 0 && !S_ISDIR(st.st_mode)) {
		const char *slash = strrchr(p, '/');
		if (!slash)
			return xstrdup(".");
		return slash == p ? xstrdup("/") : xstrndup(p, (size_t)(slash - p));
	}
	return xstrdup(p);
}

static char *cache_dir_for(const struct scan_options *opt)
{
	char *root, *dir, *real;
	const char *xdg, *home;
	char *base;

	if (opt->cache_dir)
		return xstrdup(opt->cache_dir);
	root = root_of(opt);
	dir = xstrfmt("%s/.unravel-cache", root);
	{
		/*
		 * In the tree only for the user's own project (under the current
		 * directory) or where a cache already is: scanning /usr/lib or a
		 * neighbour's checkout must not leave files there.
		 */
		char *disp = path_display(root);
		int inside = disp[0] != '/' && strcmp(disp, "..") && !starts_with(disp, "../");
		free(disp);
		if (access(dir, W_OK) == 0 ||
		    (inside && access(dir, F_OK) < 0 && access(root, W_OK) == 0)) {
			free(root);
			return dir;
		}
	}
	free(dir);
	/* Outside the working directory or read-only: a per-user cache keyed by the root's real path. */
	real = realpath(root, NULL);
	xdg = getenv("XDG_CACHE_HOME");
	home = getenv("HOME");
	if (xdg && *xdg)
		base = xstrfmt("%s/unravel", xdg);
	else if (home && *home)
		base = xstrfmt("%s/.cache/unravel", home);
	else
		base = xstrdup("/tmp/unravel-cache");
	dir = xstrfmt("%s/%016llx", base,
		      (unsigned long long)hash64(real ? real : root, strlen(real ? real : root)));
	free(base);
	free(real);
	free(root);
	return dir;
}

char *cache_file_path(const struct scan_options *opt)
{
	char *dir = cache_dir_for(opt);
	char *file = xstrfmt("%s/%s", dir, CACHE_FILE);
	free(dir);
	return file;
}

/*
 * What the facts depend on besides the file: the frontends (so the unravel
 * binary itself: any rebuild drops the cache) and the configuration.
 */
static uint64_t identity_key(const struct scan_options *opt)
{
	struct strbuf sb = STRBUF_INIT;
	uint64_t h;

	sb_init(&sb);
	sb_addf(&sb, "unravel %s format %u\n", UNRAVEL_VERSION, CACHE_FORMAT);
	sb_add_exe_identity(&sb);
	if (opt->config)
		for (int i = 0; i < opt->config->n; i++) {
			const struct config_entry *e = &opt->config->entries[i];
			sb_addf(&sb, "[%s] %s=%s\n", e->section, e->key, e->value);
		}
	h = hash64(sb.buf, sb.len);
	sb_release(&sb);
	return h;
}

static void warn_corrupt(struct cache *c, const char *why)
{
	if (atomic_exchange(&c->warned, 1))
		return;
	diag_warn(c->file, 0, 0, "cache is corrupt (%s); ignored and rebuilt", why);
}

/* Map the old file and check its header and index; leaves c->map NULL when unusable. */
static void load(struct cache *c)
{
	int fd = open(c->file, O_RDONLY | O_CLOEXEC);
	struct stat st;
	const struct disk_header *h;
	void *m;

	if (fd < 0) {
		c->bad = 1; /* no cache yet */
		return;
	}
	if (fstat(fd, &st) < 0) {
		close(fd);
		c->bad = 1;
		return;
	}
	if (st.st_size == 0) {
		close(fd);
		warn_corrupt(c, "empty file");
		c->bad = 1;
		return;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		c->bad = 1;
		return;
	}
	c->map = m;
	c->map_len = (size_t)st.st_size;
	h = m;
	if (c->map_len < sizeof(*h) || memcmp(h->magic, CACHE_MAGIC, 8)) {
		warn_corrupt(c, "bad magic");
		goto drop;
	}
	if (h->format != CACHE_FORMAT || h->endian != CACHE_ENDIAN)
		goto drop; /* another version of unravel wrote it: not corrupt, just foreign */
	if (hash64(h, offsetof(struct disk_header, header_hash)) != h->header_hash) {
		warn_corrupt(c, "bad header checksum");
		goto drop;
	}
	if (h->key != c->key)
		goto drop; /* another binary or configuration */
	if (h->index_off > c->map_len || h->index_len > c->map_len - h->index_off ||
	    h->nentries > h->index_len / sizeof(struct disk_entry) ||
	    h->index_off % _Alignof(struct disk_entry)) {
		warn_corrupt(c, "index out of bounds");
		goto drop;
	}
	if (hash64(c->map + h->index_off, h->index_len) != h->index_hash) {
		warn_corrupt(c, "bad index checksum");
		goto drop;
	}
	c->hdr = h;
	c->entries = (const struct disk_entry *)(c->map + h->index_off);
	c->nentries = h->nentries;
	c->paths = (const char *)(c->entries + c->nentries);
	{
		size_t plen = h->index_len - c->nentries * sizeof(struct disk_entry);
		for (size_t i = 0; i < c->nentries; i++) {
			const struct disk_entry *e = &c->entries[i];
			if ((uint64_t)e->path_off + e->path_len >= plen || c->paths[e->path_off + e->path_len] ||
			    e->rec_off > c->map_len || e->rec_len > c->map_len - e->rec_off ||
			    e->tok_off > c->map_len ||
			    e->ntokens > (c->map_len - e->tok_off) / sizeof(struct fact_token)) {
				warn_corrupt(c, "bad index entry");
				goto drop;
			}
		}
	}
	c->hit = xcalloc(c->nentries ? c->nentries : 1, 1);
	c->new_ctime = xcalloc(c->nentries ? c->nentries : 1, sizeof(*c->new_ctime));
	c->new_ino = xcalloc(c->nentries ? c->nentries : 1, sizeof(*c->new_ino));
	return;
drop:
	munmap((void *)c->map, c->map_len);
	c->map = NULL;
	c->hdr = NULL;
	c->entries = NULL;
	c->nentries = 0;
	c->bad = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void cache_open(struct scan *s)
{
	struct cache *c;
	s->cache = NULL;
	s->ncached = 0;
	if (s->opt->no_cache)
		return;
	c = xcalloc(1, sizeof(*c));
	c->dir = cache_dir_for(s->opt);
	c->file = xstrfmt("%s/%s", c->dir, CACHE_FILE);
	c->key = identity_key(s->opt);
	c->snapshot_ns = now_ns();
	atomic_init(&c->nhits, 0);
	atomic_init(&c->nracy, 0);
	atomic_init(&c->warned, 0);
	pthread_mutex_init(&c->lock, NULL);
	load(c);
	s->cache = c;
}

/* ---- records ---- */

/*
 * A record: u32 lang, parse_errors, the nine counts (imports, classes,
 * funcs, refs, notes, tokens, params, bases, diags), the string area
 * length; then fixed-size rows of u32 per array (strings as offsets into
 * the string area, STR_NONE for NULL); then the raw tokens; then the
 * string area (NUL-terminated strings, each stored once per record).
 */
enum { N_IMPORTS, N_CLASSES, N_FUNCS, N_REFS, N_NOTES, N_TOKENS, N_PARAMS, N_BASES, N_DIAGS,
       N__COUNT };
static const size_t row_words[N__COUNT] = {10, 6, 9, 8, 4, 3, 3, 1, 3};

struct writer {
	struct strbuf nums, strs;
	/* string -> offset, open addressing (per record) */
	uint32_t *slots;
	size_t nslots, nused;
};

static void put32(struct writer *w, uint32_t v)
{
	sb_add(&w->nums, &v, sizeof(v));
}

static void puti(struct writer *w, int v)
{
	put32(w, (uint32_t)v);
}

static uint32_t str_find_or_add(struct writer *w, const char *s)
{
	size_t len = strlen(s), i;
	uint64_t h = hash64(s, len);
	if (2 * (w->nused + 1) > w->nslots) {
		size_t n = w->nslots ? w->nslots * 2 : 64;
		uint32_t *old = w->slots;
		size_t nold = w->nslots;
		w->slots = xmalloc(n * sizeof(*w->slots));
		memset(w->slots, 0xff, n * sizeof(*w->slots));
		w->nslots = n;
		for (size_t k = 0; k < nold; k++) {
			uint32_t off;
			if ((off = old[k]) == STR_NONE)
				continue;
			const char *t = w->strs.buf + off;
			i = hash64(t, strlen(t)) & (n - 1);
			while (w->slots[i] != STR_NONE)
				i = (i + 1) & (n - 1);
			w->slots[i] = off;
		}
		free(old);
	}
	i = h & (w->nslots - 1);
	while (w->slots[i] != STR_NONE) {
		if (!strcmp(w->strs.buf + w->slots[i], s))
			return w->slots[i];
		i = (i + 1) & (w->nslots - 1);
	}
	w->slots[i] = (uint32_t)w->strs.len;
	sb_add(&w->strs, s, len + 1);
	w->nused++;
	return w->slots[i];
}

static void puts_(struct writer *w, const char *s)
{
	put32(w, s ? str_find_or_add(w, s) : STR_NONE);
}

/* Serialize ff and its warnings (diags[0..ndiags), all about ff->path) into out. */
static void serialize(const struct file_facts *ff, const struct diag *const *diags, size_t ndiags,
		      struct strbuf *out)
{
	struct writer w = {STRBUF_INIT, STRBUF_INIT, NULL, 0, 0};
	size_t nparams = 0, nbases = 0;

	sb_init(&w.nums);
	sb_init(&w.strs);
	for (size_t i = 0; i < ff->nfuncs; i++)
		nparams += (size_t)ff->funcs[i].nparams;
	for (size_t i = 0; i < ff->nclasses; i++)
		nbases += (size_t)ff->classes[i].nbases;

	put32(&w, (uint32_t)ff->lang);
	puti(&w, ff->parse_errors);
	put32(&w, (uint32_t)ff->nimports);
	put32(&w, (uint32_t)ff->nclasses);
	put32(&w, (uint32_t)ff->nfuncs);
	put32(&w, (uint32_t)ff->nrefs);
	put32(&w, (uint32_t)ff->nnotes);
	put32(&w, (uint32_t)ff->ntokens);
	put32(&w, (uint32_t)nparams);
	put32(&w, (uint32_t)nbases);
	put32(&w, (uint32_t)ndiags);
	put32(&w, 0); /* string area length, patched below */

	for (size_t i = 0; i < ff->nimports; i++) {
		const struct fact_import *im = &ff->imports[i];
		puts_(&w, im->module);
		puts_(&w, im->name);
		puts_(&w, im->resolved);
		puts_(&w, im->text);
		puts_(&w, im->tus);
		puti(&w, im->level);
		puti(&w, im->line);
		puti(&w, im->col);
		put32(&w, (uint32_t)im->scope);
		puti(&w, im->angled);
	}
	for (size_t i = 0; i < ff->nclasses; i++) {
		const struct fact_class *c = &ff->classes[i];
		puts_(&w, c->name);
		puti(&w, c->line);
		puti(&w, c->col);
		puti(&w, c->end_line);
		puti(&w, c->nbases);
		puti(&w, c->is_protocol);
	}
	for (size_t i = 0; i < ff->nfuncs; i++) {
		const struct fact_func *f = &ff->funcs[i];
		puts_(&w, f->name);
		puts_(&w, f->cls);
		puti(&w, f->line);
		puti(&w, f->col);
		puti(&w, f->end_line);
		puti(&w, f->nparams);
		put32(&w, f->tok_start);
		put32(&w, f->tok_end);
		put32(&w, (uint32_t)(f->placeholder | f->abstract << 1 | f->is_static << 2));
	}
	for (size_t i = 0; i < ff->nrefs; i++) {
		const struct fact_ref *r = &ff->refs[i];
		put32(&w, (uint32_t)r->kind);
		puts_(&w, r->cls);
		puts_(&w, r->func);
		puts_(&w, r->host);
		puts_(&w, r->attr);
		puts_(&w, r->value);
		puti(&w, r->line);
		puti(&w, r->col);
	}
	for (size_t i = 0; i < ff->nnotes; i++) {
		const struct fact_note *n = &ff->notes[i];
		put32(&w, (uint32_t)n->kind);
		puti(&w, n->line);
		puti(&w, n->col);
		puts_(&w, n->text);
	}
	for (size_t i = 0; i < ff->nfuncs; i++)
		for (int k = 0; k < ff->funcs[i].nparams; k++) {
			const struct fact_param *p = &ff->funcs[i].params[k];
			puts_(&w, p->name);
			puts_(&w, p->annotation);
			puti(&w, p->has_default);
		}
	for (size_t i = 0; i < ff->nclasses; i++)
		for (int k = 0; k < ff->classes[i].nbases; k++)
			puts_(&w, ff->classes[i].bases[k]);
	for (size_t i = 0; i < ndiags; i++) {
		puti(&w, diags[i]->line);
		puti(&w, diags[i]->col);
		puts_(&w, diags[i]->msg);
	}
	{
		uint32_t slen = (uint32_t)w.strs.len;
		memcpy(w.nums.buf + 11 * sizeof(uint32_t), &slen, sizeof(slen));
	}
	sb_add(out, w.nums.buf, w.nums.len);
	sb_add(out, w.strs.buf, w.strs.len);
	sb_release(&w.nums);
	sb_release(&w.strs);
	free(w.slots);
}

struct reader {
	const unsigned char *p, *end;
	const char *strs;   /* the copy in the arena */
	uint32_t strs_len;
	int bad;
};

static uint32_t get32(struct reader *r)
{
	uint32_t v;
	if ((size_t)(r->end - r->p) < sizeof(v)) {
		r->bad = 1;
		return 0;
	}
	memcpy(&v, r->p, sizeof(v));
	r->p += sizeof(v);
	return v;
}

static int geti(struct reader *r)
{
	return (int)get32(r);
}

static const char *gets_(struct reader *r)
{
	uint32_t off = get32(r);
	if (off == STR_NONE)
		return NULL;
	if (off >= r->strs_len) {
		r->bad = 1;
		return NULL;
	}
	return r->strs + off;
}

/*
 * Rebuild a struct file_facts from a record (arrays sized exactly, strings
 * in one arena block); emits the recorded warnings. NULL when the record
 * does not hold together.
 */
static struct file_facts *deserialize(const unsigned char *rec, size_t len, const char *path,
				      const struct disk_entry *e, const unsigned char *toks)
{
	struct reader r = {rec, rec + len, NULL, 0, 0};
	uint32_t n[N__COUNT];
	size_t words = 0, tokbytes;
	struct file_facts *ff;
	struct fact_param *params = NULL;
	const char **bases = NULL;
	size_t pi = 0, bi = 0;
	uint32_t lang, slen;
	int parse_errors;
	char *strs;

	lang = get32(&r);
	parse_errors = geti(&r);
	for (int i = 0; i < N__COUNT; i++)
		n[i] = get32(&r);
	slen = get32(&r);
	if (r.bad || lang >= LANG__COUNT)
		return NULL;
	for (int i = 0; i < N__COUNT; i++)
		if (i != N_TOKENS)
			words += (size_t)n[i] * row_words[i];
	if (n[N_TOKENS] != e->ntokens)
		return NULL;
	tokbytes = toks ? (size_t)n[N_TOKENS] * sizeof(struct fact_token) : 0;
	if ((size_t)(r.end - r.p) != words * 4 + slen || (slen && rec[len - 1] != '\0'))
		return NULL;

	/* One arena chunk of exactly the size needed (facts_new would take 4 KB). */
	{
		size_t pathlen = strlen(path) + 1;
#define R16(x) (((x) + 15) & ~(size_t)15)
		size_t need = R16(pathlen) + R16(slen) + R16(n[N_PARAMS] * sizeof(struct fact_param)) +
			      R16(n[N_BASES] * sizeof(const char *));
#undef R16
		ff = xcalloc(1, sizeof(*ff));
		ff->arena = arena_new_sized(need);
		ff->path = arena_strndup(ff->arena, path, pathlen - 1);
		ff->lang = (enum lang)lang;
	}
	ff->size = e->size;
	ff->mtime_ns = e->mtime_ns;
	ff->content_hash = e->content_hash;
	ff->parse_errors = parse_errors;
	strs = slen ? arena_alloc(ff->arena, slen) : NULL;
	if (slen)
		memcpy(strs, r.end - slen, slen);
	r.strs = strs;
	r.strs_len = slen;
	r.end -= slen;

#define ARRAY(field, cnt, nfield, afield)                                       \
	do {                                                                   \
		ff->nfield = ff->afield = (cnt);                               \
		ff->field = (cnt) ? xcalloc((cnt), sizeof(*ff->field)) : NULL; \
	} while (0)
	ARRAY(imports, n[N_IMPORTS], nimports, alloc_imports);
	ARRAY(classes, n[N_CLASSES], nclasses, alloc_classes);
	ARRAY(funcs, n[N_FUNCS], nfuncs, alloc_funcs);
	ARRAY(refs, n[N_REFS], nrefs, alloc_refs);
	ARRAY(notes, n[N_NOTES], nnotes, alloc_notes);
#undef ARRAY
	/* Tokens are copied whole below: no need to zero them first. */
	ff->ntokens = ff->alloc_tokens = tokbytes ? n[N_TOKENS] : 0;
	ff->tokens = tokbytes ? xmalloc(tokbytes) : NULL;
	if (n[N_PARAMS])
		params = arena_alloc(ff->arena, n[N_PARAMS] * sizeof(*params));
	if (n[N_BASES])
		bases = arena_alloc(ff->arena, n[N_BASES] * sizeof(*bases));

	for (size_t i = 0; i < ff->nimports; i++) {
		struct fact_import *im = &ff->imports[i];
		im->module = gets_(&r);
		im->name = gets_(&r);
		im->resolved = gets_(&r);
		im->text = gets_(&r);
		im->tus = gets_(&r);
		im->level = geti(&r);
		im->line = geti(&r);
		im->col = geti(&r);
		im->scope = (enum import_scope)get32(&r);
		im->angled = geti(&r);
		/* A record that checksums but was not written by us (fuzz_cache) must not reach the analyses. */
		if ((unsigned)im->scope > SCOPE_TYPE_CHECKING || !im->module)
			r.bad = 1;
	}
	for (size_t i = 0; i < ff->nclasses; i++) {
		struct fact_class *c = &ff->classes[i];
		c->name = gets_(&r);
		c->line = geti(&r);
		c->col = geti(&r);
		c->end_line = geti(&r);
		c->nbases = geti(&r);
		c->is_protocol = geti(&r);
		if (c->nbases < 0 || (size_t)c->nbases > n[N_BASES] - bi) {
			r.bad = 1;
			c->nbases = 0;
		}
		c->bases = c->nbases ? bases + bi : NULL;
		bi += (size_t)c->nbases;
	}
	for (size_t i = 0; i < ff->nfuncs; i++) {
		struct fact_func *f = &ff->funcs[i];
		uint32_t flags;
		f->name = gets_(&r);
		f->cls = gets_(&r);
		f->line = geti(&r);
		f->col = geti(&r);
		f->end_line = geti(&r);
		f->nparams = geti(&r);
		f->tok_start = get32(&r);
		f->tok_end = get32(&r);
		flags = get32(&r);
		f->placeholder = flags & 1;
		f->abstract = (flags >> 1) & 1;
		f->is_static = (flags >> 2) & 1;
		if (f->nparams < 0 || (size_t)f->nparams > n[N_PARAMS] - pi) {
			r.bad = 1;
			f->nparams = 0;
		}
		f->params = f->nparams ? params + pi : NULL;
		pi += (size_t)f->nparams;
		if (f->tok_start > f->tok_end || f->tok_end > n[N_TOKENS])
			r.bad = 1;
	}
	for (size_t i = 0; i < ff->nrefs; i++) {
		struct fact_ref *x = &ff->refs[i];
		x->kind = (enum ref_kind)get32(&r);
		x->cls = gets_(&r);
		x->func = gets_(&r);
		x->host = gets_(&r);
		x->attr = gets_(&r);
		x->value = gets_(&r);
		x->line = geti(&r);
		x->col = geti(&r);
		if ((unsigned)x->kind > REF_SELF_ATTR)
			r.bad = 1;
	}
	for (size_t i = 0; i < ff->nnotes; i++) {
		struct fact_note *x = &ff->notes[i];
		x->kind = (enum note_kind)get32(&r);
		x->line = geti(&r);
		x->col = geti(&r);
		x->text = gets_(&r);
		if ((unsigned)x->kind > NOTE_ALLOW_DUPLICATE || !x->text)
			r.bad = 1;
	}
	if (tokbytes)
		memcpy(ff->tokens, toks, tokbytes);
	for (size_t i = 0; i < n[N_PARAMS]; i++) {
		params[i].name = gets_(&r);
		params[i].annotation = gets_(&r);
		params[i].has_default = geti(&r);
	}
	for (size_t i = 0; i < n[N_BASES]; i++)
		bases[i] = gets_(&r);
	if (pi != n[N_PARAMS] || bi != n[N_BASES])
		r.bad = 1;
	if (!r.bad) {
		/* Check every diag first so a bad record emits nothing. */
		const unsigned char *save = r.p;
		for (size_t i = 0; i < n[N_DIAGS] && !r.bad; i++) {
			get32(&r);
			get32(&r);
			if (!gets_(&r))
				r.bad = 1;
		}
		r.p = save;
	}
	if (r.bad || (size_t)(r.end - r.p) != n[N_DIAGS] * row_words[N_DIAGS] * 4) {
		facts_free(ff);
		return NULL;
	}
	for (size_t i = 0; i < n[N_DIAGS]; i++) {
		int line = geti(&r), col = geti(&r);
		const char *msg = gets_(&r);
		diag_warn(ff->path, line, col, "%s", msg);
	}
	return ff;
}

/* ---- lookup and store ---- */

static long find_entry(const struct cache *c, const char *path)
{
	size_t lo = 0, hi = c->nentries;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(c->paths + c->entries[mid].path_off, path);
		if (!d)
			return (long)mid;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int cacheable(const char *path)
{
	const struct frontend *fe = frontend_for_path(path);
	return fe && !fe->finish;
}

static uint64_t mtime_of(const struct stat *st)
{
	return (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec;
}

static uint64_t ctime_of(const struct stat *st)
{
	return (uint64_t)st->st_ctim.tv_sec * 1000000000u + (uint64_t)st->st_ctim.tv_nsec;
}

struct file_facts *cache_lookup(struct scan *s, const char *path, const struct stat *st)
{
	struct cache *c = s->cache;
	const struct disk_entry *e;
	const unsigned char *toks;
	struct file_facts *ff;
	long i;

	if (!c || !c->map || !cacheable(path))
		return NULL;
	i = find_entry(c, path);
	if (i < 0)
		return NULL;
	e = &c->entries[i];
	if (e->size != (uint64_t)st->st_size || e->mtime_ns != mtime_of(st))
		return NULL;
	if (hash64(c->map + e->rec_off, e->rec_len) != e->rec_hash) {
		warn_corrupt(c, "bad record checksum");
		return NULL;
	}
	/* Clone tokens are most of the bytes: left unread when the command needs none. */
	toks = s->opt->skip_tokens ? NULL : c->map + e->tok_off;
	if (toks && hash64(toks, e->ntokens * sizeof(struct fact_token)) != e->tok_hash) {
		warn_corrupt(c, "bad token checksum");
		return NULL;
	}
	if (e->mtime_ns + RACY_NS >= c->hdr->snapshot_ns || e->ctime_ns != ctime_of(st) ||
	    e->ino != (uint64_t)st->st_ino) {
		/*
		 * Racily clean (the mtime cannot tell), or written since with
		 * its mtime set back, or replaced, or only touched: the bytes
		 * tell.
		 */
		char *buf;
		size_t len;
		int same;
		if (read_file(path, s->opt->max_file_size, &buf, &len) < 0)
			return NULL;
		same = len == e->size && hash64(buf, len) == e->content_hash;
		free(buf);
		if (!same)
			return NULL;
		atomic_fetch_add(&c->nracy, 1);
	}
	ff = deserialize(c->map + e->rec_off, e->rec_len, path, e, toks);
	if (!ff) {
		warn_corrupt(c, "bad record");
		return NULL;
	}
	c->hit[i] = 1;
	c->new_ctime[i] = ctime_of(st);
	c->new_ino[i] = (uint64_t)st->st_ino;
	atomic_fetch_add(&c->nhits, 1);
	return ff;
}

void cache_store(struct scan *s, const struct file_facts *ff)
{
	struct cache *c = s->cache;
	if (!c || !cacheable(ff->path))
		return;
	pthread_mutex_lock(&c->lock);
	ALLOC_GROW(c->pending, c->npending + 1, c->alloc_pending);
	c->pending[c->npending++] = ff;
	pthread_mutex_unlock(&c->lock);
}

/* ---- writing ---- */

struct out_entry {
	const char *path;
	struct disk_entry e;   /* rec_off/rec_len/rec_hash filled while writing */
	const unsigned char *old; /* record bytes in the old map, or NULL */
	const unsigned char *old_tokens; /* and its tokens */
	int skip;
	const struct file_facts *ff; /* new facts, or NULL */
};

static int cmp_out(const void *a, const void *b)
{
	return strcmp(((const struct out_entry *)a)->path, ((const struct out_entry *)b)->path);
}

static int cmp_diagp(const void *a, const void *b)
{
	const struct diag *x = *(const struct diag *const *)a, *y = *(const struct diag *const *)b;
	int d = strcmp(x->file, y->file);
	if (d)
		return d;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return strcmp(x->msg, y->msg);
}


void cache_mark_dir(const char *dir)
{
	static const char tag[] = "Signature: 8a477f597d28d172789f06886806bc55\n"
				  "# This file is a cache directory tag created by unravel.\n";
	char *gi = xstrfmt("%s/.gitignore", dir);
	char *ct = xstrfmt("%s/CACHEDIR.TAG", dir);
	if (access(gi, F_OK) < 0)
		write_file_atomic(gi, "*\n", 2);
	if (access(ct, F_OK) < 0)
		write_file_atomic(ct, tag, sizeof(tag) - 1);
	free(gi);
	free(ct);
}

static int write_all(int fd, const void *data, size_t len)
{
	return write_in_full(fd, data, len); /* util.h: with the UNRAVEL_FAIL_WRITE hook */
}

/*
 * Write the entries to a temp file in the cache folder and rename it over
 * facts.bin. No fsync: a torn file after a crash fails its checksums and
 * is rebuilt, which is all a cache needs.
 */
static int write_cache(struct cache *c, struct out_entry *out, size_t nout)
{
	struct disk_header h;
	struct strbuf buf = STRBUF_INIT, index = STRBUF_INIT, paths = STRBUF_INIT;
	const struct diag **dl = NULL;
	size_t ndl = 0;
	uint64_t off = sizeof(h);
	char *tmp;
	int fd, rc = -1;

	if (mkdir_p(c->dir) < 0)
		return -1;
	cache_mark_dir(c->dir);
	tmp = xstrfmt("%s/%s.tmp.%ld.%llx", c->dir, CACHE_FILE, (long)getpid(),
		      (unsigned long long)(now_ns() ^ (uint64_t)(uintptr_t)c));
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		free(tmp);
		return -1;
	}

	/* The warnings of new files go with their facts. */
	{
		int n;
		const struct diag *d = diag_list(&n);
		dl = xcalloc((size_t)n + 1, sizeof(*dl));
		for (int i = 0; i < n; i++)
			if (d[i].file)
				dl[ndl++] = &d[i];
		qsort(dl, ndl, sizeof(*dl), cmp_diagp);
	}

	memset(&h, 0, sizeof(h));
	sb_init(&buf);
	sb_init(&index);
	sb_init(&paths);
	if (write_all(fd, &h, sizeof(h)) < 0)
		goto out;
	for (size_t i = 0; i < nout; i++) {
		struct out_entry *o = &out[i];
		const unsigned char *rec;
		size_t len;
		if (o->old) {
			rec = o->old;
			len = o->e.rec_len;
		} else {
			size_t lo = 0, hi = ndl, first;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (strcmp(dl[mid]->file, o->path) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			first = lo;
			while (lo < ndl && !strcmp(dl[lo]->file, o->path))
				lo++;
			sb_reset(&buf);
			serialize(o->ff, dl + first, lo - first, &buf);
			rec = (const unsigned char *)buf.buf;
			len = buf.len;
			if (len > UINT32_MAX) {
				o->skip = 1; /* absurd; just not cached */
				continue;
			}
			o->e.rec_len = (uint32_t)len;
			o->e.rec_hash = hash64(rec, len);
			o->e.ntokens = (uint32_t)o->ff->ntokens;
			o->e.tok_hash = hash64(o->ff->tokens, o->ff->ntokens * sizeof(struct fact_token));
		}
		o->e.rec_off = off;
		o->e.path_off = (uint32_t)paths.len;
		o->e.path_len = (uint32_t)strlen(o->path);
		sb_add(&paths, o->path, o->e.path_len + 1);
		if (write_all(fd, rec, len) < 0)
			goto out;
		off += len;
	}
	/* Then every file's tokens, in the same order. */
	for (size_t i = 0; i < nout; i++) {
		struct out_entry *o = &out[i];
		size_t len = (size_t)o->e.ntokens * sizeof(struct fact_token);
		const void *src = o->old_tokens ? (const void *)o->old_tokens : (const void *)o->ff->tokens;
		if (o->skip)
			continue;
		o->e.tok_off = off;
		if (len && write_all(fd, src, len) < 0)
			goto out;
		off += len;
		sb_add(&index, &o->e, sizeof(o->e));
	}
	/* Align the index so it can be read in place. */
	{
		static const char zero[8];
		size_t pad = (size_t)((8 - off % 8) % 8);
		if (pad && write_all(fd, zero, pad) < 0)
			goto out;
		off += pad;
	}
	sb_add(&index, paths.buf, paths.len);
	memcpy(h.magic, CACHE_MAGIC, 8);
	h.format = CACHE_FORMAT;
	h.endian = CACHE_ENDIAN;
	h.key = c->key;
	h.snapshot_ns = c->snapshot_ns;
	h.nentries = (index.len - paths.len) / sizeof(struct disk_entry);
	h.index_off = off;
	h.index_len = index.len;
	h.index_hash = hash64(index.buf, index.len);
	h.header_hash = hash64(&h, offsetof(struct disk_header, header_hash));
	if (write_all(fd, index.buf, index.len) < 0 || pwrite(fd, &h, sizeof(h), 0) != sizeof(h))
		goto out;
	if (close(fd) < 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename_file(tmp, c->file) < 0)
		goto out;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	free(dl);
	sb_release(&buf);
	sb_release(&index);
	sb_release(&paths);
	return rc;
}

void cache_close(struct scan *s)
{
	struct cache *c = s->cache;
	size_t nhits = c ? atomic_load(&c->nhits) : 0;

	if (s->opt->verbose)
		fprintf(stderr, "unravel: %zu file%s read, %zu from cache%s\n", s->nread,
			s->nread == 1 ? "" : "s", nhits, c ? "" : " (--no-cache)");
	if (!c)
		return;
	s->ncached = nhits;
	if (c->bad || c->npending || nhits != c->nentries || atomic_load(&c->nracy)) {
		size_t nout = 0;
		struct out_entry *out = xcalloc(nhits + c->npending + 1, sizeof(*out));
		for (size_t i = 0; i < c->nentries; i++) {
			if (!c->hit[i])
				continue;
			out[nout].path = c->paths + c->entries[i].path_off;
			out[nout].e = c->entries[i];
			out[nout].e.ctime_ns = c->new_ctime[i];
			out[nout].e.ino = c->new_ino[i];
			out[nout].old = c->map + c->entries[i].rec_off;
			out[nout].old_tokens = c->map + c->entries[i].tok_off;
			nout++;
		}
		for (size_t i = 0; i < c->npending; i++) {
			const struct file_facts *ff = c->pending[i];
			struct stat st;
			/* Facts of a file that changed while it was parsed are not kept. */
			if (stat(ff->path, &st) < 0 || (uint64_t)st.st_size != ff->size ||
			    mtime_of(&st) != ff->mtime_ns)
				continue;
			out[nout].e.ctime_ns = ctime_of(&st);
			out[nout].e.ino = (uint64_t)st.st_ino;
			out[nout].path = ff->path;
			out[nout].ff = ff;
			out[nout].e.size = ff->size;
			out[nout].e.mtime_ns = ff->mtime_ns;
			out[nout].e.content_hash = ff->content_hash;
			out[nout].e.lang = (uint32_t)ff->lang;
			nout++;
		}
		qsort(out, nout, sizeof(*out), cmp_out);
		if (write_cache(c, out, nout) < 0 && s->opt->verbose)
			fprintf(stderr, "unravel: cannot write cache '%s': %s\n", c->file,
				strerror(errno));
		free(out);
	}
	if (c->map)
		munmap((void *)c->map, c->map_len);
	pthread_mutex_destroy(&c->lock);
	free(c->hit);
	free(c->new_ctime);
	free(c->new_ino);
	free(c->pending);
	free(c->dir);
	free(c->file);
	free(c);
	s->cache = NULL;
}
