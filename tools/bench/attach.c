// SPDX-License-Identifier: GPL-2.0-only
/*
 * attach.c - load a BPF object, attach every program, hold them until
 * stdin closes or a signal arrives. The benchmark's "empty programs" floor:
 * the same hooks as the file sensor, with programs that only return 0.
 *
 *   attach OBJECT
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

static void on_sig(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_link *links[64];
	int n = 0, i, err;
	char c;

	if (argc != 2) {
		fprintf(stderr, "usage: %s OBJECT\n", argv[0]);
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		perror("open");
		return 1;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "load: %s\n", strerror(-err));
		return 1;
	}
	bpf_object__for_each_program(prog, obj)
	{
		if (n == 64)
			break;
		links[n] = bpf_program__attach(prog);
		if (!links[n]) {
			fprintf(stderr, "attach %s failed\n",
				bpf_program__name(prog));
			continue;
		}
		n++;
	}
	printf("attached %d\n", n);
	fflush(stdout);
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	while (read(0, &c, 1) > 0)
		;
	for (i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
	bpf_object__close(obj);
	return 0;
}
