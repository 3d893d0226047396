#include "present.h"
#include "absent.h"
#include <no/such/lib.h>
int main(void) { return present(); }
