/* cache.h - a tiny greeks cache keyed by symbol. */
#ifndef CTRADING_CACHE_H
#define CTRADING_CACHE_H

#define GREEKS_CACHE_SLOTS 16

struct greeks {
	double delta, gamma, vega;
};

struct greeks_entry {
	char symbol[16];
	struct greeks value;
	int used;
};

typedef struct greeks_cache {
	struct greeks_entry slots[GREEKS_CACHE_SLOTS];
	int hits, misses;
} GreeksCache;

GreeksCache *greeks_cache_create(void);
/* 0 and *out filled when symbol is cached, else -1. */
int greeks_cache_get(GreeksCache *c, const char *symbol, struct greeks *out);
void greeks_cache_put(GreeksCache *c, const char *symbol, const struct greeks *g);
void greeks_cache_destroy(GreeksCache *c);

#endif
