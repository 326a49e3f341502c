// SPDX-License-Identifier: GPL-2.0-only
/*
 * elf_check.c - is an ELF file whole? Part of the identify stage: a file
 * whose program headers, loadable segments or section headers reach past
 * its end is a truncated (or hostile) ELF. It is still hashed and scanned
 * (a cut-short miner must not slip through), but reported unscanned with
 * the reason when nothing matched. Only the headers are read, every offset
 * is checked against the length first; both classes, either byte order.
 */
#include <elf.h>
#include <stdbool.h>
#include <string.h>

#include "identify/content_int.h"

static uint64_t rd(const unsigned char *p, int n, bool be)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[be ? n - 1 - i : i] << (8 * i);
	return v;
}

/* Offsets of the fields we need, per class. */
struct layout {
	int phoff, phoff_w, phentsize, phnum; /* in the ELF header */
	int p_type, p_offset, p_filesz, w;    /* in a program header */
	size_t ehsize, phsize;
	int shoff, shentsize, shnum; /* section header table */
};

static const struct layout l64 = {32, 8,  54, 56, 0,  8, 32,
				  8,  64, 56, 40, 58, 60};
static const struct layout l32 = {28, 4,  42, 44, 0,  4, 16,
				  4,  52, 32, 32, 46, 48};

/* The section header table (not needed to run) cut off: a partial copy. */
static const char *sections_cut(const unsigned char *buf, uint64_t len,
				const struct layout *l, bool be)
{
	uint64_t off = rd(buf + l->shoff, l->phoff_w, be);
	uint64_t n = rd(buf + l->shnum, 2, be);
	uint64_t sz = rd(buf + l->shentsize, 2, be);

	if (off && n && (off > len || n * sz > len - off))
		return "truncated ELF: section headers past the end";
	return NULL;
}

const char *elf__truncated(const unsigned char *head, size_t head_len,
			   uint64_t len)
{
	const struct layout *l;
	uint64_t phoff, off, sz;
	unsigned phnum, entsz, i;
	bool be;

	if (head_len > len)
		head_len = len;
	if (head_len < 4 || memcmp(head, ELFMAG, SELFMAG))
		return NULL;
	if (head_len < EI_NIDENT)
		return "truncated ELF: header cut short";
	l = head[EI_CLASS] == ELFCLASS64 ? &l64 : &l32;
	be = head[EI_DATA] == ELFDATA2MSB;
	if (head_len < l->ehsize)
		return "truncated ELF: header cut short";
	phoff = rd(head + l->phoff, l->phoff_w, be);
	entsz = rd(head + l->phentsize, 2, be);
	phnum = rd(head + l->phnum, 2, be);
	if (!phnum)
		return sections_cut(head, len, l, be);
	if (entsz < l->phsize || phoff > len ||
	    (uint64_t)phnum * entsz > len - phoff)
		return "truncated ELF: program headers past the end";
	/* Headers the head does not hold are not read (nor judged). */
	if (phoff > head_len || (uint64_t)phnum * entsz > head_len - phoff)
		return sections_cut(head, len, l, be);
	for (i = 0; i < phnum; i++) {
		const unsigned char *ph = head + phoff + (uint64_t)i * entsz;

		if (rd(ph + l->p_type, 4, be) != PT_LOAD)
			continue;
		off = rd(ph + l->p_offset, l->w, be);
		sz = rd(ph + l->p_filesz, l->w, be);
		if (off > len || sz > len - off)
			return "truncated ELF: a segment reaches past the end";
	}
	return sections_cut(head, len, l, be);
}
