#ifndef ORDER_MANAGER_H
#define ORDER_MANAGER_H
struct quote_cache;
struct order_manager {
	struct quote_cache *quotes;
};
struct order_manager *order_manager_create(struct quote_cache *quotes);
#endif
