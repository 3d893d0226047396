#ifndef EVENT_BUS_H
#define EVENT_BUS_H
struct event_bus {
	int nhandlers;
};
struct event_bus *event_bus_create(void);
#endif
