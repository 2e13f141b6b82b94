/*
 * ksym_lookup over hand-built tables: symbols with and without sizes, gaps,
 * the first and last entries, and the empty table gensyms --empty makes.
 */
#include <stddef.h>
#include <stdint.h>
#include "lib/ksyms.h"
#include "lib/test.h"

static const char names[] = "start\0kmain\0trap_entry\0idle\0tail";
#define N_START	0
#define N_KMAIN	6
#define N_TRAP	12
#define N_IDLE	23
#define N_TAIL	28

static const struct ksym syms[] = {
	{ 0x1000, 0x10, N_START },	/* gap after it: 0x1010..0x1fff */
	{ 0x2000, 0,    N_KMAIN },	/* unknown size: up to 0x2fff */
	{ 0x3000, 0x80, N_TRAP },
	{ 0x3080, 0x20, N_IDLE },	/* adjacent to trap_entry */
	{ 0x4000, 0,    N_TAIL },	/* last, unknown size: no end */
};
static const struct ksym_table table = { syms, 5, names };

TEST(exact_and_inside)
{
	uint64_t off = 99;

	CHECK_STR(ksym_lookup(&table, 0x1000, &off), "start");
	CHECK_EQ(off, 0);
	CHECK_STR(ksym_lookup(&table, 0x100f, &off), "start");
	CHECK_EQ(off, 0xf);
	CHECK_STR(ksym_lookup(&table, 0x3000, &off), "trap_entry");
	CHECK_EQ(off, 0);
	CHECK_STR(ksym_lookup(&table, 0x307f, &off), "trap_entry");
	CHECK_EQ(off, 0x7f);
	CHECK_STR(ksym_lookup(&table, 0x3080, &off), "idle");
	CHECK_EQ(off, 0);
	CHECK_STR(ksym_lookup(&table, 0x309f, &off), "idle");
	CHECK_EQ(off, 0x1f);
}

TEST(unknown_size_extends_to_next)
{
	uint64_t off;

	CHECK_STR(ksym_lookup(&table, 0x2000, &off), "kmain");
	CHECK_EQ(off, 0);
	CHECK_STR(ksym_lookup(&table, 0x2fff, &off), "kmain");
	CHECK_EQ(off, 0xfff);
	CHECK_STR(ksym_lookup(&table, UINT64_MAX, &off), "tail");
	CHECK_EQ(off, UINT64_MAX - 0x4000);
}

TEST(outside_any_symbol)
{
	uint64_t off = 7;

	CHECK(ksym_lookup(&table, 0, &off) == NULL);
	CHECK(ksym_lookup(&table, 0xfff, &off) == NULL);
	CHECK(ksym_lookup(&table, 0x1010, &off) == NULL);	/* past start's end */
	CHECK(ksym_lookup(&table, 0x1fff, &off) == NULL);
	CHECK(ksym_lookup(&table, 0x30a0, &off) == NULL);	/* past idle's end */
	CHECK(ksym_lookup(&table, 0x3fff, &off) == NULL);
	CHECK_EQ(off, 7);					/* untouched on a miss */
}

TEST(null_offset_allowed)
{
	CHECK_STR(ksym_lookup(&table, 0x3010, NULL), "trap_entry");
}

TEST(empty_table)
{
	static const struct ksym one[1] = { { 0, 0, 0 } };
	const struct ksym_table empty = { one, 0, "" };
	uint64_t off;

	CHECK(ksym_lookup(&empty, 0, &off) == NULL);
	CHECK(ksym_lookup(&empty, 0x1000, &off) == NULL);
}

TEST(single_symbol)
{
	static const struct ksym one[1] = { { 0x500, 4, 0 } };
	const struct ksym_table t = { one, 1, "only" };
	uint64_t off;

	CHECK(ksym_lookup(&t, 0x4ff, &off) == NULL);
	CHECK_STR(ksym_lookup(&t, 0x503, &off), "only");
	CHECK_EQ(off, 3);
	CHECK(ksym_lookup(&t, 0x504, &off) == NULL);
}

/* Every address in a larger table resolves to the symbol a linear scan finds. */
TEST(matches_linear_scan)
{
	static struct ksym big[257];
	const struct ksym_table t = { big, 257, "f" };

	for (uint32_t i = 0; i < 257; i++)
		big[i] = (struct ksym){ 0x10000 + i * 0x40ull, (i % 3) ? 0x20 : 0, 0 };
	for (uint64_t a = 0xff00; a < 0x10000 + 258 * 0x40; a += 3) {
		const struct ksym *want = NULL;
		uint64_t off;
		const char *got;

		for (uint32_t i = 0; i < 257; i++)
			if (big[i].addr <= a)
				want = &big[i];
		if (want && want->size && a - want->addr >= want->size)
			want = NULL;
		got = ksym_lookup(&t, a, &off);
		CHECK_EQ(got != NULL, want != NULL);
		if (want)
			CHECK_EQ(off, a - want->addr);
	}
}
