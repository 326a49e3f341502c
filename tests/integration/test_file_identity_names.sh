#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Renames and links by another name: a file renamed or hard-linked into
# /etc/cron.d through /proc/self/root, renamed there through another
# task's /proc/PID/root (from the host's pid namespace and from one of its
# own), and renamed and symlinked there inside a chroot on
# `mount --rbind /` (what `docker run -v /:/host` + chroot does), raise MW-PERSIST-001 with the real paths in file.path and
# file.target_path, and the caller's own strings in
# minerwatch.file.seen_as and minerwatch.file.target_seen_as.
DNS_ETC_COPY=1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"
. "$(dirname "$0")/file_ns_lib.sh"

file_rules_copy
mw_start --rules "$T/rules" || finish
H=$DNS_ROOT/hostroot

dns_run '
set -e
mkdir "$DNS_ROOT/hostroot"
mount --rbind / "$DNS_ROOT/hostroot"
mountpoint -q "$DNS_ROOT/hostroot/etc" || exit 99
set +e
for f in prep1 prep2 prep3 prep4 prep5; do echo "* * * * * root /tmp/x" > /etc/$f; done
mv /etc/prep1 /proc/self/root/etc/cron.d/procmv
ln /etc/prep2 /proc/self/root/etc/cron.d/procln
chroot "$DNS_ROOT/hostroot" /bin/mv /etc/prep3 /etc/cron.d/chrootmv
chroot "$DNS_ROOT/hostroot" /bin/ln -s /tmp/x /etc/cron.d/chrootsym
# Another task'"'"'s root, named by its host pid, then from a pid namespace
# of its own by its inner pid. (The same through a task chrooted on the
# rbind copy would cross mounts: mv copies, an open, resolved as any.)
# The daemon reads the root of the task after the record arrives: each task
# stays alive until its rename is reported (at most 10 s), as the
# long-lived tasks an intruder goes through (pid 1) do.
reported() {
	local i=0
	while [ $i -lt 100 ] && ! grep -q "\"target_path\":\"/etc/cron.d/$1\"" "${DNS_ROOT%/dns}/out.json"; do
		sleep 0.1; i=$((i + 1))
	done
}
export -f reported
sleep 30 & p=$!
sleep 0.2
mv /etc/prep4 /proc/$p/root/etc/cron.d/pidmv
echo "$p" > "${DNS_ROOT%/dns}/pid"
reported pidmv
kill $p
unshare -p -f --mount-proc bash -c "sleep 30 & q=\$!; sleep 0.2; mv /etc/prep5 /proc/\$q/root/etc/cron.d/nspidmv; echo \$q > ${DNS_ROOT%/dns}/nspid; reported nspidmv; kill \$q"
' || fail "scenario failed"


line=$(expect_one_alert MW-PERSIST-001 '.event.action == "rename" and .file.target_path == "/etc/cron.d/procmv"' "rename into cron.d through /proc/self/root")
[ -n "$line" ] && view "$line" '.file.path == "/etc/prep1" and .minerwatch.file.seen_as == null and .minerwatch.file.target_seen_as == "/proc/self/root/etc/cron.d/procmv"' "real target path, the caller's string in target_seen_as"

line=$(expect_one_alert MW-PERSIST-001 '.event.action == "link" and .file.path == "/etc/cron.d/procln"' "hard link into cron.d through /proc/self/root")
[ -n "$line" ] && view "$line" '.file.target_path == "/etc/prep2" and .minerwatch.file.seen_as == "/proc/self/root/etc/cron.d/procln" and .minerwatch.file.target_seen_as == null' "real new name, the caller's string in seen_as"

line=$(expect_one_alert MW-PERSIST-001 '.event.action == "rename" and .file.target_path == "/etc/cron.d/chrootmv"' "rename into cron.d inside a chroot on rbind /")
[ -n "$line" ] && view "$line" ".file.path == \"/etc/prep3\" and .minerwatch.file.seen_as == \"$H/etc/prep3\" and .minerwatch.file.target_seen_as == \"$H/etc/cron.d/chrootmv\"" "both names real, both views the caller's"

line=$(expect_one_alert MW-PERSIST-001 '.event.action == "symlink" and .file.path == "/etc/cron.d/chrootsym"' "symlink in cron.d inside a chroot on rbind /")
[ -n "$line" ] && view "$line" ".file.target_path == \"/tmp/x\" and .minerwatch.file.seen_as == \"$H/etc/cron.d/chrootsym\"" "real path, the caller's view in seen_as"

p=$(cat "$T/pid" 2>/dev/null)
line=$(expect_one_alert MW-PERSIST-001 '.event.action == "rename" and .file.target_path == "/etc/cron.d/pidmv"' "rename into cron.d through another task's /proc/PID/root")
[ -n "$line" ] && view "$line" ".file.path == \"/etc/prep4\" and .minerwatch.file.target_seen_as == \"/proc/$p/root/etc/cron.d/pidmv\"" "real target path, /proc/PID/root as the caller's view"

q=$(cat "$T/nspid" 2>/dev/null)
line=$(expect_one_alert MW-PERSIST-001 '.event.action == "rename" and .file.target_path == "/etc/cron.d/nspidmv"' "rename through /proc/PID/root from inside a pid namespace")
[ -n "$line" ] && view "$line" ".minerwatch.file.target_seen_as == \"/proc/$q/root/etc/cron.d/nspidmv\" and .process.pid != $q" "the inner pid followed to the host's task"

mw_stop
expect_valid_json
finish
