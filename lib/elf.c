/*
 * ELF64 executable -> struct elf_image (see elf.h). The input is untrusted:
 * every field is read byte by byte (get_le*) at an offset already checked
 * against `len`, and every end is tested as "size <= limit - start", so no
 * sum can wrap. The program headers are walked twice: the first pass
 * rejects whole kinds of file (dynamic, TLS) whatever else is wrong with
 * them, the second checks each PT_LOAD alone and against those before it.
 */
#include <stdbool.h>
#include <stddef.h>
#include "lib/bootio.h"
#include "lib/elf.h"

#define EHDR_SIZE	64
#define PHDR_SIZE	56
#define PN_XNUM		0xFFFFu	/* "count is in section header 0" */
#define ELF_PAGE	4096u

/* ELF header: e_ident bytes, then fields. */
#define EI_CLASS	4
#define EI_DATA		5
#define EI_VERSION	6
#define E_TYPE		16
#define E_MACHINE	18
#define E_VERSION	20
#define E_ENTRY		24
#define E_PHOFF		32
#define E_PHENTSIZE	54
#define E_PHNUM		56

#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define EV_CURRENT	1
#define ET_EXEC		2
#define EM_X86_64	62

/* Program header fields. */
#define P_TYPE		0
#define P_FLAGS		4
#define P_OFFSET	8
#define P_VADDR		16
#define P_FILESZ	32
#define P_MEMSZ		40
#define P_ALIGN		48

#define PT_LOAD		1
#define PT_DYNAMIC	2
#define PT_INTERP	3
#define PT_TLS		7

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static err_t check_header(const uint8_t *d, uint64_t len)
{
	if (len < 4 || d[0] != 0x7F || d[1] != 'E' || d[2] != 'L' || d[3] != 'F')
		return ERR_ELF_MAGIC;
	if (len < EHDR_SIZE)
		return ERR_TRUNCATED;
	if (d[EI_CLASS] != ELFCLASS64 || d[EI_DATA] != ELFDATA2LSB ||
	    d[EI_VERSION] != EV_CURRENT || get_le32(d + E_VERSION) != EV_CURRENT ||
	    get_le16(d + E_MACHINE) != EM_X86_64 || get_le16(d + E_TYPE) != ET_EXEC)
		return ERR_ELF_KIND;
	return OK;
}

/* There is no dynamic linker and no TLS set-up: a program that asks for
 * either cannot run here, however well-formed its segments are. */
static err_t check_types(const uint8_t *ph, unsigned phnum)
{
	unsigned i;

	for (i = 0; i < phnum; i++) {
		uint32_t type = get_le32(ph + (uint64_t)i * PHDR_SIZE + P_TYPE);

		if (type == PT_INTERP || type == PT_DYNAMIC || type == PT_TLS)
			return ERR_ELF_KIND;
	}
	return OK;
}

/*
 * Reads and checks one PT_LOAD into *s. A segment with memsz 0 maps
 * nothing: it comes back OK with s->memsz == 0 for the caller to skip.
 */
static err_t check_load(const uint8_t *p, uint64_t len, uint64_t user_top,
			struct elf_segment *s)
{
	uint64_t align = get_le64(p + P_ALIGN);

	s->offset = get_le64(p + P_OFFSET);
	s->vaddr = get_le64(p + P_VADDR);
	s->filesz = get_le64(p + P_FILESZ);
	s->memsz = get_le64(p + P_MEMSZ);
	s->flags = get_le32(p + P_FLAGS) & (ELF_R | ELF_W | ELF_X);
	if (s->filesz > s->memsz)
		return ERR_ELF_SEGMENT;
	if (s->memsz == 0)
		return OK;
	if (s->offset > len || s->filesz > len - s->offset)
		return ERR_ELF_SEGMENT;
	/* Page 0 stays unmapped so that a null pointer always faults. */
	if (s->vaddr < ELF_PAGE || s->vaddr > user_top || s->memsz > user_top - s->vaddr)
		return ERR_ELF_SEGMENT;
	if (align & (align - 1))	/* 0 and 1 pass too: "no constraint" */
		return ERR_ELF_SEGMENT;
	/* The loader maps file pages at their virtual pages. */
	if ((s->vaddr ^ s->offset) & (ELF_PAGE - 1))
		return ERR_ELF_SEGMENT;
	return OK;
}

/* Whether two non-empty segments touch a common 4 KiB page: each gets its
 * own frames and permissions, so a page cannot belong to two. */
static bool share_page(const struct elf_segment *a, const struct elf_segment *b)
{
	uint64_t a_first = a->vaddr / ELF_PAGE, a_last = (a->vaddr + a->memsz - 1) / ELF_PAGE;
	uint64_t b_first = b->vaddr / ELF_PAGE, b_last = (b->vaddr + b->memsz - 1) / ELF_PAGE;

	return a_first <= b_last && b_first <= a_last;
}

static bool entry_executable(const struct elf_image *img)
{
	unsigned i;

	for (i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];

		if ((s->flags & ELF_X) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->memsz)
			return true;
	}
	return false;
}

err_t elf_parse(const void *data, uint64_t len, uint64_t user_top, struct elf_image *out)
{
	const uint8_t *d = data, *ph;
	uint64_t phoff;
	unsigned phnum, i, j;
	err_t err;

	err = check_header(d, len);
	if (err)
		return err;
	phoff = get_le64(d + E_PHOFF);
	phnum = get_le16(d + E_PHNUM);
	/* PN_XNUM would need the section headers; no static program has
	 * 65535 program headers. */
	if (get_le16(d + E_PHENTSIZE) != PHDR_SIZE || phnum == PN_XNUM ||
	    phoff > len || (uint64_t)phnum * PHDR_SIZE > len - phoff)
		return ERR_ELF_SEGMENT;
	ph = d + phoff;
	err = check_types(ph, phnum);
	if (err)
		return err;

	out->entry = get_le64(d + E_ENTRY);
	out->nseg = 0;
	for (i = 0; i < phnum; i++) {
		const uint8_t *p = ph + (uint64_t)i * PHDR_SIZE;
		struct elf_segment s;

		if (get_le32(p + P_TYPE) != PT_LOAD)
			continue;	/* PT_NOTE, PT_GNU_STACK, ...: nothing to map */
		err = check_load(p, len, user_top, &s);
		if (err)
			return err;
		if (s.memsz == 0)
			continue;
		for (j = 0; j < out->nseg; j++)
			if (share_page(&s, &out->seg[j]))
				return ERR_ELF_SEGMENT;
		if (out->nseg == ELF_MAX_SEGMENTS)
			return ERR_TOO_MANY;
		out->seg[out->nseg++] = s;
	}
	if (out->nseg == 0 || !entry_executable(out))
		return ERR_ELF_SEGMENT;
	return OK;
}

const char *elf_flags_str(uint32_t flags, char buf[4])
{
	buf[0] = (flags & ELF_R) ? 'r' : '-';
	buf[1] = (flags & ELF_W) ? 'w' : '-';
	buf[2] = (flags & ELF_X) ? 'x' : '-';
	buf[3] = 0;
	return buf;
}
