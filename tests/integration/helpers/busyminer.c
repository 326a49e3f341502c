// SPDX-License-Identifier: GPL-2.0-only
/*
 * busyminer - a stand-in miner for the triage tests: parses an XMRig-like
 * command line (-o stratum+tcp://ADDR:PORT), connects there, sends one
 * XMRig-style stratum login, and then burns one core (keeping the socket
 * open) for at most SECONDS (the last argument) before it exits. It never
 * connects anywhere but the address it is given (tests use loopback).
 *   busyminer -o stratum+tcp://127.0.0.1:3333 --donate-level 1 SECONDS
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char login[] =
    "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"login\",\"params\":{"
    "\"login\":\"x\",\"pass\":\"x\",\"agent\":\"XMRig/6.21.0\"}}\n";

int main(int argc, char **argv)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	char addr[64] = "";
	unsigned port = 0;
	volatile unsigned long spin = 0;
	time_t end;
	int i, fd;

	if (argc < 4)
		return 2;
	for (i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "-o") &&
		    sscanf(argv[i + 1], "stratum+tcp://%63[^:]:%u", addr,
			   &port) == 2)
			break;
	if (!port || inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		return 2;
	sa.sin_port = htons(port);
	end = time(NULL) + atoi(argv[argc - 1]);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    write(fd, login, sizeof(login) - 1) < 0) {
		perror("busyminer");
		return 1;
	}
	while (time(NULL) < end)
		for (i = 0; i < 1000000; i++)
			spin++;
	close(fd);
	return 0;
}
