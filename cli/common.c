/* common.c - helpers shared by the commands: formats, output, JSON documents. */
#include "cli.h"
#include "../analyzer/diag.h"
#include "../analyzer/util.h"

#include <errno.h>
#include <string.h>

int format_is(const struct options *o, const char *fmt)
{
	return !strcmp(o->format ? o->format : "text", fmt);
}

int check_format(const struct options *o, const char *const *allowed)
{
	struct strbuf sb = STRBUF_INIT;
	const char *f = o->format ? o->format : "text";
	for (const char *const *a = allowed; *a; a++)
		if (!strcmp(*a, f))
			return 0;
	sb_init(&sb);
	for (const char *const *a = allowed; *a; a++)
		sb_addf(&sb, "%s%s", a == allowed ? "" : "|", *a);
	usage_error(o, "--format must be %s, not '%s'", sb.buf, f);
	sb_release(&sb);
	return -1;
}

int run_scan(struct options *o, struct scan *s)
{
	return scan_run(s, &o->scan);
}

FILE *open_output(const struct options *o)
{
	FILE *f;
	if (!o->output || !strcmp(o->output, "-"))
		return stdout;
	f = fopen(o->output, "w");
	if (!f)
		die("cannot write '%s': %s", o->output, strerror(errno));
	return f;
}

int close_output(const struct options *o, FILE *f)
{
	int bad = ferror(f);
	if (f == stdout) {
		if (fflush(f) != 0 || bad)
			return error("cannot write to standard output: %s", strerror(errno));
		return 0;
	}
	if (fclose(f) != 0 || bad)
		return error("cannot write '%s': %s", o->output, strerror(errno));
	return 0;
}

json_t *json_doc(const char *command)
{
	json_t *doc = json_object();
	json_object_set_new(doc, "tool", json_string("unravel"));
	json_object_set_new(doc, "version", json_string(UNRAVEL_VERSION));
	json_object_set_new(doc, "command", json_string(command));
	return doc;
}

void json_emit(json_t *doc, FILE *f)
{
	int n;
	const struct diag *d = diag_list(&n);
	json_t *w = json_array();
	for (int i = 0; i < n; i++) {
		char *s = diag_format(&d[i]);
		json_array_append_new(w, json_string(s));
		free(s);
	}
	json_object_set_new(doc, "warnings", w);
	json_dumpf(doc, f, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	fputc('\n', f);
	json_decref(doc);
}
