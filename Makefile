# SPDX-License-Identifier: GPL-2.0-only
# minerwatch build. Everything generated goes to build/; `make V=1` shows
# the full commands. `make help` lists the targets.

BUILD     ?= build
PREFIX    ?= /usr/local
DESTDIR   ?=
ARCH      ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
CLANG     ?= clang
BPFTOOL   ?= bpftool
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

USER_SRCS := $(wildcard user/*.c)
USER_OBJS := $(patsubst user/%.c,$(BUILD)/user/%.o,$(USER_SRCS))
LIB_OBJS  := $(filter-out $(BUILD)/user/main.o,$(USER_OBJS))
BIN       := $(BUILD)/minerwatch

HELPER_SRCS := $(wildcard tests/integration/helpers/*.c)
HELPERS   := $(patsubst tests/integration/helpers/%.c,$(BUILD)/tests/helpers/%,$(HELPER_SRCS))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

PKGS      := libbpf libelf zlib jansson libcrypto
DEPS_OK   := $(BUILD)/.deps-build
TDEPS_OK  := $(BUILD)/.deps-test

CFLAGS    ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Wno-unused-parameter \
	-D_GNU_SOURCE -DMW_VERSION='"$(VERSION)"' -Iuser -Ibpf -I$(BUILD) -MMD -MP
LDLIBS    += $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lbpf -lelf -lz -ljansson -lcrypto)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Ivmlinux/$(ARCH) \
	-Ibpf -Wall -Wno-unused-function -MMD -MP

.PHONY: all deps test-deps run test unit integration clean install help \
	fuzz check-rules test-kernels

# Debian kernels `make test-kernels` boots (tools/kernel-matrix/).
KERNELS   ?= 6.1 6.12

all: $(BIN)

help:
	@echo 'make            build $(BIN) (installs missing build packages)'
	@echo 'make run        build and run the monitor with the default rules'
	@echo 'make test       build, then run unit and integration tests (root)'
	@echo 'make unit       unit tests only (no root needed)'
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

$(BPF_LINK): $(BPF_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(SKEL): $(BPF_LINK)
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name minerwatch_bpf > $@.tmp && mv $@.tmp $@

$(BUILD)/user/%.o: user/%.c | $(DEPS_OK)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# Only the loader includes the generated skeleton.
$(BUILD)/user/loader.o: $(SKEL)

$(BIN): $(USER_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/tests/%.o: tests/unit/%.c | $(DEPS_OK) $(TDEPS_OK)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# Each unit test links its own object plus the user/ modules it names in
# tests/unit/<test>.deps (one module name per line, e.g. "rules").
.SECONDEXPANSION:
$(BUILD)/tests/%: $(BUILD)/tests/%.o $$(addprefix $(BUILD)/user/,$$(addsuffix .o,$$(shell cat tests/unit/$$*.deps 2>/dev/null)))
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS) -lcmocka

# Small programs the integration tests exec (static: they also run in
# namespaces with only a few mounts).
$(BUILD)/tests/helpers/%: tests/integration/helpers/%.c | $(DEPS_OK)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -Wall -Wextra -static $< -o $@

run: $(BIN)
	$(BIN) --rules rules

check-rules: $(BIN)
	$(BIN) --check-rules rules

unit: $(UNIT_BINS)
	$(Q)tests/run-unit.sh $(UNIT_BINS)

integration: $(BIN) $(HELPERS) $(TDEPS_OK)
	$(Q)tests/integration/run.sh $(BIN)

# The README's test command: unit tests, then integration tests as root.
test: $(BIN) $(HELPERS) $(TDEPS_OK) $(UNIT_BINS)
	$(Q)tests/run-all.sh $(BIN) $(UNIT_BINS)

# The same binary and BPF object, booted under Debian's own kernels.
test-kernels: $(BIN) $(HELPERS) $(TDEPS_OK)
	$(Q)tools/kernel-matrix/run.sh $(or $(MW_KSET),--smoke) $(KERNELS)

install: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/sbin/minerwatch
	install -d $(DESTDIR)/etc/minerwatch/rules
	install -m 0644 rules/*.json $(DESTDIR)/etc/minerwatch/rules/

clean:
	$(call msg,CLEAN,$(BUILD))
	$(Q)rm -rf $(BUILD)

.DELETE_ON_ERROR:
.SECONDARY:

-include $(wildcard $(BUILD)/bpf/*.d $(BUILD)/user/*.d $(BUILD)/tests/*.d)
