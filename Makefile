# unravel - GNU make. Libraries are named in one place (below).
# make deps | make | make test | make asan | make valgrind | make demo | make bench | make fuzz | make install

PREFIX     ?= /usr/local
BUILD      ?= build
CC         ?= cc
LLVM_CONFIG ?= $(shell command -v llvm-config-14 2>/dev/null || command -v llvm-config 2>/dev/null || echo llvm-config)
PKGS       := libgvc libcgraph libpcre2-8 jansson inih libxxhash libdivsufsort

# --- libraries: the one place they are named ---
PKG_CFLAGS  := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LLVM_INC    := $(shell $(LLVM_CONFIG) --includedir 2>/dev/null)
LLVM_LIBDIR := $(shell $(LLVM_CONFIG) --libdir 2>/dev/null)
# libclang is not linked: frontend_c.c dlopen()s it when a C translation unit
# must be parsed (so a Python scan or a warm run never loads LLVM). Its path
# and soname are known here and compiled in.
LIBCLANG    := $(LLVM_LIBDIR)/libclang.so
LIBCLANG_SONAME := $(shell objdump -p $(LIBCLANG) 2>/dev/null | awk '$$1 == "SONAME" { print $$2 }')
CLANG_DEFS  := -DUNRAVEL_LIBCLANG_PATH='"$(LIBCLANG)"' \
               $(if $(LIBCLANG_SONAME),-DUNRAVEL_LIBCLANG_SONAME='"$(LIBCLANG_SONAME)"')
CLANG_LIBS  := -ldl
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN     := -Wall -Wextra -Werror -Wstrict-prototypes -Wvla -Wno-unused-parameter
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) $(PKG_CFLAGS) -I$(LLVM_INC) \
             -DUNRAVEL_TEMPLATE_DIR='"$(PREFIX)/share/unravel/templates"' $(CLANG_DEFS) -MMD -MP
LDLIBS   := $(PKG_LIBS) $(CLANG_LIBS) -lpthread -lm

LIB_SRCS  := $(sort $(wildcard analyzer/*.c codegen/*.c))
CLI_SRCS  := $(sort $(wildcard cli/*.c))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
# Every fuzz target also links with fuzz/replay.c (no libFuzzer) to replay its
# regressions and seeds in `make e2e` (tests/e2e/fuzz_replay.sh).
FUZZ_SRCS := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_SRCS:fuzz/fuzz_%.c=$(BUILD)/fuzz/replay_%)

.PHONY: all deps deps-test test unit e2e asan valgrind demo bench fuzz print-pkgs install clean compdb

all: $(BUILD)/unravel

# V=1 shows the full command lines.
Q := $(if $(V),,@)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(V),,@echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libunravel.a: $(LIB_OBJS)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/unravel: $(CLI_OBJS) $(BUILD)/libunravel.a
	$(if $(V),,@echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/libunravel.a $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libunravel.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libunravel.a $(CMOCKA_LIBS) $(LDLIBS)

$(BUILD)/fuzz/replay_%: fuzz/fuzz_%.c fuzz/replay.c fuzz/fuzz_common.h $(BUILD)/libunravel.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(filter-out -MMD -MP,$(ALL_CFLAGS)) -DFUZZ_SRCDIR='"$(CURDIR)"' $(LDFLAGS) -o $@ \
	  $< fuzz/replay.c $(BUILD)/libunravel.a $(LDLIBS)

# --- dependencies (Debian 12); idempotent and quiet when everything is there ---
DEB_PKGS := build-essential pkg-config libclang-dev llvm-dev clang libgraphviz-dev graphviz \
            libpcre2-dev libcmocka-dev libjansson-dev libinih-dev libxxhash-dev uthash-dev libdivsufsort-dev
DEB_TEST_PKGS := python3 python3-django git patch pre-commit python3-jsonschema chromium valgrind
deps:
	@scripts/deps.sh $(DEB_PKGS)

deps-test: deps
	@scripts/deps.sh $(DEB_TEST_PKGS)

# --- tests: cmocka units, then end-to-end scripts driving build/unravel ---
unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

e2e: $(BUILD)/unravel $(FUZZ_BINS)
	@UNRAVEL=$(abspath $(BUILD)/unravel) tests/run-e2e.sh

test: deps-test
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory e2e

# LeakSanitizer: third-party caches (graphviz, fontconfig) are not leaks of ours (tests/lsan.supp).
asan:
	@LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  $(MAKE) --no-print-directory BUILD=build-asan \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" all unit e2e

# memcheck over part of the e2e suite (tests/valgrind.sh; third-party suppressions: tests/valgrind.supp).
valgrind: deps-test all
	@tests/valgrind.sh $(abspath $(BUILD)/unravel)

demo: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p $(BUILD)/demo
	$(BUILD)/unravel cycles examples/trading --kind all; test $$? -le 1
	$(BUILD)/unravel graph examples/trading --kind imports --format svg -o $(BUILD)/demo/imports.svg
	@echo "wrote $(BUILD)/demo/imports.svg"

bench: all
	@bench/run.sh

fuzz:
	@PKGS="$(PKGS)" fuzz/run.sh $(FUZZ_SECONDS)

print-pkgs:
	@echo $(PKGS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/unravel/templates \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/unravel $(DESTDIR)$(PREFIX)/bin/unravel
	cp -R templates/. $(DESTDIR)$(PREFIX)/share/unravel/templates/
	install -m 644 docs/unravel.1 $(DESTDIR)$(PREFIX)/share/man/man1/unravel.1

# compile_commands.json for unravel's own sources (the C frontend's dogfood test, clangd).
# Written with $(file) so the flags reach the JSON exactly as make passes them to the shell.
comma := ,
CDB_ENTRY = {"directory": "$(CURDIR)", "file": "$(1)", "command": "$(subst ",\",$(subst \,\\,$(CC) $(ALL_CFLAGS) -c $(1) -o $(BUILD)/$(1:.c=.o)))"}
compdb:
	$(shell mkdir -p $(BUILD))$(file >$(BUILD)/compile_commands.json,[$(subst } {,}$(comma) {,$(foreach f,$(LIB_SRCS) $(CLI_SRCS),$(call CDB_ENTRY,$(f))))])
	@echo "wrote $(BUILD)/compile_commands.json"

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' -not -path '$(BUILD)/bench/*' 2>/dev/null)
