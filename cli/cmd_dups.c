/*
 * cmd_dups.c - `unravel dups`: token clones and helper families
 * (analyzer/dups.h), as text, JSON (SPEC.md "dups") or SARIF 2.1.0.
 *
 * Settings (flags win): [unravel:dups] min_tokens, min_lines, max_groups,
 * min_similarity (percent), families (bool), allow (names or globs).
 * Exit 1 when more than max_groups (default 0) groups are not allowed.
 */
#include "cli.h"
#include "jsonw.h"
#include "../analyzer/dups.h"
#include "../analyzer/modindex.h"
#include "../analyzer/sarif.h"
#include "../analyzer/util.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SECTION "unravel:dups"
#define TEXT_MAX_LINES 30 /* source lines shown per group without -v */
#define TEXT_MAX_VALUES 6 /* values shown per varying token without -v */

static const char *const formats[] = {"text", "json", "sarif", NULL};

/* A non-negative integer setting: the flag if given, else the config, else dflt. -1 on a bad value. */
static int setting(const struct options *o, int flag, const char *key, int dflt, int *out)
{
	const struct config_entry *e;
	char *end;
	long v;
	if (flag >= 0) {
		*out = flag;
		return 0;
	}
	e = config_entry(&o->config, SECTION, key);
	if (!e) {
		*out = dflt;
		return 0;
	}
	v = strtol(e->value, &end, 10);
	if (end == e->value || *end || v < 0 || v > 1000000000) {
		fprintf(stderr, "%s:%d: error: '%s' must be a non-negative number, not '%s'\n",
			e->file, e->line, key, e->value);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Source lines, read again for display (the facts keep only hashes).      */

/* Line n (1-based) without its newline; NULL past the end. */
static const char *source_line(const struct source_lines *src, int n, int *len)
{
	const char *start, *end;
	if (n < 1 || (size_t)n > src->nlines)
		return NULL;
	start = src->buf + src->lines[n - 1];
	end = strchr(start, '\n');
	if (!end)
		end = start + strlen(start);
	if (end > start && end[-1] == '\r')
		end--;
	*len = (int)(end - start);
	return start;
}

static void sources_free(struct source_lines *cache, size_t n)
{
	for (size_t i = 0; i < n; i++)
		source_lines_release(&cache[i]);
	free(cache);
}

/* ---------------------------------------------------------------------- */
/* Text                                                                    */

static void text_group(FILE *f, const struct dup_group *g, size_t no, const struct scan *s,
		       struct source_lines *cache, int verbose)
{
	const struct dup_member *m0 = &g->members[0];
	const struct source_lines *src;
	int width = 0, last;

	if (g->kind == DUP_CLONE)
		fprintf(f, "clone %zu: type %d, %zu tokens, %d lines, %zu copies\n", no, g->type,
			g->tokens, g->lines, g->nmembers);
	else
		fprintf(f, "family %zu: %s, %zu helpers, %d%% similar, %zu removable tokens\n", no,
			g->name ? g->name : "?", g->nmembers, g->similarity, g->removable);
	for (size_t i = 0; i < g->nmembers; i++) {
		int w = snprintf(NULL, 0, "%s:%d-%d", g->members[i].path, g->members[i].start_line,
				 g->members[i].end_line);
		if (w > width)
			width = w;
	}
	for (size_t i = 0; i < g->nmembers; i++) {
		const struct dup_member *m = &g->members[i];
		struct strbuf line = STRBUF_INIT;
		sb_init(&line);
		sb_addf(&line, "%s:%d-%d", m->path, m->start_line, m->end_line);
		if (m->function || m->allowed)
			sb_addf(&line, "%*s", width - (int)line.len, "");
		if (m->function)
			sb_addf(&line, "  %s %s", g->kind == DUP_CLONE ? "in" : "def", m->function);
		if (m->allowed)
			sb_addf(&line, "  (allowed: %s)",
				m->allowed == DUP_ALLOW_MARKER ? "marker" : "config");
		fprintf(f, "  %s\n", line.buf);
		sb_release(&line);
	}
	if (g->kind == DUP_FAMILY) {
		if (g->home)
			fprintf(f, "  suggested home: %s\n", g->home);
		for (size_t v = 0; v < g->nvarying; v++) {
			size_t shown = g->nmembers;
			if (!verbose && shown > TEXT_MAX_VALUES)
				shown = TEXT_MAX_VALUES;
			fprintf(f, "  varies:");
			for (size_t i = 0; i < shown; i++) {
				const char *t = g->varying[v].text[i];
				fprintf(f, "%s", i ? " | " : " ");
				if (t)
					fprintf(f, "%s", t);
				else
					fprintf(f, "line %d", g->varying[v].line[i]);
			}
			if (shown < g->nmembers)
				fprintf(f, " | ... (%zu more)", g->nmembers - shown);
			fputc('\n', f);
		}
	}
	src = source_lines_get(&cache[m0->file], s->files[m0->file]->path);
	if (!src)
		return;
	last = m0->end_line;
	if (!verbose && last - m0->start_line + 1 > TEXT_MAX_LINES)
		last = m0->start_line + TEXT_MAX_LINES - 1;
	for (int n = m0->start_line; n <= last; n++) {
		int len;
		const char *line = source_line(src, n, &len);
		if (!line)
			break;
		if (len)
			fprintf(f, "    %5d | %.*s\n", n, len, line);
		else
			fprintf(f, "    %5d |\n", n);
	}
	if (last < m0->end_line)
		fprintf(f, "          | ... %d more lines (-v shows all)\n", m0->end_line - last);
}

static void emit_text(FILE *f, const struct dup_result *r, const struct scan *s, int verbose)
{
	struct source_lines *cache = xcalloc(s->nfiles ? s->nfiles : 1, sizeof(*cache));
	size_t nclone = 0, nfamily = 0, nallowed = 0, no = 0;
	for (int pass = 0; pass < 2; pass++) {
		int header = 0;
		for (size_t i = 0; i < r->ngroups; i++) {
			const struct dup_group *g = &r->groups[i];
			if (g->allowed != pass)
				continue;
			if (pass && !header) {
				fprintf(f, "%sallowed duplicates (justified by the config or an inline marker):\n\n",
					no ? "" : "");
				header = 1;
			}
			text_group(f, g, ++no, s, cache, verbose);
			fputc('\n', f);
			if (g->allowed)
				nallowed++;
			else if (g->kind == DUP_CLONE)
				nclone++;
			else
				nfamily++;
		}
	}
	fprintf(f, "%zu duplicate group%s (%zu clone%s, %zu famil%s)", nclone + nfamily,
		nclone + nfamily == 1 ? "" : "s", nclone, nclone == 1 ? "" : "s", nfamily,
		nfamily == 1 ? "y" : "ies");
	if (nallowed)
		fprintf(f, ", %zu allowed", nallowed);
	fprintf(f, "; %zu tokens in %zu files\n", r->stats.tokens, s->nfiles);
	sources_free(cache, s->nfiles);
}

/* ---------------------------------------------------------------------- */
/* JSON                                                                    */

/* One group, keys in sorted order (jsonw.h). */
static void json_group(struct jw *w, const struct dup_group *g)
{
	jw_open(w, '{');
	kv_bool(w, "allowed", g->allowed);
	if (g->kind != DUP_CLONE)
		kv_str(w, "home", g->home);
	kv_str(w, "kind", dup_kind_name(g->kind));
	kv_int(w, "lines", g->lines);
	jw_key(w, "members");
	jw_open(w, '[');
	for (size_t i = 0; i < g->nmembers; i++) {
		const struct dup_member *m = &g->members[i];
		jw_next(w);
		jw_open(w, '{');
		kv_int(w, "end_line", m->end_line);
		kv_str(w, "file", m->path);
		kv_str(w, "function", m->function);
		kv_int(w, "start_line", m->start_line);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	if (g->kind != DUP_CLONE)
		kv_str(w, "name", g->name ? g->name : "");
	kv_int(w, "removable_tokens", (long long)g->removable);
	if (g->kind != DUP_CLONE)
		kv_int(w, "similarity", g->similarity);
	kv_int(w, "tokens", (long long)g->tokens);
	if (g->kind == DUP_CLONE) {
		kv_int(w, "type", g->type);
	} else {
		jw_key(w, "varying");
		jw_open(w, '[');
		for (size_t v = 0; v < g->nvarying; v++) {
			jw_next(w);
			jw_open(w, '[');
			for (size_t i = 0; i < g->nmembers; i++) {
				jw_next(w);
				jw_open(w, '{');
				kv_int(w, "line", g->varying[v].line[i]);
				kv_str(w, "text", g->varying[v].text[i]); /* NULL: not UTF-8 */
				jw_close(w, '}');
			}
			jw_close(w, ']');
		}
		jw_close(w, ']');
	}
	jw_close(w, '}');
}

/* Groups [from, to) of the array, not the first, into their own buffer (a thread of its own). */
struct groups_part {
	const struct dup_result *r;
	size_t from, to;
	int depth;
	struct strbuf sb;
};

static void *format_groups(void *arg)
{
	struct groups_part *p = arg;
	struct jw w;
	memset(&w, 0, sizeof(w));
	w.sb = &p->sb;
	w.depth = p->depth; /* inside the array, after its first element */
	for (size_t i = p->from; i < p->to; i++) {
		jw_next(&w);
		json_group(&w, &p->r->groups[i]);
	}
	return NULL;
}

/* The second half of a long list is formatted on a second thread meanwhile. */
static void write_groups(struct jw *w, void *arg)
{
	const struct dup_result *r = arg;
	struct groups_part part = {r, r->ngroups, r->ngroups, 0, STRBUF_INIT};
	pthread_t th;
	int threaded = 0;

	jw_open(w, '[');
	if (r->ngroups >= 512) {
		part.from = r->ngroups / 2;
		part.depth = w->depth;
		sb_init(&part.sb);
		threaded = pthread_create(&th, NULL, format_groups, &part) == 0;
		if (!threaded) {
			part.from = r->ngroups;
			sb_release(&part.sb);
		}
	}
	for (size_t i = 0; i < part.from; i++) {
		jw_next(w);
		json_group(w, &r->groups[i]);
		jw_flush_if(w, 1 << 16);
	}
	if (threaded) {
		pthread_join(th, NULL);
		sb_add(w->sb, part.sb.buf, part.sb.len);
		sb_release(&part.sb);
	}
	jw_close(w, ']');
}

/* The groups are megabytes on a large tree: written directly, not as a jansson tree. */
static void emit_json(FILE *f, const struct dup_result *r)
{
	json_emit_with(json_doc("dups"), "groups", write_groups, (void *)r, f);
}

/* ---------------------------------------------------------------------- */
/* SARIF 2.1.0: one result per group; the other members are related locations. */

static const char *rule_id(enum dup_kind k)
{
	return k == DUP_FAMILY ? "unravel/helper-family" : "unravel/duplicate-code";
}

static void sarif_group(struct sarif *s, const struct dup_group *g)
{
	struct sarif_result *res;
	char *msg, hex[17];
	int marker = 0;

	if (g->kind == DUP_CLONE)
		msg = xstrfmt("type-%d clone of %zu tokens (%d lines) in %zu places", g->type, g->tokens,
			      g->lines, g->nmembers);
	else
		msg = xstrfmt("helper family %s: %zu functions %d%% similar; merging removes %zu "
			      "tokens%s%s",
			      g->name ? g->name : "?", g->nmembers, g->similarity, g->removable,
			      g->home ? "; suggested home " : "", g->home ? g->home : "");
	res = sarif_result(s, rule_id(g->kind), "warning", msg);
	free(msg);
	for (size_t i = 0; i < g->nmembers; i++) {
		const struct dup_member *m = &g->members[i];
		char *text = m->function ? xstrfmt("copy %zu of %zu (%s)", i + 1, g->nmembers,
						   m->function)
					 : xstrfmt("copy %zu of %zu", i + 1, g->nmembers);
		if (i == 0)
			sarif_result_location_span(res, m->path, m->start_line, m->end_line, text);
		else
			sarif_result_related_span(res, m->path, m->start_line, m->end_line, text);
		free(text);
		marker |= m->allowed == DUP_ALLOW_MARKER;
	}
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)g->fingerprint);
	sarif_result_fingerprint(res, g->kind == DUP_FAMILY ? "unravelHelperFamily/v1"
							    : "unravelDuplicate/v1",
				 hex);
	if (g->allowed)
		sarif_result_suppression(res, marker ? "inSource" : "external",
					 marker ? "unravel: allow-duplicate marker"
						: "[unravel:dups] allow");
}

static void emit_sarif(FILE *f, const struct dup_result *r)
{
	struct sarif s;
	sarif_init(&s);
	sarif_rule(&s, "unravel/duplicate-code", "DuplicateCode",
		   "Duplicated code: a type-1 (identical) or type-2 (renamed) clone",
		   "The same token sequence, at least --min-tokens long, appears in several places "
		   "(comments and whitespace ignored; type 2: identifiers and literals may differ).",
		   "warning");
	sarif_rule(&s, "unravel/helper-family", "HelperFamily",
		   "Near-identical helper functions that could be one",
		   "Functions whose names share a stem and whose bodies are similar: a single helper "
		   "taking the varying tokens as parameters would replace them.",
		   "warning");
	for (size_t i = 0; i < r->ngroups; i++)
		sarif_group(&s, &r->groups[i]);
	sarif_write(&s, f);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------------- */

/* The files' module names, asked for by the families' thread (opt.modules). */
struct module_names {
	const struct scan *s;
	struct modindex mi;
	const char **names;
};

static const char *const *module_names(void *arg)
{
	struct module_names *m = arg;
	modindex_build(&m->mi, m->s);
	m->names = xcalloc(m->s->nfiles ? m->s->nfiles : 1, sizeof(*m->names));
	for (size_t i = 0; i < m->s->nfiles; i++)
		m->names[i] = modindex_module(&m->mi, i);
	return m->names;
}

/*
 * What a run leaves to the process's exit: freeing the scan and the groups
 * block by block (hundreds of thousands of them, hundreds of mappings) took
 * ~4 ms of a 0.12 s run on the standard library, and the kernel takes the
 * pages back at exit at once. Kept here, they stay reachable (no leak for
 * valgrind or LeakSanitizer); sanitizer builds free them, so that freeing
 * them stays checked.
 */
#if defined(__SANITIZE_ADDRESS__)
#define FREE_AT_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FREE_AT_EXIT 1
#endif
#endif
#ifndef FREE_AT_EXIT
#define FREE_AT_EXIT 0
#endif
struct dups_left {
	struct scan s;
	struct dup_result r;
	struct module_names modules;
};
/* volatile: stores the compiler would otherwise drop, as nothing reads them */
static struct dups_left *volatile left_to_exit;

int cmd_dups(struct options *o)
{
	struct dup_options opt;
	struct dup_result r;
	struct scan s;
	struct module_names modules = {0};
	char **allow, *allow_root = NULL;
	int nallow, max_groups, rc = EXIT_CLEAN;
	size_t unjustified = 0;
	double t0, t1, t2;
	clock_t c1, c2;
	FILE *f;

	if (check_format(o, formats) < 0)
		return EXIT_FATAL;
	dup_options_init(&opt);
	if (setting(o, o->min_tokens, "min_tokens", 50, &opt.min_tokens) < 0 ||
	    setting(o, o->min_lines, "min_lines", 0, &opt.min_lines) < 0 ||
	    setting(o, o->max_groups, "max_groups", 0, &max_groups) < 0 ||
	    setting(o, -1, "min_similarity", opt.min_similarity, &opt.min_similarity) < 0)
		return EXIT_FATAL;
	if (opt.min_tokens < 1)
		return usage_error(o, "--min-tokens must be at least 1");
	if (opt.min_similarity > 100) {
		const struct config_entry *e = config_entry(&o->config, SECTION, "min_similarity");
		fprintf(stderr, "%s:%d: error: 'min_similarity' is a percentage (0-100), not '%s'\n",
			e->file, e->line, e->value);
		return EXIT_FATAL;
	}
	opt.families = config_get_bool(&o->config, SECTION, "families", 1);
	allow = config_get_list(&o->config, SECTION, "allow", &nallow);
	opt.allow = (const char *const *)allow;
	opt.nallow = nallow;
	if (o->config.source) {
		const char *slash = strrchr(o->config.source, '/');
		char *dir = slash ? xstrndup(o->config.source, (size_t)(slash - o->config.source))
				  : xstrdup(".");
		allow_root = path_display(dir);
		free(dir);
		opt.allow_root = allow_root;
	}

	t0 = now();
	o->scan.c_lexical = 1; /* C: tokens and function spans from the lexer, no libclang */
	o->scan.skip_refs = 1; /* no references needed (only made when no cache keeps them) */
	o->scan.keep_source = 1; /* the families' varying tokens are shown as text */
	if (run_scan(o, &s) < 0) {
		config_list_free(allow);
		free(allow_root);
		return EXIT_FATAL;
	}
	modules.s = &s;
	opt.modules = module_names;
	opt.modules_arg = &modules;
	t1 = now();
	c1 = clock();
	dups_find(&r, s.files, s.nfiles, &opt);
	c2 = clock();
	t2 = now();
	if (o->scan.verbose)
		fprintf(stderr,
			"unravel: dups: scan %.3f s, analysis %.3f s (%.3f s CPU); %zu tokens indexed, "
			"%zu bytes of clone index, %zu functions compared\n",
			t1 - t0, t2 - t1, (double)(c2 - c1) / CLOCKS_PER_SEC, r.stats.tokens,
			r.stats.index_bytes, r.stats.functions);

	f = open_output(o);
	if (format_is(o, "json"))
		emit_json(f, &r);
	else if (format_is(o, "sarif"))
		emit_sarif(f, &r);
	else
		emit_text(f, &r, &s, o->scan.verbose);
	if (close_output(o, f) < 0)
		rc = EXIT_FATAL;

	for (size_t i = 0; i < r.ngroups; i++)
		unjustified += !r.groups[i].allowed;
	if (rc == EXIT_CLEAN && unjustified > (size_t)max_groups)
		rc = EXIT_FOUND;
	if (FREE_AT_EXIT) {
		dups_release(&r);
		if (modules.names) {
			free(modules.names);
			modindex_release(&modules.mi);
		}
		scan_release(&s);
	} else {
		struct dups_left *left = xmalloc(sizeof(*left));
		left->s = s;
		left->r = r;
		left->modules = modules;
		left_to_exit = left;
	}
	config_list_free(allow);
	free(allow_root);
	return rc;
}
