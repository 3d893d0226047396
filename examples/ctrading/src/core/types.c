#include "core/types.h"

price_t quote_mid(const struct quote *q)
{
	return (q->bid + q->ask) / 2;
}

int order_is_valid(const struct order *o)
{
	return o->qty > 0 && o->limit > 0;
}
