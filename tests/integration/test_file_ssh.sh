#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# SSH trust: an append to /root/.ssh/authorized_keys through a relative path
# from /root/.ssh comes out as the absolute path; a .ssh directory created
# for a new user after the daemon started is watched at once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"

file_rules_copy
mw_start --rules "$T/rules" || finish

ns_run '
mkdir -m 700 /root/.ssh
echo "ssh-ed25519 AAAAC3Nza old@admin" > /root/.ssh/authorized_keys
echo $$ > '"$T"'/pid1
sleep 0.5
cd /root/.ssh && bash -c "echo \$\$ > '"$T"'/pid2; echo \"ssh-rsa AAAAB3Nz attacker@miner\" >> ./authorized_keys"
mkdir -p /home/alice
mkdir -m 700 /home/alice/.ssh
bash -c "echo \$\$ > '"$T"'/pid3; echo \"ssh-ed25519 AAAAC3 key@evil\" > /home/alice/.ssh/authorized_keys"
true
'
pid2=$(cat "$T/pid2")
pid3=$(cat "$T/pid3")

line=$(expect_one_alert MW-PERSIST-003 ".process.pid == $pid2" "append through ./authorized_keys")
[ -n "$line" ] && {
	expect "$line" '.file.path == "/root/.ssh/authorized_keys"' "resolved to the absolute path"
	expect "$line" '.event.action == "file-write" and .minerwatch.file.append == true' "file-write, append"
	expect "$line" '.threat.technique.id == ["T1098.004"]' "technique T1098.004"
	expect "$line" '.process.working_directory == "/root/.ssh" and .process.name == "bash"' "process context"
}
line=$(expect_one_alert MW-PERSIST-003 '.file.path == "/home/alice/.ssh/authorized_keys"' "key in a .ssh made after start")
[ -n "$line" ] && expect "$line" ".event.action == \"file-create\" and .process.pid == $pid3" "file-create by the writer"

mw_stop
expect_valid_json
finish
