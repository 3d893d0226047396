/* test_ctrading.c - the example's own test: managers wired, limits tighten with the VIX. */
#include <stdio.h>

#include "core/types.h"
#include "strategy/strategy_manager.h"

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			return 1;                                                     \
		}                                                                     \
	} while (0)

int main(void)
{
	struct strategy_manager *sm = strategy_manager_create(100);
	struct order o = {"SPX", SIDE_BUY, 80, 4500.0};
	struct quote q = {"SPX", 4499.0, 4501.0};
	struct greeks g;

	CHECK(sm != NULL);
	CHECK(sm->vix->risk == sm->risk && sm->risk->vix == sm->vix);
	CHECK(quote_mid(&q) == 4500.0);
	CHECK(strategy_manager_submit(sm, &o) == 1);
	CHECK(greeks_cache_get(sm->cache, "SPX", &g) == -1);
	vix_manager_update(sm->vix, 35.0);
	CHECK(sm->greeks->recomputed == 1);
	CHECK(greeks_cache_get(sm->cache, "SPX", &g) == 0 && g.vega == 0.35);
	CHECK(strategy_manager_submit(sm, &o) == 0);
	CHECK(sm->risk->rejected == 1);
	strategy_manager_destroy(sm);
	puts("ctrading: all checks passed");
	return 0;
}
