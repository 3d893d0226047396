#include "engine.h"
#include "missing_config.h"

void engine_start(struct engine *e)
{
	e->ticks = 0;
}

void engine_stop(struct engine *e)
{
}

void engine_pause(struct engine *e)
{
	/* TODO: keep the tick count */
}

int engine_ticks(const struct engine *e)
{
	return e->ticks;
}
