#include <stdlib.h>

struct queue {
	long *items;
	size_t first, last, size;
};

int queue_expand(struct queue *q)
{
	size_t nsize = q->size ? q->size * 2 : 16;
	long *nitems = malloc(nsize * sizeof(*nitems));
	size_t k = 0;
	if (!nitems)
		return -1;
	while (q->first != q->last) {
		nitems[k++] = q->items[q->first];
		q->first = (q->first + 1) % q->size;
	}
	free(q->items);
	q->items = nitems;
	q->first = 0;
	q->last = k;
	q->size = nsize;
	return 0;
}
