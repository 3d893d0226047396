/* cmd_dups.c - `unravel dups`: not built yet (see the issue tracker). */
#include "cli.h"
#include "../analyzer/util.h"

int cmd_dups(struct options *o)
{
	(void)o;
	return error("'dups' is not implemented yet"), EXIT_FATAL;
}
