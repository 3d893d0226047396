/* test_cache_rewrite.c - the enum member derived from a legacy cache's name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "../../codegen/cache_rewrite.h"

static void expect_member(const char *legacy, const char *want)
{
	char *got = cache_type_member(legacy);
	assert_string_equal(got, want);
	free(got);
}

static void test_member(void **state)
{
	(void)state;
	expect_member("GreeksCache", "GREEKS");
	expect_member("MarketDataCache", "MARKET_DATA");
	expect_member("PositionCache", "POSITION");
	expect_member("HTTPResponseCache", "HTTP_RESPONSE");
	expect_member("greeks_cache", "GREEKS");
	expect_member("market_data_cache", "MARKET_DATA");
	expect_member("Cache", "GENERAL");
	expect_member("StateCache2", "STATE_CACHE2");
	expect_member("Quotes", "QUOTES");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_member),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
