/* cmd_graph.c - `unravel graph`: not built yet. */
#include "cli.h"
#include "../analyzer/util.h"

int cmd_graph(struct options *o)
{
	(void)o;
	return error("'graph' is not implemented yet"), EXIT_FATAL;
}
