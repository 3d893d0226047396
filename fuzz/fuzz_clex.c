/*
 * fuzz_clex.c - libFuzzer target for the C frontend's own lexer (the clone
 * tokens, unfinished-work notes and allow-duplicate markers, #if regions and
 * include guards of parse()): any bytes as the content of one .c file.
 * libclang is not involved: finish() runs on a scan without files, which
 * only releases what parse() kept. The scan skips files holding a NUL byte
 * before any frontend sees them, so such inputs are skipped here too.
 *
 * Checked besides crashes, leaks and UBSan: every token's and every note's
 * line is inside the file, and token lines never go back.
 *
 * `make fuzz` builds and runs it (fuzz/run.sh); fuzz/seeds-clex.sh lists
 * the seeds (every C file of tests/golden and examples/ctrading); a crash
 * input goes to fuzz/regressions/clex/, replayed by tests/e2e/fuzz_replay.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../analyzer/diag.h"
#include "../analyzer/facts.h"
#include "../analyzer/frontend.h"
#include "../analyzer/scan.h"
#include "../analyzer/util.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_options opt;
	struct scan s;
	struct file_facts *ff;
	uint32_t lines, last = 1;
	char *src = fuzz_source(data, size, &lines);

	if (!src)
		return 0;

	memset(&opt, 0, sizeof(opt));
	opt.no_cache = 1;
	opt.quiet = 1;
	opt.jobs = 1;
	memset(&s, 0, sizeof(s));
	s.opt = &opt;
	CHECK(frontend_c.init(&s) == 0);
	ff = facts_new(size && data[0] == '#' ? "fuzz.h" : "src/fuzz.c", LANG_C);
	if (frontend_c.parse(ff, src, size, &s) == 0) {
		for (size_t i = 0; i < ff->ntokens; i++) {
			CHECK(ff->tokens[i].line >= last && ff->tokens[i].line <= lines);
			last = ff->tokens[i].line;
		}
		for (size_t i = 0; i < ff->nnotes; i++)
			CHECK(ff->notes[i].text && ff->notes[i].line >= 1 &&
			      (uint32_t)ff->notes[i].line <= lines);
	}
	CHECK(frontend_c.finish(&s) == 0);
	CHECK(s.frontend_state[LANG_C] == NULL);
	facts_free(ff);
	free(src);
	diag_clear();
	return 0;
}
