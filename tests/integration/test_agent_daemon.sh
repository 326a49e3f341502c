#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The daemon around the sensors: config file and its precedence,
# --check-config, systemd readiness (sd_notify over $NOTIFY_SOCKET), health
# counters, and `make install` into a DESTDIR with a unit systemd accepts.
. "$(dirname "$0")/lib_agent.sh"

agent_rules

# --- --check-config -------------------------------------------------------
cat >"$T/good.json" <<JSON
{"rules": ["$T/rules"], "outputs": ["file:$T/cfgout.json"], "events": true,
 "stats_interval": 1, "spool_dir": "$T/spool"}
JSON
msg=$("$MW_BIN" --config "$T/good.json" --check-config 2>&1)
rc=$?
[ "$rc" -eq 0 ] && ok "--check-config accepts a good file ($msg)" || fail "good config refused: $msg"
echo '{"rules": "'"$T/rules"'", "enforse": true}' >"$T/typo.json"
msg=$("$MW_BIN" --config "$T/typo.json" --check-config 2>&1)
rc=$?
[ "$rc" -eq 6 ] && [[ "$msg" == *"$T/typo.json"*"'enforse'"* ]] &&
	ok "unknown key refused, exit 6, naming file and key" || fail "typo: exit $rc: $msg"
echo '{"stats_interval": "often"}' >"$T/type.json"
msg=$("$MW_BIN" --config "$T/type.json" --check-config 2>&1)
[[ "$msg" == *"'stats_interval': must be an integer"* ]] && ok "wrong type named" || fail "type: $msg"
echo '{"rules": ["'"$T"'/nope"]}' >"$T/norules.json"
"$MW_BIN" --config "$T/norules.json" --check-config >/dev/null 2>&1
rc=$?
[ "$rc" -eq 3 ] && ok "rules the file points at are checked too (exit 3)" || fail "missing rules: exit $rc"
"$MW_BIN" --config "$T/absent.json" --check-config >/dev/null 2>&1
rc=$?
[ "$rc" -eq 6 ] && ok "an explicit --config that is missing is an error" || fail "absent file: exit $rc"

echo '{"rules": "'"$T/rules"'", "enforce": true}' >"$T/enforce.json"
"$MW_BIN" --config "$T/enforce.json" --check-config | grep -q 'mode enforce' &&
	"$MW_BIN" --config "$T/enforce.json" --detect --check-config | grep -q 'mode detect' &&
	ok "--detect on the command line wins over enforce in the file" ||
	fail "--detect did not override the file's enforce"

# --- the file drives the daemon, the command line wins ---------------------
/usr/bin/python3 - "$T/notify.sock" "$T/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as f:
    while True:
        f.write(s.recv(4096).decode().replace("\n", " ") + "\n")
PY
AGENT_PIDS+=($!)
for i in $(seq 1 50); do [ -S "$T/notify.sock" ] && break; sleep 0.1; done

export NOTIFY_SOCKET=$T/notify.sock
mw_start --config "$T/good.json" --output stdout --stats-interval 1 || finish
unset NOTIFY_SOCKET
line=$(wait_for '.event.action == "started"')
expect "$line" '.minerwatch.events == true' "events switched on by the file"
for i in $(seq 1 50); do grep -q 'READY=1' "$T/notify.log" 2>/dev/null && break; sleep 0.1; done
grep -q 'READY=1' "$T/notify.log" && ok "READY=1 sent to \$NOTIFY_SOCKET once started" ||
	fail "no READY=1 on the notify socket"
/bin/true mw-daemon-probe
wait_for '.event.action == "exec" and .process.args[1] == "mw-daemon-probe"' >/dev/null &&
	ok "exec events on stdout" || fail "no exec event"
[ ! -e "$T/cfgout.json" ] && ok "--output replaced the file's outputs" || fail "file output used despite --output"
line=$(wait_for '.event.action == "health"' 5) || fail "no health event (stats_interval)"
[ -n "$line" ] && expect "$line" \
	'.minerwatch.counters | has("output_spooled") and has("output_dropped") and has("output_queued") and has("events_lost")' \
	"health carries spooled, dropped, queued and lost counts"
mw_stop
for i in $(seq 1 20); do grep -q 'STOPPING=1' "$T/notify.log" && break; sleep 0.1; done
grep -q 'STOPPING=1' "$T/notify.log" && ok "STOPPING=1 on SIGTERM" || fail "no STOPPING=1"

# --- make install ----------------------------------------------------------
if command -v make >/dev/null && [ -f "$MW_ROOT/Makefile" ]; then
	make -s -C "$MW_ROOT" install DESTDIR="$T/dest" PREFIX=/usr BIN="$MW_BIN" \
		>"$T/install.log" 2>&1 || fail "make install: $(tail -3 "$T/install.log")"
	miss=""
	for f in usr/sbin/minerwatch etc/minerwatch/minerwatch.json \
		usr/lib/systemd/system/minerwatch.service usr/share/doc/minerwatch/deploy.md; do
		[ -e "$T/dest/$f" ] || miss="$miss $f"
	done
	[ -z "$miss" ] && ok "make install honours DESTDIR and PREFIX" || fail "not installed:$miss"
	grep -q '^ExecStart=/usr/sbin/minerwatch ' "$T/dest/usr/lib/systemd/system/minerwatch.service" &&
		ok "unit's ExecStart follows PREFIX" || fail "unit ExecStart not under PREFIX"
	"$T/dest/usr/sbin/minerwatch" --config "$T/dest/etc/minerwatch/minerwatch.json" \
		--rules "$T/rules" --check-config >/dev/null 2>&1 &&
		ok "installed default config is valid" || fail "installed default config refused"
	if command -v systemd-analyze >/dev/null; then
		sed "s|^ExecStart=/usr/sbin/minerwatch|ExecStart=$T/dest/usr/sbin/minerwatch|" \
			"$T/dest/usr/lib/systemd/system/minerwatch.service" >"$T/minerwatch.service"
		out=$(systemd-analyze verify "$T/minerwatch.service" 2>&1)
		[ -z "$out" ] && ok "systemd-analyze verify accepts the unit" || fail "systemd-analyze: $out"
	fi
fi
expect_valid_json
finish
