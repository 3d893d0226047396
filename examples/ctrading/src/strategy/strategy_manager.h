/* strategy_manager.h - owns the managers a strategy trades with. */
#ifndef CTRADING_STRATEGY_MANAGER_H
#define CTRADING_STRATEGY_MANAGER_H

#include "core/cache.h"
#include "core/event_bus.h"
#include "managers/greeks_monitor.h"
#include "managers/risk_manager.h"
#include "managers/vix_manager.h"

struct strategy_manager {
	struct event_bus *bus;
	GreeksCache *cache;
	struct vix_manager *vix;
	RiskManager *risk;
	struct greeks_monitor *greeks;
};

struct strategy_manager *strategy_manager_create(int max_qty);
/* 1 when the order was accepted. */
int strategy_manager_submit(struct strategy_manager *sm, const struct order *o);
void strategy_manager_destroy(struct strategy_manager *sm);

#endif
