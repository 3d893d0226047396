/*
 * facts.h - the per-file facts record: everything the analyses need to know
 * about one source file, produced by a frontend (frontend_python.c,
 * frontend_c.c) or loaded from the incremental cache, and consumed by the
 * import graph, the manager graph, the clone detector, verify and codegen.
 *
 * Ownership rule: a struct file_facts owns its arrays (heap, grown with
 * ALLOC_GROW) and every string it points to (in ff->arena); facts_free()
 * releases all of it. Frontends copy what they keep into ff->arena.
 *
 * Lines and columns are 1-based; columns count bytes.
 */
#ifndef UNRAVEL_FACTS_H
#define UNRAVEL_FACTS_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

enum lang { LANG_PYTHON, LANG_C, LANG__COUNT };
const char *lang_name(enum lang l); /* "python", "c" */

/* When an import runs (SPEC.md, "Which edges make a cycle"). */
enum import_scope {
	SCOPE_MODULE,        /* at module load time */
	SCOPE_FUNCTION,      /* inside a def: only when called */
	SCOPE_CONDITIONAL,   /* under if/try/except/with at load time */
	SCOPE_TYPE_CHECKING, /* under `if TYPE_CHECKING:`: never at run time */
};
const char *scope_name(enum import_scope s); /* "module", ... */

struct fact_import {
	/*
	 * Python: the dotted module as written after `import` or `from`
	 * ("a.b" for `import a.b as c`; "" for `from . import x`).
	 * C: the include spelling ("foo/bar.h").
	 */
	const char *module;
	/* Python `from M import name`: one record per name ("*" for a star); NULL otherwise. */
	const char *name;
	/* C: canonical absolute path of the included file, NULL if not found. */
	const char *resolved;
	/* Source text of the whole statement on one line (for reports). */
	const char *text;
	/* C: the translation units the directive was seen in ("a.c,b.c", relative paths), or NULL. */
	const char *tus;
	int level; /* Python: leading dots of a relative import; 0 = absolute */
	int line, col;
	enum import_scope scope;
	int angled; /* C: #include <...> */
};

struct fact_param {
	const char *name;
	const char *annotation; /* as written, NULL if none; C: the type spelling */
	int has_default;
};

/* A Python class or a C struct/typedef. */
struct fact_class {
	const char *name;
	int line, col, end_line;
	const char **bases; /* dotted names as written */
	int nbases;
	int is_protocol; /* Python: a Protocol / ABC class */
};

struct fact_func {
	const char *name; /* "func", or dotted "Class.method" for methods (nested classes too) */
	const char *cls;  /* enclosing class name, NULL for plain functions */
	int line, col, end_line; /* `def` line .. last line of the body */
	struct fact_param *params; /* in ff->arena; Python: `self`/`cls` left out */
	int nparams;
	/* Token index range [tok_start, tok_end) of the body in ff->tokens. */
	uint32_t tok_start, tok_end;
	unsigned placeholder : 1; /* body is only pass / ... / raise NotImplementedError / docstring; C: empty */
	unsigned abstract : 1;    /* @abstractmethod, @overload, in a Protocol, or in a .pyi */
	unsigned is_static : 1;   /* C: static; Python: @staticmethod/@classmethod */
};

/*
 * A reference from code to something manager-like (the raw material of the
 * manager graph). Which fields are set depends on kind.
 */
enum ref_kind {
	REF_ATTR,     /* host.attr read: host="self.algorithm", attr="vix_manager" (chains: host="self.algorithm.risk") */
	REF_GETATTR,  /* getattr(host, "attr"[, default]) */
	REF_HASATTR,  /* hasattr(host, "attr") */
	REF_BIND,     /* host.attr = Value(...) in a class: host="self", attr, value="Value" (dotted as written) */
	REF_BIND_GET, /* host.attr = x.get_manager("key"): attr, value="key" */
	REF_REGISTER, /* registry entry "key": Value or register("key", Value): attr="key", value="Value" */
	REF_CALL,     /* call of value (dotted as written: "B", "mod.B", "B.create"); C: called function name */
	REF_FIELD,    /* C: struct member attr of type value (pointer or not) */
	REF_SELF_ATTR,/* self.attr = <param name> in __init__: attr, value = param name */
};
const char *ref_kind_name(enum ref_kind k);

struct fact_ref {
	enum ref_kind kind;
	const char *cls;  /* enclosing class, NULL at module level */
	const char *func; /* enclosing function (dotted), NULL outside functions */
	const char *host;
	const char *attr;
	const char *value;
	int line, col;
};

/* Comments that matter: unfinished-work markers (the words listed in verify.h), unravel: directives. */
enum note_kind { NOTE_TODO, NOTE_ALLOW_DUPLICATE };
struct fact_note {
	enum note_kind kind;
	int line, col;
	const char *text; /* the comment text */
};

/*
 * One token for the clone detector: 12 bytes. exact hashes the token's text
 * (type-1 clones); norm hashes its class with identifiers and literals
 * abstracted (type-2 clones). Comments, whitespace and docstrings are not tokens.
 */
struct fact_token {
	uint32_t exact;
	uint32_t norm;
	uint32_t line;
};

struct file_facts {
	const char *path; /* relative to the current directory, '/'-separated */
	enum lang lang;
	uint64_t size, mtime_ns, content_hash;
	int parse_errors; /* syntax errors seen (the facts around them are still kept) */

	struct fact_import *imports; size_t nimports, alloc_imports;
	struct fact_class *classes; size_t nclasses, alloc_classes;
	struct fact_func *funcs; size_t nfuncs, alloc_funcs;
	/*
	 * C only: the function definitions as the source text shows them,
	 * found by the lexer (every #if branch, macros not expanded). The
	 * clone detector uses these, so its results are the same whether
	 * libclang ran or not; funcs holds what libclang saw.
	 */
	struct fact_func *lexfuncs; size_t nlexfuncs, alloc_lexfuncs;
	struct fact_ref *refs; size_t nrefs, alloc_refs;
	struct fact_note *notes; size_t nnotes, alloc_notes;
	struct fact_token *tokens; size_t ntokens, alloc_tokens;
	/*
	 * The bytes the scan read, when it was asked to keep them (never
	 * cached), else NULL; source_in_scan: they lie in the scan's chunks
	 * (scan_release() frees those), not in a block of their own.
	 */
	char *source; size_t source_len;
	int source_in_scan;
	int tokens_in_scan; /* tokens lie in the scan's chunks too (scan_keep()) */

	struct arena *arena;
};

/* A new empty record for path (copied). */
struct file_facts *facts_new(const char *path, enum lang lang);
void facts_free(struct file_facts *ff);

/* Append a zeroed element and return it (pointer valid until the next add). */
struct fact_import *facts_add_import(struct file_facts *ff);
struct fact_class *facts_add_class(struct file_facts *ff);
struct fact_func *facts_add_func(struct file_facts *ff);
struct fact_func *facts_add_lexfunc(struct file_facts *ff);
struct fact_ref *facts_add_ref(struct file_facts *ff);
struct fact_note *facts_add_note(struct file_facts *ff);
struct fact_token *facts_add_token(struct file_facts *ff);

/* The functions the clone detector sees: C: lexfuncs; Python: funcs. */
static inline const struct fact_func *facts_dup_funcs(const struct file_facts *ff, size_t *n)
{
	*n = ff->lang == LANG_C ? ff->nlexfuncs : ff->nfuncs;
	return ff->lang == LANG_C ? ff->lexfuncs : ff->funcs;
}

/* Copy a string into ff's arena (NULL stays NULL). */
const char *facts_str(struct file_facts *ff, const char *s);
const char *facts_strn(struct file_facts *ff, const char *s, size_t n);

#endif
