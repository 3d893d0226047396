/* No file of the database includes it. */
#ifndef ORPHAN_H
#define ORPHAN_H
#include "core.h"
#endif
