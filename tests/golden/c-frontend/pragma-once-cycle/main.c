#include "a.h"
int main(void) { struct a x = {0}; return x.peer != 0; }
