#include "desk.h"

#include <stdlib.h>

struct desk *desk_open(void)
{
	struct desk *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->greeks = greeks_cache_create();
	d->quotes = quote_cache_new();
	return d;
}

void desk_mark(struct desk *d, const char *symbol, double mid, double delta)
{
	struct greeks g = {delta, 0.0};
	quote_cache_store(d->quotes, symbol, &mid);
	greeks_cache_put(d->greeks,
			 symbol, &g);
}

double desk_delta(struct desk *d, const char *symbol)
{
	struct greeks g;
	double mid;
	if (quote_cache_lookup(d->quotes, symbol, &mid) < 0)
		return 0.0;
	return greeks_cache_get(d->greeks, symbol, &g) == 0 ? g.delta : 0.0;
}

void desk_close(struct desk *d)
{
	if (!d)
		return;
	greeks_cache_destroy(d->greeks);
	quote_cache_free(d->quotes);
	free(d);
}
