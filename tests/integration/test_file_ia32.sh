#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# 32-bit syscalls: a 64-bit process using int 0x80 (no syscalls:*
# tracepoint fires for them on x86) appends a key to authorized_keys,
# truncates a log, deletes a log and renames a file into /etc/cron.d; each
# raises the alert the native syscall would, with the real path
# (bpf/file/ia32.bpf.c). So do the calls on a descriptor or with 16-bit
# ids: fchmod +x of a dropped file, fallocate punching a hole in a log, the
# chattr ioctl (FS_IOC32_SETFLAGS) making authorized_keys immutable, and
# fchown32, fchown and chown (16-bit ids) on watched files (events).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"

I=$MW_HELPERS/int80
[ -x "$I" ] || skip "build the helpers (make build/tests/helpers/int80)"
[ "$(uname -m)" = x86_64 ] || skip "int 0x80 is x86"
"$I" unlink /nonexistent/mw-int80-probe 2>/dev/null
[ $? -ge 128 ] && skip "no ia32 emulation in this kernel"
file_rules_copy
cp "$MW_ROOT/rules/behaviour.json" "$T/rules/" # MW-DROP-002 (chmod +x)
mw_start --events --rules "$T/rules" || finish

ns_run '
cp '"$I"' "$NS/int80"; chmod 755 "$NS/int80"
mkdir -p -m 700 /root/.ssh /etc/cron.d
echo "ssh-ed25519 AAAAC3Nza old@admin" > /root/.ssh/authorized_keys
for f in kern.log auth.log; do seq 1 200 > /var/log/$f; done
echo "* * * * * root /tmp/.x/y" > /etc/prepared-ia32
sleep 0.2
"$NS/int80" append /root/.ssh/authorized_keys "ssh-rsa AAAAB3Nz attacker@int80
" || echo append >> '"$T"'/bad
"$NS/int80" truncate /var/log/kern.log 0 || echo truncate >> '"$T"'/bad
"$NS/int80" unlink /var/log/auth.log || echo unlink >> '"$T"'/bad
"$NS/int80" rename /etc/prepared-ia32 /etc/cron.d/ia32 || echo rename >> '"$T"'/bad
grep -q attacker@int80 /root/.ssh/authorized_keys || echo "append-content" >> '"$T"'/bad
# /dev/shm: a private tmpfs here, or nothing is written there.
mount -t tmpfs tmpfs /dev/shm && mountpoint -q /dev/shm || exit 99
mkdir /dev/shm/.x && printf "\177ELF" > /dev/shm/.x/m
seq 1 300 > /var/log/syslog
echo "* * * * * root /tmp/.x/c" > /etc/cron.d/owned16
sleep 0.2
"$NS/int80" fchmod /dev/shm/.x/m 755 || echo fchmod >> '"$T"'/bad
"$NS/int80" punch /var/log/syslog 100 || echo punch >> '"$T"'/bad
"$NS/int80" fchown /etc/cron.d/ia32 1000 || echo fchown32 >> '"$T"'/bad
"$NS/int80" fchown16 /etc/cron.d/owned16 1001 || echo fchown16 >> '"$T"'/bad
"$NS/int80" chown16 /root/.ssh/authorized_keys 1002 || echo chown16 >> '"$T"'/bad
"$NS/int80" chattr /root/.ssh/authorized_keys || echo chattr >> '"$T"'/bad
[ "$(stat -c %a /dev/shm/.x/m)" = 755 ] || echo fchmod-mode >> '"$T"'/bad
[ "$(stat -c %u /etc/cron.d/owned16)" = 1001 ] || echo fchown16-owner >> '"$T"'/bad
'
[ -e "$T/bad" ] && fail "int 0x80 operations failed: $(cat "$T/bad" | tr '\n' ' ')"

line=$(expect_one_alert MW-PERSIST-003 '.file.path == "/root/.ssh/authorized_keys" and .process.name == "int80"' "int 0x80 append to authorized_keys")
[ -n "$line" ] && expect "$line" '.process.name == "int80" and .event.action == "file-write" and .threat.technique.id == ["T1098.004"]' "file-write by int80, T1098.004"
line=$(expect_one_alert MW-AF-001 '.file.path == "/var/log/kern.log"' "int 0x80 truncate of a log")
[ -n "$line" ] && expect "$line" '.event.action == "truncate" and .minerwatch.file.size_after == 0 and .threat.technique.id == ["T1070.002"]' "truncate to 0, T1070.002"
line=$(expect_one_alert MW-AF-002 '.file.path == "/var/log/auth.log"' "int 0x80 unlink of a log")
[ -n "$line" ] && expect "$line" '.event.action == "unlink" and .threat.technique.id == ["T1070.002"]' "unlink, T1070.002"
line=$(expect_one_alert MW-PERSIST-001 '.file.target_path == "/etc/cron.d/ia32"' "int 0x80 rename into cron.d")
[ -n "$line" ] && expect "$line" '.event.action == "rename" and .file.path == "/etc/prepared-ia32" and .threat.technique.id == ["T1053.003"]' "rename from /etc/prepared-ia32, T1053.003"

line=$(expect_one_alert MW-DROP-002 '.file.path == "/dev/shm/.x/m"' "int 0x80 fchmod +x of a hidden dropped file")
[ -n "$line" ] && expect "$line" '.event.action == "chmod" and .file.mode == "0755" and .process.name == "int80"' "chmod to 0755 by int80"
line=$(expect_one_alert MW-AF-008 '.file.path == "/var/log/syslog"' "int 0x80 fallocate punch hole in a log")
[ -n "$line" ] && expect "$line" '.event.action == "punch-hole" and .minerwatch.file.size_after == .minerwatch.file.size_before' "punch-hole, size unchanged"
line=$(expect_one_alert MW-PERSIST-013 '.file.path == "/root/.ssh/authorized_keys"' "int 0x80 FS_IOC32_SETFLAGS immutable on authorized_keys")
[ -n "$line" ] && expect "$line" '.event.action == "chattr" and .minerwatch.file.immutable == true and .process.name == "int80"' "chattr +i by int80"
for want in "/etc/cron.d/ia32 1000 fchown32" "/etc/cron.d/owned16 1001 fchown16" "/root/.ssh/authorized_keys 1002 chown16"; do
	set -- $want
	line=$(wait_for ".event.action == \"chown\" and .file.path == \"$1\" and .process.name == \"int80\"" 10) || { fail "int 0x80 $3: no chown event for $1"; continue; }
	expect "$line" ".minerwatch.file.new_uid == $2 and .minerwatch.file.new_gid == null" "int 0x80 $3 of $1: uid $2, group unchanged"
done

mw_stop
expect_valid_json
finish
