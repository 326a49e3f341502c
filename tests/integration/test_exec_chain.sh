#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The shell tricks of a miner intrusion, each run for real against the
# daemon, for the exec rules no other integration test drives:
#   detect mode: download piped into a shell (MW-EVASION-004), a decoded
#   payload piped into a shell (005), a /dev/tcp reverse shell (006),
#   competing miners killed by pattern (002), the journal vacuumed
#   (MW-FORENSICS-001, on a tmpfs journal in a private mount namespace), a
#   program run from /dev/shm (MW-EXEC-004), a program disguised as a
#   kernel thread (MW-EXEC-007);
#   enforce mode: a renamed miner by its algorithm (MW-MINER-004), its pool
#   login (005) and a Monero wallet on its command line (006) is killed.
# Every network step goes to a closed loopback port: nothing leaves the
# host and nothing is downloaded.
. "$(dirname "$0")/lib.sh"

command -v curl >/dev/null || skip "curl is not installed"
rules_copy
mw_start --rules "$T/rules" || finish

# alert RULE JQ_COND WHAT: the alert's line, or a failure.
alert() {
	wait_for ".event.kind == \"alert\" and .rule.id == \"$1\" and ($2)" 10 ||
		fail "no $1 alert for $3"
}
# A port nothing listens on (connections are refused at once).
port=9
while [ "$port" -lt 60 ] && ss -Hltn "sport = :$port" | grep -q .; do
	port=$((port + 1))
done

# 1. A download piped into a shell (curl fails: the port is closed).
bash -c "curl -fsSL http://127.0.0.1:$port/x.sh | sh" 2>/dev/null &
p1=$!
wait "$p1"
line=$(alert MW-EVASION-004 ".process.pid == $p1" "curl | sh")
[ -n "$line" ] && expect "$line" '.process.name == "bash" and .event.severity >= 50' \
	"curl | sh: named as the shell that ran it, severity 50 or more"

# 2. An encoded payload decoded into a shell ("echo mw-decoded").
bash -c 'echo ZWNobyBtdy1kZWNvZGVkCg== | base64 -d | sh' >"$T/decoded.out" &
p2=$!
wait "$p2"
grep -q mw-decoded "$T/decoded.out" || fail "the decoded payload did not run"
alert MW-EVASION-005 ".process.pid == $p2" "base64 -d | sh" >/dev/null &&
	ok "base64 -d | sh is MW-EVASION-005"

# 3. A reverse shell over /dev/tcp (refused at once: the port is closed).
bash -c "bash -i >& /dev/tcp/127.0.0.1/$port 0>&1" </dev/null 2>/dev/null &
p3=$!
wait "$p3"
alert MW-EVASION-006 ".process.pid == $p3" "bash -i >& /dev/tcp" >/dev/null &&
	ok "/dev/tcp reverse shell is MW-EVASION-006"

# 4. Competing miners killed by pattern, as the scripts do (this pattern
#    matches no process, not even this shell's own command line: nothing
#    is killed).
bash -c "pkill -f 'xmrig-mwtest-$$-[n]one'; true" &
wait $!
alert MW-EVASION-002 '.process.name == "pkill"' "pkill -f xmrig..." >/dev/null &&
	ok "pkill -f xmrig from a shell is MW-EVASION-002"

# 5. The journal vacuumed (a tmpfs journal of a private mount namespace).
in_private_ns "
mkdir -p /var/log/journal && mount -t tmpfs mwjournal /var/log/journal &&
journalctl --vacuum-time=1s >/dev/null 2>&1; true"
line=$(alert MW-FORENSICS-001 '.process.name == "journalctl"' "journalctl --vacuum-time")
[ -n "$line" ] && expect "$line" '.process.args | index("--vacuum-time=1s") != null' \
	"journalctl --vacuum-time: the alert has its arguments"

# 6. A program run from /dev/shm.
shm=/dev/shm/mwt-chain-$$
cp "$MW_HELPERS/marker" "$shm"
"$shm" "$T/shm.ran"
rm -f "$shm"
alert MW-EXEC-004 ".process.executable == \"$shm\"" "a program in /dev/shm" >/dev/null &&
	ok "a program run from /dev/shm is MW-EXEC-004"

# 7. A program disguised as a kernel thread (argv[0] "[kworker/0:1]").
cp "$MW_HELPERS/marker" "$T/kw"
bash -c "exec -a '[kworker/0:1]' '$T/kw' '$T/kw.ran'"
line=$(alert MW-EXEC-007 ".process.executable == \"$T/kw\"" "exec -a [kworker/0:1]")
[ -n "$line" ] && expect "$line" '.event.severity >= 50' "disguised as a kernel thread: severity 50 or more"
mw_stop

# --- enforce mode: renamed miners known by their command line ----------------
: >"$OUT"
mw_start --rules "$T/rules" --enforce || finish
cp "$MW_HELPERS/marker" "$T/syshealth"
wallet="48$(printf 'A%.0s' $(seq 1 93))"
# killed RULE WHAT ARGS...: run the renamed program (it would sleep 10 s).
killed() {
	local rule=$1 what=$2 pid rc line
	shift 2
	"$T/syshealth" "$T/ran.$rule" 10 "$@" &
	pid=$!
	wait "$pid"
	rc=$?
	[ "$rc" -eq 137 ] && ok "$what: killed (exit 137)" || fail "$what: exit $rc, want 137"
	line=$(wait_for ".event.action == \"kill\" and .process.pid == $pid" 10) ||
		{ fail "$what: no kill event"; return; }
	expect "$line" ".rule.id == \"$rule\" and .event.outcome == \"success\"" "$what: killed by $rule"
}
killed MW-MINER-004 "--algo rx/0" --algo rx/0
killed MW-MINER-005 "-o pool login" -o eu.minepool.example:3333 -u worker1
killed MW-MINER-006 "a Monero wallet" --wallet "$wallet"
# The same program with ordinary arguments runs to its end.
"$T/syshealth" "$T/ran.benign" 0 --interval 5 --verbose
[ -e "$T/ran.benign" ] && ok "the same program, ordinary arguments: runs" ||
	fail "the benign run did not complete"
mw_stop
expect_valid_json
finish
