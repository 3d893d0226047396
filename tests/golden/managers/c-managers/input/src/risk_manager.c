#include <stdlib.h>
#include "risk_manager.h"

RiskManager *risk_manager_create(int max_qty)
{
	RiskManager *rm = calloc(1, sizeof(*rm));
	if (!rm)
		return NULL;
	rm->max_qty = max_qty;
	rm->vix = vix_manager_create(NULL);
	return rm;
}
