// SPDX-License-Identifier: GPL-2.0-only
/*
 * file_decode.c - pure helpers of the file sensor's decoding: operation
 * names and lexical path normalization.
 */
#include <string.h>

#include <linux/types.h> /* before events.h: it uses __u32 & co. */
#include "events.h"
#include "sensors/file_decode.h"

static const char *const op_names[MW_FILE_OP_MAX] = {
    [MW_FILE_OP_WRITE] = "file-write",	  [MW_FILE_OP_CREATE] = "file-create",
    [MW_FILE_OP_TRUNC_OPEN] = "truncate", [MW_FILE_OP_TRUNCATE] = "truncate",
    [MW_FILE_OP_RENAME] = "rename",	  [MW_FILE_OP_UNLINK] = "unlink",
    [MW_FILE_OP_LINK] = "link",		  [MW_FILE_OP_SYMLINK] = "symlink",
    [MW_FILE_OP_CHMOD] = "chmod",	  [MW_FILE_OP_CHOWN] = "chown",
    [MW_FILE_OP_CHATTR] = "chattr",	  [MW_FILE_OP_PUNCH_HOLE] = "punch-hole",
    [MW_FILE_OP_COLLAPSE] = "collapse-range",
    [MW_FILE_OP_ZERO_RANGE] = "zero-range",
    [MW_FILE_OP_MOUNT] = "mount",
};

const char *file_op__str(uint32_t op)
{
	if (op < MW_FILE_OP_MAX && op_names[op])
		return op_names[op];
	return "file-unknown";
}

size_t file_path__normalize(char *path)
{
	size_t r = 0, w = 0, n;

	if (path[0] != '/')
		return strlen(path);
	/* w: end of the output so far (always starts with '/'). */
	while (path[r]) {
		while (path[r] == '/')
			r++;
		if (!path[r])
			break;
		n = strcspn(path + r, "/");
		if (n == 1 && path[r] == '.') {
			/* "." names the directory itself */
		} else if (n == 2 && path[r] == '.' && path[r + 1] == '.') {
			/* back to the previous '/', never above the root */
			while (w > 0 && path[w - 1] != '/')
				w--;
			if (w > 1)
				w--;
			else
				w = 0;
		} else {
			path[w++] = '/';
			memmove(path + w, path + r, n);
			w += n;
		}
		r += n;
	}
	if (w == 0)
		path[w++] = '/';
	path[w] = '\0';
	return w;
}
