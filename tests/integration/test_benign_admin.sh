#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Benign admin work stays below severity 50, with the default rules:
#  1. a source build in /tmp the way autotools does it: a configure script
#     that compiles and runs conftest programs in the build tree, make,
#     make check (runs what it built), make install into a staging root;
#  2. a package installed with the real dpkg: a binary, a systemd unit and
#     a cron.d file, and a postinst that creates a system user (adduser)
#     and enables the unit (deb-systemd-helper), in a private mount
#     namespace whose /etc, /usr and /var are overlays (the host's are
#     never written).
# Positive controls in the same places, so the test cannot pass on a blind
# daemon: the same cron file written by a plain shell (MW-PERSIST-001), the
# built program copied by cp into a hidden temp directory (MW-DROP-002).
. "$(dirname "$0")/lib.sh"

for t in gcc make dpkg-deb dpkg adduser deb-systemd-helper; do
	command -v "$t" >/dev/null || skip "$t is not installed"
done
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null
grep -qw overlay /proc/filesystems || skip "no overlayfs in this kernel"

rules_copy
mw_start --rules "$T/rules" || finish
t0=$(date +%s)

# --- 1. a build in /tmp ------------------------------------------------------
B=$(mktemp -d /tmp/mwbuild.XXXXXX)
trap 'rm -rf "$B"; cleanup' EXIT
mkdir -p "$B/src"
cat >"$B/src/configure" <<'EOF'
#!/bin/sh
# A configure in the autotools style: probe the compiler by building and
# running small programs in the build tree.
set -e
for probe in int long size_t; do
	printf '#include <stddef.h>\nint main(void){return sizeof(%s)==0;}\n' "$probe" >conftest.c
	${CC:-cc} -o conftest conftest.c
	./conftest
	rm -f conftest conftest.c
done
printf 'CC=%s\n' "${CC:-cc}" >config.mk
EOF
cat >"$B/src/Makefile" <<'EOF'
include config.mk
all: hello
hello: main.o greet.o
	$(CC) -o $@ main.o greet.o
%.o: %.c
	$(CC) -O1 -c -o $@ $<
check: hello
	./hello | grep -q "hello, world"
install: hello
	install -D -m 0755 hello $(DESTDIR)/usr/local/bin/hello
clean:
	rm -f hello *.o
EOF
printf '#include <stdio.h>\nvoid greet(void){puts("hello, world");}\n' >"$B/src/greet.c"
printf 'void greet(void);\nint main(void){greet();return 0;}\n' >"$B/src/main.c"
chmod +x "$B/src/configure"
# Detached (setsid -f): the build's own make is its ancestor, not the one
# that may run this suite.
setsid -f sh -c "cd '$B/src' && ./configure && make -s && make -s check &&
	make -s install DESTDIR='$B/stage' && touch '$B/built'" \
	>"$T/build.log" 2>&1
for i in $(seq 1 600); do
	[ -e "$B/built" ] && break
	sleep 0.1
done
[ -x "$B/stage/usr/local/bin/hello" ] && ok "the build ran: configure, make, check, install" ||
	{ fail "the build did not finish"; cat "$T/build.log" >&2; }

# --- 2. a package installed with dpkg ----------------------------------------
P=$T/pkg
mkdir -p "$P/DEBIAN" "$P/usr/sbin" "$P/lib/systemd/system" "$P/etc/cron.d"
cp "$B/src/hello" "$P/usr/sbin/mwbenignd"
printf '[Unit]\nDescription=minerwatch benign test\n[Service]\nExecStart=/usr/sbin/mwbenignd\n[Install]\nWantedBy=multi-user.target\n' \
	>"$P/lib/systemd/system/mwbenignd.service"
printf '# mwbenign\n17 * * * * root /usr/sbin/mwbenignd\n' >"$P/etc/cron.d/mwbenign"
cat >"$P/DEBIAN/control" <<'EOF'
Package: mwbenign
Version: 1.0
Architecture: amd64
Maintainer: minerwatch tests <tests@invalid>
Description: minerwatch benign package test
EOF
cat >"$P/DEBIAN/postinst" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
	adduser --system --group --no-create-home --quiet mwbenign
	deb-systemd-helper enable mwbenignd.service
fi
EOF
chmod 0755 "$P/DEBIAN/postinst"
dpkg-deb --root-owner-group --build "$P" "$T/mwbenign.deb" >/dev/null ||
	fail "dpkg-deb could not build the package"

O=$T/ov
in_private_ns "
set -e
for d in etc usr var; do
	mkdir -p '$O'/\$d/up '$O'/\$d/wk
	mount -t overlay overlay -o lowerdir=/\$d,upperdir='$O'/\$d/up,workdir='$O'/\$d/wk /\$d
done
mountpoint -q /etc && mountpoint -q /usr && mountpoint -q /var
dpkg -i '$T/mwbenign.deb' >'$T/dpkg.log' 2>&1
test -e /etc/systemd/system/multi-user.target.wants/mwbenignd.service
getent passwd mwbenign >/dev/null
touch '$T/installed'
# The positive control: the same kind of file by a plain shell.
printf '* * * * * root /bin/true\n' >/etc/cron.d/mwcontrol
" || { cat "$T/dpkg.log" >&2 2>/dev/null; }
[ -e "$T/installed" ] && ok "dpkg installed it: unit enabled, system user made" ||
	fail "the package install did not complete"

# The build's positive control: cp of the program into a hidden temp dir.
mkdir -p "$B/.cache"
cp "$B/src/hello" "$B/.cache/hello"

wait_for '.event.kind == "alert" and .rule.id == "MW-PERSIST-001" and .file.path == "/etc/cron.d/mwcontrol"' 15 >/dev/null &&
	ok "control: a shell writing /etc/cron.d in the overlay is MW-PERSIST-001" ||
	fail "control: no MW-PERSIST-001 for the shell's cron file (blind daemon?)"
wait_for '.event.kind == "alert" and .rule.id == "MW-DROP-002" and (.file.path | endswith("/.cache/hello"))' 15 >/dev/null &&
	ok "control: cp into a hidden temp directory is MW-DROP-002" ||
	fail "control: no MW-DROP-002 for the copy into $B/.cache"

# Everything else at 50 or more is a false positive of admin work.
loud=$(jq -c "select(.event.kind == \"alert\" and .event.severity >= 50 and
	(.file.path // \"\") != \"/etc/cron.d/mwcontrol\" and
	((.file.path // \"\") | endswith(\"/.cache/hello\") | not))" "$OUT")
if [ -z "$loud" ]; then
	ok "build and package install: no alert of severity 50 or more"
else
	fail "benign admin work raised alerts of severity 50 or more"
	printf '%s\n' "$loud" | jq -c '{rule: .rule.id, sev: .event.severity,
		proc: .process.executable, args: .process.args, file: .file.path}' >&2
fi
low=$(jq -c 'select(.event.kind == "alert") | .rule.id' "$OUT" | sort | uniq -c | tr '\n' ' ')
log "alerts in $(($(date +%s) - t0)) s: ${low:-none}"
mw_stop
finish
