#include "used.h"
int main(void) { return used(); }
