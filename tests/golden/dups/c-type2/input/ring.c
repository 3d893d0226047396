#include <stdlib.h>

struct ring {
	int *buf;
	size_t head, tail, cap;
};

int ring_grow(struct ring *r)
{
	size_t ncap = r->cap ? r->cap * 4 : 64;
	int *nbuf = malloc(ncap * sizeof(*nbuf));
	size_t n = 0;
	if (!nbuf)
		return -1;
	while (r->head != r->tail) {
		nbuf[n++] = r->buf[r->head];
		r->head = (r->head + 1) % r->cap;
	}
	free(r->buf);
	r->buf = nbuf;
	r->head = 0;
	r->tail = n;
	r->cap = ncap;
	return 0;
}
