/*
 * template.h - a logic-less Mustache subset for the generators.
 *
 * Tags: {{name}}, dotted {{a.b}}, {{.}} (the current item), {{{name}}} and
 * {{&name}} (same output: nothing is ever HTML-escaped), sections
 * {{#name}}...{{/name}} (a list iterates, an object or any other truthy value
 * is pushed as the context), inverted sections {{^name}}...{{/name}},
 * comments {{! ... }}, partials {{> name}} (the file name.mustache searched in
 * the environment's folders; a partial alone on its line is indented like
 * that line), and set-delimiter {{=<% %>=}}. Tags alone on their line
 * (sections, inverted, closing, comments, partials, delimiters) remove the
 * whole line, as in the Mustache specification.
 *
 * Falsey values: missing names, null, false, "" and [] (an empty object is
 * truthy). Names resolve up the context stack like Mustache: the first part
 * of a dotted name in the innermost context that has it, the rest inside it.
 *
 * Values are never read as template syntax: a value holding "{{x}}" is
 * output as is.
 *
 * Strict mode (TMPL_STRICT, used by the generators): every name a template
 * uses must exist in the context (null is fine), interpolating a list or an
 * object is an error, and a missing partial is an error. Without it a missing
 * name renders empty and a missing partial renders nothing (the spec).
 *
 * Errors are GCC style, "path:line:col: error: what" (line and column of the
 * tag, 1-based, columns in bytes), written into the caller's err buffer;
 * commands print them and exit 2.
 *
 * Ownership rule: an environment owns the partials it has loaded and
 * borrows the folder strings and nothing else; the caller owns ctx, out and
 * err. tmpl_env_free() releases it all.
 */
#ifndef UNRAVEL_TEMPLATE_H
#define UNRAVEL_TEMPLATE_H

#include <stddef.h>

#include <jansson.h>

#include "../analyzer/util.h"

enum { TMPL_STRICT = 1 };

struct tmpl_env;

/*
 * A rendering environment: dirs (ndirs entries, borrowed, must outlive the
 * environment) are searched in order for template files and partials;
 * flags is 0 or TMPL_STRICT.
 */
struct tmpl_env *tmpl_env_new(const char *const *dirs, int ndirs, unsigned flags);
void tmpl_env_free(struct tmpl_env *env);

/*
 * Stop rendering with an error after this many tag and text visits
 * (default 100 million), so a template nesting sections over lists cannot
 * run for ever. For the fuzzer.
 */
void tmpl_env_set_budget(struct tmpl_env *env, unsigned long visits);

/*
 * The path of template file name (e.g. "factory.py.mustache") in the first
 * folder that has it, or NULL. Caller frees.
 */
char *tmpl_find(const struct tmpl_env *env, const char *name);

/*
 * Render the template text src[0..len) (path names it in messages) with ctx
 * as the root context, appending to out. Returns 0, or -1 with one
 * "path:line:col: error: ..." line appended to err (out then holds a
 * partial result the caller discards).
 */
int tmpl_render_string(struct tmpl_env *env, const char *path, const char *src, size_t len,
		       json_t *ctx, struct strbuf *out, struct strbuf *err);

/*
 * Render template file name, found with tmpl_find(). Same result as
 * tmpl_render_string(); a file that is not found or cannot be read is an
 * error ("unravel: error: ..." line in err).
 */
int tmpl_render_file(struct tmpl_env *env, const char *name, json_t *ctx, struct strbuf *out,
		     struct strbuf *err);

#endif
