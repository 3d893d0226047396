#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void log_line(FILE *f, const char *msg)
{
	char *t = dup_trimmed(msg, strlen(msg));
	fprintf(f, "[log] %s\n", t ? t : msg);
	free(t);
}
