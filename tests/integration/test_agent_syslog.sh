#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# syslog+tcp into a real rsyslogd (Debian's), run by the test on loopback
# with a config of its own (imtcp on a free port, one file in $T; the
# system's rsyslog is not touched). Every alert arrives as one RFC 5424
# message (octet-counting framing), hostile values included; rsyslogd
# stopped, alerts raised, rsyslogd back: each arrives once.
. "$(dirname "$0")/lib_agent.sh"

RSYSLOGD=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
[ -x "$RSYSLOGD" ] || skip "rsyslogd not installed (tools/deps.sh test)"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RS_PID=

mkdir -p "$T/rs"
cat >"$T/rs/rsyslog.conf" <<CONF
global(workDirectory="$T/rs" maxMessageSize="64k")
module(load="imtcp")
template(name="raw" type="string" string="%rawmsg%\n")
ruleset(name="mw") {
	action(type="omfile" file="$T/rs/received.log" template="raw")
}
input(type="imtcp" address="127.0.0.1" port="$PORT" ruleset="mw")
CONF

rs_start() {
	"$RSYSLOGD" -n -f "$T/rs/rsyslog.conf" -i "$T/rs/rsyslogd.pid" \
		>>"$T/rs/stderr" 2>&1 &
	RS_PID=$!
	AGENT_PIDS+=("$RS_PID")
	local i
	for i in $(seq 1 100); do
		ss -ltn "sport = :$PORT" | grep -q LISTEN && return 0
		sleep 0.1
	done
	fail "rsyslogd did not listen on 127.0.0.1:$PORT"
	cat "$T/rs/stderr" >&2
	return 1
}
rs_stop() {
	kill -TERM "$RS_PID" && wait "$RS_PID" 2>/dev/null
	RS_PID=
}

# Alerts fire for a program run from a hidden directory whose path and
# arguments carry a newline, quotes, a backslash and invalid UTF-8.
HID=$T/$'.h"i\\d\ne\xff'
mkdir -p "$HID"
cp "$MW_HELPERS/marker" "$HID/mw-hostile"
hostile() { # NONCE
	"$HID/mw-hostile" "$T/m.$1" $'a\nb "q" \\ \xff\xfe end' "nonce=$1"
}

agent_rules
rs_start || finish
mw_start --rules "$T/rules" --spool-dir "$T/spool" --output stdout \
	--output "syslog+tcp://127.0.0.1:$PORT" || finish

for i in 1 2 3 4 5; do hostile "up-$i"; done

# received.log: one message per line, "<PRI>1 TS HOST minerwatch PID MSGID - JSON".
check() { # EXPECTED_NONCES...
	python3 - "$T/rs/received.log" "$HID/mw-hostile" "$@" <<'PY'
import json, re, sys
path, exe, want = sys.argv[1], sys.argv[2], sys.argv[3:]
# What minerwatch makes of bytes that are not UTF-8: \xNN, as text.
def shown(b):
    out = ""
    while b:
        for n in (4, 3, 2, 1):
            try:
                out += b[:n].decode("utf-8"); b = b[n:]; break
            except UnicodeDecodeError:
                continue
        else:
            out += "\\x%02x" % b[0]; b = b[1:]
    return out
exe_shown = shown(exe.encode("utf-8", "surrogateescape"))
arg_shown = shown(b'a\nb "q" \\ \xff\xfe end')
rx = re.compile(rb'^<(\d+)>1 (\S+) (\S+) minerwatch (\d+) (\S+) - (.*)$')
seen, problems = {}, []
for raw in open(path, "rb").read().split(b"\n"):
    if not raw:
        continue
    m = rx.match(raw)
    if not m:
        problems.append("not RFC 5424: %r" % raw[:120]); continue
    pri, msgid, msg = int(m.group(1)), m.group(5).decode(), m.group(6)
    try:
        doc = json.loads(msg)
    except ValueError as e:
        problems.append("JSON cut or merged (%s): %r" % (e, msg[:120])); continue
    kind = doc["event"]["kind"]
    if msgid != kind:
        problems.append("MSGID %s for kind %s" % (msgid, kind))
    if kind != "alert":
        continue
    if pri != 16 * 8 + 3:
        problems.append("PRI %d, want local0.err (131)" % pri)
    args = doc["process"]["args"]
    nonce = args[-1].split("=", 1)[1]
    seen[nonce] = seen.get(nonce, 0) + 1
    if doc["process"]["executable"] != exe_shown:
        problems.append("executable %r, want %r" % (doc["process"]["executable"], exe_shown))
    if args[2] != arg_shown:
        problems.append("hostile arg %r, want %r" % (args[2], arg_shown))
for n in want:
    if seen.get(n, 0) != 1:
        problems.append("alert %s arrived %d times" % (n, seen.get(n, 0)))
extra = set(seen) - set(want)
if extra:
    problems.append("unexpected alerts %s" % sorted(extra))
for p in problems[:10]:
    print(p)
sys.exit(1 if problems else 0)
PY
}
wait_check() { # TIMEOUT NONCES...
	local t=$1 i
	shift
	for i in $(seq 1 $((t * 5))); do
		check "$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	check "$@"
	return 1
}

wait_check 15 up-1 up-2 up-3 up-4 up-5 &&
	ok "5 hostile alerts arrived once each, framed, values intact" ||
	fail "alerts over syslog+tcp while rsyslogd is up"

# Outage: the sink notices the hang-up, spools, retries with backoff.
rs_stop
for i in 1 2 3 4 5; do hostile "down-$i"; done
sleep 1
rs_start || finish
wait_check 40 up-1 up-2 up-3 up-4 up-5 down-1 down-2 down-3 down-4 down-5 &&
	ok "alerts raised during the outage arrived after reconnect, none twice" ||
	fail "alerts across an rsyslogd restart"

mw_stop
line=$(wait_for '.event.action == "stopped"')
expect "$line" '.minerwatch.counters.output_dropped == 0' "nothing dropped"
rs_stop
expect_valid_json
finish
