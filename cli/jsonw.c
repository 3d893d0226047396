/*
 * jsonw.c - JSON written straight into a buffer, byte for byte as jansson's
 * json_dumpf() with JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII
 * writes it (see jsonw.h).
 */
#include "jsonw.h"
#include "../analyzer/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jw_indent(struct jw *w)
{
	static const char spaces[] = "\n                                ";
	int n = 2 * w->depth;
	sb_add(w->sb, spaces, 1);
	for (; n > 0; n -= (int)sizeof(spaces) - 2)
		sb_add(w->sb, spaces + 1, (size_t)(n < (int)sizeof(spaces) - 2 ? n : (int)sizeof(spaces) - 2));
}

/* Before a value or key in the current container. */
void jw_next(struct jw *w)
{
	if (w->depth == 0)
		return;
	if (!w->empty[w->depth])
		sb_addc(w->sb, ',');
	w->empty[w->depth] = 0;
	jw_indent(w);
}

void jw_open(struct jw *w, char c)
{
	sb_addc(w->sb, c);
	w->depth++;
	w->empty[w->depth] = 1;
}

void jw_close(struct jw *w, char c)
{
	int empty = w->empty[w->depth];
	w->depth--;
	if (!empty)
		jw_indent(w);
	sb_addc(w->sb, c);
}

/* Bytes written as they are: printable ASCII but '"' and '\\' (NUL is not). */
#define P4(x) x, x, x, x
#define P16(x) P4(x), P4(x), P4(x), P4(x)
static const unsigned char plain[256] = {
	P16(0), P16(0),                                   /* 0x00-0x1f */
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x20-0x2f: '"' */
	P16(1), P16(1),                                   /* 0x30-0x4f */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* 0x50-0x5f: '\\' */
	P16(1), P16(1),                                   /* 0x60-0x7f */
	P16(0), P16(0), P16(0), P16(0), P16(0), P16(0), P16(0), P16(0), /* 0x80-0xff */
};
#undef P16
#undef P4

void jw_string(struct jw *w, const char *s)
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
		if (plain[c]) {
			const unsigned char *q = p + 1;
			while (plain[*q])
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

void jw_key(struct jw *w, const char *k)
{
	jw_next(w);
	jw_string(w, k);
	sb_add(w->sb, ": ", 2);
}

void kv_str(struct jw *w, const char *k, const char *v)
{
	jw_key(w, k);
	jw_string(w, v);
}

void kv_int(struct jw *w, const char *k, long long v)
{
	/* as "%lld", without printf's parsing: reports have tens of thousands of numbers */
	char buf[24], *e = buf + sizeof(buf), *q = e;
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	jw_key(w, k);
	do
		*--q = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--q = '-';
	sb_add(w->sb, q, (size_t)(e - q));
}

void kv_bool(struct jw *w, const char *k, int v)
{
	jw_key(w, k);
	sb_adds(w->sb, v ? "true" : "false");
}


void jw_flush_if(struct jw *w, size_t above)
{
	if (w->out && w->sb->len > above) {
		fwrite(w->sb->buf, 1, w->sb->len, w->out);
		sb_reset(w->sb);
	}
}

void json_emit_with(json_t *doc, const char *key, void (*value)(struct jw *, void *), void *arg,
		    FILE *f)
{
	static const char marker[] = "\"@@unravel-json-value@@\"";
	char *buf = NULL, *at;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	struct strbuf sb = STRBUF_INIT;
	struct jw w;

	if (!mem)
		die("out of memory");
	json_object_set_new(doc, key, json_string("@@unravel-json-value@@"));
	json_emit(doc, mem);
	fclose(mem);
	at = strstr(buf, marker);
	if (!at)
		BUG("json value marker not found");
	fwrite(buf, 1, (size_t)(at - buf), f);
	sb_init(&sb);
	memset(&w, 0, sizeof(w));
	w.sb = &sb;
	w.out = f;
	w.depth = 1; /* a value of the top-level object */
	value(&w, arg);
	fwrite(sb.buf, 1, sb.len, f);
	sb_release(&sb);
	fputs(at + strlen(marker), f);
	free(buf);
}
