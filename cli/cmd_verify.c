/* cmd_verify.c - `unravel verify`: not built yet (see the issue tracker). */
#include "cli.h"
#include "../analyzer/util.h"

int cmd_verify(struct options *o)
{
	(void)o;
	return error("'verify' is not implemented yet"), EXIT_FATAL;
}
