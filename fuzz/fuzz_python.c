/*
 * fuzz_python.c - libFuzzer target for the Python tokenizer and the Python
 * frontend (import extractor, classes, functions, references, notes, clone
 * tokens): any bytes as the content of one .py file. The scan skips files
 * holding a NUL byte before any frontend sees them, so such inputs are
 * skipped here too.
 *
 * Checked besides crashes, leaks and UBSan: the tokenizer's tokens lie inside
 * the input, in order, with lines that never go back; every fact's line is
 * inside the file; every function's token range lies inside the token array.
 *
 * `make fuzz` builds and runs it (fuzz/run.sh); fuzz/seeds-python.sh lists
 * the seeds (every Python file of tests/golden); a crash input goes to
 * fuzz/regressions/python/, replayed by tests/e2e/fuzz_replay.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../analyzer/diag.h"
#include "../analyzer/facts.h"
#include "../analyzer/frontend.h"
#include "../analyzer/pytok.h"
#include "../analyzer/util.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_tokens(const char *src, size_t len)
{
	struct pytok_list tl = PYTOK_LIST_INIT;
	uint32_t last_line = 1, lines = 1;
	size_t last_end = 0;

	for (size_t i = 0; i < len; i++)
		lines += src[i] == '\n' || (src[i] == '\r' && (i + 1 == len || src[i + 1] != '\n'));
	pytok_run(&tl, src, len, NULL);
	CHECK(tl.n > 0 && tl.v[tl.n - 1].kind == PT_ENDMARKER);
	for (size_t i = 0; i < tl.n; i++) {
		const struct pytok *t = &tl.v[i];
		CHECK((size_t)t->off + t->len <= len);
		CHECK(t->off >= last_end || t->len == 0);
		CHECK(t->line >= last_line);
		CHECK(t->end_line >= t->line);
		CHECK(t->line <= lines + 1);
		if (t->len)
			last_end = (size_t)t->off + t->len;
		last_line = t->line;
	}
	pytok_release(&tl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct file_facts *ff;
	uint32_t nlines;
	char *src = fuzz_source(data, size, &nlines);
	int lines = (int)nlines;

	if (!src)
		return 0;

	check_tokens(src, size);

	ff = facts_new(size && data[0] == '#' ? "fuzz.pyi" : "pkg/fuzz.py", LANG_PYTHON);
	if (frontend_python.parse(ff, src, size, NULL) == 0) {
		for (size_t i = 0; i < ff->nimports; i++) {
			const struct fact_import *im = &ff->imports[i];
			CHECK(im->module && im->text);
			CHECK(im->line >= 1 && im->line <= lines);
			CHECK(im->level >= 0);
		}
		for (size_t i = 0; i < ff->nclasses; i++) {
			const struct fact_class *c = &ff->classes[i];
			CHECK(c->name && c->line >= 1 && c->line <= lines && c->end_line >= c->line);
			for (int b = 0; b < c->nbases; b++)
				CHECK(c->bases[b] != NULL);
		}
		for (size_t i = 0; i < ff->nfuncs; i++) {
			const struct fact_func *f = &ff->funcs[i];
			CHECK(f->name && f->line >= 1 && f->line <= lines && f->end_line >= f->line);
			CHECK(f->tok_start <= f->tok_end && f->tok_end <= ff->ntokens);
			for (int p = 0; p < f->nparams; p++)
				CHECK(f->params[p].name != NULL);
		}
		for (size_t i = 0; i < ff->nrefs; i++)
			CHECK(ff->refs[i].line >= 1 && ff->refs[i].line <= lines);
		for (size_t i = 0; i < ff->nnotes; i++)
			CHECK(ff->notes[i].text && ff->notes[i].line >= 1 && ff->notes[i].line <= lines);
		for (size_t i = 0; i < ff->ntokens; i++)
			CHECK(ff->tokens[i].line >= 1 && ff->tokens[i].line <= (uint32_t)lines);
	}
	facts_free(ff);
	free(src);
	diag_clear();
	return 0;
}
