/* Not in the database: a node, parsed only with --c-fallback-all. */
#include "extra.h"
#include "core.h"
int extra(void) { return core(); }
