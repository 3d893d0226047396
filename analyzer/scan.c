/* scan.c - see scan.h. */
#include "scan.h"
#include "cache.h"
#include "diag.h"
#include "frontend.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/mman.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *path_display(const char *path)
{
	static char cwd[PATH_MAX];
	static size_t cwdlen;
	struct strbuf sb = STRBUF_INIT;
	const char *p = path;

	if (!cwdlen && getcwd(cwd, sizeof(cwd)))
		cwdlen = strlen(cwd);
	sb_init(&sb);
	if (path[0] == '/' && cwdlen) {
		/* SPEC.md: paths relative to the current directory, with ".." where needed. */
		size_t common = 0, i;
		for (i = 0; i < cwdlen && path[i] == cwd[i]; i++)
			if (cwd[i] == '/')
				common = i;
		if ((i == cwdlen && (path[i] == '/' || path[i] == '\0')) || cwdlen == 1)
			common = cwdlen;
		for (const char *c = cwd + common; *c; c++)
			if (*c == '/')
				sb_adds(&sb, "../");
		p = path + common;
		while (*p == '/')
			p++;
		if (!*p && !sb.len)
			p = ".";
	}
	/* Rebuild component by component, dropping "." and resolving "x/..". */
	if (p[0] == '/')
		sb_addc(&sb, '/');
	while (*p) {
		const char *start;
		size_t n;
		while (*p == '/')
			p++;
		start = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - start);
		if (!n || (n == 1 && start[0] == '.'))
			continue;
		if (n == 2 && start[0] == '.' && start[1] == '.') {
			char *last = strrchr(sb.buf, '/');
			const char *lastcomp = last ? last + 1 : sb.buf;
			if (sb.len && strcmp(lastcomp, "..") && !(last == sb.buf && sb.len == 1)) {
				sb.len = last ? (size_t)(last - sb.buf) : 0;
				if (sb.len == 0 && last == sb.buf)
					sb.len = 1; /* keep root "/" */
				sb.buf[sb.len] = '\0';
				continue;
			}
		}
		if (sb.len && sb.buf[sb.len - 1] != '/')
			sb_addc(&sb, '/');
		sb_add(&sb, start, n);
	}
	if (!sb.len)
		sb_addc(&sb, '.');
	return sb_detach(&sb, NULL);
}

char *path_relative_to(const char *root, const char *path)
{
	char *r = path_display(root);
	size_t n = strlen(r);
	char *out = NULL;
	if (!strcmp(r, "."))
		out = xstrdup(path);
	else if (!strncmp(path, r, n) && path[n] == '/')
		out = xstrdup(path + n + 1);
	free(r);
	return out;
}

int glob_match(const char *pattern, const char *path)
{
	const char *comp;
	if (fnmatch(pattern, path, 0) == 0)
		return 1;
	/* A double star matches across slashes. */
	if (strstr(pattern, "**")) {
		struct strbuf sb = STRBUF_INIT;
		int r;
		sb_init(&sb);
		for (const char *q = pattern; *q; q++) {
			if (q[0] == '*' && q[1] == '*') {
				sb_addc(&sb, '*');
				q++;
				if (q[1] == '/')
					q++;
			} else {
				sb_addc(&sb, *q);
			}
		}
		r = fnmatch(sb.buf, path, 0) == 0;
		sb_release(&sb);
		if (r)
			return 1;
	}
	/*
	 * A pattern without '/' also matches any single component (like
	 * .gitignore); a path of one component was matched above.
	 */
	if (!strchr(pattern, '/') && strchr(path, '/'))
		for (comp = path; comp; comp = strchr(comp, '/'), comp = comp ? comp + 1 : NULL) {
			const char *end = strchr(comp, '/');
			size_t n = end ? (size_t)(end - comp) : strlen(comp);
			char buf[256], *c = n < sizeof(buf) ? buf : xstrndup(comp, n);
			int r;
			if (c == buf) {
				memcpy(buf, comp, n);
				buf[n] = '\0';
			}
			r = fnmatch(pattern, c, 0) == 0;
			if (c != buf)
				free(c);
			if (r)
				return 1;
		}
	return 0;
}

struct found {
	char *path;
	const struct frontend *fe;
};

struct dir_id {
	dev_t dev;
	ino_t ino;
	int used;
};

struct walker {
	const struct scan_options *opt;
	struct found *files;
	size_t n, alloc;
	struct dir_id *seen; /* open addressing, cap slots (a power of 2), nseen used */
	size_t cap;
	size_t nunreadable;
	size_t nseen;
	char *real_root; /* the walked PATH, links resolved (NULL: unknown) */
};

static int excluded(const struct scan_options *opt, const char *path)
{
	for (int i = 0; i < opt->nexcludes; i++)
		if (glob_match(opt->excludes[i], path))
			return 1;
	return 0;
}

static int skip_dir_name(const char *name)
{
	return name[0] == '.' || !strcmp(name, "__pycache__") || !strcmp(name, "node_modules");
}

static void add_found(struct walker *w, const char *path, const struct frontend *fe)
{
	ALLOC_GROW(w->files, w->n + 1, w->alloc);
	w->files[w->n].path = xstrdup(path);
	w->files[w->n].fe = fe;
	w->n++;
}

static size_t dir_slot(const struct dir_id *t, size_t cap, dev_t dev, ino_t ino)
{
	uint64_t h = ((uint64_t)ino * 0x9e3779b97f4a7c15u) ^ ((uint64_t)dev * 0xc2b2ae3d27d4eb4fu);
	size_t i = (size_t)(h ^ (h >> 29)) & (cap - 1);
	while (t[i].used && !(t[i].dev == dev && t[i].ino == ino))
		i = (i + 1) & (cap - 1);
	return i;
}

/*
 * Remember a directory; returns 1 when it was seen before (a symlink loop).
 * A hash set: a list searched for every folder took seconds at 50k folders.
 */
static int seen_dir(struct walker *w, const struct stat *st)
{
	size_t i;
	if (2 * (w->nseen + 1) > w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		struct dir_id *t = xcalloc(cap, sizeof(*t));
		for (size_t k = 0; k < w->cap; k++)
			if (w->seen[k].used)
				t[dir_slot(t, cap, w->seen[k].dev, w->seen[k].ino)] = w->seen[k];
		free(w->seen);
		w->seen = t;
		w->cap = cap;
	}
	i = dir_slot(w->seen, w->cap, st->st_dev, st->st_ino);
	if (w->seen[i].used)
		return 1;
	w->seen[i].dev = st->st_dev;
	w->seen[i].ino = st->st_ino;
	w->seen[i].used = 1;
	w->nseen++;
	return 0;
}

struct dent {
	char *name;
	unsigned char type; /* d_type: DT_REG, DT_DIR, DT_LNK, DT_UNKNOWN, ... */
};

static int cmp_dent(const void *a, const void *b)
{
	return strcmp(((const struct dent *)a)->name, ((const struct dent *)b)->name);
}

/*
 * Whether the link at path leads to code outside the walked root: a folder,
 * or a file a frontend reads. Links within the root need no word, their
 * targets are scanned anyway.
 */
static int leads_outside(const struct walker *w, const char *path)
{
	struct stat st;
	char *real;
	size_t n;
	int outside;

	if (!w->real_root || stat(path, &st) < 0 ||
	    !(S_ISDIR(st.st_mode) || (S_ISREG(st.st_mode) && frontend_for_path(path))))
		return 0;
	real = realpath(path, NULL);
	if (!real)
		return 0;
	n = strlen(w->real_root);
	outside = strcmp(w->real_root, "/") &&
		  !(!strncmp(real, w->real_root, n) && (real[n] == '/' || real[n] == '\0'));
	free(real);
	return outside;
}

/* Iterative walk (no recursion: 1000-deep trees are fine). */
static void walk_dir(struct walker *w, const char *root)
{
	char **stack = NULL;
	size_t nstack = 0, alloc_stack = 0;
	ALLOC_GROW(stack, 1, alloc_stack);
	stack[nstack++] = xstrdup(root);
	while (nstack) {
		char *dir = stack[--nstack];
		DIR *d = opendir(dir);
		struct dirent *de;
		struct dent *names = NULL;
		size_t nnames = 0, alloc_names = 0;
		if (!d) {
			char *disp = path_display(dir);
			diag_warn(disp, 0, 0, "cannot open directory: %s", strerror(errno));
			w->nunreadable++;
			free(disp);
			free(dir);
			continue;
		}
		while ((de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			/* d_type spares a stat per file; files no frontend reads are dropped here. */
			if (de->d_type == DT_REG && !frontend_for_path(de->d_name))
				continue;
			ALLOC_GROW(names, nnames + 1, alloc_names);
			names[nnames].name = xstrdup(de->d_name);
			names[nnames].type = de->d_type;
			nnames++;
		}
		closedir(d);
		/* Reverse order onto the stack so the walk is in name order. */
		if (nnames)
			qsort(names, nnames, sizeof(*names), cmp_dent);
		for (size_t i = nnames; i-- > 0;) {
			char *full = strcmp(dir, ".") ? xstrfmt("%s/%s", dir, names[i].name)
						      : xstrdup(names[i].name);
			char *disp = path_display(full);
			struct stat st;
			int is_link = 0;
			if (names[i].type == DT_REG) {
				st.st_mode = S_IFREG; /* all that is needed below */
			} else if (lstat(full, &st) < 0) {
				diag_warn(disp, 0, 0, "cannot stat: %s", strerror(errno));
				w->nunreadable++;
				goto next;
			}
			if (S_ISLNK(st.st_mode)) {
				is_link = 1;
				if (!w->opt->follow_symlinks) {
					if (w->opt->verbose)
						diag_warn(disp, 0, 0,
							  "symbolic link not followed (use --follow-symlinks)");
					else if (leads_outside(w, full))
						diag_warn(disp, 0, 0,
							  "symbolic link to outside the scanned root not "
							  "followed (use --follow-symlinks)");
					goto next;
				}
				if (stat(full, &st) < 0) {
					diag_warn(disp, 0, 0, "broken symbolic link: %s", strerror(errno));
					goto next;
				}
			}
			if (excluded(w->opt, disp))
				goto next;
			if (((S_ISDIR(st.st_mode) && !skip_dir_name(names[i].name)) ||
			     (S_ISREG(st.st_mode) && frontend_for_path(names[i].name))) &&
			    utf8_valid_len(names[i].name, strlen(names[i].name)) != strlen(names[i].name)) {
				/*
				 * Every path unravel prints or writes into JSON, SARIF
				 * and patches is UTF-8; such a file could be neither
				 * named nor patched faithfully.
				 */
				diag_warn(disp, 0, 0, "name is not valid UTF-8; skipped");
				goto next;
			}
			if (S_ISDIR(st.st_mode)) {
				if (skip_dir_name(names[i].name))
					goto next;
				if (seen_dir(w, &st)) {
					if (is_link)
						diag_warn(disp, 0, 0, "symbolic link loop; not followed");
					goto next;
				}
				ALLOC_GROW(stack, nstack + 1, alloc_stack);
				stack[nstack++] = full;
				full = NULL;
			} else if (S_ISREG(st.st_mode)) {
				const struct frontend *fe = frontend_for_path(names[i].name);
				if (fe)
					add_found(w, full, fe);
			}
next:
			free(disp);
			free(full);
			free(names[i].name);
		}
		free(names);
		free(dir);
	}
	free(stack);
}

struct job {
	struct scan *s;
	struct found *files;
	struct file_facts **out;
	size_t n;
	size_t *order; /* files in the order they are taken: those of frontends with finish() first */
	atomic_size_t late_left; /* files of such frontends not parsed yet */
	int finished_early[8];   /* per enum lang: finish() already ran (written before late_left hits 0) */
	atomic_size_t next;
	atomic_size_t nread;
	atomic_size_t nunreadable;
};

/*
 * Kept sources (opt->keep_source) are read into chunks of a few MiB, aligned
 * to 2 MiB, with transparent huge pages asked for: the scan's other memory
 * is freed and reused file after file, these 4 KiB pages would each be a
 * page fault (11.6 MB for the standard library, 2,900 faults, a twentieth
 * of a cold dups run's CPU). A worker fills its own chunk; the Python
 * frontend puts a kept file's tokens there too (scan_keep()).
 */
#define CHUNK_SIZE ((size_t)4 << 20)
#define CHUNK_ALIGN ((size_t)2 << 20)

struct source_chunk {
	struct source_chunk *next; /* the scan's list */
	size_t used, cap;
	char data[];
};

static pthread_mutex_t chunks_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread struct source_chunk *worker_chunk; /* this worker's */

/* size bytes (8-aligned) in this worker's chunk (a new one when full), or NULL. */
static char *chunk_space(struct scan *s, size_t size)
{
	struct source_chunk *c = worker_chunk;
	void *p;
	size_t cap;
	if (c && c->cap - c->used >= size + 7) {
		c->used = (c->used + 7) & ~(size_t)7;
		c->used += size;
		return c->data + c->used - size;
	}
	cap = size + offsetof(struct source_chunk, data) > CHUNK_SIZE ?
		      (size + offsetof(struct source_chunk, data) + CHUNK_ALIGN - 1) & ~(CHUNK_ALIGN - 1) :
		      CHUNK_SIZE;
	if (posix_memalign(&p, CHUNK_ALIGN, cap))
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, cap, MADV_HUGEPAGE); /* a hint: without it, 4 KiB pages */
#endif
	c = p;
	c->cap = cap - offsetof(struct source_chunk, data);
	c->used = size;
	pthread_mutex_lock(&chunks_lock);
	c->next = s->source_chunks;
	s->source_chunks = c;
	pthread_mutex_unlock(&chunks_lock);
	worker_chunk = c;
	return c->data;
}

void *scan_keep(struct scan *s, size_t size)
{
	return s && s->opt->keep_source && !s->cache ? chunk_space(s, size) : NULL;
}

static struct file_facts *parse_one(struct scan *s, const struct found *f, size_t *nread,
				    size_t *nunreadable)
{
	const struct scan_options *opt = s->opt;
	char *disp = path_display(f->path);
	struct file_facts *ff = NULL;
	char *buf;
	size_t len;
	struct stat st;
	int in_chunk = 0, rc;
	char *into;

	if (stat(f->path, &st) < 0) {
		diag_warn(disp, 0, 0, "cannot stat: %s", strerror(errno));
		(*nunreadable)++;
		goto out;
	}
	ff = cache_lookup(s, disp, &st);
	if (ff)
		goto out;
	if (opt->keep_source && !s->cache && st.st_size > 0 &&
	    (!opt->max_file_size || (size_t)st.st_size <= opt->max_file_size) &&
	    (into = chunk_space(s, (size_t)st.st_size + 2))) {
		rc = read_file_sized(f->path, opt->max_file_size, (size_t)st.st_size, into, &buf, &len);
		in_chunk = rc == 0;
		if (rc < 0)
			worker_chunk->used -= (size_t)st.st_size + 2; /* the space was the last taken */
		if (rc < 0 && errno == EAGAIN) /* grown since stat(): the usual way */
			rc = read_file_sized(f->path, opt->max_file_size, (size_t)st.st_size, NULL,
					     &buf, &len);
	} else {
		rc = read_file_sized(f->path, opt->max_file_size, (size_t)st.st_size, NULL, &buf, &len);
	}
	if (rc < 0) {
		if (errno == EFBIG)
			diag_warn(disp, 0, 0, "file larger than --max-file-size (%zu bytes); skipped",
				  opt->max_file_size);
		else {
			diag_warn(disp, 0, 0, "cannot read: %s", strerror(errno));
			(*nunreadable)++;
		}
		goto out;
	}
	(*nread)++;
	if (memchr(buf, '\0', len)) {
		size_t off = (size_t)((const char *)memchr(buf, '\0', len) - buf);
		int line = 1;
		for (size_t i = 0; i < off; i++)
			line += buf[i] == '\n';
		diag_warn(disp, line, 0, "binary file (NUL byte); skipped");
		if (!in_chunk)
			free(buf);
		goto out;
	}
	ff = facts_new(disp, f->fe->lang);
	ff->size = (uint64_t)st.st_size;
	ff->mtime_ns = (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec;
	if (s->cache) /* only the cache compares it */
		ff->content_hash = hash64(buf, len);
	if (f->fe->parse && f->fe->parse(ff, buf, len, s) < 0) {
		facts_free(ff);
		ff = NULL;
	} else if (ff) {
		cache_store(s, ff);
		if (opt->keep_source) {
			ff->source = buf;
			ff->source_len = len;
			ff->source_in_scan = in_chunk;
			buf = NULL;
		}
	}
	if (!in_chunk)
		free(buf);
out:
	free(disp);
	return ff;
}

/*
 * Every file of the frontends with a finish() step (C: libclang) is parsed:
 * run those steps now, on this thread, while the other workers go on with
 * the other files (a Python tree with a few C files pays for loading and
 * running libclang alongside, not after). finish() sees a scan holding only
 * its own files; what it keeps in frontend_state is handed back.
 */
static void finish_early(struct job *j)
{
	struct scan view = *j->s;

	for (int i = 0; frontends[i]; i++) {
		enum lang lang = frontends[i]->lang;
		if (!frontends[i]->finish)
			continue;
		view.files = xcalloc(j->n + 1, sizeof(*view.files));
		view.nfiles = view.alloc_files = 0;
		for (size_t k = 0; k < j->n; k++)
			if (j->out[k] && j->files[k].fe == frontends[i])
				view.files[view.nfiles++] = j->out[k];
		view.frontend_state[lang] = j->s->frontend_state[lang];
		if (frontends[i]->finish(&view) == 0)
			j->finished_early[lang] = 1;
		j->s->frontend_state[lang] = view.frontend_state[lang];
		j->s->c_tus = view.c_tus;
		free(view.files);
	}
}

static void *worker(void *arg)
{
	struct job *j = arg;
	size_t i, nread = 0, nunreadable = 0;
	worker_chunk = NULL; /* the main thread works too, and may have scanned before */
	while ((i = atomic_fetch_add(&j->next, 1)) < j->n) {
		size_t f = j->order[i];
		j->out[f] = parse_one(j->s, &j->files[f], &nread, &nunreadable);
		if (j->files[f].fe->finish && atomic_fetch_sub(&j->late_left, 1) == 1)
			finish_early(j);
	}
	atomic_fetch_add(&j->nread, nread);
	atomic_fetch_add(&j->nunreadable, nunreadable);
	return NULL;
}

static int cmp_found(const void *a, const void *b)
{
	return strcmp(((const struct found *)a)->path, ((const struct found *)b)->path);
}

static int cmp_facts(const void *a, const void *b)
{
	return strcmp((*(struct file_facts *const *)a)->path, (*(struct file_facts *const *)b)->path);
}

int scan_run(struct scan *s, const struct scan_options *opt)
{
	struct walker w = {0};
	struct job j;
	int jobs = opt->jobs > 0 ? opt->jobs : online_cpus();
	pthread_t *threads;

	memset(s, 0, sizeof(*s));
	s->opt = opt;
	w.opt = opt;
	for (int i = 0; i < opt->npaths; i++) {
		const char *p = opt->paths[i];
		if (utf8_valid_len(p, strlen(p)) != strlen(p)) {
			char *shown = utf8_lossy(p, strlen(p), NULL);
			error("'%s': the path is not valid UTF-8 (unravel reports paths in UTF-8)", shown);
			free(shown);
			return -1;
		}
	}
	for (int i = 0; i < opt->npaths; i++) {
		struct stat st;
		const char *p = opt->paths[i];
		if (stat(p, &st) < 0)
			return error("cannot access '%s': %s", p, strerror(errno));

		if (S_ISDIR(st.st_mode)) {
			char *disp = path_display(p);
			seen_dir(&w, &st);
			w.real_root = realpath(p, NULL);
			walk_dir(&w, disp);
			free(w.real_root);
			w.real_root = NULL;
			free(disp);
		} else if (S_ISREG(st.st_mode)) {
			const struct frontend *fe = frontend_for_path(p);
			char *disp = path_display(p);
			if (fe)
				add_found(&w, disp, fe);
			else
				diag_warn(disp, 0, 0, "no frontend for this file type; skipped");
			free(disp);
		} else {
			return error("'%s' is not a file or directory", p);
		}
	}
	/* Sort and de-duplicate (overlapping PATHs). */
	if (w.n)
		qsort(w.files, w.n, sizeof(*w.files), cmp_found);
	size_t k = 0;
	for (size_t i = 0; i < w.n; i++) {
		if (k && !strcmp(w.files[k - 1].path, w.files[i].path)) {
			free(w.files[i].path);
			continue;
		}
		w.files[k++] = w.files[i];
	}
	w.n = k;

	for (int i = 0; frontends[i]; i++)
		if (frontends[i]->init && frontends[i]->init(s) < 0)
			return -1;
	cache_open(s);

	j.s = s;
	j.files = w.files;
	j.n = w.n;
	j.out = xcalloc(w.n ? w.n : 1, sizeof(*j.out));
	atomic_init(&j.next, 0);
	j.order = xcalloc(w.n + 1, sizeof(*j.order));
	memset(j.finished_early, 0, sizeof(j.finished_early));
	k = 0;
	for (size_t i = 0; i < w.n; i++)
		if (w.files[i].fe->finish)
			j.order[k++] = i;
	atomic_init(&j.late_left, k);
	for (size_t i = 0; i < w.n; i++)
		if (!w.files[i].fe->finish)
			j.order[k++] = i;
	atomic_init(&j.nread, 0);
	atomic_init(&j.nunreadable, 0);
	if ((size_t)jobs > w.n)
		jobs = w.n ? (int)w.n : 1;
	threads = xcalloc((size_t)jobs, sizeof(*threads));
	for (int t = 1; t < jobs; t++)
		if (pthread_create(&threads[t], NULL, worker, &j))
			threads[t] = 0;
	worker(&j);
	for (int t = 1; t < jobs; t++)
		if (threads[t])
			pthread_join(threads[t], NULL);
	free(threads);
	s->nread = atomic_load(&j.nread);
	s->nunreadable = w.nunreadable + atomic_load(&j.nunreadable);

	for (size_t i = 0; i < w.n; i++) {
		if (j.out[i]) {
			ALLOC_GROW(s->files, s->nfiles + 1, s->alloc_files);
			s->files[s->nfiles++] = j.out[i];
		}
		free(w.files[i].path);
	}
	free(j.out);
	free(j.order);
	free(w.files);
	free(w.seen);

	for (int i = 0; frontends[i]; i++)
		if (frontends[i]->finish && !j.finished_early[frontends[i]->lang] &&
		    frontends[i]->finish(s) < 0)
			return -1;
	if (s->nfiles)
		qsort(s->files, s->nfiles, sizeof(*s->files), cmp_facts);
	cache_close(s);
	return 0;
}

void scan_release(struct scan *s)
{
	for (size_t i = 0; i < s->nfiles; i++)
		facts_free(s->files[i]);
	free(s->files);
	while (s->source_chunks) {
		struct source_chunk *c = s->source_chunks;
		s->source_chunks = c->next;
		free(c);
	}
	for (int i = 0; frontends[i]; i++)
		if (frontends[i]->fini)
			frontends[i]->fini();
	memset(s, 0, sizeof(*s));
}

struct file_facts *scan_find(const struct scan *s, const char *path)
{
	size_t lo = 0, hi = s->nfiles;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->files[mid]->path, path);
		if (!c)
			return s->files[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct fact_ref *scan_next_ref(struct ref_iter *it)
{
	for (; it->fi < it->s->nfiles; it->fi++, it->i = 0) {
		const struct file_facts *ff = it->s->files[it->fi];
		if (ff->lang == it->lang && it->i < ff->nrefs)
			return &ff->refs[it->i++];
	}
	return NULL;
}

size_t scan_count_lang(const struct scan *s, enum lang l)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nfiles; i++)
		n += s->files[i]->lang == l;
	return n;
}
