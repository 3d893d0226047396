#include "./cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

GreeksCache *greeks_cache_create(void)
{
	return calloc(1, sizeof(GreeksCache));
}

static unsigned slot_of(const char *symbol)
{
	unsigned h = 5381;
	while (*symbol)
		h = h * 33 + (unsigned char)*symbol++;
	return h % GREEKS_CACHE_SLOTS;
}

int greeks_cache_get(GreeksCache *c, const char *symbol, struct greeks *out)
{
	struct greeks_entry *e = &c->slots[slot_of(symbol)];
	if (!e->used || strcmp(e->symbol, symbol)) {
		c->misses++;
		return -1;
	}
	c->hits++;
	*out = e->value;
	return 0;
}

void greeks_cache_put(GreeksCache *c, const char *symbol, const struct greeks *g)
{
	struct greeks_entry *e = &c->slots[slot_of(symbol)];
	snprintf(e->symbol, sizeof(e->symbol), "%s", symbol);
	e->value = *g;
	e->used = 1;
}

void greeks_cache_destroy(GreeksCache *c)
{
	free(c);
}
