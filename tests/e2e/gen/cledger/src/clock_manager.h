/* clock_manager.h - initialised in place (x_init / x_release), needs nothing. */
#ifndef CLOCK_MANAGER_H
#define CLOCK_MANAGER_H

struct clock_manager {
	long ticks;
	int step;
};

int clock_manager_init(struct clock_manager *cm, int step);
long clock_manager_tick(struct clock_manager *cm);
void clock_manager_release(struct clock_manager *cm);

#endif
