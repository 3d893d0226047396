#include "api.h"
int api(void) { return API_LEVEL + IMPL; }
