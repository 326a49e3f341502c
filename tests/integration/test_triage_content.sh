#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `minerwatch triage` names a miner by its bytes, not its name: the real
# XMRig 6.16.0 copied to /opt/sysmon/sysmon-agent, started with only
# `-c agent.conf` (pool and wallet in that file, not config.json), mining
# (one thread, no huge pages, no MSR) against fakepool.py on the loopback
# of a private network namespace, the pool's name pinned in /etc/hosts
# (triage must show the name beside the address); started again by three persistence
# entries that say nothing hostile in their text (a cron.d line, a systemd
# unit, a root crontab running a shell script that runs it). Triage must
# name the process and each entry by content (MW-CONTENT-001, the YARA
# signatures) and by hash (MW-CONTENT-002), while a renamed copy of sleep
# beside it and a cron entry running /bin/true are left alone. Private
# mount, pid and network namespaces; never the real paths.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/xmrig_lib.sh"

for tool in unshare python3 jq; do
	command -v "$tool" >/dev/null || skip "$tool is not installed"
done
for d in /etc /root /home /tmp /var/tmp /dev/shm /var/log /var/spool/cron /opt; do
	[ -d "$d" ] || skip "$d does not exist"
done
xmrig_fetch

# Staged in /run: the scenario hides /tmp (where a checkout may live).
STAGE=$(mktemp -d /run/mw-triage-content.XXXXXX)
# Removed however the test ends (finish and skip exit early).
trap 'rm -rf "$STAGE"; cleanup' EXIT
cp "$MW_BIN" "$STAGE/minerwatch" && cp -r "$MW_ROOT/rules" "$STAGE/rules" &&
	cp "$XMRIG" "$STAGE/xmrig" && cp "$MW_ROOT/tests/integration/helpers/fakepool.py" "$STAGE/" ||
	fail "cannot stage in $STAGE"
xmrig_config "$STAGE/agent.conf" "pool.hashvault.pro:3334"

unshare -m -p -n -f --propagation private --mount-proc bash -c '
S='"$STAGE"'
set -e
mount -t tmpfs mwscratch /var/tmp
mkdir -p /var/tmp/u /var/tmp/w
mount -t overlay overlay -o lowerdir=/etc,upperdir=/var/tmp/u,workdir=/var/tmp/w /etc
for m in /root /home /tmp /dev/shm /var/log /var/spool/cron /opt; do mount -t tmpfs tmpfs "$m"; done
for m in /etc /root /home /tmp /var/tmp /dev/shm /var/log /var/spool/cron /opt; do
	mountpoint -q "$m" || { echo "$m is not a private mount: refusing" >&2; exit 99; }
done
ip link set lo up
echo "127.0.0.2 pool.hashvault.pro" >>/etc/hosts
python3 "$S/fakepool.py" --addr 127.0.0.2 --port 3334 --log /dev/shm/pool.log --timeout 60 &
for i in $(seq 50); do grep -q ":0D06 00000000:0000 0A" /proc/net/tcp && break; sleep 0.1; done
mkdir -p /opt/sysmon
cp "$S/xmrig" /opt/sysmon/sysmon-agent
cp "$S/agent.conf" /opt/sysmon/agent.conf
cp /bin/sleep /opt/sysmon/sysmon-helper
printf "#!/bin/sh\nexec /opt/sysmon/sysmon-agent -c /opt/sysmon/agent.conf\n" >/opt/sysmon/start.sh
chmod 755 /opt/sysmon/start.sh
(cd /opt/sysmon && exec timeout 60 ./sysmon-agent -c /opt/sysmon/agent.conf >/dev/shm/miner.log 2>&1) &
/opt/sysmon/sysmon-helper 60 &
for i in $(seq 150); do grep -q login /dev/shm/pool.log 2>/dev/null && break; sleep 0.1; done
grep -q login /dev/shm/pool.log && echo "{\"pool_login\":true}" >"$S/status.json" || echo "{\"pool_login\":false}" >"$S/status.json"
echo "@reboot root /opt/sysmon/sysmon-agent -c /opt/sysmon/agent.conf" >/etc/cron.d/sysmon
echo "*/5 * * * * root /bin/true" >/etc/cron.d/benign
mkdir -p -m 1730 /var/spool/cron/crontabs
echo "*/5 * * * * /opt/sysmon/start.sh" >/var/spool/cron/crontabs/root
printf "[Service]\nExecStart=-/opt/sysmon/sysmon-agent -c /opt/sysmon/agent.conf\n" >/etc/systemd/system/sysmon-agent.service
set +e
"$S/minerwatch" triage --rules "$S/rules" --json >"$S/out.json" 2>"$S/triage.err"
echo "{\"triage_rc\":$?}" >>"$S/status.json"
"$S/minerwatch" triage --rules "$S/rules" >"$S/human.txt" 2>/dev/null
' 2>"$T/ns.err"
rc=$?
[ "$rc" -ne 99 ] || fail "private mounts not in place: scenario not run"
cp "$STAGE/out.json" "$OUT" 2>/dev/null
cp "$STAGE/status.json" "$T/status.json" 2>/dev/null
cp "$STAGE/human.txt" "$T/human.txt" 2>/dev/null
cat "$STAGE/triage.err" >&2 2>/dev/null
rm -rf "$STAGE"

expect_valid_json
[ "$(jq -r 'select(.pool_login != null) | .pool_login' "$T/status.json")" = true ] &&
	ok "the renamed XMRig logged in to the fake pool" || { fail "the miner never reached the pool"; cat "$T/ns.err" >&2; }
trc=$(jq -r 'select(.triage_rc != null) | .triage_rc' "$T/status.json")
[ "$trc" = 1 ] && ok "triage exit 1" || fail "triage exit $trc, want 1"

miner='.process.executable == "/opt/sysmon/sysmon-agent"'
line=$(finding MW-CONTENT-001 "$miner" "the running renamed XMRig, by its content")
[ -n "$line" ] && {
	expect "$line" '.minerwatch.process.signatures | index("MW_Miner_XMRig_Algorithms") != null' "names the YARA signature"
	expect "$line" ".process.hash.sha256 == \"$XMRIG_SHA256\" and .file.hash.sha256 == \"$XMRIG_SHA256\"" "carries its SHA-256"
	expect "$line" '.threat.technique.id == ["T1496"] and .event.severity >= 90' "T1496 at the daemon rule's severity"
	expect "$line" '.minerwatch.triage.connections | any(.destination_port == 3334 and .state == "established")' \
		"its pool connection beside it"
	expect "$line" '.destination.ip == "127.0.0.2" and .destination.domain == "pool.hashvault.pro" and .minerwatch.net.domain_source == "hosts"' \
		"the pool's name, from the /etc/hosts the miner resolved it with"
}
finding MW-CONTENT-002 "$miner and .process.hash.sha256 == \"$XMRIG_SHA256\"" "the running renamed XMRig, by its hash" >/dev/null
n=$(jq -c "select($miner and .rule.id == \"MW-MINER-001\")" "$OUT" | wc -l)
[ "$n" -eq 0 ] && ok "no name rule fired: the name says nothing" || fail "a name rule fired for sysmon-agent"
n=$(jq -c 'select(.process.executable == "/opt/sysmon/sysmon-helper" and (.rule.id | startswith("MW-CONTENT")))' "$OUT" | wc -l)
[ "$n" -eq 0 ] && ok "a renamed sleep beside it: no content finding" || fail "content finding for the renamed sleep"

line=$(finding MW-PERSIST-001 '.file.path == "/etc/cron.d/sysmon" and (.minerwatch.triage.reasons | test("MW-CONTENT-001"))' \
	"cron.d entry starting it, judged by the bytes it runs")
[ -n "$line" ] && expect "$line" ".minerwatch.triage.referenced_files | any(.path == \"/opt/sysmon/sysmon-agent\" and .sha256 == \"$XMRIG_SHA256\" and (.signatures | index(\"MW_Miner_XMRig_Algorithms\") != null))" \
	"the referenced file's hash and signatures"
finding MW-PERSIST-001 '.file.path == "/var/spool/cron/crontabs/root" and (.minerwatch.triage.reasons | test("/opt/sysmon/sysmon-agent is Cryptominer"))' \
	"root crontab running a script that runs it (one level down)" >/dev/null
finding MW-PERSIST-006 '.file.path == "/etc/systemd/system/sysmon-agent.service" and (.minerwatch.triage.reasons | test("MW-CONTENT-002"))' \
	"systemd unit (ExecStart=-) starting it, known hash" >/dev/null
n=$(jq -c 'select(.file.path == "/etc/cron.d/benign")' "$OUT" | wc -l)
[ "$n" -eq 0 ] && ok "cron entry running /bin/true: no finding" || fail "/etc/cron.d/benign reported"
grep -q 'MW-CONTENT-001.*sysmon-agent' "$T/human.txt" && ok "text report names it by content" ||
	fail "text report: no MW-CONTENT-001 line"
grep -q -- '-> 127.0.0.2:3334 (pool.hashvault.pro, from hosts) established' "$T/human.txt" &&
	ok "text report: the connection with the pool's name" || fail "text report: no pool name beside the address"
# The handover report shows the name beside the address too.
"$MW_BIN" report "$OUT" -o "$T/handover.txt" || fail "report exit $?"
grep -q '127.0.0.2:3334 (pool.hashvault.pro)' "$T/handover.txt" && ok "report: the pool's name beside its address" ||
	fail "report: no pool name: $(grep -m3 127.0.0.2 "$T/handover.txt")"
finish
