#include "cond.h"
int main(void) { return plain + feature; }
