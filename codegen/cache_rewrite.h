/*
 * cache_rewrite.h - `unravel gen cache-rewrite` (phase 2 of the
 * methodology): every legacy cache class consolidated into one unified cache
 * with a cache-type enum, as a patch (SPEC.md "Cache-call rewrites").
 *
 * Python (cache_rewrite.c), over the token stream of every file (exact
 * byte positions, so formatting and comments outside the rewritten tokens
 * stay as they are):
 *   - a construction `GreeksCache(args)` (however the class is reached:
 *     imported name, `module.GreeksCache`, a class defined in the file)
 *     becomes `UnifiedCache(cache_type=CacheType.GREEKS, args)`; positional
 *     arguments are given the names of the legacy __init__ parameters;
 *   - a method call on an instance of a legacy cache gains
 *     `cache_type=CacheType.GREEKS` (and `rename` is applied to its name).
 *     The instance's type is inferred from assignments to locals, module
 *     variables and attributes (`self.x = GreeksCache()`), parameter
 *     annotations (`Optional[X]`, `"X"`, `X | None`) and conditional
 *     expressions, through attribute chains (`self.algo.greeks_cache`), to a
 *     fixpoint; an attribute whose host type is unknown is typed by its
 *     name when every assignment to that name in the project agrees;
 *   - other references to a legacy class (annotations, isinstance) name the
 *     unified class;
 *   - imports of legacy classes or of their modules become one import of
 *     the unified class and the enum (only the names the file needs), and
 *     imports left unused are removed; files that need the enum but import
 *     nothing legacy get the import after their last top-level import;
 *   - a legacy module that held nothing but legacy classes and that nothing
 *     imports any more is deleted;
 *   - when the unified module does not exist it is written from
 *     templates/python/unified_cache.py.mustache, with the type-aware
 *     configuration (ttl and max size per cache type, taken from the legacy
 *     __init__ defaults where they are literals); a missing enum member is
 *     added to an existing enum.
 * What cannot be established is listed in the audit, never rewritten:
 * method calls on receivers whose type is unknown or ambiguous and whose
 * name says "cache", attribute reads on legacy instances, subclasses.
 *
 * C (cache_rewrite_c.c): the same over function prefixes: a call
 * `greeks_cache_OP(c, args)` becomes `unified_cache_OP(c, CACHE_GREEKS, args)`
 * (`greeks_cache_create()` -> `unified_cache_create(CACHE_GREEKS)`,
 * `greeks_cache_destroy(c)` -> `unified_cache_destroy(c)`), the legacy type
 * names follow, the legacy definitions are removed, and the unified cache is
 * written from templates/c/unified_cache.[ch].mustache when it is missing.
 * The names come from the same keys: `unified` UnifiedCache -> prefix
 * unified_cache, `cache_type` CacheType -> enum cache_type, members
 * CACHE_<LEGACY>.
 *
 * Configuration `[unravel:cache-rewrite]`: unified, cache_type, legacy,
 * rename (SPEC.md).
 *
 * Ownership rule: the functions below fill the caller's patch set and audit
 * buffer; everything else they allocate is theirs and freed before return.
 */
#ifndef UNRAVEL_CACHE_REWRITE_H
#define UNRAVEL_CACHE_REWRITE_H

#include "../analyzer/util.h"
#include "patch.h"

struct scan;
struct modindex;
struct config;
struct options;

struct cache_rewrite_opts {
	const struct config *cfg;
	const char *root;               /* scanned root (patch paths are relative to it) */
	const char *const *tmpl_dirs;   /* template folders, searched in order */
	int ntmpl_dirs;
};

/* Counters for the audit summary and tests. */
struct cache_rewrite_stats {
	int legacy, constructions, calls, references, imports, unresolved, attributes;
	int created, deleted;
	int unreadable; /* files that could not be read (warned): the patch leaves them out */
};

/*
 * Rewrite the Python files of the scan. Adds the changes to ps and a
 * human-readable audit (every construction, instance attribute holding a
 * cache, method call, import and unresolved instance, with file:line) to
 * audit. Returns 0, or -1 after an error message (bad configuration,
 * template error).
 */
int cache_rewrite_python(const struct scan *s, const struct modindex *mi,
			 const struct cache_rewrite_opts *opt, struct patch_set *ps,
			 struct strbuf *audit, struct cache_rewrite_stats *st);

/* The same for the C files of the scan. */
int cache_rewrite_c(const struct scan *s, const struct cache_rewrite_opts *opt,
		    struct patch_set *ps, struct strbuf *audit, struct cache_rewrite_stats *st);

/* "MarketDataCache" -> "MARKET_DATA" (CamelCase or snake_case; "Cache" alone -> "GENERAL"). Caller frees. */
char *cache_type_member(const char *legacy_name);

/* Entry point of `unravel gen cache-rewrite` (cli/gen_cache_rewrite.c). */
int gen_cache_rewrite(struct options *o);

#endif
