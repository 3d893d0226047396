/* cmd_cycles.c - `unravel cycles`: not built yet. */
#include "cli.h"
#include "../analyzer/util.h"

int cmd_cycles(struct options *o)
{
	(void)o;
	return error("'cycles' is not implemented yet"), EXIT_FATAL;
}
