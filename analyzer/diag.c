/* diag.c - see diag.h. */
#include "diag.h"
#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct diag *diags;
static size_t ndiags, alloc_diags, nprinted;
static int sorted = 1;

void diag_warn(const char *file, int line, int col, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	/* Warnings end up in JSON: names with bytes that are not UTF-8 get U+FFFD. */
	char *f = file ? utf8_lossy(file, strlen(file), NULL) : NULL;
	char *msg = utf8_valid_len(sb.buf, sb.len) == sb.len ? sb_detach(&sb, NULL)
							    : utf8_lossy(sb.buf, sb.len, NULL);
	sb_release(&sb);
	pthread_mutex_lock(&lock);
	ALLOC_GROW(diags, ndiags + 1, alloc_diags);
	diags[ndiags].file = f;
	diags[ndiags].line = line;
	diags[ndiags].col = col;
	diags[ndiags].msg = msg;
	ndiags++;
	sorted = 0;
	pthread_mutex_unlock(&lock);
}

static int cmp_diag(const void *pa, const void *pb)
{
	const struct diag *a = pa, *b = pb;
	int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return strcmp(a->msg, b->msg);
}

static void sort_unprinted(void)
{
	if (!sorted && ndiags > nprinted)
		qsort(diags + nprinted, ndiags - nprinted, sizeof(*diags), cmp_diag);
	sorted = 1;
}

const struct diag *diag_list(int *n)
{
	pthread_mutex_lock(&lock);
	sort_unprinted();
	*n = (int)ndiags;
	pthread_mutex_unlock(&lock);
	return diags;
}

char *diag_format(const struct diag *d)
{
	if (!d->file)
		return xstrfmt("unravel: warning: %s", d->msg);
	if (d->line > 0 && d->col > 0)
		return xstrfmt("%s:%d:%d: warning: %s", d->file, d->line, d->col, d->msg);
	if (d->line > 0)
		return xstrfmt("%s:%d: warning: %s", d->file, d->line, d->msg);
	return xstrfmt("%s: warning: %s", d->file, d->msg);
}

/*
 * One warning per line on a terminal or in a log: a control character (a
 * newline in a file name, say) is written as a C escape. JSON output keeps
 * the text as it is (JSON escapes it).
 */
static void print_line(FILE *f, const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n')
			sb_adds(&sb, "\\n");
		else if (c == '\r')
			sb_adds(&sb, "\\r");
		else if ((c < 0x20 && c != '\t') || c == 0x7f)
			sb_addf(&sb, "\\x%02x", c);
		else
			sb_addc(&sb, (char)c);
	}
	sb_addc(&sb, '\n');
	fwrite(sb.buf, 1, sb.len, f);
	sb_release(&sb);
}

void diag_flush(int quiet)
{
	pthread_mutex_lock(&lock);
	sort_unprinted();
	for (; nprinted < ndiags; nprinted++) {
		if (quiet)
			continue;
		char *s = diag_format(&diags[nprinted]);
		print_line(stderr, s);
		free(s);
	}
	pthread_mutex_unlock(&lock);
}

void diag_clear(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < ndiags; i++) {
		free(diags[i].file);
		free(diags[i].msg);
	}
	free(diags);
	diags = NULL;
	ndiags = alloc_diags = nprinted = 0;
	sorted = 1;
	pthread_mutex_unlock(&lock);
}
