/* an include guard is not a condition */
#ifndef COND_H
#define COND_H
#include "plain.h"
#ifndef NO_FEATURE
#include "feature.h"
#else
#include "nofeature.h"
#endif
#if 0
#include "never.h"
#endif
#endif
