#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Brute force: 30 rapid connections from an "attacker" namespace to an
# sshd started in a "server" namespace (veth between them). Inbound: one
# brute-force alert naming the source address. Outbound: one naming the
# process that made the connections. Then the real tool, hydra, against the
# same sshd: named at exec (MW-RECON-004) and by its connections (MW-NET-007).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

need ssh-keygen
[ -x /usr/sbin/sshd ] || skip "sshd not installed (openssh-server: tools/deps.sh test)"
netns_new srv || skip "cannot create a network namespace"
SRV=$NS
netns_new atk || skip "cannot create a network namespace"
ATK=$NS
ip -n "$SRV" link add mwv0 type veth peer name mwv1 netns "$ATK"
ip -n "$SRV" addr add 198.51.100.1/24 dev mwv0
ip -n "$ATK" addr add 198.51.100.2/24 dev mwv1
ip -n "$SRV" link set mwv0 up
ip -n "$ATK" link set mwv1 up

# sshd wants its privilege separation directory; leave it if it existed.
made_run_sshd=
[ -d /run/sshd ] || { mkdir -p -m 0755 /run/sshd && made_run_sshd=1; }
ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey" || fail "ssh-keygen"
cat >"$T/sshd_config" <<CONF
Port 22
ListenAddress 198.51.100.1
HostKey $T/hostkey
PidFile $T/sshd.pid
UsePAM no
PasswordAuthentication yes
MaxStartups 100
LoginGraceTime 5
CONF

rules_copy
mw_start --rules "$T/rules" || finish
bg ip netns exec "$SRV" /usr/sbin/sshd -D -e -f "$T/sshd_config" 2>"$T/sshd.log"
for i in $(seq 1 50); do
	ip netns exec "$ATK" "$MW_HELPERS/mwnet" connect 198.51.100.1 22 >/dev/null && break
	sleep 0.1
done
out=$(ip netns exec "$ATK" "$MW_HELPERS/mwnet" repeat 198.51.100.1 22 30)
[ "$out" = "30 of 30 connected" ] && ok "30 rapid connections to sshd" || fail "client: $out"

line=$(wait_for '.event.kind == "alert" and .rule.id == "MW-NET-006"' 8) || fail "no inbound brute-force alert"
if [ -n "$line" ]; then
	expect "$line" '.source.ip == "198.51.100.2"' "names the source address"
	expect "$line" '.destination.port == 22 and .network.direction == "ingress"' "names the login port"
	expect "$line" '.minerwatch.net.connections >= 12' "counts the connections (at the threshold)"
	expect "$line" '.threat.technique.id | index("T1110") != null' "MITRE T1110"
fi
line=$(wait_for '.event.kind == "alert" and .rule.id == "MW-NET-007"' 5) || fail "no outbound brute-force alert"
[ -n "$line" ] && expect "$line" '.process.name == "mwnet" and .destination.ip == "198.51.100.1" and .destination.port == 22' "outbound: names process and target"
sleep 1
n=$(count_of '.event.kind == "alert" and .rule.id == "MW-NET-006"')
[ "$n" -eq 1 ] && ok "one inbound alert per burst" || fail "$n inbound alerts"

# The real tool: hydra against the same sshd. Against OpenSSH it is slow:
# -t 6 opens 6 connections every 32 s (each tries several passwords), so
# the threshold (12) is crossed at the second batch, about 32 s in.
if command -v hydra >/dev/null; then
	for i in $(seq 1 60); do echo "mw-not-the-password-$i"; done >"$T/pw"
	ip netns exec "$ATK" hydra -l root -P "$T/pw" -t 6 -I \
		ssh://198.51.100.1 >"$T/hydra.out" 2>&1 &
	hpid=$!
	line=$(wait_for '.event.kind == "alert" and .rule.id == "MW-RECON-004" and .process.name == "hydra"' 10) &&
		ok "hydra executed: MW-RECON-004" || fail "no MW-RECON-004 for hydra"
	line=$(wait_for '.event.kind == "alert" and .rule.id == "MW-NET-007" and .process.name == "hydra"' 75) &&
		ok "hydra's slow connections: outbound brute force (MW-NET-007) names hydra" ||
		fail "no MW-NET-007 naming hydra within 75 s: $(tail -n 2 "$T/hydra.out")"
	[ -n "$line" ] && expect "$line" ".destination.port == 22 and .minerwatch.net.connections >= 12 and .process.pid == $hpid" \
		"hydra's pid, :22, 12 connections"
	kill "$hpid" 2>/dev/null
	wait "$hpid" 2>/dev/null
else
	log "hydra not installed (tools/deps.sh test): the real-tool half not run"
fi
mw_stop
[ -n "$made_run_sshd" ] && rmdir /run/sshd 2>/dev/null
expect_valid_json
finish
