/*
 * frontend.h - one struct per language, as Universal Ctags' parser
 * definitions: name, extensions, and the function that turns a source file
 * into a struct file_facts. Every frontend is listed once in frontends[]
 * (frontend.c). Adding a language = one file, one table line.
 *
 * frontend_python.c is the only file that includes pcre2.h;
 * frontend_c.c is the only file that includes clang-c/Index.h.
 */
#ifndef UNRAVEL_FRONTEND_H
#define UNRAVEL_FRONTEND_H

#include <stddef.h>

#include "facts.h"

struct scan;

struct frontend {
	const char *name;
	enum lang lang;
	const char *const *extensions; /* NULL-terminated, with the dot: ".py" */
	/* Optional, called once before any parse (single-threaded). 0 or -1 (fatal, message printed). */
	int (*init)(struct scan *s);
	/*
	 * Parse one file whose bytes are src[0..len) (NUL-terminated) into ff
	 * (ff->path and ff->lang are set). Must be thread-safe: it is called
	 * from --jobs worker threads. Problems are reported with diag_warn()
	 * and never abort; returns 0, or -1 when the file is skipped as a
	 * whole (binary, not text), in which case ff is discarded.
	 */
	int (*parse)(struct file_facts *ff, const char *src, size_t len, struct scan *s);
	/*
	 * Optional: a frontend that must see the whole project at once (C:
	 * translation units with compile flags) implements this instead of
	 * relying on parse() alone. It is called after every file of its
	 * language has been found and parse()d, on the worker thread that
	 * parsed the last of them, while files of other languages may still
	 * be parsed: the scan it gets holds only its own language's files
	 * (sorted by path). It changes their facts in place (it neither adds
	 * nor replaces entries of s->files) and touches no other field of the
	 * scan but frontend_state[its language] and c_tus. 0, or -1 on a fatal error
	 * (then it is called again at the end with the whole scan).
	 */
	int (*finish)(struct scan *s);
	void (*fini)(void);
};

extern const struct frontend *const frontends[]; /* NULL-terminated */
extern const struct frontend frontend_python;
extern const struct frontend frontend_c;

/* The frontend for path by its extension, or NULL. */
const struct frontend *frontend_for_path(const char *path);

#endif
