/* caches.h - two legacy caches with different APIs. */
#ifndef DESK_CACHES_H
#define DESK_CACHES_H

struct greeks {
	double delta, vega;
};

typedef struct greeks_cache {
	char keys[8][16];
	struct greeks values[8];
	int n;
} GreeksCache;

GreeksCache *greeks_cache_create(void);
/* 0 and *out set when cached, else -1 */
int greeks_cache_get(GreeksCache *c, const char *key, struct greeks *out);
void greeks_cache_put(GreeksCache *c, const char *key, const struct greeks *g);
void greeks_cache_destroy(GreeksCache *c);

struct quote_cache {
	char keys[8][16];
	double mids[8];
	int n;
};

struct quote_cache *quote_cache_new(void);
int quote_cache_lookup(struct quote_cache *c, const char *symbol, double *mid);
void quote_cache_store(struct quote_cache *c, const char *symbol, const double *mid);
void quote_cache_free(struct quote_cache *c);

#endif
