/* cmd_report.c - `unravel report`: not built yet (see the issue tracker). */
#include "cli.h"
#include "../analyzer/util.h"

int cmd_report(struct options *o)
{
	(void)o;
	return error("'report' is not implemented yet"), EXIT_FATAL;
}
