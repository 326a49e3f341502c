// SPDX-License-Identifier: GPL-2.0-only
/*
 * try_connect ADDR PORT - one TCP connect; prints "ok", "EPERM" or the
 * error text and exits 0, 1 (EPERM) or 2 (another error). Tests aim it
 * only at 127.0.0.0/8 or ::1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6};
	struct sockaddr_in a4 = {.sin_family = AF_INET};
	struct sockaddr *sa;
	socklen_t len;
	int fd, ret;

	if (argc != 3)
		return 3;
	if (inet_pton(AF_INET, argv[1], &a4.sin_addr) == 1) {
		a4.sin_port = htons(atoi(argv[2]));
		sa = (struct sockaddr *)&a4;
		len = sizeof(a4);
	} else if (inet_pton(AF_INET6, argv[1], &a6.sin6_addr) == 1) {
		a6.sin6_port = htons(atoi(argv[2]));
		sa = (struct sockaddr *)&a6;
		len = sizeof(a6);
	} else {
		return 3;
	}
	fd = socket(sa->sa_family, SOCK_STREAM, 0);
	if (fd < 0)
		return 3;
	ret = connect(fd, sa, len);
	if (ret == 0) {
		printf("ok\n");
		close(fd);
		return 0;
	}
	printf("%s\n", errno == EPERM ? "EPERM" : strerror(errno));
	close(fd);
	return errno == EPERM ? 1 : 2;
}
