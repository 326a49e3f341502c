// SPDX-License-Identifier: GPL-2.0-only
/*
 * int80 - change a file through 32-bit syscalls (int 0x80) from a 64-bit
 * process: x86 fires no syscalls:* tracepoint for them.
 *
 *   int80 append   PATH TEXT   open(O_WRONLY|O_APPEND|O_CREAT) + write
 *   int80 truncate PATH LEN    truncate
 *   int80 unlink   PATH        unlink
 *   int80 rename   OLD NEW     rename
 *
 * The ia32 entry takes 32-bit pointers: every string is copied into a
 * static buffer, which a static non-PIE binary keeps below 4 GiB. Exit 0
 * on success, 1 with the error otherwise; without ia32 emulation the
 * kernel ends the process with SIGSEGV.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NR32_WRITE 4
#define NR32_OPEN 5
#define NR32_CLOSE 6
#define NR32_UNLINK 10
#define NR32_RENAME 38
#define NR32_TRUNCATE 92
#define O32_WRONLY 01
#define O32_CREAT 0100
#define O32_APPEND 02000

static char s1[4096], s2[4096];

static long sys32(long nr, long a, long b, long c)
{
	long ret;

	/* int 0x80 from 64-bit code clobbers r8-r11 on some kernels. */
	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(nr), "b"(a), "c"(b), "d"(c)
		     : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

static long ptr32(const char *s)
{
	return (long)(unsigned long)s;
}

static int check(long ret, const char *what)
{
	if (ret < 0) {
		fprintf(stderr, "int80 %s: %s\n", what, strerror((int)-ret));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long fd;

	if (argc < 3 || strlen(argv[2]) >= sizeof(s1) ||
	    (argc > 3 && strlen(argv[3]) >= sizeof(s2))) {
		fprintf(stderr, "usage: int80 append|truncate|unlink|rename "
				"ARGS\n");
		return 2;
	}
	if ((unsigned long)s1 > 0xffffffffUL) {
		fprintf(stderr, "int80: buffers above 4 GiB (PIE build?)\n");
		return 2;
	}
	strcpy(s1, argv[2]);
	if (argc > 3)
		strcpy(s2, argv[3]);
	if (!strcmp(argv[1], "append") && argc == 4) {
		fd = sys32(NR32_OPEN, ptr32(s1),
			   O32_WRONLY | O32_APPEND | O32_CREAT, 0600);
		if (check(fd, "open"))
			return 1;
		if (check(sys32(NR32_WRITE, fd, ptr32(s2), strlen(s2)),
			  "write"))
			return 1;
		return check(sys32(NR32_CLOSE, fd, 0, 0), "close");
	}
	if (!strcmp(argv[1], "truncate") && argc == 4)
		return check(
		    sys32(NR32_TRUNCATE, ptr32(s1), strtol(s2, NULL, 10), 0),
		    "truncate");
	if (!strcmp(argv[1], "unlink") && argc == 3)
		return check(sys32(NR32_UNLINK, ptr32(s1), 0, 0), "unlink");
	if (!strcmp(argv[1], "rename") && argc == 4)
		return check(sys32(NR32_RENAME, ptr32(s1), ptr32(s2), 0),
			     "rename");
	fprintf(stderr, "int80: bad arguments\n");
	return 2;
}
