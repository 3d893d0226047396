/* test_util.c - analyzer/util.c: UTF-8 validation, bit for bit against a reference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../analyzer/util.h"

/* The length of the valid UTF-8 prefix, one sequence at a time (RFC 3629). */
static size_t reference_valid_len(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t need;
		uint32_t cp, min;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, cp = c & 0x1f, min = 0x80;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, cp = c & 0x0f, min = 0x800;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, cp = c & 0x07, min = 0x10000;
		else
			return i;
		for (size_t k = 1; k <= need; k++) {
			if (i + k >= n || (s[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += need + 1;
	}
	return n;
}

/*
 * ASCII runs of every length around the 8- and 16-byte blocks the check
 * reads, then a valid sequence or a bad byte, then more ASCII.
 */
static void test_utf8_valid_len(void **state)
{
	static const char *const tails[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x80",
					    "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xc0\xaf", "\xf5\x80\x80\x80",
					    "\xff", "", NULL};
	unsigned char buf[128];
	(void)state;
	for (int k = 0; k < 48; k++)
		for (int t = 0; tails[t]; t++)
			for (int after = 0; after < 20; after += 7) {
				size_t n = 0, tl = strlen(tails[t]);
				for (int i = 0; i < k; i++)
					buf[n++] = (unsigned char)('a' + i % 26);
				memcpy(buf + n, tails[t], tl);
				n += tl;
				for (int i = 0; i < after; i++)
					buf[n++] = 'z';
				if (utf8_valid_len((const char *)buf, n) != reference_valid_len(buf, n)) {
					print_error("k=%d tail %d after %d: got %zu, want %zu\n", k, t, after,
						    utf8_valid_len((const char *)buf, n),
						    reference_valid_len(buf, n));
					fail();
				}
			}
}

/* popcount64() against a bit-by-bit count, on patterns and a pseudo-random walk. */
static void test_popcount64(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	(void)state;
	assert_int_equal(popcount64(0), 0);
	assert_int_equal(popcount64(~0ull), 64);
	for (int i = 0; i < 10000; i++) {
		int want = 0;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		for (int b = 0; b < 64; b++)
			want += (int)((x >> b) & 1);
		assert_int_equal(popcount64(x), want);
		assert_int_equal(popcount64(x & 0xffff), __builtin_popcountll(x & 0xffff));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_valid_len),
		cmocka_unit_test(test_popcount64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
