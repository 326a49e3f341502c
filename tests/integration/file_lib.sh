#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# file_lib.sh - shared by the test_file_*.sh tests (sourced after lib.sh).
#
# The scenarios write the real paths (/etc, /root, /var/log, ...) inside a
# private mount namespace where each of them is a tmpfs or an overlay whose
# upper layer is a tmpfs: nothing reaches the host. ns_run refuses to run a
# scenario unless every one of those mounts is in place.

# Mounts for a scenario; overlay keeps the real contents visible (chpasswd
# needs /etc/passwd, PAM, ...), tmpfs gives an empty directory.
FILE_NS_SETUP='
set -e
mount -t tmpfs mwscratch "$NS"
ovl() { mkdir -p "$NS/u$2" "$NS/w$2"; mount -t overlay overlay -o "lowerdir=$1,upperdir=$NS/u$2,workdir=$NS/w$2" "$1"; }
ovl /etc etc
mount -t tmpfs tmpfs /var/spool/cron
mkdir -p -m 1730 /var/spool/cron/crontabs; chgrp crontab /var/spool/cron/crontabs 2>/dev/null || true
mount -t tmpfs tmpfs /var/log
mount -t tmpfs tmpfs /root
mount -t tmpfs tmpfs /home
for m in /etc /var/spool/cron /var/log /root /home; do
	mountpoint -q "$m" || { echo "file_lib: $m is not a private mount: refusing" >&2; exit 99; }
done
set +e
'

# The mount points must exist already: we never create directories on the
# host. (cron creates /var/spool/cron; the others are always there.)
for d in /etc /var/spool/cron /var/log /root /home; do
	[ -d "$d" ] || skip "$d does not exist (install cron for /var/spool/cron)"
done

# ns_run SCRIPT: run bash SCRIPT in a private mount namespace with the
# mounts above; returns its status (99: the safety check failed).
ns_run() {
	local ns rc
	ns=$(mktemp -d "$T/ns.XXXXXX")
	NS=$ns unshare -m --propagation private bash -c "$FILE_NS_SETUP
$1"
	rc=$?
	[ "$rc" -eq 99 ] && fail "private mounts not in place: scenario not run"
	return "$rc"
}

# alert_for JQ_PATH_COND: the alerts matching a condition, one per line.
alerts_where() {
	jq -c "select(.event.kind == \"alert\" and ($1))" "$OUT" 2>/dev/null
}

# expect_alerts N JQ_COND DESCRIPTION: exactly N alerts match JQ_COND now.
expect_alerts() {
	local n
	n=$(alerts_where "$2" | wc -l)
	[ "$n" -eq "$1" ] && ok "$3" || fail "$3: $n alerts, expected $1"
}

# expect_one_alert RULE_ID JQ_COND DESCRIPTION [TIMEOUT]: exactly one alert
# with this rule id matches JQ_COND; prints it for further checks.
expect_one_alert() {
	local rule=$1 cond=$2 what=$3 line n
	line=$(wait_for ".event.kind == \"alert\" and .rule.id == \"$rule\" and ($cond)" "${4:-10}") || {
		fail "$what: no $rule alert"
		return 1
	}
	sleep 0.3
	n=$(alerts_where ".rule.id == \"$rule\" and ($cond)" | wc -l)
	if [ "$n" -eq 1 ]; then
		ok "$what: one $rule alert"
	else
		fail "$what: $n $rule alerts, expected 1"
	fi
	printf '%s\n' "$line"
}

# The file rules of the default policy (the exec rules are not needed).
file_rules_copy() {
	mkdir -p "$T/rules"
	cp "$MW_ROOT"/rules/persistence.json "$MW_ROOT"/rules/anti-forensics.json "$T/rules/"
	chmod 755 "$T/rules"
	chmod 644 "$T/rules"/*.json
}

# file_hooks_fentry: is the running daemon's file sensor on kernel
# functions (bpf/file/fentry.bpf.c: 6.1, 6.12 with fentry), where by-name
# operations are resolved from the dentry (path_source "object")?
file_hooks_fentry() {
	case $(jq -r 'select(.event.action == "started") | .minerwatch.hooks.file' "$OUT" 2>/dev/null | head -n 1) in
	fentry*) return 0 ;;
	esac
	return 1
}

# view LINE JQ_BOOL DESCRIPTION: expect() on the caller's view (seen_as,
# target_seen_as), which only the tracepoint set sends: the kernel-function
# set (fentry: 6.1, 6.12) resolves names from dentries, real paths with no
# view to check. Needs the daemon's started event in $OUT.
view() {
	if file_hooks_fentry; then
		[ -n "${FILE_VIEWS_SKIPPED:-}" ] ||
			log "file sensor on kernel functions: views not checked"
		FILE_VIEWS_SKIPPED=1
		return 0
	fi
	expect "$@"
}
