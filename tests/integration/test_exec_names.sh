#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# process.name is the name a program was run by (what ps shows), not the
# basename of the file the kernel resolved: on Debian 12 `modprobe` runs
# /usr/bin/kmod, `iptables` runs xtables-nft-multi, `service` is a #!
# script run by dash, and a busybox applet runs /usr/bin/busybox. The rules
# that name these programs must fire on the real thing.
#
# MW_FIXTURE_OUT=DIR also writes each program's exec record (the daemon's
# --events line) there: tests/unit/fixtures/exec/ was made that way.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

need modprobe
need iptables
need busybox
[ -x /usr/sbin/service ] || skip "no /usr/sbin/service"

rules_copy
mw_start --rules "$T/rules" --events || finish
mkdir -p "$T/bin"
ln -s "$(command -v busybox)" "$T/bin/modprobe"

# alert_for RULE JQ_PROCESS_CONDITION WHAT: the alert, or a failure.
alert_for() {
	wait_for ".event.kind == \"alert\" and .rule.id == \"$1\" and ($2)" 10 ||
		fail "no $1 alert for $3"
}

# 1. modprobe -n msr: -n is a dry run, nothing is loaded.
modprobe -n msr >/dev/null 2>&1
line=$(alert_for MW-MINER-008 '.process.name == "modprobe"' "modprobe -n msr")
[ -n "$line" ] && expect "$line" '.process.executable == "/usr/bin/kmod"' \
	"modprobe resolves to kmod, named modprobe"

# 2. iptables -F inside a throw-away network namespace.
netns_new names || fail "ip netns add"
ip netns exec "$NS" iptables -F >/dev/null 2>&1
line=$(alert_for MW-EVASION-003 '.process.name == "iptables"' "iptables -F")
[ -n "$line" ] && expect "$line" \
	'(.process.executable | test("/xtables-(nft|legacy)-multi$"))' \
	"iptables resolves to xtables-*-multi, named iptables"

# 3. service (a #! script run by dash) stopping a security agent; the
# agent does not exist here, so nothing is stopped.
/usr/sbin/service fail2ban stop >/dev/null 2>&1
line=$(alert_for MW-EVASION-001 '.process.name == "service"' "service fail2ban stop")
[ -n "$line" ] && expect "$line" \
	'.process.executable == "/usr/bin/dash" and .minerwatch.process.exec_path == "/usr/sbin/service"' \
	"the script is the name and exec_path, dash the executable"

# 4. busybox applets, Alpine style (a link named after the applet) and run
# as "busybox APPLET": -l only lists modules matching msr.
"$T/bin/modprobe" -l msr >/dev/null 2>&1
line=$(alert_for MW-MINER-008 ".process.name == \"modprobe\" and .minerwatch.process.exec_path == \"$T/bin/modprobe\"" \
	"a busybox modprobe link")
[ -n "$line" ] && expect "$line" '(.process.executable | endswith("/busybox"))' \
	"the applet link resolves to busybox"
busybox modprobe -l msr >/dev/null 2>&1
line=$(alert_for MW-MINER-008 '.process.name == "modprobe" and .process.args[0] == "busybox"' \
	"busybox modprobe")

# 5. An exception that names a program spares it only at its real path: a
# miner renamed grep in /tmp is still judged.
cp "$MW_HELPERS/marker" "$T/bin/grep"
"$T/bin/grep" "$T/ran" 0 --donate-level 1 >/dev/null 2>&1
alert_for MW-MINER-003 ".process.name == \"grep\" and .process.executable == \"$T/bin/grep\"" \
	"a renamed miner called grep" >/dev/null

if [ -n "${MW_FIXTURE_OUT:-}" ]; then
	mkdir -p "$MW_FIXTURE_OUT"
	for n in modprobe iptables service; do
		jq -c "select(.event.kind == \"event\" and .event.action == \"exec\" and .process.name == \"$n\")" \
			"$OUT" | head -n 1 >"$MW_FIXTURE_OUT/$n.json"
	done
	jq -c "select(.event.kind == \"event\" and .event.action == \"exec\" and .process.args[0] == \"busybox\")" \
		"$OUT" | head -n 1 >"$MW_FIXTURE_OUT/busybox-modprobe.json"
fi

mw_stop
expect_valid_json
finish
