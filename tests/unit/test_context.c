/*
 * test_context.c - the generator context built from a hand-made manager
 * graph: creation order, constructor arguments, cycles refused or routed
 * through the event bus, config-supplied arguments, evidence.
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

#include "../../analyzer/util.h"
#include "../../codegen/context.h"

/* A little project: two managers that take each other, a runtime cycle, a plain chain. */
struct fixture {
	struct manager_graph mg;
	struct config cfg;
	struct arena *arena;
};

static struct fact_param *params(struct arena *a, int n, ...)
{
	struct fact_param *p = arena_alloc(a, sizeof(*p) * (size_t)(n ? n : 1));
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		p[i].name = va_arg(ap, const char *);
		p[i].annotation = va_arg(ap, const char *);
		p[i].has_default = va_arg(ap, int);
	}
	va_end(ap);
	return p;
}

static void add_node(struct fixture *fx, const char *module, const char *cls)
{
	char *id = xstrfmt("%s.%s", module, cls);
	int i = graph_node(fx->mg.g, id, 1);
	free(id);
	fx->mg.g->nodes[i].file = "app/mod.py";
	fx->mg.g->nodes[i].lang = "python";
	fx->mg.g->nodes[i].category = "manager";
}

static void add_edge(struct fixture *fx, const char *from, const char *to, const char *kind,
		     int line)
{
	struct gedge e;
	memset(&e, 0, sizeof(e));
	e.from = graph_node(fx->mg.g, from, 0);
	e.to = graph_node(fx->mg.g, to, 0);
	assert_true(e.from >= 0 && e.to >= 0);
	e.kind = kind;
	e.file = "app/mod.py";
	e.line = line;
	e.how = "test evidence";
	graph_add_edge(fx->mg.g, &e);
}

/* Fill managers[] in node order once the graph is sorted. */
static void finish(struct fixture *fx, const struct manager *ms, int n)
{
	struct graph *g = fx->mg.g;
	graph_sort(g);
	fx->mg.managers = xcalloc((size_t)g->nnodes, sizeof(struct manager));
	fx->mg.nmanagers = g->nnodes;
	for (int i = 0; i < g->nnodes; i++)
		for (int k = 0; k < n; k++) {
			char *id = xstrfmt("%s.%s", ms[k].module, ms[k].cls);
			if (!strcmp(id, g->nodes[i].id))
				fx->mg.managers[i] = ms[k];
			free(id);
		}
	fx->mg.creation_mask = xcalloc((size_t)g->nedges + 1, 1);
	for (int e = 0; e < g->nedges; e++)
		fx->mg.creation_mask[e] = !strcmp(g->edges[e].kind, "ctor_param") ||
					  !strcmp(g->edges[e].kind, "instantiation");
	graph_cut(g, NULL, &fx->mg.cut, &fx->mg.ncut);
}

static struct fixture *make_project(void)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));
	struct arena *a = arena_new();
	struct manager ms[6];
	int n = 0;

	fx->arena = a;
	fx->mg.g = graph_new();
	fx->mg.host_class = "App";
	fx->mg.host_module = "app.main";
	memset(ms, 0, sizeof(ms));
#define M(mod, c, at, nm, p, np)                                                        \
	do {                                                                              \
		ms[n].module = mod;                                                       \
		ms[n].import_module = mod;                                                \
		ms[n].cls = c;                                                            \
		ms[n].attr = at;                                                          \
		ms[n].name = nm;                                                          \
		ms[n].file = "app/mod.py";                                                \
		ms[n].line = 10 + n;                                                      \
		ms[n].lang = LANG_PYTHON;                                                 \
		ms[n].params = p;                                                         \
		ms[n].nparams = np;                                                       \
		add_node(fx, mod, c);                                                     \
		n++;                                                                      \
	} while (0)
	M("app.hedging", "RebalanceEngine", "rebalance_engine", "rebalance_engine",
	  params(a, 2, "algorithm", "App", 0, "hedge_executor", "Optional[\"HedgeExecutor\"]", 0), 2);
	M("app.hedging", "HedgeExecutor", "hedge_executor", "hedge_executor",
	  params(a, 3, "algorithm", NULL, 0, "rebalance_engine", "RebalanceEngine", 0, "threshold",
		 "float", 1),
	  3);
	M("app.vix", "VixManager", "vix_manager", "vix_manager", params(a, 1, "algo", NULL, 0), 1);
	M("app.margin", "MarginManager", "margin_manager", "margin_manager",
	  params(a, 2, "host", NULL, 0, "base", "float", 1), 2);
	M("app.state", "StateManager", "state_manager", "state_manager",
	  params(a, 2, "app", NULL, 0, "cache", NULL, 1), 2);
	M("app.tracker", "PortfolioTracker", NULL, "portfolio_tracker",
	  params(a, 3, "algorithm", NULL, 0, "state_manager", NULL, 0, "limit", "int", 0), 3);
#undef M
	add_edge(fx, "app.hedging.RebalanceEngine", "app.hedging.HedgeExecutor", "ctor_param", 11);
	add_edge(fx, "app.hedging.HedgeExecutor", "app.hedging.RebalanceEngine", "ctor_param", 21);
	add_edge(fx, "app.vix.VixManager", "app.margin.MarginManager", "attribute", 31);
	add_edge(fx, "app.margin.MarginManager", "app.vix.VixManager", "attribute", 41);
	add_edge(fx, "app.tracker.PortfolioTracker", "app.state.StateManager", "ctor_param", 51);
	finish(fx, ms, n);
	return fx;
}

static void free_project(struct fixture *fx)
{
	free(fx->mg.managers);
	free(fx->mg.creation_mask);
	free(fx->mg.cut);
	graph_free(fx->mg.g);
	arena_free(fx->arena);
	config_free(&fx->cfg);
	free(fx);
}

static void load_config(struct fixture *fx, const char *text)
{
	char path[] = "/tmp/unravel-ctx-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	assert_int_equal(config_load(&fx->cfg, path, "."), 0);
	unlink(path);
}

static void request(struct gen_request *rq, struct fixture *fx, int break_cycles)
{
	memset(rq, 0, sizeof(*rq));
	rq->lang = "python";
	rq->break_cycles = break_cycles;
	rq->command_line = "unravel gen factory app --lang python";
	rq->cfg = &fx->cfg;
	rq->mg = &fx->mg;
}

static json_t *manager_named(json_t *ctx, const char *name)
{
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(ctx, "managers"), i, m)
		if (!strcmp(json_string_value(json_object_get(m, "name")), name))
			return m;
	fail_msg("no manager %s", name);
	return NULL;
}

static const char *arg_field(json_t *m, const char *param, const char *field)
{
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(m, "args"), i, a)
		if (!strcmp(json_string_value(json_object_get(a, "param")), param))
			return json_string_value(json_object_get(a, field));
	return NULL;
}

static int position(json_t *ctx, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(ctx, "creation_order"), i, v)
		if (!strcmp(json_string_value(v), name))
			return (int)i;
	return -1;
}

static void test_cycle_refused(void **state)
{
	struct fixture *fx = make_project();
	struct gen_request rq;
	int status = -1;
	(void)state;
	load_config(fx, "[factory]\nargs.PortfolioTracker.limit = 5\n");
	request(&rq, fx, 0);
	assert_null(factory_context(&rq, &status));
	assert_int_equal(status, EXIT_FOUND);
	free_project(fx);
}

static void test_unresolved_param(void **state)
{
	struct fixture *fx = make_project();
	struct gen_request rq;
	int status = -1;
	(void)state;
	request(&rq, fx, 1);
	/* limit: int, no default, not a manager: an error unless configured */
	assert_null(factory_context(&rq, &status));
	assert_int_equal(status, EXIT_FATAL);
	free_project(fx);
}

static void test_break_cycles(void **state)
{
	struct fixture *fx = make_project();
	struct gen_request rq;
	int status = -1;
	json_t *ctx, *re, *he, *pt;
	const char *routed_to;
	(void)state;
	load_config(fx, "[unravel:factory]\nargs.PortfolioTracker.limit = 5 * 2\n");
	request(&rq, fx, 1);
	ctx = factory_context(&rq, &status);
	assert_non_null(ctx);
	assert_int_equal(status, EXIT_CLEAN);
	assert_true(json_is_true(json_object_get(ctx, "uses_bus")));
	assert_int_equal(json_array_size(json_object_get(ctx, "creation_order")), 6);

	/* one of the two hedging edges is routed; the other orders them */
	assert_int_equal(json_array_size(json_object_get(ctx, "routed")), 1);
	routed_to = json_string_value(
		json_object_get(json_array_get(json_object_get(ctx, "routed"), 0), "to"));
	re = manager_named(ctx, "rebalance_engine");
	he = manager_named(ctx, "hedge_executor");
	if (!strcmp(routed_to, "hedge_executor")) {
		assert_true(position(ctx, "rebalance_engine") < position(ctx, "hedge_executor"));
		assert_string_equal(arg_field(re, "hedge_executor", "pass"), "publisher");
		assert_string_equal(arg_field(re, "hedge_executor", "text"),
				    "hedge_executor=RebalanceEngineToHedgeExecutorPublisher(self.event_bus)");
		assert_string_equal(arg_field(he, "rebalance_engine", "pass"), "manager");
		assert_string_equal(json_string_value(json_object_get(he, "call")),
				    "HedgeExecutor(self.host, rebalance_engine="
				    "self._managers[\"rebalance_engine\"])");
		assert_int_equal(json_array_size(json_object_get(he, "subscribers")), 1);
	} else {
		assert_true(position(ctx, "hedge_executor") < position(ctx, "rebalance_engine"));
		assert_string_equal(arg_field(he, "rebalance_engine", "pass"), "publisher");
		assert_string_equal(arg_field(re, "hedge_executor", "pass"), "manager");
	}
	/* host parameters by name and by annotation; defaults omitted */
	assert_string_equal(arg_field(re, "algorithm", "text"), "self.host");
	assert_string_equal(arg_field(he, "threshold", "pass"), "omitted");
	assert_string_equal(arg_field(manager_named(ctx, "vix_manager"), "algo", "pass"), "host");

	/* a manager parameter matched by name; a configured one; the chain ordered */
	pt = manager_named(ctx, "portfolio_tracker");
	assert_string_equal(json_string_value(json_object_get(pt, "call")),
			    "PortfolioTracker(self.host, state_manager=self._managers[\"state_manager\"], "
			    "limit=5 * 2)");
	assert_true(position(ctx, "state_manager") < position(ctx, "portfolio_tracker"));
	assert_string_equal(json_string_value(json_object_get(manager_named(ctx, "state_manager"),
							      "blocks_text")),
			    "portfolio_tracker");
	/* not bound: no host attribute */
	assert_true(json_is_false(json_object_get(pt, "bind")));
	assert_true(json_is_true(json_object_get(manager_named(ctx, "vix_manager"), "bind")));
	/* runtime edges are evidence, never order */
	assert_int_equal(json_array_size(json_object_get(manager_named(ctx, "vix_manager"), "uses")), 1);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(pt, "needs"), 0), "evidence")),
			    "app/mod.py:51: ctor_param, test evidence");
	/* imports grouped per module */
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(ctx, "imports"), 0), "names")),
			    "HedgeExecutor, RebalanceEngine");
	json_decref(ctx);
	free_project(fx);
}

/* Without a creation cycle nothing is routed, even with --break-cycles. */
static void test_no_cycle_no_bus(void **state)
{
	struct fixture *fx = make_project();
	struct gen_request rq;
	int status = -1;
	json_t *ctx;
	(void)state;
	/* the hedging pair only links at run time: only runtime cycles remain */
	for (int e = 0; e < fx->mg.g->nedges; e++)
		if (strstr(fx->mg.g->nodes[fx->mg.g->edges[e].from].id, "hedging"))
			fx->mg.creation_mask[e] = 0;
	for (int i = 0; i < fx->mg.nmanagers; i++)
		if (strstr(fx->mg.managers[i].module, "hedging"))
			fx->mg.managers[i].nparams = 1;
	load_config(fx, "[factory]\nargs.PortfolioTracker.limit = 1\n");
	request(&rq, fx, 1);
	ctx = factory_context(&rq, &status);
	assert_non_null(ctx);
	assert_true(json_is_false(json_object_get(ctx, "uses_bus")));
	assert_int_equal(json_array_size(json_object_get(ctx, "routed")), 0);
	json_decref(ctx);
	free_project(fx);
}

/* A constructor parameter naming a manager the graph does not order first is an error. */
static void test_param_created_later(void **state)
{
	struct fixture *fx = make_project();
	struct gen_request rq;
	int status = -1;
	(void)state;
	for (int e = 0; e < fx->mg.g->nedges; e++)
		if (strstr(fx->mg.g->nodes[fx->mg.g->edges[e].from].id, "hedging"))
			fx->mg.creation_mask[e] = 0;
	load_config(fx, "[factory]\nargs.PortfolioTracker.limit = 1\n");
	request(&rq, fx, 0);
	assert_null(factory_context(&rq, &status));
	assert_int_equal(status, EXIT_FATAL);
	free_project(fx);
}

static void test_host_param(void **state)
{
	struct fact_param p = {"algorithm", NULL, 0}, q = {"engine", "\"TradingAlgorithm\"", 0},
			  r = {"h", "void *", 0}, s = {"x", "int", 0};
	struct config cfg;
	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	assert_true(context_is_host_param(&cfg, &p, NULL, LANG_PYTHON));
	assert_true(context_is_host_param(&cfg, &q, "TradingAlgorithm", LANG_PYTHON));
	assert_false(context_is_host_param(&cfg, &q, "Other", LANG_PYTHON));
	assert_true(context_is_host_param(&cfg, &r, NULL, LANG_C));
	assert_false(context_is_host_param(&cfg, &r, NULL, LANG_PYTHON));
	assert_false(context_is_host_param(&cfg, &s, NULL, LANG_C));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cycle_refused),
		cmocka_unit_test(test_unresolved_param),
		cmocka_unit_test(test_break_cycles),
		cmocka_unit_test(test_no_cycle_no_bus),
		cmocka_unit_test(test_param_created_later),
		cmocka_unit_test(test_host_param),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
