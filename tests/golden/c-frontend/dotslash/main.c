#include "./common.h"
#include "sub/../common.h"
#include "sub/inner.h"
int main(void) { return common + inner; }
