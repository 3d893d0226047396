#include "managers/greeks_monitor.h"

#include <stdlib.h>

static void on_vix(void *ctx, const char *topic, const void *payload)
{
	struct greeks_monitor *gm = ctx;
	double level = *(const double *)payload;
	struct greeks g = {0.5, 0.1, level / 100.0};
	(void)topic;
	greeks_cache_put(gm->cache, "SPX", &g);
	gm->recomputed++;
}

struct greeks_monitor *greeks_monitor_create(GreeksCache *cache, struct event_bus *bus)
{
	struct greeks_monitor *gm = calloc(1, sizeof(*gm));
	if (!gm)
		return NULL;
	gm->cache = cache;
	gm->bus = bus;
	event_bus_subscribe(bus, "vix", on_vix, gm);
	return gm;
}

void greeks_monitor_destroy(struct greeks_monitor *gm)
{
	free(gm);
}
