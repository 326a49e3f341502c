// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>

#include "sensors/decode.h"

/* Layout drift between the BPF and user builds breaks the build here. */
_Static_assert(sizeof(struct mw_hdr) == 88, "struct mw_hdr layout changed");
_Static_assert(sizeof(struct mw_exec_event) == 88 + 40,
	       "struct mw_exec_event layout changed");
_Static_assert(sizeof(struct mw_fork_event) == 88, "mw_fork_event changed");
_Static_assert(sizeof(struct mw_exit_event) == 96, "mw_exit_event changed");
_Static_assert(sizeof(struct mw_config) == 24, "mw_config changed");
_Static_assert(sizeof(struct mw_inode_key) == 16, "mw_inode_key changed");

int decode__hdr(const void *data, size_t size, const struct mw_hdr **out)
{
	const struct mw_hdr *h = data;

	if (size < sizeof(*h) || h->size < sizeof(*h) || h->size > size)
		return -EINVAL;
	*out = h;
	return 0;
}

/* A NUL-terminated string of exactly len bytes at *off; advances *off. */
static const char *take_str(const struct mw_exec_event *e, size_t avail,
			    size_t *off, size_t len)
{
	const char *s = e->data + *off;

	if (*off + len + 1 > avail || s[len] != '\0')
		return NULL;
	*off += len + 1;
	return s;
}

int decode__exec(const void *data, size_t size, struct exec_view *v)
{
	const struct mw_exec_event *e = data;
	size_t avail, off = 0;

	if (size < sizeof(*e) || e->hdr.type != MW_EV_EXEC ||
	    e->hdr.size < sizeof(*e) || e->hdr.size > size)
		return -EINVAL;
	avail = e->hdr.size - sizeof(*e);
	memset(v, 0, sizeof(*v));
	v->e = e;
	v->exe = take_str(e, avail, &off, e->exe_len);
	if (!v->exe)
		return -EINVAL;
	if (off + e->args_len > avail)
		return -EINVAL;
	v->args = e->data + off;
	v->args_len = e->args_len;
	off += e->args_len;
	v->cwd = take_str(e, avail, &off, e->cwd_len);
	if (!v->cwd)
		return -EINVAL;
	v->filename = take_str(e, avail, &off, e->filename_len);
	if (!v->filename)
		return -EINVAL;
	return 0;
}

_Static_assert(sizeof(struct mw_file_event) == 88 + 72 + 40,
	       "struct mw_file_event layout changed");
_Static_assert(sizeof(struct mw_fold_key) == 32 &&
		   sizeof(struct mw_fold_drained) == 40,
	       "struct mw_fold_key layout changed");
_Static_assert(sizeof(struct mw_watch_key) == 4 + MW_WATCH_KEY,
	       "struct mw_watch_key layout changed");

/* A NUL-terminated string of exactly len bytes at data[*off]. */
static const char *file_str(const struct mw_file_event *e, size_t avail,
			    size_t *off, size_t len)
{
	const char *s = e->data + *off;

	if (*off + len + 1 > avail || s[len] != '\0')
		return NULL;
	*off += len + 1;
	return s;
}

int decode__file(const void *data, size_t size, struct file_view *v)
{
	const struct mw_file_event *e = data;
	size_t avail, off = 0;

	if (size < sizeof(*e) || e->hdr.type != MW_EV_FILE ||
	    e->hdr.size < sizeof(*e) || e->hdr.size > size)
		return -EINVAL;
	avail = e->hdr.size - sizeof(*e);
	memset(v, 0, sizeof(*v));
	v->e = e;
	v->path = file_str(e, avail, &off, e->path_len);
	if (!v->path)
		return -EINVAL;
	if (e->target_len) {
		v->target = file_str(e, avail, &off, e->target_len);
		if (!v->target)
			return -EINVAL;
	}
	if (e->seen_len) {
		v->seen_as = file_str(e, avail, &off, e->seen_len);
		if (!v->seen_as)
			return -EINVAL;
	}
	if (e->tseen_len) {
		v->target_seen_as = file_str(e, avail, &off, e->tseen_len);
		if (!v->target_seen_as)
			return -EINVAL;
	}
	return 0;
}

int decode__deny(const void *data, size_t size, struct deny_view *v)
{
	const struct mw_deny_event *e = data;
	size_t avail;

	if (size < sizeof(*e) || e->hdr.type != MW_EV_DENY ||
	    e->hdr.size < sizeof(*e) + 2 || e->hdr.size > size)
		return -EINVAL;
	if (e->op < MW_DENY_OP_CONNECT || e->op > MW_DENY_OP_CREATE)
		return -EINVAL;
	avail = e->hdr.size - sizeof(*e);
	if ((size_t)e->path_len + e->name_len + 2 > avail ||
	    e->data[e->path_len] != '\0' ||
	    e->data[e->path_len + 1 + e->name_len] != '\0')
		return -EINVAL;
	v->e = e;
	v->path = e->data;
	v->name = e->data + e->path_len + 1;
	return 0;
}
