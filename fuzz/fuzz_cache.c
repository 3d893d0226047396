/*
 * fuzz_cache.c - libFuzzer target for the incremental cache reader
 * (analyzer/cache.c: header and index checks, record deserialisation, the
 * warnings replayed from a record).
 *
 * The cache file is checksummed, so random bytes never get past the header.
 * Instead the target builds a real cache once (a scan of a small project
 * with every kind of fact and a warning), and an input is a list of edits
 * to that file: 4 bytes each, [op, offset high, offset low, value]; op & 3:
 * 0 sets a byte, 1 sets a 32-bit word (value, value << 24, ~value or
 * 0x7fffffff by op >> 2 & 3), 2 truncates the file, 3 duplicates a span.
 * The target then fixes what a checksum would reject (the key, the index,
 * record and token hashes, the header hash) and the stat data of entries
 * naming the project's files, so the edited records are really read, and
 * scans the project with the cache, with and without clone tokens.
 *
 * Checked: the scan never crashes or leaks, and whatever the cache holds,
 * the facts handed to the analyses respect the invariants the frontends
 * give them (lines, token ranges, enums in range): the import graph, cycle
 * report and manager graph are built over them.
 *
 * The layout of struct disk_header / disk_entry below mirrors cache.c;
 * the first run checks that the unedited cache is used (else the format
 * changed: update the mirror).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "../analyzer/cache.h"
#include "../analyzer/config.h"
#include "../analyzer/cycles.h"
#include "../analyzer/diag.h"
#include "../analyzer/dups.h"
#include "../analyzer/graph.h"
#include "../analyzer/importgraph.h"
#include "../analyzer/managers.h"
#include "../analyzer/modindex.h"
#include "../analyzer/scan.h"
#include "../analyzer/util.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Mirror of cache.c (format 3). */
struct disk_header {
	char magic[8];
	uint32_t format, endian;
	uint64_t key;
	uint64_t snapshot_ns;
	uint64_t nentries;
	uint64_t index_off, index_len;
	uint64_t index_hash;
	uint64_t header_hash;
};

struct disk_entry {
	uint64_t size, mtime_ns, content_hash;
	uint64_t ctime_ns, ino;
	uint64_t rec_off, rec_hash;
	uint64_t tok_off, tok_hash;
	uint32_t rec_len, path_off, path_len, lang;
	uint32_t ntokens, pad;
};

#define WORK "fuzzwork-cache"

static const char *const project[][2] = {
	{"app/__init__.py", ""},
	{"app/core.py",
	 "import os\nfrom . import risk\nfrom .risk import RiskManager as RM, limits\n"
	 "if TYPE_CHECKING:\n    from app.state import State\n\n"
	 "class Engine(Base, mixins.Loggable):\n    def __init__(self, algorithm, risk_manager=None):\n"
	 "        self.algorithm = algorithm\n        self.risk = RiskManager(self)\n"
	 "        self.vix = getattr(algorithm, 'vix_manager', None)\n\n"
	 "    def run(self, x: int) -> int:\n        # TODO: placeholder\n"
	 "        return self.algorithm.risk_manager.check(x) + len([1, 2, 3])\n"},
	{"app/risk.py",
	 "from app.core import Engine\n\nclass RiskManager:\n    def __init__(self, engine):\n"
	 "        self.engine = engine\n\n    def check(self, x):\n        pass\n"
	 "def limits():\n    return {'a': RiskManager}\n"},
	{"app/state.py", "class State(Protocol):\n    def get(self): ...\n  bad indent\n"},
	{"app/broken.py", "def f(:\n    import (\nclass\n"},
};
#define NPROJECT (sizeof(project) / sizeof(project[0]))

static const char *paths[] = {WORK};
static struct scan_options opt;
static struct config cfg;
static unsigned char *base;
static size_t base_len;
static uint64_t base_key;
static struct stat st_of[NPROJECT];
static char *disp_of[NPROJECT];
static char *cache_file;

static void check_facts(const struct scan *s)
{
	struct modindex mi;
	struct graph *g;
	unsigned char *mask;
	struct cycle_report r;
	struct manager_graph mg;

	for (size_t i = 0; i < s->nfiles; i++) {
		const struct file_facts *ff = s->files[i];
		for (size_t k = 0; k < ff->nfuncs; k++)
			CHECK(ff->funcs[k].tok_start <= ff->funcs[k].tok_end &&
			      (ff->ntokens == 0 || ff->funcs[k].tok_end <= ff->ntokens));
		for (size_t k = 0; k < ff->nimports; k++)
			CHECK(ff->imports[k].module && (unsigned)ff->imports[k].scope <= SCOPE_TYPE_CHECKING);
		for (size_t k = 0; k < ff->nrefs; k++)
			CHECK((unsigned)ff->refs[k].kind <= REF_SELF_ATTR);
		for (size_t k = 0; k < ff->nnotes; k++)
			CHECK((unsigned)ff->notes[k].kind <= NOTE_ALLOW_DUPLICATE && ff->notes[k].text);
	}
	modindex_build(&mi, s);
	g = import_graph_build(s, &mi, 1);
	mask = import_cycle_mask(g, 0, 0);
	cycles_analyze(&r, g, "imports", mask, NULL);
	for (int i = 0; i < r.n; i++)
		json_decref(cycles_scc_json(&r, i));
	cycles_release(&r);
	free(mask);
	graph_free(g);
	if (managers_build(&mg, s, &mi, &cfg) == 0)
		managers_release(&mg);
	if (!s->opt->skip_tokens) {
		struct dup_options dopt;
		struct dup_result dr;
		dup_options_init(&dopt);
		dopt.min_tokens = 5;
		dups_find(&dr, s->files, s->nfiles, &dopt);
		dups_release(&dr);
	}
	modindex_release(&mi);
}

static void setup(void)
{
	struct scan s;
	struct timeval old[2] = {{1000000000, 0}, {1000000000, 0}};
	struct disk_header h;

	fuzz_workdir(WORK);
	mkdir(WORK "/app", 0777);
	for (size_t i = 0; i < NPROJECT; i++) {
		char *p = xstrfmt("%s/%s", WORK, project[i][0]);
		if (write_file_atomic(p, project[i][1], strlen(project[i][1])) < 0)
			BUG("cannot write %s: %s", p, strerror(errno));
		/* Old files: their cache entries are not racily clean. */
		utimes(p, old);
		if (stat(p, &st_of[i]) < 0)
			BUG("stat %s", p);
		disp_of[i] = p;
	}
	memset(&opt, 0, sizeof(opt));
	opt.paths = paths;
	opt.npaths = 1;
	opt.cache_dir = WORK "/.cache";
	opt.jobs = 1;
	opt.max_file_size = 1 << 20;
	opt.config = &cfg;
	opt.quiet = 1;
	cache_file = cache_file_path(&opt);
	if (scan_run(&s, &opt) < 0)
		BUG("scan failed");
	scan_release(&s);
	diag_clear();
	if (read_file(cache_file, 0, (char **)&base, &base_len) < 0)
		BUG("no cache written at %s", cache_file);
	if (base_len < sizeof(h))
		BUG("cache too short");
	memcpy(&h, base, sizeof(h));
	base_key = h.key;
	/* The mirror must still describe the format: the unedited file is used whole. */
	if (scan_run(&s, &opt) < 0 || s.ncached != NPROJECT)
		BUG("cache format changed (%zu of %zu cached): update fuzz_cache.c", s.ncached,
		    (size_t)NPROJECT);
	scan_release(&s);
	diag_clear();
}

static void put32(unsigned char *p, size_t len, size_t off, uint32_t v)
{
	if (off + 4 <= len)
		memcpy(p + off, &v, 4);
}

/* Make the edited file pass every checksum, and its entries match the files. */
static void fix_up(unsigned char *m, size_t len)
{
	struct disk_header h;
	if (len < sizeof(h))
		return;
	memcpy(&h, m, sizeof(h));
	h.key = base_key;
	if (h.index_off <= len && h.index_len <= len - h.index_off &&
	    h.index_off % 8 == 0 && h.nentries <= h.index_len / sizeof(struct disk_entry)) {
		struct disk_entry *es = (struct disk_entry *)(m + h.index_off);
		const char *pathsz = (const char *)(es + h.nentries);
		size_t plen = h.index_len - h.nentries * sizeof(struct disk_entry);
		for (size_t i = 0; i < h.nentries; i++) {
			struct disk_entry e;
			memcpy(&e, &es[i], sizeof(e));
			if ((uint64_t)e.path_off + e.path_len < plen && !pathsz[e.path_off + e.path_len])
				for (size_t k = 0; k < NPROJECT; k++)
					if (!strcmp(pathsz + e.path_off, disp_of[k])) {
						e.size = (uint64_t)st_of[k].st_size;
						e.mtime_ns = (uint64_t)st_of[k].st_mtim.tv_sec * 1000000000u +
							     (uint64_t)st_of[k].st_mtim.tv_nsec;
						e.ctime_ns = (uint64_t)st_of[k].st_ctim.tv_sec * 1000000000u +
							     (uint64_t)st_of[k].st_ctim.tv_nsec;
						e.ino = (uint64_t)st_of[k].st_ino;
					}
			if (e.rec_off <= len && e.rec_len <= len - e.rec_off)
				e.rec_hash = hash64(m + e.rec_off, e.rec_len);
			if (e.tok_off <= len && e.ntokens <= (len - e.tok_off) / 12)
				e.tok_hash = hash64(m + e.tok_off, (size_t)e.ntokens * 12);
			memcpy(&es[i], &e, sizeof(e));
		}
		h.index_hash = hash64(m + h.index_off, h.index_len);
	}
	h.header_hash = hash64(&h, offsetof(struct disk_header, header_hash));
	memcpy(m, &h, sizeof(h));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *m;
	size_t len = base_len;

	if (!base)
		setup();
	m = xmalloc(base_len * 2 + 16);
	memcpy(m, base, base_len);
	for (size_t i = 0; i + 4 <= size && len; i += 4) {
		unsigned op = data[i];
		size_t off = ((size_t)data[i + 1] << 8 | data[i + 2]) % len;
		uint32_t v = data[i + 3];
		switch (op & 3) {
		case 0:
			m[off] = (unsigned char)v;
			break;
		case 1: {
			static const uint32_t big[] = {0, 0, 0xffffffffu, 0x7fffffffu};
			unsigned how = (op >> 2) & 3;
			put32(m, len, off & ~(size_t)3,
			      how == 0 ? v : how == 1 ? v << 24 : big[how] - (how == 2 ? v : 0));
			break;
		}
		case 2:
			len = off;
			break;
		case 3: {
			size_t n = (size_t)v * 4;
			if (n > len - off)
				n = len - off;
			if (len + n <= base_len * 2) {
				memmove(m + off + n, m + off, len - off);
				len += n;
			}
			break;
		}
		}
	}
	fix_up(m, len);
	if (write_file_atomic(cache_file, m, len) < 0)
		BUG("cannot write %s: %s", cache_file, strerror(errno));
	free(m);
	{
		struct scan s;
		opt.skip_tokens = size & 1;
		if (scan_run(&s, &opt) == 0)
			check_facts(&s);
		scan_release(&s);
		diag_clear();
	}
	return 0;
}
