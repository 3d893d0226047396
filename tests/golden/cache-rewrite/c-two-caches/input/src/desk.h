/* desk.h - a trading desk holding both caches. */
#ifndef DESK_DESK_H
#define DESK_DESK_H

#include "caches.h"

struct desk {
	GreeksCache *greeks;
	struct quote_cache *quotes;
};

struct desk *desk_open(void);
void desk_mark(struct desk *d, const char *symbol, double mid, double delta);
double desk_delta(struct desk *d, const char *symbol);
void desk_close(struct desk *d);

#endif
