#include "strategy/strategy_manager.h"

#include <stdlib.h>

struct strategy_manager *strategy_manager_create(int max_qty)
{
	struct strategy_manager *sm = calloc(1, sizeof(*sm));
	if (!sm)
		return NULL;
	sm->bus = event_bus_create();
	sm->cache = greeks_cache_create();
	sm->vix = vix_manager_create(sm->bus);
	sm->risk = risk_manager_create(max_qty);
	sm->greeks = greeks_monitor_create(sm->cache, sm->bus);
	vix_manager_attach_risk(sm->vix, sm->risk);
	return sm;
}

int strategy_manager_submit(struct strategy_manager *sm, const struct order *o)
{
	return risk_manager_check(sm->risk, o);
}

void strategy_manager_destroy(struct strategy_manager *sm)
{
	if (!sm)
		return;
	greeks_monitor_destroy(sm->greeks);
	risk_manager_destroy(sm->risk);
	vix_manager_destroy(sm->vix);
	greeks_cache_destroy(sm->cache);
	event_bus_destroy(sm->bus);
	free(sm);
}
