#include <stdio.h>

#include "desk.h"

int main(void)
{
	struct desk *d = desk_open();
	double mid;
	if (!d)
		return 1;
	desk_mark(d, "SPX", 4500.0, 0.25);
	if (desk_delta(d, "SPX") != 0.25 || desk_delta(d, "NDX") != 0.0)
		return 1;
	if (quote_cache_lookup(d->quotes, "SPX", &mid) != 0 || mid != 4500.0)
		return 1;
	desk_close(d);
	puts("desk: ok");
	return 0;
}
