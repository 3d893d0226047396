/* risk_manager.h - position limits that tighten when the VIX is high. */
#ifndef CTRADING_RISK_MANAGER_H
#define CTRADING_RISK_MANAGER_H

#include "core/order.h"
#include "vix_manager.h"

typedef struct risk_manager RiskManager;

struct risk_manager {
	struct vix_manager *vix;
	int max_qty;
	int rejected;
};

RiskManager *risk_manager_create(int max_qty);
/* 1 when the order passes the limits. */
int risk_manager_check(RiskManager *rm, const struct order *o);
void risk_manager_rebalance(void);
void risk_manager_destroy(RiskManager *rm);

#endif
