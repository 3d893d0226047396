#include "y.h"
struct y the_y;
