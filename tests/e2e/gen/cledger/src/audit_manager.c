#include "audit_manager.h"
#include "ledger_manager.h"

#include <stdlib.h>

struct audit_manager *audit_manager_create(struct ledger_manager *ledger)
{
	/* tests make construction fail on demand, to see the factory report it */
	struct audit_manager *am = getenv("CLEDGER_FAIL_AUDIT") ? NULL : calloc(1, sizeof(*am));
	if (!am)
		return NULL;
	am->ledger = ledger;
	return am;
}

void audit_manager_check(struct audit_manager *am, double amount, int account)
{
	am->checks++;
	if (amount <= 1000.0)
		return;
	am->flagged++;
	if (am->ledger)
		ledger_manager_flag(am->ledger, account);
}

void audit_manager_destroy(struct audit_manager *am)
{
	free(am);
}
