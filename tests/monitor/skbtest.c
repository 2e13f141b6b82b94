/*
 * User-space tests of what the System Knowledge Base is built from
 * (docs/skb.md): the kernel's INFO_TOPOLOGY record, and its refusals.
 * The SKB's own answers are tested from a client, usertest (tests/user/usertest/
 * skb.c), and at the shell by tools/boottest.py.
 */
#include <string.h>
#include <kpi/topology.h>
#include <flotilla/caps.h>
#include <flotilla/sys.h>
#include "tests/monitor/mtest.h"
#include "lib/test.h"

static struct kpi_topo topo;

static uint32_t cpuid_apic_id(void)
{
	uint32_t a, b, c, d;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	return b >> 24;
}

TEST(kernel_topology_says_what_the_kernel_started)
{
	CHECK_ERR(kernel_topology(CPTR_INFO, &topo), OK);
	CHECK_EQ(topo.ncores, kernel_cores(CPTR_INFO));
	CHECK(topo.ncores_found >= topo.ncores);
	CHECK(topo.mem_usable >= (2ull << 20) * topo.ncores);
	/* This monitor runs on core 0, the bootstrap core, whose APIC id the
	 * kernel read from CPUID too. */
	CHECK_EQ(topo.core_apic[0], cpuid_apic_id());
	for (unsigned i = 0; i < topo.ncores; i++)
		for (unsigned j = i + 1; j < topo.ncores; j++)
			if (topo.core_apic[i] == topo.core_apic[j])
				FAIL("cores %u and %u both started as APIC id %u", i, j,
				     topo.core_apic[i]);
	if (!(topo.flags & TOPO_ACPI)) {
		CHECK_EQ(topo.ncores, 1);	/* without a MADT, the bootstrap core alone */
		CHECK_EQ(topo.nmadt + topo.nnodes + topo.nsrat_cpus + topo.nmem, 0);
		return;
	}
	CHECK(topo.flags & TOPO_MADT);
	CHECK(topo.nmadt >= topo.ncores && topo.nmadt <= TOPO_MAX_APICS);
	if (!(topo.flags & TOPO_SRAT)) {
		CHECK_EQ(topo.nnodes + topo.nsrat_cpus + topo.nmem, 0);
		return;
	}
	CHECK(topo.nnodes >= 1 && topo.nnodes <= TOPO_MAX_NODES);
	for (unsigned i = 0; i < topo.nsrat_cpus; i++)
		CHECK(topo.srat_cpu[i].node < topo.nnodes);
	for (unsigned i = 0; i < topo.nmem; i++)
		CHECK(topo.mem[i].node < topo.nnodes && topo.mem[i].len);
	if (topo.flags & TOPO_SLIT)
		CHECK(topo.slit_localities >= 1);
	for (unsigned n = 0; n < topo.nnodes; n++)
		CHECK_EQ(topo.dist[n][n], 10);
}

TEST(kernel_topology_refuses_bad_buffers)
{
	static const uint8_t readonly[sizeof(struct kpi_topo)] = { 1 };
	struct sys_ret r;

	/* Too small by a byte: refused before anything is written. */
	memset(&topo, 0xAB, sizeof(topo));
	r = sys_invoke(CPTR_INFO, INFO_TOPOLOGY, (uint64_t)&topo, sizeof(topo) - 1, 0, 0, 0);
	CHECK_ERR(r.err, ERR_TRUNCATED);
	CHECK_EQ(topo.flags, 0xABABABABu);
	r = sys_invoke(CPTR_INFO, INFO_TOPOLOGY, (uint64_t)&topo, 0, 0, 0, 0);
	CHECK_ERR(r.err, ERR_TRUNCATED);
	/* Not the caller's writable memory. */
	r = sys_invoke(CPTR_INFO, INFO_TOPOLOGY, 0, sizeof(topo), 0, 0, 0);
	CHECK_ERR(r.err, ERR_BAD_ADDRESS);
	r = sys_invoke(CPTR_INFO, INFO_TOPOLOGY, 0xFFFF800000000000ull, sizeof(topo), 0, 0, 0);
	CHECK_ERR(r.err, ERR_BAD_ADDRESS);
	r = sys_invoke(CPTR_INFO, INFO_TOPOLOGY, (uint64_t)readonly, sizeof(topo), 0, 0, 0);
	CHECK_ERR(r.err, ERR_BAD_ADDRESS);
	CHECK_EQ(readonly[0], 1);
	/* Only the Info capability has the method. */
	CHECK_ERR(sys_invoke(CPTR_DISPATCHER, INFO_TOPOLOGY, (uint64_t)&topo, sizeof(topo), 0,
			     0, 0).err, ERR_CAP_WRONG_TYPE);
	/* It only reads: a read-only copy of the Info capability may ask,
	 * where a method that changes something needs WRITE. */
	CHECK_ERR(cnode_mint(T_SCRATCHCN, 0, CPTR_INFO, CAP_RIGHT_READ, 0), OK);
	CHECK_ERR(kernel_topology(SCRATCH(0), &topo), OK);
	CHECK_EQ(topo.ncores, kernel_cores(CPTR_INFO));
	CHECK_ERR(cnode_mint(T_SCRATCHCN, 1, CPTR_DOORBELL, CAP_RIGHT_READ, 0), OK);
	CHECK_ERR(sys_invoke(SCRATCH(1), DOORBELL_RING, 0, 31, 0, 0, 0).err, ERR_CAP_RIGHTS);
	/* And the kernel still answers. */
	CHECK_ERR(kernel_topology(CPTR_INFO, &topo), OK);
	CHECK_EQ(topo.ncores, kernel_cores(CPTR_INFO));
}
