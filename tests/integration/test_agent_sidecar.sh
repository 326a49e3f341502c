#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The sidecar as a container runtime would start it (no container engine
# runs here): its own mount and pid namespaces, a root made of the "image"
# (read-only /usr and /etc) plus exactly the volumes deploy/k8s/sidecar.yaml
# lists, exactly the capabilities it adds (bounding set), scoped to a test
# cgroup standing for the pod. A miner-like exec in that cgroup is caught
# and killed; one outside is left alone. Both manifests must parse and carry
# the fields checked here.
. "$(dirname "$0")/lib_agent.sh"

[ -n "$CG2" ] || skip "no cgroup v2 mount"
PY=/usr/bin/python3
$PY -c 'import yaml' 2>/dev/null || skip "python3-yaml missing (tools/deps.sh test)"

# --- the manifests --------------------------------------------------------
$PY - "$MW_ROOT/deploy/k8s" >"$T/manifest.txt" 2>"$T/manifest.err" <<'PY'
import os, sys, yaml
d = sys.argv[1]
problems = []
def need(cond, what):
    if not cond:
        problems.append(what)
def mw_container(spec):
    return [c for c in spec["containers"] if c["name"] == "minerwatch"][0]
def caps_ok(c, name):
    sc = c.get("securityContext", {})
    need(sc.get("privileged") is False, name + ": privileged must be false")
    need(sc.get("allowPrivilegeEscalation") is False, name + ": allowPrivilegeEscalation false")
    need(sc.get("capabilities", {}).get("drop") == ["ALL"], name + ": drop ALL")
    add = sc.get("capabilities", {}).get("add", [])
    need({"BPF", "PERFMON"} <= set(add), name + ": adds BPF and PERFMON")
    need("SYS_ADMIN" not in add, name + ": no SYS_ADMIN")
    return add

docs = list(yaml.safe_load_all(open(os.path.join(d, "daemonset.yaml"))))
ds = [x for x in docs if x and x.get("kind") == "DaemonSet"]
need(len(ds) == 1, "daemonset.yaml: one DaemonSet")
if ds:
    spec = ds[0]["spec"]["template"]["spec"]
    need(spec.get("hostPID") is True, "daemonset: hostPID")
    c = mw_container(spec)
    caps_ok(c, "daemonset")
    need("--config" in c.get("args", []), "daemonset: --config")
    hp = {v["name"]: v["hostPath"]["path"] for v in spec["volumes"] if "hostPath" in v}
    mounts = {m["mountPath"]: hp.get(m["name"]) for m in c["volumeMounts"]}
    need(mounts.get("/sys/fs/bpf") == "/sys/fs/bpf", "daemonset: node bpffs at /sys/fs/bpf")
    need(mounts.get("/sys/fs/cgroup") == "/sys/fs/cgroup", "daemonset: node cgroup tree")
    need(mounts.get("/sys/kernel/tracing") == "/sys/kernel/tracing", "daemonset: tracefs")
    cms = [x for x in docs if x and x.get("kind") == "ConfigMap"]
    need(cms and "minerwatch.json" in cms[0]["data"], "daemonset: ConfigMap with minerwatch.json")

pod = yaml.safe_load(open(os.path.join(d, "sidecar.yaml")))
need(pod.get("kind") == "Pod", "sidecar.yaml: a Pod")
spec = pod["spec"]
need(len(spec["containers"]) >= 2, "sidecar: app + minerwatch")
c = mw_container(spec)
add = caps_ok(c, "sidecar")
need("--cgroup" in " ".join(c.get("args", []) + c.get("command", [])), "sidecar: --cgroup")
need(not spec.get("hostPID"), "sidecar: no hostPID")
vols = {v["name"]: v for v in spec["volumes"]}
for cap in add:
    print("CAP", cap.lower())
for m in c["volumeMounts"]:
    v = vols[m["name"]]
    ro = "ro" if m.get("readOnly") else "rw"
    if "hostPath" in v:
        print("MOUNT host", v["hostPath"]["path"], m["mountPath"], ro)
    elif "emptyDir" in v:
        print("MOUNT tmpfs -", m["mountPath"], ro)
    else:
        problems.append("sidecar: volume kind of %s not emulated" % m["name"])
for p in problems:
    print(p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
if [ $? -eq 0 ]; then
	ok "daemonset.yaml and sidecar.yaml parse and carry the required fields"
else
	fail "manifests: $(tr '\n' ';' <"$T/manifest.err")"
	finish
fi
caps=$(awk '$1 == "CAP" { printf ",+%s", $2 }' "$T/manifest.txt")

# --- the "pod": a test cgroup, the app's side and an outsider -------------
agent_rules
agent_cgroup pod || finish
pod_cg=$AGENT_CG
mkdir -p "$T/bin"
cp "$MW_HELPERS/marker" "$T/bin/xmrig"

# --- the container root ---------------------------------------------------
R=$T/root
mkdir -p "$R"/{usr,etc,proc,sys,dev,tmp,run,opt/mw,var/lib}
for l in bin sbin lib lib64; do [ -L "/$l" ] && ln -s "usr/$l" "$R/$l"; done
cp "$MW_BIN" "$R/opt/mw/minerwatch"
cp -r "$T/rules" "$R/opt/mw/rules"
: >"$R/opt/mw/out.json"
: >"$R/opt/mw/err.txt"

cat >"$T/runtime.sh" <<RT
set -e
mount --make-rprivate /
# The image: read-only system directories, a fresh /proc of the new pid
# namespace, sysfs read-only, a minimal /dev.
mount --rbind /usr "$R/usr"; mount -o remount,bind,ro "$R/usr"
mount --rbind /etc "$R/etc"; mount -o remount,bind,ro "$R/etc"
mount -t proc proc "$R/proc"
mount -t sysfs -o ro sysfs "$R/sys"
mount -t tmpfs -o mode=755 tmpfs "$R/dev"
for d in null zero urandom; do touch "$R/dev/\$d"; mount --bind "/dev/\$d" "$R/dev/\$d"; done
mount -t tmpfs tmpfs "$R/tmp"
# The manifest's volumes, and nothing else. The node's cgroup tree is the
# cgroup2 mount, wherever this host has it.
while read -r kind src dst mode; do
	mkdir -p "$R\$dst" 2>/dev/null || true
	if [ "\$kind" = tmpfs ]; then
		mount -t tmpfs -o mode=700 tmpfs "$R\$dst"
		continue
	fi
	[ "\$src" = /sys/fs/cgroup ] && src=$CG2
	mount --rbind "\$src" "$R\$dst"
	[ "\$mode" = ro ] && mount -o remount,bind,ro "$R\$dst"
done < <(awk '\$1 == "MOUNT" { print \$2, \$3, \$4, \$5 }' "$T/manifest.txt")
exec chroot "$R" setpriv --bounding-set=-all$caps --inh-caps=-all -- \
	/opt/mw/minerwatch --no-config --rules /opt/mw/rules --enforce \
	--stats-interval 0 --cgroup /sys/fs/cgroup/${pod_cg#"$CG2"/} \
	--control /run/minerwatch/control.sock \
	>"$R/opt/mw/out.json" 2>"$R/opt/mw/err.txt"
RT
unshare -m -p -f --mount-proc --propagation private bash "$T/runtime.sh" &
RT_PID=$!
AGENT_PIDS+=("$RT_PID")
OUT=$R/opt/mw/out.json
ERR=$R/opt/mw/err.txt
line=$(wait_for '.event.action == "started"' 30) || {
	fail "sidecar did not start"
	cat "$ERR" >&2
	finish
}
expect "$line" ".minerwatch.cgroup == \"/sys/fs/cgroup/${pod_cg#"$CG2"/}\"" "sidecar scoped to the pod cgroup"
MW_SIDECAR=$(printf '%s' "$line" | jq -r '.minerwatch.self_tgid')
eff=$(awk '/^CapBnd/ { print $2 }' "/proc/$MW_SIDECAR/status" 2>/dev/null)
want=$(setpriv --bounding-set=-all$caps -- awk '/^CapBnd/ { print $2 }' /proc/self/status)
[ -n "$eff" ] && [ "$eff" = "$want" ] && ok "runs with only the manifest's capabilities ($eff)" ||
	fail "capability bounding set $eff, want $want"
pidns_in=$(readlink "/proc/$MW_SIDECAR/ns/pid")
[ "$pidns_in" != "$(readlink /proc/self/ns/pid)" ] && ok "own pid namespace" || fail "shares the host pid namespace"

# The app in the pod runs a miner: killed at exec, reported.
bash -c "echo \$\$ > $pod_cg/cgroup.procs; echo \$\$ > $T/pid; exec $T/bin/xmrig $T/marker-in"
rc=$?
pid=$(cat "$T/pid")
[ "$rc" -eq 137 ] && [ ! -e "$T/marker-in" ] && ok "miner in the pod killed at exec" ||
	fail "miner in the pod: exit $rc"
line=$(wait_for ".event.kind == \"alert\" and .process.pid == $pid") &&
	expect "$line" '.rule.id == "MW-TEST-KILL" and .minerwatch.response.taken == true' \
		"sidecar reports the miner with its rule" || fail "no alert from the sidecar"

# Outside the pod: not its business, not touched, not reported.
"$T/bin/xmrig" "$T/marker-out"
rc=$?
[ "$rc" -eq 0 ] && [ -e "$T/marker-out" ] && ok "same exec outside the pod untouched" ||
	fail "outside the pod: exit $rc"
sleep 0.3
n=$(count_of '.event.kind == "alert" and (.process.args[1] // "" | endswith("marker-out"))')
[ "$n" -eq 0 ] && ok "and not reported" || fail "$n alerts for the outside exec"

kill -TERM "$MW_SIDECAR"
wait "$RT_PID"
rc=$?
[ "$rc" -eq 0 ] && ok "sidecar exits 0 on SIGTERM" || fail "sidecar exit $rc"
grep -q '"action":"stopped"' "$OUT" && ok "stopped event" || fail "no stopped event"
expect_valid_json
finish
