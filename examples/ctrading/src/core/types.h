/* types.h - basic market types. Part of a #pragma once include cycle with order.h. */
#pragma once

#include "order.h"

typedef double price_t;

struct quote {
	const char *symbol;
	price_t bid, ask;
};

/* Mid price of a quote. */
price_t quote_mid(const struct quote *q);
