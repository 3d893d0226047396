/*
 * cmd_facts.c - `unravel facts`: the per-file facts every frontend
 * extracts, as JSON or a readable dump. The window onto the frontends for
 * golden tests and debugging: files in path order, facts in source order,
 * clone tokens only counted unless -v.
 */
#include "cli.h"
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

/*
 * A minimal JSON writer producing exactly what jansson's json_dumps() does
 * with JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII (keys are written
 * in sorted order by the callers below). The "files" array of a large tree
 * is tens of megabytes; building it as a jansson tree took most of the run
 * time, so facts are written straight into a buffer instead.
 */
struct jw {
	struct strbuf *sb;
	int depth;
	int empty[64]; /* container at this depth has no element yet */
};

static void jw_indent(struct jw *w)
{
	sb_addc(w->sb, '\n');
	for (int i = 0; i < w->depth; i++)
		sb_add(w->sb, "  ", 2);
}

/* Before a value or key in the current container. */
static void jw_next(struct jw *w)
{
	if (w->depth == 0)
		return;
	if (!w->empty[w->depth])
		sb_addc(w->sb, ',');
	w->empty[w->depth] = 0;
	jw_indent(w);
}

static void jw_open(struct jw *w, char c)
{
	sb_addc(w->sb, c);
	w->depth++;
	w->empty[w->depth] = 1;
}

static void jw_close(struct jw *w, char c)
{
	int empty = w->empty[w->depth];
	w->depth--;
	if (!empty)
		jw_indent(w);
	sb_addc(w->sb, c);
}

static void jw_string(struct jw *w, const char *s)
{
	struct strbuf *sb = w->sb;
	const unsigned char *p = (const unsigned char *)s;
	if (!s) {
		sb_adds(sb, "null");
		return;
	}
	sb_addc(sb, '"');
	while (*p) {
		unsigned c = *p;
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			const unsigned char *q = p;
			while (*q >= 0x20 && *q < 0x80 && *q != '"' && *q != '\\')
				q++;
			sb_add(sb, p, (size_t)(q - p));
			p = q;
			continue;
		}
		p++;
		switch (c) {
		case '"': sb_adds(sb, "\\\""); continue;
		case '\\': sb_adds(sb, "\\\\"); continue;
		case '\b': sb_adds(sb, "\\b"); continue;
		case '\f': sb_adds(sb, "\\f"); continue;
		case '\n': sb_adds(sb, "\\n"); continue;
		case '\r': sb_adds(sb, "\\r"); continue;
		case '\t': sb_adds(sb, "\\t"); continue;
		}
		if (c < 0x20) {
			sb_addf(sb, "\\u%04X", c);
			continue;
		}
		{
			/* UTF-8 sequence -> \uXXXX (surrogate pair above U+FFFF); a bad byte -> '?' */
			int need = c >= 0xf0 && c <= 0xf4 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 && c < 0xe0 ? 1 : -1;
			uint32_t cp = need == 3 ? c & 7 : need == 2 ? c & 15 : c & 31;
			int ok = need > 0;
			for (int k = 0; ok && k < need; k++) {
				if ((p[k] & 0xc0) != 0x80)
					ok = 0;
				else
					cp = (cp << 6) | (p[k] & 0x3f);
			}
			if (ok && ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
				   (need == 3 && (cp < 0x10000 || cp > 0x10ffff))))
				ok = 0;
			if (!ok) {
				sb_addc(sb, '?');
				continue;
			}
			p += need;
			if (cp >= 0x10000) {
				cp -= 0x10000;
				sb_addf(sb, "\\u%04X\\u%04X", 0xd800 | (cp >> 10), 0xdc00 | (cp & 0x3ff));
			} else {
				sb_addf(sb, "\\u%04X", cp);
			}
		}
	}
	sb_addc(sb, '"');
}

static void jw_key(struct jw *w, const char *k)
{
	jw_next(w);
	jw_string(w, k);
	sb_add(w->sb, ": ", 2);
}

static void kv_str(struct jw *w, const char *k, const char *v)
{
	jw_key(w, k);
	jw_string(w, v);
}

static void kv_int(struct jw *w, const char *k, long long v)
{
	jw_key(w, k);
	sb_addf(w->sb, "%lld", v);
}

static void kv_bool(struct jw *w, const char *k, int v)
{
	jw_key(w, k);
	sb_adds(w->sb, v ? "true" : "false");
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
	jw_key(w, "funcs");
	jw_open(w, '[');
	for (size_t i = 0; i < ff->nfuncs; i++) {
		const struct fact_func *f = &ff->funcs[i];
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
static void emit_json(struct options *o, struct scan *s, FILE *f)
{
	static const char marker[] = "\"@@unravel-facts-files@@\"";
	json_t *doc = json_doc("facts");
	char *buf = NULL, *at;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	struct strbuf sb = STRBUF_INIT;
	struct jw w;

	if (!mem)
		die("out of memory");
	json_object_set_new(doc, "files", json_string("@@unravel-facts-files@@"));
	json_emit(doc, mem);
	fclose(mem);
	at = strstr(buf, marker);
	if (!at)
		BUG("facts marker not found");
	fwrite(buf, 1, (size_t)(at - buf), f);
	sb_init(&sb);
	memset(&w, 0, sizeof(w));
	w.sb = &sb;
	w.depth = 1; /* the array is a value of the top-level object */
	jw_open(&w, '[');
	for (size_t i = 0; i < s->nfiles; i++) {
		jw_next(&w);
		file_json(&w, s->files[i], o->scan.verbose);
		if (sb.len > 1 << 16) {
			fwrite(sb.buf, 1, sb.len, f);
			sb_reset(&sb);
		}
	}
	jw_close(&w, ']');
	fwrite(sb.buf, 1, sb.len, f);
	sb_release(&sb);
	fputs(at + strlen(marker), f);
	free(buf);
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
