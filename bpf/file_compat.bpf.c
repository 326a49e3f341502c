// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * file_compat.bpf.c - the file sensor for kernels without the
 * bpf_rdonly_cast() kfunc (before 6.2, e.g. Debian 12's 6.1): the same
 * code as file.bpf.c, reading kernel structures through
 * bpf_probe_read_kernel() (slower per watched-path check, same events).
 * Its programs carry a _c suffix; the loader attaches one set or the other.
 */
#define MW_FILE_COMPAT 1
#include "file.bpf.c"
