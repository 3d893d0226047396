/*
 * cmd_scan.c - `unravel scan`: the phase 1 inventory. Files per language,
 * the components of each SPEC.md category, the host object the managers
 * hang off, name -> class registries, and host attribute accesses that
 * resolve to nothing. `--show-config` prints the effective naming rules.
 */
#include "cli.h"
#include "../analyzer/inventory.h"
#include "../analyzer/managers.h"
#include "../analyzer/modindex.h"
#include "../analyzer/util.h"

#include <string.h>

static const char *const formats[] = {"text", "json", NULL};

static json_t *set_json(const struct rule_set *rs)
{
	json_t *items = json_array();
	for (int i = 0; i < rs->n; i++)
		json_array_append_new(items, json_string(rs->items[i]));
	return json_pack("{s:o,s:s}", "value", items, "origin", rs->origin);
}

static int show_config(struct options *o)
{
	static const char *const keys[RULE__COUNT] = {
		[RULE_SUFFIXES] = "suffixes", [RULE_PREFIXES] = "prefixes",
		[RULE_INCLUDE] = "include", [RULE_EXCLUDE] = "exclude",
		[RULE_HOST_NAMES] = "host_names",
	};
	struct naming_rules r;
	FILE *f = open_output(o);
	int rc = EXIT_CLEAN;
	naming_rules_load(&r, &o->config);
	if (format_is(o, "json")) {
		json_t *doc = json_doc("scan"), *cfg = json_object();
		for (int i = 0; i < RULE__COUNT; i++)
			json_object_set_new(cfg, keys[i], set_json(&r.lists[i]));
		for (int c = 0; c < CAT__COUNT; c++) {
			char *key;
			if (c == CAT_MANAGER)
				continue;
			key = xstrfmt("category_%s", category_name(c));
			json_object_set_new(cfg, key, set_json(&r.words[c]));
			free(key);
		}
		json_object_set_new(cfg, "host",
				    json_pack("{s:s?,s:s}", "value", r.host, "origin",
					      r.host ? r.host_origin : "default"));
		json_object_set_new(doc, "config_file",
				    o->config.source ? json_string(o->config.source) : json_null());
		json_object_set_new(doc, "config", cfg);
		json_emit(doc, f);
	} else {
		fprintf(f, "# naming rules in effect (config file: %s)\n",
			o->config.source ? o->config.source : "none");
		naming_rules_print(&r, f);
	}
	naming_rules_release(&r);
	if (close_output(o, f) < 0)
		rc = EXIT_FATAL;
	return rc;
}

static void emit_json(FILE *f, const struct scan *s, const struct modindex *mi,
		      const struct manager_graph *mg)
{
	json_t *doc = json_doc("scan"), *files = json_object(), *comps = json_object();
	json_t *roots = json_array();
	for (int i = 0; i < mi->nroots; i++)
		json_array_append_new(roots, json_string(mi->roots[i]));
	json_object_set_new(doc, "roots", roots);
	json_t *hosts = json_array(), *regs = json_array(), *unres = json_array();
	for (int l = 0; l < LANG__COUNT; l++)
		json_object_set_new(files, lang_name(l), json_integer((json_int_t)scan_count_lang(s, l)));
	for (int c = 0; c < CAT__COUNT; c++) {
		json_t *list = json_array();
		for (int i = 0; i < mg->ncomponents; i++) {
			const struct component *cp = &mg->components[i];
			if (!(cp->categories & (1u << c)))
				continue;
			json_array_append_new(list, json_pack("{s:s,s:s,s:i,s:s}", "name", cp->name,
							      "file", cp->file, "line", cp->line,
							      "kind", cp->is_module ? "module" : "class"));
		}
		json_object_set_new(comps, category_name(c), list);
	}
	for (int i = 0; i < mg->nhosts; i++) {
		const struct host_candidate *h = &mg->hosts[i];
		json_array_append_new(hosts, json_pack("{s:s,s:s,s:s,s:i,s:i,s:b}", "name", h->cls,
						       "module", h->module, "file", h->file, "line",
						       h->line, "managers", h->nmanagers, "host",
						       i == 0 && mg->host_class));
	}
	for (int i = 0; i < mg->nregistry; i++) {
		const struct registry_entry *r = &mg->registry[i];
		json_array_append_new(regs, json_pack("{s:s,s:s,s:s,s:i}", "key", r->key, "class",
						      r->cls, "file", r->file, "line", r->line));
	}
	for (int i = 0; i < mg->nunresolved; i++) {
		const struct unresolved_access *u = &mg->unresolved[i];
		json_array_append_new(unres, json_pack("{s:s,s:s,s:s,s:i}", "host", u->host, "attr",
						       u->attr, "file", u->file, "line", u->line));
	}
	json_object_set_new(doc, "files", files);
	if (scan_count_lang(s, LANG_C))
		json_object_set_new(doc, "translation_units",
				    json_pack("{s:i,s:i,s:i,s:i,s:i}", "total", s->c_tus.tus, "clean",
					      s->c_tus.clean, "from_cache", s->c_tus.from_cache,
					      "timed_out", s->c_tus.timed_out, "not_tried",
					      s->c_tus.not_tried));
	json_object_set_new(doc, "components", comps);
	json_object_set_new(doc, "hosts", hosts);
	json_object_set_new(doc, "registries", regs);
	json_object_set_new(doc, "unresolved", unres);
	json_emit(doc, f);
}

static int count_in(const struct manager_graph *mg, int c)
{
	int n = 0;
	for (int i = 0; i < mg->ncomponents; i++)
		n += !!(mg->components[i].categories & (1u << c));
	return n;
}

static void emit_text(FILE *f, const struct scan *s, const struct modindex *mi,
		      const struct manager_graph *mg)
{
	int width = 0;
	fprintf(f, "files:");
	for (int l = 0; l < LANG__COUNT; l++)
		fprintf(f, "%s %zu %s", l ? "," : "", scan_count_lang(s, l), lang_name(l));
	if (scan_count_lang(s, LANG_C)) {
		fprintf(f, "\nC translation units: %d, %d parsed cleanly", s->c_tus.tus,
			s->c_tus.clean);
		if (s->c_tus.from_cache)
			fprintf(f, " (%d from the TU cache)", s->c_tus.from_cache);
		if (s->c_tus.timed_out)
			fprintf(f, ", %d given up after --c-timeout", s->c_tus.timed_out);
		if (s->c_tus.not_tried)
			fprintf(f, ", %d not tried", s->c_tus.not_tried);
	}
	if (mi->nroots && scan_count_lang(s, LANG_PYTHON)) {
		fprintf(f, "\nPython roots:");
		for (int i = 0; i < mi->nroots; i++)
			fprintf(f, " %s", mi->roots[i]);
	}
	fprintf(f, "\n\n%-10s %5s\n", "category", "count");
	for (int c = 0; c < CAT__COUNT; c++)
		fprintf(f, "%-10s %5d\n", category_name(c), count_in(mg, c));
	for (int i = 0; i < mg->ncomponents; i++) {
		int w = (int)strlen(mg->components[i].name);
		if (w > width)
			width = w;
	}
	for (int c = 0; c < CAT__COUNT; c++) {
		int n = count_in(mg, c);
		if (!n)
			continue;
		fprintf(f, "\n%s (%d)\n", category_name(c), n);
		for (int i = 0; i < mg->ncomponents; i++) {
			const struct component *cp = &mg->components[i];
			if (cp->categories & (1u << c))
				fprintf(f, "  %-*s  %s:%d%s\n", width, cp->name, cp->file, cp->line,
					cp->is_module ? "  (module)" : "");
		}
	}
	fprintf(f, "\nhost: ");
	if (mg->host_class && mg->nhosts && mg->hosts[0].nmanagers)
		fprintf(f, "%s  %s:%d  (%d managers bound to its attributes)\n", mg->host_class,
			mg->host_file, mg->host_line, mg->hosts[0].nmanagers);
	else if (mg->host_class)
		fprintf(f, "%s  %s:%d  (taken by the managers; its attributes come from the registry)\n",
			mg->host_class, mg->host_file, mg->host_line);
	else
		fprintf(f, "none (no class holds two or more managers that take it back in their constructor)\n");
	for (int i = mg->host_class ? 1 : 0; i < mg->nhosts; i++)
		fprintf(f, "  also holds managers: %s  %s:%d  (%d)\n", mg->hosts[i].cls,
			mg->hosts[i].file, mg->hosts[i].line, mg->hosts[i].nmanagers);
	if (mg->nregistry) {
		fprintf(f, "\nregistries (%d entries)\n", mg->nregistry);
		for (int i = 0; i < mg->nregistry; i++)
			fprintf(f, "  \"%s\" -> %s  %s:%d\n", mg->registry[i].key, mg->registry[i].cls,
				mg->registry[i].file, mg->registry[i].line);
	}
	if (mg->nunresolved) {
		fprintf(f, "\nunresolved host attributes (%d): accessed, but bound nowhere\n",
			mg->nunresolved);
		for (int i = 0; i < mg->nunresolved; i++)
			fprintf(f, "  %s:%d  %s.%s\n", mg->unresolved[i].file, mg->unresolved[i].line,
				mg->unresolved[i].host, mg->unresolved[i].attr);
	}
}

int cmd_scan(struct options *o)
{
	struct scan s;
	struct manager_graph mg;
	struct modindex mi;
	int rc = EXIT_CLEAN;
	FILE *f;

	if (check_format(o, formats) < 0)
		return EXIT_FATAL;
	if (o->show_config)
		return show_config(o);
	if (run_scan(o, &s) < 0)
		return EXIT_FATAL;
	modindex_build(&mi, &s);
	if (managers_build(&mg, &s, &mi, &o->config) < 0) {
		modindex_release(&mi);
		scan_release(&s);
		return EXIT_FATAL;
	}
	f = open_output(o);
	if (format_is(o, "json"))
		emit_json(f, &s, &mi, &mg);
	else
		emit_text(f, &s, &mi, &mg);
	if (close_output(o, f) < 0)
		rc = EXIT_FATAL;
	managers_release(&mg);
	modindex_release(&mi);
	scan_release(&s);
	return rc;
}
