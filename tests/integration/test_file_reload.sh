#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A new watched path is a rule change: a file rule added by a reload
# (SIGHUP) puts its path into the kernel's watch maps, and a rule removed
# by a reload takes it out again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"

file_rules_copy
mw_start --rules "$T/rules" --events || finish

write_conf() {
	ns_run "echo 'x=1' > /etc/mw-reload-test.conf; echo 'x=2' >> /etc/mw-reload-test.conf"
	sleep 0.5
}
n_events() { count_of '.file.path == "/etc/mw-reload-test.conf"'; }

write_conf
[ "$(n_events)" -eq 0 ] && ok "unwatched path: nothing crossed" || fail "records for an unwatched path"

cat >"$T/rules/site.json" <<'JSON'
{"rules": [{"id": "SITE-001", "name": "site config changed", "event": "file",
  "condition": {"field": "file.path", "eq": "/etc/mw-reload-test.conf"},
  "severity": 40, "mitre": {"techniques": ["T1565.001"]}}]}
JSON
chmod 644 "$T/rules/site.json"
kill -HUP "$MW_PID"
wait_for '.event.action == "rules_reloaded"' >/dev/null || fail "no rules_reloaded"
write_conf
line=$(wait_for '.event.kind == "alert" and .rule.id == "SITE-001"') || fail "no alert after the reload added the path"
[ -n "$line" ] && expect "$line" '.file.path == "/etc/mw-reload-test.conf" and .event.action == "file-create"' "the new rule fires"
[ "$(count_of '.event.kind == "alert" and .rule.id == "SITE-001"')" -eq 2 ] && ok "create and append: two alerts" ||
	fail "$(count_of '.event.kind == "alert" and .rule.id == "SITE-001"') SITE-001 alerts, expected 2"

rm "$T/rules/site.json"
before=$(n_events)
kill -HUP "$MW_PID"
for i in $(seq 1 50); do
	[ "$(count_of '.event.action == "rules_reloaded"')" -ge 2 ] && break
	sleep 0.1
done
[ "$(count_of '.event.action == "rules_reloaded"')" -ge 2 ] || fail "no second rules_reloaded"
write_conf
[ "$(n_events)" -eq "$before" ] && ok "rule removed: the path left the kernel maps" || fail "records after the rule was removed"

mw_stop
expect_valid_json
finish
