/* cmd_gen.c - `unravel gen`: not built yet (see the issue tracker). */
#include "cli.h"
#include "../analyzer/util.h"

int cmd_gen(struct options *o)
{
	(void)o;
	return error("'gen' is not implemented yet"), EXIT_FATAL;
}
