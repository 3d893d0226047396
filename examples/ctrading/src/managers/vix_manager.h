/*
 * vix_manager.h - tracks the VIX level. Holds a pointer to the risk manager,
 * which holds one back: a field cycle, and an include-guarded include cycle.
 */
#ifndef CTRADING_VIX_MANAGER_H
#define CTRADING_VIX_MANAGER_H

#include "core/event_bus.h"
#include "risk_manager.h"

struct vix_manager {
	struct event_bus *bus;
	struct risk_manager *risk;
	double level;
};

struct vix_manager *vix_manager_create(struct event_bus *bus);
void vix_manager_attach_risk(struct vix_manager *vm, struct risk_manager *risk);
void vix_manager_update(struct vix_manager *vm, double level);
void vix_manager_destroy(struct vix_manager *vm);

#endif
