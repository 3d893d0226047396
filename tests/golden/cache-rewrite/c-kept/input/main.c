#include <stdio.h>

#include "cache.h"
#include "ticks.h"

/* a function pointer to a legacy function: cannot be rewritten, so the legacy cache stays */
static void (*release)(PriceCache *) = price_cache_destroy;

int main(void)
{
	PriceCache *legacy = price_cache_create();
	double v = 2.5, out = 0;
	price_cache_put(legacy, "x", &v);
	if (price_cache_get(legacy, "x", &out) != 0 || out != 2.5)
		return 1;
	price_cache_destroy(legacy);
	{
		struct tick_cache *t = tick_cache_create();
		long n = 7, got = 0;
		tick_cache_put(t, "n", &n);
		if (tick_cache_get(t, "n", &got) != 0 || got != 7)
			return 1;
		tick_cache_destroy(t);
	}
	(void)release;
	puts("ok");
	return 0;
}
