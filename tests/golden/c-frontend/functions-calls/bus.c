#include "bus.h"
#include "util.h"

static void emit(struct bus *b, int ev)
{
	(void)b;
	log_event(ev);
}

struct bus *bus_create(void)
{
	static struct bus the_bus = {emit};
	return &the_bus;
}

void bus_fire(struct bus *b, int ev, const char *why, ...)
{
	BUS_EMIT(b, ev);
	if (bus_ok(b))
		log_event(helper(why) + 1);
}

void bus_later(void)
{
	/* placeholder: only a comment */
}

void bus_empty(void) {}

int bus_oneliner(int x) { return helper("x") + x; }
