/* test_pytok.c - the Python tokenizer (analyzer/pytok.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../analyzer/pytok.h"
#include "../../analyzer/util.h"

/*
 * Tokenize src and render the tokens as "KIND:text" separated by spaces
 * (NEWLINE, NL, INDENT, DEDENT, ENDMARKER by kind only).
 */
static char *render(const char *src, int *errors)
{
	struct pytok_list l = PYTOK_LIST_INIT;
	struct strbuf sb = STRBUF_INIT;
	int e = pytok_run(&l, src, strlen(src), NULL);
	sb_init(&sb);
	for (size_t i = 0; i < l.n; i++) {
		const struct pytok *t = &l.v[i];
		if (i)
			sb_addc(&sb, ' ');
		switch (t->kind) {
		case PT_NAME: case PT_NUMBER: case PT_STRING: case PT_OP: case PT_COMMENT:
			sb_addf(&sb, "%s:%.*s", pytok_kind_name(t->kind), (int)t->len, src + t->off);
			break;
		default:
			sb_adds(&sb, pytok_kind_name(t->kind));
		}
	}
	if (errors)
		*errors = e;
	pytok_release(&l);
	return sb_detach(&sb, NULL);
}

static void expect(const char *src, const char *want, int want_errors)
{
	int errors;
	char *got = render(src, &errors);
	if (strcmp(got, want) || errors != want_errors) {
		print_error("source: %s\n got: %s (%d errors)\nwant: %s (%d errors)\n", src, got,
			    errors, want, want_errors);
		free(got);
		fail();
	}
	free(got);
}

static void test_simple(void **state)
{
	(void)state;
	expect("import a.b as c\n",
	       "NAME:import NAME:a OP:. NAME:b NAME:as NAME:c NEWLINE ENDMARKER", 0);
	expect("x = 1", "NAME:x OP:= NUMBER:1 NEWLINE ENDMARKER", 0);
	expect("", "ENDMARKER", 0);
	expect("a **= b // c -> d ... e := f != g\n",
	       "NAME:a OP:**= NAME:b OP:// NAME:c OP:-> NAME:d OP:... NAME:e OP::= NAME:f OP:!= NAME:g NEWLINE ENDMARKER",
	       0);
}

static void test_indent(void **state)
{
	(void)state;
	expect("if x:\n    y\n\n    # c\n    z\nw\n",
	       "NAME:if NAME:x OP:: NEWLINE INDENT NAME:y NEWLINE NL COMMENT:# c NL NAME:z NEWLINE DEDENT NAME:w NEWLINE ENDMARKER",
	       0);
	/* a tab goes to column 8, the same as eight spaces */
	expect("if x:\n\ty\n        z\n",
	       "NAME:if NAME:x OP:: NEWLINE INDENT NAME:y NEWLINE NAME:z NEWLINE DEDENT ENDMARKER", 0);
	/* inconsistent dedent: warned, INDENT/DEDENT stay balanced */
	expect("if x:\n    y\n  z\nw\n",
	       "NAME:if NAME:x OP:: NEWLINE INDENT NAME:y NEWLINE DEDENT NAME:z NEWLINE NAME:w NEWLINE ENDMARKER",
	       1);
	/* runs of blanks longer than 16, then a tab: 17 blanks and a tab make column 24 */
	expect("if x:\n                 \ty\n                        z\n                 w\n",
	       "NAME:if NAME:x OP:: NEWLINE INDENT NAME:y NEWLINE NAME:z NEWLINE DEDENT NAME:w NEWLINE ENDMARKER",
	       1);
	expect("if x:\n                 \ty\n                        z\n",
	       "NAME:if NAME:x OP:: NEWLINE INDENT NAME:y NEWLINE NAME:z NEWLINE DEDENT ENDMARKER", 0);
	/* DEDENTs at the end of file */
	expect("def f():\n  if a:\n    b",
	       "NAME:def NAME:f OP:( OP:) OP:: NEWLINE INDENT NAME:if NAME:a OP:: NEWLINE INDENT NAME:b NEWLINE DEDENT DEDENT ENDMARKER",
	       0);
}

static void test_continuation(void **state)
{
	(void)state;
	expect("x = (1,\n  2)\n", "NAME:x OP:= OP:( NUMBER:1 OP:, NL NUMBER:2 OP:) NEWLINE ENDMARKER", 0);
	expect("x = 1 + \\\n  2\n", "NAME:x OP:= NUMBER:1 OP:+ NUMBER:2 NEWLINE ENDMARKER", 0);
	expect("x = 1 \\ 2\n", "NAME:x OP:= NUMBER:1 NUMBER:2 NEWLINE ENDMARKER", 1);
	/* CRLF and lone CR */
	expect("a\r\nb\rc\n", "NAME:a NEWLINE NAME:b NEWLINE NAME:c NEWLINE ENDMARKER", 0);
}

static void test_strings(void **state)
{
	(void)state;
	expect("s = 'a' \"b\" r'\\'' b\"x\" Rb'y' U'z'\n",
	       "NAME:s OP:= STRING:'a' STRING:\"b\" STRING:r'\\'' STRING:b\"x\" STRING:Rb'y' STRING:U'z' NEWLINE ENDMARKER",
	       0);
	expect("s = '''a\n'b'\nc'''\nx\n",
	       "NAME:s OP:= STRING:'''a\n'b'\nc''' NEWLINE NAME:x NEWLINE ENDMARKER", 0);
	/* not a prefix: a name then a string */
	expect("ab'x'\n", "NAME:ab STRING:'x' NEWLINE ENDMARKER", 0);
	/* f-strings with nested quotes (PEP 701), format specs, escaped braces */
	expect("f\"{x[\"k\"]}\" + f'{a:{b}>10}' + f\"{{no}}\"\n",
	       "STRING:f\"{x[\"k\"]}\" OP:+ STRING:f'{a:{b}>10}' OP:+ STRING:f\"{{no}}\" NEWLINE ENDMARKER",
	       0);
	expect("f\"{f'{f\"{x}\"}'}\" y\n", "STRING:f\"{f'{f\"{x}\"}'}\" NAME:y NEWLINE ENDMARKER", 0);
	/* unterminated: a single-quoted string ends at its line, a triple at EOF */
	expect("s = 'abc\nimport x\n", "NAME:s OP:= STRING:'abc NEWLINE NAME:import NAME:x NEWLINE ENDMARKER", 1);
	expect("s = \"\"\"abc\nimport x\n", "NAME:s OP:= STRING:\"\"\"abc\nimport x\n NEWLINE ENDMARKER", 1);
}

static void test_numbers_and_bom(void **state)
{
	(void)state;
	expect("\xef\xbb\xbfx = 0x1F + 1_000.5e-3j + .5 + 1if y else 2\n",
	       "NAME:x OP:= NUMBER:0x1F OP:+ NUMBER:1_000.5e-3j OP:+ NUMBER:.5 OP:+ NUMBER:1 NAME:if NAME:y NAME:else NUMBER:2 NEWLINE ENDMARKER",
	       0);
}

static void test_brackets(void **state)
{
	(void)state;
	/* an unclosed bracket is closed at the next line that starts a statement */
	expect("x = f(1,\nimport a\n",
	       "NAME:x OP:= NAME:f OP:( NUMBER:1 OP:, NL NEWLINE NAME:import NAME:a NEWLINE ENDMARKER", 1);
	expect("x = )\n", "NAME:x OP:= OP:) NEWLINE ENDMARKER", 1);
	expect("x = [1)\n", "NAME:x OP:= OP:[ NUMBER:1 OP:) NEWLINE ENDMARKER", 1);
}

static void test_positions(void **state)
{
	struct pytok_list l = PYTOK_LIST_INIT;
	const char *src = "a = '''x\ny'''\n\tb\n";
	(void)state;
	pytok_run(&l, src, strlen(src), NULL);
	assert_int_equal(l.v[0].line, 1);
	assert_int_equal(l.v[0].col, 1);
	assert_int_equal(l.v[2].kind, PT_STRING);
	assert_int_equal(l.v[2].col, 5);
	assert_int_equal(l.v[2].line, 1);
	assert_int_equal(l.v[2].end_line, 2);
	assert_int_equal(l.v[4].kind, PT_INDENT);
	assert_int_equal(l.v[5].kind, PT_NAME);
	assert_int_equal(l.v[5].line, 3);
	assert_int_equal(l.v[5].col, 2);
	pytok_release(&l);
}

/* Whether the one comment of src is flagged as holding a marker word. */
static int comment_marked(const char *src)
{
	struct pytok_list l = PYTOK_LIST_INIT;
	int marked = -1;
	pytok_run(&l, src, strlen(src), NULL);
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].kind == PT_COMMENT)
			marked = l.v[i].marker;
	pytok_release(&l);
	return marked;
}

/*
 * The marker flag (the words the frontend's comment patterns need) at every
 * offset of comments of every length around the 16-byte blocks the check
 * reads, and words cut by the comment's end or a letter short.
 */
static void test_comment_marker(void **state)
{
	static const char *const words[] = {"TODO", "FIXME", "XXX", "placeholder", "PlaceHolder",
					    "unravel:", NULL};
	static const char *const near[] = {"TOD", "FIXM", "XX", "placeholde", "unravel", "todo",
					   "unravel :", NULL};
	char src[128];
	(void)state;
	for (int w = 0; words[w]; w++)
		for (int before = 0; before < 40; before++)
			for (int after = 0; after < 20; after++) {
				int n = snprintf(src, sizeof(src), "x = 1  #%*s%s%*s\n", before, "",
						 words[w], after, "");
				assert_true(n > 0 && (size_t)n < sizeof(src));
				if (comment_marked(src) != 1) {
					print_error("not flagged: %s", src);
					fail();
				}
			}
	for (int w = 0; near[w]; w++)
		for (int before = 0; before < 40; before++) {
			snprintf(src, sizeof(src), "#%*s%s\n", before, "", near[w]);
			if (comment_marked(src) != 0) {
				print_error("flagged: %s", src);
				fail();
			}
		}
	assert_int_equal(comment_marked("# a comment without any of the words, longer than 16\n"), 0);
	assert_int_equal(comment_marked("#TODO"), 1); /* at the end of the file, no line break */
}

/*
 * A name's end at every offset around the 16-byte blocks the tokenizer
 * reads, before every byte value: letters, digits, '_' and non-ASCII bytes
 * continue it, any other byte ends it.
 */
static void test_name_end(void **state)
{
	char src[64];
	(void)state;
	for (int k = 0; k < 40; k++)
		for (int b = 0; b < 256; b++) {
			struct pytok_list l = PYTOK_LIST_INIT;
			int cont = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
				   (b >= '0' && b <= '9') || b == '_' || b >= 0x80;
			size_t n = 0, want = cont ? (size_t)k + 4 : (size_t)k + 1;
			src[n++] = 'x';
			for (int i = 0; i < k; i++)
				src[n++] = (char)('a' + i % 26);
			src[n++] = (char)b;
			src[n++] = 'y';
			src[n++] = 'z';
			src[n++] = '\n';
			pytok_run(&l, src, n, NULL);
			if (!l.n || l.v[0].kind != PT_NAME || l.v[0].len != want) {
				print_error("k=%d byte 0x%02x: first token %s of %u bytes, want a NAME of %zu\n",
					    k, b, l.n ? pytok_kind_name(l.v[0].kind) : "none",
					    l.n ? l.v[0].len : 0, want);
				pytok_release(&l);
				fail();
			}
			pytok_release(&l);
		}
}

/*
 * Strings whose bytes that matter (the other quote, an escaped quote, a
 * brace, a nested quote in an f-string's field, a line break) sit at every
 * offset around the 16-byte blocks the tokenizer reads: one STRING token,
 * the whole literal.
 */
static void test_string_blocks(void **state)
{
	static const struct {
		const char *prefix, *quote, *inside;
		int lines;
	} cases[] = {
		{"", "'", "\"", 1},       {"", "\"", "'", 1},         {"", "'", "\\'", 1},
		{"f", "'", "{x}", 1},     {"f", "'", "{\"a\"}", 1},   {"", "'", "{", 1},
		{"", "'''", "\n", 2},     {"rb", "\"", "\\\\", 1},    {"f", "\"\"\"", "{\n}", 2},
		{"", "'", "\\\n", 2},
	};
	char src[128];
	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
		for (int k = 0; k < 40; k++) {
			struct pytok_list l = PYTOK_LIST_INIT;
			int n = snprintf(src, sizeof(src), "%s%s%*s%sab%s\n", cases[c].prefix,
					 cases[c].quote, k, "", cases[c].inside, cases[c].quote);
			size_t want = (size_t)n - 1;
			int errors = pytok_run(&l, src, (size_t)n, NULL);
			if (errors || !l.n || l.v[0].kind != PT_STRING || l.v[0].len != want ||
			    (int)(l.v[0].end_line - l.v[0].line + 1) != cases[c].lines) {
				print_error("case %zu k=%d: %s -> %s of %u bytes (%d errors), want a "
					    "STRING of %zu\n",
					    c, k, src, l.n ? pytok_kind_name(l.v[0].kind) : "none",
					    l.n ? l.v[0].len : 0, errors, want);
				pytok_release(&l);
				fail();
			}
			pytok_release(&l);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_indent),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_numbers_and_bom),
		cmocka_unit_test(test_brackets),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_comment_marker),
		cmocka_unit_test(test_name_end),
		cmocka_unit_test(test_string_blocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
