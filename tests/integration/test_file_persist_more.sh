#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The persistence rules no other integration test drives, each by the real
# write in a private mount namespace (file_lib.sh: /etc is an overlay):
# sshd_config changed and a drop-in added (MW-PERSIST-004), a sudoers
# drop-in (011), /etc/rc.local and an init script (012), and a program made
# executable directly in /tmp (MW-DROP-003, weak). (Mounts over ld.so.conf
# and /var/spool, 016 and 017, count only in the host's mount namespace:
# test_file_shadow.sh makes them there.) Chown, which no default rule
# reads, is skipped in the kernel; a rule that reads it gets it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"

file_rules_copy
cp "$MW_ROOT/rules/behaviour.json" "$T/rules/"
chmod 644 "$T/rules"/*.json
mw_start --rules "$T/rules" || finish

ns_run '
printf "\nPermitRootLogin yes\n" >> /etc/ssh/sshd_config
mkdir -p /etc/ssh/sshd_config.d
printf "PasswordAuthentication yes\n" > /etc/ssh/sshd_config.d/00-mw.conf
mkdir -p -m 0750 /etc/sudoers.d
printf "mw ALL=(ALL) NOPASSWD:ALL\n" > /etc/sudoers.d/mw
printf "#!/bin/sh\n/root/.bashtemp/run &\nexit 0\n" > /etc/rc.local
chmod +x /etc/rc.local
mkdir -p /etc/init.d
printf "#!/bin/sh\n/root/.bashtemp/run &\n" > /etc/init.d/mw-update
'

line=$(expect_one_alert MW-PERSIST-004 '.file.path == "/etc/ssh/sshd_config"' "sshd_config appended")
[ -n "$line" ] && expect "$line" '.process.name == "bash" and .event.severity >= 50' "by the shell, severity 50 or more"
expect_one_alert MW-PERSIST-004 '.file.path == "/etc/ssh/sshd_config.d/00-mw.conf"' "sshd drop-in" >/dev/null
line=$(expect_one_alert MW-PERSIST-011 '.file.path == "/etc/sudoers.d/mw"' "sudoers drop-in")
[ -n "$line" ] && expect "$line" '.event.action == "file-create"' "sudoers drop-in created"
expect_one_alert MW-PERSIST-012 '.file.path == "/etc/rc.local"' "rc.local written" >/dev/null
expect_one_alert MW-PERSIST-012 '.file.path == "/etc/init.d/mw-update"' "init script written" >/dev/null

# A program made executable directly in /tmp: weak on its own.
drop=/tmp/mwdrop-$$
cp "$MW_HELPERS/marker" "$drop"
chmod 0755 "$drop"
rm -f "$drop"
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-DROP-003\" and .file.path == \"$drop\"" 10) &&
	ok "an executable copied into /tmp is MW-DROP-003" ||
	fail "no MW-DROP-003 for $drop"
[ -n "$line" ] && expect "$line" '.event.severity < 50 and .process.name == "cp"' "weak (below 50), by cp"

# No default rule reads a chown: the kernel skips them (the started event
# says so). A rule that does read them gets them.
expect "$(jq -c 'select(.event.action == "started")' "$OUT")" \
	'.minerwatch.file_ops_skipped == ["chown"]' "default rules: chown skipped in the kernel"
mw_stop
cat >"$T/rules/zz-chown.json" <<'JSON'
{"rules": [{"id": "TEST-CHOWN", "name": "test: chown in cron.d", "event": "file",
  "condition": {"all": [{"field": "file.path", "prefix": "/etc/cron.d/"},
                        {"field": "event.action", "eq": "chown"}]},
  "severity": 40, "mitre": {"techniques": ["T1222.002"]}}]}
JSON
chmod 644 "$T/rules/zz-chown.json"
: >"$OUT"
mw_start --rules "$T/rules" || finish
expect "$(jq -c 'select(.event.action == "started")' "$OUT")" \
	'.minerwatch.file_ops_skipped == []' "with a chown rule: nothing skipped"
ns_run 'echo "# x" > /etc/cron.d/mwowned; chown 1000:1000 /etc/cron.d/mwowned'
line=$(wait_for '.event.kind == "alert" and .rule.id == "TEST-CHOWN" and .file.path == "/etc/cron.d/mwowned"' 10) &&
	ok "a chown rule sees the chown" || fail "no TEST-CHOWN alert for the chown"
mw_stop
expect_valid_json
finish
