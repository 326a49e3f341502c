// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * file.bpf.c - file sensor, 6.2+ build. The code moves to bpf/file/ (one
 * file per syscall family, included from here) in the next commit.
 */
#include "file/open.bpf.c"
