/*
 * test_managers.c - the manager graph from hand-built facts: naming rules,
 * every edge kind, host detection, registries, unresolved host attributes,
 * order and cut; C structs, typedef aliases, fields and constructors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../analyzer/diag.h"
#include "../../analyzer/inventory.h"
#include "../../analyzer/managers.h"
#include "../../analyzer/scan.h"
#include "../../analyzer/util.h"

/* --- building facts by hand --- */

static struct file_facts *add_file(struct scan *s, const char *path, enum lang l)
{
	struct file_facts *ff = facts_new(path, l);
	ALLOC_GROW(s->files, s->nfiles + 1, s->alloc_files);
	s->files[s->nfiles++] = ff;
	return ff;
}

static int cmp_ff(const void *a, const void *b)
{
	return strcmp((*(struct file_facts *const *)a)->path, (*(struct file_facts *const *)b)->path);
}

static void finish(struct scan *s)
{
	qsort(s->files, s->nfiles, sizeof(*s->files), cmp_ff);
}

static void free_scan(struct scan *s)
{
	for (size_t i = 0; i < s->nfiles; i++)
		facts_free(s->files[i]);
	free(s->files);
	memset(s, 0, sizeof(*s));
}

static void add_class(struct file_facts *ff, const char *name, int line, const char *base)
{
	struct fact_class *c = facts_add_class(ff);
	c->name = facts_str(ff, name);
	c->line = line;
	c->end_line = line + 10;
	if (base) {
		const char **b = arena_alloc(ff->arena, sizeof(*b));
		b[0] = facts_str(ff, base);
		c->bases = b;
		c->nbases = 1;
	}
}

/* params: "name:Annotation,name2,name3=" ('=' at the end: has a default). */
static void add_func(struct file_facts *ff, const char *cls, const char *name, int line,
		     const char *params)
{
	struct fact_func *f = facts_add_func(ff);
	char *copy = xstrdup(params ? params : ""), *save = NULL;
	f->cls = facts_str(ff, cls);
	f->name = cls ? arena_strfmt(ff->arena, "%s.%s", cls, name) : facts_str(ff, name);
	f->line = line;
	f->end_line = line + 5;
	f->params = arena_alloc(ff->arena, sizeof(*f->params) * 8);
	for (char *p = strtok_r(copy, ",", &save); p && f->nparams < 8;
	     p = strtok_r(NULL, ",", &save)) {
		struct fact_param *fp = &f->params[f->nparams++];
		size_t n = strlen(p);
		char *colon = strchr(p, ':');
		if (n && p[n - 1] == '=') {
			fp->has_default = 1;
			p[n - 1] = '\0';
		}
		if (colon) {
			*colon = '\0';
			fp->annotation = facts_str(ff, colon + 1);
		}
		fp->name = facts_str(ff, p);
	}
	free(copy);
}

static void add_ref(struct file_facts *ff, enum ref_kind k, const char *cls, const char *func,
		    const char *host, const char *attr, const char *value, int line)
{
	struct fact_ref *r = facts_add_ref(ff);
	r->kind = k;
	r->cls = facts_str(ff, cls);
	r->func = func ? (cls ? arena_strfmt(ff->arena, "%s.%s", cls, func) : facts_str(ff, func))
		       : NULL;
	r->host = facts_str(ff, host);
	r->attr = facts_str(ff, attr);
	r->value = facts_str(ff, value);
	r->line = line;
	r->col = 9;
}

static void add_import(struct file_facts *ff, const char *module, const char *name, int level,
		       const char *text, int line)
{
	struct fact_import *im = facts_add_import(ff);
	im->module = facts_str(ff, module);
	im->name = facts_str(ff, name);
	im->level = level;
	im->text = facts_str(ff, text);
	im->line = line;
	im->scope = SCOPE_MODULE;
}

/* --- looking at the result --- */

static int node_of(const struct manager_graph *mg, const char *id)
{
	for (int i = 0; i < mg->g->nnodes; i++)
		if (!strcmp(mg->g->nodes[i].id, id))
			return i;
	return -1;
}

static const struct gedge *find_edge(const struct manager_graph *mg, const char *from,
				     const char *to, const char *kind)
{
	int f = node_of(mg, from), t = node_of(mg, to);
	for (int e = 0; e < mg->g->nedges; e++) {
		const struct gedge *ge = &mg->g->edges[e];
		if (ge->from == f && ge->to == t && (!kind || !strcmp(ge->kind, kind)))
			return ge;
	}
	return NULL;
}

static int count_edges(const struct manager_graph *mg, const char *from, const char *to)
{
	int n = 0, f = node_of(mg, from), t = node_of(mg, to);
	for (int e = 0; e < mg->g->nedges; e++)
		if (mg->g->edges[e].from == f && mg->g->edges[e].to == t)
			n++;
	return n;
}

static void dump(const struct manager_graph *mg)
{
	for (int e = 0; e < mg->g->nedges; e++) {
		const struct gedge *ge = &mg->g->edges[e];
		print_message("  %s -> %s [%s] %s:%d %s\n", mg->g->nodes[ge->from].id,
			      mg->g->nodes[ge->to].id, ge->kind, ge->file, ge->line, ge->how);
	}
}

/* --- naming rules --- */

static void test_naming_defaults(void **state)
{
	struct naming_rules r;
	(void)state;
	naming_rules_load(&r, NULL);
	assert_true(naming_is_manager(&r, "UnifiedVIXManager"));
	assert_true(naming_is_manager(&r, "GreeksMonitor"));
	assert_true(naming_is_manager(&r, "CircuitBreaker"));
	assert_true(naming_is_manager(&r, "EventBus"));
	assert_true(naming_is_manager(&r, "UnifiedCache"));
	assert_true(naming_is_manager(&r, "vix_manager"));
	assert_true(naming_is_manager(&r, "Manager"));
	assert_false(naming_is_manager(&r, "Omnibus"));
	assert_false(naming_is_manager(&r, "ManagerMixin"));
	assert_false(naming_is_manager(&r, "Unified"));
	assert_false(naming_is_manager(&r, "CacheType"));
	assert_false(naming_is_manager(&r, "TradingAlgorithm"));
	assert_true(naming_attr_is_manager(&r, "liquidity_manager"));
	assert_false(naming_attr_is_manager(&r, "managers"));
	assert_false(naming_attr_is_manager(&r, "capital"));
	assert_true(naming_is_host_name(&r, "algorithm"));
	assert_true(naming_is_host_name(&r, "algo"));
	assert_false(naming_is_host_name(&r, "vix_manager"));

	unsigned m = naming_categories(&r, "UnifiedStateManager", NULL, 0, "trading.core.x");
	assert_true(m & (1u << CAT_STATE));
	assert_true(m & (1u << CAT_UNIFIED));
	assert_false(m & (1u << CAT_MANAGER));
	m = naming_categories(&r, "Kelly", NULL, 0, "trading.risk.kelly");
	assert_true(m & (1u << CAT_RISK));
	const char *bases[] = {"strategies.BaseStrategy"};
	m = naming_name_categories(&r, "IronCondor", bases, 1);
	assert_true(m & (1u << CAT_STRATEGY));
	assert_string_equal(naming_primary_category(1u << CAT_CACHE | 1u << CAT_UNIFIED, 0), "cache");
	assert_string_equal(naming_primary_category(0, 1u << CAT_RISK), "risk");
	assert_string_equal(naming_primary_category(0, 0), "manager");
	naming_rules_release(&r);
}

static void test_naming_config(void **state)
{
	char dir[] = "/tmp/unravel-test-managers.XXXXXX";
	struct config cfg;
	struct naming_rules r;
	char *path, *cmd;
	const char ini[] = "[managers]\nsuffixes = Thing\nextra_prefixes = Shared\n"
			   "exclude = Legacy*\nhost = App\nhost_names = ctx\n";
	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xstrfmt("%s/.unravel.ini", dir);
	assert_int_equal(write_file_atomic(path, ini, strlen(ini)), 0);
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(config_load(&cfg, NULL, dir), 0);
	naming_rules_load(&r, &cfg);
	assert_true(naming_is_manager(&r, "BigThing"));
	assert_false(naming_is_manager(&r, "VixManager"));
	assert_true(naming_is_manager(&r, "UnifiedX"));
	assert_true(naming_is_manager(&r, "SharedPool"));
	assert_false(naming_is_manager(&r, "LegacyThing"));
	assert_true(naming_is_host_name(&r, "ctx"));
	assert_false(naming_is_host_name(&r, "algorithm"));
	assert_string_equal(r.host, "App");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	naming_rules_print(&r, f);
	fclose(f);
	assert_non_null(strstr(buf, "suffixes = Thing  # "));
	assert_non_null(strstr(buf, ".unravel.ini:2"));
	assert_non_null(strstr(buf, "prefixes = Unified, Shared"));
	free(buf);
	naming_rules_release(&r);
	config_free(&cfg);
	cmd = xstrfmt("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(path);
}

static void test_snake_case(void **state)
{
	(void)state;
	const char *cases[][2] = {
		{"MarketDataCache", "market_data_cache"}, {"UnifiedVIXManager", "unified_vix_manager"},
		{"HTTPServer", "http_server"}, {"vix_manager", "vix_manager"}, {"A", "a"},
		{"GreeksMonitor2", "greeks_monitor2"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = snake_case(cases[i][0]);
		assert_string_equal(s, cases[i][1]);
		free(s);
	}
}

/* --- a Python framework shaped like examples/trading --- */

static void build_trading(struct scan *s)
{
	struct file_facts *ff;
	ff = add_file(s, "t/app/__init__.py", LANG_PYTHON);
	ff = add_file(s, "t/app/host.py", LANG_PYTHON);
	add_import(ff, "app.vix", "VixManager", 0, "from app.vix import VixManager", 1);
	add_import(ff, "app.margin", "MarginManager", 0, "from app.margin import MarginManager", 2);
	add_import(ff, "app", "risk", 0, "from app import risk as rk", 3);
	add_import(ff, "factory", "ManagerFactory", 1, "from .factory import ManagerFactory", 4);
	add_import(ff, "app.hedge", "*", 0, "from app.hedge import *", 5);
	add_class(ff, "Algorithm", 10, NULL);
	add_func(ff, "Algorithm", "__init__", 11, "capital=");
	add_ref(ff, REF_SELF_ATTR, "Algorithm", "__init__", "self", "capital", "capital", 12);
	add_ref(ff, REF_BIND, "Algorithm", "__init__", "self", "vix_manager", "VixManager", 13);
	add_ref(ff, REF_BIND, "Algorithm", "__init__", "self", "margin_manager", "MarginManager", 14);
	add_ref(ff, REF_BIND, "Algorithm", "__init__", "self", "risk", "rk.RiskCoordinator", 15);
	add_ref(ff, REF_BIND, "Algorithm", "__init__", "self", "factory", "ManagerFactory", 16);
	add_ref(ff, REF_BIND_GET, "Algorithm", "__init__", "self", "greeks", "greeks", 17);
	add_ref(ff, REF_REGISTER, "Algorithm", "__init__", "self.managers", "tracker", "Tracker", 18);
	add_ref(ff, REF_BIND, "Algorithm", "__init__", "self", "engine", "RebalanceEngine", 19);
	add_ref(ff, REF_BIND, "Algorithm", "__init__", "self", "hedger", "HedgeExecutor", 20);

	ff = add_file(s, "t/app/vix.py", LANG_PYTHON);
	add_class(ff, "VixManager", 5, NULL);
	add_func(ff, "VixManager", "__init__", 6, "algorithm:'Algorithm'");
	add_ref(ff, REF_SELF_ATTR, "VixManager", "__init__", "self", "algorithm", "algorithm", 7);
	add_ref(ff, REF_GETATTR, "VixManager", "update", "self.algorithm", "margin_manager", NULL, 20);
	/* an attribute nobody binds: reported, no edge */
	add_ref(ff, REF_GETATTR, "VixManager", "update", "self.algorithm", "liquidity_manager", NULL,
		21);
	/* plain data attributes of the host are neither edges nor unresolved */
	add_ref(ff, REF_ATTR, "VixManager", "update", "self.algorithm", "capital", NULL, 22);
	add_ref(ff, REF_ATTR, "VixManager", "update", "self.algorithm", "strategies", NULL, 23);

	ff = add_file(s, "t/app/margin.py", LANG_PYTHON);
	add_class(ff, "MarginManager", 3, NULL);
	add_func(ff, "MarginManager", "__init__", 4, "algorithm");
	add_ref(ff, REF_SELF_ATTR, "MarginManager", "__init__", "self", "algo", "algorithm", 5);
	add_ref(ff, REF_ATTR, "MarginManager", "buffer", "self.algo", "vix_manager", NULL, 12);

	ff = add_file(s, "t/app/risk.py", LANG_PYTHON);
	add_import(ff, "app.sizer", "PositionSizer", 0, "from app.sizer import PositionSizer", 1);
	add_class(ff, "RiskCoordinator", 5, NULL);
	add_func(ff, "RiskCoordinator", "__init__", 6, "algorithm");
	add_ref(ff, REF_BIND, "RiskCoordinator", "__init__", "self", "correlation_manager",
		"CorrelationManager", 8);
	add_class(ff, "CorrelationManager", 20, NULL);
	add_func(ff, "CorrelationManager", "__init__", 21, "algorithm");
	add_ref(ff, REF_HASATTR, "CorrelationManager", "limit", "self.algorithm", "greeks", NULL, 25);
	add_ref(ff, REF_ATTR, "CorrelationManager", "limit", "self.algorithm", "greeks", NULL, 26);
	/* attribute chain through a module function parameter: no class, no edge */
	add_func(ff, NULL, "helper", 40, "algorithm");
	add_ref(ff, REF_ATTR, NULL, "helper", "algorithm", "unknown_monitor", NULL, 41);

	ff = add_file(s, "t/app/sizer.py", LANG_PYTHON);
	add_class(ff, "PositionSizer", 3, NULL);
	add_func(ff, "PositionSizer", "__init__", 4, "algorithm");
	add_ref(ff, REF_ATTR, "PositionSizer", "size", "self.algorithm.risk", "correlation_manager",
		NULL, 10);

	ff = add_file(s, "t/app/greeks.py", LANG_PYTHON);
	add_class(ff, "GreeksMonitor", 3, NULL);
	add_func(ff, "GreeksMonitor", "__init__", 4, "algorithm");
	add_ref(ff, REF_ATTR, "GreeksMonitor", "budget", "self.algorithm", "managers", NULL, 9);
	add_ref(ff, REF_ATTR, "GreeksMonitor", "budget", "self.algorithm.managers[\"tracker\"]",
		"exposure", NULL, 10);
	add_ref(ff, REF_ATTR, "GreeksMonitor", "budget", "self.algorithm.managers['nope']", "x",
		NULL, 11);
	/* instantiation through a class method */
	add_ref(ff, REF_CALL, "GreeksMonitor", "budget", NULL, NULL, "Validator.default", 12);
	add_class(ff, "Validator", 30, NULL);
	add_class(ff, "TradeValidator", 40, "Validator"); /* not by name, but its base is one */

	ff = add_file(s, "t/app/factory.py", LANG_PYTHON);
	add_import(ff, "app.greeks", "GreeksMonitor", 0, "from app.greeks import GreeksMonitor", 1);
	add_ref(ff, REF_REGISTER, NULL, NULL, NULL, "greeks", "GreeksMonitor", 5);
	add_class(ff, "ManagerFactory", 10, NULL);
	add_func(ff, "ManagerFactory", "__init__", 11, "algorithm");

	ff = add_file(s, "t/app/tracker.py", LANG_PYTHON);
	add_class(ff, "Tracker", 3, NULL);
	add_func(ff, "Tracker", "__init__", 4, "algorithm,vix_manager,event_bus=");

	ff = add_file(s, "t/app/bus.py", LANG_PYTHON);
	add_class(ff, "EventBus", 3, NULL);

	ff = add_file(s, "t/app/hedge.py", LANG_PYTHON);
	add_class(ff, "RebalanceEngine", 3, NULL);
	add_func(ff, "RebalanceEngine", "__init__", 4,
		 "algorithm:'Algorithm',hedger:Optional['HedgeExecutor']");
	add_class(ff, "HedgeExecutor", 20, NULL);
	add_func(ff, "HedgeExecutor", "__init__", 21, "algorithm,engine:RebalanceEngine");
	finish(s);
}

static void test_python_graph(void **state)
{
	struct scan s;
	struct manager_graph mg;
	(void)state;
	memset(&s, 0, sizeof(s));
	build_trading(&s);
	assert_int_equal(managers_build(&mg, &s, NULL, NULL), 0);
	dump(&mg);

	/* the host is found and is not a node */
	assert_non_null(mg.host_class);
	assert_string_equal(mg.host_class, "Algorithm");
	assert_string_equal(mg.host_module, "app.host");
	assert_int_equal(node_of(&mg, "app.host.Algorithm"), -1);
	assert_true(mg.nhosts >= 1);
	assert_string_equal(mg.hosts[0].cls, "Algorithm");
	assert_int_equal(mg.hosts[0].nmanagers, 8);

	/* nodes: manager-like by name, and TradeValidator by its base */
	assert_true(node_of(&mg, "app.vix.VixManager") >= 0);
	assert_true(node_of(&mg, "app.greeks.TradeValidator") >= 0);
	assert_true(node_of(&mg, "app.bus.EventBus") >= 0);

	/* getattr with a default, on the host, bound in another file */
	const struct gedge *e = find_edge(&mg, "app.vix.VixManager", "app.margin.MarginManager",
					  "attribute");
	assert_non_null(e);
	assert_string_equal(e->file, "t/app/vix.py");
	assert_int_equal(e->line, 20);
	assert_non_null(strstr(e->how, "getattr(self.algorithm, \"margin_manager\")"));
	assert_non_null(strstr(e->how, "t/app/host.py:14"));
	/* self.algo = algorithm: the host through another attribute name */
	assert_non_null(find_edge(&mg, "app.margin.MarginManager", "app.vix.VixManager",
				  "attribute"));
	/* chained: self.algorithm.risk.correlation_manager, alias-imported class */
	e = find_edge(&mg, "app.sizer.PositionSizer", "app.risk.CorrelationManager", "attribute");
	assert_non_null(e);
	assert_non_null(strstr(e->how, "RiskCoordinator.correlation_manager"));
	assert_non_null(find_edge(&mg, "app.sizer.PositionSizer", "app.risk.RiskCoordinator",
				  "attribute"));
	/* hasattr + attribute through a registry-based factory: one pair, two edges */
	assert_int_equal(count_edges(&mg, "app.risk.CorrelationManager", "app.greeks.GreeksMonitor"),
			 2);
	e = find_edge(&mg, "app.risk.CorrelationManager", "app.greeks.GreeksMonitor", "attribute");
	assert_non_null(strstr(e->how, "registered as GreeksMonitor at t/app/factory.py:5"));
	/* a dict on the host */
	e = find_edge(&mg, "app.greeks.GreeksMonitor", "app.tracker.Tracker", "attribute");
	assert_non_null(e);
	assert_non_null(strstr(e->how, "managers[\"tracker\"]"));
	/* instantiation through a class method */
	assert_non_null(find_edge(&mg, "app.greeks.GreeksMonitor", "app.greeks.Validator",
				  "instantiation"));
	/* instantiation by binding in a (non-host) manager */
	assert_non_null(find_edge(&mg, "app.risk.RiskCoordinator", "app.risk.CorrelationManager",
				  "instantiation"));
	/* ctor_param by annotation (Optional['X'], bare class) and by host attribute name */
	e = find_edge(&mg, "app.hedge.RebalanceEngine", "app.hedge.HedgeExecutor", "ctor_param");
	assert_non_null(e);
	assert_int_equal(e->line, 4);
	assert_non_null(find_edge(&mg, "app.hedge.HedgeExecutor", "app.hedge.RebalanceEngine",
				  "ctor_param"));
	e = find_edge(&mg, "app.tracker.Tracker", "app.vix.VixManager", "ctor_param");
	assert_non_null(e);
	assert_non_null(strstr(e->how, "Algorithm.vix_manager"));
	e = find_edge(&mg, "app.tracker.Tracker", "app.bus.EventBus", "ctor_param");
	assert_non_null(e);
	assert_non_null(strstr(e->how, "named after EventBus"));
	/* the host itself is never a source: nothing from Algorithm, nothing to a non-manager */
	assert_null(find_edge(&mg, "app.vix.VixManager", "app.vix.VixManager", NULL));

	/* unresolved: liquidity_manager (getattr), managers['nope'], helper's unknown_monitor */
	assert_int_equal(mg.nunresolved, 3);
	assert_string_equal(mg.unresolved[0].file, "t/app/greeks.py");
	assert_string_equal(mg.unresolved[0].host, "self.algorithm.managers");
	assert_string_equal(mg.unresolved[0].attr, "nope");
	assert_string_equal(mg.unresolved[1].file, "t/app/risk.py");
	assert_string_equal(mg.unresolved[1].host, "algorithm");
	assert_string_equal(mg.unresolved[1].attr, "unknown_monitor");
	assert_string_equal(mg.unresolved[2].host, "self.algorithm");
	assert_string_equal(mg.unresolved[2].attr, "liquidity_manager");
	assert_int_equal(mg.unresolved[2].line, 21);

	/* registry */
	assert_int_equal(mg.nregistry, 1);
	assert_string_equal(mg.registry[0].key, "greeks");
	assert_string_equal(mg.registry[0].cls, "app.greeks.GreeksMonitor");

	/* managers[]: attribute names, factory names, params */
	int v = node_of(&mg, "app.vix.VixManager");
	assert_string_equal(mg.managers[v].attr, "vix_manager");
	assert_string_equal(mg.managers[v].name, "vix_manager");
	assert_string_equal(mg.managers[v].import_module, "app.vix");
	assert_int_equal(mg.managers[v].nparams, 1);
	int t = node_of(&mg, "app.tracker.Tracker");
	assert_null(mg.managers[t].attr);
	assert_string_equal(mg.managers[t].name, "tracker");
	int c = node_of(&mg, "app.risk.CorrelationManager");
	assert_string_equal(mg.managers[c].name, "correlation_manager");
	assert_string_equal(mg.managers[c].category, "risk");

	/* order: creation edges only, minus the cut; every manager after what it needs */
	int ncreation_cycle_cut = 0;
	for (int i = 0; i < mg.ncut; i++) {
		const struct gedge *ce = &mg.g->edges[mg.cut[i]];
		if (mg.creation_mask[mg.cut[i]])
			ncreation_cycle_cut++;
		assert_true(!strcmp(ce->kind, "ctor_param") || !strcmp(ce->kind, "attribute") ||
			    !strcmp(ce->kind, "instantiation"));
	}
	assert_int_equal(ncreation_cycle_cut, 1);
	for (int i = 0; i < mg.g->nedges; i++) {
		const struct gedge *ge = &mg.g->edges[i];
		int cut = 0;
		for (int j = 0; j < mg.ncut; j++)
			cut |= mg.cut[j] == i;
		if (mg.creation_mask[i] && !cut)
			assert_true(mg.layer_of[ge->to] < mg.layer_of[ge->from]);
	}
	assert_int_equal(mg.layer_of[t] > mg.layer_of[node_of(&mg, "app.bus.EventBus")], 1);
	managers_release(&mg);
	free_scan(&s);
	diag_clear();
}

/* Without an import telling which class, a name defined twice is not guessed. */
static void test_ambiguous_names(void **state)
{
	struct scan s;
	struct manager_graph mg;
	struct file_facts *ff;
	(void)state;
	memset(&s, 0, sizeof(s));
	ff = add_file(&s, "a.py", LANG_PYTHON);
	add_class(ff, "CacheManager", 1, NULL);
	ff = add_file(&s, "b.py", LANG_PYTHON);
	add_class(ff, "CacheManager", 1, NULL);
	ff = add_file(&s, "c.py", LANG_PYTHON);
	add_class(ff, "UserService", 1, NULL);
	add_ref(ff, REF_CALL, "UserService", "f", NULL, NULL, "CacheManager", 3);
	add_import(ff, "b", "CacheManager", 0, "from b import CacheManager as CM", 1);
	add_ref(ff, REF_CALL, "UserService", "g", NULL, NULL, "CM", 4);
	finish(&s);
	assert_int_equal(managers_build(&mg, &s, NULL, NULL), 0);
	dump(&mg);
	assert_int_equal(mg.g->nnodes, 3);
	assert_int_equal(mg.g->nedges, 1);
	const struct gedge *e = find_edge(&mg, "c.UserService", "b.CacheManager", "instantiation");
	assert_non_null(e);
	assert_int_equal(e->line, 4);
	assert_null(mg.host_class);
	managers_release(&mg);
	free_scan(&s);
}

/*
 * A manager-like class is the host only when what it creates takes it back;
 * a parameter named for a word of the host class ("engine") holds the host.
 */
static void test_host_rules(void **state)
{
	struct scan s;
	struct manager_graph mg;
	struct file_facts *ff;
	(void)state;
	memset(&s, 0, sizeof(s));
	ff = add_file(&s, "engine.py", LANG_PYTHON);
	add_class(ff, "TradingEngine", 1, NULL);
	add_ref(ff, REF_BIND, "TradingEngine", "__init__", "self", "order_manager", "OrderManager", 3);
	add_ref(ff, REF_BIND, "TradingEngine", "__init__", "self", "risk_manager", "RiskManager", 4);
	add_class(ff, "OrderManager", 10, NULL);
	add_func(ff, "OrderManager", "__init__", 11, "engine");
	add_ref(ff, REF_SELF_ATTR, "OrderManager", "__init__", "self", "engine", "engine", 12);
	add_ref(ff, REF_ATTR, "OrderManager", "submit", "self.engine", "risk_manager", NULL, 14);
	add_class(ff, "RiskManager", 20, NULL);
	add_func(ff, "RiskManager", "__init__", 21, "engine:'TradingEngine'");
	/* a monitor holding two caches it creates is not a composition root */
	add_class(ff, "GreeksMonitor", 30, NULL);
	add_ref(ff, REF_BIND, "GreeksMonitor", "__init__", "self", "a", "GreeksCache", 32);
	add_ref(ff, REF_BIND, "GreeksMonitor", "__init__", "self", "b", "QuoteCache", 33);
	add_class(ff, "GreeksCache", 40, NULL);
	add_func(ff, "GreeksCache", "__init__", 41, "max_size=");
	add_class(ff, "QuoteCache", 50, NULL);
	finish(&s);
	assert_int_equal(managers_build(&mg, &s, NULL, NULL), 0);
	dump(&mg);
	assert_string_equal(mg.host_class, "TradingEngine");
	assert_int_equal(node_of(&mg, "engine.TradingEngine"), -1);
	assert_true(node_of(&mg, "engine.GreeksMonitor") >= 0);
	assert_non_null(find_edge(&mg, "engine.OrderManager", "engine.RiskManager", "attribute"));
	assert_non_null(find_edge(&mg, "engine.GreeksMonitor", "engine.GreeksCache", "instantiation"));
	/* still listed as a class holding managers, after the host */
	assert_int_equal(mg.nhosts, 2);
	assert_string_equal(mg.hosts[0].cls, "TradingEngine");
	assert_string_equal(mg.hosts[1].cls, "GreeksMonitor");
	managers_release(&mg);
	free_scan(&s);
}

/* A class holding managers that never take it back is not the host. */
static void test_no_host_without_back_reference(void **state)
{
	struct scan s;
	struct manager_graph mg;
	struct file_facts *ff;
	(void)state;
	memset(&s, 0, sizeof(s));
	ff = add_file(&s, "sax.py", LANG_PYTHON);
	add_class(ff, "Reader", 1, NULL);
	add_ref(ff, REF_BIND, "Reader", "__init__", "self", "content_handler", "ContentHandler", 3);
	add_ref(ff, REF_BIND, "Reader", "__init__", "self", "error_handler", "ErrorHandler", 4);
	add_class(ff, "ContentHandler", 10, NULL);
	add_class(ff, "ErrorHandler", 20, NULL);
	add_func(ff, "ErrorHandler", "__init__", 21, "level=");
	/* an app-taking plugin that Reader does not create: its app is not Reader */
	add_class(ff, "PluginService", 30, NULL);
	add_func(ff, "PluginService", "__init__", 31, "app");
	add_ref(ff, REF_SELF_ATTR, "PluginService", "__init__", "self", "app", "app", 32);
	add_ref(ff, REF_ATTR, "PluginService", "f", "self.app", "content_handler", NULL, 33);
	add_ref(ff, REF_GETATTR, "PluginService", "f", "self.app", "lost_handler", NULL, 34);
	finish(&s);
	assert_int_equal(managers_build(&mg, &s, NULL, NULL), 0);
	dump(&mg);
	assert_null(mg.host_class);
	assert_int_equal(mg.g->nedges, 0);
	assert_int_equal(mg.nunresolved, 0);
	assert_int_equal(mg.nhosts, 1); /* listed as holding managers, not as the host */
	assert_string_equal(mg.hosts[0].cls, "Reader");
	managers_release(&mg);
	free_scan(&s);
}

static void test_c_graph(void **state)
{
	struct scan s;
	struct manager_graph mg;
	struct file_facts *ff;
	(void)state;
	memset(&s, 0, sizeof(s));
	ff = add_file(&s, "src/vix_manager.h", LANG_C);
	add_class(ff, "vix_manager", 3, NULL);
	add_ref(ff, REF_FIELD, "vix_manager", NULL, NULL, "risk", "risk_manager", 5);
	add_ref(ff, REF_FIELD, "vix_manager", NULL, NULL, "bus", "event_bus", 4);
	ff = add_file(&s, "src/risk_manager.h", LANG_C);
	add_class(ff, "risk_manager", 3, NULL);
	add_class(ff, "RiskManager", 2, "risk_manager");
	add_ref(ff, REF_FIELD, "risk_manager", NULL, NULL, "vix", "vix_manager", 4);
	ff = add_file(&s, "src/event_bus.h", LANG_C);
	add_class(ff, "event_bus", 3, NULL);
	ff = add_file(&s, "src/vix_manager.c", LANG_C);
	add_func(ff, NULL, "vix_manager_create", 10, "bus:struct event_bus *");
	add_func(ff, NULL, "vix_manager_destroy", 20, "vm:struct vix_manager *");
	ff = add_file(&s, "src/risk_manager.c", LANG_C);
	add_func(ff, NULL, "risk_manager_create", 10, "max:int");
	add_func(ff, NULL, "risk_manager_attach", 30, "rm:RiskManager *,bus:struct event_bus *");
	add_ref(ff, REF_CALL, NULL, "risk_manager_attach", NULL, NULL, "vix_manager_create", 31);
	finish(&s);
	assert_int_equal(managers_build(&mg, &s, NULL, NULL), 0);
	dump(&mg);
	assert_int_equal(mg.g->nnodes, 3);
	assert_non_null(find_edge(&mg, "vix_manager", "risk_manager", "field"));
	assert_non_null(find_edge(&mg, "risk_manager", "vix_manager", "field"));
	assert_non_null(find_edge(&mg, "vix_manager", "event_bus", "field"));
	assert_non_null(find_edge(&mg, "vix_manager", "event_bus", "ctor_param"));
	assert_non_null(find_edge(&mg, "risk_manager", "vix_manager", "instantiation"));
	int v = node_of(&mg, "vix_manager");
	assert_string_equal(mg.managers[v].ctor, "vix_manager_create");
	assert_string_equal(mg.managers[v].dtor, "vix_manager_destroy");
	assert_int_equal(mg.managers[v].lang, LANG_C);
	assert_string_equal(mg.managers[v].category, "manager");
	assert_string_equal(mg.managers[node_of(&mg, "event_bus")].category, "event");
	assert_null(mg.managers[node_of(&mg, "risk_manager")].dtor);
	/* field edges are runtime links: the order only follows creation */
	assert_true(mg.layer_of[node_of(&mg, "event_bus")] < mg.layer_of[v]);
	assert_true(mg.layer_of[v] < mg.layer_of[node_of(&mg, "risk_manager")]);
	managers_release(&mg);
	free_scan(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_naming_defaults),
		cmocka_unit_test(test_naming_config),
		cmocka_unit_test(test_snake_case),
		cmocka_unit_test(test_python_graph),
		cmocka_unit_test(test_ambiguous_names),
		cmocka_unit_test(test_host_rules),
		cmocka_unit_test(test_no_host_without_back_reference),
		cmocka_unit_test(test_c_graph),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
