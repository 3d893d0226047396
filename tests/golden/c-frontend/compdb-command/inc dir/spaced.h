#pragma once
const char *spaced_pick(const char *a, const char *b);
