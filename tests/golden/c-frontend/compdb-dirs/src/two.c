#include "conf.h"
#include "generated.h"
#include <common.h>
int two(void) { return CONF + GENERATED + COMMON; }
