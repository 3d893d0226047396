/* main.c - option parsing and the command table. */
#include "cli.h"
#include "../analyzer/diag.h"
#include "../analyzer/util.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const struct command cmd_table[] = {
	{"scan", cmd_scan, "unravel scan [PATH...] [--format text|json] [--show-config]",
	 "inventory: files per language and components per category (phase 1)", NULL},
	{"graph", cmd_graph,
	 "unravel graph [PATH...] --kind imports|managers [--format text|json|dot|svg] [-o FILE]",
	 "the import graph or the manager dependency graph", NULL},
	{"cycles", cmd_cycles,
	 "unravel cycles [PATH...] --kind imports|managers|all [--format text|json|sarif] "
	 "[--baseline FILE] [--write-baseline FILE] [--all-cycles [--max N]]",
	 "strongly connected components, shortest cycles and suggested cuts", NULL},
	{"dups", cmd_dups,
	 "unravel dups [PATH...] [--min-tokens N] [--min-lines N] [--max-groups N] "
	 "[--format text|json|sarif] [-o FILE]",
	 "duplicate code: token clones and helper families (phase 1.3 and 8)",
	 "Clones: code repeated at least --min-tokens tokens long (default 50; comments,\n"
	 "whitespace and docstrings do not count), type 1 when identical, type 2 when\n"
	 "names or literals differ. Families: functions whose names share a stem\n"
	 "(calculate_position_size in three modules; get_vix_data, get_market_data) and\n"
	 "whose bodies are similar, with a suggested home and the tokens that vary.\n"
	 "C files are read as text (no libclang, no compile_commands.json).\n"
	 "--min-lines N drops groups shorter than N lines; exit 1 only when more than\n"
	 "--max-groups N (default 0) groups are not allowed.\n"
	 "Settings in [unravel:dups]: min_tokens, min_lines, max_groups, min_similarity\n"
	 "(percent, default 75), families (true/false), allow (names or globs of functions\n"
	 "or paths whose duplicates are justified). A `# unravel: allow-duplicate` or\n"
	 "`/* unravel: allow-duplicate */` comment on or just above a copy justifies it.\n"
	 "Allowed groups are still listed (JSON \"allowed\": true) but do not fail.\n"},
	{"verify", cmd_verify, "unravel verify [PATH...] [--format text|json|sarif]",
	 "zero-tolerance gate: placeholders, unresolved imports, cycles (phase 10)", NULL},
	{"gen", cmd_gen,
	 "unravel gen factory|eventbus|cache-rewrite|render [PATH...] [--lang python|c] [-o FILE|DIR] "
	 "[--break-cycles] [--apply] [--dry-run] [--dump-context] [--templates DIR]",
	 "generate a ManagerFactory, event-bus adapters or cache-call rewrite patches", NULL},
	{"report", cmd_report, "unravel report [PATH...] -o report.html",
	 "one self-contained HTML page with every analysis", NULL},
	{"facts", cmd_facts, "unravel facts [PATH...] [--format json] [-v]",
	 "dump the per-file facts the frontends extract (debugging, golden tests)", NULL},
	{"hook", cmd_hook, "unravel hook install [--force] | unravel hook run [FILES...]",
	 "pre-commit cycle gate",
	 "`hook run` checks the import and manager cycles of the whole repository (from its\n"
	 "top level); when .unravel-baseline exists there, only cycles it does not record\n"
	 "fail (write it with `unravel cycles --kind all --write-baseline .unravel-baseline`).\n"
	 "FILES (as pre-commit passes them) only decide whether anything needs checking.\n"
	 "`hook install` writes .git/hooks/pre-commit calling `unravel hook run`; an existing\n"
	 "hook not written by unravel is kept unless --force (then saved as\n"
	 "pre-commit.unravel-backup). With the pre-commit framework, use the hook ids\n"
	 "unravel-cycles and unravel-verify from this repository's .pre-commit-hooks.yaml.\n"},
	{NULL, NULL, NULL, NULL, NULL},
};

static const char common_help[] =
	"Common options:\n"
	"  --config FILE            read settings from FILE (default: .unravel.ini or setup.cfg)\n"
	"  --python-path DIR        an import root (repeatable, like PYTHONPATH)\n"
	"  --compile-commands DIR   folder holding compile_commands.json (C)\n"
	"  --c-fallback-all         also parse the C files compile_commands.json leaves out\n"
	"  --c-timeout SECONDS      give up on a C file libclang has not parsed by then\n"
	"                           (default 10; 0: no bound)\n"
	"  --exclude GLOB           skip matching paths (repeatable)\n"
	"  --jobs N                 worker threads (default: number of CPUs)\n"
	"  --no-cache               do not read or write .unravel-cache/\n"
	"  --follow-symlinks        follow symbolic links (default: not followed)\n"
	"  --max-file-size BYTES    skip larger files with a warning (default 10 MB)\n"
	"  --external               keep nodes outside the project\n"
	"  -q, --quiet              no warnings on stderr\n"
	"  -v, --verbose            more detail\n"
	"  --version, --help, unravel help CMD\n"
	"Exit status: 0 nothing found, 1 found what the command gates on, 2 usage or fatal error.\n";

static const struct command *find_command(const char *name)
{
	for (const struct command *c = cmd_table; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static void print_help(FILE *f)
{
	fprintf(f, "usage: unravel COMMAND [PATH...] [OPTIONS]\n\n"
		   "unravel maps the import graph and the manager dependency graph of a Python\n"
		   "or C codebase, finds cycles and duplicate helpers, and generates refactoring\n"
		   "scaffolding.\n\nCommands:\n");
	for (const struct command *c = cmd_table; c->name; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->summary);
	fprintf(f, "\n%s", common_help);
}

static void print_command_help(FILE *f, const struct command *c)
{
	fprintf(f, "usage: %s\n\n%s.\n", c->usage, c->summary);
	if (c->help)
		fprintf(f, "\n%s", c->help);
	fprintf(f, "\n%s", common_help);
}

int usage_error(const struct options *o, const char *fmt, ...)
{
	va_list ap;
	const struct command *c = o->command ? find_command(o->command) : NULL;
	fputs("unravel: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (c)
		fprintf(stderr, "usage: %s\n", c->usage);
	else
		fprintf(stderr, "usage: unravel COMMAND [PATH...] [OPTIONS] (see unravel --help)\n");
	return EXIT_FATAL;
}

enum {
	OPT_CONFIG = 256, OPT_PYTHON_PATH, OPT_COMPILE_COMMANDS, OPT_EXCLUDE, OPT_JOBS,
	OPT_NO_CACHE, OPT_FORMAT, OPT_KIND, OPT_BASELINE, OPT_WRITE_BASELINE, OPT_ALL_CYCLES,
	OPT_MAX, OPT_MIN_TOKENS, OPT_MIN_LINES, OPT_MAX_GROUPS, OPT_LANG, OPT_BREAK_CYCLES,
	OPT_APPLY, OPT_DRY_RUN, OPT_DUMP_CONTEXT, OPT_TEMPLATES, OPT_TYPE_CHECKING, OPT_SCOPE,
	OPT_DEPTH, OPT_CONDENSE, OPT_NO_CONDENSE, OPT_SHOW_CONFIG, OPT_FOLLOW_SYMLINKS,
	OPT_MAX_FILE_SIZE, OPT_EXTERNAL, OPT_C_FALLBACK_ALL, OPT_C_TIMEOUT, OPT_VERSION, OPT_HELP, OPT_CACHE_DIR, OPT_FORCE,
};

static const struct option long_opts[] = {
	{"config", required_argument, NULL, OPT_CONFIG},
	{"python-path", required_argument, NULL, OPT_PYTHON_PATH},
	{"compile-commands", required_argument, NULL, OPT_COMPILE_COMMANDS},
	{"exclude", required_argument, NULL, OPT_EXCLUDE},
	{"jobs", required_argument, NULL, OPT_JOBS},
	{"no-cache", no_argument, NULL, OPT_NO_CACHE},
	{"cache-dir", required_argument, NULL, OPT_CACHE_DIR},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"kind", required_argument, NULL, OPT_KIND},
	{"output", required_argument, NULL, 'o'},
	{"baseline", required_argument, NULL, OPT_BASELINE},
	{"write-baseline", required_argument, NULL, OPT_WRITE_BASELINE},
	{"all-cycles", no_argument, NULL, OPT_ALL_CYCLES},
	{"max", required_argument, NULL, OPT_MAX},
	{"min-tokens", required_argument, NULL, OPT_MIN_TOKENS},
	{"min-lines", required_argument, NULL, OPT_MIN_LINES},
	{"max-groups", required_argument, NULL, OPT_MAX_GROUPS},
	{"lang", required_argument, NULL, OPT_LANG},
	{"break-cycles", no_argument, NULL, OPT_BREAK_CYCLES},
	{"apply", no_argument, NULL, OPT_APPLY},
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{"dump-context", no_argument, NULL, OPT_DUMP_CONTEXT},
	{"templates", required_argument, NULL, OPT_TEMPLATES},
	{"type-checking", no_argument, NULL, OPT_TYPE_CHECKING},
	{"scope", required_argument, NULL, OPT_SCOPE},
	{"depth", required_argument, NULL, OPT_DEPTH},
	{"condense", no_argument, NULL, OPT_CONDENSE},
	{"no-condense", no_argument, NULL, OPT_NO_CONDENSE},
	{"show-config", no_argument, NULL, OPT_SHOW_CONFIG},
	{"follow-symlinks", no_argument, NULL, OPT_FOLLOW_SYMLINKS},
	{"max-file-size", required_argument, NULL, OPT_MAX_FILE_SIZE},
	{"external", no_argument, NULL, OPT_EXTERNAL},
	{"c-fallback-all", no_argument, NULL, OPT_C_FALLBACK_ALL},
	{"c-timeout", required_argument, NULL, OPT_C_TIMEOUT},
	{"force", no_argument, NULL, OPT_FORCE},
	{"quiet", no_argument, NULL, 'q'},
	{"verbose", no_argument, NULL, 'v'},
	{"version", no_argument, NULL, OPT_VERSION},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

static int parse_int(const struct options *o, const char *opt, const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end || v < 0 || v > 1000000000)
		return usage_error(o, "option '--%s' needs a non-negative number, not '%s'", opt, s);
	*out = (int)v;
	return 0;
}

#define PUSH(arr, n, v)                                                        \
	do {                                                                   \
		(arr) = xrealloc((void *)(arr), sizeof(*(arr)) * (size_t)((n) + 1)); \
		(arr)[(n)++] = (v);                                            \
	} while (0)

/* Directory the config is looked up in: the first PATH, or its folder if it is a file. */
static char *config_dir(const struct options *o)
{
	struct stat st;
	const char *p = o->scan.npaths ? o->scan.paths[0] : ".";
	if (stat(p, &st) == 0 && !S_ISDIR(st.st_mode)) {
		const char *slash = strrchr(p, '/');
		return slash ? xstrndup(p, (size_t)(slash - p)) : xstrdup(".");
	}
	return xstrdup(p);
}

int main(int argc, char **argv)
{
	struct options o;
	const struct command *cmd;
	int c, rc, help = 0;
	const char **pos = NULL;
	int npos = 0;

	fault_init();
	memset(&o, 0, sizeof(o));
	o.argv0 = argv[0];
	o.max_cycles = 100;
	o.depth = -1;
	o.condense = -1;
	o.min_tokens = o.min_lines = o.max_groups = -1;
	o.scan.max_file_size = 10u * 1024 * 1024;
	o.scan.c_timeout = 10;

	if (argc < 2) {
		print_help(stderr);
		return EXIT_FATAL;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("unravel %s\n", UNRAVEL_VERSION);
		return EXIT_CLEAN;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_help(stdout);
		return EXIT_CLEAN;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			print_help(stdout);
			return EXIT_CLEAN;
		}
		cmd = find_command(argv[2]);
		if (!cmd)
			return usage_error(&o, "unknown command '%s'", argv[2]);
		print_command_help(stdout, cmd);
		return EXIT_CLEAN;
	}
	cmd = find_command(argv[1]);
	if (!cmd)
		return usage_error(&o, "unknown command '%s'", argv[1]);
	o.command = cmd->name;

	optind = 2;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-:o:qvh", long_opts, NULL)) != -1) {
		switch (c) {
		case 1: PUSH(pos, npos, optarg); break;
		case 'o': o.output = optarg; break;
		case 'q': o.scan.quiet = 1; break;
		case 'v': o.scan.verbose = 1; break;
		case 'h':
		case OPT_HELP: help = 1; break;
		case OPT_VERSION: printf("unravel %s\n", UNRAVEL_VERSION); { rc = EXIT_CLEAN; goto out; }
		case OPT_CONFIG: o.config_file = optarg; break;
		case OPT_PYTHON_PATH: PUSH(o.scan.python_path, o.scan.npython_path, optarg); break;
		case OPT_COMPILE_COMMANDS: o.scan.compile_commands = optarg; break;
		case OPT_EXCLUDE: PUSH(o.scan.excludes, o.scan.nexcludes, optarg); break;
		case OPT_JOBS:
			if (parse_int(&o, "jobs", optarg, &o.scan.jobs))
				{ rc = EXIT_FATAL; goto out; }
			break;
		case OPT_NO_CACHE: o.scan.no_cache = 1; break;
		case OPT_CACHE_DIR: o.scan.cache_dir = optarg; break;
		case OPT_FORMAT: o.format = optarg; break;
		case OPT_KIND: o.kind = optarg; break;
		case OPT_BASELINE: o.baseline = optarg; break;
		case OPT_WRITE_BASELINE: o.write_baseline = optarg; break;
		case OPT_ALL_CYCLES: o.all_cycles = 1; break;
		case OPT_MAX:
			if (parse_int(&o, "max", optarg, &o.max_cycles))
				{ rc = EXIT_FATAL; goto out; }
			break;
		case OPT_MIN_TOKENS:
			if (parse_int(&o, "min-tokens", optarg, &o.min_tokens))
				{ rc = EXIT_FATAL; goto out; }
			break;
		case OPT_MIN_LINES:
			if (parse_int(&o, "min-lines", optarg, &o.min_lines))
				{ rc = EXIT_FATAL; goto out; }
			break;
		case OPT_MAX_GROUPS:
			if (parse_int(&o, "max-groups", optarg, &o.max_groups))
				{ rc = EXIT_FATAL; goto out; }
			break;
		case OPT_LANG: o.lang = optarg; break;
		case OPT_BREAK_CYCLES: o.break_cycles = 1; break;
		case OPT_APPLY: o.apply = 1; break;
		case OPT_DRY_RUN: o.dry_run = 1; break;
		case OPT_DUMP_CONTEXT: o.dump_context = 1; break;
		case OPT_TEMPLATES: o.templates = optarg; break;
		case OPT_TYPE_CHECKING: o.type_checking = 1; break;
		case OPT_SCOPE: o.scope = optarg; break;
		case OPT_DEPTH:
			if (parse_int(&o, "depth", optarg, &o.depth))
				{ rc = EXIT_FATAL; goto out; }
			break;
		case OPT_CONDENSE: o.condense = 1; break;
		case OPT_NO_CONDENSE: o.condense = 0; break;
		case OPT_SHOW_CONFIG: o.show_config = 1; break;
		case OPT_FOLLOW_SYMLINKS: o.scan.follow_symlinks = 1; break;
		case OPT_MAX_FILE_SIZE: {
			int v;
			if (parse_int(&o, "max-file-size", optarg, &v))
				{ rc = EXIT_FATAL; goto out; }
			o.scan.max_file_size = (size_t)v;
			break;
		}
		case OPT_EXTERNAL: o.scan.external = 1; break;
		case OPT_C_FALLBACK_ALL: o.scan.c_fallback_all = 1; break;
		case OPT_C_TIMEOUT: {
			char *end;
			double v = strtod(optarg, &end);
			if (end == optarg || *end || !(v >= 0 && v <= 1e6))
				{ rc = usage_error(&o, "option '--c-timeout' needs a number of seconds, "
						   "not '%s'", optarg); goto out; }
			o.scan.c_timeout = v;
			break;
		}
		case OPT_FORCE: o.force = 1; break;
		case ':':
			{ rc = usage_error(&o, "option '%s' needs a value", argv[optind - 1]); goto out; }
		default:
			{ rc = usage_error(&o, "unknown option '%s'", argv[optind - 1]); goto out; }
		}
	}
	/* After "--" getopt stops: the rest are PATHs, even "-rf.py" (a file named with a dash). */
	for (; optind < argc; optind++)
		PUSH(pos, npos, argv[optind]);
	if (help) {
		print_command_help(stdout, cmd);
		{ rc = EXIT_CLEAN; goto out; }
	}
	if (o.scope && strcmp(o.scope, "module"))
		{ rc = usage_error(&o, "--scope takes 'module', not '%s'", o.scope); goto out; }
	o.args = pos;
	o.nargs = npos;

	/* gen and hook take a subcommand first; the rest are PATHs. */
	{
		int skip = (!strcmp(cmd->name, "gen") || !strcmp(cmd->name, "hook")) && npos ? 1 : 0;
		o.scan.paths = pos + skip;
		o.scan.npaths = npos - skip;
		if (!o.scan.npaths) {
			static const char *dot[] = {"."};
			o.scan.paths = dot;
			o.scan.npaths = 1;
		}
	}
	{
		char *dir = config_dir(&o);
		if (config_load(&o.config, o.config_file, dir) < 0) {
			free(dir);
			{ rc = EXIT_FATAL; goto out; }
		}
		free(dir);
		o.scan.config = &o.config;
	}

	rc = cmd->fn(&o);
out:
	diag_flush(o.scan.quiet);
	diag_clear();
	config_free(&o.config);
	free(pos);
	free(o.scan.python_path);
	free(o.scan.excludes);
	return rc;
}
