#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# DNS awareness: inside a test namespace a tiny DNS server on loopback
# answers a pool domain with an address of the namespace; the connect that
# follows carries destination.domain and the pool-domain rule matches. In
# enforce mode a domain block rule makes the kernel refuse the addresses
# learned for that domain (EPERM) while others still connect, and so does
# the shipped pool-domain rule (MW-NET-008). The entry is
# added when the daemon has read the answer: a connect racing it within
# the same millisecond may still pass (docs/network-sensor.md), so the
# test checks the connects that follow.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

PORT=$((20000 + $$ % 20000))
netns_new dns || skip "cannot create a network namespace"
ip -n "$NS" addr add 198.51.100.7/32 dev lo
ip -n "$NS" addr add 198.51.100.8/32 dev lo
ip -n "$NS" addr add 127.0.0.2/8 dev lo 2>/dev/null
in_ns() { ip netns exec "$NS" "$@"; }

rules_copy
# MW-NET-008 ships disabled (pools may be legitimate somewhere); enabled
# here as an operator would.
jq '(.rules[] | select(.id == "MW-NET-008") | .enabled) = true' \
	"$T/rules/network.json" >"$T/network.json" && cat "$T/network.json" >"$T/rules/network.json" ||
	fail "could not enable MW-NET-008"
cat >"$T/rules/zz-test-domain.json" <<JSON
{"rules": [{
  "id": "TEST-NET-DOMAIN-BLOCK", "name": "test: block a domain", "event": "net",
  "condition": {"field": "destination.domain", "glob": "*.blocked.example"},
  "severity": 50, "mitre": {"techniques": ["T1496"]}, "action": "block"
}]}
JSON
bg ip netns exec "$NS" "$MW_HELPERS/mwnet" dns-server 127.0.0.1 198.51.100.7 90 >"$T/dns1"
bg ip netns exec "$NS" "$MW_HELPERS/mwnet" dns-server 127.0.0.2 198.51.100.8 90 >"$T/dns2"
bg ip netns exec "$NS" "$MW_HELPERS/mwnet" listen 0.0.0.0 "$PORT" "$T/recv" 90 >"$T/listen"
wait_file "$T/dns1" ready && wait_file "$T/dns2" ready && wait_file "$T/listen" ready ||
	fail "servers did not start"

mw_start --rules "$T/rules" || finish
out=$(in_ns "$MW_HELPERS/mwnet" resolve-connect 127.0.0.1 pool.supportxmr.com "$PORT")
echo "$out" | grep -q '198.51.100.7' && echo "$out" | grep -q connected &&
	ok "resolved and connected" || fail "client: $out"
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-NET-002\"") || fail "no pool-domain alert"
if [ -n "$line" ]; then
	expect "$line" '.destination.domain == "pool.supportxmr.com"' "event carries destination.domain"
	expect "$line" ".destination.ip == \"198.51.100.7\" and .destination.port == $PORT" "and the address"
	expect "$line" '.process.name == "mwnet"' "and the process"
fi
mw_stop

mw_start --rules "$T/rules" --enforce || finish
out=$(in_ns "$MW_HELPERS/mwnet" resolve-connect 127.0.0.2 c.blocked.example "$PORT")
echo "$out" | grep -q '198.51.100.8' && ok "resolved c.blocked.example" || fail "client: $out"
wait_for '.destination.domain == "c.blocked.example"' >/dev/null || fail "connect to the blocked domain not reported"
out=$(in_ns "$MW_HELPERS/mwnet" connect 198.51.100.8 "$PORT")
[ "$out" = EPERM ] && ok "enforce: learned address of a blocked domain refused" ||
	fail "enforce: $out, want EPERM"
line=$(wait_for ".event.action == \"block\" and .rule.id == \"TEST-NET-DOMAIN-BLOCK\" and .event.outcome == \"success\"") || fail "no block event"
[ -n "$line" ] && expect "$line" '.event.outcome == "success" and .destination.domain == "c.blocked.example" and .destination.ip == "198.51.100.8"' "block event names domain and address"
out=$(in_ns "$MW_HELPERS/mwnet" resolve-connect 127.0.0.1 www.other.example "$PORT")
echo "$out" | grep -q connected && ok "enforce: other domains unaffected" || fail "other domain: $out"
# The shipped rule (enabled above): a pool's domain (MW-NET-008) is blocked.
in_ns "$MW_HELPERS/mwnet" resolve-connect 127.0.0.1 pool.supportxmr.com "$PORT" >/dev/null
wait_for '.destination.domain == "pool.supportxmr.com"' >/dev/null || fail "the pool domain's connect not reported"
out=$(in_ns "$MW_HELPERS/mwnet" connect 198.51.100.7 "$PORT")
[ "$out" = EPERM ] && ok "enforce: a pool domain's learned address refused" ||
	fail "enforce: pool domain: $out, want EPERM"
line=$(wait_for '.event.action == "block" and .rule.id == "MW-NET-008" and .destination.ip == "198.51.100.7" and .event.outcome == "success"') ||
	fail "no successful MW-NET-008 block event"
[ -n "$line" ] && expect "$line" '.destination.domain == "pool.supportxmr.com"' \
	"MW-NET-008 names the pool domain"
mw_stop
expect_valid_json
finish
