#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The stratum recogniser reads JSON as JSON (bpf/stratum.h). Each of these
# went to a pool with no alert when it searched bytes: a login with a decoy
# "method" string before the real key and 16 spaces before the JSON to a
# pool on port 14444; the same login split into tiny packets after three
# junk packets; a login over IPv6 with a destination-options extension
# header. Detect mode: each flow raises MW-NET-003 naming its process; an
# ordinary JSON-RPC call does not.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

PORT=14444
cat >"$T/pool.py" <<'PY'
# A fake pool on 127.0.0.1 and ::1: records what arrives, answers once.
import socket, sys, threading, time
port, out, secs = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
def serve(fam, host):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port)); s.listen(16); s.settimeout(0.2)
    end = time.time() + secs
    while time.time() < end:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        c.settimeout(2)
        data = b""
        try:
            while not data.endswith(b"}\n"):
                d = c.recv(4096)
                if not d:
                    break
                data += d
            c.sendall(b'{"id":1,"result":null}\n')
        except OSError:
            pass
        with open(out, "ab") as f:
            f.write(data)
        c.close()
ts = [threading.Thread(target=serve, args=a, daemon=True)
      for a in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1"))]
for t in ts: t.start()
print("ready", flush=True)
for t in ts: t.join()
PY
cat >"$T/miner.py" <<'PY'
# One flow to the pool, sent the way MODE says; prints our pid first.
import os, socket, sys, time
mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
print(os.getpid(), flush=True)
login = (b'{"id":"\\"method\\":\\"x\\"","x":"method","method":"login",'
         b'"params":{"login":"4A","pass":"x","agent":"XMRig/6.21.0"}}\n')
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
if mode == "ext6":
    # Destination options header, one PadN option: 8 bytes.
    s.setsockopt(socket.IPPROTO_IPV6, 59, bytes([0, 0, 1, 4, 0, 0, 0, 0]))
s.settimeout(3)
s.connect((host, port))
if mode == "decoy" or mode == "ext6":
    s.sendall(b" " * 16 + login)
elif mode == "split":
    for junk in (b"a\n", b"b\n", b"c\n"):
        s.sendall(junk); time.sleep(0.05)
    for i in range(0, len(login), 5):
        s.sendall(login[i:i + 5]); time.sleep(0.01)
elif mode == "rpc":
    s.sendall(b'{"jsonrpc":"2.0","method":"eth_call","params":{"agent":"x"},"id":1}\n')
try:
    s.recv(100)
except OSError:
    pass
s.close()
PY

rules_copy
mw_start --rules "$T/rules" || finish
bg python3 "$T/pool.py" "$PORT" "$T/pool" 20 >"$T/listen"
wait_file "$T/listen" ready || fail "fake pool did not start"

# run_miner MODE HOST: run one flow, print the client's pid.
run_miner() {
	python3 "$T/miner.py" "$1" "$2" "$PORT" >"$T/m.$1" 2>&1
	head -n 1 "$T/m.$1"
}

for mode in decoy split; do
	pid=$(run_miner "$mode" 127.0.0.1)
	line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-NET-003\" and .process.pid == $pid" 10) ||
		fail "$mode: no stratum alert"
	[ -n "$line" ] && expect "$line" \
		".minerwatch.net.stratum.method == \"login\" and .destination.port == $PORT" \
		"$mode: login to port $PORT recognised"
done
if ip -6 addr show dev lo 2>/dev/null | grep -q '::1'; then
	pid=$(run_miner ext6 ::1)
	line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-NET-003\" and .process.pid == $pid" 10) ||
		fail "IPv6 with an extension header: no stratum alert"
	[ -n "$line" ] && expect "$line" '.destination.ip == "::1"' "IPv6 with an extension header recognised"
else
	log "no ::1 on lo: IPv6 case not run"
fi
grep -q '"agent":"XMRig' "$T/pool" && ok "the logins reached the pool (detect mode)" ||
	fail "pool received nothing"

# An ordinary JSON-RPC call is not stratum; the later decoy flow is the
# marker that the daemon has read past it.
rpid=$(run_miner rpc 127.0.0.1)
pid=$(run_miner decoy 127.0.0.1)
wait_for ".rule.id == \"MW-NET-003\" and .process.pid == $pid" 10 >/dev/null ||
	fail "marker flow not recognised"
[ "$(count_of ".rule.id == \"MW-NET-003\" and .process.pid == $rpid")" -eq 0 ] &&
	ok "eth_call with an agent param is not stratum" || fail "JSON-RPC call taken for stratum"

mw_stop
expect_valid_json
finish
