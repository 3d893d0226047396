/* test_patch.c - git blob ids, hunks, and round trips through git apply and patch -p1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../codegen/patch.h"

static void test_blob_id(void **state)
{
	char hex[41];
	(void)state;
	git_blob_id("", 0, hex);
	assert_string_equal(hex, "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
	git_blob_id("hello\n", 6, hex);
	assert_string_equal(hex, "ce013625030ba8dba906f756967f9e9ca394464a");
	/* crosses the 56-byte padding boundary and a whole block */
	{
		char buf[200];
		memset(buf, 'x', sizeof(buf));
		git_blob_id(buf, 55, hex);
		assert_string_equal(hex, "e329c5109ce10a7367561757d2f5a053c528f11e");
		git_blob_id(buf, 200, hex);
		assert_string_equal(hex, "debcf03c10222209e6ac75be3fa2c1796d204d91");
	}
}

static char *hunks(const char *a, const char *b)
{
	struct strbuf sb = STRBUF_INIT;
	sb_init(&sb);
	patch_diff_hunks(a, strlen(a), b, strlen(b), &sb);
	return sb_detach(&sb, NULL);
}

static void expect_hunks(const char *a, const char *b, const char *want)
{
	char *got = hunks(a, b);
	assert_string_equal(got, want);
	free(got);
}

static void test_hunks(void **state)
{
	(void)state;
	expect_hunks("a\n", "a\n", "");
	expect_hunks("a\nb\nc\n", "a\nB\nc\n", "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
	expect_hunks("", "x\ny\n", "@@ -0,0 +1,2 @@\n+x\n+y\n");
	expect_hunks("x\ny\n", "", "@@ -1,2 +0,0 @@\n-x\n-y\n");
	expect_hunks("a\n", "a", "@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n");
	/* two changes 10 lines apart: two hunks with three lines of context each */
	expect_hunks("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
		     "X\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\nY\n",
		     "@@ -1,4 +1,4 @@\n-1\n+X\n 2\n 3\n 4\n"
		     "@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+Y\n");
	/* six equal lines between changes: one hunk */
	expect_hunks("1\n2\n3\n4\n5\n6\n7\n8\n", "X\n2\n3\n4\n5\n6\n7\nY\n",
		     "@@ -1,8 +1,8 @@\n-1\n+X\n 2\n 3\n 4\n 5\n 6\n 7\n-8\n+Y\n");
	/* insertion in the middle */
	expect_hunks("a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nnew\ne\nf\ng\nh\n",
		     "@@ -2,6 +2,7 @@\n b\n c\n d\n+new\n e\n f\n g\n");
}

static void test_paths(void **state)
{
	struct patch_set ps;
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	patch_init(&ps, ".");
	assert_int_equal(patch_add(&ps, "../x", "a", 1, "b", 1, 0644), -1);
	assert_int_equal(patch_add(&ps, "/etc/x", "a", 1, "b", 1, 0644), -1);
	assert_int_equal(patch_add(&ps, "a/../../x", "a", 1, "b", 1, 0644), -1);
	assert_int_equal(patch_add(&ps, "same", "a\n", 2, "a\n", 2, 0644), 0);
	assert_int_equal(patch_count(&ps), 0);
	assert_int_equal(patch_add(&ps, "./z/new.py", NULL, 0, "x\n", 2, 0), 0);
	assert_int_equal(patch_add(&ps, "gone.py", "y\n", 2, NULL, 0, 0644), 0);
	sb_init(&sb);
	patch_write(&ps, &sb);
	assert_string_equal(sb.buf,
			    "diff --git a/gone.py b/gone.py\n"
			    "deleted file mode 100644\n"
			    "index 975fbec8256d3e8a3797e7a3611380f27c49f4ac..0000000000000000000000000000000000000000\n"
			    "--- a/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-y\n"
			    "diff --git a/z/new.py b/z/new.py\n"
			    "new file mode 100644\n"
			    "index 0000000000000000000000000000000000000000..587be6b4c3f93f93c489c0111bba5596147a26cb\n"
			    "--- /dev/null\n+++ b/z/new.py\n@@ -0,0 +1 @@\n+x\n");
	sb_release(&sb);
	patch_release(&ps);
}

/* Random files and random edits; every patch must apply with git apply and with patch -p1. */
static unsigned rnd_state = 12345;
static unsigned rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 16) & 0x7fff;
}

static char *random_file(size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	int n = (int)(rnd() % 40);
	sb_init(&sb);
	for (int i = 0; i < n; i++)
		sb_addf(&sb, "line %u\n", rnd() % 12);
	if (n && rnd() % 4 == 0)
		sb_adds(&sb, "no newline");
	return sb_detach(&sb, len);
}

static char *mutate(const char *s, size_t len, size_t *out_len)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i = 0;
	sb_init(&sb);
	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - s) + 1 : len;
		unsigned r = rnd() % 10;
		if (r == 0)
			; /* drop the line */
		else if (r == 1)
			sb_addf(&sb, "changed %u\n", rnd() % 5);
		else
			sb_add(&sb, s + i, e - i);
		if (r == 2)
			sb_addf(&sb, "inserted %u\n", rnd() % 5);
		i = e;
	}
	if (rnd() % 5 == 0)
		sb_adds(&sb, "tail");
	return sb_detach(&sb, out_len);
}

static void write_all(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void test_round_trip(void **state)
{
	char dir[] = "/tmp/unravel-patch-XXXXXX";
	(void)state;
	assert_non_null(mkdtemp(dir));
	for (int iter = 0; iter < 60; iter++) {
		size_t alen, blen, glen;
		char *a = random_file(&alen), *b = mutate(a, alen, &blen), *got, *cmd;
		struct patch_set ps;
		struct strbuf sb = STRBUF_INIT;
		const char *tool = iter % 2 ? "git apply" : "patch -s -p1 <";
		char *pp = xstrfmt("%s/p.patch", dir), *fp = xstrfmt("%s/f.txt", dir);

		write_all(fp, a, alen);
		patch_init(&ps, dir);
		patch_add(&ps, "f.txt", a, alen, b, blen, 0644);
		sb_init(&sb);
		patch_write(&ps, &sb);
		write_all(pp, sb.buf, sb.len);
		if (sb.len) {
			cmd = xstrfmt("cd %s && %s p.patch >/dev/null 2>&1", dir, tool);
			assert_int_equal(system(cmd), 0);
			free(cmd);
		}
		assert_int_equal(read_file(fp, 0, &got, &glen), 0);
		if (glen != blen || memcmp(got, b, blen)) {
			fprintf(stderr, "iteration %d (%s):\n%s", iter, tool, sb.buf);
			fail();
		}
		free(got);
		sb_release(&sb);
		patch_release(&ps);
		free(a);
		free(b);
		unlink(pp);
		unlink(fp);
		free(pp);
		free(fp);
	}
	rmdir(dir);
}

static void test_apply_refuses(void **state)
{
	char dir[] = "/tmp/unravel-apply-XXXXXX";
	struct patch_set ps;
	char *p1, *p2, *got;
	size_t len;
	(void)state;
	assert_non_null(mkdtemp(dir));
	p1 = xstrfmt("%s/one.txt", dir);
	p2 = xstrfmt("%s/two.txt", dir);
	write_all(p1, "one\n", 4);
	write_all(p2, "two\n", 4);
	patch_init(&ps, dir);
	patch_add(&ps, "one.txt", "one\n", 4, "ONE\n", 4, 0644);
	patch_add(&ps, "two.txt", "two\n", 4, "TWO\n", 4, 0644);
	patch_add(&ps, "sub/three.txt", NULL, 0, "3\n", 2, 0);
	write_all(p2, "two, edited\n", 12); /* changed after the analysis */
	assert_int_equal(patch_apply(&ps), -1);
	assert_int_equal(read_file(p1, 0, &got, &len), 0);
	assert_string_equal(got, "one\n");
	free(got);
	{
		char *sub = xstrfmt("%s/sub", dir);
		struct stat st;
		assert_int_equal(stat(sub, &st), -1);
		free(sub);
	}
	write_all(p2, "two\n", 4);
	assert_int_equal(patch_apply(&ps), 0);
	assert_int_equal(read_file(p1, 0, &got, &len), 0);
	assert_string_equal(got, "ONE\n");
	free(got);
	assert_int_equal(read_file(p2, 0, &got, &len), 0);
	assert_string_equal(got, "TWO\n");
	free(got);
	/* applying again refuses: the targets no longer hold the analysed content */
	assert_int_equal(patch_apply(&ps), -1);
	patch_release(&ps);
	{
		char *cmd = xstrfmt("rm -rf %s", dir);
		assert_int_equal(system(cmd), 0);
		free(cmd);
	}
	free(p1);
	free(p2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blob_id),
		cmocka_unit_test(test_hunks),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_apply_refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
