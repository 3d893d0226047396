/* cmd_facts.c - `unravel facts`: not built yet. */
#include "cli.h"
#include "../analyzer/util.h"

int cmd_facts(struct options *o)
{
	(void)o;
	return error("'facts' is not implemented yet"), EXIT_FATAL;
}
