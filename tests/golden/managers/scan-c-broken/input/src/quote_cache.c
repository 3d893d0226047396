struct quote_cache {
	int size;
};

struct quote_cache *quote_cache_create(void)
{
	return 0;
}
