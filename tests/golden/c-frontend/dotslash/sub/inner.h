#include "../common.h"
int inner;
