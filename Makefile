# scmwq-trace: Qualcomm SCM wait-queue trace tool
#
#   make                 build build/scmwq-trace
#   make check           unit tests, CLI tests (BATS), corpus verdicts
#   make check-sanitize  the same, built with ASan and UBSan
#   make install PREFIX=/usr/local DESTDIR=
#   make uninstall PREFIX=/usr/local DESTDIR=   removes what install installed
#   make static          build-static/scmwq-trace: statically linked, stripped, for this machine
#   make static ARCH=arm64  build-arm64/scmwq-trace, cross-built with aarch64-linux-gnu-gcc
#                        against the Debian :arm64 packages (./setup.sh --arm64 installs them)
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

# `make static [ARCH=arm64]`: a sub-make with STATIC=1 builds only the binary, in its own
# directory, linked with -static and stripped (a phone has none of our shared libraries).
ARCH_NATIVE := $(shell uname -m | sed -e 's/x86_64/amd64/' -e 's/aarch64/arm64/')
ARCH     ?= $(ARCH_NATIVE)
# the kernel's and Debian's names alike: ARCH=aarch64 is arm64, x86_64 is amd64
ARCH_DEB := $(subst x86_64,amd64,$(subst aarch64,arm64,$(ARCH)))
ifeq ($(ARCH_DEB),$(ARCH_NATIVE))
STATIC_BUILD := build-static
STATIC_ENV   :=
else ifeq ($(ARCH_DEB),arm64)
STATIC_BUILD := build-arm64
CROSS_COMPILE ?= aarch64-linux-gnu-
STATIC_ENV   := CC=$(CROSS_COMPILE)gcc AR=$(CROSS_COMPILE)ar STRIP=$(CROSS_COMPILE)strip \
	PKG_CONFIG="env PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig pkg-config" \
	DEP_ARCH=:arm64
else
STATIC_BUILD := build-$(ARCH)
STATIC_ENV   = $(error ARCH=$(ARCH): make static knows this machine's architecture and arm64)
endif

# Each library we need and the Debian package that provides it.  libtracecmd is for the tests
# only (a cross-check of our trace.dat reader): the static binary does not need it.
DEPS := libtraceevent:libtraceevent-dev libtracefs:libtracefs-dev libelf:libelf-dev \
	zlib:zlib1g-dev libzstd:libzstd-dev liblzma:liblzma-dev
ifeq ($(STATIC),)
DEPS += libtracecmd:libtracecmd-dev
endif
DEP_MISSING := $(strip $(foreach d,$(DEPS),$(if $(shell $(PKG_CONFIG) --exists $(word 1,$(subst :, ,$(d))) && echo y),,$(word 2,$(subst :, ,$(d)))$(DEP_ARCH))))
ifneq ($(DEP_MISSING),)
ifeq ($(filter clean static,$(MAKECMDGOALS)),)
$(error missing libraries; install them with: apt-get install pkg-config $(DEP_MISSING))
endif
endif

# libtracecmd only in the tests (a cross-check of our trace.dat reader), not in the binary
PKGS     := libtracefs libtraceevent libelf zlib libzstd liblzma
ifeq ($(STATIC),)
DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) libtracecmd 2>/dev/null)
DEP_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
TEST_LIBS  := $(shell $(PKG_CONFIG) --libs libtracecmd 2>/dev/null)
else
# only what is used: sections the linker can drop, no debug information, stripped but for
# the probe functions of lib/sim/probes.c (scm_*), which record --source=uprobe looks up
DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) -ffunction-sections -fdata-sections
DEP_LIBS   := $(shell $(PKG_CONFIG) --static --libs $(PKGS) 2>/dev/null)
OPT        := -O2
LDFLAGS    += -static -Wl,--gc-sections
STRIP      ?= strip
STRIP_BIN  = $(STRIP) --strip-all --wildcard --keep-symbol='scm_*' $@
endif

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
	$(STRIP_BIN)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/tap.h $(SUPPORT_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -Itests/support $(LDFLAGS) -o $@ $< $(SUPPORT_OBJ) $(LIB_A) \
		$(TEST_LIBS) $(LDLIBS)

$(BUILD)/tests/%: tests/gen/%.c $(SUPPORT_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -O1 -fno-inline -Itests/support $(LDFLAGS) -o $@ $< $(SUPPORT_OBJ) \
		$(LIB_A) $(TEST_LIBS) $(LDLIBS)

$(BUILD)/tests/fuzz-replay-%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/harness.h $(SUPPORT_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/support $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(SUPPORT_OBJ) \
		$(LIB_A) $(LDLIBS)

# The libFuzzer build of a target (only with CC=clang and -fsanitize=fuzzer-no-link: make fuzz)
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/harness.h $(SUPPORT_OBJ) $(LIB_A)
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

# The sub-make does the work so that CC, PKG_CONFIG and the flags are the target's throughout.
static:
	$(MAKE) BUILD=$(STATIC_BUILD) STATIC=1 $(STATIC_ENV) $(STATIC_BUILD)/scmwq-trace
	@! readelf -dl $(STATIC_BUILD)/scmwq-trace | grep -qE 'NEEDED|INTERP' || \
		{ echo "$(STATIC_BUILD)/scmwq-trace is not statically linked" >&2; exit 1; }
	@echo "$(STATIC_BUILD)/scmwq-trace: $$(stat -c %s $(STATIC_BUILD)/scmwq-trace) bytes, static, stripped"

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
	rm -rf build build-san build-fuzz build-static build-arm64

.PHONY: all check check-sanitize bench install uninstall clean completions fuzz fuzz-build FORCE static
