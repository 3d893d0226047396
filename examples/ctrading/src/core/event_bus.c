#include "core/event_bus.h"

#include <stdlib.h>
#include <string.h>

struct event_bus *event_bus_create(void)
{
	return calloc(1, sizeof(struct event_bus));
}

int event_bus_subscribe(struct event_bus *bus, const char *topic, event_handler fn, void *ctx)
{
	if (bus->nsubs == bus->alloc) {
		size_t n = bus->alloc ? bus->alloc * 2 : 4;
		struct subscription *s = realloc(bus->subs, n * sizeof(*s));
		if (!s)
			return -1;
		bus->subs = s;
		bus->alloc = n;
	}
	bus->subs[bus->nsubs].topic = topic;
	bus->subs[bus->nsubs].fn = fn;
	bus->subs[bus->nsubs].ctx = ctx;
	bus->nsubs++;
	return 0;
}

int event_bus_publish(struct event_bus *bus, const char *topic, const void *payload)
{
	int ran = 0;
	for (size_t i = 0; i < bus->nsubs; i++)
		if (!strcmp(bus->subs[i].topic, topic)) {
			bus->subs[i].fn(bus->subs[i].ctx, topic, payload);
			ran++;
		}
	return ran;
}

void event_bus_destroy(struct event_bus *bus)
{
	if (!bus)
		return;
	free(bus->subs);
	free(bus);
}
