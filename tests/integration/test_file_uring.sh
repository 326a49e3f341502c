#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# io_uring: a cron file created and written, a log truncated, a log
# deleted and a file renamed into /etc/cron.d, each through io_uring only
# (no syscall tracepoint fires for them), raise the same alerts with the
# real paths as the syscalls would (bpf/file/uring.bpf.c). So do an open
# for writing and an unlink submitted with IOSQE_CQE_SKIP_SUCCESS, whose
# success posts no completion (reported at submit), and a hard link into
# /etc/cron.d and a symlink as authorized_keys made with LINKAT/SYMLINKAT.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"

U=$MW_HELPERS/uring_file
[ -x "$U" ] || skip "build the helpers (make build/tests/helpers/uring_file)"
[ -d /sys/kernel/tracing/events/io_uring ] || skip "no io_uring tracepoints"
file_rules_copy
mw_start --rules "$T/rules" || finish

ns_run '
cp '"$U"' "$NS/uring_file"; chmod 755 "$NS/uring_file"
mkdir -p /etc/cron.d
for f in kern.log auth.log syslog; do seq 1 200 > /var/log/$f; done
echo "* * * * * root /tmp/.x/y" > /etc/prepared-uring
sleep 0.2
"$NS/uring_file" write /etc/cron.d/uring "* * * * * root /tmp/.x/xmrig" || echo write >> '"$T"'/bad
"$NS/uring_file" ftruncate /var/log/kern.log 0; echo $? > '"$T"'/ftrunc.rc
"$NS/uring_file" unlink /var/log/auth.log || echo unlink >> '"$T"'/bad
"$NS/uring_file" rename /etc/prepared-uring /etc/cron.d/renamed || echo rename >> '"$T"'/bad
"$NS/uring_file" skipwrite /etc/cron.d/skipped "* * * * * root /tmp/.x/z
" || echo skipwrite >> '"$T"'/bad
"$NS/uring_file" skipunlink /var/log/syslog || echo skipunlink >> '"$T"'/bad
echo "* * * * * root /tmp/.x/l" > /etc/prepared-link
mkdir -p /root/.ssh
"$NS/uring_file" link /etc/prepared-link /etc/cron.d/linked || echo link >> '"$T"'/bad
"$NS/uring_file" symlink /tmp/.x/keys /root/.ssh/authorized_keys || echo symlink >> '"$T"'/bad
'
[ -e "$T/bad" ] && fail "io_uring operations failed: $(cat "$T/bad" | tr '\n' ' ')"

line=$(expect_one_alert MW-PERSIST-001 '.file.path == "/etc/cron.d/uring" and .event.action == "file-create"' "IORING_OP_OPENAT(O_CREAT) of a cron file")
[ -n "$line" ] && expect "$line" '.process.name == "uring_file" and .threat.technique.id == ["T1053.003"]' "by uring_file, T1053.003"
# On kernel functions (fentry, 6.1/6.12) the open is the record; a WRITE
# on an open file is seen only by the io_uring tracepoint set.
if file_hooks_fentry; then
	log "file sensor on kernel functions: IORING_OP_WRITE itself not checked"
else
	line=$(expect_one_alert MW-PERSIST-001 '.file.path == "/etc/cron.d/uring" and .event.action == "file-write"' "IORING_OP_WRITE to the cron file")
fi
line=$(expect_one_alert MW-AF-002 '.file.path == "/var/log/auth.log"' "IORING_OP_UNLINKAT of a log")
[ -n "$line" ] && expect "$line" '.event.action == "unlink" and .threat.technique.id == ["T1070.002"]' "unlink, T1070.002"
line=$(expect_one_alert MW-PERSIST-001 '.file.target_path == "/etc/cron.d/renamed"' "IORING_OP_RENAMEAT into cron.d")
[ -n "$line" ] && expect "$line" '.event.action == "rename" and .file.path == "/etc/prepared-uring"' "rename from /etc/prepared-uring"
line=$(expect_one_alert MW-PERSIST-001 '.file.path == "/etc/cron.d/skipped"' "OPENAT with IOSQE_CQE_SKIP_SUCCESS into cron.d")
# Sent unconfirmed at submit (tracepoints: "file-write"), or seen creating
# the file at security_file_open (kernel functions: "file-create").
if file_hooks_fentry; then
	[ -n "$line" ] && expect "$line" '.event.action == "file-create" and .process.name == "uring_file"' "file-create by uring_file"
else
	[ -n "$line" ] && expect "$line" '.event.action == "file-write" and .process.name == "uring_file"' "file-write by uring_file"
fi
line=$(expect_one_alert MW-AF-002 '.file.path == "/var/log/syslog"' "UNLINKAT with IOSQE_CQE_SKIP_SUCCESS of a log")
line=$(expect_one_alert MW-PERSIST-001 '.file.path == "/etc/cron.d/linked"' "IORING_OP_LINKAT into cron.d")
[ -n "$line" ] && expect "$line" '.event.action == "link" and .file.target_path == "/etc/prepared-link" and .process.name == "uring_file"' "link to /etc/prepared-link by uring_file"
line=$(expect_one_alert MW-PERSIST-003 '.file.path == "/root/.ssh/authorized_keys"' "IORING_OP_SYMLINKAT as authorized_keys")
[ -n "$line" ] && expect "$line" '.event.action == "symlink" and .file.target_path == "/tmp/.x/keys" and .threat.technique.id == ["T1098.004"]' "symlink to /tmp/.x/keys, T1098.004"
if [ "$(cat "$T/ftrunc.rc")" = 3 ]; then
	log "IORING_OP_FTRUNCATE not in this kernel (6.9+): not checked"
else
	line=$(expect_one_alert MW-AF-001 '.file.path == "/var/log/kern.log"' "IORING_OP_FTRUNCATE of a log")
	[ -n "$line" ] && expect "$line" '.event.action == "truncate" and .minerwatch.file.size_after == 0 and .threat.technique.id == ["T1070.002"]' "truncate to 0, T1070.002"
fi

mw_stop
expect_valid_json
finish
