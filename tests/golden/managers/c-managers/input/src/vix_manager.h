#ifndef VIX_MANAGER_H
#define VIX_MANAGER_H
#include "event_bus.h"
struct risk_manager;

struct vix_manager {
	struct event_bus *bus;
	struct risk_manager *risk;
	double level;
};

typedef struct vix_manager VixManager;

struct vix_manager *vix_manager_create(struct event_bus *bus);
void vix_manager_destroy(struct vix_manager *vm);
#endif
