// SPDX-License-Identifier: GPL-2.0-only
/*
 * hash.c - SHA-256 through OpenSSL's libcrypto (a well-kept implementation
 * beats one of our own for a digest that SOCs match against IOC feeds).
 *
 * Part of the process model's identity of a program. It computes and caches
 * digests by file identity; it never writes a process record (the cache
 * does, through proc_cache__set_sha256).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "model/hash.h"

#define HASH_MAX_SIZE (256LL << 20)
#define HASH_SLOTS 256

struct hash_slot {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	char hex[MW_SHA256_HEX];
};

static struct hash_slot cache[HASH_SLOTS];

static int sha256_fd(int fd, char hex[MW_SHA256_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE], buf[65536];
	unsigned int md_len = 0, i;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	ssize_t n;
	int ret = 0;

	if (!ctx)
		return -ENOMEM;
	if (!EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		ret = -EIO;
		goto out;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto out;
		}
		EVP_DigestUpdate(ctx, buf, n);
	}
	if (!EVP_DigestFinal_ex(ctx, md, &md_len)) {
		ret = -EIO;
		goto out;
	}
	for (i = 0; i < md_len && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
out:
	EVP_MD_CTX_free(ctx);
	return ret;
}

int hash__buf(const void *buf, size_t len, char hex[MW_SHA256_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0, i;

	hex[0] = '\0';
	if (!EVP_Digest(buf, len, md, &md_len, EVP_sha256(), NULL))
		return -EIO;
	for (i = 0; i < md_len && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

struct hash_stream *hash__stream_new(void)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (ctx && !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(ctx);
		ctx = NULL;
	}
	return (struct hash_stream *)ctx;
}

void hash__stream_add(struct hash_stream *h, const void *buf, size_t len)
{
	if (h)
		EVP_DigestUpdate((EVP_MD_CTX *)h, buf, len);
}

int hash__stream_end(struct hash_stream *h, char hex[MW_SHA256_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0, i;
	int ret = -EIO;

	hex[0] = '\0';
	if (h && EVP_DigestFinal_ex((EVP_MD_CTX *)h, md, &md_len)) {
		for (i = 0; i < md_len && i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", md[i]);
		ret = 0;
	}
	EVP_MD_CTX_free((EVP_MD_CTX *)h);
	return ret;
}

int hash__open(const struct mw_process *p)
{
	char path[64];
	int fd;

	if (p->sha256[0])
		return -1;
	snprintf(path, sizeof(path), "/proc/%u/exe", p->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && p->exe && !(p->flags & (MW_PROC_MEMFD | MW_PROC_DELETED)))
		/* Non-blocking: a FIFO put at the path must not stall us. */
		fd = open(p->exe,
			  O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	return fd;
}

int hash__file(int fd, char hex[MW_SHA256_HEX])
{
	struct hash_slot *slot;
	struct stat st;
	int ret;

	hex[0] = '\0';
	if (fd < 0)
		return -ENOENT;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    st.st_size > HASH_MAX_SIZE) {
		close(fd);
		return -EINVAL;
	}
	slot = &cache[(st.st_ino ^ st.st_dev) % HASH_SLOTS];
	if (slot->hex[0] && slot->dev == st.st_dev && slot->ino == st.st_ino &&
	    slot->size == st.st_size &&
	    slot->mtime.tv_sec == st.st_mtim.tv_sec &&
	    slot->mtime.tv_nsec == st.st_mtim.tv_nsec) {
		memcpy(hex, slot->hex, MW_SHA256_HEX);
		close(fd);
		return 0;
	}
	ret = sha256_fd(fd, hex);
	close(fd);
	if (ret) {
		hex[0] = '\0';
		return ret;
	}
	slot->dev = st.st_dev;
	slot->ino = st.st_ino;
	slot->size = st.st_size;
	slot->mtime = st.st_mtim;
	memcpy(slot->hex, hex, MW_SHA256_HEX);
	return 0;
}
