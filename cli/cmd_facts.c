/*
 * cmd_facts.c - `unravel facts`: the per-file facts every frontend
 * extracts, as JSON or a readable dump. The window onto the frontends for
 * golden tests and debugging: files in path order, facts in source order,
 * clone tokens only counted unless -v.
 */
#include "cli.h"
#include "jsonw.h"
#include "../analyzer/util.h"

#include <string.h>

#define S(x) ((x) ? (x) : "-")

static void file_text(const struct file_facts *ff, FILE *f, int verbose)
{
	fprintf(f, "%s (%s, %zu tokens, %d parse errors)\n", ff->path, lang_name(ff->lang),
		ff->ntokens, ff->parse_errors);
	for (size_t i = 0; i < ff->nimports; i++) {
		const struct fact_import *im = &ff->imports[i];
		fprintf(f, "  import %d:%d %s module=%s name=%s level=%d  | %s\n", im->line, im->col,
			scope_name(im->scope), im->module ? im->module : "", S(im->name), im->level,
			S(im->text));
	}
	for (size_t i = 0; i < ff->nclasses; i++) {
		const struct fact_class *k = &ff->classes[i];
		fprintf(f, "  class %d:%d-%d %s(", k->line, k->col, k->end_line, k->name);
		for (int j = 0; j < k->nbases; j++)
			fprintf(f, "%s%s", j ? ", " : "", k->bases[j]);
		fprintf(f, ")%s\n", k->is_protocol ? " protocol" : "");
	}
	for (size_t i = 0; i < ff->nfuncs + ff->nlexfuncs; i++) {
		const struct fact_func *fn = i < ff->nfuncs ? &ff->funcs[i] : &ff->lexfuncs[i - ff->nfuncs];
		fprintf(f, "  %s %d:%d-%d %s(", i < ff->nfuncs ? "def" : "lexdef", fn->line, fn->col,
			fn->end_line, fn->name);
		for (int j = 0; j < fn->nparams; j++)
			fprintf(f, "%s%s%s%s%s", j ? ", " : "", fn->params[j].name,
				fn->params[j].annotation ? ": " : "", fn->params[j].annotation ? fn->params[j].annotation : "",
				fn->params[j].has_default ? "=..." : "");
		fprintf(f, ") tokens=%u%s%s%s\n", fn->tok_end - fn->tok_start,
			fn->placeholder ? " placeholder" : "", fn->abstract ? " abstract" : "",
			fn->is_static ? " static" : "");
	}
	for (size_t i = 0; i < ff->nrefs; i++) {
		const struct fact_ref *r = &ff->refs[i];
		fprintf(f, "  ref %d:%d %s host=%s attr=%s value=%s in=%s/%s\n", r->line, r->col,
			ref_kind_name(r->kind), S(r->host), S(r->attr), S(r->value), S(r->cls),
			S(r->func));
	}
	for (size_t i = 0; i < ff->nnotes; i++)
		fprintf(f, "  note %d:%d %s %s\n", ff->notes[i].line, ff->notes[i].col,
			ff->notes[i].kind == NOTE_TODO ? "todo" : "allow_duplicate", ff->notes[i].text);
	if (verbose)
		for (size_t i = 0; i < ff->ntokens; i++)
			fprintf(f, "  token %u %08x %08x\n", ff->tokens[i].line, ff->tokens[i].exact,
				ff->tokens[i].norm);
}

/* A list of functions under key. */
static void funcs_json(struct jw *w, const char *key, const struct fact_func *funcs, size_t n)
{
	jw_key(w, key);
	jw_open(w, '[');
	for (size_t i = 0; i < n; i++) {
		const struct fact_func *f = &funcs[i];
		jw_next(w);
		jw_open(w, '{');
		kv_bool(w, "abstract", f->abstract);
		kv_str(w, "class", f->cls);
		kv_int(w, "col", f->col);
		kv_int(w, "end_line", f->end_line);
		kv_int(w, "line", f->line);
		kv_str(w, "name", f->name);
		jw_key(w, "params");
		jw_open(w, '[');
		for (int j = 0; j < f->nparams; j++) {
			jw_next(w);
			jw_open(w, '{');
			kv_str(w, "annotation", f->params[j].annotation);
			kv_bool(w, "has_default", f->params[j].has_default);
			kv_str(w, "name", f->params[j].name);
			jw_close(w, '}');
		}
		jw_close(w, ']');
		kv_bool(w, "placeholder", f->placeholder);
		kv_bool(w, "static", f->is_static);
		kv_int(w, "tok_start", f->tok_start);
		kv_int(w, "tokens", (long long)f->tok_end - (long long)f->tok_start);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

/* One file's facts, keys in sorted order. */
static void file_json(struct jw *w, const struct file_facts *ff, int verbose)
{
	jw_open(w, '{');
	jw_key(w, "classes");
	jw_open(w, '[');
	for (size_t i = 0; i < ff->nclasses; i++) {
		const struct fact_class *k = &ff->classes[i];
		jw_next(w);
		jw_open(w, '{');
		jw_key(w, "bases");
		jw_open(w, '[');
		for (int j = 0; j < k->nbases; j++) {
			jw_next(w);
			jw_string(w, k->bases[j]);
		}
		jw_close(w, ']');
		kv_int(w, "col", k->col);
		kv_int(w, "end_line", k->end_line);
		kv_bool(w, "is_protocol", k->is_protocol);
		kv_int(w, "line", k->line);
		kv_str(w, "name", k->name);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	funcs_json(w, "funcs", ff->funcs, ff->nfuncs);
	jw_key(w, "imports");
	jw_open(w, '[');
	for (size_t i = 0; i < ff->nimports; i++) {
		const struct fact_import *im = &ff->imports[i];
		int c = ff->lang == LANG_C;
		jw_next(w);
		jw_open(w, '{');
		if (c)
			kv_bool(w, "angled", im->angled);
		kv_int(w, "col", im->col);
		kv_int(w, "level", im->level);
		kv_int(w, "line", im->line);
		kv_str(w, "module", im->module);
		kv_str(w, "name", im->name);
		if (c)
			kv_str(w, "resolved", im->resolved);
		kv_str(w, "scope", scope_name(im->scope));
		kv_str(w, "text", im->text);
		if (c)
			kv_str(w, "tus", im->tus);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	kv_str(w, "lang", lang_name(ff->lang));
	if (ff->lang == LANG_C)
		funcs_json(w, "lexical_funcs", ff->lexfuncs, ff->nlexfuncs);
	jw_key(w, "notes");
	jw_open(w, '[');
	for (size_t i = 0; i < ff->nnotes; i++) {
		const struct fact_note *n = &ff->notes[i];
		jw_next(w);
		jw_open(w, '{');
		kv_int(w, "col", n->col);
		kv_str(w, "kind", n->kind == NOTE_TODO ? "todo" : "allow_duplicate");
		kv_int(w, "line", n->line);
		kv_str(w, "text", n->text);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	kv_int(w, "parse_errors", ff->parse_errors);
	kv_str(w, "path", ff->path);
	jw_key(w, "refs");
	jw_open(w, '[');
	for (size_t i = 0; i < ff->nrefs; i++) {
		const struct fact_ref *r = &ff->refs[i];
		jw_next(w);
		jw_open(w, '{');
		kv_str(w, "attr", r->attr);
		kv_str(w, "class", r->cls);
		kv_int(w, "col", r->col);
		kv_str(w, "func", r->func);
		kv_str(w, "host", r->host);
		kv_str(w, "kind", ref_kind_name(r->kind));
		kv_int(w, "line", r->line);
		kv_str(w, "value", r->value);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	if (verbose) {
		jw_key(w, "tokens");
		jw_open(w, '[');
		for (size_t i = 0; i < ff->ntokens; i++) {
			const struct fact_token *t = &ff->tokens[i];
			jw_next(w);
			jw_open(w, '[');
			jw_next(w);
			sb_addf(w->sb, "%u", t->exact);
			jw_next(w);
			sb_addf(w->sb, "%u", t->norm);
			jw_next(w);
			sb_addf(w->sb, "%u", t->line);
			jw_close(w, ']');
		}
		jw_close(w, ']');
	} else {
		kv_int(w, "tokens", (long long)ff->ntokens);
	}
	jw_close(w, '}');
}

/*
 * The document is what json_emit() writes, with the "files" array written
 * by file_json() where a marker string stands in the document.
 */
struct facts_args {
	const struct scan *s;
	int verbose;
};

static void write_files(struct jw *w, void *arg)
{
	const struct facts_args *a = arg;
	jw_open(w, '[');
	for (size_t i = 0; i < a->s->nfiles; i++) {
		jw_next(w);
		file_json(w, a->s->files[i], a->verbose);
		jw_flush_if(w, 1 << 16);
	}
	jw_close(w, ']');
}

static void emit_json(struct options *o, struct scan *s, FILE *f)
{
	struct facts_args a = {s, o->scan.verbose};
	json_emit_with(json_doc("facts"), "files", write_files, &a, f);
}

int cmd_facts(struct options *o)
{
	static const char *const formats[] = {"text", "json", NULL};
	struct scan s;
	FILE *f;
	int rc = EXIT_CLEAN;

	if (check_format(o, formats) < 0)
		return EXIT_FATAL;
	if (run_scan(o, &s) < 0) {
		scan_release(&s);
		return EXIT_FATAL;
	}
	f = open_output(o);
	if (format_is(o, "json"))
		emit_json(o, &s, f);
	else
		for (size_t i = 0; i < s.nfiles; i++)
			file_text(s.files[i], f, o->scan.verbose);
	if (close_output(o, f) < 0)
		rc = EXIT_FATAL;
	scan_release(&s);
	return rc;
}
