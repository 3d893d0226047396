/*
 * sarif.h - a small SARIF 2.1.0 writer (one log, one run) on jansson, shared
 * by `cycles`, `dups` and `verify --format sarif`.
 *
 * Use: sarif_init(), sarif_rule() once per rule the run can report, then
 * sarif_result() per finding and the sarif_result_*() calls to give it
 * locations, related locations, a code flow (the path of a cycle),
 * partial fingerprints and a baseline state; sarif_write() dumps the log
 * (sorted keys, so output is deterministic) and releases it.
 *
 * Paths are relative to the current directory, as everywhere in unravel;
 * they become relative URIs against the base id SRCROOT, which the run
 * declares as the current directory (originalUriBaseIds), so viewers that
 * know the checkout (GitHub code scanning, VS Code) resolve them.
 * Line and column 0 mean unknown: the region is left out.
 *
 * Ownership rule: the struct sarif owns the JSON it builds; a struct
 * sarif_result handle is borrowed from it and valid until sarif_write() or
 * sarif_release(). Strings passed in are copied.
 */
#ifndef UNRAVEL_SARIF_H
#define UNRAVEL_SARIF_H

#include <stdio.h>

#include <jansson.h>

/* SARIF baselineState values. */
enum sarif_baseline {
	SARIF_BASELINE_NONE, /* no baseline given: the property is left out */
	SARIF_BASELINE_NEW,
	SARIF_BASELINE_UNCHANGED,
	SARIF_BASELINE_UPDATED,
	SARIF_BASELINE_ABSENT,
};

struct sarif {
	json_t *log, *run, *rules, *results;
};

struct sarif_result; /* opaque handle on one result */

/* Start a log whose run is by unravel (name and version). */
void sarif_init(struct sarif *s);
/*
 * Declare a rule: id ("unravel/import-cycle"), name ("ImportCycle"), a
 * one-line and a longer description, and its default level ("error",
 * "warning", "note"). Results must name a declared rule.
 */
void sarif_rule(struct sarif *s, const char *id, const char *name, const char *short_text,
		const char *full_text, const char *level);
/* A new result of rule_id (declared before; BUG otherwise) with a message. */
struct sarif_result *sarif_result(struct sarif *s, const char *rule_id, const char *level,
				  const char *message);
/* Add a primary location (file relative to cwd; line/col 0 = unknown; message may be NULL). */
void sarif_result_location(struct sarif_result *r, const char *file, int line, int col,
			   const char *message);
/* Add a related location (numbered 0, 1, ... in order of addition). */
void sarif_result_related(struct sarif_result *r, const char *file, int line, int col,
			  const char *message);
/* The same, for a range of lines (region startLine..endLine; end_line <= line: one line). */
void sarif_result_location_span(struct sarif_result *r, const char *file, int line, int end_line,
				const char *message);
void sarif_result_related_span(struct sarif_result *r, const char *file, int line, int end_line,
			       const char *message);
/* Mark the result suppressed: kind "inSource" or "external", with a justification. */
void sarif_result_suppression(struct sarif_result *r, const char *kind, const char *justification);
/* Append one step to the result's code flow (one thread flow, steps in order). */
void sarif_result_flow_step(struct sarif_result *r, const char *file, int line, int col,
			    const char *message);
/* Set partialFingerprints[key] = value ("unravelCycle/v1": the cycle fingerprint). */
void sarif_result_fingerprint(struct sarif_result *r, const char *key, const char *value);
void sarif_result_baseline(struct sarif_result *r, enum sarif_baseline state);
/* Attach a property (properties bag) to the result; value is stolen. */
void sarif_result_property(struct sarif_result *r, const char *key, json_t *value);

/* Dump the log to f (2-space indent, sorted keys, trailing newline) and release it. */
void sarif_write(struct sarif *s, FILE *f);
/* Take the finished log as JSON (caller owns it) and release the writer. */
json_t *sarif_take(struct sarif *s);
void sarif_release(struct sarif *s);

/* A relative path as a URI reference: '/'-separated, percent-encoded. Caller frees. */
char *sarif_uri(const char *path);

#endif
