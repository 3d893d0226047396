/*
 * generator.h - one struct per generator, as frontends have one struct per
 * language: `unravel gen NAME` finds NAME in generators[] and runs it.
 * Adding a generator = one file, one table line, its templates.
 *
 * A generator gets everything already analysed (the scan, the manager graph,
 * the config) in a struct gen_request, builds its JSON context (context.h),
 * renders its templates in strict mode (template.h) and writes the files.
 *
 * Ownership rule: the request and everything it points to belong to the
 * caller (cli/cmd_gen.c) and outlive the generator's run.
 */
#ifndef UNRAVEL_GENERATOR_H
#define UNRAVEL_GENERATOR_H

#include <stddef.h>

#include <jansson.h>

#include "../analyzer/config.h"
#include "../analyzer/managers.h"
#include "../analyzer/scan.h"

struct gen_request {
	const char *lang;         /* "python" or "c" (checked against the generator's langs) */
	const char *output;       /* -o FILE or DIR; NULL: the generator's default */
	int break_cycles;         /* --break-cycles */
	int dump_context;         /* --dump-context: print the JSON context instead of rendering */
	/* Template folders, searched in order (--templates DIR/<lang>, DIR, built-in/<lang>). */
	const char *const *template_dirs;
	int ntemplate_dirs;
	const char *command_line; /* "unravel gen factory ... --lang python", for the file headers */
	const struct config *cfg;
	const struct scan *scan;
	const struct manager_graph *mg;
};

struct generator {
	const char *name;              /* the subcommand: "factory" */
	const char *const *langs;      /* NULL-terminated: "python", "c" */
	const char *default_output;    /* shown in help; NULL = stdout */
	/*
	 * Generate. Returns the exit status: EXIT_CLEAN, EXIT_FOUND (the input
	 * has what the generator refuses, e.g. a creation-time cycle without
	 * --break-cycles; reported on stderr), or EXIT_FATAL (template error,
	 * unwritable output, unresolvable constructor parameter; reported).
	 */
	int (*run)(const struct gen_request *rq);
};

extern const struct generator gen_factory;
extern const struct generator gen_eventbus;
extern const struct generator *const generators[]; /* NULL-terminated */

/* The generator called name, or NULL. */
const struct generator *generator_find(const char *name);

/*
 * Render template `name` of rq's folders with ctx (strict mode) into *out
 * (caller frees). 0, or -1 after printing the template error to stderr.
 */
int gen_render(const struct gen_request *rq, const char *name, json_t *ctx, char **out,
	       size_t *len);

/*
 * Write data to path (atomically), creating nothing else; "-" or NULL path
 * writes to stdout. 0, or -1 after an error message.
 */
int gen_write(const char *path, const char *data, size_t len);

#endif
