/* cmd_hook.c - `unravel hook`: not built yet (see the issue tracker). */
#include "cli.h"
#include "../analyzer/util.h"

int cmd_hook(struct options *o)
{
	(void)o;
	return error("'hook' is not implemented yet"), EXIT_FATAL;
}
