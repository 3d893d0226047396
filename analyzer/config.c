/* config.c - see config.h. Parsing is libinih's. */
#include "config.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct load_ctx {
	struct config *cfg;
	const char *file;
	int setup_cfg; /* only [unravel] / [unravel:*] sections count */
	int line;
};

static char *norm_key(const char *k)
{
	char *s = xstrdup(k);
	for (char *p = s; *p; p++)
		*p = *p == '-' ? '_' : (char)tolower((unsigned char)*p);
	return s;
}

/* "dups" -> "unravel:dups", "unravel" stays; NULL when not ours. */
static char *norm_section(const char *sec, int setup_cfg)
{
	char *n = norm_key(sec);
	if (!strcmp(n, "unravel") || starts_with(n, "unravel:"))
		return n;
	if (setup_cfg) {
		free(n);
		return NULL;
	}
	char *r = *n ? xstrfmt("unravel:%s", n) : xstrdup("unravel");
	free(n);
	return r;
}

static int handler(void *user, const char *section, const char *name, const char *value,
		   int lineno)
{
	struct load_ctx *ctx = user;
	char *sec = norm_section(section, ctx->setup_cfg);
	if (!sec)
		return 1;
	if (!name) { /* section header with INI_CALL_HANDLER_ON_NEW_SECTION */
		free(sec);
		return 1;
	}
	struct config *cfg = ctx->cfg;
	ALLOC_GROW(cfg->entries, cfg->n + 1, cfg->alloc);
	struct config_entry *e = &cfg->entries[cfg->n++];
	e->section = sec;
	e->key = norm_key(name);
	e->value = xstrdup(value ? value : "");
	e->file = xstrdup(ctx->file);
	e->line = lineno;
	return 1;
}

/*
 * libinih calls the handler with the line number only when built with
 * INI_HANDLER_LINENO; Debian's is not, so count lines ourselves: read the file
 * and hand inih one line at a time through ini_parse_stream's reader.
 */
struct line_reader {
	FILE *f;
	int *line;
};

static char *reader(char *str, int num, void *stream)
{
	struct line_reader *r = stream;
	char *s = fgets(str, num, r->f);
	if (s)
		(*r->line)++;
	return s;
}

static int handler_noline(void *user, const char *section, const char *name,
			  const char *value)
{
	struct load_ctx *ctx = user;
	return handler(user, section, name, value, ctx->line);
}

static int load_file(struct config *cfg, const char *path, int setup_cfg)
{
	struct load_ctx ctx = {cfg, path, setup_cfg, 0};
	struct line_reader r;
	FILE *f = fopen(path, "r");
	int rc;
	if (!f) {
		fprintf(stderr, "%s: error: cannot read config: %s\n", path, strerror(errno));
		return -1;
	}
	r.f = f;
	r.line = &ctx.line;
	rc = ini_parse_stream(reader, &r, handler_noline, &ctx);
	fclose(f);
	if (rc > 0) {
		fprintf(stderr, "%s:%d:1: error: malformed config line\n", path, rc);
		return -1;
	}
	if (rc < 0) {
		fprintf(stderr, "%s: error: cannot parse config\n", path);
		return -1;
	}
	free(cfg->source);
	cfg->source = xstrdup(path);
	return 0;
}

int config_load(struct config *cfg, const char *explicit_file, const char *dir)
{
	if (explicit_file)
		return load_file(cfg, explicit_file, ends_with(explicit_file, "setup.cfg"));
	char *ini = xstrfmt("%s/.unravel.ini", dir ? dir : ".");
	char *setup = xstrfmt("%s/setup.cfg", dir ? dir : ".");
	int rc = 0;
	if (access(ini, F_OK) == 0)
		rc = load_file(cfg, ini, 0);
	else if (access(setup, F_OK) == 0)
		rc = load_file(cfg, setup, 1);
	free(ini);
	free(setup);
	return rc;
}

void config_free(struct config *cfg)
{
	for (int i = 0; i < cfg->n; i++) {
		free(cfg->entries[i].section);
		free(cfg->entries[i].key);
		free(cfg->entries[i].value);
		free(cfg->entries[i].file);
	}
	free(cfg->entries);
	free(cfg->source);
	memset(cfg, 0, sizeof(*cfg));
}

const struct config_entry *config_entry(const struct config *cfg, const char *section,
					 const char *key)
{
	if (!cfg)
		return NULL;
	char *sec = norm_section(section, 0);
	char *k = norm_key(key);
	const struct config_entry *found = NULL;
	for (int i = 0; i < cfg->n; i++)
		if (!strcmp(cfg->entries[i].section, sec) && !strcmp(cfg->entries[i].key, k))
			found = &cfg->entries[i];
	free(sec);
	free(k);
	return found;
}

const char *config_get(const struct config *cfg, const char *section, const char *key)
{
	const struct config_entry *e = config_entry(cfg, section, key);
	return e ? e->value : NULL;
}

int config_get_bool(const struct config *cfg, const char *section, const char *key, int dflt)
{
	const char *v = config_get(cfg, section, key);
	if (!v)
		return dflt;
	if (!strcasecmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
	    !strcasecmp(v, "on"))
		return 1;
	if (!strcasecmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no") ||
	    !strcasecmp(v, "off"))
		return 0;
	return dflt;
}

long config_get_long(const struct config *cfg, const char *section, const char *key, long dflt)
{
	const char *v = config_get(cfg, section, key);
	char *end;
	long r;
	if (!v)
		return dflt;
	r = strtol(v, &end, 10);
	return end != v ? r : dflt;
}

char **config_get_list(const struct config *cfg, const char *section, const char *key, int *n)
{
	const char *v = config_get(cfg, section, key);
	char **list = NULL;
	int cnt = 0, alloc = 0;
	*n = 0;
	if (!v)
		return NULL;
	const char *p = v;
	while (*p) {
		const char *start, *end;
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && *p != ',' && *p != '\n')
			p++;
		end = p;
		while (end > start && isspace((unsigned char)end[-1]))
			end--;
		ALLOC_GROW(list, cnt + 2, alloc);
		list[cnt++] = xstrndup(start, (size_t)(end - start));
	}
	ALLOC_GROW(list, cnt + 1, alloc);
	list[cnt] = NULL;
	*n = cnt;
	return list;
}

void config_list_free(char **list)
{
	if (!list)
		return;
	for (char **p = list; *p; p++)
		free(*p);
	free(list);
}
