/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * file_homes.h - accounts' home directories for the file rules
 * (file_homes.c): a leaf of the rules stage, includes nothing of ours.
 */
#ifndef MW_FILE_HOMES_H
#define MW_FILE_HOMES_H

#include <stdbool.h>

/*
 * Is path directly inside the home directory of an account of
 * /etc/passwd ("/" excepted)? The list is read again when the file changed
 * (one stat() a call). Not thread-safe: the rules stage calls it from one
 * thread.
 */
bool file_homes__in_home(const char *path);

/* Read the accounts from path instead of /etc/passwd (tests); borrowed. */
void file_homes__set_passwd(const char *path);

#endif /* MW_FILE_HOMES_H */
