/*
 * fuzz_baseline.c - libFuzzer target for the cycle baseline reader and
 * writer (analyzer/baseline.c). The input is two baseline files separated by
 * the first NUL byte: the old baseline and the current cycles.
 *
 * Checked: both are read (or refused with a message); reading what
 * baseline_write wrote gives back the same baseline (writing it again yields
 * the same bytes); every fingerprint matches its members; the comparison
 * gives each current entry a state and only names existing entries.
 *
 * Seeds: fuzz/seeds/baseline/ (baselines written by `unravel cycles
 * --write-baseline` over the golden cycle cases and the example, hand-made
 * escapes).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../analyzer/baseline.h"
#include "../analyzer/diag.h"
#include "../analyzer/util.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *files[4];

static void put(const char *path, const uint8_t *data, size_t len)
{
	if (write_file_atomic(path, data, len) < 0)
		BUG("cannot write %s: %s", path, strerror(errno));
}

static void check_entries(const struct baseline *b)
{
	for (int i = 0; i < b->n; i++) {
		const struct baseline_entry *e = &b->entries[i];
		char fp[17];
		baseline_fingerprint((const char *const *)e->nodes, e->nnodes, fp);
		CHECK(!strcmp(fp, e->fingerprint));
		for (int k = 1; k < e->nnodes; k++)
			CHECK(strcmp(e->nodes[k - 1], e->nodes[k]) < 0);
		for (int k = 0; k < e->nedges; k++)
			CHECK(baseline_has_edge(e, e->from[k], e->to[k]));
		for (int k = 0; k < e->nnodes; k++)
			CHECK(baseline_has_node(e, e->nodes[k]));
	}
}

/* write(b) then read it back: the same bytes when written again. */
static void check_round_trip(const struct baseline *b)
{
	struct baseline again;
	char *one, *two;
	size_t n1, n2;

	if (baseline_write(b, files[2]) < 0)
		BUG("baseline_write failed");
	baseline_init(&again);
	if (baseline_read(&again, files[2]) < 0)
		BUG("cannot read back a written baseline");
	CHECK(again.n == b->n);
	check_entries(&again);
	if (baseline_write(&again, files[3]) < 0)
		BUG("baseline_write failed");
	if (read_file(files[2], 0, &one, &n1) < 0 || read_file(files[3], 0, &two, &n2) < 0)
		BUG("cannot read the written baselines");
	if (n1 != n2 || memcmp(one, two, n1))
		BUG("baseline does not survive write, read, write:\n%s\n----\n%s", one, two);
	free(one);
	free(two);
	baseline_release(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct baseline old, cur;
	const uint8_t *sep = memchr(data, '\0', size);
	size_t n1 = sep ? (size_t)(sep - data) : size;

	if (!files[0])
		for (int i = 0; i < 4; i++)
			files[i] = xstrfmt("%s/b%d", fuzz_workdir(NULL), i);
	put(files[0], data, n1);
	put(files[1], sep ? sep + 1 : data, sep ? size - n1 - 1 : 0);
	baseline_init(&old);
	baseline_init(&cur);
	if (baseline_read(&old, files[0]) == 0) {
		check_entries(&old);
		check_round_trip(&old);
		if (baseline_read(&cur, files[1]) == 0) {
			struct baseline_diff d;
			baseline_compare(&old, &cur, &d);
			for (int i = 0; i < cur.n; i++) {
				CHECK(d.match[i] >= -1 && d.match[i] < old.n);
				CHECK((unsigned)d.state[i] <= BASELINE_NEW_EDGE);
				(void)baseline_state_name(d.state[i]);
			}
			for (int i = 0; i < d.ngone; i++)
				CHECK(d.gone[i] >= 0 && d.gone[i] < old.n);
			for (int i = 0; i < d.nstale; i++)
				CHECK(d.stale[i] >= 0 && d.stale[i] < old.n);
			baseline_diff_release(&d);
		}
	}
	baseline_release(&old);
	baseline_release(&cur);
	diag_clear();
	return 0;
}
