#define CONF 1
