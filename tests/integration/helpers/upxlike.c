// SPDX-License-Identifier: GPL-2.0-only
/*
 * upxlike - a stand-in for a UPX-packed program where the upx tool is not
 * installed (Debian 12's main archive has no upx-ucl): it carries the
 * marks UPX leaves in a packed ELF (the "UPX!" header magic and the
 * packer's $Info/$Id strings) and otherwise acts like marker: creates
 * argv[1], then sleeps argv[2] seconds. The
 * content tests pack a real program with upx when it is present.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((used)) static const char upx_marks[] =
    "UPX!\0$Info: This file is packed with the UPX executable packer "
    "http://upx.sf.net $\n\0$Id: UPX 4.02 Copyright (C) 1996-2023 the UPX "
    "Team. All Rights Reserved. $\n";

int main(int argc, char **argv)
{
	int fd;

	if (argc < 2)
		return 2;
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0)
		close(fd);
	if (argc > 2)
		sleep(atoi(argv[2]));
	return upx_marks[0] == 'U' ? 0 : 1;
}
