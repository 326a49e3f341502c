#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Hostile names through the real exec sensor: control characters, quotes,
# backslashes and invalid UTF-8 in paths and arguments, a path deeper than
# the walk limit, memfd and deleted executables. Every line must be valid
# JSON, and each path right or explicitly marked truncated.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/file_lib.sh"

rules_copy
mw_start --rules "$T/rules" || finish

# A hidden directory whose name holds a newline, a quote, a backslash, an
# escape character and a byte that is not UTF-8.
evil=$(printf '.ev\nil"\\q\033[31m\377')
mkdir -p "$T/$evil"
cp "$MW_HELPERS/marker" "$T/$evil/minerd"
"$T/$evil/minerd" "$T/ran" "$(printf 'arg\nwith\001ctl\377')" 0 &
epid=$!
wait "$epid"
line=$(wait_for ".event.kind == \"alert\" and .process.pid == $epid and .rule.id == \"MW-MINER-001\"") ||
	fail "no alert for the hostile-named program"
if [ -n "$line" ]; then
	want=$(printf '%s/.ev\nil"\\q\033[31m\\xff/minerd' "$T")
	expect "$line" ".process.executable == $(jq -n --arg s "$want" '$s')" \
		"executable path exact, invalid byte written as \\xff"
	expect "$line" '.process.args[2] == "arg\nwith\u0001ctl\\xff"' "hostile argument kept, escaped"
fi

# Deeper than the 64-component walk: the tail is kept and marked truncated.
deep=$T/.d
for i in $(seq 1 70); do deep=$deep/d$i; done
mkdir -p "$deep"
cp "$MW_HELPERS/marker" "$deep/xmrig"
(cd "$deep" && ./xmrig "$T/ran2") &
dpid=$!
wait "$dpid"
line=$(wait_for ".event.kind == \"alert\" and .process.pid == $dpid and .rule.id == \"MW-MINER-001\"") ||
	fail "no alert for the deep path"
if [ -n "$line" ]; then
	expect "$line" '.minerwatch.process.executable_truncated == true' "deep path marked truncated"
	expect "$line" '.process.executable | endswith("/d69/d70/xmrig")' "the file name and deepest components kept"
fi

# A path near PATH_MAX in bytes (long names, shallow): resolved whole.
long=$T/.l
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do long=$long/$(printf 'n%.0s' $(seq 1 250)); done
mkdir -p "$long"
cp "$MW_HELPERS/marker" "$long/kinsing"
(cd "$long" && ./kinsing "$T/ran3") &
lpid=$!
wait "$lpid"
line=$(wait_for ".event.kind == \"alert\" and .process.pid == $lpid") || fail "no alert for the long path"
if [ -n "$line" ]; then
	expect "$line" "(.process.executable == \"$long/kinsing\") or (.minerwatch.process.executable_truncated == true)" \
		"long path exact or marked truncated ($(( ${#long} + 8 )) bytes)"
fi

# Fileless: a memfd executable, and a file deleted before it was executed.
"$MW_HELPERS/fdexec" memfd "$MW_HELPERS/marker" "$T/ran4" &
mpid=$!
wait "$mpid"
line=$(wait_for ".event.kind == \"alert\" and .process.pid == $mpid and .rule.id == \"MW-EXEC-005\"") ||
	fail "no memfd alert"
[ -n "$line" ] && expect "$line" '.minerwatch.process.memfd == true and (.process.executable | startswith("/memfd:mw-payload"))' \
	"memfd flagged, path names the memfd"
"$MW_HELPERS/fdexec" deleted "$MW_HELPERS/marker" "$T" "$T/ran5" &
dpid=$!
wait "$dpid"
line=$(wait_for ".event.kind == \"alert\" and .process.pid == $dpid and .rule.id == \"MW-EXEC-006\"") ||
	fail "no deleted-executable alert"
[ -n "$line" ] && expect "$line" ".minerwatch.process.deleted == true and .process.executable == \"$T/mw-deleted-payload\"" \
	"deleted executable flagged with its last path"

# The file sensor: a cron file with a hostile name, written for real in a
# private mount namespace (file_lib.sh's overlay on /etc).
cat >"$T/evil-cron.sh" <<'SH'
name=$(printf 'job\n"q\033[0m\377')
printf '* * * * * root /tmp/x\n' > "/etc/cron.d/$name"
SH
ns_run "bash $T/evil-cron.sh"
line=$(wait_for '.event.kind == "alert" and ((.file.path // "") | startswith("/etc/cron.d/job"))') ||
	fail "no alert for the hostile cron file name"
if [ -n "$line" ]; then
	expect "$line" '.file.path == "/etc/cron.d/job\n\"q\u001b[0m\\xff"' \
		'cron file path exact, control bytes escaped, invalid byte as \xff'
	expect "$line" '.threat.technique.id | index("T1053.003") != null' "cron technique"
fi

mw_stop
expect_valid_json
# jq -e . accepts a stream; also check no raw control bytes split a line.
[ "$(grep -c '^{' "$OUT")" -eq "$(wc -l <"$OUT")" ] && ok "one JSON object per line" ||
	fail "a line does not start a JSON object"
finish
