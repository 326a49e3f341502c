#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Tamper: root rewrites the daemon's kernel settings map with bpftool
# (enforce off, self_tgid pointed elsewhere): at the next health interval
# the daemon alerts (MW-TAMPER-001, what it found and what it expected)
# and puts its settings back. And a rules or YARA file owned by anyone but root is
# refused like a world-writable one.
. "$(dirname "$0")/lib.sh"

command -v bpftool >/dev/null || skip "no bpftool"
rules_copy
mw_start --rules "$T/rules" --enforce --stats-interval 1 || finish

# Our daemon's own mw_config_map: from the map ids among its fds.
map_id=
for f in /proc/"$MW_PID"/fdinfo/*; do
	id=$(awk '/^map_id:/ {print $2}' "$f" 2>/dev/null)
	[ -n "$id" ] || continue
	if bpftool map show id "$id" 2>/dev/null | grep -q 'name mw_config_map'; then
		map_id=$id
		break
	fi
done
[ -n "$map_id" ] || fail "cannot find the daemon's mw_config_map"
if [ -n "$map_id" ]; then
	before=$(bpftool map lookup id "$map_id" key 0 0 0 0 -j | jq -c '.value // .formatted.value')
	# enforce = 0, self_tgid = 1 (init), the rest as it was.
	bpftool map update id "$map_id" key 0 0 0 0 value \
		0 0 0 0 1 0 0 0 $(bpftool map lookup id "$map_id" key 0 0 0 0 -j |
		jq -r '.value[8:][]' | tr '\n' ' ') ||
		fail "bpftool map update"
	line=$(wait_for '.event.kind == "alert" and .rule.id == "MW-TAMPER-001"' 5) ||
		fail "no tamper alert after the settings map was rewritten"
	if [ -n "$line" ]; then
		expect "$line" '.minerwatch.tamper.found.enforce == 0 and .minerwatch.tamper.found.self_tgid == 1' \
			"the alert says what was found"
		expect "$line" ".minerwatch.tamper.expected.enforce == 1 and .minerwatch.tamper.expected.self_tgid == $MW_PID" \
			"and what the daemon had written"
		expect "$line" '.event.severity >= 80' "high severity"
	fi
	after=$(bpftool map lookup id "$map_id" key 0 0 0 0 -j | jq -c '.value // .formatted.value')
	[ "$after" = "$before" ] && ok "the settings were restored" ||
		fail "settings not restored: before $before, now $after"
	# Restored, so enforcement works again: a miner name is killed.
	mkdir -p "$T/bin"
	cp "$MW_HELPERS/marker" "$T/bin/xmrig"
	"$T/bin/xmrig" "$T/ran" 0 2>/dev/null
	rc=$?
	[ "$rc" -eq 137 ] && ok "enforcement back on: xmrig killed" || fail "xmrig exit $rc, want 137"
fi
mw_stop

# A rules file owned by nobody (mode 0644) is refused (exit 3).
mkdir -p "$T/r2"
cp "$T/rules/miners.json" "$T/r2/"
chown 65534:65534 "$T/r2/miners.json"
"$MW_BIN" --no-config --check-rules "$T/r2" >"$T/check.out" 2>&1
rc=$?
[ "$rc" -eq 3 ] && grep -q 'owned by uid 65534' "$T/check.out" &&
	ok "a rules file owned by nobody is refused" ||
	fail "rules file owned by nobody: exit $rc: $(cat "$T/check.out")"
chown 0:0 "$T/r2/miners.json"
chown 65534:65534 "$T/r2"
"$MW_BIN" --no-config --check-rules "$T/r2" >"$T/check.out" 2>&1
rc=$?
[ "$rc" -eq 3 ] && ok "a rules directory owned by nobody is refused" ||
	fail "rules dir owned by nobody: exit $rc: $(cat "$T/check.out")"
# YARA rules decide kills too: a file or directory owned by nobody.
mkdir -p "$T/r3/yara"
cp "$T/rules/miners.json" "$T/r3/"
cp "$MW_ROOT/rules/yara/miners.yar" "$T/r3/yara/"
"$MW_BIN" --no-config --check-rules "$T/r3" >"$T/check.out" 2>&1 ||
	fail "the root-owned YARA copy should load: $(cat "$T/check.out")"
chown 65534:65534 "$T/r3/yara/miners.yar"
"$MW_BIN" --no-config --check-rules "$T/r3" >"$T/check.out" 2>&1
rc=$?
[ "$rc" -eq 3 ] && grep -q 'miners.yar is owned by uid 65534' "$T/check.out" &&
	ok "a YARA file owned by nobody is refused" ||
	fail "YARA file owned by nobody: exit $rc: $(cat "$T/check.out")"
chown 0:0 "$T/r3/yara/miners.yar"
chown 65534:65534 "$T/r3/yara"
"$MW_BIN" --no-config --check-rules "$T/r3" >"$T/check.out" 2>&1
rc=$?
[ "$rc" -eq 3 ] && grep -q 'yara is owned by uid 65534' "$T/check.out" &&
	ok "a YARA directory owned by nobody is refused" ||
	fail "YARA dir owned by nobody: exit $rc: $(cat "$T/check.out")"
# And the config file.
echo '{"enforce": true}' >"$T/mw.json"
chown 65534:65534 "$T/mw.json"
"$MW_BIN" --config "$T/mw.json" --check-config >"$T/check.out" 2>&1
rc=$?
[ "$rc" -eq 6 ] && ok "a config file owned by nobody is refused" ||
	fail "config owned by nobody: exit $rc: $(cat "$T/check.out")"
expect_valid_json
finish
