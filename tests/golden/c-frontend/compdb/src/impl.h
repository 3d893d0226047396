#define IMPL 1
