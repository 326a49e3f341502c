#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Flags and sizes come from the kernel's struct file, not from what the
# caller passed: open(O_PATH|O_WRONLY|O_TRUNC) on a watched log is a plain
# O_PATH open (the kernel ignores the rest) and raises nothing, not even an
# event; a real truncation that follows is reported with the inode's new
# size (ftruncate to 7 bytes: size_after 7, size_before the old size).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"

command -v python3 >/dev/null || skip "python3 needed to open with O_PATH"
file_rules_copy
mw_start --rules "$T/rules" --events || finish

ns_run '
seq 1 200 | sed "s/^/line /" > /var/log/auth.log
seq 1 200 | sed "s/^/line /" > /var/log/kern.log
sleep 0.2
python3 -c "
import os
fd = os.open(\"/var/log/auth.log\", os.O_PATH | os.O_WRONLY | os.O_TRUNC)
os.close(fd)
"
[ "$(wc -l < /var/log/auth.log)" -eq 200 ] || echo "auth.log changed" > '"$T"'/opath.bad
# The marker after it: a real truncation, to 7 bytes.
truncate -s 7 /var/log/kern.log
'
[ -e "$T/opath.bad" ] && fail "the O_PATH open changed the file (the test is wrong)"

line=$(expect_one_alert MW-AF-001 '.file.path == "/var/log/kern.log"' "truncate -s 7")
[ -n "$line" ] && {
	expect "$line" '.minerwatch.file.size_after == 7' "size after from the inode (7)"
	expect "$line" '.minerwatch.file.size_before > 7' "size before from the inode"
	expect "$line" '.threat.technique.id == ["T1070.002"]' "technique T1070.002"
}
# The O_PATH open came before the marker: had it been sent, it is here
# (the shell creating auth.log before is an event, not an alert).
n=$(count_of '.file.path == "/var/log/auth.log" and (.process.name | startswith("python"))')
[ "$n" -eq 0 ] && ok "O_PATH|O_WRONLY|O_TRUNC: no event, no alert" || fail "$n records for an O_PATH open"

mw_stop
expect_valid_json
finish
