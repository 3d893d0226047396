#ifndef API_H
#define API_H
#ifndef API_LEVEL
#error "API_LEVEL must be defined by the build"
#endif
#include <impl.h>
int api(void);
#endif
