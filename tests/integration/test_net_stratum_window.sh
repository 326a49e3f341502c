#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The stratum window past the kernel's budget (issue 14 item 2): a client
# that sends more than MW_STRATUM_FLOW_BYTES (8 KiB) of decoy JSON-RPC
# lines and whitespace junk, or more than MW_STRATUM_FLOW_PACKETS tiny
# packets, before its real XMRig login used to mine unseen: the kernel
# gave the flow up. Now the kernel hands it to userspace
# (bpf/net_stratum_fwd.bpf.h, user/sensors/stratum_fwd.c), which finds the
# login: MW-NET-003 with minerwatch.net.stratum.where "userspace". The
# decoys are valid JSON objects whose "method" is not a stratum one (a
# "login" without an agent among them), sent one line a packet to the
# repo's fake pool. A client that sends the same >8 KiB of benign JSON and
# no login raises no stratum alert. So does one 3 KiB write of whitespace
# and the login (one loopback packet: the kernel reads 2 KiB of a packet,
# userspace the rest). Enforce mode: the client is killed; and when a
# forked child that left the process group goes on talking on the socket,
# the kernel drops its packets (the cut userspace asked for).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

PORT=$((20000 + ($$ + 7) % 20000))
cat >"$T/client.py" <<'PY'
# One flow to the pool: MODE decoy | tiny | big | benign | fork. Writes
# its pid first.
import os, socket, sys, time
mode, port, pidfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
open(pidfile, "w").write("%d\n" % os.getpid())
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
def send(b):
    s.sendall(b)
    time.sleep(0.002)  # one line a packet: no coalescing on loopback
if mode in ("decoy", "benign", "fork"):
    # ~14 KiB in ~70 packets: past both the byte and the packet budget.
    methods = ["eth_getBalance", "login", "mining.subscribed", "submitx",
               "getjob", "status"]
    for i in range(70):
        m = methods[i % len(methods)]
        line = ('{"id":%d,"jsonrpc":"2.0","method":"%s","params":'
                '{"login":"x","pass":"y","pad":"%s"}}\n' % (i, m, "z" * 110))
        send(line.encode())
        if i % 7 == 0:
            send(b"   \t  \r\n")  # whitespace junk between messages
elif mode == "tiny":
    for i in range(90):
        send(b" \n")
LOGIN = (b'{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"4A",'
         b'"pass":"x","agent":"XMRig/6.21.0 (Linux x86_64) libuv/1.44.2"}}\n')
if mode == "big":
    s.sendall(b" " * 3000 + LOGIN)  # one write: one 3 KiB loopback packet
elif mode == "fork":
    # A child shares the socket, leaves the process group and, once the
    # login is judged, goes on talking on it: the flow must be cut.
    if os.fork() == 0:
        os.setsid()
        time.sleep(0.8)
        n = 0
        for i in range(20):
            try:
                s.sendall(b'{"id":9,"method":"keepalived","params":{}}\n')
                n += 1
            except OSError:
                break
            time.sleep(0.05)
        open(pidfile + ".child", "w").write("%d %d\n" % (os.getpid(), n))
        os._exit(0)
    send(LOGIN)
elif mode != "benign":
    send(LOGIN)
try:
    s.settimeout(2)
    s.recv(4096)
except OSError:
    pass
time.sleep(3)  # enforce mode: time to be killed
print("survived", flush=True)
PY

# run_client MODE: run one flow in the foreground; sets cpid and crc.
run_client() {
	python3 "$T/client.py" "$1" "$PORT" "$T/pid.$1" >"$T/out.$1" 2>&1
	crc=$?
	cpid=$(head -n 1 "$T/pid.$1")
}

rules_copy
bg python3 "$MW_ROOT/tests/integration/helpers/fakepool.py" --addr 127.0.0.1 \
	--port "$PORT" --log "$T/pool.log" --timeout 600
wait_file "$T/pool.log" listening 10 || fail "fake pool did not start"

mw_start --rules "$T/rules" || finish
for mode in decoy tiny big; do
	run_client "$mode"
	line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-NET-003\" and .process.pid == $cpid" 10) ||
		fail "$mode: no stratum alert for a login past the kernel's window"
	[ -n "$line" ] && expect "$line" \
		'.minerwatch.net.stratum.method == "login" and .minerwatch.net.stratum.where == "userspace" and (.minerwatch.net.stratum.agent | startswith("XMRig/")) and .destination.port == '"$PORT" \
		"$mode: login found in userspace, after the kernel's window"
done
grep -q '^login$' "$T/pool.log" && ok "detect mode: the logins reached the pool" ||
	fail "the pool saw no login"

# Benign: the same >8 KiB of JSON-RPC, no login. The decoy flow after it
# is the marker that the daemon has read past it.
run_client benign
bpid=$cpid
run_client decoy
wait_for ".rule.id == \"MW-NET-003\" and .process.pid == $cpid" 10 >/dev/null ||
	fail "marker flow not recognised"
[ "$(count_of ".rule.id == \"MW-NET-003\" and .process.pid == $bpid")" -eq 0 ] &&
	ok ">8 KiB of benign JSON: no stratum alert" || fail "benign JSON taken for stratum"
[ "$(count_of '.rule.id == "MW-NET-003"')" -eq 4 ] &&
	ok "one alert per stratum flow" || fail "$(count_of '.rule.id == "MW-NET-003"') stratum alerts, want 4"
mw_stop
line=$(jq -c 'select(.event.action == "stopped")' "$OUT" | tail -n 1)
expect "$line" '.minerwatch.counters.net_stratum_budget_spent >= 5 and .minerwatch.counters.stratum_fwd_flows >= 5 and .minerwatch.counters.stratum_fwd_matched == 4 and .minerwatch.counters.stratum_fwd_bad == 0' \
	"counters: flows handed over and matched in userspace"

mw_start --rules "$T/rules" --enforce || finish
run_client decoy
[ "$crc" -eq 137 ] && ok "enforce: the client is killed (exit 137)" ||
	fail "enforce: client exit $crc ($(cat "$T/out.decoy")), want 137"
line=$(wait_for ".event.action == \"kill\" and .process.pid == $cpid" 10) || fail "enforce: no kill event"
[ -n "$line" ] && expect "$line" '.event.outcome == "success" and .rule.id == "MW-NET-003"' "enforce: kill reported"
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-NET-003\" and .process.pid == $cpid" 5)
[ -n "$line" ] && expect "$line" '.minerwatch.net.stratum.where == "userspace"' "enforce: decided in userspace"

mw_stop

# The cut: a forked child that left the process group keeps the socket
# and sends keepalived lines after the login was judged; none may arrive.
# (A daemon of its own: the first one's incident would take the next
# python3 for the killed program restarted, MW-INC-002.)
mw_start --rules "$T/rules" --enforce || finish
run_client fork
[ "$crc" -eq 137 ] && ok "enforce (fork): the login's sender is killed" ||
	fail "enforce (fork): client exit $crc, want 137"
wait_file "$T/pid.fork.child" . 10 || fail "the forked child did not finish"
log "child: $(cat "$T/pid.fork.child" 2>/dev/null) (pid, keepalived lines written)"
sleep 1
[ "$(grep -c '^keepalived$' "$T/pool.log")" -eq 0 ] &&
	ok "enforce: the flow is cut after the userspace match (no keepalived reached the pool)" ||
	fail "enforce: $(grep -c '^keepalived$' "$T/pool.log") keepalived lines reached the pool after the match"
line=$(wait_for ".event.action == \"block\" and .process.pid == $cpid" 5) || fail "enforce: no block event"
[ -n "$line" ] && expect "$line" '.minerwatch.response.where == "kernel" and .rule.id == "MW-NET-003"' \
	"enforce: the flow's cut reported"
mw_stop
line=$(jq -c 'select(.event.action == "stopped")' "$OUT" | tail -n 1)
expect "$line" '.minerwatch.counters.net_stratum_dropped >= 1' "enforce: packets dropped after the match counted"
expect_valid_json
finish
