/* audit_manager.h - flags large amounts on the ledger. */
#ifndef AUDIT_MANAGER_H
#define AUDIT_MANAGER_H

struct ledger_manager;

struct audit_manager {
	struct ledger_manager *ledger;
	int checks, flagged;
};

struct audit_manager *audit_manager_create(struct ledger_manager *ledger);
/* Large amounts are flagged back on the ledger. */
void audit_manager_check(struct audit_manager *am, double amount, int account);
void audit_manager_destroy(struct audit_manager *am);

#endif
