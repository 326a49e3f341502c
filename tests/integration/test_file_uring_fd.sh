#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# io_uring writes through descriptors opened before the daemon started, so
# that only the writes themselves can be seen (no open to report): a write
# to a registered file (IORING_REGISTER_FILES + IOSQE_FIXED_FILE), judged
# at its completion, and two writes with IOSQE_CQE_SKIP_SUCCESS, which post
# no completion and are sent at submit, marked unconfirmed: one by plain fd,
# one to a registered file (bpf/file/uring.bpf.c, uring_submit_write()).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"

U=$MW_HELPERS/uring_file
[ -x "$U" ] || skip "build the helpers (make build/tests/helpers/uring_file)"
[ -d /sys/kernel/tracing/events/io_uring ] || skip "no io_uring tracepoints"
file_rules_copy

# The writer opens its files, then waits in its namespace for the daemon.
ns_run '
cp '"$U"' "$NS/uring_file"; chmod 755 "$NS/uring_file"
mkdir -p /etc/cron.d
exec "$NS/uring_file" fdwrites '"$T"'/ready '"$T"'/go "* * * * * root /tmp/.x/fd
" /etc/cron.d/fixed /etc/cron.d/skipfd /etc/cron.d/skipfixed
' >"$T/writer.log" 2>&1 &
WRITER=$!
for i in $(seq 1 100); do
	[ -e "$T/ready" ] && break
	kill -0 "$WRITER" 2>/dev/null || break
	sleep 0.1
done
[ -e "$T/ready" ] || { kill "$WRITER" 2>/dev/null; fail "writer not ready: $(cat "$T/writer.log")"; finish; }

mw_start --rules "$T/rules" || { kill "$WRITER"; finish; }
if file_hooks_fentry; then
	# Kernel functions see writes only through their open (docs/file-sensor.md).
	kill "$WRITER"
	mw_stop
	skip "file sensor on kernel functions: a descriptor opened before the daemon is not seen"
fi
touch "$T/go"
wait "$WRITER" || fail "io_uring writes failed: $(cat "$T/writer.log")"

line=$(expect_one_alert MW-PERSIST-001 '.file.path == "/etc/cron.d/fixed"' "IORING_OP_WRITE to a registered file")
[ -n "$line" ] && expect "$line" '.event.action == "file-write" and .process.name == "uring_file" and .minerwatch.file.unconfirmed == null' "file-write by uring_file, confirmed by its completion"
line=$(expect_one_alert MW-PERSIST-001 '.file.path == "/etc/cron.d/skipfd"' "IORING_OP_WRITE by fd with IOSQE_CQE_SKIP_SUCCESS")
[ -n "$line" ] && expect "$line" '.event.action == "file-write" and .process.name == "uring_file" and .minerwatch.file.unconfirmed == true and .minerwatch.file.append == true' "file-write at submit, unconfirmed, the file's O_APPEND"
line=$(expect_one_alert MW-PERSIST-001 '.file.path == "/etc/cron.d/skipfixed"' "IORING_OP_WRITE to a registered file with IOSQE_CQE_SKIP_SUCCESS")
[ -n "$line" ] && expect "$line" '.event.action == "file-write" and .process.name == "uring_file" and .minerwatch.file.unconfirmed == true' "file-write at submit, unconfirmed"

mw_stop
expect_valid_json
finish
