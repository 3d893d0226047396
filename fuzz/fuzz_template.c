/*
 * fuzz_template.c - libFuzzer target for the template engine: any bytes as a
 * template, rendered against a fixed context, strict or lenient. The engine
 * must return 0 or -1 with a message, never crash, leak or run away.
 *
 * Build and run: `make fuzz` (fuzz/run.sh, FUZZ_SECONDS=N), or by hand from the
 * repo root:
 *   mkdir -p build-fuzz && clang -std=c11 -D_GNU_SOURCE -g -O1 \
 *     -fsanitize=fuzzer,address,undefined fuzz/fuzz_template.c codegen/template.c \
 *     analyzer/util.c -ljansson -lxxhash -o build-fuzz/fuzz_template
 *   mkdir -p build-fuzz/corpus-template && for d in tests/golden/template/[a-z]*; do \
 *     cp $d/template.mustache build-fuzz/corpus-template/$(basename $d); done
 *   build-fuzz/fuzz_template -max_total_time=60 build-fuzz/corpus-template
 * (the first byte of an input picks strict mode, the rest is the template).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../codegen/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static json_t *context(void)
{
	static const char text[] =
		"{\"name\": \"n\", \"t\": true, \"f\": false, \"z\": null, \"i\": 3, \"r\": 1.5,"
		" \"l\": [1, \"two\", {\"name\": \"inner\"}, [3]], \"o\": {\"a\": {\"b\": \"c\"}},"
		" \"e\": [], \"s\": \"{{name}}\"}";
	return json_loads(text, 0, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *ctx;
	struct tmpl_env *env;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	unsigned flags;
	int rc;

	if (!size)
		return 0;
	if (!ctx)
		ctx = context();
	flags = data[0] & 1 ? TMPL_STRICT : 0;
	env = tmpl_env_new(NULL, 0, flags);
	tmpl_env_set_budget(env, 100000);
	sb_init(&out);
	sb_init(&err);
	rc = tmpl_render_string(env, "fuzz", (const char *)data + 1, size - 1, ctx, &out, &err);
	/* An error always says where and what; success leaves err empty. */
	if ((rc < 0) != (err.len > 0) || (rc < 0 && !strstr(err.buf, ": error: ")))
		__builtin_trap();
	sb_release(&out);
	sb_release(&err);
	tmpl_env_free(env);
	return 0;
}
