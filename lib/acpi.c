/*
 * ACPI topology tables. acpi_parse() works in three steps: validate the RSDP
 * and the root table (RSDT or XSDT); collect the MADT, SRAT and SLIT, each
 * validated whole (header, length readable, checksum zero); then parse them
 * in that order, whatever their order in the root table, because the SRAT
 * assigns nodes to the cores the MADT listed and the SLIT is indexed by the
 * proximity domains the SRAT named. Entry lists are walked by next_entry(),
 * which stops at the first entry whose length is < 2 or runs past its table.
 * Multi-byte fields are assembled byte by byte: tables may be unaligned.
 */
#include <stddef.h>
#include "lib/acpi.h"

#define RSDP_V1_LEN		20
#define RSDP_V2_LEN		36
#define RSDP_MAX_LEN		4096	/* far above any real one: a sanity cap */
#define SDT_HDR_LEN		36
#define MADT_ENTRIES		44
#define SRAT_ENTRIES		48
#define SLIT_MATRIX		44

enum { T_MADT, T_SRAT, T_SLIT, T_COUNT };
static const char *const table_sig[T_COUNT] = { "APIC", "SRAT", "SLIT" };

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
 * the length and extended checksum. */
static err_t rsdp_read(const struct boot_io *io, uint64_t pa, struct rsdp *r)
{
	const uint8_t *p = bootio_map(io, pa, RSDP_V1_LEN);
	uint32_t len;

	if (!p)
		return ERR_TRUNCATED;
	if (!sig_eq(p, "RSD PTR ", 8))
		return ERR_BAD_SIGNATURE;
	if (checksum(p, RSDP_V1_LEN))
		return ERR_BAD_CHECKSUM;
	r->revision = p[15];
	r->rsdt = get_le32(p + 16);
	r->xsdt = 0;
	if (r->revision < 2)
		return OK;
	p = bootio_map(io, pa, RSDP_V2_LEN);
	if (!p)
		return ERR_TRUNCATED;
	len = get_le32(p + 20);
	if (len < RSDP_V2_LEN || len > RSDP_MAX_LEN)
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
		if (rsdp_read(io, start + off, &r) == OK) {
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

static void set_core_node(struct acpi_info *out, uint32_t apic_id, uint32_t node)
{
	unsigned i;

	for (i = 0; i < out->ncores; i++)
		if (out->cores[i].apic_id == apic_id)
			out->cores[i].node = node;
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
	for (a = 0; a < out->nnodes; a++) {
		for (b = 0; b < out->nnodes; b++) {
			uint64_t da = out->node_domain[a], db = out->node_domain[b];

			if (da < n && db < n)
				out->dist[a][b] = t[SLIT_MATRIX + da * n + db];
		}
	}
}

static void set_defaults(struct acpi_info *out, uint64_t rsdp_pa)
{
	unsigned a, b;

	zero(out, sizeof(*out));
	out->rsdp_pa = rsdp_pa;
	out->nnodes = 1;
	for (a = 0; a < ACPI_MAX_NODES; a++)
		for (b = 0; b < ACPI_MAX_NODES; b++)
			out->dist[a][b] = a == b ? 10 : 20;
}

err_t acpi_parse(const struct boot_io *io, uint64_t rsdp_pa, struct acpi_info *out)
{
	struct tables t = { { NULL }, { 0 } };
	struct rsdp r;
	err_t err;

	set_defaults(out, rsdp_pa);
	err = rsdp_read(io, rsdp_pa, &r);
	if (err)
		return err;
	out->revision = r.revision;
	out->used_xsdt = r.revision >= 2 && r.xsdt != 0;
	err = walk_root(io, out->used_xsdt ? r.xsdt : r.rsdt, out->used_xsdt, &t);
	if (err)
		return err;
	if (t.p[T_MADT])
		parse_madt(io, t.p[T_MADT], t.len[T_MADT], out);
	if (t.p[T_SRAT])
		parse_srat(io, t.p[T_SRAT], t.len[T_SRAT], out);
	if (t.p[T_SLIT])
		parse_slit(io, t.p[T_SLIT], t.len[T_SLIT], out);
	return OK;
}
