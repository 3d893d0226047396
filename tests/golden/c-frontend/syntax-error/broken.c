#include "ok.h"
int broken(void) { return ok( ; }
int fine(void) { return 1; }
