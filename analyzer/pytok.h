/*
 * pytok.h - a Python tokenizer over the raw bytes of a file, in the manner
 * of CPython's Parser/tokenizer.c: NAME, NUMBER, STRING (every prefix,
 * triple quotes, f-strings with nested quotes in replacement fields), OP,
 * COMMENT, NEWLINE (end of a logical line), NL (a line break that does not
 * end one), INDENT/DEDENT (tabs to the next multiple of 8) and ENDMARKER.
 * Backslash and bracket continuation, CRLF / CR line ends and a UTF-8 BOM
 * are handled.
 *
 * Errors (unterminated strings, inconsistent dedent, unmatched brackets,
 * stray characters) are reported with diag_warn(path, line, col, ...) and
 * counted in nerrors; tokenizing always recovers and runs to ENDMARKER, so
 * a file broken halfway still yields the tokens after the break.
 *
 * Ownership rule: a struct pytok_list owns its one growing token array;
 * tokens refer to the caller's source buffer by offset and do not copy it.
 */
#ifndef UNRAVEL_PYTOK_H
#define UNRAVEL_PYTOK_H

#include <stddef.h>
#include <stdint.h>

enum pytok_kind {
	PT_ENDMARKER,
	PT_NAME,
	PT_NUMBER,
	PT_STRING,
	PT_OP,
	PT_COMMENT,
	PT_NEWLINE,
	PT_NL,
	PT_INDENT,
	PT_DEDENT,
};

struct pytok {
	uint32_t off, len;      /* bytes src[off .. off+len); 0-length for NEWLINE at EOF, INDENT, DEDENT, ENDMARKER */
	uint32_t line, col;     /* 1-based start; col counts bytes */
	uint32_t end_line;      /* line of the token's last byte (multi-line strings) */
	uint8_t kind;           /* enum pytok_kind */
	uint8_t gap;            /* whitespace or a line break precedes it on its logical line */
	uint8_t marker;         /* a COMMENT holding a word the frontend's comment patterns need */
};

struct pytok_list {
	struct pytok *v;
	size_t n, alloc;
	int nerrors;
};

#define PYTOK_LIST_INIT {NULL, 0, 0, 0}

/*
 * Tokenize src[0..len) into *out (appending to a released or fresh list).
 * path names the file in warnings (NULL: tokenize silently, still counting
 * errors). Never fails; returns the number of errors seen.
 */
int pytok_run(struct pytok_list *out, const char *src, size_t len, const char *path);

/* Free the token array and reset the list. */
void pytok_release(struct pytok_list *l);

/* "NAME", "OP", ... for dumps and tests. */
const char *pytok_kind_name(int kind);

#endif
