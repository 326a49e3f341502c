#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The SSH incident replayed end to end, with the daemon enforcing: the
# attacker adds a key to root's authorized_keys, changes the password,
# keeps a renamed miner and its restart script in /root/.bashtemp, installs
# five root cron entries (crontab tool and a direct write), starts the
# miner, which logs in to a pool over stratum, and wipes the logs and the
# shell history. Every step must come out as an alert with its ATT&CK
# technique, the miner must be cut off and killed before the pool sees a
# login, and nothing may be lost. Assertions name techniques, not rule ids:
# this is what a SOC would look for.
#
# Everything happens in a private mount namespace (overlay on /etc, tmpfs
# on /root, /var/log, /var/spool/cron) and on loopback.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
. "$(dirname "$0")/file_lib.sh"

PORT=$((30000 + $$ % 20000))
rules_copy
mw_start --rules "$T/rules" --enforce || finish
bg "$MW_HELPERS/mwnet" listen 127.0.0.1 "$PORT" "$T/pool" 10 >"$T/listen"
wait_file "$T/listen" ready || fail "fake pool did not start"

ns_run "
	# A trust relationship: no password needed again.
	mkdir -p /root/.ssh && chmod 700 /root/.ssh
	echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKattacker attacker@203.0.113.7' >> /root/.ssh/authorized_keys
	# The 3 a.m. password change.
	echo 'root:Tr0ub4dor&3' | chpasswd
	# The miner (a renamed binary: the name tells nothing) and its script.
	mkdir -p /root/.bashtemp
	cp '$MW_HELPERS/mwnet' /root/.bashtemp/kswapd0
	printf '#!/bin/sh\ncd /root/.bashtemp && ./kswapd0 stratum 127.0.0.1 $PORT\n' > /root/.bashtemp/run.sh
	chmod +x /root/.bashtemp/run.sh
	# Five root cron entries: through the crontab tool, then written directly.
	for i in 1 2 3 4 5; do echo \"*/\$i * * * * /root/.bashtemp/run.sh >/dev/null 2>&1\"; done | crontab -
	echo '@reboot /root/.bashtemp/run.sh' >> /var/spool/cron/crontabs/root
	# The miner runs (as cron would start it).
	/root/.bashtemp/run.sh > $T/miner.out 2>&1
	echo \$? > $T/miner.rc
	# Covering tracks.
	echo 'Nov 22 03:01:02 host sshd[1]: Accepted password for root' > /var/log/auth.log
	touch /var/log/wtmp
	: > /var/log/auth.log
	rm -f /var/log/wtmp
	ln -sf /dev/null /root/.bash_history
"
rc=$?
[ "$rc" -ne 99 ] || fail "namespace safety check failed"

# The miner: cut off in the kernel before its login left, and killed.
[ "$(cat "$T/miner.rc" 2>/dev/null)" = 137 ] && ok "miner killed (exit 137)" ||
	fail "miner exit $(cat "$T/miner.rc" 2>/dev/null), want 137"
sleep 0.3
[ ! -s "$T/pool" ] && ok "the pool never saw a login" || fail "pool received: $(head -c 80 "$T/pool")"

# technique ID [what]: an alert carrying that ATT&CK technique.
technique() {
	if wait_for ".event.kind == \"alert\" and (.threat.technique.id | index(\"$1\")) != null" 10 >/dev/null; then
		ok "$1: $2"
	else
		fail "no alert with $1 ($2)"
	fi
}
technique T1098.004 "attacker key added to authorized_keys"
technique T1098 "password changed"
technique T1053.003 "root cron entries"
technique T1564.001 "programs run from the hidden directory"
technique T1496 "mining (stratum login)"
technique T1070.002 "logs truncated and deleted"
technique T1070.003 "shell history linked to /dev/null"

line=$(wait_for '.event.kind == "alert" and .minerwatch.net.stratum.method == "login"') || fail "no stratum alert"
if [ -n "$line" ]; then
	expect "$line" '.process.executable == "/root/.bashtemp/kswapd0"' "the stratum alert names the renamed miner"
	expect "$line" '.minerwatch.ancestry | map(.exec_path // .executable) | any(. != null and test("run.sh|dash|sh$"))' \
		"its lineage leads to the restart script"
fi
line=$(wait_for '.event.action == "kill" and .process.executable == "/root/.bashtemp/kswapd0"') || fail "no kill event for the miner"
[ -n "$line" ] && expect "$line" '.event.outcome == "success"' "kill reported as a success"
line=$(wait_for '.event.kind == "alert" and .file.path == "/root/.ssh/authorized_keys"') || fail "no authorized_keys alert"
[ -n "$line" ] && expect "$line" '.process.name == "bash" and .event.severity >= 70' "key alert: process and severity"
n=$(count_of '.event.kind == "alert" and (.file.path // "" | startswith("/var/spool/cron/crontabs/"))')
[ "$n" -ge 1 ] && ok "cron alerts name the real crontab path ($n)" || fail "no crontab path in the cron alerts"

mw_stop
lost=$(jq -s '[.[] | select(.event.action == "stopped")][0].minerwatch.counters | .events_lost + .alerts_lost + .findings_lost' "$OUT")
[ "$lost" = 0 ] && ok "nothing lost" || fail "$lost records lost"
expect_valid_json
finish
