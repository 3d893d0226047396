/* event_bus.h - synchronous publish/subscribe between managers. */
#ifndef CTRADING_EVENT_BUS_H
#define CTRADING_EVENT_BUS_H

#include <stddef.h>

typedef void (*event_handler)(void *ctx, const char *topic, const void *payload);

struct subscription {
	const char *topic;
	event_handler fn;
	void *ctx;
};

struct event_bus {
	struct subscription *subs;
	size_t nsubs, alloc;
};

struct event_bus *event_bus_create(void);
int event_bus_subscribe(struct event_bus *bus, const char *topic, event_handler fn, void *ctx);
/* Calls every handler of topic; returns how many ran. */
int event_bus_publish(struct event_bus *bus, const char *topic, const void *payload);
void event_bus_destroy(struct event_bus *bus);

#endif
