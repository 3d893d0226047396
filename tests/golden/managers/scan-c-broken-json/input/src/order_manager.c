#include "order_manager.h"
#include "broker/missing_gateway.h"

struct order_manager *order_manager_create(struct quote_cache *quotes)
{
	(void)quotes;
	return 0;
}
