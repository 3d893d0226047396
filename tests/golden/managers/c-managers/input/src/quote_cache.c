struct quote_cache {
	int size;
};

struct quote {
	double bid, ask;
};

int quote_cache_size(struct quote_cache *c)
{
	return c->size;
}
