#include "types.h"
struct engine { Car *car; handle_t h; enum color c; };
