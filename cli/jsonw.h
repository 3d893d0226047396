/*
 * jsonw.h - a JSON writer for the large parts of an output document (the
 * facts of every file, the duplicate groups): written straight into a
 * buffer, byte for byte as jansson's json_dumpf() with JSON_INDENT(2) |
 * JSON_SORT_KEYS | JSON_ENSURE_ASCII writes them, without building a jansson
 * tree of tens of megabytes first. The caller writes object keys in sorted
 * order (byte order, as JSON_SORT_KEYS sorts).
 */
#ifndef UNRAVEL_CLI_JSONW_H
#define UNRAVEL_CLI_JSONW_H

#include "cli.h"

#include <stddef.h>
#include <stdio.h>

struct jw {
	struct strbuf *sb;
	FILE *out;     /* jw_flush_if() writes here; NULL: keep everything in sb */
	int depth;
	int empty[64]; /* container at this depth has no element yet */
};

void jw_indent(struct jw *w);
/* Before a value or key in the current container (the comma and the line break). */
void jw_next(struct jw *w);
void jw_open(struct jw *w, char c);   /* '{' or '[' */
void jw_close(struct jw *w, char c);  /* '}' or ']' */
/* A string (NULL: null); bytes that are not UTF-8 become '?' as in jansson. */
void jw_string(struct jw *w, const char *s);
void jw_key(struct jw *w, const char *k);
void kv_str(struct jw *w, const char *k, const char *v);
void kv_int(struct jw *w, const char *k, long long v);
void kv_bool(struct jw *w, const char *k, int v);
/* Write out what the buffer holds once it is above `above` bytes. */
void jw_flush_if(struct jw *w, size_t above);

/*
 * json_emit() (cli.h) of doc, with the value of doc[key] written by
 * value(w, arg) instead of by jansson. doc is consumed.
 */
void json_emit_with(json_t *doc, const char *key, void (*value)(struct jw *, void *), void *arg,
		    FILE *f);

#endif
