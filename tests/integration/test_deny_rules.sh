#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# deny rules (enforce mode), where the kernel allows and where it does not:
#   - a network deny rule refuses the connect in the kernel (cgroup connect
#     hook, every kernel): EPERM, a block event, the process lives;
#   - a file deny rule on /etc/cron.d refuses writes at lsm/file_open where
#     BPF-LSM loads (EPERM); elsewhere the write happens and the writer is
#     killed instead, and the block event says so (fallback kill).
# Runs in a private mount namespace with a tmpfs over /etc/cron.d.
if [ -z "${MW_IN_NS:-}" ]; then
	exec unshare -m --propagation private env MW_IN_NS=1 bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

mount -t tmpfs tmpfs /etc/cron.d || skip "cannot mount a tmpfs over /etc/cron.d"
echo '# existing' >/etc/cron.d/existing
PORT=$((20000 + $$ % 20000))
rules_copy
cat >"$T/rules/zz-deny.json" <<JSON
{"rules": [
 {"id": "T-DENY-NET", "name": "deny a pool port", "event": "net",
  "condition": {"field": "destination.port", "eq": $PORT},
  "severity": 60, "mitre": {"techniques": ["T1496"]}, "action": "deny"},
 {"id": "T-DENY-CRON", "name": "cron.d is read-only", "event": "file",
  "condition": {"field": "file.path", "prefix": "/etc/cron.d/"},
  "severity": 80, "mitre": {"techniques": ["T1053.003"]}, "action": "deny"}
]}
JSON
chmod 644 "$T/rules/zz-deny.json"
mw_start --rules "$T/rules" --enforce || finish
started=$(wait_for '.event.action == "started"')
lsm_files=$(printf '%s' "$started" | jq -r '.minerwatch.hooks.file_deny | type')

# Network: refused in the kernel, no kill.
bg "$MW_HELPERS/mwnet" listen 127.0.0.1 "$PORT" "$T/srv" 8 >"$T/listen"
wait_file "$T/listen" ready || fail "listener did not start"
out=$("$MW_HELPERS/mwnet" connect 127.0.0.1 "$PORT" 2>&1)
rc=$?
[ "$rc" -eq 1 ] && echo "$out" | grep -q EPERM && ok "connect refused with EPERM" ||
	fail "connect: rc $rc, $out"
line=$(wait_for '.event.action == "block" and .rule.id == "T-DENY-NET"') || fail "no block event for the connect"
[ -n "$line" ] && expect "$line" '.event.outcome == "success" and .minerwatch.response.where == "kernel" and (.minerwatch.response.fallback == null)' \
	"refused in the kernel, nothing killed"

# Files: refused by BPF-LSM where it loads, else the writer is killed.
sh -c 'echo "* * * * * root /tmp/.x/miner" > /etc/cron.d/evil; sleep 5' 2>"$T/w.err"
rc=$?
line=$(wait_for '.event.action == "block" and .rule.id == "T-DENY-CRON"') || fail "no block event for the cron write"
if [ "$lsm_files" = array ]; then
	# The shell goes on (to its sleep) after the refused redirection.
	grep -q "Operation not permitted" "$T/w.err" && ok "cron.d write refused (EPERM)" ||
		fail "cron.d write: rc $rc $(cat "$T/w.err")"
	[ ! -e /etc/cron.d/evil ] && ok "no file created" || fail "/etc/cron.d/evil exists"
	[ -n "$line" ] && expect "$line" '.minerwatch.response.where == "kernel"' "refused in the kernel"
else
	log "no BPF-LSM here: expecting the kill fallback"
	[ "$rc" -eq 137 ] && ok "writer killed (fallback, exit 137)" || fail "writer exit $rc, want 137"
	[ -n "$line" ] && expect "$line" '.minerwatch.response.fallback == "kill" and .event.outcome == "success"' \
		"block event says: fallback kill"
fi
mw_stop
expect_valid_json
finish
