#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The event loop never waits on an output: during an exec storm with every
# exec reported (--events), a syslog agent that reads about one message a
# second (its socket full, the queue spilling to a small spool that keeps
# being rewritten at its bound), and a file sink rotating every few lines
# over 1000 kept files (a thousand renames per rotation, on a real disk),
# and a syslog+udp sink whose host name takes 25 s to fail to resolve (the
# daemon runs in a private mount namespace whose /etc/resolv.conf names a
# loopback "resolver" that never answers; the sink resolves again on each
# retry), the kernel rings lose nothing: the stopped event's events_lost
# and alerts_lost are 0. What the outputs could not keep is counted instead.
. "$(dirname "$0")/lib.sh"

STORM=$MW_HELPERS/storm
D=$(mktemp -d /var/tmp/mw-nb.XXXXXX) # fdatasync means something here
RX_PID= DNS_PID=
nb_cleanup() {
	[ -n "$RX_PID" ] && kill "$RX_PID" 2>/dev/null && wait "$RX_PID" 2>/dev/null
	[ -n "$DNS_PID" ] && kill "$DNS_PID" 2>/dev/null && wait "$DNS_PID" 2>/dev/null
	rm -rf "$D"
	cleanup
}
trap nb_cleanup EXIT

python3 "$MW_ROOT/tests/integration/helpers/slowsyslog.py" "$T/port" "$T/rx" 90 &
RX_PID=$!
for i in $(seq 1 50); do [ -s "$T/port" ] && break; sleep 0.1; done
[ -s "$T/port" ] || { fail "slow syslog receiver did not start"; finish; }

# A resolver that counts queries (into $T/dnsq) and never answers.
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.77", 53))
end = time.monotonic() + 120
s.settimeout(1)
n = 0
while time.monotonic() < end:
    try:
        s.recv(2048)
    except socket.timeout:
        continue
    n += 1
    with open(sys.argv[1], "w") as f:
        f.write(str(n))
' "$T/dnsq" &
DNS_PID=$!
printf 'nameserver 127.0.0.77\noptions timeout:25 attempts:1\n' >"$T/resolv.conf"
# The daemon, in its own mount namespace with that resolv.conf (sh, unshare
# and sh again exec in place: the pid mw_start records is the daemon's).
cat >"$T/mw-ns" <<SH
#!/bin/sh
exec unshare -m --propagation private sh -c \
	'mount --bind "$T/resolv.conf" /etc/resolv.conf && exec "\$0" "\$@"' \
	"$MW_BIN" "\$@"
SH
chmod 755 "$T/mw-ns"
REAL_BIN=$MW_BIN
MW_BIN=$T/mw-ns

# 999 kept files already there: each rotation renames all of them.
mkdir -p "$D/log"
for i in $(seq 1 999); do echo x | gzip >"$D/log/ev.log.$i.gz"; done

rules_copy
mw_start --rules "$T/rules" --events --spool-dir "$D/spool" --output stdout \
	--output "file:$D/log/ev.log?max_size=64k&keep=1000" \
	--output "syslog+tcp://127.0.0.1:$(cat "$T/port")?queue=1k&spool=1m" \
	--output "syslog+udp://mw-syslog.test:514" || finish
MW_BIN=$REAL_BIN

"$STORM" exec 15 /bin/true >"$T/e.out"
log "storm: $(cat "$T/e.out")"
mw_stop
kill "$RX_PID" 2>/dev/null
wait "$RX_PID" 2>/dev/null
RX_PID=

stopped=$(jq -c 'select(.event.action == "stopped") | .minerwatch.counters' "$OUT" | tail -n 1)
[ -n "$stopped" ] || { fail "no stopped counters"; finish; }
log "counters: $(printf '%s' "$stopped" | jq -c '{exec_seen, events_lost, alerts_lost, output_lines, output_written, output_dropped, output_errors}')"
expect "$stopped" '.events_lost == 0' "no telemetry lost in the kernel"
expect "$stopped" '.alerts_lost == 0' "no alert lost in the kernel"

# The pressure was real: the agent took a few KB, the file rotated over
# its thousand kept files, the spool hit its bound (lines were dropped,
# and counted).
rx=$(cat "$T/rx" 2>/dev/null || echo 0)
[ "$rx" -gt 0 ] && [ "$rx" -lt 200000 ] && ok "syslog agent read only $rx bytes" ||
	fail "syslog agent read $rx bytes: not a slow agent"
[ -f "$D/log/ev.log.1000.gz" ] && gzip -dc "$D/log/ev.log.1.gz" | head -n 1 | jq -e .event >/dev/null &&
	ok "file sink rotated over 1000 kept files" || fail "file sink did not rotate"
expect "$stopped" '.output_dropped > 0' "spool bound reached, drops counted"
[ -s "$T/dnsq" ] && ok "the syslog+udp sink looked its name up ($(cat "$T/dnsq") queries, none answered)" ||
	fail "no lookup of mw-syslog.test reached the resolver"
n=$(count_of '.event.action == "exec" and .process.name == "true"')
[ "$n" -gt 500 ] && ok "$n storm execs reported on stdout" || fail "only $n storm execs on stdout"
expect_valid_json
finish
