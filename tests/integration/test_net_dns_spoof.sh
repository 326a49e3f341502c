#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# DNS answers are taken only as replies to a query this host sent (socket,
# port and transaction id). An unprivileged user in a user+net namespace of
# its own sends 64 "answers" from port 53 that nobody asked for, naming a
# pool domain for an address, then connects to that address: the connect
# must not carry the domain, and the drops are counted. A real lookup
# afterwards (a tiny DNS server in a namespace) is still learned: the
# marker that the daemon read past the spoofed ones.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

PORT=3333 # a pool port: the connect itself raises MW-NET-001
SPOOFED=198.51.100.9
REAL=198.51.100.10
command -v setpriv >/dev/null || skip "no setpriv"
[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3"

cat >"$T/spoof.py" <<'PY'
# Unsolicited DNS answers from port 53 to a socket that asked nothing.
import socket, struct, sys, time
name, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rx.bind(("127.0.0.1", 0))
tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
tx.bind(("127.0.0.1", 53))
q = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
for txid in range(64):
    m = struct.pack(">HHHHHH", txid, 0x8180, 1, 1, 0, 0) + q
    m += struct.pack(">HH", 1, 1) + b"\xc0\x0c"
    m += struct.pack(">HHIH", 1, 1, 60, 4) + socket.inet_aton(addr)
    tx.sendto(m, rx.getsockname())
time.sleep(0.5)
c = socket.socket()
c.settimeout(1)
try:
    c.connect((addr, port))
except OSError:
    pass
print("done", flush=True)
PY
chmod 644 "$T/spoof.py"

rules_copy
mw_start --rules "$T/rules" --stats-interval 1 || finish

# As nobody, in a user+net namespace of its own.
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn sh -c \
	"ip link set lo up && ip addr add $SPOOFED/32 dev lo && /usr/bin/python3 $T/spoof.py pool.supportxmr.com $SPOOFED $PORT" 2>&1)
echo "$out" | grep -q done || skip "cannot run as nobody in a user+net namespace: $out"
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-NET-001\" and .destination.ip == \"$SPOOFED\"") ||
	fail "the connect after the spoofed answers was not seen"
[ -n "$line" ] && expect "$line" '.destination.domain == null' \
	"the spoofed answers named nothing: no destination.domain"

# A real lookup still teaches its name.
netns_new dnsspoof || fail "ip netns add"
ip -n "$NS" addr add "$REAL/32" dev lo
bg ip netns exec "$NS" "$MW_HELPERS/mwnet" dns-server 127.0.0.1 "$REAL" 10 >"$T/dns"
wait_file "$T/dns" ready || fail "dns server did not start"
ip netns exec "$NS" "$MW_HELPERS/mwnet" resolve-connect 127.0.0.1 x.nanopool.org "$PORT" >/dev/null 2>&1
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-NET-002\" and .destination.ip == \"$REAL\"") ||
	fail "a real answer was not learned"
[ -n "$line" ] && expect "$line" '.destination.domain == "x.nanopool.org"' "a real answer is learned"
[ "$(count_of '.destination.domain == "pool.supportxmr.com"')" -eq 0 ] &&
	ok "nothing carries the spoofed domain" || fail "the spoofed domain was learned"

# The drops are counted in the health event.
line=$(wait_for '([.. | .net_dns_unsolicited? // empty | numbers] | max // 0) >= 64' 5) ||
	fail "no health event counting >= 64 unsolicited answers"

mw_stop
expect_valid_json
finish
