/*
 * diag.h - warnings collected during a run (SQLite's pParse->nErr habit):
 * a file that cannot be read or parsed is a warning, never an abort.
 *
 * Warnings are kept in one process-wide, mutex-protected list so frontends
 * running on worker threads can add to it. They are printed to stderr
 * (sorted by file, line, col, so output does not depend on thread timing)
 * by diag_flush(), and listed in the JSON "warnings" array.
 * The list owns its strings; diag_clear() frees them.
 */
#ifndef UNRAVEL_DIAG_H
#define UNRAVEL_DIAG_H

struct diag {
	char *file; /* relative path as shown to the user, or NULL */
	int line, col; /* 0 when unknown */
	char *msg;
};

/* Record a warning at file:line:col (line/col 0 = none). Thread-safe. */
void diag_warn(const char *file, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Sort and return the warnings; *n gets the count. Valid until diag_clear(). */
const struct diag *diag_list(int *n);
/* Format one warning GCC-style: "path:line:col: warning: msg". Caller frees. */
char *diag_format(const struct diag *d);
/* Print every warning not printed yet to stderr (sorted); quiet suppresses. */
void diag_flush(int quiet);
void diag_clear(void);

#endif
