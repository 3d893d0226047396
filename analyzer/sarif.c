/*
 * sarif.c - see sarif.h. The log is built directly as jansson objects; a
 * result handle is the result's json_t itself.
 */
#include "sarif.h"
#include "util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

void sarif_init(struct sarif *s)
{
	json_t *driver = json_object(), *tool = json_object(), *base = json_object();
	char cwd[PATH_MAX];

	s->log = json_object();
	s->run = json_object();
	s->rules = json_array();
	s->results = json_array();
	json_object_set_new(s->log, "$schema", json_string(SARIF_SCHEMA));
	json_object_set_new(s->log, "version", json_string("2.1.0"));
	json_object_set_new(driver, "name", json_string("unravel"));
	json_object_set_new(driver, "version", json_string(UNRAVEL_VERSION));
	json_object_set_new(driver, "semanticVersion", json_string(UNRAVEL_VERSION));
	json_object_set(driver, "rules", s->rules);
	json_object_set_new(tool, "driver", driver);
	json_object_set_new(s->run, "tool", tool);
	json_object_set(s->run, "results", s->results);
	/* Relative URIs resolve against SRCROOT, the directory unravel ran in. */
	if (getcwd(cwd, sizeof(cwd))) {
		json_t *root = json_object();
		char *enc = sarif_uri(cwd);
		char *uri = xstrfmt("file://%s%s", enc, ends_with(enc, "/") ? "" : "/");
		json_object_set_new(root, "uri", json_string(uri));
		json_object_set_new(base, "SRCROOT", root);
		free(enc);
		free(uri);
	}
	json_object_set_new(s->run, "originalUriBaseIds", base);
	json_object_set_new(s->log, "runs", json_pack("[O]", s->run));
}

static json_t *message(const char *text)
{
	return json_pack("{s:s}", "text", text);
}

void sarif_rule(struct sarif *s, const char *id, const char *name, const char *short_text,
		const char *full_text, const char *level)
{
	json_t *rule = json_object(), *conf = json_object();
	json_object_set_new(rule, "id", json_string(id));
	json_object_set_new(rule, "name", json_string(name));
	json_object_set_new(rule, "shortDescription", message(short_text));
	json_object_set_new(rule, "fullDescription", message(full_text ? full_text : short_text));
	json_object_set_new(conf, "level", json_string(level));
	json_object_set_new(rule, "defaultConfiguration", conf);
	json_array_append_new(s->rules, rule);
}

struct sarif_result *sarif_result(struct sarif *s, const char *rule_id, const char *level,
				  const char *msg)
{
	json_t *r = json_object();
	size_t i, n = json_array_size(s->rules);

	for (i = 0; i < n; i++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(s->rules, i), "id")),
			    rule_id))
			break;
	if (i == n)
		BUG("sarif: result of undeclared rule '%s'", rule_id);
	json_object_set_new(r, "ruleId", json_string(rule_id));
	json_object_set_new(r, "ruleIndex", json_integer((json_int_t)i));
	json_object_set_new(r, "level", json_string(level));
	json_object_set_new(r, "message", message(msg));
	json_array_append_new(s->results, r);
	return (struct sarif_result *)r;
}

char *sarif_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	struct strbuf sb = STRBUF_INIT;
	sb_init(&sb);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		/* RFC 3986 unreserved characters and the path separator stay. */
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p)) {
			sb_addc(&sb, (char)*p);
		} else {
			sb_addc(&sb, '%');
			sb_addc(&sb, hex[*p >> 4]);
			sb_addc(&sb, hex[*p & 15]);
		}
	}
	return sb_detach(&sb, NULL);
}

static json_t *location(const char *file, int line, int col, const char *msg)
{
	json_t *loc = json_object(), *phys = json_object(), *art = json_object();
	char *uri = sarif_uri(file);
	json_object_set_new(art, "uri", json_string(uri));
	json_object_set_new(art, "uriBaseId", json_string("SRCROOT"));
	json_object_set_new(phys, "artifactLocation", art);
	if (line > 0) {
		json_t *region = json_object();
		json_object_set_new(region, "startLine", json_integer(line));
		if (col > 0)
			json_object_set_new(region, "startColumn", json_integer(col));
		json_object_set_new(phys, "region", region);
	}
	json_object_set_new(loc, "physicalLocation", phys);
	if (msg)
		json_object_set_new(loc, "message", message(msg));
	free(uri);
	return loc;
}

static json_t *array_member(json_t *obj, const char *key)
{
	json_t *a = json_object_get(obj, key);
	if (!a) {
		a = json_array();
		json_object_set_new(obj, key, a);
	}
	return a;
}

void sarif_result_location(struct sarif_result *r, const char *file, int line, int col,
			   const char *msg)
{
	json_array_append_new(array_member((json_t *)r, "locations"), location(file, line, col, msg));
}

void sarif_result_related(struct sarif_result *r, const char *file, int line, int col,
			  const char *msg)
{
	json_t *a = array_member((json_t *)r, "relatedLocations");
	json_t *loc = location(file, line, col, msg);
	json_object_set_new(loc, "id", json_integer((json_int_t)json_array_size(a)));
	json_array_append_new(a, loc);
}

/* Give the last location of array key an endLine (locations built by location() above). */
static void set_end_line(struct sarif_result *r, const char *key, int line, int end_line)
{
	json_t *a = json_object_get((json_t *)r, key);
	json_t *region = json_object_get(
		json_object_get(json_array_get(a, json_array_size(a) - 1), "physicalLocation"),
		"region");
	if (region && end_line > line)
		json_object_set_new(region, "endLine", json_integer(end_line));
}

void sarif_result_location_span(struct sarif_result *r, const char *file, int line, int end_line,
				const char *msg)
{
	sarif_result_location(r, file, line, 0, msg);
	set_end_line(r, "locations", line, end_line);
}

void sarif_result_related_span(struct sarif_result *r, const char *file, int line, int end_line,
			       const char *msg)
{
	sarif_result_related(r, file, line, 0, msg);
	set_end_line(r, "relatedLocations", line, end_line);
}

void sarif_result_suppression(struct sarif_result *r, const char *kind, const char *justification)
{
	json_array_append_new(array_member((json_t *)r, "suppressions"),
			      json_pack("{s:s,s:s}", "kind", kind, "justification", justification));
}

void sarif_result_flow_step(struct sarif_result *r, const char *file, int line, int col,
			    const char *msg)
{
	json_t *flows = array_member((json_t *)r, "codeFlows"), *steps;
	if (!json_array_size(flows)) {
		json_t *tf = json_object();
		json_object_set_new(tf, "locations", json_array());
		json_array_append_new(flows, json_pack("{s:[o]}", "threadFlows", tf));
	}
	steps = json_object_get(
		json_array_get(json_object_get(json_array_get(flows, 0), "threadFlows"), 0),
		"locations");
	json_array_append_new(steps, json_pack("{s:o}", "location", location(file, line, col, msg)));
}

void sarif_result_fingerprint(struct sarif_result *r, const char *key, const char *value)
{
	json_t *fp = json_object_get((json_t *)r, "partialFingerprints");
	if (!fp) {
		fp = json_object();
		json_object_set_new((json_t *)r, "partialFingerprints", fp);
	}
	json_object_set_new(fp, key, json_string(value));
}

void sarif_result_baseline(struct sarif_result *r, enum sarif_baseline state)
{
	static const char *const names[] = {
		[SARIF_BASELINE_NEW] = "new", [SARIF_BASELINE_UNCHANGED] = "unchanged",
		[SARIF_BASELINE_UPDATED] = "updated", [SARIF_BASELINE_ABSENT] = "absent",
	};
	if (state == SARIF_BASELINE_NONE)
		json_object_del((json_t *)r, "baselineState");
	else
		json_object_set_new((json_t *)r, "baselineState", json_string(names[state]));
}

void sarif_result_property(struct sarif_result *r, const char *key, json_t *value)
{
	json_t *props = json_object_get((json_t *)r, "properties");
	if (!props) {
		props = json_object();
		json_object_set_new((json_t *)r, "properties", props);
	}
	json_object_set_new(props, key, value);
}

json_t *sarif_take(struct sarif *s)
{
	json_t *log = s->log;
	json_decref(s->run);
	json_decref(s->rules);
	json_decref(s->results);
	memset(s, 0, sizeof(*s));
	return log;
}

void sarif_write(struct sarif *s, FILE *f)
{
	json_t *log = sarif_take(s);
	json_dumpf(log, f, JSON_INDENT(2) | JSON_SORT_KEYS);
	fputc('\n', f);
	json_decref(log);
}

void sarif_release(struct sarif *s)
{
	json_decref(sarif_take(s));
}
