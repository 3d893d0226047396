#ifndef RISK_MANAGER_H
#define RISK_MANAGER_H
#include "vix_manager.h"

typedef struct risk_manager RiskManager;

struct risk_manager {
	VixManager *vix;
	int max_qty;
};

RiskManager *risk_manager_create(int max_qty);
#endif
