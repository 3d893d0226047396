#include "conf.h"
#include "generated.h"
#include <common.h>
int one(void) { return CONF + GENERATED + COMMON; }
