/* The database has no command: it is ignored, fallback flags are used. */
#include "lib.h"
int main(void) { return lib(); }
