/* project.c - see project.h. */
#include "project.h"
#include "../analyzer/importgraph.h"
#include "../analyzer/util.h"

#include <string.h>

int project_load(struct project *p, struct options *o)
{
	memset(p, 0, sizeof(*p));
	p->o = o;
	if (run_scan(o, &p->scan) < 0)
		return -1;
	modindex_build(&p->mi, &p->scan);
	return 0;
}

struct graph *project_imports(struct project *p)
{
	if (!p->imports)
		p->imports = import_graph_build(&p->scan, &p->mi, p->o->scan.external);
	return p->imports;
}

struct manager_graph *project_managers(struct project *p)
{
	if (!p->have_managers) {
		if (managers_build(&p->managers, &p->scan, &p->mi, &p->o->config) < 0)
			return NULL;
		p->have_managers = 1;
	}
	return &p->managers;
}

unsigned char *project_import_mask(struct project *p)
{
	return import_cycle_mask(project_imports(p), p->o->type_checking,
				 p->o->scope && !strcmp(p->o->scope, "module"));
}

void project_release(struct project *p)
{
	if (p->have_managers)
		managers_release(&p->managers);
	graph_free(p->imports);
	modindex_release(&p->mi);
	scan_release(&p->scan);
	memset(p, 0, sizeof(*p));
}

json_t *project_roots_json(const struct project *p)
{
	json_t *a = json_array();
	for (int i = 0; i < p->mi.nroots; i++)
		json_array_append_new(a, json_string(p->mi.roots[i]));
	return a;
}
