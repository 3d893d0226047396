/*
 * inventory.h - naming rules: which classes are "manager-like" (the nodes of
 * the manager graph) and which inventory categories of SPEC.md a component
 * belongs to (`unravel scan`, phase 1.1 of the methodology).
 *
 * A class is manager-like when its name ends with one of the suffixes
 * (CamelCase "VixManager" or snake_case "vix_manager" for C), starts with one
 * of the prefixes ("UnifiedCache"), matches an `include` glob, or derives
 * from a manager-like class; and it matches no `exclude` glob. Categories are
 * word matches: the class name and its bases split into words
 * ("UnifiedVIXManager" -> unified, vix, manager), and the module or file
 * path split the same way ("trading/risk/kelly.py" -> trading, risk, kelly).
 *
 * Excluded classes (default: test classes and exceptions, Test* / *Test /
 * *Tests / *TestCase / *Error / *Exception / *Warning) are neither managers
 * nor inventory components; nor are classes deriving from an excluded name
 * or from Exception / BaseException (AppRegistryNotReady).
 *
 * Everything is configurable in `[unravel:managers]` (`.unravel.ini` may say
 * `[managers]`): suffixes, prefixes, include, exclude, host (force the host
 * class), host_names (parameter/attribute names that hold the host object),
 * and category_NAME (the words of a category, e.g. category_risk). A key
 * replaces the default list; `extra_suffixes` / `extra_prefixes` /
 * `extra_host_names` add to it.
 *
 * Ownership rule: struct naming_rules owns its lists; naming_rules_release()
 * frees them.
 */
#ifndef UNRAVEL_INVENTORY_H
#define UNRAVEL_INVENTORY_H

#include <stdio.h>

#include "config.h"
#include "managers.h"

enum rule_list {
	RULE_SUFFIXES, RULE_PREFIXES, RULE_INCLUDE, RULE_EXCLUDE, RULE_HOST_NAMES, RULE__COUNT
};

struct rule_set {
	char **items; /* NULL-terminated */
	int n;
	char *origin; /* "default", or "file:line" of the key that set it */
	char **norm;  /* per item: its words, lowercase, '_'-joined ("StateMachine" -> "state_machine") */
};

struct naming_rules {
	struct rule_set lists[RULE__COUNT];
	struct rule_set words[CAT__COUNT]; /* category words (lowercase) */
	char *host;                        /* forced host class name, or NULL */
	char *host_origin;
};

/* Load defaults, then the [unravel:managers] keys of cfg (may be NULL). Never fails. */
void naming_rules_load(struct naming_rules *r, const struct config *cfg);
void naming_rules_release(struct naming_rules *r);

/* Name rule only (suffix, prefix, include, exclude): the base-class rule is the caller's. */
int naming_is_manager(const struct naming_rules *r, const char *name);
/* The name is excluded by an `exclude` glob (also blocks the base-class rule). */
int naming_is_excluded(const struct naming_rules *r, const char *name);
/*
 * Whether an attribute or parameter name looks like it holds a manager:
 * "liquidity_manager", "greeks_cache", "eventBus".
 */
int naming_attr_is_manager(const struct naming_rules *r, const char *attr);
/* Whether a parameter/attribute name conventionally holds the host ("algorithm", "algo"). */
int naming_is_host_name(const struct naming_rules *r, const char *name);

/*
 * Categories of a component: bit (1 << CAT_x) set when the name, one of the
 * bases (dotted as written; the last part counts) or the location (dotted
 * module or file path) has a word of the category. CAT_MANAGER is set by
 * the caller (manager-likeness also follows base classes).
 */
unsigned naming_categories(const struct naming_rules *r, const char *name, const char **bases,
			   int nbases, const char *location);
/* Only the name and bases part of the above (no location). */
unsigned naming_name_categories(const struct naming_rules *r, const char *name,
				const char **bases, int nbases);
/*
 * The one category shown for a graph node: the first of cache, event,
 * factory, state, risk, strategy, unified, manager in name_mask, else in
 * loc_mask, else "manager".
 */
const char *naming_primary_category(unsigned name_mask, unsigned loc_mask);

/* Print the effective rules, one `key = value  # origin` line each (scan --show-config). */
void naming_rules_print(const struct naming_rules *r, FILE *f);

#endif
