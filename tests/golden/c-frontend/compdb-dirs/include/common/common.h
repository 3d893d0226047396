#define COMMON 3
