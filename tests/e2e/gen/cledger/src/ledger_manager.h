/* ledger_manager.h - running totals; checks every record with the audit manager. */
#ifndef LEDGER_MANAGER_H
#define LEDGER_MANAGER_H

struct audit_manager;

struct ledger_manager {
	void *host;
	struct audit_manager *audit;
	double total;
	int records;
	int flags, flagged_account;
};

struct ledger_manager *ledger_manager_create(void *host, struct audit_manager *audit);
void ledger_manager_record(struct ledger_manager *lm, double amount, int account);
double ledger_manager_total(struct ledger_manager *lm);
void ledger_manager_flag(struct ledger_manager *lm, int account);
void ledger_manager_destroy(struct ledger_manager *lm);

#endif
