#pragma once
#include "b.h"
struct a { struct b *peer; };
