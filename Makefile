# SPDX-License-Identifier: GPL-2.0-only
# minerwatch build. Everything generated goes to build/; `make V=1` shows
# the full commands. `make help` lists the targets.

BUILD     ?= build
PREFIX    ?= /usr/local
DESTDIR   ?=
ARCH      ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
CLANG     ?= clang
BPFTOOL   ?= bpftool
OBJCOPY_BPF ?= llvm-objcopy
# 1 keeps the BPF programs' line info (source lines in verifier logs and
# bpftool prog dump) at ~2.5 MB of daemon heap: tools/btfext-noline.c.
BPF_LINE_INFO ?= 0
CC        ?= cc
VERSION   := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

VMLINUX   := vmlinux/$(ARCH)/vmlinux.h
BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
BPF_LINK  := $(BUILD)/minerwatch.bpf.o
SKEL      := $(BUILD)/minerwatch.skel.h

# user/main.c and one folder per stage (docs/architecture.md); every .c
# found there is built, so a new module needs no Makefile change.
USER_SRCS := $(wildcard user/*.c user/*/*.c)
USER_OBJS := $(patsubst user/%.c,$(BUILD)/user/%.o,$(USER_SRCS))
LIB_OBJS  := $(filter-out $(BUILD)/user/main.o,$(USER_OBJS))
# Everything but main(), for unit tests: the linker takes the modules a
# test needs from the archive, so no test keeps a list of them.
LIB       := $(BUILD)/libminerwatch.a
BIN       := $(BUILD)/minerwatch

HELPER_SRCS := $(wildcard tests/integration/helpers/*.c)
HELPERS   := $(patsubst tests/integration/helpers/%.c,$(BUILD)/tests/helpers/%,$(HELPER_SRCS))

FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 \
	-D_GNU_SOURCE -DMW_VERSION='"$(VERSION)"' -Iuser -Ibpf -I$(BUILD)
# The same modules built with the sanitizers (fuzzer-no-link: the harness
# brings libFuzzer's main), archived like LIB.
FUZZ_LIB_CFLAGS := $(subst -fsanitize=fuzzer,-fsanitize=fuzzer-no-link,$(FUZZ_CFLAGS)) -MMD -MP
FUZZ_OBJS := $(patsubst user/%.c,$(BUILD)/fuzz/user/%.o,$(filter-out user/main.c,$(USER_SRCS)))
FUZZ_LIB  := $(BUILD)/fuzz/libminerwatch.a

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

PKGS      := libbpf libelf zlib jansson libcrypto yara
DEPS_OK   := $(BUILD)/.deps-build
TDEPS_OK  := $(BUILD)/.deps-test

CFLAGS    ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Wno-unused-parameter \
	-D_GNU_SOURCE -DMW_VERSION='"$(VERSION)"' -Iuser -Ibpf -I$(BUILD) -MMD -MP
LDLIBS    += $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lbpf -lelf -lz -ljansson -lcrypto -lyara) -pthread
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Ivmlinux/$(ARCH) \
	-Ibpf -Wall -Wno-unused-function -MMD -MP

.PHONY: all deps test-deps run test unit integration clean install help \
	fuzz fuzz-build check-rules check-layers test-kernels

# Debian kernels `make test-kernels` boots (tools/kernel-matrix/).
KERNELS   ?= 6.1 6.12

all: $(BIN)

help:
	@echo 'make            build $(BIN) (installs missing build packages)'
	@echo 'make run        build and run the monitor with the default rules'
	@echo 'make test       build, then run unit and integration tests (root)'
	@echo 'make unit       unit tests only (no root needed)'
	@echo 'make check-layers  user/ stages include each other one way only'
	@echo 'make test-kernels  integration smoke set inside Debian 6.1 and 6.12'
	@echo '                kernels under qemu (KERNELS="6.1", MW_KSET=--full)'
	@echo 'make install    install under $$(DESTDIR)$$(PREFIX)'
	@echo 'make clean      remove build/'

# Missing packages are installed once per build tree by tools/deps.sh.
$(DEPS_OK): tools/deps.sh
	$(Q)mkdir -p $(BUILD)
	$(Q)tools/deps.sh build
	$(Q)touch $@
$(TDEPS_OK): tools/deps.sh
	$(Q)mkdir -p $(BUILD)
	$(Q)tools/deps.sh test
	$(Q)touch $@
deps: $(DEPS_OK)
test-deps: $(TDEPS_OK)

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(VMLINUX) | $(DEPS_OK)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# The line info goes unless BPF_LINE_INFO=1 (tools/btfext-noline.c says
# why); the flag is a prerequisite so that changing it relinks.
$(BUILD)/.line-info-$(BPF_LINE_INFO):
	$(Q)mkdir -p $(@D) && rm -f $(BUILD)/.line-info-* && touch $@

$(BUILD)/tools/btfext-noline: tools/btfext-noline.c | $(DEPS_OK)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -Wall -Wextra $< -o $@ -lelf

$(BPF_LINK): $(BPF_OBJS) $(BUILD)/tools/btfext-noline $(BUILD)/.line-info-$(BPF_LINE_INFO)
	$(call msg,LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $(BPF_OBJS)
ifneq ($(BPF_LINE_INFO),1)
	$(Q)$(BUILD)/tools/btfext-noline $@ $@.ext && \
		$(OBJCOPY_BPF) --update-section .BTF.ext=$@.ext $@ && rm -f $@.ext
endif

$(SKEL): $(BPF_LINK)
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name minerwatch_bpf > $@.tmp && mv $@.tmp $@

$(BUILD)/user/%.o: user/%.c | $(DEPS_OK)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# The kernel stage includes the generated skeleton: it must exist before
# any module is compiled (order-only: the .d files track who really uses
# it, so a BPF change rebuilds only those).
$(USER_OBJS) $(FUZZ_OBJS): | $(SKEL)

$(LIB): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BIN): $(BUILD)/user/main.o $(LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/tests/%.o: tests/unit/%.c | $(DEPS_OK) $(TDEPS_OK)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# Each unit test links its own object against the modules' archive.
$(BUILD)/tests/%: $(BUILD)/tests/%.o $(LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS) -lcmocka

# Small programs the integration tests exec (static: they also run in
# namespaces with only a few mounts).
# Order-only on the test packages too: some link against them (liburing).
$(BUILD)/tests/helpers/%: tests/integration/helpers/%.c | $(DEPS_OK) $(TDEPS_OK)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -Wall -Wextra -static $< -o $@ $(HELPER_LIBS)

# uring_file drives io_uring through liburing (liburing-dev, a test dep).
$(BUILD)/tests/helpers/uring_file: HELPER_LIBS := -luring

# libFuzzer targets: the harness linked against the sanitized archive.
$(BUILD)/fuzz/user/%.o: user/%.c | $(DEPS_OK)
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_LIB_CFLAGS) -c $< -o $@

$(FUZZ_LIB): $(FUZZ_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB) | $(DEPS_OK) $(TDEPS_OK)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $^ -o $@ $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

# Longer runs: make fuzz FUZZ_SECONDS=600
fuzz: $(FUZZ_BINS)
	$(Q)tests/fuzz/run.sh $(BUILD) $(FUZZ_SECONDS)

run: $(BIN)
	$(BIN) --rules rules

# user/'s stages include each other one way only (docs/architecture.md).
check-layers:
	$(Q)tools/check-layers.sh user

check-rules: $(BIN)
	$(BIN) --check-rules rules

unit: $(UNIT_BINS)
	$(Q)tests/run-unit.sh $(UNIT_BINS)

integration: $(BIN) $(HELPERS) $(TDEPS_OK)
	$(Q)tests/integration/run.sh $(BIN)

# The README's test command: unit tests, then integration tests as root.
test: $(BIN) $(HELPERS) $(TDEPS_OK) $(UNIT_BINS) $(FUZZ_BINS)
	$(Q)BUILD=$(BUILD) tests/run-all.sh $(BIN) $(UNIT_BINS)

# Configuration lives in /etc whatever PREFIX is (SYSCONFDIR to change it);
# an existing minerwatch.json is never overwritten. The unit's ExecStart
# follows PREFIX.
SYSCONFDIR ?= /etc
UNITDIR   ?= $(PREFIX)/lib/systemd/system
DOCDIR    ?= $(PREFIX)/share/doc/minerwatch
RULE_FILES := $(wildcard rules/*.json)
YARA_FILES := $(wildcard rules/yara/*.yar)

# The same binary and BPF object, booted under Debian's own kernels.
test-kernels: $(BIN) $(HELPERS) $(TDEPS_OK)
	$(Q)tools/kernel-matrix/run.sh $(or $(MW_KSET),--smoke) $(KERNELS)

install: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/sbin/minerwatch
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/minerwatch/rules
	$(if $(RULE_FILES),install -m 0644 $(RULE_FILES) $(DESTDIR)$(SYSCONFDIR)/minerwatch/rules/)
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/minerwatch/rules/yara
	$(if $(YARA_FILES),install -m 0644 $(YARA_FILES) $(DESTDIR)$(SYSCONFDIR)/minerwatch/rules/yara/)
	test -e $(DESTDIR)$(SYSCONFDIR)/minerwatch/minerwatch.json || \
	  sed -e 's|/etc/minerwatch/|$(SYSCONFDIR)/minerwatch/|' deploy/minerwatch.json | \
	  install -D -m 0644 /dev/stdin $(DESTDIR)$(SYSCONFDIR)/minerwatch/minerwatch.json
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	sed -e 's|/usr/local/sbin/|$(PREFIX)/sbin/|' \
	    -e 's|/etc/minerwatch/|$(SYSCONFDIR)/minerwatch/|' \
	    -e 's|/usr/local/share/doc/minerwatch/|$(DOCDIR)/|' \
	  deploy/minerwatch.service >$(DESTDIR)$(UNITDIR)/minerwatch.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/minerwatch.service
	install -d -m 0755 $(DESTDIR)$(DOCDIR)
	install -m 0644 docs/*.md $(DESTDIR)$(DOCDIR)/

clean:
	$(call msg,CLEAN,$(BUILD))
	$(Q)rm -rf $(BUILD)

.DELETE_ON_ERROR:
.SECONDARY:

-include $(wildcard $(BUILD)/bpf/*.d $(BUILD)/user/*.d $(BUILD)/user/*/*.d \
	$(BUILD)/fuzz/user/*/*.d $(BUILD)/tests/*.d)

# tools/bench-net: the network sensor against its hooks with empty programs.
BENCH_BINS := $(BUILD)/tools/connstorm $(BUILD)/tools/net_empty \
	$(BUILD)/tools/net_empty.bpf.o

$(BUILD)/tools/connstorm: tools/bench/connstorm.c | $(DEPS_OK)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -Wall -Wextra -pthread $< -o $@

$(BUILD)/tools/net_empty: tools/bench/net_empty.c | $(DEPS_OK)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -Wall -Wextra $< -o $@ $(LDLIBS)

$(BUILD)/tools/net_empty.bpf.o: tools/bench/net_empty.bpf.c $(VMLINUX) | $(DEPS_OK)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# tools/bench-tls: the connect storm with a plain or TLS first payload.
$(BUILD)/tools/tlsstorm: tools/bench/tlsstorm.c | $(DEPS_OK)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -Wall -Wextra -pthread $< -o $@

.PHONY: bench-tls
bench-tls: $(BIN) $(BUILD)/tools/tlsstorm
	$(Q)tools/bench-tls

.PHONY: bench
bench: $(BIN) $(BENCH_BINS)
	$(Q)tools/bench-net
