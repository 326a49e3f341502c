// SPDX-License-Identifier: GPL-2.0-only
/*
 * net_empty - load net_empty.bpf.o, attach every program (cgroup ones to
 * the cgroup v2 root given), print "attached", wait for SIGTERM/SIGINT.
 *
 *   net_empty OBJ CGROUP2_ROOT
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <bpf/libbpf.h>

static volatile sig_atomic_t stop;

static void on_sig(int sig __attribute__((unused)))
{
	stop = 1;
}

int main(int argc, char **argv)
{
	struct bpf_link *links[16];
	struct bpf_program *prog;
	struct bpf_object *obj;
	int n = 0, cg, i;

	if (argc != 3)
		return 2;
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "net_empty: cannot load %s\n", argv[1]);
		return 1;
	}
	cg = open(argv[2], O_RDONLY | O_DIRECTORY);
	if (cg < 0) {
		perror(argv[2]);
		return 1;
	}
	bpf_object__for_each_program(prog, obj)
	{
		enum bpf_prog_type t = bpf_program__type(prog);

		if (n >= 16)
			break;
		if (t == BPF_PROG_TYPE_CGROUP_SKB ||
		    t == BPF_PROG_TYPE_CGROUP_SOCK_ADDR)
			links[n] = bpf_program__attach_cgroup(prog, cg);
		else
			links[n] = bpf_program__attach(prog);
		if (!links[n]) {
			fprintf(stderr, "net_empty: attach %s failed\n",
				bpf_program__name(prog));
			return 1;
		}
		n++;
	}
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	printf("attached\n");
	fflush(stdout);
	while (!stop)
		pause();
	for (i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
	bpf_object__close(obj);
	close(cg);
	return 0;
}
