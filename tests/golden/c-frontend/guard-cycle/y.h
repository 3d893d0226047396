#ifndef Y_H
#define Y_H
#include "x.h"
struct y { struct x *x; };
#endif
