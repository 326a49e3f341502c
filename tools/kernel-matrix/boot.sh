#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# boot.sh KDIR JOBDIR [TIMEOUT_S]: boot the kernel fetched into KDIR under
# qemu (TCG: nested KVM does not work here), run JOBDIR/job.sh as root in a
# chroot of this machine's own root (shared read-only over 9p), power off.
# JOBDIR is shared read-write at the same path; the job's output is in
# JOBDIR/console.log and its exit status in JOBDIR/rc. No network (-net
# none): the guest has only lo.
set -euo pipefail

kdir=${1:?usage: boot.sh KDIR JOBDIR [TIMEOUT_S]}
job=$(readlink -f "${2:?}")
timeout_s=${3:-300}
here=$(cd "$(dirname "$0")" && pwd)
# The checkout the job runs from: the guest makes it visible even when it
# lies under a directory the guest covers with a tmpfs (/tmp, /root, ...).
project=$(cd "$here/../.." && pwd)
initrd=$kdir/initrd.gz

# The initramfs: static busybox, the modules, /init. Rebuilt when init.sh
# or the module set changes.
# Build under a unique name and rename: parallel runs may share the cache.
if [ ! -f "$initrd" ] || [ "$here/init.sh" -nt "$initrd" ] ||
	[ "$kdir/modules/order" -nt "$initrd" ]; then
	bb=$(command -v busybox || true)
	if [ -z "$bb" ] || ! file -L "$bb" 2>/dev/null | grep -q static; then
		bb=/bin/busybox
	fi
	w=$(mktemp -d)
	mkdir -p "$w"/bin "$w"/proc "$w"/sys "$w"/dev "$w"/modules
	cp "$bb" "$w/bin/busybox"
	cp "$here/init.sh" "$w/init"
	chmod 755 "$w/init"
	cp "$kdir"/modules/* "$w/modules/"
	(cd "$w" && find . | "$w/bin/busybox" cpio -o -H newc 2>/dev/null | gzip -9) >"$initrd.$$"
	mv "$initrd.$$" "$initrd"
	rm -rf "$w"
fi

rm -f "$job/rc" "$job/console.log"
# lsm=: Debian lists bpf already; say it so a changed default cannot
# silently turn BPF-LSM off.
# A guest whose tests print nothing for MW_KSILENCE seconds (default 240:
# the longest guest test prints a check every minute or so) has hung:
# stop it then instead of waiting out the whole timeout (seen on a
# starved host: RCU stalls, then silence; run.sh boots such a guest once
# more).
silence=${MW_KSILENCE:-240}
timeout --kill-after=10 "$timeout_s" qemu-system-x86_64 \
	-accel tcg,thread=multi -cpu max -smp 2 -m 2048 -net none \
	-nographic -no-reboot -monitor none -serial file:"$job/serial.log" \
	-kernel "$kdir/vmlinuz" -initrd "$initrd" \
	-append "console=ttyS0 quiet panic=-1 lsm=lockdown,capability,landlock,yama,apparmor,bpf mw.job=$job mw.root=$project" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs local,path="$job",mount_tag=results,security_model=none,multidevs=remap \
	</dev/null >/dev/null 2>"$job/qemu.err" &
qpid=$!
last=$(date +%s) size=-1
while kill -0 "$qpid" 2>/dev/null; do
	sleep 5
	now=$(date +%s)
	# The console and the serial log: a guest still booting or
	# printing kernel messages is not silent.
	cur=$( (cat "$job/console.log" "$job/serial.log" 2>/dev/null || true) | wc -c)
	if [ "$cur" != "$size" ]; then
		size=$cur last=$now
	elif [ $((now - last)) -ge "$silence" ] && [ ! -f "$job/rc" ]; then
		echo "boot: the guest printed nothing for ${silence}s: stopping it" >&2
		kill "$qpid" 2>/dev/null || true
		sleep 2
		kill -9 "$qpid" 2>/dev/null || true
		break
	fi
done
wait "$qpid" 2>/dev/null || true
if [ ! -f "$job/rc" ]; then
	echo "boot: the guest did not finish (timeout ${timeout_s}s?); serial log tail:" >&2
	tail -n 20 "$job/serial.log" >&2
	exit 124
fi
exit "$(cat "$job/rc")"
