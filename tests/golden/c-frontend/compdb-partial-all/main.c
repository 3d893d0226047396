/* In the database: parsed. */
#include "core.h"
int main(void) { return core(); }
