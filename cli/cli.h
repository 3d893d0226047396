/*
 * cli.h - command dispatch (git's cmd_table habit): one command = one file
 * cli/cmd_NAME.c exporting `int cmd_NAME(struct options *o)`, listed once in
 * cmd_table[] (main.c). A command returns its exit status (EXIT_CLEAN,
 * EXIT_FOUND, EXIT_FATAL).
 *
 * Ownership rule: struct options and everything it points to belong to
 * main.c for the whole run; commands only read it.
 */
#ifndef UNRAVEL_CLI_H
#define UNRAVEL_CLI_H

#include <stdio.h>

#include <jansson.h>

#include "../analyzer/config.h"
#include "../analyzer/scan.h"

struct options {
	const char *command;
	struct scan_options scan;
	struct config config;
	const char *config_file;   /* --config */
	const char *format;        /* --format, NULL = text */
	const char *kind;          /* --kind */
	const char *output;        /* -o / --output */
	const char *baseline;      /* --baseline */
	const char *write_baseline;/* --write-baseline */
	int all_cycles, max_cycles;/* --all-cycles [--max N] */
	int type_checking;         /* --type-checking: count TYPE_CHECKING imports */
	const char *scope;         /* --scope module */
	int depth;                 /* --depth N (graph drawing), -1 = auto */
	int condense;              /* --condense / --no-condense; -1 = auto */
	int show_config;           /* scan --show-config */
	int min_tokens, min_lines, max_groups; /* dups; -1 = unset */
	const char *lang;          /* gen --lang */
	int break_cycles;          /* gen factory --break-cycles */
	int apply, dry_run;        /* gen cache-rewrite */
	int dump_context;          /* gen --dump-context */
	const char *templates;     /* --templates DIR */
	int force;                 /* hook install --force: replace a foreign hook */
	const char **args;         /* positional arguments after the command */
	int nargs;
	const char *argv0;
};

struct command {
	const char *name;
	int (*fn)(struct options *o);
	const char *usage;   /* one line: "unravel scan [PATH...] [--format text|json]" */
	const char *summary; /* one sentence for `unravel --help` */
	const char *help;    /* longer text for `unravel help CMD`, may be NULL */
};

extern const struct command cmd_table[];

int cmd_scan(struct options *o);
int cmd_graph(struct options *o);
int cmd_cycles(struct options *o);
int cmd_dups(struct options *o);
int cmd_verify(struct options *o);
int cmd_gen(struct options *o);
int cmd_report(struct options *o);
int cmd_hook(struct options *o);
int cmd_facts(struct options *o);

/* --- helpers shared by commands (cli/common.c) --- */

/* True when o->format is fmt (NULL format means "text"). */
int format_is(const struct options *o, const char *fmt);
/* Check o->format is one of the NULL-terminated list; else usage error (returns -1). */
int check_format(const struct options *o, const char *const *allowed);
/* Run the scan over o->scan.paths. 0 or -1 (fatal, message printed). */
int run_scan(struct options *o, struct scan *s);
/* Open -o FILE (or stdout). Dies with exit 2 when it cannot be created. */
FILE *open_output(const struct options *o);
/* Close what open_output returned; 0, or -1 after an error message (write failed). */
int close_output(const struct options *o, FILE *f);
/* A JSON document with "tool", "version", "command" set. */
json_t *json_doc(const char *command);
/*
 * Add "warnings" (every diag so far) and write doc (sorted keys, 2-space
 * indent, trailing newline) to f; frees doc.
 */
void json_emit(json_t *doc, FILE *f);
/* Usage error: print "unravel: error: ..." and the command's usage; returns EXIT_FATAL. */
int usage_error(const struct options *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
