#include "managers/risk_manager.h"

#include <stdlib.h>

RiskManager *risk_manager_create(int max_qty)
{
	RiskManager *rm = calloc(1, sizeof(*rm));
	if (!rm)
		return NULL;
	rm->max_qty = max_qty;
	return rm;
}

int risk_manager_check(RiskManager *rm, const struct order *o)
{
	int limit = rm->max_qty;
	if (rm->vix && rm->vix->level > 30.0)
		limit /= 2;
	if (!order_is_valid(o) || o->qty > limit) {
		rm->rejected++;
		return 0;
	}
	return 1;
}

void risk_manager_rebalance(void)
{
	/* TODO: hedge the book when the VIX regime changes */
}

void risk_manager_destroy(RiskManager *rm)
{
	free(rm);
}
