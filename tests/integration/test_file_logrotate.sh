#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# logrotate doing its documented job on a watched log (copytruncate, then
# compress and delete old rotations) raises no alert of severity 50 or
# more, although the sensor does see the truncation (checked with
# --events).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"

command -v logrotate >/dev/null || skip "logrotate not installed"
file_rules_copy
mw_start --rules "$T/rules" --events || finish

ns_run '
mkdir -p /var/log/app
seq 1 500 | sed "s/^/app line /" > /var/log/app/app.log
cat > /etc/logrotate.d/mw-test <<CONF
/var/log/app/app.log {
	rotate 1
	copytruncate
	compress
	missingok
}
CONF
chmod 644 /etc/logrotate.d/mw-test
# Twice: the second run compresses anew and deletes the older rotation.
logrotate -f -s /var/log/app/state /etc/logrotate.d/mw-test
seq 1 50 >> /var/log/app/app.log
logrotate -f -s /var/log/app/state /etc/logrotate.d/mw-test
ls /var/log/app > '"$T"'/after
'
grep -q "app.log.1.gz" "$T/after" && ok "logrotate rotated and compressed" || fail "logrotate did not rotate: $(cat "$T/after")"

line=$(wait_for '.event.kind == "event" and .event.action == "truncate" and .file.path == "/var/log/app/app.log" and .process.name == "logrotate"') &&
	ok "the copytruncate truncation was seen" || fail "no truncate event from logrotate"
[ -n "$line" ] && expect "$line" '.minerwatch.file.size_before > 0 and .minerwatch.file.size_after == 0' "sizes of the truncation"
sleep 0.5
n=$(alerts_where '.event.severity >= 50' | wc -l)
if [ "$n" -eq 0 ]; then
	ok "no alert of severity >= 50"
else
	fail "$n alerts of severity >= 50"
	alerts_where '.event.severity >= 50' | jq -c '[.rule.id, .event.action, .file.path, .process.name]' >&2
fi

mw_stop
expect_valid_json
finish
