/*
 * scan.h - files -> frontend -> per-file facts, for a whole project.
 *
 * scan_run() walks the PATHs (skipping --exclude globs, hidden folders,
 * __pycache__, and symlinks unless follow_symlinks), reads and parses every
 * file on `jobs` threads, and leaves the facts sorted by path, so every
 * later step is deterministic whatever the thread count.
 *
 * Ownership rule: a struct scan owns its facts and strings; scan_release()
 * frees them. Options are borrowed from the caller (cli/options.c).
 */
#ifndef UNRAVEL_SCAN_H
#define UNRAVEL_SCAN_H

#include <stddef.h>

#include "config.h"
#include "facts.h"

struct scan_options {
	const char **paths; /* PATH arguments ("." when none) */
	int npaths;
	const char **excludes; /* --exclude GLOB, fnmatch against the relative path and each component */
	int nexcludes;
	const char **python_path; /* --python-path DIR */
	int npython_path;
	const char *compile_commands; /* --compile-commands DIR */
	const char *cache_dir;        /* NULL: default (.unravel-cache at the first root) */
	int jobs;                     /* worker threads; 0 = online CPUs */
	int no_cache;
	int follow_symlinks;
	size_t max_file_size; /* bytes; files above it are skipped with a warning */
	int quiet, verbose;
	int external; /* --external: keep nodes outside the project */
	int c_fallback_all; /* --c-fallback-all: parse C files a compile_commands.json leaves out */
	int c_skip_bodies;  /* the command needs only #include edges of C files, not function bodies */
	int c_lexical;      /* C facts from the lexer only (tokens, notes, lexfuncs, #include
			     * spellings): no libclang, no TU cache; for commands that need
			     * no more (dups) */
	double c_timeout;   /* --c-timeout: seconds a C translation unit may take to parse; 0: no bound */
	int skip_tokens; /* the command needs no clone tokens: facts from the cache may have none,
			  * and with no cache written, frontends need not make them */
	int skip_refs;   /* the command needs only imports: with no cache written, frontends need
			  * not record references (attribute chains, calls, registrations) */
	int keep_source; /* the facts of the files read keep their bytes (file_facts.source) */
	struct config *config;
};

/* What the C frontend's translation units gave (its finish() fills it). */
struct scan_c_summary {
	int tus;        /* translation units */
	int clean;      /* parsed (now or in a cached run) without an error */
	int from_cache; /* taken from the TU cache */
	int timed_out;  /* given up after --c-timeout */
	int not_tried;  /* not parsed: too many others had been given up */
};

struct scan {
	const struct scan_options *opt;
	struct file_facts **files; /* sorted by path */
	size_t nfiles, alloc_files;
	size_t nread; /* files actually read and parsed (not taken from the cache) */
	size_t ncached; /* files whose facts came from the cache (cache.c) */
	/*
	 * Files and folders that could not be stat()ed, opened or read (each
	 * warned about): the facts are incomplete for a reason that is not
	 * the files' content. Commands that write (gen cache-rewrite --apply)
	 * refuse to act on an incomplete picture.
	 */
	size_t nunreadable;
	void *cache;    /* private state of cache.c, NULL when the cache is off */
	void *frontend_state[8]; /* per-frontend private state, indexed by enum lang */
	void *source_chunks;     /* where kept sources lie (scan.c), freed by scan_release() */
	struct scan_c_summary c_tus;
};

/*
 * For a frontend, during the scan: size bytes (8-aligned) that live as long
 * as the scan, in the calling worker's chunk of kept sources, when the scan
 * keeps sources (opt->keep_source, no cache); else NULL (use malloc).
 */
void *scan_keep(struct scan *s, size_t size);

/* Scan everything. 0, or -1 on a fatal error (message printed: unreadable PATH). */
int scan_run(struct scan *s, const struct scan_options *opt);
void scan_release(struct scan *s);

/* The facts for a relative path, or NULL. */
struct file_facts *scan_find(const struct scan *s, const char *path);
/*
 * Every reference of the files of one language, in file order:
 *
 *	struct ref_iter it = {s, LANG_PYTHON, 0, 0};
 *	while ((r = scan_next_ref(&it)))
 *		... s->files[it.fi] is the file of r ...
 */
struct ref_iter {
	const struct scan *s;
	enum lang lang;
	size_t fi, i; /* the file of the reference returned last; the next reference in it */
};
const struct fact_ref *scan_next_ref(struct ref_iter *it);

/* Count files of a language. */
size_t scan_count_lang(const struct scan *s, enum lang l);

/*
 * Normalise a path for display: relative to the current directory when it
 * is under it, '/'-separated, no "./" prefix, no "a/../". Caller frees.
 */
char *path_display(const char *path);

/*
 * path (as path_display() shows it) relative to the folder root, or NULL
 * when it is not under root. Caller frees.
 */
char *path_relative_to(const char *root, const char *path);

/* fnmatch-style glob test used for --exclude and config globs (with ** for any depth). */
int glob_match(const char *pattern, const char *path);

#endif
