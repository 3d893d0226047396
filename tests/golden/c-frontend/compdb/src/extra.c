#include "api.h"
int extra(void) { return api(); }
