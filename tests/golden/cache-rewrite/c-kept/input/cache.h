#ifndef CACHE_H
#define CACHE_H
typedef struct price_cache {
	double last;
	int set;
} PriceCache;
PriceCache *price_cache_create(void);
int price_cache_get(PriceCache *c, const char *key, double *out);
void price_cache_put(PriceCache *c, const char *key, const double *v);
void price_cache_destroy(PriceCache *c);
#endif
