#include "clock_manager.h"

int clock_manager_init(struct clock_manager *cm, int step)
{
	cm->ticks = 0;
	cm->step = step;
	return 0;
}

long clock_manager_tick(struct clock_manager *cm)
{
	return cm->ticks += cm->step;
}

void clock_manager_release(struct clock_manager *cm)
{
	cm->ticks = 0;
}
