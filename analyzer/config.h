/*
 * config.h - settings from `.unravel.ini` at the scanned root, or the
 * `[unravel]` / `[unravel:SECTION]` sections of `setup.cfg` (import-linter's
 * convention), or --config FILE. Command-line flags win over the file.
 *
 * The store is generic: section and key strings, so each analysis reads its
 * own keys ("unravel" is the main section; "unravel:managers",
 * "unravel:dups", "unravel:cache-rewrite", "unravel:verify" the others; in
 * .unravel.ini the sections may be written without the "unravel:" prefix).
 * Keys are matched case-insensitively, with '-' and '_' equal.
 *
 * Ownership rule: the config owns its strings; config_free() releases them.
 */
#ifndef UNRAVEL_CONFIG_H
#define UNRAVEL_CONFIG_H

struct config_entry {
	char *section; /* normalised: "unravel" or "unravel:NAME" */
	char *key;
	char *value;
	char *file;
	int line;
};

struct config {
	struct config_entry *entries;
	int n, alloc;
	char *source; /* the file read, or NULL */
};

/*
 * Load the config: explicit (may be NULL) is --config; otherwise
 * `.unravel.ini` then `setup.cfg` in dir. Returns 0 (also when no file
 * exists), or -1 after printing "path:line: error: ..." for a bad file.
 */
int config_load(struct config *cfg, const char *explicit_file, const char *dir);
void config_free(struct config *cfg);

/* The last value of key in section ("unravel:dups" or "unravel"), or NULL. */
const char *config_get(const struct config *cfg, const char *section, const char *key);
/* Entry for key, for error locations, or NULL. */
const struct config_entry *config_entry(const struct config *cfg, const char *section,
					 const char *key);
int config_get_bool(const struct config *cfg, const char *section, const char *key, int dflt);
long config_get_long(const struct config *cfg, const char *section, const char *key, long dflt);
/*
 * Split a list value (comma- and/or newline-separated, spaces trimmed,
 * empty items dropped) into a NULL-terminated array; *n gets the count.
 * Caller frees with config_list_free(). Returns NULL (and *n = 0) when unset.
 */
char **config_get_list(const struct config *cfg, const char *section, const char *key, int *n);
void config_list_free(char **list);

#endif
