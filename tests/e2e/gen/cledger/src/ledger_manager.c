#include "ledger_manager.h"
#include "audit_manager.h"

#include <stdlib.h>

struct ledger_manager *ledger_manager_create(void *host, struct audit_manager *audit)
{
	struct ledger_manager *lm = calloc(1, sizeof(*lm));
	if (!lm)
		return NULL;
	lm->host = host;
	lm->audit = audit;
	return lm;
}

void ledger_manager_record(struct ledger_manager *lm, double amount, int account)
{
	lm->total += amount;
	lm->records++;
	if (lm->audit)
		audit_manager_check(lm->audit, amount, account);
}

double ledger_manager_total(struct ledger_manager *lm)
{
	return lm->total;
}

void ledger_manager_flag(struct ledger_manager *lm, int account)
{
	lm->flags++;
	lm->flagged_account = account;
}

void ledger_manager_destroy(struct ledger_manager *lm)
{
	free(lm);
}
