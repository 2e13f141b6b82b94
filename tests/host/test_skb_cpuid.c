/*
 * Tests for lib/skb_cpuid.c: which CPUID leaves a core asks (on made-up
 * CPUs that count the questions), and what the SKB makes of the answers,
 * odd and malformed ones included.
 */
#include <string.h>
#include "lib/test.h"
#include "skb_machines.h"

static struct skb_cpuid c;
static struct skb_cpu cpu;

static bool asked(uint32_t leaf, uint32_t sub)
{
	return skb_cpuid_find(&c, leaf, sub) != NULL;
}

TEST(intel_asks_basic_leaves_to_their_ends)
{
	struct fake_cpu f = { &qemu_6_numa2, 3, 0 };

	skb_cpuid_read(&c, fake_cpuid, &f);
	CHECK_EQ(c.n, f.asked);
	CHECK(asked(0, 0) && asked(1, 0) && asked(0x40000000, 0));
	CHECK(asked(4, 0) && asked(4, 1) && asked(4, 2));	/* 2 caches and the end */
	CHECK(!asked(4, 3));
	CHECK(asked(0xB, 0) && asked(0xB, 1) && asked(0xB, 2) && !asked(0xB, 3));
	CHECK(!asked(0x1F, 0));				/* the maximum leaf is 0xB */
	CHECK(asked(0x80000000, 0) && asked(0x80000008, 0));
	CHECK(!asked(0x8000001D, 0) && !asked(0x8000001E, 0));	/* not AMD */
}

TEST(amd_asks_its_own_leaves)
{
	struct fake_cpu f = { &amd_4x4, 5, 0 };

	skb_cpuid_read(&c, fake_cpuid, &f);
	CHECK(!asked(0xB, 0));				/* the maximum leaf is 4 */
	CHECK(!asked(0x40000000, 0));			/* no hypervisor bit */
	CHECK(asked(0x8000001D, 3) && asked(0x8000001D, 4) && !asked(0x8000001D, 5));
	CHECK(asked(0x8000001E, 0));
	CHECK_ERR(skb_cpuid_decode(&c, &cpu), OK);
	CHECK_EQ(cpu.apic_id, 5);
	CHECK(!cpu.x2apic_id);
	CHECK_EQ(cpu.ncaches, 4);
	CHECK_EQ(cpu.cache[3].level, 3);
	CHECK_EQ(cpu.cache[3].sharing, 4);
	CHECK_EQ(cpu.cache[3].shift, 2);
	CHECK(cpu.bad == NULL);
}

/* A CPU that answers every subleaf as valid: each list stops at 8
 * subleaves, and the whole at SKB_MAX_CPUID, after which nothing more
 * is asked. */
static void endless(void *ctx, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	(*(unsigned *)ctx)++;
	r[0] = leaf == 0 ? 0x1F : leaf == 0x80000000 ? 0x8000001E : 0x21;
	r[1] = leaf == 0 ? 0x68747541 : 1;		/* "Auth" "enti" "cAMD" */
	r[2] = leaf == 0 ? 0x444D4163 : 0x200;
	r[3] = leaf == 0 ? 0x69746E65 : 0;
}

TEST(endless_subleaves_stop_at_the_limits)
{
	unsigned calls = 0;

	skb_cpuid_read(&c, endless, &calls);
	CHECK_EQ(c.n, SKB_MAX_CPUID);
	CHECK_EQ(calls, c.n);
	CHECK(asked(4, 7) && !asked(4, 8));
	CHECK(asked(0xB, 7) && !asked(0xB, 8));
	CHECK(asked(0x1F, 7) && !asked(0x1F, 8));
	CHECK(asked(0x80000008, 0));		/* 2 + 3 * 8 + 3 = 29 leaves so far */
	CHECK(asked(0x8000001D, 2) && !asked(0x8000001D, 3) && !asked(0x8000001E, 0));
	CHECK_ERR(skb_cpuid_decode(&c, &cpu), OK);
	CHECK_STR(cpu.vendor, "AuthenticAMD");
	CHECK(cpu.ncaches <= SKB_MAX_CACHES);
}

static void put(uint32_t leaf, uint32_t sub, uint32_t a, uint32_t b, uint32_t cx, uint32_t d)
{
	c.l[c.n++] = (struct skb_cpuid_leaf){ leaf, sub, a, b, cx, d };
}

static void intel_base(uint32_t max)
{
	memset(&c, 0, sizeof(c));
	put(0, 0, max, 0x756E6547, 0x6C65746E, 0x49656E69);	/* "GenuineIntel" */
}

TEST(leaf_1f_comes_before_leaf_b)
{
	intel_base(0x1F);
	put(1, 0, 0, 9u << 24, 0, 0);
	put(0xB, 0, 1, 2, 0x100, 0x209);
	put(0xB, 1, 4, 16, 0x201, 0x209);
	put(0x1F, 0, 1, 2, 0x100, 0x209);
	put(0x1F, 1, 3, 8, 0x201, 0x209);
	put(0x1F, 2, 6, 64, 0x502, 0x209);		/* a die level above the cores */
	CHECK_ERR(skb_cpuid_decode(&c, &cpu), OK);
	CHECK_EQ(cpu.topo, SKB_TOPO_LEAF_1F);
	CHECK_EQ(cpu.apic_id, 0x209);			/* the x2APIC id, not leaf 1's */
	CHECK(cpu.x2apic_id);
	CHECK_EQ(cpu.smt_shift, 1);
	CHECK_EQ(cpu.pkg_shift, 6);
}

TEST(levels_that_shrink_are_not_trusted)
{
	intel_base(0xB);
	put(1, 0, 0, 3u << 24, 0, 0);
	put(0xB, 0, 4, 2, 0x100, 3);
	put(0xB, 1, 2, 16, 0x201, 3);			/* the package narrower than a core */
	CHECK_ERR(skb_cpuid_decode(&c, &cpu), OK);
	CHECK(cpu.bad != NULL);
	CHECK(strstr(cpu.bad, "shrink") != NULL);
	CHECK(cpu.topo != SKB_TOPO_LEAF_B);
	CHECK_EQ(cpu.apic_id, 3);
}

TEST(caches_of_unknown_type_are_dropped)
{
	intel_base(4);
	put(1, 0, 0, 0, 0, 0);
	put(4, 0, 0x21, 0, 0, 0);			/* L1 data */
	put(4, 1, 0x07, 0, 0, 0);			/* type 7 */
	put(4, 2, 0x03, 0, 0, 0);			/* level 0 */
	put(4, 3, 0x43, 0, 0, 0);			/* L2 unified */
	CHECK_ERR(skb_cpuid_decode(&c, &cpu), OK);
	CHECK_EQ(cpu.ncaches, 2);
	CHECK_EQ(cpu.cache[1].level, 2);
	CHECK(cpu.bad != NULL);
	CHECK_EQ(cpu.cache[0].size, 1);			/* every field minus 1 is 0 */
}

TEST(no_leaves_at_all_is_one_thread_of_one_core)
{
	memset(&c, 0, sizeof(c));
	CHECK_ERR(skb_cpuid_decode(&c, &cpu), OK);
	CHECK_EQ(cpu.topo, SKB_TOPO_NONE);
	CHECK_EQ(cpu.apic_id, 0);
	CHECK_EQ(cpu.ncaches, 0);
	CHECK_STR(cpu.vendor, "");
	c.n = SKB_MAX_CPUID + 1;
	CHECK_ERR(skb_cpuid_decode(&c, &cpu), ERR_INVALID_ARG);
}

TEST(a_vendor_that_does_not_print_is_masked)
{
	memset(&c, 0, sizeof(c));
	put(0, 0, 1, 0x0A41410A, 0x42424242, 0x43434343);
	put(1, 0, 0, 0, 1u << 31, 0);
	put(0x40000000, 0, 0, 0x7F4B4B4B, 0x4D564D56, 0x00004D56);
	CHECK_ERR(skb_cpuid_decode(&c, &cpu), OK);
	CHECK_STR(cpu.vendor, "?AA?CCCCBBBB");
	CHECK_STR(cpu.hypervisor, "KKK?VMVMVM");
}
