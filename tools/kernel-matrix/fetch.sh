#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# fetch.sh SERIES: download a Debian kernel without installing it and leave
# its vmlinuz and the 9p/virtio and overlay modules (decompressed) in the
# cache.
#   SERIES  6.1  (the distribution's linux-image-amd64)
#           6.12 (linux-image-amd64 from <codename>-backports)
# Prints the kernel's directory on stdout. Exit 0 ok, 77 not reachable.
#
# apt runs with a private source list, state and cache under $MW_KCACHE so
# /etc/apt and the host's package lists are never touched. The archive is
# the one the machine's own apt sources name.
set -euo pipefail

series=${1:?usage: fetch.sh 6.1|6.12}
cache=${MW_KCACHE:-/var/cache/minerwatch-kernels}
apt_dir=$cache/apt
log=$cache/fetch.log
# overlay: the file scenarios put /etc under an overlay in their private
# mount namespace (tests/integration/file_lib.sh) and refuse to run without.
mods="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p overlay"

say() { echo "fetch: $*" >&2; }
unreachable() { say "$*"; exit 77; }

mkdir -p "$apt_dir"/lists/partial "$apt_dir"/cache/archives/partial "$cache"
# One fetch at a time per cache (parallel worktrees share it).
exec 8>"$cache/.lock"
flock -w 600 8 || unreachable "cache $cache is locked by another fetch"
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$codename" ] || unreachable "no VERSION_CODENAME in /etc/os-release"

# The archive URIs from the host's configuration (apt-cache policy lists
# them whatever the file format), e.g. ".../debian bookworm/main".
policy=$(apt-cache policy 2>/dev/null || true)
main_uri=$(echo "$policy" | awk -v s="$codename/main" '$3 == s && $4 == "amd64" {print $2; exit}')
sec_uri=$(echo "$policy" | awk -v s="$codename-security/main" '$3 == s && $4 == "amd64" {print $2; exit}')
[ -n "$main_uri" ] || unreachable "the host's apt sources name no $codename/main archive"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

{
	echo "deb [signed-by=$keyring] $main_uri $codename main"
	[ -n "$sec_uri" ] && echo "deb [signed-by=$keyring] $sec_uri $codename-security main"
	echo "deb [signed-by=$keyring] $main_uri $codename-backports main"
} >"$apt_dir/sources.list.new"
if ! cmp -s "$apt_dir/sources.list.new" "$apt_dir/sources.list" 2>/dev/null; then
	mv "$apt_dir/sources.list.new" "$apt_dir/sources.list"
	rm -f "$apt_dir/.updated"
else
	rm -f "$apt_dir/sources.list.new"
fi

apt_private() {
	"$@" -o Dir::Etc::SourceList="$apt_dir/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$apt_dir/lists" \
		-o Dir::Cache="$apt_dir/cache" \
		-o Dir::State::status=/var/lib/dpkg/status \
		-o APT::Sandbox::User=root \
		-o Debug::NoLocking=1
}

# Refresh the private lists at most once a day.
if [ -z "$(find "$apt_dir/.updated" -mtime -1 2>/dev/null)" ]; then
	say "updating private package lists"
	apt_private apt-get update -qq >>"$log" 2>&1 ||
		unreachable "apt-get update failed (see $log)"
	touch "$apt_dir/.updated"
fi

case $series in
6.1) pin="" ;;
6.12) pin="/$codename-backports" ;;
*) say "unknown series $series"; exit 2 ;;
esac
# The versioned image package linux-image-amd64 depends on.
meta_ver=$(apt_private apt-cache madison linux-image-amd64 |
	awk -F'|' -v s="${pin#/}" '{gsub(/ /,"",$2); if (s == "" ? $3 !~ /backports/ : $3 ~ s) {print $2; exit}}')
[ -n "$meta_ver" ] || unreachable "no linux-image-amd64 for $series"
pkg=$(apt_private apt-cache show "linux-image-amd64=$meta_ver" |
	sed -n 's/^Depends:.*\(linux-image-[0-9][^ ,]*-amd64\).*/\1/p' | head -n 1)
[ -n "$pkg" ] || unreachable "cannot resolve the image package of linux-image-amd64 $meta_ver"
case $pkg in
linux-image-$series.*) ;;
*) unreachable "linux-image-amd64 $meta_ver is $pkg, not $series" ;;
esac

kdir=$cache/$pkg
# .done records the module list it was made with: a new list refetches.
if [ -f "$kdir/.done" ] && [ "$(cat "$kdir/.done")" = "$mods" ]; then
	echo "$kdir"
	exit 0
fi
rm -rf "$kdir"
mkdir -p "$kdir/deb"
say "downloading $pkg ($meta_ver)"
(cd "$kdir/deb" && apt_private apt-get download -qq "$pkg" >>"$log" 2>&1) ||
	unreachable "apt-get download $pkg failed (see $log)"
dpkg-deb -x "$kdir"/deb/*.deb "$kdir/root"
cp "$kdir"/root/boot/vmlinuz-* "$kdir/vmlinuz"
kver=$(basename "$kdir"/root/boot/vmlinuz-*)
kver=${kver#vmlinuz-}
echo "$kver" >"$kdir/version"
mkdir -p "$kdir/modules"
for m in $mods; do
	f=$(find "$kdir/root/lib/modules/$kver" -name "$m.ko*" | head -n 1)
	if [ -z "$f" ]; then
		# Built in on this kernel: nothing to load.
		continue
	fi
	case $f in
	*.ko.xz) xz -dc "$f" >"$kdir/modules/$m.ko" ;;
	*.ko.zst) zstd -qdc "$f" >"$kdir/modules/$m.ko" ;;
	*.ko) cp "$f" "$kdir/modules/$m.ko" ;;
	esac
	echo "$m" >>"$kdir/modules/order"
done
# Keep only what the guest needs: the rest is ~400 MB.
rm -rf "$kdir/root" "$kdir/deb"
echo "$mods" >"$kdir/.done"
echo "$kdir"
