/*
 * cycle_gate.h - what `cycles` (and `hook run`) add on top of the cycle
 * reports: baselines (--write-baseline, --baseline: only new cycles fail),
 * and SARIF output. cmd_cycles.c builds the reports; this turns them into
 * a verdict.
 *
 * Ownership rule: a struct cycle_gate borrows the reports (they must
 * outlive it) and owns the baselines it builds or reads;
 * cycle_gate_release() frees them.
 */
#ifndef UNRAVEL_CYCLE_GATE_H
#define UNRAVEL_CYCLE_GATE_H

#include <stdio.h>

#include <jansson.h>

#include "../analyzer/baseline.h"
#include "../analyzer/cycles.h"

struct cycle_gate {
	const struct cycle_report *const *reps;
	int nreps;
	struct baseline cur;  /* this run's cycles: entry k = item item_of[k] of report rep_of[k] */
	int *rep_of, *item_of;
	const char *file;     /* the --baseline file, or NULL */
	struct baseline old;  /* its entries of the kinds analysed in this run */
	struct baseline_diff diff; /* valid when file */
};

/*
 * Collect the cycles of reps[0..nreps) and, when baseline_file is given,
 * read it and compare. 0, or -1 after an error message (unreadable or
 * malformed baseline: a usage problem, exit 2).
 */
int cycle_gate_init(struct cycle_gate *g, const struct cycle_report *const *reps, int nreps,
		    const char *baseline_file);
void cycle_gate_release(struct cycle_gate *g);

/* The baseline state of item i of report r (BASELINE_NEW when there is no baseline). */
enum baseline_state cycle_gate_state(const struct cycle_gate *g, const struct cycle_report *r,
				     int i);
/* Exit status: EXIT_FOUND when a cycle fails (any cycle without a baseline, new ones with one). */
int cycle_gate_status(const struct cycle_gate *g);

/* --write-baseline FILE: every cycle of this run. 0, or -1 after an error message. */
int cycle_gate_write(const struct cycle_gate *g, const char *path);

/*
 * Text with a baseline: the failing cycles in full (why each fails), then
 * the gone and stale entries and how to shrink the baseline.
 */
void cycle_gate_print_text(FILE *f, const struct cycle_gate *g);
/* JSON with a baseline: "new" (failing cycles, as in "sccs") and "gone" (same shape). */
void cycle_gate_json(json_t *doc, const struct cycle_gate *g);
/* The whole result as a SARIF 2.1.0 log (baselineState set when there is a baseline). */
void cycle_gate_sarif(FILE *f, const struct cycle_gate *g);

#endif
