/*
 * cmd_facts.c - `unravel facts`: the per-file facts every frontend
 * extracts, as JSON or a readable dump. The window onto the frontends for
 * golden tests and debugging: files in path order, facts in source order,
 * clone tokens only counted unless -v.
 */
#include "cli.h"
#include "../analyzer/util.h"

#include <string.h>

/*
 * A JSON string; bytes that are not UTF-8 (a file decoded by a coding
 * cookie never has them, but a frontend's recovery might) become '?'
 * rather than making jansson refuse the value.
 */
static json_t *jstr(const char *s)
{
	json_t *j;
	char *copy;
	if (!s)
		return json_null();
	j = json_string(s);
	if (j)
		return j;
	copy = xstrdup(s);
	for (char *p = copy; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j ? j : json_null();
}

static json_t *imports_json(const struct file_facts *ff)
{
	json_t *a = json_array();
	for (size_t i = 0; i < ff->nimports; i++) {
		const struct fact_import *im = &ff->imports[i];
		json_t *o = json_object();
		json_object_set_new(o, "module", jstr(im->module));
		json_object_set_new(o, "name", jstr(im->name));
		json_object_set_new(o, "level", json_integer(im->level));
		json_object_set_new(o, "line", json_integer(im->line));
		json_object_set_new(o, "col", json_integer(im->col));
		json_object_set_new(o, "scope", json_string(scope_name(im->scope)));
		json_object_set_new(o, "text", jstr(im->text));
		if (ff->lang == LANG_C) {
			json_object_set_new(o, "resolved", jstr(im->resolved));
			json_object_set_new(o, "tus", jstr(im->tus));
			json_object_set_new(o, "angled", json_boolean(im->angled));
		}
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *classes_json(const struct file_facts *ff)
{
	json_t *a = json_array();
	for (size_t i = 0; i < ff->nclasses; i++) {
		const struct fact_class *k = &ff->classes[i];
		json_t *o = json_object(), *b = json_array();
		json_object_set_new(o, "name", jstr(k->name));
		json_object_set_new(o, "line", json_integer(k->line));
		json_object_set_new(o, "col", json_integer(k->col));
		json_object_set_new(o, "end_line", json_integer(k->end_line));
		for (int j = 0; j < k->nbases; j++)
			json_array_append_new(b, jstr(k->bases[j]));
		json_object_set_new(o, "bases", b);
		json_object_set_new(o, "is_protocol", json_boolean(k->is_protocol));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *funcs_json(const struct file_facts *ff)
{
	json_t *a = json_array();
	for (size_t i = 0; i < ff->nfuncs; i++) {
		const struct fact_func *f = &ff->funcs[i];
		json_t *o = json_object(), *p = json_array();
		json_object_set_new(o, "name", jstr(f->name));
		json_object_set_new(o, "class", jstr(f->cls));
		json_object_set_new(o, "line", json_integer(f->line));
		json_object_set_new(o, "col", json_integer(f->col));
		json_object_set_new(o, "end_line", json_integer(f->end_line));
		for (int j = 0; j < f->nparams; j++) {
			json_t *q = json_object();
			json_object_set_new(q, "name", jstr(f->params[j].name));
			json_object_set_new(q, "annotation", jstr(f->params[j].annotation));
			json_object_set_new(q, "has_default", json_boolean(f->params[j].has_default));
			json_array_append_new(p, q);
		}
		json_object_set_new(o, "params", p);
		json_object_set_new(o, "tokens", json_integer((json_int_t)(f->tok_end - f->tok_start)));
		json_object_set_new(o, "tok_start", json_integer(f->tok_start));
		json_object_set_new(o, "placeholder", json_boolean(f->placeholder));
		json_object_set_new(o, "abstract", json_boolean(f->abstract));
		json_object_set_new(o, "static", json_boolean(f->is_static));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *refs_json(const struct file_facts *ff)
{
	json_t *a = json_array();
	for (size_t i = 0; i < ff->nrefs; i++) {
		const struct fact_ref *r = &ff->refs[i];
		json_t *o = json_object();
		json_object_set_new(o, "kind", json_string(ref_kind_name(r->kind)));
		json_object_set_new(o, "class", jstr(r->cls));
		json_object_set_new(o, "func", jstr(r->func));
		json_object_set_new(o, "host", jstr(r->host));
		json_object_set_new(o, "attr", jstr(r->attr));
		json_object_set_new(o, "value", jstr(r->value));
		json_object_set_new(o, "line", json_integer(r->line));
		json_object_set_new(o, "col", json_integer(r->col));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *notes_json(const struct file_facts *ff)
{
	json_t *a = json_array();
	for (size_t i = 0; i < ff->nnotes; i++) {
		const struct fact_note *n = &ff->notes[i];
		json_t *o = json_object();
		json_object_set_new(o, "kind", json_string(n->kind == NOTE_TODO ? "todo"
								   : "allow_duplicate"));
		json_object_set_new(o, "line", json_integer(n->line));
		json_object_set_new(o, "col", json_integer(n->col));
		json_object_set_new(o, "text", jstr(n->text));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *file_json(const struct file_facts *ff, int verbose)
{
	json_t *o = json_object();
	json_object_set_new(o, "path", jstr(ff->path));
	json_object_set_new(o, "lang", json_string(lang_name(ff->lang)));
	json_object_set_new(o, "parse_errors", json_integer(ff->parse_errors));
	json_object_set_new(o, "imports", imports_json(ff));
	json_object_set_new(o, "classes", classes_json(ff));
	json_object_set_new(o, "funcs", funcs_json(ff));
	json_object_set_new(o, "refs", refs_json(ff));
	json_object_set_new(o, "notes", notes_json(ff));
	if (verbose) {
		json_t *t = json_array();
		for (size_t i = 0; i < ff->ntokens; i++) {
			json_t *e = json_array();
			json_array_append_new(e, json_integer(ff->tokens[i].exact));
			json_array_append_new(e, json_integer(ff->tokens[i].norm));
			json_array_append_new(e, json_integer(ff->tokens[i].line));
			json_array_append_new(t, e);
		}
		json_object_set_new(o, "tokens", t);
	} else {
		json_object_set_new(o, "tokens", json_integer((json_int_t)ff->ntokens));
	}
	return o;
}

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
	for (size_t i = 0; i < ff->nfuncs; i++) {
		const struct fact_func *fn = &ff->funcs[i];
		fprintf(f, "  def %d:%d-%d %s(", fn->line, fn->col, fn->end_line, fn->name);
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
	if (format_is(o, "json")) {
		json_t *doc = json_doc("facts"), *files = json_array();
		for (size_t i = 0; i < s.nfiles; i++)
			json_array_append_new(files, file_json(s.files[i], o->scan.verbose));
		json_object_set_new(doc, "files", files);
		json_emit(doc, f);
	} else {
		for (size_t i = 0; i < s.nfiles; i++)
			file_text(s.files[i], f, o->scan.verbose);
	}
	if (close_output(o, f) < 0)
		rc = EXIT_FATAL;
	scan_release(&s);
	return rc;
}
