#ifndef ENGINE_H
#define ENGINE_H
struct engine {
	int ticks;
};
void engine_start(struct engine *e);
void engine_stop(struct engine *e);
void engine_pause(struct engine *e);
int engine_ticks(const struct engine *e);
#endif
