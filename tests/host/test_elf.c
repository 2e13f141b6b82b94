/*
 * Tests for lib/elf.c. make_elf() writes a valid static executable with n
 * PT_LOAD segments into a buffer; most tests then corrupt one field and
 * check the verdict. parse() copies the image into a heap block of exactly
 * its length, so AddressSanitizer reports any read past the end. The
 * real_* tests rebuild, field by field from readelf, what gcc -static
 * -nostdlib -O2 made of a three-line _start (nothing is compiled here).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/test.h"
#include "lib/elf.h"

#define IMG_MAX		0x10000u
#define TOP		0x800000000000ull	/* user_top unless a test says */
#define BASE		0x400000ull
#define PH(i)		(64 + 56 * (uint64_t)(i))

/* ELF header fields. */
#define E_TYPE		16
#define E_MACHINE	18
#define E_VERSION	20
#define E_ENTRY		24
#define E_PHOFF		32
#define E_SHOFF		40
#define E_PHENTSIZE	54
#define E_PHNUM		56
#define E_SHNUM		60
#define E_SHSTRNDX	62

/* Program header fields. */
#define P_TYPE		0
#define P_FLAGS		4
#define P_OFFSET	8
#define P_VADDR		16
#define P_FILESZ	32
#define P_MEMSZ		40
#define P_ALIGN		48

#define PT_NULL		0
#define PT_LOAD		1
#define PT_DYNAMIC	2
#define PT_INTERP	3
#define PT_NOTE		4
#define PT_PHDR		6
#define PT_TLS		7
#define PT_GNU_EH_FRAME	0x6474E550u
#define PT_GNU_STACK	0x6474E551u
#define PT_GNU_RELRO	0x6474E552u
#define PT_GNU_PROPERTY	0x6474E553u

static uint8_t img[IMG_MAX];
static uint64_t img_len;
static struct elf_image ei;

static void put16(uint64_t at, uint16_t v)
{
	img[at] = (uint8_t)v;
	img[at + 1] = (uint8_t)(v >> 8);
}

static void put32(uint64_t at, uint32_t v)
{
	put16(at, (uint16_t)v);
	put16(at + 2, (uint16_t)(v >> 16));
}

static void put64(uint64_t at, uint64_t v)
{
	put32(at, (uint32_t)v);
	put32(at + 4, (uint32_t)(v >> 32));
}

/* Sets a 64-bit field of program header i. */
static void ph64(unsigned i, unsigned field, uint64_t v)
{
	put64(PH(i) + field, v);
}

static void phdr(unsigned i, uint32_t type, uint32_t flags, uint64_t offset,
		 uint64_t vaddr, uint64_t filesz, uint64_t memsz, uint64_t align)
{
	put32(PH(i) + P_TYPE, type);
	put32(PH(i) + P_FLAGS, flags);
	ph64(i, P_OFFSET, offset);
	ph64(i, P_VADDR, vaddr);
	ph64(i, 24, vaddr);		/* p_paddr: ignored */
	ph64(i, P_FILESZ, filesz);
	ph64(i, P_MEMSZ, memsz);
	ph64(i, P_ALIGN, align);
}

/* A fresh buffer with an ELF header: program headers at 64. */
static void ehdr(uint64_t entry, uint16_t phnum)
{
	memset(img, 0, sizeof(img));
	memcpy(img, "\x7f" "ELF", 4);
	img[4] = 2;		/* ELFCLASS64 */
	img[5] = 1;		/* ELFDATA2LSB */
	img[6] = 1;		/* EV_CURRENT */
	put16(E_TYPE, 2);	/* ET_EXEC */
	put16(E_MACHINE, 62);	/* EM_X86_64 */
	put32(E_VERSION, 1);
	put64(E_ENTRY, entry);
	put64(E_PHOFF, 64);
	put16(52, 64);		/* e_ehsize */
	put16(E_PHENTSIZE, 56);
	put16(E_PHNUM, phnum);
	put16(58, 64);		/* e_shentsize */
}

/*
 * A valid executable with n PT_LOADs: segment i has its file bytes at
 * 0x1000 * (i + 1) and lives at BASE + 0x10000 * i, 0x800 bytes from the
 * file and 0x1800 in memory. Segment 0 is r-x and holds the entry point
 * (BASE + 0x10); the others are rw-.
 */
static void make_elf(unsigned n)
{
	unsigned i;

	ehdr(BASE + 0x10, (uint16_t)n);
	for (i = 0; i < n; i++)
		phdr(i, PT_LOAD, i ? ELF_R | ELF_W : ELF_R | ELF_X, 0x1000 * (i + 1),
		     BASE + 0x10000 * i, 0x800, 0x1800, 0x1000);
	img_len = 0x1000 * (n + 1);
}

/* Appends a program header of another type after those already there. */
static void add_phdr(uint32_t type, uint32_t flags)
{
	unsigned n = img[E_PHNUM] | img[E_PHNUM + 1] << 8;

	phdr(n, type, flags, 0, 0, 0, 0, 8);
	put16(E_PHNUM, (uint16_t)(n + 1));
}

/* elf_parse() on exactly the first len bytes of img. */
static err_t parse_len(uint64_t len, uint64_t top)
{
	uint8_t *copy = malloc(len ? len : 1);
	err_t err;

	memcpy(copy, img, len);
	err = elf_parse(copy, len, top, &ei);
	free(copy);
	return err;
}

static err_t parse(void)
{
	return parse_len(img_len, TOP);
}

TEST(valid_segments_in_file_order)
{
	char buf[4];

	make_elf(3);
	CHECK_EQ(parse(), OK);
	CHECK_EQ(ei.entry, BASE + 0x10);
	CHECK_EQ(ei.nseg, 3);
	for (unsigned i = 0; i < 3; i++) {
		CHECK_EQ(ei.seg[i].vaddr, BASE + 0x10000 * i);
		CHECK_EQ(ei.seg[i].offset, 0x1000 * (i + 1));
		CHECK_EQ(ei.seg[i].filesz, 0x800);
		CHECK_EQ(ei.seg[i].memsz, 0x1800);
	}
	CHECK_STR(elf_flags_str(ei.seg[0].flags, buf), "r-x");
	CHECK_STR(elf_flags_str(ei.seg[1].flags, buf), "rw-");

	/* Not sorted by address: file order is kept. */
	make_elf(2);
	ph64(1, P_VADDR, 0x200000);
	CHECK_EQ(parse(), OK);
	CHECK_EQ(ei.seg[0].vaddr, BASE);
	CHECK_EQ(ei.seg[1].vaddr, 0x200000);
}

TEST(segment_count_limit)
{
	make_elf(ELF_MAX_SEGMENTS);
	CHECK_EQ(parse(), OK);
	CHECK_EQ(ei.nseg, ELF_MAX_SEGMENTS);
	make_elf(ELF_MAX_SEGMENTS + 1);
	CHECK_EQ(parse(), ERR_TOO_MANY);

	/* Empty PT_LOADs map nothing and do not count. */
	make_elf(ELF_MAX_SEGMENTS + 1);
	ph64(4, P_FILESZ, 0);
	ph64(4, P_MEMSZ, 0);
	CHECK_EQ(parse(), OK);
	CHECK_EQ(ei.nseg, ELF_MAX_SEGMENTS);
}

TEST(no_load_segment)
{
	make_elf(0);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	add_phdr(PT_NOTE, ELF_R);
	add_phdr(PT_GNU_STACK, ELF_R | ELF_W);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);

	make_elf(1);
	ph64(0, P_FILESZ, 0);
	ph64(0, P_MEMSZ, 0);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
}

TEST(magic)
{
	make_elf(1);
	CHECK_EQ(elf_parse(NULL, 0, TOP, &ei), ERR_ELF_MAGIC);
	CHECK_EQ(parse_len(0, TOP), ERR_ELF_MAGIC);
	CHECK_EQ(parse_len(3, TOP), ERR_ELF_MAGIC);
	CHECK_EQ(parse_len(4, TOP), ERR_TRUNCATED);
	CHECK_EQ(parse_len(63, TOP), ERR_TRUNCATED);
	for (unsigned i = 0; i < 4; i++) {
		make_elf(1);
		img[i] ^= 0x20;
		CHECK_EQ(parse(), ERR_ELF_MAGIC);
	}
}

TEST(kind)
{
	static const struct { unsigned at, size; uint16_t v; } bad[] = {
		{ 4, 1, 1 },		/* ELFCLASS32 */
		{ 4, 1, 0 },
		{ 5, 1, 2 },		/* big-endian */
		{ 6, 1, 0 },		/* EI_VERSION */
		{ E_VERSION, 2, 0 },
		{ E_VERSION, 2, 2 },
		{ E_MACHINE, 2, 3 },	/* i386 */
		{ E_MACHINE, 2, 183 },	/* AArch64 */
		{ E_MACHINE, 2, 62 + 0x100 },
		{ E_TYPE, 2, 1 },	/* ET_REL */
		{ E_TYPE, 2, 3 },	/* ET_DYN: PIE or shared object */
		{ E_TYPE, 2, 4 },	/* ET_CORE */
		{ E_TYPE, 2, 2 + 0x100 },
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		make_elf(1);
		if (bad[i].size == 1)
			img[bad[i].at] = (uint8_t)bad[i].v;
		else
			put16(bad[i].at, bad[i].v);
		CHECK_EQ(parse(), ERR_ELF_KIND);
	}
}

TEST(dynamic_interp_and_tls_rejected)
{
	static const uint32_t types[] = { PT_INTERP, PT_DYNAMIC, PT_TLS };

	for (unsigned i = 0; i < 3; i++) {
		make_elf(2);
		add_phdr(types[i], ELF_R);
		CHECK_EQ(parse(), ERR_ELF_KIND);

		/* Whatever else is wrong: it is the wrong kind of file first. */
		make_elf(2);
		ph64(1, P_FILESZ, 0x10000);
		add_phdr(types[i], ELF_R);
		CHECK_EQ(parse(), ERR_ELF_KIND);
	}
}

TEST(other_types_ignored)
{
	make_elf(2);
	add_phdr(PT_NULL, 0);
	add_phdr(PT_NOTE, ELF_R);
	add_phdr(PT_PHDR, ELF_R);
	add_phdr(PT_GNU_EH_FRAME, ELF_R);
	add_phdr(PT_GNU_STACK, ELF_R | ELF_W);
	add_phdr(PT_GNU_RELRO, ELF_R);
	add_phdr(PT_GNU_PROPERTY, ELF_R);
	add_phdr(0x12345678, ELF_X);
	/* Garbage in an ignored header is not looked at. */
	ph64(9, P_OFFSET, UINT64_MAX);
	ph64(9, P_FILESZ, UINT64_MAX);
	CHECK_EQ(parse(), OK);
	CHECK_EQ(ei.nseg, 2);
}

TEST(phentsize)
{
	make_elf(1);
	put16(E_PHENTSIZE, 32);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	put16(E_PHENTSIZE, 64);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	put16(E_PHENTSIZE, 0);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
}

TEST(phdr_table_outside_file)
{
	make_elf(2);
	put64(E_PHOFF, img_len);		/* starts at the end */
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	put64(E_PHOFF, img_len + 1);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	put64(E_PHOFF, img_len - 56 * 2 + 1);	/* last byte cut off */
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	put64(E_PHOFF, UINT64_MAX - 8);		/* phoff + size wraps */
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);

	/* The table exactly at the end of the file is fine. */
	make_elf(2);
	memcpy(img + img_len, img + 64, 2 * 56);
	put64(E_PHOFF, img_len);
	img_len += 2 * 56;
	CHECK_EQ(parse(), OK);

	make_elf(2);
	put16(E_PHNUM, (uint16_t)(img_len / 56));	/* runs off the end */
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	put16(E_PHNUM, 0xFFFF);				/* PN_XNUM */
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
}

/* PN_XNUM means "the count is in section header 0", even in a file big
 * enough to hold 65535 program headers (the rest are PT_NULL here). */
TEST(pn_xnum_rejected)
{
	uint64_t len = 64 + 56 * 0xFFFFull;
	uint8_t *big = calloc(1, len);
	err_t below, at;

	make_elf(1);
	ph64(0, P_OFFSET, 0);		/* headers and all, from offset 0 */
	ph64(0, P_FILESZ, 0x800);
	put16(E_PHNUM, 0xFFFE);
	memcpy(big, img, 0x1000);
	below = elf_parse(big, len, TOP, &ei);
	big[E_PHNUM] = big[E_PHNUM + 1] = 0xFF;
	at = elf_parse(big, len, TOP, &ei);
	free(big);
	CHECK_EQ(below, OK);
	CHECK_EQ(at, ERR_ELF_SEGMENT);
}

TEST(filesz_above_memsz)
{
	/* From 0x1000 the file has 0x2000 bytes: only memsz is too small. */
	make_elf(2);
	ph64(1, P_OFFSET, 0x1000);
	ph64(1, P_FILESZ, 0x1801);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	ph64(1, P_FILESZ, 0x1800);
	CHECK_EQ(parse(), OK);
}

TEST(segment_outside_file)
{
	make_elf(2);			/* file is 0x3000 bytes */
	ph64(1, P_FILESZ, 0x1000);	/* ends exactly at the end */
	CHECK_EQ(parse(), OK);
	ph64(1, P_FILESZ, 0x1001);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);

	make_elf(2);
	ph64(1, P_OFFSET, 0x4000);
	ph64(1, P_FILESZ, 0);		/* nothing from a file offset past the end */
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);

	/* offset + filesz wraps to 0x1000, which is inside the file. */
	make_elf(2);
	ph64(1, P_OFFSET, 0xFFFFFFFFFFFFF000ull);
	ph64(1, P_FILESZ, 0x2000);
	ph64(1, P_MEMSZ, 0x2000);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
}

TEST(empty_segment_skipped)
{
	make_elf(3);
	/* memsz 0: its other fields are never checked. */
	phdr(1, PT_LOAD, ELF_R | ELF_X, UINT64_MAX, 0, 0, 0, 3);
	CHECK_EQ(parse(), OK);
	CHECK_EQ(ei.nseg, 2);
	CHECK_EQ(ei.seg[0].vaddr, BASE);
	CHECK_EQ(ei.seg[1].vaddr, BASE + 0x20000);
}

TEST(user_top)
{
	make_elf(2);
	ph64(1, P_VADDR, TOP - 0x2000);
	ph64(1, P_MEMSZ, 0x2000);	/* ends exactly at user_top */
	CHECK_EQ(parse(), OK);
	ph64(1, P_MEMSZ, 0x2001);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	ph64(1, P_VADDR, TOP);
	ph64(1, P_MEMSZ, 0x1000);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	ph64(1, P_VADDR, TOP + 0x10000);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);

	/* A smaller user_top cuts off the second segment. */
	make_elf(2);
	CHECK_EQ(parse_len(img_len, BASE + 0x11800), OK);
	CHECK_EQ(parse_len(img_len, BASE + 0x117FF), ERR_ELF_SEGMENT);
}

TEST(vaddr_plus_memsz_wraps)
{
	/* With no upper limit, 0xFFFFFFFFFFFFF000 + 0x2000 wraps to 0x1000. */
	make_elf(2);
	ph64(1, P_VADDR, 0xFFFFFFFFFFFFF000ull);
	ph64(1, P_MEMSZ, 0x2000);
	CHECK_EQ(parse_len(img_len, UINT64_MAX), ERR_ELF_SEGMENT);
	ph64(1, P_MEMSZ, 0xFFF);	/* the last byte stays out */
	CHECK_EQ(parse_len(img_len, UINT64_MAX), OK);
	ph64(1, P_MEMSZ, 0x1000);	/* would end at 2^64 */
	CHECK_EQ(parse_len(img_len, UINT64_MAX), ERR_ELF_SEGMENT);
	ph64(1, P_MEMSZ, UINT64_MAX);
	CHECK_EQ(parse_len(img_len, UINT64_MAX), ERR_ELF_SEGMENT);
}

TEST(page_zero_unmapped)
{
	make_elf(2);
	ph64(1, P_VADDR, 0);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	ph64(1, P_VADDR, 0x800);
	ph64(1, P_OFFSET, 0x2800);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	ph64(1, P_VADDR, 0x1800);	/* first byte on page 1 */
	CHECK_EQ(parse(), OK);
	ph64(1, P_VADDR, 0x1000);
	ph64(1, P_OFFSET, 0x2000);
	CHECK_EQ(parse(), OK);
}

TEST(p_align)
{
	static const uint64_t good[] = { 0, 1, 2, 16, 0x1000, 0x200000, 1ull << 63 };
	static const uint64_t bad[] = { 3, 0x1001, 0x6000, UINT64_MAX };

	for (unsigned i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		make_elf(2);
		ph64(1, P_ALIGN, good[i]);
		CHECK_EQ(parse(), OK);
	}
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		make_elf(2);
		ph64(1, P_ALIGN, bad[i]);
		CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	}
}

TEST(vaddr_and_offset_congruent)
{
	make_elf(2);
	ph64(1, P_VADDR, BASE + 0x10000 + 8);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	ph64(1, P_OFFSET, 0x2000 + 8);	/* now both are 8 into their page */
	CHECK_EQ(parse(), OK);
	ph64(1, P_OFFSET, 0x1000 + 8);	/* another page, same offset in it */
	CHECK_EQ(parse(), OK);
	ph64(1, P_VADDR, BASE + 0x10000 + 8 + 0x800);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
}

TEST(segments_sharing_a_page)
{
	/* Segment 0 is [BASE, BASE + 0x1800): its last page is BASE + 0x1000. */
	make_elf(3);
	ph64(1, P_VADDR, BASE + 0x1800);
	ph64(1, P_OFFSET, 0x2800);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	ph64(1, P_VADDR, BASE + 0x2000);	/* the next page: fine */
	ph64(1, P_OFFSET, 0x2000);
	CHECK_EQ(parse(), OK);

	/* The later segment below the earlier one, sharing its first page. */
	make_elf(3);
	ph64(2, P_VADDR, BASE - 0x1000);
	ph64(2, P_OFFSET, 0x3000);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	ph64(2, P_VADDR, BASE - 0x2000);	/* ends on the page before */
	CHECK_EQ(parse(), OK);

	/* Identical, and one inside another. */
	make_elf(3);
	ph64(2, P_VADDR, BASE + 0x10000);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	make_elf(3);
	ph64(2, P_VADDR, BASE + 0x10000);
	ph64(2, P_OFFSET, 0x3000);
	ph64(2, P_FILESZ, 0x10);
	ph64(2, P_MEMSZ, 0x10);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	ph64(1, P_MEMSZ, 0x20000);		/* segment 1 swallows 2 */
	ph64(2, P_VADDR, BASE + 0x18000);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
}

TEST(entry_point)
{
	make_elf(3);
	put64(E_ENTRY, BASE);
	CHECK_EQ(parse(), OK);
	put64(E_ENTRY, BASE + 0x17FF);		/* last byte, in the bss part */
	CHECK_EQ(parse(), OK);
	put64(E_ENTRY, BASE + 0x1800);		/* one past the end */
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	put64(E_ENTRY, BASE - 1);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	put64(E_ENTRY, 0);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	put64(E_ENTRY, BASE + 0x10010);		/* in segment 1: rw- */
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
	put32(PH(1) + P_FLAGS, ELF_R | ELF_W | ELF_X);
	CHECK_EQ(parse(), OK);

	/* An executable segment that is skipped (memsz 0) holds nothing. */
	make_elf(2);
	put32(PH(0) + P_FLAGS, ELF_R);
	phdr(2, PT_LOAD, ELF_R | ELF_X, 0, BASE + 0x10, 0, 0, 0);
	put16(E_PHNUM, 3);
	CHECK_EQ(parse(), ERR_ELF_SEGMENT);
}

TEST(flags)
{
	char buf[4];

	make_elf(2);
	put32(PH(0) + P_FLAGS, 0xF00FF005);	/* OS and CPU bits dropped */
	put32(PH(1) + P_FLAGS, 0);
	CHECK_EQ(parse(), OK);
	CHECK_EQ(ei.seg[0].flags, ELF_R | ELF_X);
	CHECK_EQ(ei.seg[1].flags, 0);
	CHECK_STR(elf_flags_str(ELF_R | ELF_W | ELF_X, buf), "rwx");
	CHECK_STR(elf_flags_str(ELF_R, buf), "r--");
	CHECK_STR(elf_flags_str(ELF_W, buf), "-w-");
	CHECK_STR(elf_flags_str(ELF_X, buf), "--x");
	CHECK_STR(elf_flags_str(0, buf), "---");
	CHECK_STR(elf_flags_str(0xFFFFFFF8, buf), "---");
}

/*
 * gcc 12 / binutils 2.40, default (separate code): headers, text, eh_frame
 * and data each get their own pages; .bss follows .data in memory.
 */
TEST(real_gcc_static_executable)
{
	static const uint8_t text[] = {
		0x8b, 0x15, 0xfa, 0x1f, 0x00, 0x00,	/* mov counter(%rip),%edx */
		0x8d, 0x42, 0x01,			/* lea 1(%rdx),%eax */
		0x89, 0x05, 0xf1, 0x1f, 0x00, 0x00,	/* mov %eax,counter(%rip) */
		0x0f, 0xb6, 0xc0,			/* movzbl %al,%eax */
		0x88, 0x90, 0x20, 0x30, 0x40, 0x00,	/* mov %dl,scratch(%rax) */
		0xb8, 0x3c, 0x00, 0x00, 0x00,		/* mov $60,%eax */
		0x31, 0xff,				/* xor %edi,%edi */
		0x0f, 0x05,				/* syscall */
		0xeb, 0xfe,				/* jmp . */
	};
	uint64_t len;
	char buf[4];

	ehdr(0x401000, 5);
	put64(E_SHOFF, 0x3060);		/* section headers: there, not read */
	put16(E_SHNUM, 7);
	put16(E_SHSTRNDX, 6);
	phdr(0, PT_LOAD, ELF_R, 0, 0x400000, 0x158, 0x158, 0x1000);
	phdr(1, PT_LOAD, ELF_R | ELF_X, 0x1000, 0x401000, 0x23, 0x23, 0x1000);
	phdr(2, PT_LOAD, ELF_R, 0x2000, 0x402000, 0x2c, 0x2c, 0x1000);
	phdr(3, PT_LOAD, ELF_R | ELF_W, 0x3000, 0x403000, 0x4, 0x150, 0x1000);
	phdr(4, PT_GNU_STACK, ELF_R | ELF_W, 0, 0, 0, 0, 0x10);
	memcpy(img + 0x1000, text, sizeof(text));
	put32(0x3000, 5);		/* int counter = 5 */
	img_len = 0x3220;

	CHECK_EQ(parse(), OK);
	CHECK_EQ(ei.entry, 0x401000);
	CHECK_EQ(ei.nseg, 4);
	CHECK_STR(elf_flags_str(ei.seg[0].flags, buf), "r--");
	CHECK_STR(elf_flags_str(ei.seg[1].flags, buf), "r-x");
	CHECK_STR(elf_flags_str(ei.seg[2].flags, buf), "r--");
	CHECK_STR(elf_flags_str(ei.seg[3].flags, buf), "rw-");
	CHECK_EQ(ei.seg[3].filesz, 4);
	CHECK_EQ(ei.seg[3].memsz, 0x150);

	/* Every prefix that cuts into .data fails; the section headers
	 * after it are not needed. */
	for (len = 0; len < img_len; len++) {
		err_t err = parse_len(len, TOP);

		if ((len < 0x3004) != (err != OK))
			FAIL("prefix of %llu bytes: %s",
			     (unsigned long long)len, err_name(err));
	}
	/* The user space may end below .bss. */
	CHECK_EQ(parse_len(img_len, 0x403150), OK);
	CHECK_EQ(parse_len(img_len, 0x40314F), ERR_ELF_SEGMENT);
}

/*
 * The same program linked with -z noseparate-code: the headers share the
 * r-x segment with .text, and .data sits 0x114 into its page in both the
 * file and memory.
 */
TEST(real_gcc_static_noseparate_code)
{
	static const uint8_t text[] = {
		0x8b, 0x15, 0x1e, 0x10, 0x00, 0x00, 0x8d, 0x42, 0x01,
		0x89, 0x05, 0x15, 0x10, 0x00, 0x00, 0x0f, 0xb6, 0xc0,
		0x88, 0x90, 0x20, 0x11, 0x40, 0x00, 0xb8, 0x3c, 0x00,
		0x00, 0x00, 0x31, 0xff, 0x0f, 0x05, 0xeb, 0xfe,
	};

	ehdr(0x4000f0, 3);
	put64(E_SHOFF, 0x168);
	put16(E_SHNUM, 6);
	put16(E_SHSTRNDX, 5);
	phdr(0, PT_LOAD, ELF_R | ELF_X, 0, 0x400000, 0x113, 0x113, 0x1000);
	phdr(1, PT_LOAD, ELF_R | ELF_W, 0x114, 0x401114, 0x4, 0x13c, 0x1000);
	phdr(2, PT_GNU_STACK, ELF_R | ELF_W, 0, 0, 0, 0, 0x10);
	memcpy(img + 0xf0, text, sizeof(text));
	put32(0x114, 5);
	img_len = 744;

	CHECK_EQ(parse(), OK);
	CHECK_EQ(ei.nseg, 2);
	CHECK_EQ(ei.seg[0].offset, 0);
	CHECK_EQ(ei.seg[1].offset, 0x114);
	CHECK_EQ(ei.seg[1].vaddr, 0x401114);
	CHECK_EQ(parse_len(0x117, TOP), ERR_ELF_SEGMENT);
	CHECK_EQ(parse_len(0x118, TOP), OK);
}
