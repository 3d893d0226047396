/*
 * c-tu-options.c - what one libclang parse of a translation unit costs under
 * each option the C frontend could use (bench/run.sh, section c).
 *
 *   c-tu-options DB_DIR SETTING
 *
 * Parses every file of DB_DIR/compile_commands.json once (each file once,
 * files that do not exist skipped), serially, with the arguments the C
 * frontend gives libclang (outputs dropped, -w -fno-spell-checking added)
 * and prints "TUS CPU_MS_PER_TU". SETTING:
 *   unravel      what frontend_c.c does: detailed preprocessing record,
 *                keep going, warning options dropped, top-level cursors visited
 *   keep-w       the same with the database's -W options kept (before)
 *   skip-bodies  + CXTranslationUnit_SkipFunctionBodies (loses calls: not usable)
 *   ignore-nonerr + CXTranslationUnit_IgnoreNonErrorsFromIncludedFiles
 *   incomplete   + CXTranslationUnit_Incomplete
 *   parse-only   no preprocessing record, no visit: the bare parse
 * Not part of unravel; linked with libclang directly.
 */
#define _POSIX_C_SOURCE 200809L

#include <clang-c/CXCompilationDatabase.h>
#include <clang-c/Index.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double cpu_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static enum CXChildVisitResult visit(CXCursor cur, CXCursor parent, CXClientData data)
{
	(void)parent;
	if (clang_getCursorKind(cur) == CXCursor_InclusionDirective)
		(*(long *)data) += clang_getIncludedFile(cur) != NULL;
	return CXChildVisit_Continue;
}

int main(int argc, char **argv)
{
	CXCompilationDatabase_Error err;
	CXCompilationDatabase db;
	CXCompileCommands cmds;
	CXIndex index;
	const char *setting;
	unsigned opts = CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_KeepGoing;
	int keep_w = 0, do_visit = 1, ntus = 0, nseen = 0;
	char **seen;
	long incs = 0;
	double start;

	if (argc != 3) {
		fprintf(stderr, "usage: c-tu-options DB_DIR SETTING\n");
		return 2;
	}
	setting = argv[2];
	if (!strcmp(setting, "keep-w"))
		keep_w = 1;
	else if (!strcmp(setting, "skip-bodies"))
		opts |= CXTranslationUnit_SkipFunctionBodies;
	else if (!strcmp(setting, "ignore-nonerr"))
		opts |= CXTranslationUnit_IgnoreNonErrorsFromIncludedFiles;
	else if (!strcmp(setting, "incomplete"))
		opts |= CXTranslationUnit_Incomplete;
	else if (!strcmp(setting, "parse-only"))
		opts = CXTranslationUnit_KeepGoing, do_visit = 0;
	else if (strcmp(setting, "unravel")) {
		fprintf(stderr, "c-tu-options: unknown setting '%s'\n", setting);
		return 2;
	}
	db = clang_CompilationDatabase_fromDirectory(argv[1], &err);
	if (err != CXCompilationDatabase_NoError) {
		fprintf(stderr, "c-tu-options: cannot load %s/compile_commands.json\n", argv[1]);
		return 2;
	}
	cmds = clang_CompilationDatabase_getAllCompileCommands(db);
	seen = calloc(clang_CompileCommands_getSize(cmds) + 1, sizeof(*seen));
	index = clang_createIndex(0, 0);
	start = cpu_seconds();
	for (unsigned i = 0; i < clang_CompileCommands_getSize(cmds); i++) {
		CXCompileCommand cmd = clang_CompileCommands_getCommand(cmds, i);
		CXString fs = clang_CompileCommand_getFilename(cmd);
		char *file = strdup(clang_getCString(fs));
		unsigned nargs = clang_CompileCommand_getNumArgs(cmd);
		const char **args = calloc(nargs + 4, sizeof(*args));
		CXTranslationUnit tu;
		int n = 0, dup = 0;

		clang_disposeString(fs);
		for (int k = 0; k < nseen; k++)
			dup |= !strcmp(seen[k], file);
		if (dup || access(file, R_OK)) {
			free(file);
			free(args);
			continue;
		}
		seen[nseen++] = file;
		for (unsigned a = 1; a < nargs; a++) {
			CXString s = clang_CompileCommand_getArg(cmd, a);
			char *v = strdup(clang_getCString(s));
			clang_disposeString(s);
			if (!strcmp(v, "-o")) {
				a++;
			} else if (strcmp(v, "-c") && strcmp(v, file) &&
				   (keep_w || ((v[0] != '-' || v[1] != 'W' || !strncmp(v, "-Wp,", 4)) &&
					       strcmp(v, "-pedantic")))) {
				args[n++] = v;
				continue;
			}
			free(v);
		}
		args[n++] = "-w";
		args[n++] = "-fno-spell-checking";
		args[n++] = file;
		if (clang_parseTranslationUnit2(index, NULL, args, n, NULL, 0, opts, &tu) ==
		    CXError_Success) {
			if (do_visit)
				clang_visitChildren(clang_getTranslationUnitCursor(tu), visit, &incs);
			clang_disposeTranslationUnit(tu);
			ntus++;
		}
		for (int k = 0; k < n - 3; k++)
			free((char *)args[k]);
		free(args);
	}
	printf("%d %.1f\n", ntus, ntus ? (cpu_seconds() - start) * 1000 / ntus : 0.0);
	clang_disposeIndex(index);
	clang_CompileCommands_dispose(cmds);
	clang_CompilationDatabase_dispose(db);
	for (int k = 0; k < nseen; k++)
		free(seen[k]);
	free(seen);
	return 0;
}
