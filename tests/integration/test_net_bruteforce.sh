#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Brute force: 30 rapid connections from an "attacker" namespace to an
# sshd started in a "server" namespace (veth between them). Inbound: one
# brute-force alert naming the source address. Outbound: one naming the
# process that made the connections.
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
	expect "$line" '.minerwatch.net.connections >= 30' "counts the connections"
	expect "$line" '.threat.technique.id | index("T1110") != null' "MITRE T1110"
fi
line=$(wait_for '.event.kind == "alert" and .rule.id == "MW-NET-007"' 5) || fail "no outbound brute-force alert"
[ -n "$line" ] && expect "$line" '.process.name == "mwnet" and .destination.ip == "198.51.100.1" and .destination.port == 22' "outbound: names process and target"
sleep 1
n=$(count_of '.event.kind == "alert" and .rule.id == "MW-NET-006"')
[ "$n" -eq 1 ] && ok "one inbound alert per burst" || fail "$n inbound alerts"
mw_stop
[ -n "$made_run_sshd" ] && rmdir /run/sshd 2>/dev/null
expect_valid_json
finish
