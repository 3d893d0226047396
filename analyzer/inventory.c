/* inventory.c - see inventory.h. */
#include "inventory.h"
#include "scan.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define SECTION "unravel:managers"
#define MAX_WORDS 32

static const char *const default_lists[RULE__COUNT] = {
	[RULE_SUFFIXES] = "Manager, Monitor, Sizer, Cache, Bus, Coordinator, Service, Engine, "
			  "Handler, Validator, Tracker, Executor, Calendar, Optimizer, Registry, "
			  "Factory, Limiter, Checker, Breaker, Scheduler, Dispatcher, Controller, "
			  "Supervisor",
	[RULE_PREFIXES] = "Unified",
	[RULE_INCLUDE] = "",
	[RULE_EXCLUDE] = "Test*, *Test, *Tests, *TestCase, *Error, *Exception, *Warning",
	[RULE_HOST_NAMES] = "algorithm, algo, host, app, application",
};

static const char *const list_keys[RULE__COUNT] = {
	[RULE_SUFFIXES] = "suffixes", [RULE_PREFIXES] = "prefixes", [RULE_INCLUDE] = "include",
	[RULE_EXCLUDE] = "exclude", [RULE_HOST_NAMES] = "host_names",
};

/* Lists that also take an extra_KEY that adds to them. */
static const char *const extra_keys[RULE__COUNT] = {
	[RULE_SUFFIXES] = "extra_suffixes", [RULE_PREFIXES] = "extra_prefixes",
	[RULE_HOST_NAMES] = "extra_host_names",
};

static const char *const default_words[CAT__COUNT] = {
	[CAT_MANAGER] = "", /* manager-likeness, not words */
	[CAT_CACHE] = "cache, caches, caching, cached",
	[CAT_STATE] = "state, states",
	[CAT_UNIFIED] = "unified",
	[CAT_STRATEGY] = "strategy, strategies",
	[CAT_RISK] = "risk, risks, breaker, breakers, margin, correlation, kelly, limiter",
	[CAT_EVENT] = "event, events, bus, publisher, subscriber, listener, dispatcher",
	[CAT_FACTORY] = "factory, factories, registry, registries",
};

/* Split "a, b\nc" into a NULL-terminated list. */
static char **split_list(const char *s, int *n)
{
	char **out = NULL;
	size_t nr = 0, alloc = 0;
	const char *p = s;
	while (*p) {
		const char *start, *end;
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		start = p;
		while (*p && *p != ',' && *p != '\n')
			p++;
		end = p;
		while (end > start && isspace((unsigned char)end[-1]))
			end--;
		if (end > start) {
			ALLOC_GROW(out, nr + 1, alloc);
			out[nr++] = xstrndup(start, (size_t)(end - start));
		}
	}
	ALLOC_GROW(out, nr + 1, alloc);
	out[nr] = NULL;
	*n = (int)nr;
	return out;
}

static void set_free(struct rule_set *rs)
{
	for (int i = 0; i < rs->n; i++) {
		free(rs->items[i]);
		if (rs->norm)
			free(rs->norm[i]);
	}
	free(rs->items);
	free(rs->norm);
	free(rs->origin);
	memset(rs, 0, sizeof(*rs));
}

static char *origin_of(const struct config *cfg, const char *key)
{
	const struct config_entry *e = config_entry(cfg, SECTION, key);
	return e ? xstrfmt("%s:%d", e->file, e->line) : xstrdup("default");
}

static void lower_in_place(char **items, int n)
{
	for (int i = 0; i < n; i++)
		for (char *p = items[i]; *p; p++)
			*p = (char)tolower((unsigned char)*p);
}

static void norm_words(const char *s, char *buf, size_t bufsz);

static void load_set(struct rule_set *rs, const struct config *cfg, const char *key,
		     const char *extra_key, const char *dflt)
{
	const char *v = cfg ? config_get(cfg, SECTION, key) : NULL;
	const char *x = cfg && extra_key ? config_get(cfg, SECTION, extra_key) : NULL;
	char *joined;
	rs->origin = v && cfg ? origin_of(cfg, key) : xstrdup("default");
	if (x) {
		char *o = origin_of(cfg, extra_key);
		char *both = xstrfmt("%s + %s", rs->origin, o);
		free(rs->origin);
		free(o);
		rs->origin = both;
	}
	joined = xstrfmt("%s,%s", v ? v : dflt, x ? x : "");
	rs->items = split_list(joined, &rs->n);
	free(joined);
	rs->norm = xcalloc((size_t)rs->n + 1, sizeof(*rs->norm));
	for (int i = 0; i < rs->n; i++) {
		char buf[256];
		norm_words(rs->items[i], buf, sizeof(buf));
		rs->norm[i] = xstrdup(buf);
	}
}

void naming_rules_load(struct naming_rules *r, const struct config *cfg)
{
	memset(r, 0, sizeof(*r));
	for (int i = 0; i < RULE__COUNT; i++)
		load_set(&r->lists[i], cfg, list_keys[i], extra_keys[i], default_lists[i]);
	for (int c = 0; c < CAT__COUNT; c++) {
		char *key = xstrfmt("category_%s", category_name(c));
		load_set(&r->words[c], cfg, key, NULL, default_words[c]);
		lower_in_place(r->words[c].items, r->words[c].n);
		free(key);
	}
	const char *h = cfg ? config_get(cfg, SECTION, "host") : NULL;
	if (h && *h) {
		r->host = xstrdup(h);
		r->host_origin = origin_of(cfg, "host");
	}
}

void naming_rules_release(struct naming_rules *r)
{
	for (int i = 0; i < RULE__COUNT; i++)
		set_free(&r->lists[i]);
	for (int c = 0; c < CAT__COUNT; c++)
		set_free(&r->words[c]);
	free(r->host);
	free(r->host_origin);
	memset(r, 0, sizeof(*r));
}

/*
 * Split an identifier or path into lowercase words: at non-alphanumerics,
 * at lower->Upper, and before the last capital of an acronym
 * ("VIXManager" -> vix, manager). Digits stick to the word before.
 * Returns the word count; words point into buf.
 */
static int split_words(const char *s, char *buf, size_t bufsz, char **words, int max)
{
	size_t o = 0;
	int n = 0, in_word = 0;
	for (size_t i = 0; s[i] && o + 2 < bufsz; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c)) {
			if (in_word)
				buf[o++] = '\0';
			in_word = 0;
			continue;
		}
		int boundary = 0;
		if (in_word && isupper(c)) {
			unsigned char p = (unsigned char)s[i - 1];
			unsigned char nx = (unsigned char)s[i + 1];
			if (islower(p) || isdigit(p))
				boundary = 1;
			else if (isupper(p) && islower(nx))
				boundary = 1;
		}
		if (boundary) {
			buf[o++] = '\0';
			in_word = 0;
		}
		if (!in_word) {
			if (n == max)
				break;
			words[n++] = buf + o;
			in_word = 1;
		}
		buf[o++] = (char)tolower(c);
	}
	buf[o] = '\0';
	return n;
}

/* "UnifiedVIXManager" -> "unified_vix_manager" into buf. */
static void norm_words(const char *s, char *buf, size_t bufsz)
{
	char tmp[512];
	char *w[MAX_WORDS];
	int n = split_words(s, tmp, sizeof(tmp), w, MAX_WORDS);
	size_t o = 0;
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		size_t l = strlen(w[i]);
		if (o + l + 2 > bufsz)
			break;
		if (i)
			buf[o++] = '_';
		memcpy(buf + o, w[i], l);
		o += l;
		buf[o] = '\0';
	}
}

/* The words of pattern (normalised) are the last (suffix) or first (prefix) words of name. */
static int words_match(const char *name, size_t nl, const char *pat, int at_end, int need_more)
{
	size_t pl = strlen(pat);
	if (!pl || pl > nl)
		return 0;
	if (pl == nl)
		return !need_more && !strcmp(name, pat);
	if (at_end)
		return name[nl - pl - 1] == '_' && !strcmp(name + nl - pl, pat);
	return name[pl] == '_' && !strncmp(name, pat, pl);
}

static int words_rules_match(const struct naming_rules *r, const char *name)
{
	const struct rule_set *suf = &r->lists[RULE_SUFFIXES], *pre = &r->lists[RULE_PREFIXES];
	char buf[512];
	size_t nl;
	norm_words(name, buf, sizeof(buf));
	nl = strlen(buf);
	for (int i = 0; i < suf->n; i++)
		if (words_match(buf, nl, suf->norm[i], 1, 0))
			return 1;
	for (int i = 0; i < pre->n; i++)
		if (words_match(buf, nl, pre->norm[i], 0, 1))
			return 1;
	return 0;
}

/*
 * Name patterns are mostly "Test*", "*Error" or a plain name: those are
 * compared directly (fnmatch was a tenth of a warm pre-commit run).
 * Returns 1 or 0, or -1 when pat needs glob_match.
 */
static int simple_glob(const char *pat, const char *name)
{
	size_t pl = strlen(pat), nl;
	int lead = pl && pat[0] == '*', trail = pl > 1 && pat[pl - 1] == '*';
	const char *core = pat + lead;
	size_t cl = pl - (size_t)lead - (size_t)trail;
	if (lead && trail)
		return -1;
	for (size_t i = 0; i < cl; i++)
		if (strchr("*?[\\/", core[i]))
			return -1;
	if (strchr(name, '/'))
		return -1; /* paths: components matter */
	nl = strlen(name);
	if (lead)
		return nl >= cl && !memcmp(name + nl - cl, core, cl);
	if (trail)
		return nl >= cl && !memcmp(name, core, cl);
	return nl == cl && !memcmp(name, core, cl);
}

static int any_glob(const struct rule_set *rs, const char *name)
{
	for (int i = 0; i < rs->n; i++) {
		int r = simple_glob(rs->items[i], name);
		if (r > 0 || (r < 0 && glob_match(rs->items[i], name)))
			return 1;
	}
	return 0;
}

int naming_is_excluded(const struct naming_rules *r, const char *name)
{
	return any_glob(&r->lists[RULE_EXCLUDE], name);
}

int naming_is_manager(const struct naming_rules *r, const char *name)
{
	if (!name || !*name || naming_is_excluded(r, name))
		return 0;
	if (any_glob(&r->lists[RULE_INCLUDE], name))
		return 1;
	return words_rules_match(r, name);
}

int naming_attr_is_manager(const struct naming_rules *r, const char *attr)
{
	if (!attr || !*attr)
		return 0;
	return words_rules_match(r, attr);
}

int naming_is_host_name(const struct naming_rules *r, const char *name)
{
	const struct rule_set *h = &r->lists[RULE_HOST_NAMES];
	if (!name)
		return 0;
	for (int i = 0; i < h->n; i++)
		if (!strcmp(h->items[i], name))
			return 1;
	return 0;
}

static unsigned words_categories(const struct naming_rules *r, const char *s)
{
	char buf[1024];
	char *w[MAX_WORDS * 2];
	unsigned mask = 0;
	int n = split_words(s, buf, sizeof(buf), w, MAX_WORDS * 2);
	for (int c = 0; c < CAT__COUNT; c++) {
		const struct rule_set *rs = &r->words[c];
		for (int i = 0; i < n && !(mask & (1u << c)); i++)
			for (int k = 0; k < rs->n; k++)
				if (w[i][0] == rs->items[k][0] && !strcmp(w[i], rs->items[k])) {
					mask |= 1u << c;
					break;
				}
	}
	return mask;
}

unsigned naming_name_categories(const struct naming_rules *r, const char *name,
				const char **bases, int nbases)
{
	unsigned mask = name ? words_categories(r, name) : 0;
	for (int i = 0; i < nbases; i++) {
		const char *b = bases[i], *dot = b ? strrchr(b, '.') : NULL;
		if (b)
			mask |= words_categories(r, dot ? dot + 1 : b);
	}
	/* The manager category is manager-likeness, decided by the caller. */
	return mask & ~(1u << CAT_MANAGER);
}

unsigned naming_categories(const struct naming_rules *r, const char *name, const char **bases,
			   int nbases, const char *location)
{
	unsigned mask = naming_name_categories(r, name, bases, nbases);
	if (location)
		mask |= words_categories(r, location) & ~(1u << CAT_MANAGER);
	return mask;
}

const char *naming_primary_category(unsigned name_mask, unsigned loc_mask)
{
	static const enum category prio[] = {
		CAT_CACHE, CAT_EVENT, CAT_FACTORY, CAT_STATE, CAT_RISK, CAT_STRATEGY, CAT_UNIFIED,
		CAT_MANAGER,
	};
	for (size_t i = 0; i < sizeof(prio) / sizeof(prio[0]); i++)
		if (name_mask & (1u << prio[i]))
			return category_name(prio[i]);
	for (size_t i = 0; i < sizeof(prio) / sizeof(prio[0]); i++)
		if (loc_mask & (1u << prio[i]))
			return category_name(prio[i]);
	return category_name(CAT_MANAGER);
}

static void print_set(FILE *f, const char *key, const struct rule_set *rs)
{
	fprintf(f, "%s =", key);
	for (int i = 0; i < rs->n; i++)
		fprintf(f, "%s %s", i ? "," : "", rs->items[i]);
	fprintf(f, "  # %s\n", rs->origin);
}

void naming_rules_print(const struct naming_rules *r, FILE *f)
{
	fprintf(f, "[unravel:managers]\n");
	for (int i = 0; i < RULE__COUNT; i++)
		print_set(f, list_keys[i], &r->lists[i]);
	fprintf(f, "host = %s  # %s\n", r->host ? r->host : "(detected)",
		r->host ? r->host_origin : "default");
	for (int c = 0; c < CAT__COUNT; c++) {
		char *key;
		if (c == CAT_MANAGER) /* the manager category is the manager-like classes */
			continue;
		key = xstrfmt("category_%s", category_name(c));
		print_set(f, key, &r->words[c]);
		free(key);
	}
}
