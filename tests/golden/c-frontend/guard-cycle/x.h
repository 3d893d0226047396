#ifndef X_H
#define X_H
#include "y.h"
struct x { struct y *y; };
#endif
