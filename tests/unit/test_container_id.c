/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_container_id.c - container.id from /proc/PID/cgroup text, for the
 * cgroup layouts of docker, containerd, cri-o, podman, kubernetes (systemd
 * and cgroupfs drivers), LXC, nested containers and hybrid v1/v2 hosts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "model/proc_cache.h"

#define ID1 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static const struct {
	const char *name;
	const char *text;
	const char *want;
} cases[] = {
    {"host, v2 root", "0::/\n", ""},
    {"host, systemd service", "0::/system.slice/sshd.service\n", ""},
    {"docker cgroupfs", "0::/docker/" ID1 "\n", ID1},
    {"docker systemd", "0::/system.slice/docker-" ID1 ".scope\n", ID1},
    {"containerd k8s systemd",
     "0::/kubepods.slice/kubepods-burstable.slice/"
     "kubepods-burstable-pod1234_5678.slice/cri-containerd-" ID1 ".scope\n",
     ID1},
    {"containerd k8s cgroupfs",
     "0::/kubepods/besteffort/pod0f1e2d3c-aaaa-bbbb-cccc-000000000000/" ID1
     "\n",
     ID1},
    {"containerd namespace", "0::/k8s.io/" ID1 "\n", ID1},
    {"cri-o", "0::/kubepods.slice/kubepods-pod1.slice/crio-" ID1 ".scope\n",
     ID1},
    {"cri-o conmon is not the container",
     "0::/kubepods.slice/kubepods-pod1.slice/crio-conmon-" ID1 ".scope\n", ""},
    {"podman", "0::/machine.slice/libpod-" ID1 ".scope/container\n", ID1},
    {"podman cgroupfs", "0::/libpod_parent/libpod-" ID1 "\n", ID1},
    {"podman conmon is not the container",
     "0::/machine.slice/libpod-conmon-" ID1 ".scope\n", ""},
    {"nested docker: innermost", "0::/docker/" ID1 "/docker/" ID2 "\n", ID2},
    {"lxc payload", "0::/lxc.payload.web01/system.slice/x.service\n", "web01"},
    {"lxc legacy", "0::/lxc/db-2\n", "db-2"},
    {"hybrid host: v1 lines only name it",
     "12:memory:/docker/" ID1 "\n1:name=systemd:/docker/" ID1 "\n0::/\n", ID1},
    {"v2 line wins over v1",
     "4:memory:/docker/" ID2 "\n0::/system.slice/docker-" ID1 ".scope\n", ID1},
    {"63 hex digits are not an id",
     "0::/docker/"
     "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n",
     ""},
    {"65 hex digits are not an id", "0::/docker/" ID1 "0\n", ""},
    {"uppercase hex is not an id",
     "0::/docker/"
     "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF\n",
     ""},
    {"a bare path (no /proc format)", "/docker/" ID1, ID1},
    {"no trailing newline", "0::/docker/" ID1, ID1},
    {"empty", "", ""},
};

static void test_patterns(void **state)
{
	char out[65];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 'x', sizeof(out));
		proc_container_id(cases[i].text, out);
		if (strcmp(out, cases[i].want))
			fail_msg("%s: got '%s', want '%s'", cases[i].name, out,
				 cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_patterns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
