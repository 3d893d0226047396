#ifndef BUS_H
#define BUS_H
struct bus { void (*emit)(struct bus *b, int ev); };
struct bus *bus_create(void);
#define BUS_EMIT(b, e) ((b)->emit((b), (e)))
static inline int bus_ok(const struct bus *b) { return b != 0; }
#endif
