/* order.h - orders. Includes types.h, which includes order.h: a #pragma once cycle. */
#pragma once

#include "types.h"

enum side { SIDE_BUY, SIDE_SELL };

struct order {
	const char *symbol;
	enum side side;
	int qty;
	double limit;
};

int order_is_valid(const struct order *o);
