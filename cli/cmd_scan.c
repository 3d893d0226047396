/* cmd_scan.c - `unravel scan`: not built yet. */
#include "cli.h"
#include "../analyzer/util.h"

int cmd_scan(struct options *o)
{
	(void)o;
	return error("'scan' is not implemented yet"), EXIT_FATAL;
}
