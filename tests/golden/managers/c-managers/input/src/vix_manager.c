#include <stdlib.h>
#include "vix_manager.h"

struct vix_manager *vix_manager_create(struct event_bus *bus)
{
	struct vix_manager *vm = calloc(1, sizeof(*vm));
	if (vm)
		vm->bus = bus;
	return vm;
}

void vix_manager_destroy(struct vix_manager *vm)
{
	free(vm);
}
