/*
 * fuzz_config.c - libFuzzer target for the configuration reader
 * (analyzer/config.c over libinih) and its first consumer, the naming rules
 * of the manager graph (analyzer/inventory.c). The input is written to a
 * file and loaded as `.unravel.ini` or (first byte odd) as `setup.cfg`,
 * where only [unravel] / [unravel:*] sections count. Every entry is then
 * read back through config_get / _list / _bool / _long, and the naming
 * rules built from it are queried and printed.
 *
 * Checked: a load either succeeds or fails with a message; every loaded
 * entry has a normalised section ("unravel" or "unravel:...") and a
 * lowercase key without '-'; config_get finds the last value of each key.
 *
 * Seeds: fuzz/seeds-config.sh (every .unravel.ini and setup.cfg of
 * tests/golden).
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../analyzer/config.h"
#include "../analyzer/diag.h"
#include "../analyzer/inventory.h"
#include "../analyzer/util.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *ini_path, *cfg_path;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"RiskManager", "GreeksCache", "algorithm", "vix_manager",
					    "StateMachine", "EventBus", "x", ""};
	struct config cfg;
	struct naming_rules nr;
	const char *path;
	FILE *f;

	if (!size)
		return 0;
	if (!ini_path) {
		ini_path = xstrfmt("%s/.unravel.ini", fuzz_workdir(NULL));
		cfg_path = xstrfmt("%s/setup.cfg", fuzz_workdir(NULL));
	}
	path = data[0] & 1 ? cfg_path : ini_path;
	unlink(ini_path);
	unlink(cfg_path);
	f = fopen(path, "wb");
	if (!f)
		BUG("cannot write %s", path);
	fwrite(data + 1, 1, size - 1, f);
	fclose(f);

	memset(&cfg, 0, sizeof(cfg));
	/* Not --config: the lookup in the folder decides which file and which rules. */
	if (config_load(&cfg, NULL, fuzz_workdir(NULL)) == 0) {
		for (int i = 0; i < cfg.n; i++) {
			const struct config_entry *e = &cfg.entries[i];
			char **list;
			int n;
			CHECK(!strcmp(e->section, "unravel") || starts_with(e->section, "unravel:"));
			for (const char *k = e->key; *k; k++)
				CHECK(*k != '-' && !isupper((unsigned char)*k));
			CHECK(config_get(&cfg, e->section, e->key) != NULL);
			CHECK(config_entry(&cfg, e->section, e->key) >= e);
			list = config_get_list(&cfg, e->section, e->key, &n);
			for (int k = 0; k < n; k++)
				CHECK(list[k] && list[k][0] && !isspace((unsigned char)list[k][0]));
			CHECK(!list || !list[n]);
			config_list_free(list);
			(void)config_get_bool(&cfg, e->section, e->key, -1);
			(void)config_get_long(&cfg, e->section, e->key, -1);
		}
		naming_rules_load(&nr, &cfg);
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			const char *bases[] = {names[(i + 1) % 8], "abc.ABC"};
			(void)naming_is_manager(&nr, names[i]);
			(void)naming_is_excluded(&nr, names[i]);
			(void)naming_attr_is_manager(&nr, names[i]);
			(void)naming_is_host_name(&nr, names[i]);
			(void)naming_categories(&nr, names[i], bases, 2, "app.risk.manager");
		}
		{
			FILE *null = fopen("/dev/null", "w");
			if (null) {
				naming_rules_print(&nr, null);
				fclose(null);
			}
		}
		naming_rules_release(&nr);
	}
	config_free(&cfg);
	diag_clear();
	return 0;
}
