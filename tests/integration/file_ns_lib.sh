#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# file_ns_lib.sh - for the test_file_* tests about a file's identity (sourced
# after lib.sh and file_lib.sh).
#
# The daemon itself runs in a private mount namespace where the watched
# places are tmpfs mounts (/etc/cron.d, /var/spool/cron, /root, /home,
# /var/log): its view of them, the identities it puts into the anchor map,
# are those tmpfs, so a scenario can reach them under other names (a chroot
# on `mount --rbind /`, a bind mount, /proc/self/root) and rename or mount
# over them without touching the host. Scenarios run in a further private
# namespace of that one (dns_run), which disappears with them.

MW_REAL_BIN=$MW_BIN
DNS_ROOT=$T/dns # the daemon namespace's scratch tmpfs

# Mounts of the daemon's namespace; exit 99 when one is missing. With
# DNS_ETC_COPY=1 (set before sourcing), /etc is a copy on a tmpfs whose
# cron.d is a plain, empty directory (one can be renamed over it);
# otherwise /etc is the host's with a tmpfs on /etc/cron.d.
if [ "${DNS_ETC_COPY:-0}" = 1 ]; then
	DNS_ETC='
mkdir "$DNS_ROOT/etc"
cp -a /etc/. "$DNS_ROOT/etc/"
mount --bind "$DNS_ROOT/etc" /etc
mountpoint -q /etc || exit 99
[ "$(stat -f -c %T /etc/cron.d)" = tmpfs ] || exit 99
find /etc/cron.d -mindepth 1 -delete
'
else
	DNS_ETC='
mount -t tmpfs tmpfs /etc/cron.d
mountpoint -q /etc/cron.d || exit 99
'
fi
DNS_SETUP='
set -e
mount -t tmpfs mwdscratch "$DNS_ROOT"
mountpoint -q "$DNS_ROOT" || exit 99
'"$DNS_ETC"'
mount -t tmpfs tmpfs /var/spool/cron
mkdir -p -m 1730 /var/spool/cron/crontabs
mount -t tmpfs tmpfs /var/log
mount -t tmpfs tmpfs /root
mount -t tmpfs tmpfs /home
for m in /var/spool/cron /var/log /root /home "$DNS_ROOT"; do
	mountpoint -q "$m" || { echo "file_ns_lib: $m is not a private mount: refusing" >&2; exit 99; }
done
set +e
'

for d in /etc/cron.d /var/spool/cron /var/log /root /home; do
	[ -d "$d" ] || skip "$d does not exist (install cron for /var/spool/cron)"
done
mkdir -p "$DNS_ROOT"

# A wrapper run by mw_start (lib.sh): the daemon execs in the namespace,
# so $MW_PID is the daemon and the namespace dies with it.
cat >"$T/mw-in-ns" <<EOF
#!/bin/bash
export DNS_ROOT='$DNS_ROOT'
exec unshare -m --propagation private bash -c '$DNS_SETUP
exec "\$0" "\$@"' '$MW_REAL_BIN' "\$@"
EOF
chmod 755 "$T/mw-in-ns"
MW_BIN=$T/mw-in-ns

# dns_run SCRIPT: run bash SCRIPT in a private mount namespace made from
# the daemon's (its tmpfs mounts included); DNS_ROOT is set. Returns the
# script's status; 99: a safety check failed.
dns_run() {
	local rc
	[ -n "$MW_PID" ] || { fail "dns_run: no daemon"; return 1; }
	DNS_ROOT=$DNS_ROOT nsenter -t "$MW_PID" -m -- \
		unshare -m --propagation private bash -c "$1"
	rc=$?
	[ "$rc" -eq 99 ] && fail "private mounts not in place: scenario not run"
	return "$rc"
}

# A marker write the daemon must report: absence checks wait for it.
dns_marker() {
	dns_run "echo marker > /etc/cron.d/zz-marker-$1"
	wait_for ".event.kind == \"alert\" and .file.path == \"/etc/cron.d/zz-marker-$1\"" 10 >/dev/null ||
		fail "marker $1 not reported"
}
