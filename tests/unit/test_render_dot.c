/* test_render_dot.c - DOT and SVG drawings (render_dot.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../analyzer/render_dot.h"
#include "../../analyzer/util.h"

static void edge(struct graph *g, const char *from, const char *to, enum import_scope scope,
		 int line)
{
	struct gedge e;
	memset(&e, 0, sizeof(e));
	e.from = graph_node(g, from, 1);
	e.to = graph_node(g, to, 1);
	e.kind = "import";
	e.file = "f.py";
	e.line = line;
	e.scope = scope;
	graph_add_edge(g, &e);
}

static void set_lang(struct graph *g, const char *lang)
{
	int i;
	for (i = 0; i < g->nnodes; i++) {
		g->nodes[i].lang = graph_intern(g, lang);
		g->nodes[i].category = graph_intern(g, "module");
	}
}

/* The DOT line declaring the node labelled label (quoted), or NULL. */
static const char *node_line(const char *dot, const char *label)
{
	char *needle = xstrfmt("[label=\"%s\"", label);
	const char *p = strstr(dot, needle);
	free(needle);
	return p;
}

/* A copy of the line of dot holding needle (must exist). */
static char *line_of(const char *dot, const char *needle)
{
	const char *p = strstr(dot, needle), *start, *end;
	assert_non_null(p);
	for (start = p; start > dot && start[-1] != '\n'; start--)
		;
	end = strchr(p, '\n');
	return xstrndup(start, end ? (size_t)(end - start) : strlen(start));
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static struct graph *small_python(void)
{
	struct graph *g = graph_new();
	edge(g, "a.b.c", "a.b.d", SCOPE_MODULE, 3);
	edge(g, "a.b.d", "a.b.c", SCOPE_FUNCTION, 7);
	edge(g, "a.b.d", "a.b.c", SCOPE_FUNCTION, 9);
	edge(g, "a.e", "x", SCOPE_TYPE_CHECKING, 2);
	edge(g, "x", "x", SCOPE_MODULE, 1);
	graph_node(g, "lonely", 1);
	set_lang(g, "python");
	graph_sort(g);
	return g;
}

static void test_clusters_and_cycle_edges(void **state)
{
	struct graph *g = small_python();
	char *note = (char *)"unset", *dot = render_dot_string(g, NULL, &note), *l;
	(void)state;
	assert_null(note);
	/* One cluster per package; labels are the last component. */
	assert_non_null(strstr(dot, "subgraph \"cluster_a.b\" {"));
	assert_non_null(strstr(dot, "subgraph \"cluster_a\" {"));
	assert_int_equal(count(dot, "subgraph"), 2);
	assert_non_null(node_line(dot, "c"));
	assert_non_null(node_line(dot, "lonely"));
	assert_non_null(strstr(dot, "tooltip=\"a.b.c\""));
	/* c and d form a cycle: filled members, two red edges, one per pair. */
	l = line_of(dot, "[label=\"c\"");
	assert_non_null(strstr(l, "fillcolor=\"#ffd6d6\""));
	free(l);
	l = line_of(dot, "[label=\"e\"");
	assert_null(strstr(l, "fillcolor"));
	free(l);
	assert_int_equal(count(dot, "color=\"#d62728\", penwidth=2"), 3); /* c->d, d->c, x->x */
	assert_int_equal(count(dot, "[tooltip="), 4);
	/* The function-scope pair is dashed, labelled, and tells its two statements. */
	l = line_of(dot, "a.b.d -> a.b.c: f.py:7 and 1 more\"");
	assert_non_null(strstr(l, "xlabel=\"function\""));
	assert_non_null(strstr(l, "style=dashed"));
	free(l);
	l = line_of(dot, "a.b.c -> a.b.d: f.py:3\"");
	assert_null(strstr(l, "xlabel"));
	assert_null(strstr(l, "dashed"));
	free(l);
	/* type_checking: dashed and grey, not red (outside every cycle). */
	l = line_of(dot, "a.e -> x: f.py:2\"");
	assert_non_null(strstr(l, "xlabel=\"type_checking\""));
	assert_non_null(strstr(l, "color=\"#aaaaaa\""));
	assert_non_null(strstr(l, "style=dashed"));
	free(l);
	free(dot);
	graph_free(g);
}

static void test_mask_decides_cycles(void **state)
{
	struct graph *g = small_python();
	unsigned char *mask = xcalloc((size_t)g->nedges, 1);
	struct dot_options o;
	char *dot, *l;
	int i;
	(void)state;
	for (i = 0; i < g->nedges; i++)
		mask[i] = g->edges[i].scope == SCOPE_MODULE;
	dot_options_init(&o);
	o.mask = mask;
	o.title = "imports";
	dot = render_dot_string(g, &o, NULL);
	assert_non_null(strstr(dot, "digraph \"imports\" {"));
	/* Only the self-loop stays a cycle; every edge is still drawn. */
	assert_int_equal(count(dot, "penwidth=2"), 1);
	assert_int_equal(count(dot, "[tooltip="), 4);
	l = line_of(dot, "[label=\"c\"");
	assert_null(strstr(l, "fillcolor"));
	free(l);
	free(dot);
	free(mask);
	graph_free(g);
}

static void test_c_paths(void **state)
{
	struct graph *g = graph_new();
	char *dot;
	(void)state;
	edge(g, "src/net/a.h", "src/util.h", SCOPE_MODULE, 1);
	edge(g, "src/net/a.c", "src/net/a.h", SCOPE_MODULE, 1);
	set_lang(g, "c");
	graph_sort(g);
	dot = render_dot_string(g, NULL, NULL);
	assert_non_null(strstr(dot, "subgraph \"cluster_src/net\""));
	assert_non_null(strstr(dot, "subgraph \"cluster_src\""));
	assert_non_null(node_line(dot, "a.h"));
	assert_non_null(node_line(dot, "util.h"));
	free(dot);
	graph_free(g);
}

/* 10 packages of 30 modules; p0.m00..m19 form one cycle. */
static struct graph *big_python(void)
{
	struct graph *g = graph_new();
	char a[32], b[32];
	int p, m;
	for (p = 0; p < 10; p++)
		for (m = 0; m < 30; m++) {
			snprintf(a, sizeof(a), "top.p%d.m%02d", p, m);
			snprintf(b, sizeof(b), "top.p%d.m%02d", (p + 1) % 10, m);
			edge(g, a, b, SCOPE_MODULE, m + 1);
		}
	for (m = 0; m < 20; m++) {
		snprintf(a, sizeof(a), "top.p0.m%02d", m);
		snprintf(b, sizeof(b), "top.p0.m%02d", (m + 1) % 20);
		edge(g, a, b, SCOPE_FUNCTION, 100 + m);
	}
	set_lang(g, "python");
	graph_sort(g);
	return g;
}

static void test_condensation(void **state)
{
	struct graph *g = big_python();
	struct dot_options o;
	char *note, *dot;
	(void)state;
	/*
	 * The p_i.m_k -> p_i+1.m_k edges close 30 cycles of 10 modules; the
	 * p0 cycle joins the first 20 of them into one SCC of 200.
	 */
	dot = render_dot_string(g, NULL, &note);
	assert_non_null(note);
	assert_string_equal(note, "300 modules (over 150) drawn as 11 nodes: 11 cycles (300 modules) "
				  "collapsed to one node each; --no-condense draws every node");
	assert_non_null(strstr(dot, "\"200 modules in a cycle\\ntop\""));
	assert_int_equal(count(dot, "10 modules in a cycle"), 10);
	assert_non_null(strstr(dot, "// 300 modules"));
	assert_non_null(strstr(dot, "label=\"graph\\n300 modules"));
	free(note);
	free(dot);

	/* Forced full drawing. */
	dot_options_init(&o);
	o.condense = 0;
	dot = render_dot_string(g, &o, &note);
	assert_null(note);
	assert_int_equal(count(dot, "[label="), 300);
	free(dot);
	graph_free(g);
}

/* 12 packages of 20 modules, acyclic, plus one 3-cycle: packages must collapse. */
static void test_package_collapse(void **state)
{
	struct graph *g = graph_new();
	struct dot_options o;
	char a[32], b[32], *note, *dot, *l;
	int p, m;
	(void)state;
	for (p = 0; p < 12; p++)
		for (m = 0; m < 20; m++) {
			snprintf(a, sizeof(a), "app.p%02d.m%02d", p, m);
			snprintf(b, sizeof(b), "app.p%02d.m%02d", p + 1, m);
			if (p + 1 < 12)
				edge(g, a, b, SCOPE_MODULE, 1);
			else
				graph_node(g, a, 1);
		}
	edge(g, "app.p00.m00", "app.p00.m01", SCOPE_MODULE, 2);
	edge(g, "app.p00.m01", "app.p00.m02", SCOPE_MODULE, 2);
	edge(g, "app.p00.m02", "app.p00.m00", SCOPE_MODULE, 2);
	set_lang(g, "python");
	graph_sort(g);

	dot = render_dot_string(g, NULL, &note);
	assert_non_null(note);
	assert_non_null(strstr(note, "240 modules (over 150)"));
	assert_string_equal(note, "240 modules (over 150) drawn as 143 nodes: 1 cycle (3 modules) and "
				  "5 packages collapsed to one node each; --no-condense draws every node");
	assert_true(count(dot, "[label=") <= 150);
	assert_non_null(strstr(dot, "3 modules in a cycle\\napp.p00"));
	assert_non_null(strstr(dot, "shape=\"folder\""));
	assert_non_null(strstr(dot, "20 modules"));
	free(note);
	free(dot);

	/* Explicit depth 2: one node per package, aggregated edge counts. */
	dot_options_init(&o);
	o.depth = 2;
	o.condense = 0;
	dot = render_dot_string(g, &o, &note);
	assert_non_null(note);
	assert_non_null(strstr(note, "12 packages collapsed to one node each (packages cut at depth 2)"));
	assert_int_equal(count(dot, "[label="), 12);
	assert_non_null(strstr(dot, "xlabel=\"20\""));
	assert_non_null(strstr(dot, "p00 (20 modules collapsed)"));
	/* p00 holds the cycle: highlighted even though collapsed. */
	l = line_of(dot, "label=\"p00");
	assert_non_null(strstr(l, "fillcolor=\"#ffd6d6\""));
	free(l);
	l = line_of(dot, "label=\"p01");
	assert_null(strstr(l, "fillcolor"));
	free(l);
	free(note);
	free(dot);

	/* A low threshold collapses further. */
	dot_options_init(&o);
	o.threshold = 5;
	dot = render_dot_string(g, &o, &note);
	assert_true(count(dot, "[label=") <= 13);
	free(note);
	free(dot);
	graph_free(g);
}

static void test_quoting(void **state)
{
	struct graph *g = graph_new();
	char *dot, *note;
	FILE *f;
	char buf[4096];
	size_t n;
	(void)state;
	edge(g, "we\"ird.mod\\ule", "caf\xc3\xa9.x", SCOPE_MODULE, 1);
	edge(g, "caf\xc3\xa9.x", "bad\xff.y\nz", SCOPE_MODULE, 1);
	edge(g, "bad\xff.y\nz", "we\"ird.mod\\ule", SCOPE_MODULE, 1);
	set_lang(g, "python");
	graph_sort(g);
	dot = render_dot_string(g, NULL, &note);
	assert_non_null(strstr(dot, "tooltip=\"we\\\"ird.mod\\\\ule\""));
	assert_non_null(strstr(dot, "caf\xc3\xa9"));
	assert_null(strstr(dot, "\xff"));
	assert_non_null(strstr(dot, "bad?.y\\nz"));
	free(dot);
	/* graphviz accepts it. */
	f = tmpfile();
	assert_int_equal(render_svg(f, g, NULL, &note), 0);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	assert_true(n > 0);
	fclose(f);
	graph_free(g);
}

static void test_svg(void **state)
{
	struct graph *g = small_python();
	struct dot_options o;
	char *note, *svg;
	size_t len;
	FILE *f = tmpfile();
	(void)state;
	dot_options_init(&o);
	o.title = "imports";
	assert_int_equal(render_svg(f, g, &o, &note), 0);
	assert_null(note);
	fseek(f, 0, SEEK_END);
	len = (size_t)ftell(f);
	rewind(f);
	svg = xmalloc(len + 1);
	assert_int_equal(fread(svg, 1, len, f), len);
	svg[len] = '\0';
	fclose(f);
	assert_true(starts_with(svg, "<?xml") || starts_with(svg, "<svg"));
	assert_non_null(strstr(svg, "<svg"));
	assert_non_null(strstr(svg, "<title>imports</title>"));
	assert_non_null(strstr(svg, ">lonely</text>"));
	assert_non_null(strstr(svg, "a.b.c"));
	assert_non_null(strstr(svg, ">a.b</text>")); /* cluster label */
	assert_non_null(strstr(svg, "#d62728"));
	free(svg);
	graph_free(g);
}

static void test_deterministic(void **state)
{
	struct graph *g1 = big_python(), *g2 = graph_new();
	char *d1, *d2;
	int i;
	(void)state;
	/* Same graph, edges added in reverse. */
	for (i = g1->nedges - 1; i >= 0; i--)
		edge(g2, g1->nodes[g1->edges[i].from].id, g1->nodes[g1->edges[i].to].id,
		     g1->edges[i].scope, g1->edges[i].line);
	set_lang(g2, "python");
	graph_sort(g2);
	d1 = render_dot_string(g1, NULL, NULL);
	d2 = render_dot_string(g2, NULL, NULL);
	assert_string_equal(d1, d2);
	free(d1);
	free(d2);
	graph_free(g1);
	graph_free(g2);
}

static void manager_edge(struct graph *g, const char *from, const char *to, const char *kind)
{
	struct gedge e;
	memset(&e, 0, sizeof(e));
	e.from = graph_node(g, from, 1);
	e.to = graph_node(g, to, 1);
	e.kind = kind;
	e.file = "m.py";
	e.line = 5;
	e.how = "self.algorithm.b";
	e.scope = SCOPE_FUNCTION;
	graph_add_edge(g, &e);
}

static void test_manager_graph(void **state)
{
	struct graph *g = graph_new();
	char *dot, *l;
	int i;
	(void)state;
	manager_edge(g, "app.mgr.a.A", "app.mgr.b.B", "attribute");
	manager_edge(g, "app.mgr.b.B", "app.mgr.a.A", "ctor_param");
	manager_edge(g, "app.mgr.b.B", "app.mgr.a.A", "instantiation");
	for (i = 0; i < g->nnodes; i++) {
		g->nodes[i].lang = "python";
		g->nodes[i].category = "manager";
	}
	graph_sort(g);
	dot = render_dot_string(g, NULL, NULL);
	/* Classes sit in the package of their module; labels are class names. */
	assert_non_null(strstr(dot, "subgraph \"cluster_app.mgr\""));
	assert_int_equal(count(dot, "subgraph"), 1);
	assert_non_null(strstr(dot, "[label=\"A\""));
	/* Runtime links dashed, creation links solid; kinds as labels; "how" in the tooltip. */
	l = line_of(dot, "app.mgr.a.A -> app.mgr.b.B: m.py:5 (self.algorithm.b)\"");
	assert_non_null(strstr(l, "xlabel=\"attribute\""));
	assert_non_null(strstr(l, "style=dashed"));
	assert_non_null(strstr(l, "penwidth=2"));
	free(l);
	l = line_of(dot, "app.mgr.b.B -> app.mgr.a.A:");
	assert_non_null(strstr(l, "xlabel=\"ctor_param,instantiation\""));
	assert_null(strstr(l, "dashed"));
	free(l);
	free(dot);
	graph_free(g);
}

static void test_empty(void **state)
{
	struct graph *g = graph_new();
	char *note;
	FILE *f = tmpfile();
	(void)state;
	graph_sort(g);
	assert_int_equal(render_dot(f, g, NULL, &note), 0);
	assert_null(note);
	assert_int_equal(render_svg(f, g, NULL, &note), 0);
	fclose(f);
	graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clusters_and_cycle_edges),
		cmocka_unit_test(test_mask_decides_cycles),
		cmocka_unit_test(test_c_paths),
		cmocka_unit_test(test_condensation),
		cmocka_unit_test(test_package_collapse),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_manager_graph),
		cmocka_unit_test(test_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
