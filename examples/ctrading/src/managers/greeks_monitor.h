/* greeks_monitor.h - recomputes greeks on VIX events, through the cache. */
#ifndef CTRADING_GREEKS_MONITOR_H
#define CTRADING_GREEKS_MONITOR_H

#include "core/cache.h"
#include "core/event_bus.h"

struct greeks_monitor {
	GreeksCache *cache;
	struct event_bus *bus;
	int recomputed;
};

struct greeks_monitor *greeks_monitor_create(GreeksCache *cache, struct event_bus *bus);
void greeks_monitor_destroy(struct greeks_monitor *gm);

#endif
