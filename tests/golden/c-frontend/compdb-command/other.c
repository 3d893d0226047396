/* "arguments" wins over "command" in the same entry. */
#ifdef WINNER
#include "winner.h"
#endif
#ifdef LOSER
#include "loser.h"
#endif
int other(void) { return 0; }
