#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# /etc/ld.so.preload written, and chpasswd changing root's password, each
# raise the expected alert. /etc is an overlay on a tmpfs here: the real
# /etc/shadow and /etc/ld.so.preload are never touched.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"

command -v chpasswd >/dev/null || skip "chpasswd not installed"
file_rules_copy
mw_start --rules "$T/rules" || finish

# ld.so.preload last: every program started after it would complain.
ns_run '
echo "root:Winter2026!" | chpasswd
echo /usr/local/lib/libprocesshider.so > /etc/ld.so.preload
'
[ -e /etc/ld.so.preload ] && fail "the host /etc/ld.so.preload exists (must not happen)"

line=$(expect_one_alert MW-PERSIST-005 '.file.path == "/etc/ld.so.preload"' "ld.so.preload written")
[ -n "$line" ] && expect "$line" '.event.action == "file-create" and .process.name == "bash" and .threat.technique.id == ["T1574.006"] and .event.severity >= 85' "file-create, T1574.006"
line=$(expect_one_alert MW-PERSIST-009 '.file.target_path == "/etc/shadow"' "chpasswd")
[ -n "$line" ] && {
	expect "$line" '.process.name == "chpasswd" and .event.action == "rename"' "rename by chpasswd"
	expect "$line" '.threat.technique.id == ["T1098"]' "technique T1098"
}
n=$(alerts_where '.rule.id == "MW-PERSIST-008"' | wc -l)
[ "$n" -eq 0 ] && ok "chpasswd is not a direct write" || fail "$n MW-PERSIST-008 alerts for chpasswd"

mw_stop
expect_valid_json
finish
