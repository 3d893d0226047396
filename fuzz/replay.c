/*
 * replay.c - a main() for the fuzz targets without libFuzzer: runs
 * LLVMFuzzerTestOneInput once on each file named on the command line (a
 * folder: on each file in it). The Makefile links every fuzz/fuzz_NAME.c with
 * this into $(BUILD)/fuzz/replay_NAME, so `make test` and `make asan` replay
 * the crash regressions (fuzz/regressions/NAME/) and the seeds with the
 * normal compiler, the normal warnings and, in `make asan`, the sanitizers
 * (tests/e2e/fuzz_replay.sh).
 *
 * Exits 0 after the last input; a failing input crashes (that is the test).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../analyzer/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path, int verbose)
{
	char *buf;
	size_t len;
	if (read_file(path, 0, &buf, &len) < 0) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		return -1;
	}
	if (verbose)
		fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
	/* A copy of exactly len bytes, so ASan sees any read past the input. */
	{
		uint8_t *exact = malloc(len ? len : 1);
		if (!exact)
			return -1;
		memcpy(exact, buf, len);
		free(buf);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	int verbose = getenv("REPLAY_VERBOSE") != NULL, n = 0, status = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			DIR *d = opendir(argv[i]);
			struct dirent *de;
			char **names = NULL;
			size_t nn = 0, alloc = 0;
			if (!d)
				continue;
			while ((de = readdir(d))) {
				if (de->d_name[0] == '.')
					continue;
				ALLOC_GROW(names, nn + 1, alloc);
				names[nn++] = xstrfmt("%s/%s", argv[i], de->d_name);
			}
			closedir(d);
			if (nn)
				qsort(names, nn, sizeof(*names), cmp_str);
			for (size_t k = 0; k < nn; k++) {
				status |= run_file(names[k], verbose);
				n++;
				free(names[k]);
			}
			free(names);
		} else {
			status |= run_file(argv[i], verbose);
			n++;
		}
	}
	fprintf(stderr, "replay: %d inputs\n", n);
	return status ? 1 : 0;
}
