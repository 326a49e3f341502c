#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the kernel-matrix initramfs: load the 9p/virtio modules, mount
# the host's root read-only (tag hostroot) with tmpfs over the few places
# tests write, mount the job share (tag results) at the same path as on the
# host, make the host root the guest's root and run its job.sh, then power
# off. The job's exit status lands in the share as rc.
#
# switch_root, not chroot: BPF path resolution stops at the mount
# namespace's root, so under a chroot every path would read /host/...
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules/order); do
	insmod /modules/$m.ko || echo "init: insmod $m failed"
done
job= proj=
for a in $(cat /proc/cmdline); do
	case $a in
	mw.job=*) job=${a#mw.job=} ;;
	mw.root=*) proj=${a#mw.root=} ;;
	esac
done
r=/host
mkdir -p $r
# msize: fewer round trips per read; the host's files do not change under us.
o=trans=virtio,version=9p2000.L,msize=512000,cache=loose
if ! mount -t 9p -o $o,ro hostroot $r; then
	echo "init: cannot mount the host root"; poweroff -f
fi
# A checkout under one of the tmpfs'd places (a CI clone in /tmp, say)
# would vanish: keep a bind of it and put it back on top afterwards.
kept=
if [ -n "$proj" ] && [ -d "$r$proj" ]; then
	mkdir -p /keep
	mount -o bind "$r$proj" /keep && kept=1
fi
for d in tmp run var/tmp root; do
	mount -t tmpfs -o mode=0755 tmpfs $r/$d
done
chmod 1777 $r/tmp $r/var/tmp
# (busybox-static has no mountpoint applet: hence the flag)
if [ -n "$kept" ]; then
	mkdir -p "$r$proj"
	mount -o bind /keep "$r$proj"
fi
mkdir -p $r/run/lock $r$job
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 results $r$job
mount -t proc proc $r/proc
mount -t sysfs sys $r/sys
mount -t devtmpfs dev $r/dev
mkdir -p $r/dev/pts $r/dev/shm
mount -t devpts devpts $r/dev/pts
mount -t tmpfs tmpfs $r/dev/shm
mount -t tracefs tracefs $r/sys/kernel/tracing
mount -t securityfs securityfs $r/sys/kernel/security
mount -t bpf bpf $r/sys/fs/bpf
mount -t cgroup2 cgroup2 $r/sys/fs/cgroup
ip link set lo up 2>/dev/null
cat $r/sys/kernel/security/lsm > $r$job/lsm 2>/dev/null
uname -r > $r$job/uname
echo 1 > /proc/sys/kernel/sysrq
cat > $r$job/stage2.sh <<EOS
/bin/bash $job/job.sh > $job/console.log 2>&1
echo \$? > $job/rc
sync
echo o > /proc/sysrq-trigger
sleep 30
EOS
exec switch_root $r /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root MW_GUEST=1 /bin/bash $job/stage2.sh
