/*
 * cmd_cycles.c - `unravel cycles --kind imports|managers|all`: one block per
 * SCC, exit 1 when there is one (baselines: only new ones count).
 */
#include "cli.h"
#include "cycle_gate.h"
#include "project.h"
#include "../analyzer/cycles.h"
#include "../analyzer/importgraph.h"
#include "../analyzer/util.h"

#include <stdlib.h>
#include <string.h>

/* Manager edges that constrain creation order. */
static unsigned char *creation_mask(const struct manager_graph *mg)
{
	unsigned char *m = xcalloc((size_t)mg->g->nedges + 1, 1);
	if (mg->creation_mask)
		memcpy(m, mg->creation_mask, (size_t)mg->g->nedges);
	return m;
}

int cmd_cycles(struct options *o)
{
	static const char *const formats[] = {"text", "json", "sarif", NULL};
	const char *kind = o->kind ? o->kind : "imports";
	struct project p;
	struct cycle_report reps[2];
	unsigned char *masks[2] = {NULL, NULL}, *strict[2] = {NULL, NULL};
	int nreps = 0, total = 0, rc;
	const struct cycle_report *rp[2] = {&reps[0], &reps[1]};
	struct cycle_gate gate;
	FILE *out;

	if (check_format(o, formats) < 0)
		return EXIT_FATAL;
	if (strcmp(kind, "imports") && strcmp(kind, "managers") && strcmp(kind, "all"))
		return usage_error(o, "--kind must be imports, managers or all, not '%s'", kind);
	o->scan.skip_tokens = 1; /* no clone tokens needed: a warm cache reads much less */
	o->scan.c_skip_bodies = !strcmp(kind, "imports"); /* C: only #include edges needed */
	o->scan.skip_refs = !strcmp(kind, "imports");
	if (project_load(&p, o) < 0)
		return EXIT_FATAL;
	if (!strcmp(kind, "imports") || !strcmp(kind, "all")) {
		struct graph *g = project_imports(&p);
		masks[nreps] = project_import_mask(&p);
		strict[nreps] = import_cycle_mask(g, 0, 1);
		cycles_analyze(&reps[nreps], g, "imports", masks[nreps], strict[nreps]);
		nreps++;
	}
	if (!strcmp(kind, "managers") || !strcmp(kind, "all")) {
		struct manager_graph *mg = project_managers(&p);
		if (!mg) {
			for (int i = 0; i < nreps; i++)
				cycles_release(&reps[i]);
			free(masks[0]);
			free(strict[0]);
			project_release(&p);
			return EXIT_FATAL;
		}
		strict[nreps] = creation_mask(mg);
		cycles_analyze(&reps[nreps], mg->g, "managers", NULL, strict[nreps]);
		nreps++;
	}
	for (int i = 0; i < nreps; i++)
		total += reps[i].n;
	/* Baselines (cycle_gate.h): --write-baseline records, --baseline lets only new cycles fail. */
	if (cycle_gate_init(&gate, rp, nreps, o->write_baseline ? NULL : o->baseline) < 0) {
		rc = EXIT_FATAL;
		goto out;
	}
	if (o->write_baseline) {
		rc = cycle_gate_write(&gate, o->write_baseline) < 0 ? EXIT_FATAL : EXIT_CLEAN;
		if (rc == EXIT_CLEAN && !o->scan.quiet)
			fprintf(stderr, "unravel: wrote %d cycle%s to %s\n", gate.cur.n,
				gate.cur.n == 1 ? "" : "s", o->write_baseline);
		goto out;
	}

	out = open_output(o);
	if (format_is(o, "json")) {
		json_t *doc = json_doc("cycles"), *sccs = json_array();
		json_object_set_new(doc, "kind", json_string(kind));
		json_object_set_new(doc, "roots", project_roots_json(&p));
		for (int i = 0; i < nreps; i++)
			for (int k = 0; k < reps[i].n; k++)
				json_array_append_new(sccs, cycles_scc_json(&reps[i], k));
		json_object_set_new(doc, "sccs", sccs);
		if (o->all_cycles) {
			json_t *all = json_array();
			int truncated = 0;
			for (int i = 0; i < nreps; i++)
				cycles_all_json(&reps[i], o->max_cycles, all, &truncated);
			json_object_set_new(doc, "all_cycles", all);
			json_object_set_new(doc, "all_cycles_truncated", json_boolean(truncated));
		}
		cycle_gate_json(doc, &gate);
		json_emit(doc, out);
	} else if (format_is(o, "sarif")) {
		cycle_gate_sarif(out, &gate);
	} else if (gate.file) {
		cycle_gate_print_text(out, &gate);
	} else {
		for (int i = 0; i < nreps; i++)
			cycles_print_text(out, &reps[i]);
		for (int i = 0; o->all_cycles && i < nreps; i++)
			cycles_print_all(out, &reps[i], o->max_cycles);
		if (!total)
			fprintf(out, "no %s cycles\n", !strcmp(kind, "all") ? "import or manager" :
						 !strcmp(kind, "imports") ? "import" : "manager");
		else
			fprintf(out, "%d cycle%s found\n", total, total == 1 ? "" : "s");
	}
	rc = close_output(o, out) < 0 ? EXIT_FATAL : cycle_gate_status(&gate);
out:
	cycle_gate_release(&gate);
	for (int i = 0; i < nreps; i++) {
		cycles_release(&reps[i]);
		free(masks[i]);
		free(strict[i]);
	}
	project_release(&p);
	return rc;
}
