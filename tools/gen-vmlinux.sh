#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Regenerate vmlinux/<arch>/vmlinux.h from a kernel's BTF.
#   tools/gen-vmlinux.sh                      this machine's kernel
#   tools/gen-vmlinux.sh arm64 /path/vmlinux  another arch, from a vmlinux ELF
#                                             (or a raw BTF file) of that arch
# The header is committed: CO-RE relocates field offsets at load time, so
# one header per architecture serves every kernel of that architecture.
# arm64: take the BTF from an arm64 kernel with CONFIG_DEBUG_INFO_BTF=y
# (its /sys/kernel/btf/vmlinux, or the vmlinux of Debian's
# linux-image-*-arm64-dbg package) and run the second form.
set -eu
arch=${1:-$(uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')}
src=${2:-/sys/kernel/btf/vmlinux}
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$top/vmlinux/$arch"
bpftool btf dump file "$src" format c >"$top/vmlinux/$arch/vmlinux.h.tmp"
mv "$top/vmlinux/$arch/vmlinux.h.tmp" "$top/vmlinux/$arch/vmlinux.h"
echo "wrote vmlinux/$arch/vmlinux.h from $src"
