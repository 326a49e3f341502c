#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A watched place replaced without a write in it: a prepared directory
# renamed over /etc/cron.d and over ~/.ssh (and exchanged with a full
# cron.d: renameat2 RENAME_EXCHANGE), a file bind-mounted over a cron file
# and a tmpfs mounted over /var/log in the host's (here: the daemon's)
# mount namespace each raise the alert of what they shadow (so do a file
# bind-mounted over /etc/ld.so.conf and a tmpfs over /var/spool); a mount in a
# private namespace of its own, a remount and a propagation change raise
# nothing. After a rename, a write
# through a bind mount into the new directory still has its real path (the
# identity map was refreshed).
DNS_ETC_COPY=1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"
. "$(dirname "$0")/file_ns_lib.sh"

file_rules_copy
mw_start --rules "$T/rules" || finish

# In the daemon's own namespace (private to this test, see file_ns_lib.sh).
in_dns() { DNS_ROOT=$DNS_ROOT nsenter -t "$MW_PID" -m -- bash -c "$1"; }

in_dns '
[ "$(stat -f -c %T /etc/cron.d)" = tmpfs ] || exit 99
mkdir /etc/.prep && echo "* * * * * root /tmp/x" > /etc/.prep/job
mv -T /etc/.prep /etc/cron.d
mkdir -p /root/.ssh /root/.prep && echo "ssh-ed25519 AAAA attacker" > /root/.prep/authorized_keys
mv -T /root/.prep /root/.ssh
mkdir /etc/.swap && echo "* * * * * root /tmp/y" > /etc/.swap/other
python3 -c "
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.renameat2(-100, b\"/etc/.swap\", -100, b\"/etc/cron.daily\", 2) != 0:
    sys.exit(\"renameat2: errno %d\" % ctypes.get_errno())
"
echo "* * * * * root /tmp/z" > "$DNS_ROOT/evil"
mount --bind "$DNS_ROOT/evil" /etc/cron.d/job
mount -t tmpfs tmpfs /var/log
echo "/root/.bashtemp/lib" > "$DNS_ROOT/ldconf"
mount --bind "$DNS_ROOT/ldconf" /etc/ld.so.conf
# Propagation changes and remounts shadow nothing.
mount --make-private /var/log
mount -o remount,ro /var/log && mount -o remount,rw /var/log
' || fail "scenario in the daemon namespace failed"

line=$(expect_one_alert MW-PERSIST-014 '.event.action == "rename" and .file.target_path == "/etc/cron.d"' "directory renamed over /etc/cron.d")
[ -n "$line" ] && expect "$line" '.file.path == "/etc/.prep" and .threat.technique.id == ["T1053.003"]' "prepared source, T1053.003"

line=$(expect_one_alert MW-PERSIST-015 '.event.action == "rename" and .file.target_path == "/root/.ssh"' "directory renamed over /root/.ssh")
[ -n "$line" ] && expect "$line" '.threat.technique.id == ["T1098.004"]' "T1098.004"

line=$(expect_one_alert MW-PERSIST-014 '.event.action == "rename" and .file.target_path == "/etc/cron.daily"' "directory exchanged with /etc/cron.daily")

line=$(expect_one_alert MW-PERSIST-014 '.event.action == "mount" and .file.path == "/etc/cron.d/job"' "file bind-mounted over a cron file")
[ -n "$line" ] && expect "$line" ".file.target_path == \"$DNS_ROOT/evil\" and .threat.technique.id == [\"T1053.003\"]" "bind source, T1053.003"

line=$(expect_one_alert MW-PERSIST-016 '.event.action == "mount" and .file.path == "/etc/ld.so.conf"' "file bind-mounted over /etc/ld.so.conf")
[ -n "$line" ] && expect "$line" '.event.severity >= 80' "high severity"

line=$(expect_one_alert MW-AF-005 '.event.action == "mount" and .file.path == "/var/log"' "tmpfs mounted over /var/log")
[ -n "$line" ] && expect "$line" '.threat.technique.id == ["T1070.002"]' "T1070.002"

n=$(alerts_where '.event.action == "mount" and .file.path == "/var/log"' | wc -l)
[ "$n" -eq 1 ] && ok "remount and --make-private raise nothing" || fail "$n mount alerts on /var/log, expected 1"

# The renamed-in cron.d has a new identity: a write into it through a
# bind mount of /etc still comes out as /etc/cron.d/... (map refreshed).
sleep 1.5
dns_run '
mkdir "$DNS_ROOT/etcb" && mount --rbind /etc "$DNS_ROOT/etcb" || exit 99
echo "* * * * * root /tmp/w" > "$DNS_ROOT/etcb/cron.d/after"
'
line=$(expect_one_alert MW-PERSIST-001 '.file.path == "/etc/cron.d/after"' "write into the renamed-in cron.d through a bind mount")
[ -n "$line" ] && expect "$line" ".minerwatch.file.seen_as == \"$DNS_ROOT/etcb/cron.d/after\"" "caller's view in seen_as"

# A mount in a private namespace shadows nothing the host reads.
dns_run 'mount -t tmpfs tmpfs /var/spool/cron/crontabs && mount --bind /etc/hostname /etc/cron.d/job'
dns_marker shadow
n=$(alerts_where '.event.action == "mount" and (.file.path == "/var/spool/cron/crontabs" or .file.path == "/etc/cron.d/job")' | wc -l)
[ "$n" -eq 1 ] && ok "mounts in a private namespace raise nothing" || fail "$n mount alerts, expected only the first bind"

# Last (it hides the crontabs): a directory that holds persistence files,
# mounted over in the daemon's namespace.
in_dns 'mount -t tmpfs mwspool /var/spool' || fail "mount over /var/spool failed"
expect_one_alert MW-PERSIST-017 '.event.action == "mount" and .file.path == "/var/spool"' "tmpfs mounted over /var/spool" >/dev/null

mw_stop
expect_valid_json
finish
