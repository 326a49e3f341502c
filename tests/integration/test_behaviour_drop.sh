#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The drop: curl downloads an executable into a hidden temp directory, it
# is made executable and run, then deleted while it runs. Three alerts:
# run from a hidden directory (MW-EXEC-001, T1564.001), run right after a
# downloader wrote it (MW-DROP-001, T1105, naming curl and the peer of its
# URL), and a running program whose executable was deleted (MW-BEH-003,
# T1070.004). The server is python's http.server in a network namespace
# with only lo.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

need jq
need curl
need python3
mkdir -p "$T/srv" "$T/.x"
cp /bin/sleep "$T/srv/app"
netns_new drop || skip "cannot create a network namespace"
mw_start || finish
bg ip netns exec "$NS" python3 -m http.server --bind 127.0.0.1 --directory "$T/srv" 8931 2>"$T/http.log"
for i in $(seq 1 50); do
	ip netns exec "$NS" curl -s -o /dev/null http://127.0.0.1:8931/ && break
	sleep 0.1
done
ip netns exec "$NS" bash -c "echo \$\$ >'$T/curl.pid'; exec curl -s -o '$T/.x/app' http://127.0.0.1:8931/app" ||
	fail "download failed"
CURL=$(cat "$T/curl.pid")
chmod +x "$T/.x/app"
bash -c "echo \$\$ >'$T/app.pid'; exec '$T/.x/app' 30" &
APP=$!
sleep 0.5
rm -f "$T/.x/app"

line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-DROP-001\" and .process.pid == $APP" 10) ||
	fail "no run-after-download alert"
if [ -n "$line" ]; then
	expect "$line" '.threat.technique.id | index("T1105") != null' "download: T1105"
	expect "$line" ".minerwatch.behaviour.downloader.name == \"curl\" and .minerwatch.behaviour.downloader.pid == $CURL" "download: names curl"
	expect "$line" '.minerwatch.behaviour.downloader.peer == "127.0.0.1:8931"' "download: names the peer"
	expect "$line" ".process.executable == \"$T/.x/app\"" "download: names the program"
fi
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-EXEC-001\" and .process.pid == $APP" 5) ||
	fail "no hidden-directory alert"
[ -n "$line" ] && expect "$line" '.threat.technique.id | index("T1564.001") != null' "hidden dir: T1564.001"
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-BEH-003\" and .process.pid == $APP" 10) ||
	fail "no deleted-while-running alert"
[ -n "$line" ] && expect "$line" '.threat.technique.id | index("T1070.004") != null' "deleted: T1070.004"
kill "$APP" 2>/dev/null
wait "$APP" 2>/dev/null
mw_stop
expect_valid_json
finish
