#include "managers/vix_manager.h"

#include <stdlib.h>

struct vix_manager *vix_manager_create(struct event_bus *bus)
{
	struct vix_manager *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return NULL;
	vm->bus = bus;
	vm->level = 15.0;
	return vm;
}

void vix_manager_attach_risk(struct vix_manager *vm, struct risk_manager *risk)
{
	vm->risk = risk;
	risk->vix = vm;
}

void vix_manager_update(struct vix_manager *vm, double level)
{
	vm->level = level;
	event_bus_publish(vm->bus, "vix", &vm->level);
}

void vix_manager_destroy(struct vix_manager *vm)
{
	free(vm);
}
