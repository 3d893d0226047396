/*
 * project.h - the analysis pipeline as commands use it: scan -> module
 * index -> import graph / manager graph, each built at most once.
 *
 * Ownership rule: a struct project owns everything it built;
 * project_release() frees it all.
 */
#ifndef UNRAVEL_PROJECT_H
#define UNRAVEL_PROJECT_H

#include "cli.h"
#include "../analyzer/graph.h"
#include "../analyzer/managers.h"
#include "../analyzer/modindex.h"
#include "../analyzer/scan.h"

struct project {
	struct options *o;
	struct scan scan;
	struct modindex mi;
	struct graph *imports;
	struct manager_graph managers;
	int have_managers;
};

/* Scan the PATHs and index modules. 0, or -1 (fatal; message printed). */
int project_load(struct project *p, struct options *o);
/* The import graph (built on first use). */
struct graph *project_imports(struct project *p);
/* The manager graph (built on first use); NULL on a fatal error (printed). */
struct manager_graph *project_managers(struct project *p);
/* The cycle mask for the import graph under the options (--type-checking, --scope). Caller frees. */
unsigned char *project_import_mask(struct project *p);
void project_release(struct project *p);

/* JSON array of the import roots used. */
json_t *project_roots_json(const struct project *p);

#endif
