#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Log wiping: sed -i (rename into place), `: > auth.log` (O_TRUNC),
# truncate -s0 (ftruncate, with the size before), rm wtmp, and
# ln -sf /dev/null ~/.bash_history each raise exactly the expected alert;
# bash trimming its own history file raises none.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"

file_rules_copy
mw_start --rules "$T/rules" || finish

ns_run '
for f in syslog auth.log kern.log wtmp; do seq 1 200 | sed "s/^/line /" > /var/log/$f; done
seq 1 50 | sed "s/^/ls -la /" > /root/.bash_history
sleep 0.3
# An interactive shell trimming its own history (temp file + rename): not
# an alert.
printf "echo a\nexit\n" | HOME=/root HISTFILE=/root/.bash_history HISTFILESIZE=20 bash --norc -i >/dev/null 2>&1
sed -i "/line 1[0-9]/d" /var/log/syslog
: > /var/log/auth.log
truncate -s0 /var/log/kern.log
rm /var/log/wtmp
ln -sf /dev/null /root/.bash_history
'

line=$(expect_one_alert MW-AF-003 '.file.target_path == "/var/log/syslog"' "sed -i on a log")
[ -n "$line" ] && {
	expect "$line" '.event.action == "rename" and .process.name == "sed"' "rename by sed"
	expect "$line" '(.file.path | startswith("/var/log/sed"))' "source is sed's temp file"
	expect "$line" '.threat.technique.id == ["T1070.002"]' "technique T1070.002"
}
line=$(expect_one_alert MW-AF-001 '.file.path == "/var/log/auth.log"' ": > auth.log")
[ -n "$line" ] && expect "$line" '.event.action == "truncate" and .process.name == "bash" and .minerwatch.file.size_after == 0' "truncate by the shell"
line=$(expect_one_alert MW-AF-001 '.file.path == "/var/log/kern.log"' "truncate -s0")
[ -n "$line" ] && {
	expect "$line" '.process.name == "truncate" and .event.action == "truncate"' "truncate by truncate(1)"
	expect "$line" '.minerwatch.file.size_before > 0 and .minerwatch.file.size_after == 0' "size before and after"
}
line=$(expect_one_alert MW-AF-002 '.file.path == "/var/log/wtmp"' "rm wtmp")
[ -n "$line" ] && expect "$line" '.event.action == "unlink" and .process.name == "rm" and .threat.technique.id == ["T1070.002"]' "unlink by rm, T1070.002"
line=$(expect_one_alert MW-AF-004 '.file.target_path == "/root/.bash_history" or .file.path == "/root/.bash_history"' "ln -sf /dev/null ~/.bash_history")
[ -n "$line" ] && expect "$line" '.process.name == "ln" and .threat.technique.id == ["T1070.003"]' "ln, T1070.003"

# The scenario raised those alerts and no others.
n=$(alerts_where 'true' | wc -l)
[ "$n" -eq 5 ] && ok "five alerts in all" || fail "$n alerts, expected 5"

mw_stop
expect_valid_json
finish
