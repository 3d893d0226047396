/*
 * verify.h - the zero-tolerance gate of phase 10 (`unravel verify`).
 *
 * Rules (SPEC.md "verify"):
 *   placeholder        a function whose body is only `pass`, `...`,
 *                      `raise NotImplementedError` or a docstring (C: an
 *                      empty body, or one holding only a comment), and every
 *                      comment holding one of the marker words T-O-D-O,
 *                      F-I-X-M-E, X-X-X or "placeholder" (spelt out here so
 *                      that unravel's own source verifies clean). Abstract
 *                      methods, @overload stubs, Protocol classes and .pyi
 *                      files are interfaces, not placeholders (the frontends
 *                      mark them `abstract`).
 *   unresolved-import  a Python import naming the project (relative, or its
 *                      top-level package is a project package) that resolves
 *                      to no module (modindex_resolve() status 2); a C
 *                      `#include "..."` that names no file.
 *   cycle              one finding per strongly connected component of the
 *                      import graph (type_checking imports excluded, as
 *                      `cycles`) and of the manager graph.
 *
 * Configuration, `[unravel:verify]`: `disable = RULE, ...` turns rules off;
 * `exclude = GLOB, ...` drops findings in matching files (globs as
 * --exclude, matched against the path shown and the path relative to each
 * scanned PATH).
 *
 * Ownership rule: a struct verify_result owns its findings and their
 * strings (one arena); verify_release() frees them.
 */
#ifndef UNRAVEL_VERIFY_H
#define UNRAVEL_VERIFY_H

#include <stddef.h>

#include "config.h"

struct scan;
struct modindex;

enum verify_rule { VERIFY_PLACEHOLDER, VERIFY_UNRESOLVED_IMPORT, VERIFY_CYCLE, VERIFY__COUNT };

/* "placeholder", "unresolved-import", "cycle". */
const char *verify_rule_name(enum verify_rule r);

struct verify_finding {
	enum verify_rule rule;
	const char *file; /* relative to the current directory */
	int line, col;    /* 0 when unknown */
	const char *message;
};

struct verify_result {
	struct verify_finding *v; /* sorted by file, line, col, rule, message */
	size_t n, alloc;
	int counts[VERIFY__COUNT];
	struct arena *arena;
};

/*
 * Run every enabled rule over the scan (mi built over it). Returns 0, or -1
 * after printing "path:line: error: ..." for a bad `[unravel:verify]` key
 * (an unknown rule name) or a fatal manager-graph configuration error.
 */
int verify_run(struct verify_result *r, const struct scan *s, const struct modindex *mi,
	       const struct config *cfg);
void verify_release(struct verify_result *r);

#endif
