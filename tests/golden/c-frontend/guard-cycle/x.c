#include "x.h"
struct x the_x;
