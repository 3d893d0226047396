/* frontend_python.c - Python frontend: being written (tokenizer + PCRE2 patterns). */
#include "frontend.h"

static const char *const exts[] = {".py", ".pyi", NULL};

static int parse(struct file_facts *ff, const char *src, size_t len, struct scan *s)
{
	(void)ff; (void)src; (void)len; (void)s;
	return 0;
}

const struct frontend frontend_python = {
	.name = "python",
	.lang = LANG_PYTHON,
	.extensions = exts,
	.parse = parse,
};
