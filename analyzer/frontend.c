/* frontend.c - the table of frontends. */
#include "frontend.h"
#include "util.h"

#include <string.h>

const struct frontend *const frontends[] = {
	&frontend_python,
	&frontend_c,
	NULL,
};

const struct frontend *frontend_for_path(const char *path)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	if (!dot || (slash && dot < slash))
		return NULL;
	for (int i = 0; frontends[i]; i++)
		for (const char *const *e = frontends[i]->extensions; *e; e++)
			if (!strcmp(dot, *e))
				return frontends[i];
	return NULL;
}
