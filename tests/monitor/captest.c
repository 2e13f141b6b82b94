/*
 * Capability operations from user space, each succeeding and each failing
 * with the error the ABI promises: empty and out-of-range slots, wrong
 * types, missing rights, retypes that do not fit or overlap, double
 * deletes, use after revoke, mapping twice, and bad pointers and numbers
 * in system calls. The kernel must answer every one and keep running.
 */
#include <string.h>
#include <flotilla/abi.h>
#include <flotilla/caps.h>
#include <flotilla/sys.h>
#include "tests/monitor/mtest.h"
#include "lib/test.h"

#define PAGE		4096ull
#define TEST_VA_L4	128	/* PML4 entry of the tests' mappings: 0x4000_0000_0000 */
#define TEST_VA		((uint64_t)TEST_VA_L4 << 39)

static err_t retype(unsigned slot, unsigned type, uint64_t offset, uint64_t size)
{
	return cnode_retype(T_SCRATCHCN, slot, T_TESTRAM, type, 1, offset, size);
}

static bool is(capaddr_t c, unsigned type, unsigned rights)
{
	struct cap_info i;
	return !cap_identify(c, &i) && i.type == type && i.rights == rights;
}

TEST(identify_well_known_caps)
{
	struct cap_info i;

	CHECK(is(CPTR_DISPATCHER, CAP_DISPATCHER, CAP_RIGHTS_ALL));
	CHECK(is(CPTR_ROOTCN, CAP_CNODE, CAP_RIGHTS_ALL));
	CHECK(is(CPTR_TASKCN, CAP_CNODE, CAP_RIGHTS_ALL));
	CHECK(is(CPTR_VROOT, CAP_PML4, CAP_RIGHTS_ALL));
	CHECK(is(CPTR_INFO, CAP_INFO, CAP_RIGHTS_ALL));	/* all six: authtest.c */
	CHECK(is(CPTR_BOOTIMG, CAP_FRAME, CAP_RIGHT_READ));
	CHECK_ERR(cap_identify(CADDR(RAM_CN, 0), &i), OK);
	CHECK(i.type == CAP_RAM && i.size >= PAGE && i.base % PAGE == 0);
}

TEST(empty_and_out_of_range_slots)
{
	struct cap_info i;

	CHECK_ERR(cap_identify(T_NEVER_FILLED, &i), ERR_CAP_EMPTY);
	CHECK_ERR(cap_identify(CADDR(40, 0), &i), ERR_CAP_EMPTY);	/* empty level-1 slot */
	CHECK_ERR(cap_identify(CADDR(64, 0), &i), ERR_CAP_RANGE);	/* past the root CNode */
	CHECK_ERR(cap_identify(CADDR(0xFFFFFF, 0xFF), &i), ERR_CAP_RANGE);
	CHECK_ERR(cnode_copy(T_SCRATCHCN, 256, CPTR_VROOT), ERR_CAP_RANGE);
	CHECK_ERR(cnode_copy(T_SCRATCHCN, 0, T_NEVER_FILLED), ERR_CAP_EMPTY);
}

TEST(retype_every_type)
{
	static const struct { unsigned type; uint64_t size; } t[] = {
		{ CAP_FRAME, PAGE }, { CAP_FRAME, 4 * PAGE }, { CAP_CNODE, 16 * CTE_SIZE },
		{ CAP_PML4, 0 }, { CAP_PDPT, 0 }, { CAP_PDIR, 0 }, { CAP_PTABLE, 0 },
		{ CAP_DISPATCHER, 0 }, { CAP_ENDPOINT, 0 }, { CAP_RAM, 2 * PAGE },
	};
	uint64_t off = 0;

	for (unsigned k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		struct cap_info i;
		CHECK_ERR(retype(k, t[k].type, off, t[k].size), OK);
		CHECK_ERR(cap_identify(SCRATCH(k), &i), OK);
		CHECK(i.type == t[k].type && i.rights == CAP_RIGHTS_ALL);
		CHECK(t[k].size == 0 || i.size == t[k].size);
		off += 16 * PAGE;
	}
}

TEST(retype_errors)
{
	CHECK_ERR(retype(0, CAP_FRAME, 0, TEST_RAM_BYTES + PAGE), ERR_RETYPE_SIZE);
	CHECK_ERR(retype(0, CAP_FRAME, TEST_RAM_BYTES - PAGE, 2 * PAGE), ERR_RETYPE_SIZE);
	CHECK_ERR(retype(0, CAP_FRAME, 100, PAGE), ERR_RETYPE_ALIGN);
	CHECK_ERR(retype(0, CAP_FRAME, 0, 1000), ERR_RETYPE_ALIGN);
	CHECK_ERR(retype(0, CAP_CNODE, 0, 3 * CTE_SIZE), ERR_RETYPE_ALIGN);
	for (unsigned t = CAP_POWER; t <= CAP_CONSOLE; t++)	/* authority is not made */
		CHECK_ERR(retype(0, t, 0, PAGE), ERR_RETYPE_TYPE);
	CHECK_ERR(retype(0, CAP_INFO, 0, PAGE), ERR_RETYPE_TYPE);
	CHECK_ERR(retype(0, CAP_IRQ, 0, PAGE), ERR_RETYPE_TYPE);
	CHECK_ERR(retype(0, 999, 0, PAGE), ERR_RETYPE_TYPE);
	CHECK_ERR(cnode_retype(T_SCRATCHCN, 0, T_TESTRAM, CAP_FRAME, 0, 0, PAGE), ERR_INVALID_ARG);
	CHECK_ERR(cnode_retype(T_SCRATCHCN, 250, T_TESTRAM, CAP_FRAME, 10, 0, PAGE), ERR_CAP_RANGE);
	/* Overlap with an earlier retype, and a slot already in use. */
	CHECK_ERR(retype(0, CAP_FRAME, 0, 4 * PAGE), OK);
	CHECK_ERR(retype(1, CAP_FRAME, 2 * PAGE, PAGE), ERR_RETYPE_OVERLAP);
	CHECK_ERR(retype(0, CAP_FRAME, 8 * PAGE, PAGE), ERR_CAP_SLOT_IN_USE);
	/* Retype from something that is not RAM. */
	CHECK_ERR(cnode_retype(T_SCRATCHCN, 1, SCRATCH(0), CAP_FRAME, 1, 0, PAGE),
		  ERR_CAP_WRONG_TYPE);
	/* Nothing was made by the failures. */
	struct cap_info i;
	CHECK_ERR(cap_identify(SCRATCH(1), &i), ERR_CAP_EMPTY);
}

TEST(copy_mint_rights_never_grow)
{
	CHECK_ERR(retype(0, CAP_FRAME, 0, PAGE), OK);
	CHECK_ERR(cnode_copy(T_SCRATCHCN, 1, SCRATCH(0)), OK);
	CHECK(is(SCRATCH(1), CAP_FRAME, CAP_RIGHTS_ALL));
	CHECK_ERR(cnode_mint(T_SCRATCHCN, 2, SCRATCH(0), CAP_RIGHT_READ, 0), OK);
	CHECK(is(SCRATCH(2), CAP_FRAME, CAP_RIGHT_READ));
	/* Asking for more than the source has gives only what it has. */
	CHECK_ERR(cnode_mint(T_SCRATCHCN, 3, SCRATCH(2), CAP_RIGHTS_ALL, 0), OK);
	CHECK(is(SCRATCH(3), CAP_FRAME, CAP_RIGHT_READ));
	CHECK_ERR(cnode_copy(T_SCRATCHCN, 3, SCRATCH(0)), ERR_CAP_SLOT_IN_USE);
	CHECK_ERR(cnode_copy(T_SCRATCHCN, 4, T_TESTRAM), ERR_CAP_NOT_COPYABLE);
	CHECK_ERR(cnode_mint(T_SCRATCHCN, 4, SCRATCH(0), 0x100, 0), ERR_INVALID_ARG);
}

/*
 * The kernel checks every argument word against the kind if/kernel.abi
 * gives it (kernel/invoke_words.h) before the method's decode looks
 * anything up: so these are refused for their width even where a lookup
 * would fail too (slot 9 is empty), and change nothing. The stubs pass
 * numbers whole; a packed field too wide is the stub's refusal.
 */
TEST(words_past_their_kinds_are_refused_before_decode)
{
	CHECK_ERR(cnode_mint(T_SCRATCHCN, 4, SCRATCH(9), 0x100, 0), ERR_INVALID_ARG);	/* u8 */
	CHECK_ERR(abi_cnode_copy(T_SCRATCHCN, 4, SCRATCH(9)).err, ERR_CAP_EMPTY);
	CHECK_ERR(sys_invoke(T_SCRATCHCN, CNODE_COPY, 4, 1ull << 32, 0, 0, 0).err,	/* caddr */
		  ERR_CAP_RANGE);
	CHECK_ERR(sys_invoke(T_SCRATCHCN, CNODE_RETYPE, 0, T_TESTRAM,		/* u16 | u16 */
			     (uint64_t)CAP_FRAME | 1ull << 32, 0, PAGE).err, ERR_INVALID_ARG);
	CHECK_ERR(cnode_retype(T_SCRATCHCN, 0, T_TESTRAM, CAP_FRAME, 0x10000, 0, PAGE),
		  ERR_INVALID_ARG);					/* the stub's */
	CHECK_ERR(cnode_retype(T_SCRATCHCN, 0, T_TESTRAM, CAP_FRAME | 0x10000, 1, 0, PAGE),
		  ERR_INVALID_ARG);
	CHECK_ERR(abi_export_cap_remote(CPTR_EXPORT, SCRATCH(9), 2).err, ERR_INVALID_ARG); /* bool */
	for (unsigned i = 0; i < 10; i++)
		CHECK_ERR(cap_identify(SCRATCH(i), &(struct cap_info){ 0 }), ERR_CAP_EMPTY);
}

TEST(endpoint_badges)
{
	struct cap_info i;

	CHECK_ERR(retype(0, CAP_ENDPOINT, 0, 0), OK);
	CHECK_ERR(cnode_mint(T_SCRATCHCN, 1, SCRATCH(0), CAP_RIGHTS_ALL, 42), OK);
	CHECK_ERR(cap_identify(SCRATCH(1), &i), OK);
	CHECK(i.type == CAP_ENDPOINT && i.badge == 42);
	CHECK_ERR(cnode_mint(T_SCRATCHCN, 2, SCRATCH(1), CAP_RIGHTS_ALL, 7), ERR_INVALID_ARG);
	CHECK_ERR(cnode_copy(T_SCRATCHCN, 2, SCRATCH(1)), OK);
	CHECK_ERR(cap_identify(SCRATCH(2), &i), OK);
	CHECK(i.badge == 42);
}

TEST(move_and_double_delete)
{
	CHECK_ERR(retype(0, CAP_FRAME, 0, PAGE), OK);
	CHECK_ERR(cnode_move(T_SCRATCHCN, 5, SCRATCH(0)), OK);
	CHECK(is(SCRATCH(5), CAP_FRAME, CAP_RIGHTS_ALL));
	struct cap_info i;
	CHECK_ERR(cap_identify(SCRATCH(0), &i), ERR_CAP_EMPTY);
	CHECK_ERR(cnode_delete(T_SCRATCHCN, 5), OK);
	CHECK_ERR(cnode_delete(T_SCRATCHCN, 5), ERR_CAP_EMPTY);
	CHECK_ERR(cnode_delete(T_SCRATCHCN, 300), ERR_CAP_RANGE);
}

TEST(revoke_removes_every_descendant)
{
	struct cap_info i;

	CHECK_ERR(retype(0, CAP_FRAME, 0, PAGE), OK);
	CHECK_ERR(cnode_copy(T_SCRATCHCN, 1, SCRATCH(0)), OK);
	CHECK_ERR(cnode_copy(T_SCRATCHCN, 2, SCRATCH(1)), OK);
	CHECK_ERR(cnode_mint(T_SCRATCHCN, 3, SCRATCH(2), CAP_RIGHT_READ, 0), OK);
	CHECK_ERR(cnode_revoke(T_SCRATCHCN, 0), OK);
	CHECK_ERR(cap_identify(SCRATCH(0), &i), OK);	/* the revoked one stays */
	for (unsigned k = 1; k <= 3; k++)
		CHECK_ERR(cap_identify(SCRATCH(k), &i), ERR_CAP_EMPTY);
	CHECK_ERR(cnode_revoke(T_SCRATCHCN, 9), ERR_CAP_EMPTY);
}

TEST(use_after_revoke_of_ram)
{
	/* A CNode made from RAM, with something in it; revoking the RAM
	 * destroys the CNode and what it held. */
	CHECK_ERR(cnode_retype(CPTR_TASKCN, CADDR_L2(T_RAMCN), T_TESTRAM, CAP_CNODE, 1, 0, 16 * CTE_SIZE), OK);
	CHECK_ERR(cnode_retype(T_RAMCN, 0, T_TESTRAM, CAP_FRAME, 1, PAGE, PAGE), OK);
	CHECK_ERR(cnode_revoke(CPTR_TASKCN, CADDR_L2(T_TESTRAM)), OK);
	CHECK_ERR(cnode_copy(T_RAMCN, 1, CPTR_VROOT), ERR_CAP_EMPTY);
	/* The memory is free again: the same range retypes. */
	CHECK_ERR(retype(0, CAP_FRAME, 0, 2 * PAGE), OK);
}

TEST(missing_rights)
{
	/* A CNode capability without WRITE cannot change the CNode. */
	CHECK_ERR(cnode_mint(T_SCRATCHCN, 0, T_SCRATCHCN, CAP_RIGHT_READ, 0), OK);
	CHECK_ERR(cnode_copy(SCRATCH(0), 1, CPTR_VROOT), ERR_CAP_RIGHTS);
	CHECK_ERR(cnode_delete(SCRATCH(0), 0), ERR_CAP_RIGHTS);
	/* A dispatcher capability without WRITE cannot be set up or run. */
	CHECK_ERR(cnode_mint(T_SCRATCHCN, 2, CPTR_DISPATCHER, CAP_RIGHT_READ, 0), OK);
	CHECK_ERR(disp_run(SCRATCH(2)), ERR_CAP_RIGHTS);
}

TEST(wrong_type_and_bad_method)
{
	CHECK_ERR(retype(0, CAP_FRAME, 0, PAGE), OK);
	CHECK_ERR(cnode_copy(SCRATCH(0), 1, CPTR_VROOT), ERR_CAP_WRONG_TYPE);
	CHECK_ERR(vnode_map(SCRATCH(0), 0, SCRATCH(0), CAP_RIGHT_READ), ERR_CAP_WRONG_TYPE);
	CHECK_ERR(disp_run(SCRATCH(0)), ERR_CAP_WRONG_TYPE);
	CHECK_ERR(sys_invoke(SCRATCH(0), 12345, 0, 0, 0, 0, 0).err, ERR_BAD_METHOD);
	/* The authority methods need their authority capability. */
	CHECK_ERR(sys_invoke(SCRATCH(0), POWER_OFF, 0, 0, 0, 0, 0).err, ERR_CAP_WRONG_TYPE);
	CHECK_ERR(kernel_cmdline(CPTR_DISPATCHER, NULL, 0), ERR_CAP_WRONG_TYPE);
}

/* Tables for the tests' mappings at TEST_VA: PDPT, PDIR, PTABLE in scratch
 * slots 0..2, mapped under this process's own PML4. */
static err_t map_tables(void)
{
	err_t err;

	if ((err = retype(0, CAP_PDPT, 0, 0)) || (err = retype(1, CAP_PDIR, PAGE, 0)) ||
	    (err = retype(2, CAP_PTABLE, 2 * PAGE, 0)) ||
	    (err = vnode_map(CPTR_VROOT, TEST_VA_L4, SCRATCH(0), 0)) ||
	    (err = vnode_map(SCRATCH(0), 0, SCRATCH(1), 0)) ||
	    (err = vnode_map(SCRATCH(1), 0, SCRATCH(2), 0)))
		return err;
	return OK;
}

TEST(map_write_read_unmap)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)TEST_VA;

	CHECK_ERR(map_tables(), OK);
	CHECK_ERR(retype(3, CAP_FRAME, 4 * PAGE, 2 * PAGE), OK);
	CHECK_ERR(vnode_map(SCRATCH(2), 0, SCRATCH(3), CAP_RIGHT_READ | CAP_RIGHT_WRITE), OK);
	CHECK(p[0] == 0 && p[1023] == 0);	/* retyped memory is zeroed */
	p[0] = 0x1234;
	p[PAGE / 8] = 0x5678;			/* the second page of the frame */
	CHECK(p[0] == 0x1234 && p[PAGE / 8] == 0x5678);
	CHECK_ERR(vnode_unmap(SCRATCH(2), SCRATCH(3)), OK);
	CHECK_ERR(vnode_unmap(SCRATCH(2), SCRATCH(3)), ERR_NOT_MAPPED);
	/* Mapped again elsewhere, the data is still there. */
	CHECK_ERR(vnode_map(SCRATCH(2), 10, SCRATCH(3), CAP_RIGHT_READ), OK);
	CHECK(p[10 * PAGE / 8] == 0x1234);
}

TEST(map_errors)
{
	CHECK_ERR(map_tables(), OK);
	CHECK_ERR(retype(3, CAP_FRAME, 4 * PAGE, PAGE), OK);
	CHECK_ERR(cnode_copy(T_SCRATCHCN, 4, SCRATCH(3)), OK);
	CHECK_ERR(cnode_mint(T_SCRATCHCN, 5, SCRATCH(3), CAP_RIGHT_READ, 0), OK);
	CHECK_ERR(vnode_map(SCRATCH(2), 7, SCRATCH(3), CAP_RIGHT_READ), OK);
	/* The same capability twice, and a copy at the same address. */
	CHECK_ERR(vnode_map(SCRATCH(2), 8, SCRATCH(3), CAP_RIGHT_READ), ERR_MAP_ALREADY);
	CHECK_ERR(vnode_map(SCRATCH(2), 7, SCRATCH(4), CAP_RIGHT_READ), ERR_MAP_SLOT_IN_USE);
	/* More rights than the capability has. */
	CHECK_ERR(vnode_map(SCRATCH(2), 9, SCRATCH(5), CAP_RIGHT_WRITE), ERR_CAP_RIGHTS);
	CHECK_ERR(vnode_map(SCRATCH(2), 9, SCRATCH(4), 0), ERR_INVALID_ARG);
	/* Past the table, into the kernel's half, and the wrong level. */
	CHECK_ERR(vnode_map(SCRATCH(2), 512, SCRATCH(4), CAP_RIGHT_READ), ERR_MAP_RANGE);
	CHECK_ERR(retype(6, CAP_PDPT, 8 * PAGE, 0), OK);
	CHECK_ERR(vnode_map(CPTR_VROOT, 300, SCRATCH(6), 0), ERR_MAP_RANGE);
	CHECK_ERR(vnode_map(SCRATCH(1), 5, SCRATCH(4), CAP_RIGHT_READ), ERR_CAP_WRONG_TYPE);
	CHECK_ERR(vnode_map(SCRATCH(2), 9, SCRATCH(6), 0), ERR_CAP_WRONG_TYPE);
}

TEST(revoke_removes_mappings)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)TEST_VA;

	CHECK_ERR(map_tables(), OK);
	CHECK_ERR(retype(3, CAP_FRAME, 4 * PAGE, PAGE), OK);
	CHECK_ERR(cnode_copy(T_SCRATCHCN, 4, SCRATCH(3)), OK);
	CHECK_ERR(vnode_map(SCRATCH(2), 0, SCRATCH(4), CAP_RIGHT_READ | CAP_RIGHT_WRITE), OK);
	p[0] = 7;
	CHECK_ERR(cnode_revoke(T_SCRATCHCN, 3), OK);	/* the copy and its mapping go */
	/* The entry is free again: another frame maps there. */
	CHECK_ERR(retype(5, CAP_FRAME, 5 * PAGE, PAGE), OK);
	CHECK_ERR(vnode_map(SCRATCH(2), 0, SCRATCH(5), CAP_RIGHT_READ | CAP_RIGHT_WRITE), OK);
	CHECK(p[0] == 0);
}

TEST(bad_system_call_arguments)
{
	struct cap_info i;

	CHECK_ERR(syscall6(SYS_COUNT, 0, 0, 0, 0, 0, 0).err, ERR_BAD_SYSCALL);
	CHECK_ERR(syscall6(~0ull, 0, 0, 0, 0, 0, 0).err, ERR_BAD_SYSCALL);
	CHECK_ERR(sys_debug_print((const char *)0xFFFFFFFF80100000ull, 8), ERR_BAD_ADDRESS);
	CHECK_ERR(sys_debug_print((const char *)TEST_VA, 8), ERR_BAD_ADDRESS);
	CHECK_ERR(sys_debug_print("x", DEBUG_PRINT_MAX + 1), ERR_INVALID_ARG);
	CHECK_ERR(cap_identify(CPTR_VROOT, (struct cap_info *)0), ERR_BAD_ADDRESS);
	/* Read-only memory (this program's code) cannot receive output. */
	CHECK_ERR(cap_identify(CPTR_VROOT, (struct cap_info *)(uintptr_t)&is), ERR_BAD_ADDRESS);
	CHECK_ERR(cap_identify(CPTR_VROOT, &i), OK);
	CHECK_ERR(sys_invoke(CPTR_VROOT | 0, CAP_IDENTIFY, (uint64_t)&i, 0, 0, 0, 0).err, OK);
	CHECK_ERR(syscall6(SYS_INVOKE, 1ull << 31 | (uint64_t)CAP_IDENTIFY << 32,
			    (uint64_t)&i, 0, 0, 0, 0).err, ERR_CAP_RANGE);
}

/* DISP_SET_GANG: a gang is 0..255, set with WRITE, and DISP_INFO says it
 * (kernel/dispatch.c's co-scheduling); it is no method of another type. */
TEST(a_dispatchers_gang_is_0_to_255_and_needs_the_write_right)
{
	struct disp_info info;

	CHECK_ERR(retype(0, CAP_DISPATCHER, 0, 0), OK);
	CHECK_ERR(disp_set_gang(SCRATCH(0), 7), OK);
	CHECK_ERR(disp_info(SCRATCH(0), &info), OK);
	CHECK_EQ(info.gang, 7);
	CHECK_EQ(info.nstarts, 0);		/* never run: no window started in */
	CHECK_ERR(disp_set_gang(SCRATCH(0), 256), ERR_INVALID_ARG);
	CHECK_ERR(disp_info(SCRATCH(0), &info), OK);
	CHECK_EQ(info.gang, 7);			/* refused: nothing changed */
	CHECK_ERR(cnode_mint(T_SCRATCHCN, 1, SCRATCH(0), CAP_RIGHT_READ, 0), OK);
	CHECK_ERR(disp_set_gang(SCRATCH(1), 3), ERR_CAP_RIGHTS);
	CHECK_ERR(disp_set_gang(SCRATCH(0), 0), OK);
	CHECK_ERR(disp_info(SCRATCH(0), &info), OK);
	CHECK_EQ(info.gang, 0);
	CHECK_ERR(retype(2, CAP_FRAME, 2 * PAGE, PAGE), OK);
	CHECK_ERR(disp_set_gang(SCRATCH(2), 1), ERR_CAP_WRONG_TYPE);
}
