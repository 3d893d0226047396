#pragma once
#include "a.h"
struct b { struct a *peer; };
