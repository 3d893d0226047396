/*
 * cledger_main.c - runs the generated C factory and event bus on the cledger
 * project (tests/e2e/gen_factory_c.sh). -DAUDIT_CUT when the cut edge is
 * audit_manager -> ledger_manager, else ledger_manager -> audit_manager.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_manager.h"
#include "clock_manager.h"
#include "ledger_manager.h"
#include "manager_factory.h"
#include "ev_adapters.h"

#define CHECK(x)                                                                    \
	do {                                                                        \
		if (!(x)) {                                                         \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #x); \
			return 1;                                                   \
		}                                                                   \
	} while (0)

static int failing(void *ctx, const struct ev_event *ev)
{
	(void)ctx;
	(void)ev;
	return -1;
}

int main(void)
{
	int host = 42;
	struct manager_factory *f = manager_factory_create(&host);
	struct ledger_manager *lm;
	struct audit_manager *am;
	struct clock_manager *cm;
	struct ev_bus *bus;
	const char *const *order;
	int n = 0;

	if (getenv("CLEDGER_FAIL_AUDIT")) {
		CHECK(f == NULL); /* reported on stderr; what was created is destroyed */
		printf("c factory: construction failure reported\n");
		return 0;
	}
	CHECK(f);
	lm = manager_factory_get(f, "ledger_manager");
	am = manager_factory_get(f, "audit_manager");
	cm = manager_factory_get(f, "clock_manager");
	bus = manager_factory_bus(f);
	CHECK(lm && am && cm && bus);
	CHECK(manager_factory_get(f, "no_such_manager") == NULL);
	CHECK(lm->host == &host);
	for (order = manager_factory_order(); order[n]; n++)
		;
	CHECK(n == 3);
	CHECK(clock_manager_tick(cm) == 5 && clock_manager_tick(cm) == 10);

#ifdef AUDIT_CUT
	/* ledger -> audit is a plain pointer; audit -> ledger goes through the bus */
	CHECK(lm->audit == am && am->ledger == NULL);
	ledger_manager_record(lm, 2500.0, 7);
	CHECK(am->checks == 1 && am->flagged == 1);
	/* the call site audit_manager.c switched to the publisher: */
	CHECK(audit_manager_to_ledger_manager_flag(bus, 7) == 0);
	CHECK(lm->flags == 1 && lm->flagged_account == 7);
	/* a failing handler is counted and does not stop the real one */
	CHECK(ev_bus_subscribe(bus, EV_AUDIT_MANAGER_TO_LEDGER_MANAGER, failing, NULL) == 0);
	CHECK(audit_manager_to_ledger_manager_flag(bus, 9) == 1);
	CHECK(lm->flags == 2 && lm->flagged_account == 9);
	CHECK(ev_bus_unsubscribe(bus, EV_AUDIT_MANAGER_TO_LEDGER_MANAGER, failing, NULL) == 0);
	CHECK(ev_bus_count(bus, EV_AUDIT_MANAGER_TO_LEDGER_MANAGER) == 1);
#else
	/* audit -> ledger is a plain pointer; ledger -> audit goes through the bus */
	CHECK(am->ledger == lm && lm->audit == NULL);
	CHECK(ledger_manager_to_audit_manager_check(bus, 2500.0, 7) == 0);
	CHECK(am->checks == 1 && am->flagged == 1);
	CHECK(lm->flags == 1 && lm->flagged_account == 7);
	CHECK(ev_bus_subscribe(bus, EV_LEDGER_MANAGER_TO_AUDIT_MANAGER, failing, NULL) == 0);
	CHECK(ledger_manager_to_audit_manager_check(bus, 5.0, 1) == 1);
	CHECK(am->checks == 2);
	CHECK(ev_bus_unsubscribe(bus, EV_LEDGER_MANAGER_TO_AUDIT_MANAGER, failing, NULL) == 0);
	CHECK(ev_bus_count(bus, EV_LEDGER_MANAGER_TO_AUDIT_MANAGER) == 1);
#endif
	CHECK(bus->published == 2);
	manager_factory_destroy(f);
	manager_factory_destroy(NULL);
	printf("c factory and event bus: ok\n");
	return 0;
}
