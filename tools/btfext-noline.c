// SPDX-License-Identifier: GPL-2.0-only
/*
 * btfext-noline - write a BPF object's .BTF.ext with one line per function.
 *
 * Usage: btfext-noline OBJECT OUT
 * Writes to OUT the object's .BTF.ext section keeping, of the line info,
 * only the record at each function's first instruction (func info and
 * CO-RE relocations whole, offsets fixed), for
 * `llvm-objcopy --update-section .BTF.ext=OUT OBJECT`.
 *
 * Why: line info is one 16-byte record per source line of every program
 * (1.1 MB of the daemon's 3 MB object). libbpf copies it at open and again
 * for every program that calls a subprogram, and the kernel keeps one
 * more copy per loaded program: daemon heap and kernel memory, for source
 * lines in verifier logs and `bpftool prog dump` only. A record at each
 * function's start is what libbpf and the kernel need to take line info
 * at all (without it libbpf drops all of it with a warning per program).
 * `make BPF_LINE_INFO=1` keeps every line for debugging.
 */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* struct btf_ext_header (linux/btf.h has no uapi copy) */
struct ext_hdr {
	uint16_t magic;
	uint8_t version;
	uint8_t flags;
	uint32_t hdr_len;
	uint32_t func_info_off, func_info_len;
	uint32_t line_info_off, line_info_len;
	uint32_t core_relo_off, core_relo_len; /* when hdr_len covers them */
};

#define BTF_MAGIC 0xeB9F

static int fail(const char *what, const char *detail)
{
	fprintf(stderr, "btfext-noline: %s%s%s\n", what, detail ? ": " : "",
		detail ? detail : "");
	return 1;
}

/* [off, off+len) of the data after a hdr_len-byte header, inside size. */
static int in_bounds(uint32_t hdr_len, uint32_t off, uint32_t len,
		     size_t size)
{
	return (uint64_t)hdr_len + off + len <= size;
}

/*
 * Info blobs are a u32 record size, then per ELF section {u32 name, u32
 * count, count records}; a record starts with its u32 instruction offset.
 */
static const uint8_t *next_sec(const uint8_t *at, const uint8_t *end,
			       uint32_t rec, uint32_t *name, uint32_t *n)
{
	if (end - at < 8)
		return NULL;
	memcpy(name, at, 4);
	memcpy(n, at + 4, 4);
	if ((uint64_t)*n * rec > (uint64_t)(end - at - 8))
		return NULL;
	return at + 8;
}

/* Whether section name's func info has a function at instruction off. */
static int is_func_start(const uint8_t *fi, uint32_t fi_len, uint32_t name,
			 uint32_t off)
{
	const uint8_t *at = fi + 4, *end = fi + fi_len, *recs;
	uint32_t rec, sec, n, i, o;

	memcpy(&rec, fi, 4);
	while (at < end && (recs = next_sec(at, end, rec, &sec, &n))) {
		for (i = 0; sec == name && i < n; i++) {
			memcpy(&o, recs + (size_t)i * rec, 4);
			if (o == off)
				return 1;
		}
		at = recs + (size_t)n * rec;
	}
	return 0;
}

/*
 * Copy to out the line info li keeping only the records at a function's
 * first instruction; returns the bytes written, or -1 when the blobs do
 * not parse.
 */
static long first_lines(const uint8_t *fi, uint32_t fi_len,
			const uint8_t *li, uint32_t li_len, uint8_t *out)
{
	const uint8_t *at = li + 4, *end = li + li_len, *recs;
	uint32_t rec, frec, sec, n, i, o, kept;
	uint8_t *w = out + 4, *count;

	if (!li_len)
		return 0;
	if (li_len < 4 || fi_len < 4)
		return -1;
	memcpy(&rec, li, 4);
	memcpy(&frec, fi, 4);
	if (rec < 4 || frec < 4)
		return -1;
	memcpy(out, &rec, 4);
	while (at < end) {
		recs = next_sec(at, end, rec, &sec, &n);
		if (!recs)
			return -1;
		memcpy(w, &sec, 4);
		count = w + 4;
		w += 8;
		for (kept = 0, i = 0; i < n; i++) {
			const uint8_t *r = recs + (size_t)i * rec;

			memcpy(&o, r, 4);
			if (!is_func_start(fi, fi_len, sec, o))
				continue;
			memcpy(w, r, rec);
			w += rec;
			kept++;
		}
		memcpy(count, &kept, 4);
		at = recs + (size_t)n * rec;
	}
	return (long)(w - out);
}

int main(int argc, char **argv)
{
	struct ext_hdr h;
	Elf_Scn *scn = NULL;
	Elf_Data *data = NULL;
	GElf_Ehdr eh;
	GElf_Shdr sh;
	size_t shstrndx, size, core_len, out_len;
	long line_len;
	const uint8_t *p;
	uint8_t *out;
	FILE *f;
	Elf *elf;
	int fd;

	if (argc != 3)
		return fail("usage: btfext-noline OBJECT OUT", NULL);
	if (elf_version(EV_CURRENT) == EV_NONE)
		return fail("libelf", elf_errmsg(-1));
	fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		return fail("cannot open", argv[1]);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || !gelf_getehdr(elf, &eh) ||
	    elf_getshdrstrndx(elf, &shstrndx))
		return fail("not an ELF object", argv[1]);
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name && !strcmp(name, ".BTF.ext")) {
			data = elf_getdata(scn, NULL);
			break;
		}
	}
	if (!data || !data->d_buf)
		return fail("no .BTF.ext section in", argv[1]);
	p = data->d_buf;
	size = data->d_size;
	memset(&h, 0, sizeof(h));
	if (size < offsetof(struct ext_hdr, core_relo_off))
		return fail(".BTF.ext too short", NULL);
	memcpy(&h, p, size < sizeof(h) ? size : sizeof(h));
	/* A longer header has sections we would not move: refuse. */
	if (h.magic != BTF_MAGIC || h.hdr_len > size ||
	    h.hdr_len < offsetof(struct ext_hdr, core_relo_off) ||
	    h.hdr_len > sizeof(h))
		return fail(".BTF.ext header not understood "
			    "(build with BPF_LINE_INFO=1)",
			    NULL);
	core_len = h.hdr_len >= sizeof(h) ? h.core_relo_len : 0;
	if (!in_bounds(h.hdr_len, h.func_info_off, h.func_info_len, size) ||
	    !in_bounds(h.hdr_len, h.line_info_off, h.line_info_len, size) ||
	    (core_len &&
	     !in_bounds(h.hdr_len, h.core_relo_off, h.core_relo_len, size)))
		return fail(".BTF.ext offsets out of bounds", NULL);

	/* header, func info, the functions' first lines, CO-RE relocations */
	out = calloc(1, h.hdr_len + h.func_info_len + h.line_info_len +
			    core_len);
	if (!out)
		return fail("out of memory", NULL);
	memcpy(out + h.hdr_len, p + h.hdr_len + h.func_info_off,
	       h.func_info_len);
	line_len = first_lines(p + h.hdr_len + h.func_info_off,
			       h.func_info_len, p + h.hdr_len + h.line_info_off,
			       h.line_info_len,
			       out + h.hdr_len + h.func_info_len);
	if (line_len < 0)
		return fail(".BTF.ext info not understood", NULL);
	if (core_len)
		memcpy(out + h.hdr_len + h.func_info_len + line_len,
		       p + h.hdr_len + h.core_relo_off, core_len);
	out_len = h.hdr_len + h.func_info_len + line_len + core_len;
	h.func_info_off = 0;
	h.line_info_off = h.func_info_len;
	h.line_info_len = (uint32_t)line_len;
	if (h.hdr_len >= sizeof(h))
		h.core_relo_off = h.func_info_len + (uint32_t)line_len;
	memcpy(out, &h, h.hdr_len);

	f = fopen(argv[2], "wb");
	if (!f || fwrite(out, 1, out_len, f) != out_len || fclose(f))
		return fail("cannot write", argv[2]);
	free(out);
	elf_end(elf);
	close(fd);
	return 0;
}
