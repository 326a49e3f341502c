// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * file.bpf.c - file sensor: changes to watched files (persistence, logs).
 *
 * Hooks are the syscalls' exit tracepoints: the base path must run without
 * fentry/kprobes/LSM, and at exit the kernel has both done the work (ret
 * says whether it succeeded) and touched every user string argument. The
 * filter runs in the kernel, on the resolved absolute path: a change to an
 * unwatched file never reaches the ring buffer.
 *
 * One file per hook family, under bpf/file/:
 *   open.bpf.c      open, openat, openat2, creat (for writing)
 *   truncate.bpf.c  truncate, ftruncate
 *   rename.bpf.c    rename, renameat, renameat2
 *   link.bpf.c      link, linkat, symlink, symlinkat
 *   unlink.bpf.c    unlink, unlinkat
 *   attr.bpf.c      chmod, chown (by name and by fd), chattr (ioctl)
 *   fallocate.bpf.c punch hole, collapse range, zero range (fallocate)
 *   uring.bpf.c     io_uring requests (open, write, ftruncate, rename,
 *                   unlink), from the io_uring tracepoints
 *   ia32.bpf.c      32-bit syscalls (int 0x80), from tp_btf/sys_exit
 *   mount.bpf.c     mount, move_mount on or over watched places
 *   fentry.bpf.c    all of the above from the kernel functions they end
 *                   in (fentry/fexit, 6.1+ with fentry): attached instead
 *                   of the tracepoint programs where the kernel allows
 * and the layers they share: file_path.bpf.h (paths from a struct file or a
 * dirfd and string), file_watch.bpf.h (the filter), file_record.bpf.h
 * (build and send the record).
 *
 * The sensor is built twice: this unit, with plain loads on BTF pointers
 * (bpf_rdonly_cast(), 6.2+), and file_compat.bpf.c, the same files with
 * probe reads for older kernels and programs suffixed _c. Each build is one
 * compilation unit that includes every program file, not one object per
 * program file, because bpftool's linker (libbpf 1.1, Debian 12) cannot
 * merge the bpf_rdonly_cast() extern declared in two objects ("failed to
 * resolve size of underlying type"). That is also why the program files
 * live in bpf/file/: the Makefile compiles only the .bpf.c files of bpf/
 * itself.
 *
 * Static helpers of the program files share one unit, so their names must
 * differ across files. A new program file goes in the list below, and
 * gets its 6.1 twin with it.
 */
#include "file/open.bpf.c"
#include "file/truncate.bpf.c"
#include "file/rename.bpf.c"
#include "file/link.bpf.c"
#include "file/unlink.bpf.c"
#include "file/attr.bpf.c"
#include "file/fallocate.bpf.c"
#include "file/uring.bpf.c"
#include "file/ia32.bpf.c"
#include "file/mount.bpf.c"
#include "file/fentry.bpf.c"
