/*
 * cmd_verify.c - `unravel verify`: the phase-10 gate (analyzer/verify.h).
 * Text is one GCC-style line per finding, `path:line:col: rule: message`,
 * then a count; JSON and SARIF as SPEC.md says. Exit 1 on any finding.
 */
#include "cli.h"
#include "../analyzer/modindex.h"
#include "../analyzer/sarif.h"
#include "../analyzer/util.h"
#include "../analyzer/verify.h"

#include <string.h>

static void print_text(FILE *f, const struct verify_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct verify_finding *v = &r->v[i];
		fprintf(f, "%s:%d:%d: %s: %s\n", v->file ? v->file : "-", v->line, v->col,
			verify_rule_name(v->rule), v->message);
	}
	if (!r->n) {
		fputs("verify: clean (no placeholders, unresolved imports or cycles)\n", f);
		return;
	}
	fprintf(f, "verify: %zu finding%s (%d placeholder, %d unresolved-import, %d cycle)\n", r->n,
		r->n == 1 ? "" : "s", r->counts[VERIFY_PLACEHOLDER],
		r->counts[VERIFY_UNRESOLVED_IMPORT], r->counts[VERIFY_CYCLE]);
}

static void print_json(FILE *f, const struct verify_result *r)
{
	json_t *doc = json_doc("verify"), *arr = json_array(), *counts = json_object();
	for (size_t i = 0; i < r->n; i++) {
		const struct verify_finding *v = &r->v[i];
		json_array_append_new(arr, json_pack("{s:s, s:s?, s:i, s:i, s:s}", "rule",
						     verify_rule_name(v->rule), "file", v->file,
						     "line", v->line, "col", v->col, "message",
						     v->message));
	}
	for (int k = 0; k < VERIFY__COUNT; k++)
		json_object_set_new(counts, verify_rule_name((enum verify_rule)k),
				    json_integer(r->counts[k]));
	json_object_set_new(doc, "findings", arr);
	json_object_set_new(doc, "counts", counts);
	json_emit(doc, f);
}

static void print_sarif(FILE *f, const struct verify_result *r)
{
	struct sarif s;
	sarif_init(&s);
	sarif_rule(&s, "unravel/placeholder", "Placeholder",
		   "placeholder function body or TODO comment",
		   "A function whose body is only pass, ..., raise NotImplementedError or a "
		   "docstring (C: an empty body), or a TODO/FIXME/XXX/placeholder comment. "
		   "Abstract methods, Protocol classes and .pyi stubs are not placeholders.",
		   "error");
	sarif_rule(&s, "unravel/unresolved-import", "UnresolvedImport",
		   "project import that resolves to nothing",
		   "An import naming the project (relative, or under a project package) for "
		   "which no module exists: a typo or a deleted module.",
		   "error");
	sarif_rule(&s, "unravel/cycle", "Cycle", "import or manager dependency cycle",
		   "A strongly connected component of the import graph or the manager "
		   "dependency graph; the message gives a shortest cycle.",
		   "error");
	for (size_t i = 0; i < r->n; i++) {
		const struct verify_finding *v = &r->v[i];
		char *id = xstrfmt("unravel/%s", verify_rule_name(v->rule));
		struct sarif_result *res = sarif_result(&s, id, "error", v->message);
		sarif_result_location(res, v->file ? v->file : ".", v->line, v->col, NULL);
		free(id);
	}
	sarif_write(&s, f);
}

int cmd_verify(struct options *o)
{
	static const char *const formats[] = {"text", "json", "sarif", NULL};
	struct scan s;
	struct modindex mi;
	struct verify_result r;
	FILE *f;
	int rc;

	if (check_format(o, formats) < 0)
		return EXIT_FATAL;
	memset(&s, 0, sizeof(s));
	if (run_scan(o, &s) < 0) {
		scan_release(&s);
		return EXIT_FATAL;
	}
	modindex_build(&mi, &s);
	if (verify_run(&r, &s, &mi, &o->config) < 0) {
		verify_release(&r);
		modindex_release(&mi);
		scan_release(&s);
		return EXIT_FATAL;
	}
	f = open_output(o);
	if (format_is(o, "json"))
		print_json(f, &r);
	else if (format_is(o, "sarif"))
		print_sarif(f, &r);
	else
		print_text(f, &r);
	rc = r.n ? EXIT_FOUND : EXIT_CLEAN;
	if (close_output(o, f) < 0)
		rc = EXIT_FATAL;
	verify_release(&r);
	modindex_release(&mi);
	scan_release(&s);
	return rc;
}
