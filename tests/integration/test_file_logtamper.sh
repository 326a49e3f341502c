#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Log tampering without truncation: wtmp, btmp and lastlog rewritten in
# place (dd conv=notrunc, as log cleaners do) by anything but the login
# stack, matched by executable path (a copy of dd named sshd does not
# pass), and a log overwritten in place without shrinking. Appending to a
# log and a write by an executable of the login stack's list raise
# nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"

[ -x /usr/sbin/agetty ] || skip "/usr/sbin/agetty is not installed"
file_rules_copy
mw_start --rules "$T/rules" || finish

mkdir "$T/bin" && cp /usr/bin/dd "$T/bin/sshd"
ns_run '
for f in wtmp btmp lastlog auth.log; do head -c 4096 /dev/urandom > /var/log/$f; done
sleep 0.3
dd if=/dev/zero of=/var/log/wtmp bs=384 count=1 seek=2 conv=notrunc status=none
"'"$T"'/bin/sshd" if=/dev/zero of=/var/log/btmp bs=384 count=1 conv=notrunc status=none
printf "Dec  1 00:00:00 host sshd[1]: nothing happened\n" | dd of=/var/log/auth.log conv=notrunc status=none
echo "appended line" >> /var/log/auth.log
# The executable path is what counts: dd under the name of a login writer
# (agetty) in this private namespace passes the exception.
mount --bind /usr/bin/dd /usr/sbin/agetty || exit 99
/usr/sbin/agetty if=/dev/zero of=/var/log/lastlog bs=292 count=1 conv=notrunc status=none
'

line=$(expect_one_alert MW-AF-006 '.file.path == "/var/log/wtmp"' "wtmp rewritten in place")
[ -n "$line" ] && {
	expect "$line" '.event.action == "file-write" and .process.executable == "/usr/bin/dd"' "file-write by dd"
	expect "$line" '.threat.technique.id == ["T1070.002"] and .event.severity >= 70' "T1070.002"
}
line=$(expect_one_alert MW-AF-006 '.file.path == "/var/log/btmp"' "btmp rewritten by a copy of dd named sshd")
[ -n "$line" ] && expect "$line" '.process.name == "sshd"' "the name sshd alone does not pass"

line=$(expect_one_alert MW-AF-007 '.file.path == "/var/log/auth.log"' "auth.log overwritten in place")
[ -n "$line" ] && expect "$line" '.process.name == "dd" and .threat.technique.id == ["T1070.002"]' "by dd, T1070.002"

# Positive marker, then the absences.
ns_run 'echo x > /var/log/zz-marker && rm /var/log/zz-marker'
wait_for '.event.kind == "alert" and .file.path == "/var/log/zz-marker"' 10 >/dev/null || fail "marker not reported"
n=$(alerts_where '.file.path == "/var/log/lastlog"' | wc -l)
[ "$n" -eq 0 ] && ok "lastlog written by /usr/sbin/agetty: no alert" || fail "$n alerts for lastlog"
n=$(alerts_where '.file.path == "/var/log/auth.log"' | wc -l)
[ "$n" -eq 1 ] && ok "appending to auth.log raises nothing" || fail "$n alerts for auth.log, expected 1"
n=$(alerts_where '.rule.id == "MW-AF-007" and (.file.path == "/var/log/wtmp" or .file.path == "/var/log/btmp")' | wc -l)
[ "$n" -eq 0 ] && ok "login records are MW-AF-006 only" || fail "$n MW-AF-007 on login records"

mw_stop
expect_valid_json
finish
