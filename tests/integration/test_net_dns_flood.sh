#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The DNS sensor's rate limit under a flood of real, solicited answers: in
# a network namespace of the test's own, a client sends 2000 queries (one
# socket, distinct transaction ids) to a server that answers every one.
# At most DNS_ANSWERS_PER_SEC (256) per CPU and second reach userspace; the
# rest are dropped and counted (net_dns_rate_limited), never silently lost;
# and exec records still get through while the flood runs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3"
N=2000
cat >"$T/flood.py" <<'PY'
# N queries from one socket to a local server that answers each at once.
import socket, struct, sys, threading, time
n = int(sys.argv[1])
t0 = time.monotonic()
srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
srv.bind(("127.0.0.1", 53))
def serve():
    for _ in range(n):
        m, peer = srv.recvfrom(512)
        a = m[:2] + struct.pack(">HHHHH", 0x8180, 1, 1, 0, 0) + m[12:]
        a += b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4)
        a += socket.inet_aton("198.51.100.77")
        srv.sendto(a, peer)
t = threading.Thread(target=serve, daemon=True)
t.start()
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.settimeout(2)
q = b"\x05flood\x07example\x00" + struct.pack(">HH", 1, 1)
got = 0
for i in range(n):
    c.sendto(struct.pack(">HHHHHH", i & 0xffff, 0x0100, 1, 0, 0, 0) + q,
             ("127.0.0.1", 53))
    try:
        c.recv(512)
        got += 1
    except OSError:
        pass
print("answers", got, int(time.monotonic() - t0) + 1, flush=True)
PY
chmod 644 "$T/flood.py"

netns_new dnsflood || skip "cannot create a network namespace"
rules_copy
mw_start --rules "$T/rules" --stats-interval 1 || finish

ip netns exec "$NS" /usr/bin/python3 "$T/flood.py" "$N" >"$T/flood.out" 2>&1 &
fpid=$!
# An exec during the flood still reaches the rules.
mkdir -p "$T/.h"
cp "$MW_HELPERS/marker" "$T/.h/kdevtmpfsi"
"$T/.h/kdevtmpfsi" "$T/ran"
wait "$fpid"
got=$(awk '/^answers/ {print $2}' "$T/flood.out")
secs=$(awk '/^answers/ {print $3}' "$T/flood.out")
[ "${got:-0}" -eq "$N" ] && ok "$N queries answered" || fail "flood: $(cat "$T/flood.out")"
wait_for ".event.kind == \"alert\" and .process.executable == \"$T/.h/kdevtmpfsi\"" >/dev/null &&
	ok "an exec during the flood is judged" || fail "the exec during the flood was lost"

sleep 1.5
mw_stop
# Counters are totals since start: the stopped event has the final ones.
final() { jq -s "[.[] | select(.event.action == \"stopped\") | .. | .$1? // empty | numbers] | max // 0" "$OUT"; }
limited=$(final net_dns_rate_limited)
sent=$(final net_dns_answers)
log "answers to userspace $sent, rate-limited $limited"
cpus=$(nproc)
# The flood took up to secs seconds: at most (secs + 1) windows per CPU.
cap=$(((${secs:-1} + 1) * 256 * cpus))
[ "$limited" -ge $((N - cap)) ] && [ "$limited" -gt 0 ] && ok "the excess is dropped and counted ($limited)" ||
	fail "only $limited answers counted as rate-limited (cap $cap)"
[ "$sent" -le $((cap + 64)) ] && ok "at most 256 per CPU and second passed ($sent in ${secs} s)" ||
	fail "$sent answers passed the limit (cap $cap)"
[ $((limited + sent)) -ge "$N" ] && ok "every answer is either passed or counted ($sent + $limited >= $N)" ||
	fail "answers unaccounted: $sent passed + $limited limited < $N"
expect_valid_json
finish
