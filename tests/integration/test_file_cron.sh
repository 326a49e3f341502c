#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Cron persistence: `crontab -` as root, a direct write of root's crontab,
# a file dropped into /etc/cron.d/, and chattr +i on the crontab each raise
# exactly the expected alert (path, operation, process, technique).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"

file_rules_copy
mw_start --rules "$T/rules" || finish

ns_run '
echo "* * * * * /root/.bashtemp/run.sh" | crontab -
echo "*/5 * * * * /root/.bashtemp/run.sh" > /var/spool/cron/crontabs/root
echo "* * * * * root /root/.bashtemp/run.sh" > /etc/cron.d/0hourly-update
chattr +i /var/spool/cron/crontabs/root && chattr -i /var/spool/cron/crontabs/root
'

line=$(expect_one_alert MW-PERSIST-002 '.process.name == "crontab"' "crontab -")
[ -n "$line" ] && {
	expect "$line" '.event.action == "rename" and .file.target_path == "/var/spool/cron/crontabs/root"' "rename onto root's crontab"
	expect "$line" '(.file.path | startswith("/var/spool/cron/crontabs/tmp."))' "source is crontab's temp file"
	expect "$line" '.threat.technique.id == ["T1053.003"]' "technique T1053.003"
}
n=$(alerts_where '.rule.id == "MW-PERSIST-001" and .process.name == "crontab"' | wc -l)
[ "$n" -eq 0 ] && ok "crontab tool is not a direct write" || fail "crontab raised $n MW-PERSIST-001"

line=$(expect_one_alert MW-PERSIST-001 '.file.path == "/var/spool/cron/crontabs/root" and .process.name == "bash"' "direct write of root's crontab")
[ -n "$line" ] && {
	expect "$line" '.event.action == "truncate" or .event.action == "file-write"' "write operation"
	expect "$line" '.threat.technique.id == ["T1053.003"] and .event.severity >= 70' "T1053.003, high severity"
	expect "$line" '.process.user.id == "0" and (.process.pid | type) == "number"' "process context"
}

line=$(expect_one_alert MW-PERSIST-001 '.file.path == "/etc/cron.d/0hourly-update"' "file written into /etc/cron.d")
[ -n "$line" ] && expect "$line" '.event.action == "file-create" and .file.directory == "/etc/cron.d"' "file-create in /etc/cron.d"

line=$(expect_one_alert MW-PERSIST-013 '.file.path == "/var/spool/cron/crontabs/root"' "chattr +i on the crontab")
[ -n "$line" ] && {
	expect "$line" '.event.action == "chattr" and .minerwatch.file.immutable == true' "immutable flag reported"
	expect "$line" '.process.name == "chattr" and .threat.technique.id == ["T1222.002"]' "chattr, T1222.002"
}
n=$(alerts_where '.rule.id == "MW-PERSIST-013" and .minerwatch.file.immutable == false' | wc -l)
[ "$n" -eq 0 ] && ok "chattr -i raises nothing" || fail "chattr -i raised $n alerts"

mw_stop
expect_valid_json
finish
