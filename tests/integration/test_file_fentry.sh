#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The file sensor on kernel functions (bpf/file/fentry.bpf.c), where the
# kernel allows fentry (Debian's 6.1 and 6.12 in the kernel matrix; this
# test skips on 6.18, which refuses it, unless MW_EXPECT_LSM=1 says the
# kernel must have it). The started event names that set, and none of the
# syscall tracepoint, io_uring or ia32 file programs is loaded; yet a cron
# file written through io_uring, an authorized_keys append, a log
# truncation and a rename into cron.d through 32-bit syscalls, a log
# deleted through io_uring, an ftruncate, a punched hole and chattr +i
# each raise the alert the tracepoint set raises, with the real paths.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"

U=$MW_HELPERS/uring_file
I=$MW_HELPERS/int80
[ -x "$U" ] && [ -x "$I" ] || skip "build the helpers (make build/tests/helpers/uring_file build/tests/helpers/int80)"
file_rules_copy
mw_start --rules "$T/rules" || finish
line=$(wait_for '.event.action == "started"') || fail "no started event"
mode=$(printf '%s' "$line" | jq -r .minerwatch.hooks.file)
case $mode in
fentry*) ;;
*)
	if [ "${MW_EXPECT_LSM:-0}" = 1 ]; then
		fail "file sensor not on kernel functions here: $mode ($(grep -m1 'file sensor' "$ERR"))"
		mw_stop
		finish
	fi
	mw_stop
	skip "file sensor on $mode (no fentry in this kernel)"
	;;
esac
ok "file sensor: $mode"
expect "$line" '.minerwatch.hooks.programs | index("fexit/security_file_open") != null' \
	"fexit/security_file_open loaded"
expect "$line" '[.minerwatch.hooks.programs[] | select(startswith("tracepoint/syscalls/") or startswith("tracepoint/io_uring/") or startswith("tp_btf/sys_exit"))] | length == 0' \
	"no syscall tracepoint, io_uring or ia32 file program loaded"
if [ "${MW_GUEST:-0}" = 1 ] && command -v bpftool >/dev/null; then
	# The guest runs only this daemon: what the kernel holds is ours.
	progs=$(bpftool -j prog show | jq -r '.[].name')
	printf '%s\n' "$progs" | grep -qE '^(sys_exit_|sys_enter_|uring_)' &&
		fail "tracepoint file programs in the kernel: $(printf '%s\n' "$progs" | grep -E '^(sys_exit_|sys_enter_|uring_)' | head -3 | tr '\n' ' ')" ||
		ok "bpftool: no tracepoint file program in the kernel"
	printf '%s\n' "$progs" | grep -q '^fe_file_open' && ok "bpftool: fe_file_open loaded" ||
		fail "bpftool: fe_file_open not loaded"
fi

ns_run '
cp '"$U"' "$NS/uring_file"; cp '"$I"' "$NS/int80"; chmod 755 "$NS/uring_file" "$NS/int80"
mkdir -p -m 700 /root/.ssh /etc/cron.d
echo "ssh-ed25519 AAAAC3Nza old@admin" > /root/.ssh/authorized_keys
for f in kern.log auth.log messages syslog daemon.log; do seq 1 200 > /var/log/$f; done
echo "* * * * * root /tmp/.x/y" > /etc/prepared-fe
sleep 0.2
"$NS/uring_file" write /etc/cron.d/uring "* * * * * root /tmp/.x/xmrig" || echo uring-write >> '"$T"'/bad
"$NS/uring_file" unlink /var/log/auth.log || echo uring-unlink >> '"$T"'/bad
"$NS/uring_file" ftruncate /var/log/syslog 0; echo $? > '"$T"'/ftrunc.rc
"$NS/int80" append /root/.ssh/authorized_keys "ssh-rsa AAAAB3Nz attacker@int80
" || echo int80-append >> '"$T"'/bad
"$NS/int80" truncate /var/log/kern.log 0 || echo int80-truncate >> '"$T"'/bad
"$NS/int80" rename /etc/prepared-fe /etc/cron.d/ia32 || echo int80-rename >> '"$T"'/bad
truncate -s 10 /var/log/messages || echo ftruncate >> '"$T"'/bad
fallocate --punch-hole --offset 0 --length 4096 /var/log/daemon.log || echo punch >> '"$T"'/bad
chattr +i /root/.ssh/authorized_keys 2>/dev/null && { echo ok > '"$T"'/chattr; chattr -i /root/.ssh/authorized_keys; }
'
[ -e "$T/bad" ] && fail "operations failed: $(cat "$T/bad" | tr '\n' ' ')"

line=$(expect_one_alert MW-PERSIST-001 '.file.path == "/etc/cron.d/uring" and .event.action == "file-create"' "io_uring OPENAT(O_CREAT) of a cron file")
[ -n "$line" ] && expect "$line" '.process.name == "uring_file" and .threat.technique.id == ["T1053.003"] and .minerwatch.file.path_source == "object"' \
	"by uring_file, T1053.003, path from the object"
line=$(expect_one_alert MW-AF-002 '.file.path == "/var/log/auth.log"' "io_uring UNLINKAT of a log")
[ -n "$line" ] && expect "$line" '.event.action == "unlink" and .process.name == "uring_file"' "unlink by uring_file"
if [ "$(cat "$T/ftrunc.rc")" = 3 ]; then
	log "IORING_OP_FTRUNCATE not in this kernel (6.9+): not checked"
else
	line=$(expect_one_alert MW-AF-001 '.file.path == "/var/log/syslog"' "io_uring FTRUNCATE of a log")
	[ -n "$line" ] && expect "$line" '.event.action == "truncate" and .minerwatch.file.size_after == 0' "truncate to 0"
fi
line=$(expect_one_alert MW-PERSIST-003 '.file.path == "/root/.ssh/authorized_keys" and .process.name == "int80" and .event.action == "file-write"' "int 0x80 append to authorized_keys")
[ -n "$line" ] && expect "$line" '.threat.technique.id == ["T1098.004"] and .minerwatch.file.append == true' "T1098.004, O_APPEND from f_flags"
line=$(expect_one_alert MW-AF-001 '.file.path == "/var/log/kern.log" and .process.name == "int80"' "int 0x80 truncate of a log")
[ -n "$line" ] && expect "$line" '.event.action == "truncate" and .minerwatch.file.size_after == 0' "truncate to 0 (vfs_truncate)"
line=$(expect_one_alert MW-PERSIST-001 '.file.target_path == "/etc/cron.d/ia32"' "int 0x80 rename into cron.d")
[ -n "$line" ] && expect "$line" '.event.action == "rename" and .file.path == "/etc/prepared-fe" and .process.name == "int80"' "rename from /etc/prepared-fe by int80"
line=$(expect_one_alert MW-AF-001 '.file.path == "/var/log/messages" and .process.name == "truncate"' "ftruncate of a log")
[ -n "$line" ] && expect "$line" '.minerwatch.file.size_after == 10 and .minerwatch.file.size_before == 692' "sizes 692 -> 10 (do_truncate)"
line=$(expect_one_alert MW-AF-008 '.file.path == "/var/log/daemon.log"' "fallocate punch hole in a log")
[ -n "$line" ] && expect "$line" '.event.action == "punch-hole"' "punch-hole (vfs_fallocate)"
if [ -e "$T/chattr" ]; then
	expect_one_alert MW-PERSIST-013 '.file.path == "/root/.ssh/authorized_keys" and .event.action == "chattr"' "chattr +i on authorized_keys" >/dev/null
else
	log "chattr +i refused on this tmpfs: not checked"
fi
mw_stop
expect_valid_json
finish
