#include "ticks.h"

#include <stdlib.h>

struct tick_cache *tick_cache_create(void)
{
	return calloc(1, sizeof(struct tick_cache));
}

int tick_cache_get(struct tick_cache *c, const char *key, long *out)
{
	(void)key;
	*out = c->last;
	return 0;
}

void tick_cache_put(struct tick_cache *c, const char *key, const long *v)
{
	(void)key;
	c->last = *v;
}

void tick_cache_destroy(struct tick_cache *c)
{
	free(c);
}
