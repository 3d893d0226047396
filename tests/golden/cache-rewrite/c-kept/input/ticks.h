#ifndef TICKS_H
#define TICKS_H
struct tick_cache {
	long last;
};
struct tick_cache *tick_cache_create(void);
int tick_cache_get(struct tick_cache *c, const char *key, long *out);
void tick_cache_put(struct tick_cache *c, const char *key, const long *v);
void tick_cache_destroy(struct tick_cache *c);
#endif
