#include <stdlib.h>
#include <string.h>

struct ring {
	int *buf;
	size_t head, tail, cap;
};

/* Copied from log.c; keep in sync. */
static char *dup_trimmed(const char *s, size_t n)
{
	char *out;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
		n--;
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	out = malloc(n + 1);
	if (!out)
		return NULL;
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

int ring_push(struct ring *r, int v)
{
	if ((r->tail + 1) % r->cap == r->head)
		return -1;
	r->buf[r->tail] = v;
	r->tail = (r->tail + 1) % r->cap;
	return 0;
}
