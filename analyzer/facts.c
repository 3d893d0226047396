/* facts.c - see facts.h. */
#include "facts.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

const char *lang_name(enum lang l)
{
	switch (l) {
	case LANG_PYTHON: return "python";
	case LANG_C: return "c";
	default: return "unknown";
	}
}

const char *scope_name(enum import_scope s)
{
	switch (s) {
	case SCOPE_MODULE: return "module";
	case SCOPE_FUNCTION: return "function";
	case SCOPE_CONDITIONAL: return "conditional";
	case SCOPE_TYPE_CHECKING: return "type_checking";
	}
	return "module";
}

const char *ref_kind_name(enum ref_kind k)
{
	static const char *const names[] = {
		[REF_ATTR] = "attribute", [REF_GETATTR] = "getattr",
		[REF_HASATTR] = "hasattr", [REF_BIND] = "bind",
		[REF_BIND_GET] = "bind_get", [REF_REGISTER] = "register",
		[REF_CALL] = "call", [REF_FIELD] = "field",
		[REF_SELF_ATTR] = "self_attr",
	};
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "unknown";
}

struct file_facts *facts_new(const char *path, enum lang lang)
{
	struct file_facts *ff = xcalloc(1, sizeof(*ff));
	/*
	 * A small first chunk: most files of a big tree are small, and a 4 kB
	 * chunk each made 100k one-line files take 600 MB (now 250 MB).
	 */
	ff->arena = arena_new_sized(512);
	ff->path = arena_strdup(ff->arena, path);
	ff->lang = lang;
	return ff;
}

void facts_free(struct file_facts *ff)
{
	if (!ff)
		return;
	free(ff->imports);
	free(ff->classes);
	free(ff->funcs);
	free(ff->lexfuncs);
	free(ff->refs);
	free(ff->notes);
	if (!ff->tokens_in_scan)
		free(ff->tokens);
	if (!ff->source_in_scan)
		free(ff->source);
	arena_free(ff->arena);
	free(ff);
}

#define DEFINE_ADD(fn, type, arr, n, alloc)                                    \
	type *fn(struct file_facts *ff)                                        \
	{                                                                      \
		ALLOC_GROW(ff->arr, ff->n + 1, ff->alloc);                     \
		memset(&ff->arr[ff->n], 0, sizeof(ff->arr[0]));                \
		return &ff->arr[ff->n++];                                      \
	}

DEFINE_ADD(facts_add_import, struct fact_import, imports, nimports, alloc_imports)
DEFINE_ADD(facts_add_class, struct fact_class, classes, nclasses, alloc_classes)
DEFINE_ADD(facts_add_func, struct fact_func, funcs, nfuncs, alloc_funcs)
DEFINE_ADD(facts_add_lexfunc, struct fact_func, lexfuncs, nlexfuncs, alloc_lexfuncs)
DEFINE_ADD(facts_add_ref, struct fact_ref, refs, nrefs, alloc_refs)
DEFINE_ADD(facts_add_note, struct fact_note, notes, nnotes, alloc_notes)
DEFINE_ADD(facts_add_token, struct fact_token, tokens, ntokens, alloc_tokens)

const char *facts_str(struct file_facts *ff, const char *s)
{
	return s ? facts_strn(ff, s, strlen(s)) : NULL;
}

const char *facts_strn(struct file_facts *ff, const char *s, size_t n)
{
	char *fixed, *r;
	size_t len;
	if (!s)
		return NULL;
	if (utf8_valid_len(s, n) == n)
		return arena_strndup(ff->arena, s, n);
	/*
	 * Source text in a legacy encoding (a Latin-1 comment in a C file):
	 * every string the analyses and outputs get is UTF-8, or jansson
	 * would refuse it in JSON.
	 */
	fixed = utf8_lossy(s, n, &len);
	r = arena_strndup(ff->arena, fixed, len);
	free(fixed);
	return r;
}
