#ifndef TYPES_H
#define TYPES_H
struct engine;
typedef struct engine Engine;
typedef struct { int id; struct engine *owner; } Part;
typedef struct car {
	Engine *engine;
	const struct engine *const spare;
	Part parts[4];
	struct wheel **wheels;
	union {
		struct engine *electric;
		int fuel;
	};
	struct { Part *front; } axle;
	void (*on_start)(struct car *);
} Car;
struct wheel { Car *car; };
union value { long i; double d; };
enum color { RED, GREEN };
typedef int handle_t;
#endif
