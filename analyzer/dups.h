/*
 * dups.h - duplicate code: token clones and helper families (phase 1.3 and 8).
 *
 * Clones: the normalized token streams of every file (struct fact_token.norm:
 * identifiers and literals abstracted) are concatenated, with a unique
 * separator after each file, and indexed by a suffix array (SA-IS, linear
 * time) with its LCP array: 16 bytes per token at the peak. Every left- and
 * right-maximal repeat of at least min_tokens tokens is a clone class; the
 * classes are taken longest first, and a class is reported only when one of
 * its members is not already covered (half of its tokens or more) by a
 * longer reported class, so
 * sub-clones of a reported clone are not listed again. Members of one class
 * never overlap each other (a run like a table of constants that repeats
 * itself shifted by a few tokens is not a clone of itself). A class is
 * type 1 when every member is token-for-token identical (fact_token.exact),
 * type 2 otherwise. Clones inside one file count.
 *
 * Type-1 clones hidden in such runs (a table copied from one file to
 * another) are found by a second, exact pass over the ranges the first pass
 * set aside as tables.
 *
 * Families: functions whose names share a stem (the same core name in
 * several modules once a leading verb and a generic suffix are dropped, or
 * one verb frame like get_*_data) and whose bodies are similar (Jaccard
 * index of their sets of 4-token shingles of normalized tokens at or above
 * min_similarity percent, and at least half of their names and literals in
 * common) are grouped (single linkage; a family's similarity is its weakest
 * link) and ranked by the tokens a merge would remove. Left out as
 * boilerplate: dunder methods (so __init__), functions nested in functions,
 * placeholders and abstract methods, bodies under 12 tokens (trivial
 * getters), tables of constants, bodies that are mostly imports. Each
 * family gets a suggested home (the member module most other files import
 * it from; else the first member's) and its varying tokens (aligned
 * positions where the members' texts differ: the parameters of a merged
 * helper). Families are searched on a second thread.
 *
 * Justified redundancy: a member is allowed when a NOTE_ALLOW_DUPLICATE
 * note is on its first line or the line above it; or when its file path
 * (as shown, or relative to opt->allow_root) matches one of opt->allow
 * (globs, as glob_match()); or when every function it reaches (the one it
 * starts in and each def within its lines) is justified: a marker on or
 * just above the def line, or a name (dotted, or its last component)
 * matching opt->allow. A group is allowed when all of its members but at
 * most one are: marking the copy justifies the pair. Allowed groups are
 * reported (allowed = 1), not hidden.
 *
 * Ownership rule: a struct dup_result owns its groups, members and the
 * strings it made (its arenas); it borrows strings from the facts (paths,
 * function names), which must outlive it.
 */
#ifndef UNRAVEL_DUPS_H
#define UNRAVEL_DUPS_H

#include <stddef.h>
#include <stdint.h>

#include "facts.h"

enum dup_kind { DUP_CLONE, DUP_FAMILY };

struct dup_member {
	size_t file;              /* index into the files array given to dups_find() */
	const char *path;         /* borrowed: the file's path */
	int start_line, end_line; /* lines of the first and the last token */
	const char *function;     /* enclosing (clone) or member (family) function, dotted; NULL */
	uint32_t tok_start, tok_end; /* token range [tok_start, tok_end) in the file */
	int allowed;              /* DUP_ALLOW_*: justified by an inline marker or the config */
};

enum { DUP_ALLOW_NONE, DUP_ALLOW_MARKER, DUP_ALLOW_CONFIG };

/*
 * A parameter a merged helper would take: a token position where members
 * differ. text[i] is the differing source text of member i (NULL when the
 * source could not be read), line[i] its line.
 */
struct dup_varying {
	const char **text;
	int *line;
};

struct dup_group {
	enum dup_kind kind;
	int type;            /* clones: 1 (identical) or 2 (renamed); families: 0 */
	int similarity;      /* families: smallest pairwise similarity, percent; clones: 100 */
	size_t tokens;       /* tokens of one member (families: the largest) */
	int lines;           /* lines of the first member (families: the largest) */
	size_t removable;    /* tokens a merge would remove */
	int allowed;
	const char *name;    /* families: the shared name pattern ("get_*_data"); NULL for clones */
	const char *home;    /* families: suggested module (Python dotted) or file (C) */
	uint64_t fingerprint;/* stable across line moves: hash of the normalized tokens / names */
	struct dup_member *members; /* sorted by path, start line */
	size_t nmembers;
	struct dup_varying *varying; /* families: parameters; NULL for clones */
	size_t nvarying;
};

struct dup_options {
	int min_tokens;      /* clone length in tokens (default 50) */
	int min_lines;       /* drop groups whose first member spans fewer lines (0 = keep all) */
	int min_similarity;  /* family threshold, percent (default 75) */
	int families;        /* look for helper families too */
	const char *const *allow; /* globs of allowed names or paths */
	int nallow;
	/* Folder the allow globs are relative to (the config file's), as a display path; NULL = "." */
	const char *allow_root;
	int read_sources;    /* read source files to show varying text (families) */
	/*
	 * Optional: the Python module name of each file (modindex_module()),
	 * asked for once, on the families' thread, when they need them (a
	 * module index is built while the clones are searched); NULL, or a
	 * NULL name, = from the path.
	 */
	const char *const *(*modules)(void *arg);
	void *modules_arg;
};

struct dup_stats {
	size_t tokens;       /* tokens indexed */
	size_t index_bytes;  /* peak bytes of the clone index */
	size_t functions;    /* functions considered for families */
};

struct dup_result {
	struct dup_group *groups; /* sorted: removable tokens descending, then kind, then location */
	size_t ngroups;
	struct dup_stats stats;
	struct arena *arena;
	struct arena *family_arena; /* families are built on their own thread */
};

/* Defaults: min_tokens 50, min_similarity 75, families on. */
void dup_options_init(struct dup_options *opt);

/*
 * Find clones (and families when opt->families) in files[0..nfiles), which
 * should be sorted by path (scan order) for deterministic output. Never fails
 * (dies on out of memory); a corpus of more than 2^31 tokens is refused with
 * die(). r must be released with dups_release().
 */
void dups_find(struct dup_result *r, struct file_facts *const *files, size_t nfiles,
	       const struct dup_options *opt);
void dups_release(struct dup_result *r);

/* "clone" or "family". */
const char *dup_kind_name(enum dup_kind k);

/*
 * Build the suffix array of s[0..n) into sa (n entries): s[n-1] must be 0
 * and be the only 0; every value must be below k. Exposed for unit tests.
 */
void dups_suffix_array(const int32_t *s, int32_t *sa, int32_t n, int32_t k);

#endif
