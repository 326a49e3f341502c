#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# An open with no path: authorized_keys opened for appending with
# open_by_handle_at (its handle from name_to_handle_at) raises the same
# alert as an open by name, with the real path from the struct file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"

H=$MW_HELPERS/handle_open
[ -x "$H" ] || skip "build the helpers (make build/tests/helpers/handle_open)"
file_rules_copy
mw_start --rules "$T/rules" || finish

ns_run '
cp '"$H"' "$NS/handle_open"; chmod 755 "$NS/handle_open"
mkdir -p -m 700 /root/.ssh
echo "ssh-ed25519 AAAAC3Nza old@admin" > /root/.ssh/authorized_keys
"$NS/handle_open" /root/.ssh/authorized_keys "ssh-rsa AAAAB3Nz attacker@handle
"; echo $? > '"$T"'/rc
'
rc=$(cat "$T/rc")
[ "$rc" = 3 ] && skip "no file handles on this filesystem"
[ "$rc" = 0 ] || fail "handle_open failed ($rc)"

line=$(expect_one_alert MW-PERSIST-003 '.file.path == "/root/.ssh/authorized_keys" and .process.name == "handle_open"' "open_by_handle_at of authorized_keys")
[ -n "$line" ] && expect "$line" '.event.action == "file-write" and .minerwatch.file.append == true and .threat.technique.id == ["T1098.004"]' "append, T1098.004"

mw_stop
expect_valid_json
finish
