#include "caches.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int slot(char keys[][16], int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(keys[i], key))
			return i;
	return -1;
}

GreeksCache *greeks_cache_create(void)
{
	return calloc(1, sizeof(GreeksCache));
}

int greeks_cache_get(GreeksCache *c, const char *key, struct greeks *out)
{
	int i = slot(c->keys, c->n, key);
	if (i < 0)
		return -1;
	*out = c->values[i];
	return 0;
}

void greeks_cache_put(GreeksCache *c, const char *key, const struct greeks *g)
{
	int i = slot(c->keys, c->n, key);
	if (i < 0 && c->n < 8) {
		i = c->n++;
		snprintf(c->keys[i], sizeof(c->keys[i]), "%s", key);
	}
	if (i >= 0)
		c->values[i] = *g;
}

void greeks_cache_destroy(GreeksCache *c)
{
	free(c);
}

struct quote_cache *quote_cache_new(void)
{
	return calloc(1, sizeof(struct quote_cache));
}

int quote_cache_lookup(struct quote_cache *c, const char *symbol, double *mid)
{
	int i = slot(c->keys, c->n, symbol);
	if (i < 0)
		return -1;
	*mid = c->mids[i];
	return 0;
}

void quote_cache_store(struct quote_cache *c, const char *symbol, const double *mid)
{
	int i = slot(c->keys, c->n, symbol);
	if (i < 0 && c->n < 8) {
		i = c->n++;
		snprintf(c->keys[i], sizeof(c->keys[i]), "%s", symbol);
	}
	if (i >= 0)
		c->mids[i] = *mid;
}

void quote_cache_free(struct quote_cache *c)
{
	free(c);
}
