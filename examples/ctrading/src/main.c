/* main.c - a trading day in four orders. */
#include <stdio.h>

#include "strategy/strategy_manager.h"

int main(void)
{
	struct strategy_manager *sm = strategy_manager_create(100);
	struct order buy = {"SPX", SIDE_BUY, 80, 4500.0};
	struct greeks g;
	int ok;

	if (!sm)
		return 1;
	ok = strategy_manager_submit(sm, &buy);
	vix_manager_update(sm->vix, 35.0);
	printf("calm: %s, stressed: %s, greeks cached: %s\n", ok ? "accepted" : "rejected",
	       strategy_manager_submit(sm, &buy) ? "accepted" : "rejected",
	       greeks_cache_get(sm->cache, "SPX", &g) == 0 ? "yes" : "no");
	strategy_manager_destroy(sm);
	return 0;
}
