/*
 * ACPI topology tables. acpi_parse() works in three steps: validate the RSDP
 * and the root table (RSDT or XSDT); collect the MADT, SRAT, SLIT and FADT,
 * each validated whole (header, length readable, checksum zero); then parse
 * them in that order, whatever their order in the root table, because the
 * SRAT assigns nodes to the cores the MADT listed and the SLIT is indexed by
 * the proximity domains the SRAT named. Entry lists are walked by
 * next_entry(), which stops at the first entry whose length is < 2 or runs
 * past its table. Multi-byte fields are assembled byte by byte: tables may
 * be unaligned. The FADT leads to the DSDT, whose AML is not interpreted:
 * acpi_aml_s5() only looks for the one declaration soft off needs.
 * The HPET table and the FADT's clock and reset fields are read by
 * lib/acpi_hw.c.
 */
#include <stddef.h>
#include "lib/acpi.h"
#include "lib/acpi_hw.h"

#define RSDP_V1_LEN		20
#define RSDP_V2_LEN		36
#define RSDP_MAX_LEN		4096	/* far above any real one: a sanity cap */
#define SDT_HDR_LEN		36
#define MADT_ENTRIES		44
#define SRAT_ENTRIES		48
#define SLIT_MATRIX		44

enum { T_MADT, T_SRAT, T_SLIT, T_FADT, T_HPET, T_COUNT };
static const char *const table_sig[T_COUNT] = { "APIC", "SRAT", "SLIT", "FACP", "HPET" };

struct tables {
	const uint8_t *p[T_COUNT];
	uint32_t len[T_COUNT];
};

struct rsdp {
	uint8_t revision;
	uint32_t rsdt;
	uint64_t xsdt;		/* 0 before revision 2 */
};

static uint8_t checksum(const uint8_t *p, uint64_t n)
{
	uint8_t sum = 0;

	while (n--)
		sum += *p++;
	return sum;
}

static bool sig_eq(const uint8_t *p, const char *sig, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (p[i] != (uint8_t)sig[i])
			return false;
	return true;
}

static void zero(void *p, uint64_t n)
{
	uint8_t *b = p;

	while (n--)
		*b++ = 0;
}

/* Validates the RSDP at pa: signature, checksum, and for revision >= 2
 * the length and extended checksum. `room`: how many bytes a boot
 * loader's copy holds there, or 0 for the firmware's own RSDP. A copy too
 * short for the 2.0 fields (Multiboot2's ACPI 1.0 tag holds 20 bytes,
 * whatever the revision says) is read as 1.0: the RSDT only. */
static err_t rsdp_read(const struct boot_io *io, uint64_t pa, uint32_t room, struct rsdp *r)
{
	const uint8_t *p;
	uint32_t len;

	if (room && room < RSDP_V1_LEN)
		return ERR_TRUNCATED;
	p = bootio_map(io, pa, RSDP_V1_LEN);
	if (!p)
		return ERR_TRUNCATED;
	if (!sig_eq(p, "RSD PTR ", 8))
		return ERR_BAD_SIGNATURE;
	if (checksum(p, RSDP_V1_LEN))
		return ERR_BAD_CHECKSUM;
	r->revision = p[15];
	r->rsdt = get_le32(p + 16);
	r->xsdt = 0;
	if (r->revision < 2 || (room && room < RSDP_V2_LEN))
		return OK;
	p = bootio_map(io, pa, RSDP_V2_LEN);
	if (!p)
		return ERR_TRUNCATED;
	len = get_le32(p + 20);
	if (len < RSDP_V2_LEN || len > RSDP_MAX_LEN || (room && len > room))
		return ERR_TRUNCATED;
	p = bootio_map(io, pa, len);
	if (!p)
		return ERR_TRUNCATED;
	if (checksum(p, len))
		return ERR_BAD_CHECKSUM;
	r->xsdt = get_le64(p + 24);
	return OK;
}

static bool scan(const struct boot_io *io, uint64_t start, uint64_t len, uint64_t *rsdp_pa)
{
	struct rsdp r;
	uint64_t off;

	for (off = 0; off + RSDP_V1_LEN <= len; off += 16) {
		if (rsdp_read(io, start + off, 0, &r) == OK) {
			*rsdp_pa = start + off;
			return true;
		}
	}
	return false;
}

err_t acpi_find_rsdp(const struct boot_io *io, uint64_t *rsdp_pa)
{
	const uint8_t *bda = bootio_map(io, 0x40E, 2);

	if (bda) {
		uint64_t ebda = (uint64_t)(bda[0] | bda[1] << 8) << 4;

		if (ebda && scan(io, ebda, 1024, rsdp_pa))
			return OK;
	}
	return scan(io, 0xE0000, 0x20000, rsdp_pa) ? OK : ERR_NOT_FOUND;
}

/* One of the boot loader's copies, if it is there and sound. */
static bool try_copy(const struct boot_io *io, uint64_t pa, uint32_t len, const char *source,
		     struct acpi_rsdp_at *at)
{
	struct rsdp r;
	err_t err;

	if (!pa)
		return false;
	err = rsdp_read(io, pa, len, &r);
	if (err) {
		bootio_warn(io, err == ERR_BAD_CHECKSUM ? "acpi: the boot loader's RSDP copy has a bad checksum; not used" :
			    err == ERR_BAD_SIGNATURE ? "acpi: the boot loader's RSDP copy has no RSDP signature; not used" :
			    "acpi: the boot loader's RSDP copy is shorter than its length; not used", pa);
		return false;
	}
	*at = (struct acpi_rsdp_at){ pa, len, source };
	return true;
}

err_t acpi_locate_rsdp(const struct boot_io *io, uint64_t new_pa, uint32_t new_len,
		       uint64_t old_pa, uint32_t old_len, struct acpi_rsdp_at *at)
{
	uint64_t pa;

	if (try_copy(io, new_pa, new_len, "the boot loader's ACPI 2.0+ tag", at) ||
	    try_copy(io, old_pa, old_len, "the boot loader's ACPI 1.0 tag", at))
		return OK;
	if (acpi_find_rsdp(io, &pa))
		return ERR_NOT_FOUND;
	*at = (struct acpi_rsdp_at){ pa, 0, "the BIOS area scan" };
	return OK;
}

/* Maps a whole table after checking its header, length and checksum. */
static err_t sdt_map(const struct boot_io *io, uint64_t pa, const uint8_t **t, uint32_t *len)
{
	const uint8_t *p = bootio_map(io, pa, SDT_HDR_LEN);

	if (!p)
		return ERR_TRUNCATED;
	*len = get_le32(p + 4);
	if (*len < SDT_HDR_LEN)
		return ERR_TRUNCATED;
	p = bootio_map(io, pa, *len);
	if (!p)
		return ERR_TRUNCATED;
	if (checksum(p, *len))
		return ERR_BAD_CHECKSUM;
	*t = p;
	return OK;
}

/* Keeps the table at pa if it is one of ours and sound. */
static void collect(const struct boot_io *io, uint64_t pa, struct tables *t)
{
	const uint8_t *hdr = bootio_map(io, pa, SDT_HDR_LEN);
	err_t err;
	int k;

	if (!hdr) {
		bootio_warn(io, "acpi: table header unreadable; skipped", pa);
		return;
	}
	for (k = 0; k < T_COUNT; k++)
		if (sig_eq(hdr, table_sig[k], 4))
			break;
	if (k == T_COUNT)
		return;
	if (t->p[k]) {
		bootio_warn(io, "acpi: second table with the same signature ignored", pa);
		return;
	}
	err = sdt_map(io, pa, &t->p[k], &t->len[k]);
	if (err == ERR_BAD_CHECKSUM)
		bootio_warn(io, "acpi: table checksum is bad; skipped", pa);
	else if (err)
		bootio_warn(io, "acpi: table length runs past readable memory; skipped", pa);
}

/* Validates the RSDT/XSDT at pa and collects the tables it lists. */
static err_t walk_root(const struct boot_io *io, uint64_t pa, bool xsdt, struct tables *t)
{
	unsigned esize = xsdt ? 8 : 4;
	const uint8_t *root;
	uint32_t len, i, n;
	err_t err;

	err = sdt_map(io, pa, &root, &len);
	if (err)
		return err;
	if (!sig_eq(root, xsdt ? "XSDT" : "RSDT", 4))
		return ERR_BAD_SIGNATURE;
	n = (len - SDT_HDR_LEN) / esize;
	if ((len - SDT_HDR_LEN) % esize)
		bootio_warn(io, "acpi: root table ends in a partial entry", len);
	for (i = 0; i < n; i++) {
		const uint8_t *e = root + SDT_HDR_LEN + i * esize;
		uint64_t tpa = xsdt ? get_le64(e) : get_le32(e);

		if (tpa)
			collect(io, tpa, t);
	}
	return OK;
}

/* The entry at *off of a (type, length, ...) list, advancing *off; NULL at
 * the end of the table or at a malformed entry (which ends the list). */
static const uint8_t *next_entry(const struct boot_io *io, const uint8_t *t,
				 uint32_t len, uint32_t *off)
{
	uint32_t o = *off;

	if (o >= len)
		return NULL;
	if (len - o < 2 || t[o + 1] < 2 || t[o + 1] > len - o) {
		bootio_warn(io, "acpi: entry length below 2 or past the table end; rest of table ignored", o);
		return NULL;
	}
	*off = o + t[o + 1];
	return t + o;
}

static bool entry_fits(const struct boot_io *io, const uint8_t *e, unsigned need)
{
	if (e[1] >= need)
		return true;
	bootio_warn(io, "acpi: entry too short for its type; skipped", e[0]);
	return false;
}

static void add_core(const struct boot_io *io, struct acpi_info *out, uint32_t apic_id,
		     uint32_t uid, uint32_t flags, bool x2apic)
{
	struct acpi_core *c;
	unsigned i;

	if (!(flags & 1)) {	/* not enabled, even if online capable */
		out->ncores_disabled++;
		return;
	}
	for (i = 0; i < out->ncores; i++) {
		if (out->cores[i].apic_id == apic_id) {
			bootio_warn(io, "acpi: duplicate APIC id; later entry ignored", apic_id);
			return;
		}
	}
	if (out->ncores >= ACPI_MAX_CORES) {
		out->ncores_dropped++;
		return;
	}
	c = &out->cores[out->ncores++];
	c->apic_id = apic_id;
	c->uid = uid;
	c->node = 0;
	c->x2apic = x2apic;
}

static void add_ioapic(const struct boot_io *io, struct acpi_info *out, const uint8_t *e)
{
	struct acpi_ioapic *a;

	if (out->nioapic >= ACPI_MAX_IOAPICS) {
		bootio_warn(io, "acpi: too many I/O APICs; one ignored", e[2]);
		return;
	}
	a = &out->ioapic[out->nioapic++];
	a->id = e[2];
	a->pa = get_le32(e + 4);
	a->gsi_base = get_le32(e + 8);
}

static void parse_madt(const struct boot_io *io, const uint8_t *t, uint32_t len,
		       struct acpi_info *out)
{
	uint32_t off = MADT_ENTRIES;
	uint64_t lapic = 0;
	bool override = false;
	const uint8_t *e;

	if (len < MADT_ENTRIES) {
		bootio_warn(io, "acpi: MADT shorter than its fixed fields; ignored", len);
		return;
	}
	out->has_madt = true;
	while ((e = next_entry(io, t, len, &off))) {
		if (e[0] == 0 && entry_fits(io, e, 8))
			add_core(io, out, e[3], e[2], get_le32(e + 4), false);
		else if (e[0] == 1 && entry_fits(io, e, 12))
			add_ioapic(io, out, e);
		else if (e[0] == 5 && entry_fits(io, e, 12)) {
			lapic = get_le64(e + 4);
			override = true;
		} else if (e[0] == 9 && entry_fits(io, e, 16))
			add_core(io, out, get_le32(e + 4), get_le32(e + 12), get_le32(e + 8), true);
	}
	out->lapic_pa = override ? lapic : get_le32(t + 36);
	if (out->ncores_dropped)
		bootio_warn(io, "acpi: enabled cores beyond ACPI_MAX_CORES dropped", out->ncores_dropped);
}

/* The dense node index of a proximity domain, allocated on first sight. */
static uint32_t node_of(const struct boot_io *io, struct acpi_info *out, uint32_t domain)
{
	unsigned i;

	for (i = 0; i < out->nnodes; i++)
		if (out->node_domain[i] == domain)
			return i;
	if (out->nnodes >= ACPI_MAX_NODES) {
		bootio_warn(io, "acpi: more than ACPI_MAX_NODES proximity domains; extra domain put in node 0", domain);
		return 0;
	}
	out->node_domain[out->nnodes] = domain;
	return out->nnodes++;
}

/* An enabled SRAT processor entry: the node of the MADT's core with that
 * APIC id, if there is one; the entry is kept either way, so that an
 * entry naming no core can be reported (lib/skb.c). */
static void set_core_node(struct acpi_info *out, uint32_t apic_id, uint32_t node)
{
	unsigned i;

	for (i = 0; i < out->ncores; i++)
		if (out->cores[i].apic_id == apic_id)
			out->cores[i].node = node;
	if (out->nsrat_cpus < ACPI_MAX_CORES)
		out->srat_cpus[out->nsrat_cpus++] = (struct acpi_srat_cpu){ apic_id, node };
	else
		out->nsrat_cpus_dropped++;
}

static void srat_memory(const struct boot_io *io, struct acpi_info *out, const uint8_t *e)
{
	uint32_t flags = get_le32(e + 28), node;
	struct acpi_memaff *m;

	if (!(flags & 1) || get_le64(e + 16) == 0)
		return;
	node = node_of(io, out, get_le32(e + 2));
	if (out->nmemaff >= ACPI_MAX_MEMAFF) {
		bootio_warn(io, "acpi: too many SRAT memory ranges; one ignored", get_le64(e + 8));
		return;
	}
	m = &out->memaff[out->nmemaff++];
	m->base = get_le64(e + 8);
	m->len = get_le64(e + 16);
	m->node = node;
	m->hotplug = flags & 2;
}

static void parse_srat(const struct boot_io *io, const uint8_t *t, uint32_t len,
		       struct acpi_info *out)
{
	uint32_t off = SRAT_ENTRIES;
	const uint8_t *e;

	if (len < SRAT_ENTRIES) {
		bootio_warn(io, "acpi: SRAT shorter than its fixed fields; ignored", len);
		return;
	}
	out->has_srat = true;
	out->nnodes = 0;
	while ((e = next_entry(io, t, len, &off))) {
		if (e[0] == 0 && entry_fits(io, e, 16)) {
			uint32_t domain = e[2] | (uint32_t)e[9] << 8 |
					  (uint32_t)e[10] << 16 | (uint32_t)e[11] << 24;

			if (get_le32(e + 4) & 1)
				set_core_node(out, e[3], node_of(io, out, domain));
		} else if (e[0] == 1 && entry_fits(io, e, 40)) {
			srat_memory(io, out, e);
		} else if (e[0] == 2 && entry_fits(io, e, 24)) {
			if (get_le32(e + 12) & 1)
				set_core_node(out, get_le32(e + 8), node_of(io, out, get_le32(e + 4)));
		}
	}
	if (out->nnodes == 0) {	/* nothing enabled: one node after all */
		out->nnodes = 1;
		out->node_domain[0] = 0;
	}
}

/* SLIT localities are proximity domains; only those SRAT named matter. */
static void parse_slit(const struct boot_io *io, const uint8_t *t, uint32_t len,
		       struct acpi_info *out)
{
	uint64_t n;
	unsigned a, b;

	if (!out->has_srat) {
		bootio_warn(io, "acpi: SLIT without SRAT ignored", 0);
		return;
	}
	if (len < SLIT_MATRIX) {
		bootio_warn(io, "acpi: SLIT shorter than its fixed fields; ignored", len);
		return;
	}
	n = get_le64(t + 36);
	if (n > 0xFFFF || n * n > len - SLIT_MATRIX) {
		bootio_warn(io, "acpi: SLIT matrix runs past the table; ignored", n);
		return;
	}
	out->has_slit = true;
	out->slit_localities = n;
	for (a = 0; a < out->nnodes; a++) {
		for (b = 0; b < out->nnodes; b++) {
			uint64_t da = out->node_domain[a], db = out->node_domain[b];

			if (da < n && db < n)
				out->dist[a][b] = t[SLIT_MATRIX + da * n + db];
		}
	}
}

/*
 * The FADT's fields that soft off needs (ACPI spec, "Fixed ACPI Description
 * Table"): byte offsets into the table. The X_ forms (ACPI 2.0+) exist only
 * when the table is long enough to hold them, and win over the 32-bit forms
 * when they are non-zero. A Generic Address Structure (GAS) is 12 bytes:
 * address space (0 memory, 1 system I/O), bit width, bit offset, access
 * size, then the 64-bit address.
 */
#define FADT_DSDT		40
#define FADT_SMI_CMD		48
#define FADT_ACPI_ENABLE	52
#define FADT_PM1A_CNT		64
#define FADT_PM1B_CNT		68
#define FADT_PM1_CNT_LEN	89
#define FADT_FLAGS		112
#define FADT_V1_LEN		116	/* the whole ACPI 1.0 FADT */
#define FADT_X_DSDT		140
#define FADT_X_PM1A_CNT		172
#define FADT_X_PM1B_CNT		184
#define GAS_LEN			12
#define GAS_SYSTEM_IO		1
#define FADT_HW_REDUCED		(1u << 20)	/* Flags: no PM1 blocks at all */

/* The X_ field at off if the table holds it and it is non-zero, else 0. */
static uint64_t fadt_x(const uint8_t *t, uint32_t len, uint32_t off, uint32_t size)
{
	if (len < off + size)
		return 0;
	return get_le64(t + off + (size == GAS_LEN ? 4 : 0));
}

/* The I/O port of a PM1 control block: the X_ GAS when set, else the 32-bit
 * field. *port = 0 when neither is set. Returns why it is unusable, or NULL. */
static const char *pm1_port(const uint8_t *t, uint32_t len, uint32_t legacy, uint32_t xoff,
			    uint16_t *port)
{
	uint64_t pa = fadt_x(t, len, xoff, GAS_LEN);
	const uint8_t *gas = t + xoff;

	if (pa) {
		if (gas[0] != GAS_SYSTEM_IO)
			return "a PM1 control block is in memory space; only system I/O ports are supported";
		if (gas[1] && gas[1] < 16)
			return "a PM1 control block is narrower than 16 bits";
	} else {
		pa = get_le32(t + legacy);
		if (pa && t[FADT_PM1_CNT_LEN] < 2)
			return "the FADT's PM1_CNT_LEN is below 2 bytes";
	}
	if (pa > 0xFFFE)
		return "a PM1 control block's port is beyond the 64 KiB of I/O space";
	*port = (uint16_t)pa;
	return NULL;
}

/* Records why soft off is unusable; always returns false. */
static bool s5_fail(struct acpi_s5 *s5, err_t err, const char *why)
{
	s5->err = err;
	s5->why = why;
	return false;
}

/* The DSDT that the FADT names, validated whole, then its \_S5. */
static bool read_dsdt(const struct boot_io *io, const uint8_t *t, uint32_t len,
		      struct acpi_s5 *s5)
{
	const uint8_t *dsdt;
	uint32_t dlen;
	err_t err;

	s5->dsdt_pa = fadt_x(t, len, FADT_X_DSDT, 8);
	if (!s5->dsdt_pa)
		s5->dsdt_pa = get_le32(t + FADT_DSDT);
	if (!s5->dsdt_pa)
		return s5_fail(s5, ERR_NOT_FOUND, "the FADT names no DSDT");
	err = sdt_map(io, s5->dsdt_pa, &dsdt, &dlen);
	if (err == ERR_BAD_CHECKSUM)
		return s5_fail(s5, err, "the DSDT's checksum is bad");
	if (err)
		return s5_fail(s5, err, "the DSDT's length runs past readable memory");
	if (!sig_eq(dsdt, "DSDT", 4))
		return s5_fail(s5, ERR_BAD_SIGNATURE, "the FADT's DSDT address holds no DSDT");
	s5->err = acpi_aml_s5(dsdt + SDT_HDR_LEN, dlen - SDT_HDR_LEN, &s5->slp_typa,
			      &s5->slp_typb, &s5->why);
	return s5->err == OK;
}

/* Soft off from the FADT and its DSDT; out->s5 says whether it is usable.
 * The PM timer too. */
static void parse_fadt(const struct boot_io *io, const uint8_t *t, uint32_t len,
		       struct acpi_info *out)
{
	struct acpi_s5 *s5 = &out->s5;
	const char *why;
	uint32_t smi;

	out->has_fadt = true;
	if (len < FADT_V1_LEN) {
		s5_fail(s5, ERR_TRUNCATED, "the FADT is shorter than ACPI 1.0's 116 bytes");
		return;
	}
	acpi_parse_fadt_hw(io, t, len, out);
	if (get_le32(t + FADT_FLAGS) & FADT_HW_REDUCED) {
		s5_fail(s5, ERR_UNSUPPORTED,
			"hardware-reduced ACPI (no PM1 control block); its sleep control register is not supported");
		return;
	}
	if ((why = pm1_port(t, len, FADT_PM1A_CNT, FADT_X_PM1A_CNT, &s5->pm1a_cnt)) ||
	    (why = pm1_port(t, len, FADT_PM1B_CNT, FADT_X_PM1B_CNT, &s5->pm1b_cnt))) {
		s5_fail(s5, ERR_UNSUPPORTED, why);
		return;
	}
	if (!s5->pm1a_cnt) {
		s5_fail(s5, ERR_NOT_FOUND, "the FADT has no PM1a control block");
		return;
	}
	smi = get_le32(t + FADT_SMI_CMD);
	s5->acpi_enable = t[FADT_ACPI_ENABLE];
	if (smi <= 0xFFFF && s5->acpi_enable)
		s5->smi_cmd = (uint16_t)smi;
	else if (smi)
		bootio_warn(io, "acpi: FADT's SMI_CMD port or ACPI_ENABLE value unusable; ACPI mode cannot be entered", smi);
	read_dsdt(io, t, len, s5);
}

/*
 * AML (ACPI spec, "ACPI Machine Language Specification"): NameOp 0x08 is
 * followed by a NameString, here "_S5_" after an optional root prefix '\'
 * or parent prefixes '^'; PackageOp 0x12 by a PkgLength, a NumElements byte
 * and the elements. A PkgLength's first byte holds in bits 7..6 how many
 * bytes follow (0..3); with none, bits 5..0 are the length, else bits 3..0
 * are its low nibble and each following byte the next 8 bits. The length
 * counts itself and everything after it in the package.
 */
#define AML_ZERO	0x00
#define AML_ONE		0x01
#define AML_NAME	0x08
#define AML_BYTE	0x0A
#define AML_WORD	0x0B
#define AML_DWORD	0x0C
#define AML_PACKAGE	0x12
#define AML_ROOT	0x5C
#define AML_PARENT	0x5E

/* Whether "_S5_" at aml[i] is the name that a NameOp declares. */
static bool declared_here(const uint8_t *aml, uint32_t i)
{
	if (i > 0 && aml[i - 1] == AML_ROOT)
		i--;
	else
		while (i > 0 && aml[i - 1] == AML_PARENT)
			i--;
	return i > 0 && aml[i - 1] == AML_NAME;
}

/* One package element at *p (below end) that must be an integer constant. */
static err_t aml_integer(const uint8_t *aml, uint32_t *p, uint32_t end, uint32_t *v,
			 const char **why)
{
	static const uint8_t size[] = { [AML_BYTE] = 1, [AML_WORD] = 2, [AML_DWORD] = 4 };
	uint8_t op;
	unsigned n;

	if (*p >= end) {
		*why = "the \\_S5 package ends before its second element";
		return ERR_TRUNCATED;
	}
	op = aml[(*p)++];
	if (op == AML_ZERO || op == AML_ONE) {
		*v = op;
		return OK;
	}
	if (op >= sizeof(size) || !size[op]) {
		*why = "a \\_S5 element is not an integer constant (Zero, One, Byte, Word or DWord)";
		return ERR_UNSUPPORTED;
	}
	if (end - *p < size[op]) {
		*why = "a \\_S5 element runs past the end of its package";
		return ERR_TRUNCATED;
	}
	*v = 0;
	for (n = 0; n < size[op]; n++)
		*v |= (uint32_t)aml[*p + n] << (8 * n);
	*p += size[op];
	return OK;
}

err_t acpi_aml_s5(const uint8_t *aml, uint32_t len, uint8_t *slp_typa, uint8_t *slp_typb,
		  const char **why)
{
	uint32_t i, p, plen, end, nbytes, a, b;
	err_t err;

	for (i = 0; len >= 4 && i <= len - 4; i++)
		if (sig_eq(aml + i, "_S5_", 4) && declared_here(aml, i))
			break;
	if (len < 4 || i > len - 4) {
		*why = "the DSDT declares no \\_S5 (soft off) object";
		return ERR_NOT_FOUND;
	}
	p = i + 4;
	if (p >= len || aml[p] != AML_PACKAGE) {
		*why = "\\_S5 is not a Package";
		return ERR_UNSUPPORTED;
	}
	p++;					/* the PkgLength */
	nbytes = p < len ? aml[p] >> 6 : 0;
	if (p >= len || len - p < nbytes + 2) {	/* PkgLength, NumElements */
		*why = "the \\_S5 package's length runs past the end of the DSDT";
		return ERR_TRUNCATED;
	}
	plen = nbytes ? aml[p] & 0x0F : aml[p] & 0x3F;
	for (uint32_t k = 1; k <= nbytes; k++)
		plen |= (uint32_t)aml[p + k] << (4 + 8 * (k - 1));
	if (plen < nbytes + 2 || plen > len - p) {
		*why = "the \\_S5 package's length runs past the end of the DSDT";
		return ERR_TRUNCATED;
	}
	end = p + plen;
	p += nbytes + 1;
	if (aml[p++] < 2) {
		*why = "the \\_S5 package has fewer than two elements";
		return ERR_INVALID_ARG;
	}
	if ((err = aml_integer(aml, &p, end, &a, why)) ||
	    (err = aml_integer(aml, &p, end, &b, why)))
		return err;
	if (a > 7 || b > 7) {
		*why = "a \\_S5 sleep type is above 7 (SLP_TYP has 3 bits)";
		return ERR_INVALID_ARG;
	}
	*slp_typa = (uint8_t)a;
	*slp_typb = (uint8_t)b;
	*why = NULL;
	return OK;
}

static void set_defaults(struct acpi_info *out, uint64_t rsdp_pa)
{
	unsigned a, b;

	zero(out, sizeof(*out));
	out->rsdp_pa = rsdp_pa;
	out->s5.err = ERR_NOT_FOUND;
	out->s5.why = "no sound FADT (FACP) in the root table";
	out->nnodes = 1;
	for (a = 0; a < ACPI_MAX_NODES; a++)
		for (b = 0; b < ACPI_MAX_NODES; b++)
			out->dist[a][b] = a == b ? 10 : 20;
}

err_t acpi_parse(const struct boot_io *io, uint64_t rsdp_pa, struct acpi_info *out)
{
	struct acpi_rsdp_at at = { rsdp_pa, 0, NULL };

	return acpi_parse_at(io, &at, out);
}

/* The XSDT when there is one and it is sound (its 64-bit addresses reach
 * tables above 4 GiB), else the RSDT. */
static err_t read_root(const struct boot_io *io, const struct rsdp *r, struct tables *t,
		       struct acpi_info *out)
{
	err_t err;

	out->used_xsdt = r->revision >= 2 && r->xsdt != 0;
	if (out->used_xsdt) {
		err = walk_root(io, r->xsdt, true, t);
		if (!err || !r->rsdt)
			return err;
		bootio_warn(io, "acpi: the XSDT is unreadable, corrupt or no XSDT; using the RSDT", r->xsdt);
		out->used_xsdt = false;
		zero(t, sizeof(*t));
	}
	return walk_root(io, r->rsdt, false, t);
}

err_t acpi_parse_at(const struct boot_io *io, const struct acpi_rsdp_at *at, struct acpi_info *out)
{
	struct tables t = { { NULL }, { 0 } };
	struct rsdp r;
	err_t err;

	set_defaults(out, at->pa);
	err = rsdp_read(io, at->pa, at->room, &r);
	if (err)
		return err;
	out->revision = r.revision;
	err = read_root(io, &r, &t, out);
	if (err)
		return err;
	if (t.p[T_MADT])
		parse_madt(io, t.p[T_MADT], t.len[T_MADT], out);
	if (t.p[T_SRAT])
		parse_srat(io, t.p[T_SRAT], t.len[T_SRAT], out);
	if (t.p[T_SLIT])
		parse_slit(io, t.p[T_SLIT], t.len[T_SLIT], out);
	if (t.p[T_FADT])
		parse_fadt(io, t.p[T_FADT], t.len[T_FADT], out);
	if (t.p[T_HPET])
		acpi_parse_hpet(io, t.p[T_HPET], t.len[T_HPET], out);
	return OK;
}
