#ifndef ORPHAN_H
#define ORPHAN_H
#include "used.h"
struct orphan { int x; };
int orphan_fn(void);
#endif
