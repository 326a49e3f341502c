#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The real file, whatever name it goes by: a cron file written through a
# chroot on `mount --rbind /` (what `docker run -v /:/host` + chroot does),
# through a bind mount of /etc elsewhere, through /proc/self/root and
# another task's /proc/PID/root is
# reported as /etc/cron.d/NAME, with the caller's own name for it in
# minerwatch.file.seen_as when that differs; 64 mounts stacked on the
# directory do not exhaust the walk silently.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"
. "$(dirname "$0")/file_ns_lib.sh"

file_rules_copy
mw_start --events --rules "$T/rules" || finish

dns_run '
set -e
mkdir "$DNS_ROOT/hostroot" "$DNS_ROOT/etcb"
mount --rbind / "$DNS_ROOT/hostroot"
mount --rbind /etc "$DNS_ROOT/etcb"
# Both copies must carry the private tmpfs on cron.d, or we stop here.
mountpoint -q "$DNS_ROOT/hostroot/etc/cron.d" || exit 99
mountpoint -q "$DNS_ROOT/etcb/cron.d" || exit 99
set +e
chroot "$DNS_ROOT/hostroot" /bin/sh -c "echo \"* * * * * root /tmp/x\" > /etc/cron.d/chrootjob"
echo "* * * * * root /tmp/x" > "$DNS_ROOT/etcb/cron.d/bindjob"
echo "* * * * * root /tmp/x" > /proc/self/root/etc/cron.d/procjob
# Another task'"'"'s root, as a host reaches into a container: a process
# chrooted into the rbind copy, written through /proc/PID/root.
chroot "$DNS_ROOT/hostroot" /bin/sleep 30 &
sl=$!
for i in $(seq 50); do [ "$(readlink /proc/$sl/root)" != / ] && break; sleep 0.1; done
echo "* * * * * root /tmp/x" > /proc/$sl/root/etc/cron.d/pidrootjob
kill $sl
cd "$DNS_ROOT/etcb/cron.d" && mv bindjob bindjob2
chroot "$DNS_ROOT/hostroot" /bin/rm /etc/cron.d/chrootjob
'
[ $? -eq 99 ] && finish

line=$(expect_one_alert MW-PERSIST-001 '.file.path == "/etc/cron.d/chrootjob" and .event.action == "file-create"' "write through a chroot on rbind /")
[ -n "$line" ] && {
	expect "$line" ".minerwatch.file.seen_as == \"$DNS_ROOT/hostroot/etc/cron.d/chrootjob\"" "caller's view in seen_as"
	expect "$line" '.threat.technique.id == ["T1053.003"] and .event.severity >= 70' "T1053.003, high severity"
	expect "$line" '.file.directory == "/etc/cron.d" and .file.name == "chrootjob"' "directory and name of the real path"
}

line=$(expect_one_alert MW-PERSIST-001 '.file.path == "/etc/cron.d/bindjob" and .event.action == "file-create"' "write through a bind mount of /etc")
[ -n "$line" ] && expect "$line" ".minerwatch.file.seen_as == \"$DNS_ROOT/etcb/cron.d/bindjob\"" "caller's view in seen_as"

line=$(expect_one_alert MW-PERSIST-001 '.file.path == "/etc/cron.d/procjob"' "write through /proc/self/root")
[ -n "$line" ] && expect "$line" '.minerwatch.file.seen_as == null' "resolved from the object: no other name"

line=$(expect_one_alert MW-PERSIST-001 '.file.path == "/etc/cron.d/pidrootjob"' "write through another task's /proc/PID/root")
[ -n "$line" ] && expect "$line" ".minerwatch.file.seen_as == \"$DNS_ROOT/hostroot/etc/cron.d/pidrootjob\"" "the object's name in the caller's view in seen_as"

line=$(expect_one_alert MW-PERSIST-001 '.event.action == "rename" and .file.target_path == "/etc/cron.d/bindjob2"' "rename by relative names inside the bind mount")
[ -n "$line" ] && expect "$line" '.file.path == "/etc/cron.d/bindjob"' "source by its real path"

line=$(wait_for '.event.action == "unlink" and .file.path == "/etc/cron.d/chrootjob"' 10) &&
	ok "unlink by an absolute name inside the chroot: real path" ||
	fail "no unlink event for /etc/cron.d/chrootjob"
src=name
file_hooks_fentry && src=object # kernel functions: from the dentry
[ -n "$line" ] && expect "$line" ".minerwatch.file.seen_as == \"$DNS_ROOT/hostroot/etc/cron.d/chrootjob\" and .minerwatch.file.path_source == \"$src\"" "by name: the caller's view in seen_as"

# 64 mounts stacked on cron.d: the walk runs out before the namespace's
# root, but the first mount root it meets is the watched directory.
dns_run '
for i in $(seq 64); do mount --bind /etc/cron.d /etc/cron.d || exit 1; done
echo "* * * * * root /tmp/x" > /etc/cron.d/stacked
' || fail "stacking mounts failed"
line=$(expect_one_alert MW-PERSIST-001 '.file.path == "/etc/cron.d/stacked"' "write under 64 stacked mounts")
[ -n "$line" ] && expect "$line" '.minerwatch.file.path_truncated == null' "the real path is whole"

# Nothing is reported under the caller's names.
# (The content worker's verdicts name executables, by the exec's path.)
n=$(jq -c "select(((.event.action // \"\") | startswith(\"content\") | not) and ((.file.path // \"\") | startswith(\"$DNS_ROOT\")))" "$OUT" | wc -l)
[ "$n" -eq 0 ] && ok "no event names the file by the caller's path" || fail "$n events name $DNS_ROOT paths"

mw_stop
expect_valid_json
finish
