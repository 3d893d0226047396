/* generator.c - the generator table and what every generator shares. */
#include "generator.h"
#include "template.h"
#include "../analyzer/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const struct generator *const generators[] = {
	&gen_factory,
	&gen_eventbus,
	NULL,
};

const struct generator *generator_find(const char *name)
{
	for (const struct generator *const *g = generators; *g; g++)
		if (!strcmp((*g)->name, name))
			return *g;
	return NULL;
}

int gen_render(const struct gen_request *rq, const char *name, json_t *ctx, char **out,
	       size_t *len)
{
	struct tmpl_env *env = tmpl_env_new(rq->template_dirs, rq->ntemplate_dirs, TMPL_STRICT);
	struct strbuf o = STRBUF_INIT, err = STRBUF_INIT;
	int rc;

	sb_init(&o);
	sb_init(&err);
	rc = tmpl_render_file(env, name, ctx, &o, &err);
	tmpl_env_free(env);
	if (rc < 0) {
		fputs(err.buf, stderr);
		sb_release(&o);
		sb_release(&err);
		return -1;
	}
	sb_release(&err);
	*out = sb_detach(&o, len);
	return 0;
}

int gen_write(const char *path, const char *data, size_t len)
{
	if (!path || !strcmp(path, "-")) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
			return error("cannot write to standard output: %s", strerror(errno));
		return 0;
	}
	if (write_file_atomic(path, data, len) < 0)
		return error("cannot write '%s': %s", path, strerror(errno));
	return 0;
}
