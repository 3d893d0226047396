/* test_baseline.c - cycle baselines: fingerprints, the file, the comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../analyzer/baseline.h"
#include "../../analyzer/util.h"

/* Add a cycle written as "a b c" (members) and "a=b b=c c=a" (edges). */
static struct baseline_entry *add(struct baseline *b, const char *kind, const char *nodes,
				  const char *edges)
{
	const char *ns[32], *fr[32], *to[32];
	char *nbuf = xstrdup(nodes), *ebuf = xstrdup(edges), *tok, *save;
	int nn = 0, ne = 0;
	struct baseline_entry *e;
	for (tok = strtok_r(nbuf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		ns[nn++] = tok;
	for (tok = strtok_r(ebuf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *gt = strchr(tok, '=');
		*gt = '\0';
		fr[ne] = tok;
		to[ne++] = gt + 1;
	}
	e = baseline_add(b, kind, ns, nn, fr, to, ne);
	free(nbuf);
	free(ebuf);
	return e;
}

static void test_fingerprint_rotation_invariant(void **state)
{
	const char *r1[] = {"a.b", "a.c", "a.d"}, *r2[] = {"a.d", "a.b", "a.c"};
	const char *other[] = {"a.b", "a.c"};
	char f1[17], f2[17], f3[17];
	(void)state;
	baseline_fingerprint(r1, 3, f1);
	baseline_fingerprint(r2, 3, f2);
	baseline_fingerprint(other, 2, f3);
	assert_string_equal(f1, f2);
	assert_string_not_equal(f1, f3);
	assert_int_equal(strlen(f1), 16);
}

static void test_write_read_round_trip(void **state)
{
	struct baseline b, back;
	char path[] = "/tmp/unravel-test-baseline.XXXXXX";
	int fd = mkstemp(path);
	(void)state;
	assert_true(fd >= 0);
	close(fd);
	baseline_init(&b);
	baseline_init(&back);
	add(&b, "managers", "m.B m.A", "m.A=m.B m.B=m.A");
	/* Ids with the separators and spaces are escaped. */
	add(&b, "imports", "dir%20x/a,1.h d>x/b.h", "dir%20x/a,1.h=d>x/b.h d>x/b.h=dir%20x/a,1.h");
	add(&b, "imports", "z.self", "z.self=z.self");
	assert_int_equal(baseline_write(&b, path), 0);
	assert_int_equal(baseline_read(&back, path), 0);
	assert_int_equal(back.n, 3);
	/* Sorted by kind then members in the file. */
	assert_string_equal(back.entries[0].kind, "imports");
	assert_string_equal(back.entries[0].nodes[0], "d>x/b.h");
	assert_string_equal(back.entries[0].nodes[1], "dir%20x/a,1.h");
	assert_int_equal(back.entries[0].nedges, 2);
	assert_string_equal(back.entries[0].from[0], "d>x/b.h");
	assert_string_equal(back.entries[0].to[0], "dir%20x/a,1.h");
	assert_string_equal(back.entries[0].fingerprint, b.entries[1].fingerprint);
	assert_int_equal(back.entries[0].line, 4);
	assert_string_equal(back.entries[1].nodes[0], "z.self");
	assert_string_equal(back.entries[2].kind, "managers");
	assert_string_equal(back.entries[2].nodes[0], "m.A");
	baseline_release(&b);
	baseline_release(&back);
	unlink(path);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"0123456789abcdef imports a,b\n",                /* missing field */
		"0123456789abcdef imports a,b a>b,b x\n",        /* extra field */
		"0123456789abcdef imports a,,b a>b\n",           /* empty id */
		"0123456789abcdef imports a,b ab\n",             /* edge without '>' */
		"0123456789abcdef imports a%2 a>a\n",            /* bad escape */
		"xyz imports a a>a\n",                           /* bad fingerprint */
	};
	char path[] = "/tmp/unravel-test-baseline.XXXXXX";
	int fd = mkstemp(path);
	(void)state;
	assert_true(fd >= 0);
	close(fd);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct baseline b;
		baseline_init(&b);
		assert_int_equal(write_file_atomic(path, bad[i], strlen(bad[i])), 0);
		assert_int_equal(baseline_read(&b, path), -1);
		baseline_release(&b);
	}
	{
		struct baseline b;
		static const char ok[] = "# comment\n\n  0123456789abcdef imports a,b a>b,b>a  \n";
		baseline_init(&b);
		assert_int_equal(write_file_atomic(path, ok, strlen(ok)), 0);
		assert_int_equal(baseline_read(&b, path), 0);
		assert_int_equal(b.n, 1);
		assert_int_equal(b.entries[0].line, 3);
		baseline_release(&b);
	}
	unlink(path);
	{
		struct baseline b;
		baseline_init(&b);
		assert_int_equal(baseline_read(&b, path), -1); /* missing file */
	}
}

static void test_compare(void **state)
{
	struct baseline old, cur;
	struct baseline_diff d;
	(void)state;
	baseline_init(&old);
	baseline_init(&cur);
	add(&old, "imports", "a b c", "a=b b=c c=a");       /* 0: unchanged */
	add(&old, "imports", "d e f", "d=e e=f f=d e=d");   /* 1: shrinks */
	add(&old, "imports", "g h", "g=h h=g");             /* 2: grows */
	add(&old, "imports", "i j", "i=j j=i");             /* 3: new edge (self-loop) */
	add(&old, "imports", "k l", "k=l l=k");             /* 4: gone */
	add(&old, "managers", "x y", "x=y y=x");            /* 5: same ids, other kind */
	add(&old, "imports", "p q", "p=q q=p");             /* 6: merged with 7 */
	add(&old, "imports", "r s", "r=s s=r");             /* 7 */

	add(&cur, "imports", "c a b", "c=a a=b b=c");       /* unchanged (rotated) */
	add(&cur, "imports", "d e", "d=e e=d");             /* within */
	add(&cur, "imports", "g h z", "g=h h=z z=g");       /* grown */
	add(&cur, "imports", "i j", "i=j j=i j=j");         /* new edge */
	add(&cur, "imports", "x y", "x=y y=x");             /* new: managers x y do not count */
	add(&cur, "imports", "p q r s", "p=q q=r r=s s=p"); /* grown: spans two entries */
	baseline_compare(&old, &cur, &d);
	assert_int_equal(d.state[0], BASELINE_UNCHANGED);
	assert_int_equal(d.match[0], 0);
	assert_int_equal(d.state[1], BASELINE_WITHIN);
	assert_int_equal(d.match[1], 1);
	assert_int_equal(d.state[2], BASELINE_GROWN);
	assert_int_equal(d.match[2], 2);
	assert_int_equal(d.state[3], BASELINE_NEW_EDGE);
	assert_int_equal(d.state[4], BASELINE_NEW);
	assert_int_equal(d.match[4], -1);
	assert_int_equal(d.state[5], BASELINE_GROWN);
	assert_int_equal(d.nfail, 4);
	assert_int_equal(d.ngone, 2);
	assert_int_equal(d.gone[0], 4);
	assert_int_equal(d.gone[1], 5);
	/* Stale: every entry not matched exactly (1, 2, 3, 4, 5, 6, 7). */
	assert_int_equal(d.nstale, 7);
	assert_int_equal(d.stale[0], 1);
	assert_string_equal(baseline_state_name(d.state[3]), "new-edge");
	assert_true(baseline_has_edge(&cur.entries[3], "j", "j"));
	assert_false(baseline_has_edge(&old.entries[3], "j", "j"));
	assert_true(baseline_has_node(&old.entries[0], "b"));
	baseline_diff_release(&d);

	/* A baseline of the current cycles covers them all. */
	baseline_compare(&cur, &cur, &d);
	assert_int_equal(d.nfail, 0);
	assert_int_equal(d.nstale, 0);
	assert_int_equal(d.ngone, 0);
	baseline_diff_release(&d);
	baseline_release(&old);
	baseline_release(&cur);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fingerprint_rotation_invariant),
		cmocka_unit_test(test_write_read_round_trip),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_compare),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
