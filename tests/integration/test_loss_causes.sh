#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Every kernel drop has its cause's counter. Forced here, each on its own:
#  - a ring too small for a storm of reported connects (--ring-size
#    events=64K, the smallest allowed; UDP connect() to a TEST-NET address
#    is the cheapest record to cause: one per call, no packet sent; the
#    daemon is held stopped for its first second, as a descheduled reader):
#    events_lost counts it, reported in events_lost state events that add
#    up to it, and the other rings lost nothing;
#  - a TCP flow that sends junk past the stratum reader's byte budget:
#    net_stratum_budget_spent;
# and flow state is lazy: 200 connects that send nothing open no flow
# (net_flows), a flow that sends opens one.
. "$(dirname "$0")/lib.sh"

rules_copy

# 1. A tiny telemetry ring under a connect storm.
mw_start --rules "$T/rules" --ring-size events=64K || finish
st=$(jq -c 'select(.event.action == "started")' "$OUT" | head -n 1)
expect "$st" '.minerwatch.rings.events == 65536' "started names the events ring's size (64 KiB)"
expect "$st" '.minerwatch.rings.alerts == 524288 and .minerwatch.rings.findings == 1048576' \
	"the other rings keep their built-in sizes"
# The reader drains a ring early once it is a quarter full, so it keeps up
# with one storm: hold the daemon stopped (a descheduled reader) for the
# first second of it.
kill -STOP "$MW_PID"
(sleep 1; kill -CONT "$MW_PID") &
python3 - >"$T/e.out" <<'EOF'
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
n, end = 0, time.time() + 2
while time.time() < end:
    for _ in range(100):
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: nothing is sent
        except OSError:
            pass
        n += 1
print("%d UDP connects in 2 s" % n)
EOF
log "storm: $(cat "$T/e.out")"
sleep 1.5 # the next loss check reports the last of them
mw_stop
stopped=$(jq -c 'select(.event.action == "stopped") | .minerwatch.counters' "$OUT" | tail -n 1)
expect "$stopped" '.events_lost > 0' "the 64 KiB ring overflowed: events_lost > 0"
expect "$stopped" '.alerts_lost == 0 and .findings_lost == 0' "only that ring lost records"
got=$(jq -s '[.[] | select(.event.action == "events_lost") | .minerwatch.lost.events] | add // 0' "$OUT")
want=$(printf '%s' "$stopped" | jq .events_lost)
[ "$got" = "$want" ] && ok "events_lost state events add up to the counter ($got)" ||
	fail "events_lost state events say $got, the counter $want"

# 2 and 3. Payload-less connects, then one flow of junk.
PORT=$((20000 + $$ % 20000))
mw_start --rules "$T/rules" || finish
python3 - "$PORT" <<'EOF' &
import socket, sys, time
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", int(sys.argv[1])))
ls.listen(512)
ls.settimeout(1)
end = time.time() + 20
while time.time() < end:
    try:
        c, _ = ls.accept()
    except socket.timeout:
        continue
    c.settimeout(0.2)
    try:
        while c.recv(65536):
            pass
    except OSError:
        pass
    c.close()
EOF
srv=$!
sleep 0.5
"$MW_HELPERS/mwnet" repeat 127.0.0.1 "$PORT" 200 >"$T/rep" 2>&1 || log "repeat: $(cat "$T/rep")"
python3 - "$PORT" <<'EOF'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for i in range(12):  # 12 x 1000 bytes: past the 8 KiB the reader reads
    s.send(b"x" * 999 + b"\n")
    time.sleep(0.05)
s.close()
EOF
sleep 0.5
mw_stop
kill "$srv" 2>/dev/null
wait "$srv" 2>/dev/null
stopped=$(jq -c 'select(.event.action == "stopped") | .minerwatch.counters' "$OUT" | tail -n 1)
log "counters: $(printf '%s' "$stopped" | jq -c '{net_seen, net_flows, net_flows_unowned, net_stratum_budget_spent, net_unparsed, net_no_slot}')"
expect "$stopped" '.net_seen >= 200' "the connects were seen"
# Other processes on the machine may open a flow or two meanwhile.
expect "$stopped" '.net_flows >= 1 and .net_flows < 20' "200 payload-less connects opened no flow; the junk flow did"
expect "$stopped" '.net_stratum_budget_spent >= 1' "junk past the byte budget: net_stratum_budget_spent"
n=$(count_of '.event.kind == "alert" and .rule.id == "MW-NET-003"')
[ "$n" -eq 0 ] && ok "junk is not stratum" || fail "$n stratum alerts on junk"
expect_valid_json
finish
