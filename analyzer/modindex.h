/*
 * modindex.h - Python module resolution (SPEC.md "Python import roots").
 *
 * Maps project files to dotted module names and back, given the import
 * roots: a PATH that is a package (has __init__.py) is imported from its
 * parent; any other PATH is a root; folders without __init__.py are
 * namespace packages; --python-path DIRs override. When absolute imports do
 * not resolve from those roots, the folder that makes most of them resolve
 * is inferred and added (a project whose code lives in App/ and imports
 * core.x from App/core/x.py). C files are indexed by their relative path.
 *
 * Ownership rule: the index owns its strings (one arena); it borrows the
 * scan, which must outlive it.
 */
#ifndef UNRAVEL_MODINDEX_H
#define UNRAVEL_MODINDEX_H

#include "facts.h"

struct scan;

struct modindex {
	const struct scan *scan;
	const char **roots; /* root folders used, relative paths ("." for cwd), sorted */
	int nroots;
	const char **module_of; /* per scan file index: dotted module, or NULL (C files, or outside roots) */
	void *priv;             /* hash tables (private) */
	struct arena *arena;
};

/* Build the index over every Python file of the scan. Never fails. */
void modindex_build(struct modindex *mi, const struct scan *s);
void modindex_release(struct modindex *mi);

/* The dotted module name of a scanned file (by scan index), or NULL. */
const char *modindex_module(const struct modindex *mi, size_t file_index);
/* The scan file index of a module ("a.b" -> a/b.py or a/b/__init__.py), or -1. */
long modindex_file(const struct modindex *mi, const char *module);
/* Whether a module or package name exists in the project (a package may be a namespace folder). */
int modindex_exists(const struct modindex *mi, const char *module);

/*
 * Resolve one import of file ff (scan index fi) to the deepest project
 * module it names: `import a.b.c` -> a.b.c when it is a module, else a.b;
 * `from a.b import c` -> a.b.c when that is a module, else a.b; relative
 * imports from the file's package. Returns the module name (owned by the
 * index), or NULL when the import is not of a project module. *status gets:
 *   0  resolved to a project module
 *   1  external (the top-level name is not in the project)
 *   2  unresolved: it names the project (relative, or its top-level package
 *      is a project package) but no such module exists (verify's
 *      unresolved-import); also relative imports past the top.
 */
const char *modindex_resolve(const struct modindex *mi, size_t fi, const struct fact_import *imp,
			     int *status);

#endif
