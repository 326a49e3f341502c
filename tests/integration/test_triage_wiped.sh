#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `minerwatch triage`: what was wiped from the journal and the login
# records, on real files. In private mount and pid namespaces (tmpfs over
# /var/log and /run, never the real ones) a real systemd-journald writes a
# persistent journal; entries are logged and the journal rotated three
# times, and sshd lines of a brute force and a login (no auth.log, as on
# Debian 12 without a syslog daemon). Triage of that journal must find
# nothing missing, and the login after the failures. Then the middle
# archived file is removed and an empty *.journal appears: triage must
# report the missing sequence numbers, the empty file and (the namespace's
# journald started long after the host's boot) this boot's journal
# beginning late. wtmp records an old boot and an old login but not this
# boot; lastlog says root logged in 50 minutes ago, which wtmp does not
# hold, while daemon's lastlog login is in wtmp.
. "$(dirname "$0")/lib.sh"

for tool in unshare python3 jq journalctl systemd-cat; do
	command -v "$tool" >/dev/null || skip "$tool is not installed"
done
JOURNALD=/lib/systemd/systemd-journald
[ -x "$JOURNALD" ] || skip "no $JOURNALD"
[ -f /etc/systemd/journald.conf ] && [ -f /etc/machine-id ] || skip "no journald.conf or machine-id to bind over"
uptime_s=$(cut -d. -f1 /proc/uptime)

STAGE=$(mktemp -d /run/mw-triage-wiped.XXXXXX)
# Removed however the test ends (finish and skip exit early).
trap 'rm -rf "$STAGE"; cleanup' EXIT
cp "$MW_BIN" "$STAGE/minerwatch" && cp -r "$MW_ROOT/rules" "$STAGE/rules" || fail "cannot stage in $STAGE"
now=$(date +%s)
python3 - "$STAGE" "$now" <<'EOF'
import struct, sys
d, now = sys.argv[1], int(sys.argv[2])
def rec(t, pid, line, user, host, when):
    return struct.pack("hi32s4s32s256shhiii4i20s", t, pid, line.encode(), b"", user.encode(),
                       host.encode(), 0, 0, 0, when, 0, 0, 0, 0, 0, b"")
with open(d + "/wtmp", "wb") as f:
    f.write(rec(2, 0, "~", "reboot", "6.1.0", now - 2 * 86400))
    f.write(rec(7, 300, "pts/0", "root", "192.0.2.10", now - 86400))
    f.write(rec(7, 301, "pts/1", "daemon", "192.0.2.11", now - 5000))
def ll(when, line, host):
    return struct.pack("i32s256s", when, line.encode(), host.encode())
with open(d + "/lastlog", "wb") as f:
    f.write(ll(now - 3000, "pts/2", "203.0.113.50"))  # uid 0: not in wtmp
    f.write(ll(now - 5000, "pts/1", "192.0.2.11"))    # uid 1: in wtmp
EOF

unshare -m -p -f --propagation private --mount-proc bash -c '
S='"$STAGE"'
J='"$JOURNALD"'
set -e
mount --bind "$S" /mnt
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /var/log
for m in /run /var/log; do mountpoint -q "$m" || { echo "$m is not a private mount" >&2; exit 99; }; done
mkdir -p /run/systemd/journal /var/log/journal/0123456789abcdef0123456789abcdef
echo 0123456789abcdef0123456789abcdef >/run/machine-id
mount --bind /run/machine-id /etc/machine-id
printf "[Journal]\nStorage=persistent\nReadKMsg=no\nForwardToSyslog=no\n" >/run/journald.conf
mount --bind /run/journald.conf /etc/systemd/journald.conf
SYSTEMD_LOG_TARGET=null "$J" &
jpid=$!
for i in $(seq 50); do [ -S /run/systemd/journal/stdout ] && break; sleep 0.1; done
echo start | systemd-cat -t mwtest
journalctl --flush
for r in 1 2 3; do
	for i in 1 2 3 4 5; do echo "round $r entry $i" | systemd-cat -t mwtest; done
	journalctl --rotate
done
echo last | systemd-cat -t mwtest
# No auth.log here (as on Debian 12 without rsyslog): sshd lines only in
# the journal, a brute force then a login.
for i in 1 2 3 4 5 6; do echo "Failed password for root from 198.51.100.77 port 4100$i ssh2" | systemd-cat -t sshd; done
echo "Accepted password for root from 198.51.100.77 port 41999 ssh2" | systemd-cat -t sshd
sleep 0.3
cp /mnt/wtmp /mnt/lastlog /var/log/
set +e
/mnt/minerwatch triage --rules /mnt/rules --json --sample-ms 100 >/mnt/before.json 2>/mnt/before.err
ls /var/log/journal/*/system@*.journal | sort >/mnt/files.txt
rm -f "$(sed -n 2p /mnt/files.txt)"
: >/var/log/journal/0123456789abcdef0123456789abcdef/system@0000-empty.journal
/mnt/minerwatch triage --rules /mnt/rules --json --sample-ms 100 >/mnt/after.json 2>/mnt/after.err
echo "{\"triage_rc\":$?}" >/mnt/status.json
kill $jpid
' 2>"$T/ns.err"
rc=$?
[ "$rc" -ne 99 ] || fail "private mounts not in place: scenario not run"
cp "$STAGE/after.json" "$OUT" 2>/dev/null
cp "$STAGE/before.json" "$T/before.json" 2>/dev/null
cp "$STAGE/status.json" "$T/status.json" 2>/dev/null
nfiles=$(wc -l <"$STAGE/files.txt" 2>/dev/null)
cat "$STAGE/after.err" >&2 2>/dev/null
rm -rf "$STAGE"

expect_valid_json
[ "${nfiles:-0}" -ge 3 ] && ok "journald wrote $nfiles archived journal files" ||
	{ fail "journald wrote ${nfiles:-no} archived files"; cat "$T/ns.err" >&2; }
n=$(jq -c 'select(.rule.id == "MW-TRIAGE-203" or .rule.id == "MW-TRIAGE-205")' "$T/before.json" | wc -l)
[ "$n" -eq 0 ] && ok "rotated journal, nothing removed: no missing entries reported" ||
	fail "missing entries reported on an intact journal: $(jq -c 'select(.rule.id == "MW-TRIAGE-203")' "$T/before.json")"

line=$(jq -c 'select(.rule.id == "MW-TRIAGE-301" and .source.ip == "198.51.100.77")' "$T/before.json" | head -n 1)
if [ -n "$line" ]; then
	ok "MW-TRIAGE-301: a login after a brute force, from the journal alone (no auth.log)"
	expect "$line" '.minerwatch.triage.failures == 6 and .log.file.path == "journal" and .user.name == "root"' \
		"six failures, the journal named as the source"
else
	fail "no login after failures from the journal's sshd lines"
fi
line=$(finding MW-TRIAGE-203 '.minerwatch.triage.missing_entries >= 5' "an archived journal file removed from the middle")
[ -n "$line" ] && expect "$line" '.threat.technique.id == ["T1070.002"] and (.event.start | length) > 0 and .event.severity >= 70' \
	"T1070.002, with when"
finding MW-TRIAGE-205 '.file.path | endswith("system@0000-empty.journal")' "an emptied journal file" >/dev/null
if [ "$uptime_s" -gt 900 ]; then
	finding MW-TRIAGE-204 '.minerwatch.triage.minutes_after_boot >= 10' "this boot's journal begins long after the boot" >/dev/null
	finding MW-TRIAGE-207 '.file.path == "/var/log/wtmp"' "wtmp records boots but not this one" >/dev/null
else
	log "SKIP two assertions: the host has been up only ${uptime_s} s"
fi
line=$(finding MW-TRIAGE-206 '.user.name == "root" and .minerwatch.triage.lastlog_host == "203.0.113.50"' \
	"root's lastlog login missing from wtmp")
[ -n "$line" ] && expect "$line" "(.[\"@timestamp\"] | fromdateiso8601) == $((now - 3000))" "the login's time"
n=$(jq -c 'select(.rule.id == "MW-TRIAGE-206" and .user.name == "daemon")' "$OUT" | wc -l)
[ "$n" -eq 0 ] && ok "daemon's lastlog login is in wtmp: not reported" || fail "daemon reported although wtmp has its login"
finding MW-AF-003 '.file.path == "/var/log/wtmp"' "wtmp created after the boot, no rotated sibling" >/dev/null
trc=$(jq -r 'select(.triage_rc != null) | .triage_rc' "$T/status.json")
[ "$trc" = 1 ] && ok "triage exit 1" || fail "triage exit $trc"
finish
