// SPDX-License-Identifier: GPL-2.0-only
/*
 * floor - load a BPF object and attach every program in it, then wait for
 * SIGTERM/SIGINT. With the object from gen-floor.sh this is the cost of our
 * hooks with nothing in them: the baseline minerwatch is judged against.
 *   floor OBJECT CGROUP2_DIR
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	int cg, n = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: floor OBJECT CGROUP2_DIR\n");
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "floor: loading %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	cg = open(argv[2], O_RDONLY | O_DIRECTORY);
	bpf_object__for_each_program(prog, obj)
	{
		const char *sec = bpf_program__section_name(prog);
		struct bpf_link *l;

		if (strncmp(sec, "cgroup", 6) == 0)
			l = bpf_program__attach_cgroup(prog, cg);
		else
			l = bpf_program__attach(prog);
		if (!l) {
			fprintf(stderr, "floor: attaching %s: %s\n", sec,
				strerror(errno));
			return 1;
		}
		n++;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	printf("floor: %d programs attached\n", n);
	fflush(stdout);
	while (!stop)
		pause();
	bpf_object__close(obj); /* detaches every link */
	return 0;
}
