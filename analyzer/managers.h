/*
 * managers.h - the manager dependency graph (issue 3) and the component
 * inventory. Built from the per-file facts of a scan (Python classes and
 * refs; C structs, fields, constructor functions and calls).
 *
 * Graph: node id = "module.ClassName" (Python) or the type name (C); an
 * edge A -> B means A needs B, with kind "ctor_param", "attribute",
 * "instantiation" or "field", and evidence (file, line, how).
 * order: layers over creation-time edges (ctor_param, instantiation) minus
 * cut; cut: graph_cut() over all edges (SPEC.md "managers").
 *
 * Ownership rule: a struct manager_graph owns its graph and arrays; its
 * strings live in g->arena. managers_release() frees everything.
 */
#ifndef UNRAVEL_MANAGERS_H
#define UNRAVEL_MANAGERS_H

#include "config.h"
#include "facts.h"
#include "graph.h"

struct scan;
struct modindex;

/* Inventory categories of SPEC.md, in this order. */
enum category {
	CAT_MANAGER, CAT_CACHE, CAT_STATE, CAT_UNIFIED, CAT_STRATEGY, CAT_RISK, CAT_EVENT,
	CAT_FACTORY, CAT__COUNT
};
const char *category_name(enum category c);

struct manager {
	const char *cls;      /* class / C type name: "VixManager", "vix_manager" */
	const char *module;   /* dotted module (Python) or file (C) */
	const char *file;
	int line;
	enum lang lang;
	const char *attr;     /* host attribute the project binds it to, or NULL */
	const char *name;     /* factory name: attr when bound, else snake_case(cls) */
	const char *category; /* first matching category name */
	struct fact_param *params; /* constructor params (Python __init__ without self; C ctor function) */
	int nparams;
	const char *ctor;     /* C: "vix_manager_create"; NULL for Python */
	const char *dtor;     /* C: "vix_manager_destroy" if it exists, else NULL */
	const char *import_module; /* Python: module to import the class from */
};

struct unresolved_access {
	const char *host, *attr, *file;
	int line;
};

struct registry_entry {
	const char *key, *cls, *file;
	int line;
};

/* A class whose attributes hold managers (a composition-root candidate). */
struct host_candidate {
	const char *cls, *module, *file;
	int line;
	int nmanagers; /* distinct attributes (and dict entries) bound to managers */
};

/* One inventory entry of `unravel scan`: a class, or a module without classes. */
struct component {
	const char *name; /* class / C type name, or the dotted module (C: the file) */
	const char *file;
	int line;
	unsigned categories; /* bit (1 << CAT_x) per category it belongs to */
	int is_module;
};

struct manager_graph {
	struct graph *g;          /* nodes are managers; node i <-> managers[i] after build */
	struct manager *managers; /* indexed like g->nodes */
	int nmanagers;
	const char *host_class;   /* the composition root, NULL if none found */
	const char *host_module, *host_file;
	int host_line;
	struct registry_entry *registry; /* name -> class registrations found */
	int nregistry;
	struct unresolved_access *unresolved; /* host.attr accesses that named nothing */
	int nunresolved;
	int *layer_of;  /* per node */
	int nlayers;
	int *cut;       /* edge indexes (graph_cut) */
	int ncut;
	unsigned char *creation_mask; /* per edge: 1 for ctor_param/instantiation */
	/* Classes binding two or more managers (and the host), most first, then by name. */
	struct host_candidate *hosts;
	int nhosts;
	/* Inventory: every class or module in at least one category, by name, file, line. */
	struct component *components;
	int ncomponents;
};

/* Build the manager graph of the scan. 0, or -1 on a fatal config error (printed). */
int managers_build(struct manager_graph *mg, const struct scan *s, const struct modindex *mi,
		   const struct config *cfg);
void managers_release(struct manager_graph *mg);

/* "MarketDataCache" -> "market_data_cache". Caller frees. */
char *snake_case(const char *name);

#endif
