#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Exec evasions: (1) argv padded past the kernel's 4 KiB copy hides
# --donate-level at its end: the record says args_truncated and the rules
# see the whole argv (read back from /proc). (2) A miner started as
# "/lib64/ld-linux-x86-64.so.2 ./xmrig" runs as ld.so: the event names the
# program the loader runs, and in enforce mode it is killed.
. "$(dirname "$0")/lib.sh"

LDSO=/lib64/ld-linux-x86-64.so.2
[ -x "$LDSO" ] || skip "no $LDSO"
rules_copy
mkdir -p "$T/bin" "$T/.x"
cp "$MW_HELPERS/marker" "$T/bin/worker"
cp "$(command -v sleep)" "$T/.x/xmrig" # dynamically linked

mw_start --rules "$T/rules" || finish

# (1) 700 padding arguments (6300 bytes), then the miner option.
pad=()
for i in $(seq 1 700); do pad+=(pppppppp); done
"$T/bin/worker" "$T/ran" 3 "${pad[@]}" --donate-level 1 &
wpid=$!
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-MINER-003\" and .process.pid == $wpid" 10) ||
	fail "no alert for --donate-level past 4 KiB of argv"
if [ -n "$line" ]; then
	expect "$line" '.minerwatch.process.args_truncated == true' "args_truncated flagged"
	expect "$line" '.process.args[-2:] == ["--donate-level", "1"] and .process.args_count == 705' \
		"the whole argv, tail included"
fi
wait "$wpid"

# (2) through the dynamic loader, detect mode.
(cd "$T/.x" && exec "$LDSO" ./xmrig 0.5)
line=$(wait_for '.event.kind == "alert" and .rule.id == "MW-MINER-001" and .process.name == "xmrig"' 10) ||
	fail "no known-miner alert for xmrig run through ld.so"
if [ -n "$line" ]; then
	expect "$line" ".minerwatch.process.exec_path == \"$T/.x/xmrig\"" "exec_path is the program ld.so runs"
	expect "$line" '(.process.executable | test("/ld-linux-x86-64\\.so\\.2$"))' "executable is the loader"
fi
mw_stop

# Enforce: the userspace kill ends it (the kernel's name check sees ld.so).
mw_start --rules "$T/rules" --enforce || finish
(cd "$T/.x" && exec "$LDSO" ./xmrig 20) 2>/dev/null &
lpid=$!
wait_for ".event.action == \"kill\" and .process.pid == $lpid and .event.outcome == \"success\"" 10 >/dev/null ||
	fail "no successful kill of xmrig run through ld.so"
for i in $(seq 1 50); do kill -0 "$lpid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$lpid" 2>/dev/null && { fail "still running"; kill "$lpid"; } || ok "enforce: killed"
wait "$lpid" 2>/dev/null
mw_stop
expect_valid_json
finish
