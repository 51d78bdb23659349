# scmwq-trace: Qualcomm SCM wait-queue trace tool
#
#   make                 build build/scmwq-trace
#   make check           unit tests, CLI tests (BATS), corpus verdicts
#   make check-sanitize  the same, built with ASan and UBSan
#   make install PREFIX=/usr/local DESTDIR=
#   make uninstall PREFIX=/usr/local DESTDIR=   removes what install installed
#   make bench           benchmarks: bench/replay-bench.sh, simulate-bench.sh, tdat-bench.sh,
#                        record-bench.sh, timeline-perfetto-bench.sh, perfetto-bench.sh
#   make fuzz FUZZ_TIME=N  each libFuzzer target tests/fuzz/fuzz_*.c for N seconds (clang,
#                        ASan+UBSan, in build-fuzz); fails on a crash

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# Debian's zsh reads packaged completions from vendor-completions; site-functions
# is for the local administrator (/usr/local).
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/$(if $(filter /usr,$(PREFIX)),vendor-completions,site-functions)

CC       ?= cc
BUILD    ?= build
PKG_CONFIG ?= pkg-config

# Each library we need and the Debian package that provides it.
DEPS := libtraceevent:libtraceevent-dev libtracefs:libtracefs-dev libtracecmd:libtracecmd-dev libelf:libelf-dev \
	zlib:zlib1g-dev libzstd:libzstd-dev liblzma:liblzma-dev
DEP_MISSING := $(strip $(foreach d,$(DEPS),$(if $(shell $(PKG_CONFIG) --exists $(word 1,$(subst :, ,$(d))) && echo y),,$(word 2,$(subst :, ,$(d))))))
ifneq ($(DEP_MISSING),)
ifeq ($(filter clean,$(MAKECMDGOALS)),)
$(error missing libraries; install them with: apt-get install pkg-config $(DEP_MISSING))
endif
endif

# libtracecmd only in the tests (a cross-check of our trace.dat reader), not in the binary
PKGS     := libtracefs libtraceevent libelf zlib libzstd liblzma
DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) libtracecmd 2>/dev/null)
DEP_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
TEST_LIBS  := $(shell $(PKG_CONFIG) --libs libtracecmd 2>/dev/null)

WARN     := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
	    -Wno-unused-parameter -Wno-format-nonliteral
OPT      ?= -O2 -g
SAN      ?=
ifneq ($(WERROR),)
WARN     += -Werror
endif
CFLAGS   += -std=gnu11 $(OPT) $(WARN) $(SAN) -D_GNU_SOURCE -Iinclude -Ilib $(DEP_CFLAGS)
LDFLAGS  += $(SAN)
LDLIBS   += $(DEP_LIBS) -lpthread -lm

# The version --version prints: the newest tag (git describe) when there is one,
# else this release with the commit it is built from (0.1.0+g62f2bde), else,
# outside git (a release tarball), this release alone.  VERSION= overrides.
VERSION_BASE := 0.1.0
GIT_DESCRIBE := $(shell git describe --tags --always --dirty 2>/dev/null)
VERSION  ?= $(shell d='$(GIT_DESCRIBE)'; case $$d in (v[0-9]*) echo "$$d" | cut -c2-;; \
		([0-9]*.*) echo "$$d";; (?*) echo "$(VERSION_BASE)+g$$d";; \
		(*) echo "$(VERSION_BASE)";; esac)

LIB_SRC  := $(sort $(wildcard lib/*.c lib/*/*.c))
CMD_SRC  := $(sort $(wildcard cmd/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ  := $(CMD_SRC:%.c=$(BUILD)/%.o)
LIB_A    := $(BUILD)/libscmwq.a
BIN      := $(BUILD)/scmwq-trace

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
GEN_SRC  := $(sort $(wildcard tests/gen/*.c))
GEN_BIN  := $(GEN_SRC:tests/gen/%.c=$(BUILD)/tests/%)
# test support code (fixture writers), linked into the unit tests and generators
SUPPORT_SRC := $(sort $(wildcard tests/support/*.c))
SUPPORT_OBJ := $(SUPPORT_SRC:%.c=$(BUILD)/%.o)

# Fuzz targets: each tests/fuzz/fuzz_NAME.c defines LLVMFuzzerTestOneInput() only.  `make`
# builds each with tests/fuzz/replay.c as $(BUILD)/tests/fuzz-replay-NAME, which `make check`
# runs on tests/fuzz/regress/NAME/*; `make fuzz` builds them with libFuzzer in $(FUZZ_BUILD).
FUZZ_SRC    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES  := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(BUILD)/tests/fuzz-replay-%)
FUZZ_BUILD  ?= build-fuzz
FUZZ_TIME   ?= 60
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined

MAN1     := $(sort $(wildcard man/*.1))
MAN7     := $(sort $(wildcard man/*.7))

all: $(BIN) $(UNIT_BIN) $(GEN_BIN) $(FUZZ_REPLAY) completions

$(BUILD)/%.o: %.c $(wildcard include/*.h include/*/*.h lib/*.h lib/*/*.h cmd/*.h tests/support/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# Rewritten only when the version changes, so that only then main.o is rebuilt.
$(BUILD)/version.h: FORCE
	@mkdir -p $(dir $@)
	@echo '#define SCMWQ_VERSION "$(VERSION)"' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(BUILD)/cmd/main.o: $(BUILD)/version.h
$(BUILD)/cmd/main.o: CFLAGS += -I$(BUILD)

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(CMD_OBJ) $(LIB_A)
	$(CC) $(LDFLAGS) -o $@ $(CMD_OBJ) $(LIB_A) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/tap.h $(SUPPORT_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -Itests/support $(LDFLAGS) -o $@ $< $(SUPPORT_OBJ) $(LIB_A) \
		$(TEST_LIBS) $(LDLIBS)

$(BUILD)/tests/%: tests/gen/%.c $(SUPPORT_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -O1 -fno-inline -Itests/support $(LDFLAGS) -o $@ $< $(SUPPORT_OBJ) \
		$(LIB_A) $(TEST_LIBS) $(LDLIBS)

$(BUILD)/tests/fuzz-replay-%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(SUPPORT_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/support $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(SUPPORT_OBJ) \
		$(LIB_A) $(LDLIBS)

# The libFuzzer build of a target (only with CC=clang and -fsanitize=fuzzer-no-link: make fuzz)
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(SUPPORT_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/support -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(SUPPORT_OBJ) \
		$(LIB_A) $(LDLIBS)

fuzz-build:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang WERROR= OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz/fuzz_%)

fuzz: fuzz-build
	nice -n 19 tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_TIME)

# Completions are generated from the option tables of the binary itself.
completions: completions/scmwq-trace.bash completions/_scmwq-trace
completions/scmwq-trace.bash: $(BIN)
	@mkdir -p completions
	$(BIN) completion bash > $@.tmp && mv $@.tmp $@
completions/_scmwq-trace: $(BIN)
	@mkdir -p completions
	$(BIN) completion zsh > $@.tmp && mv $@.tmp $@

check: all
	BUILD=$(BUILD) tests/run-tests.sh

check-sanitize:
	$(MAKE) BUILD=build-san OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined" check

bench: $(BIN) $(GEN_BIN)
	BUILD=$(BUILD) bench/replay-bench.sh
	BUILD=$(BUILD) bench/simulate-bench.sh
	BUILD=$(BUILD) bench/timeline-perfetto-bench.sh
	BUILD=$(BUILD) bench/tdat-bench.sh || [ $$? -eq 77 ]
	BUILD=$(BUILD) bench/perfetto-bench.sh
	BUILD=$(BUILD) bench/record-bench.sh || [ $$? -eq 77 ]

install: $(BIN) completions
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/scmwq-trace
	$(if $(MAN1),install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/)
	$(if $(MAN7),install -m 644 $(MAN7) $(DESTDIR)$(MANDIR)/man7/)
	install -m 644 completions/scmwq-trace.bash $(DESTDIR)$(BASHCOMPDIR)/scmwq-trace
	install -m 644 completions/_scmwq-trace $(DESTDIR)$(ZSHCOMPDIR)/_scmwq-trace

# Only the files install put there: the directories may hold other packages' files.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/scmwq-trace
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN1)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man7/,$(notdir $(MAN7)))
	rm -f $(DESTDIR)$(BASHCOMPDIR)/scmwq-trace $(DESTDIR)$(ZSHCOMPDIR)/_scmwq-trace

clean:
	rm -rf build build-san build-fuzz

.PHONY: all check check-sanitize bench install uninstall clean completions fuzz fuzz-build FORCE
