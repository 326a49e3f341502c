// SPDX-License-Identifier: GPL-2.0-only
/*
 * int80 - change a file through 32-bit syscalls (int 0x80) from a 64-bit
 * process: x86 fires no syscalls:* tracepoint for them.
 *
 *   int80 append   PATH TEXT   open(O_WRONLY|O_APPEND|O_CREAT) + write
 *   int80 truncate PATH LEN    truncate
 *   int80 unlink   PATH        unlink
 *   int80 rename   OLD NEW     rename
 *   int80 fchmod   PATH MODE   open(O_RDONLY) + fchmod (MODE octal)
 *   int80 fchown   PATH UID    open(O_RDONLY) + fchown32 (group unchanged)
 *   int80 fchown16 PATH UID    open(O_RDONLY) + fchown (16-bit ids)
 *   int80 chown16  PATH UID    chown (16-bit ids, group unchanged)
 *   int80 punch    PATH LEN    open(O_WRONLY) + fallocate(PUNCH_HOLE |
 *                              KEEP_SIZE) of bytes 0..LEN
 *   int80 chattr   PATH        open(O_RDONLY) + ioctl FS_IOC32_GETFLAGS,
 *                              FS_IOC32_SETFLAGS with FS_IMMUTABLE_FL
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
#define NR32_IOCTL 54
#define NR32_FCHMOD 94
#define NR32_FCHOWN 95
#define NR32_CHOWN 182
#define NR32_FCHOWN32 207
#define NR32_FALLOCATE 324
#define FS_IOC32_GETFLAGS 0x80046601
#define FS_IOC32_SETFLAGS 0x40046602
#define FS_IMMUTABLE_FL 0x10
#define O32_RDONLY 0
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

/* Six arguments: the sixth goes in ebp, which the compiler may use. */
static long sys32_6(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret;

	asm volatile("push %%rbp\n\tmov %7, %%rbp\n\tint $0x80\n\t"
		     "pop %%rbp"
		     : "=a"(ret)
		     : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e),
		       "m"(f)
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

/* The operations on a descriptor (s1 is the path, arg the number). */
static int by_fd(const char *op, const char *arg)
{
	static unsigned int flags; /* below 4 GiB, like the strings */
	long n = strtol(arg, NULL, !strcmp(op, "fchmod") ? 8 : 10), fd, r;
	int wr = !strcmp(op, "punch");

	if (!strcmp(op, "chown16"))
		return check(sys32(NR32_CHOWN, ptr32(s1), n, 0xffff), op);
	fd = sys32(NR32_OPEN, ptr32(s1), wr ? O32_WRONLY : O32_RDONLY, 0);
	if (check(fd, "open"))
		return 1;
	if (!strcmp(op, "fchmod"))
		r = sys32(NR32_FCHMOD, fd, n, 0);
	else if (!strcmp(op, "fchown"))
		r = sys32(NR32_FCHOWN32, fd, n, -1);
	else if (!strcmp(op, "fchown16"))
		r = sys32(NR32_FCHOWN, fd, n, 0xffff);
	else if (wr) /* fd, mode, offset lo, hi, len lo, hi */
		r = sys32_6(NR32_FALLOCATE, fd, 3, 0, 0, n, 0);
	else if (!strcmp(op, "chattr")) {
		r = sys32(NR32_IOCTL, fd, FS_IOC32_GETFLAGS, ptr32((void *)&flags));
		flags |= FS_IMMUTABLE_FL;
		if (r >= 0)
			r = sys32(NR32_IOCTL, fd, FS_IOC32_SETFLAGS,
				  ptr32((void *)&flags));
	} else {
		fprintf(stderr, "int80: bad arguments\n");
		return 2;
	}
	if (check(r, op))
		return 1;
	return check(sys32(NR32_CLOSE, fd, 0, 0), "close");
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
	if (argc == 4 || (argc == 3 && !strcmp(argv[1], "chattr")))
		return by_fd(argv[1], s2);
	fprintf(stderr, "int80: bad arguments\n");
	return 2;
}
