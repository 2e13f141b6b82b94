#!/bin/bash
# Tests for tools/gensyms.py: links a small freestanding "kernel" at a fixed
# address, generates its table, and compiles that with lib/ksyms.c and a
# driver that dumps the table and looks addresses up. A fake $NM feeds
# awkward nm output (no sizes, aliases, names that need escaping). Prints
# one PASS/FAIL line per case; exits 1 if any case failed.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GENSYMS="python3 $ROOT/tools/gensyms.py"
CC=${CC:-gcc}
CFLAGS="-std=gnu11 -O2 -Wall -Wextra -Werror -I$ROOT/include -I$ROOT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failed=0

pass() { echo "PASS tools/gensyms/$1"; }
fail() { echo "FAIL tools/gensyms/$1: $2"; failed=1; }
check() { if [ "$2" = ok ]; then pass "$1"; else fail "$1" "$2"; fi; }

# The target: global, static, weak and aliased functions, plus data that
# must not appear in the table.
cat >"$TMP/target.c" <<'EOF'
int counter;
const int table[4] = { 1, 2, 3, 4 };
__attribute__((noinline)) static int local_impl(int x) { return x * 3 + counter; }
int pub(int x) __attribute__((alias("local_impl")));
__attribute__((noinline, used)) static int helper(int x) { return x ^ table[x & 3]; }
__attribute__((noinline, weak)) int maybe(int x) { return x + 11; }
__attribute__((noinline)) int beta(int x) { return helper(x) + maybe(x) + 1; }
int alpha(int x) { counter += x; return beta(x) + pub(x) + 2; }
EOF
cat >"$TMP/link.ld" <<'EOF'
SECTIONS {
	. = 0x200000;
	.text : { *(.text*) }
	.rodata : { *(.rodata*) }
	.data : { *(.data*) }
	.bss : { *(.bss*) *(COMMON) }
	/DISCARD/ : { *(.note*) *(.comment) *(.eh_frame) }
}
EOF
# The driver: "dump" prints each entry as "ADDR SIZE NAME"; "lookup ADDR"
# prints "NAME+OFFSET" or "(none)".
cat >"$TMP/driver.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include "lib/ksyms.h"

extern const struct ksym_table kernel_ksyms;

int main(int argc, char **argv)
{
	const struct ksym_table *t = &kernel_ksyms;

	if (argc == 2 && strcmp(argv[1], "dump") == 0) {
		for (uint32_t i = 0; i < t->n; i++)
			printf("%" PRIx64 " %u %s\n", t->syms[i].addr,
			       t->syms[i].size, t->names + t->syms[i].name);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "lookup") == 0) {
		uint64_t off;
		const char *name = ksym_lookup(t, strtoull(argv[2], NULL, 16), &off);

		if (name)
			printf("%s+%" PRIu64 "\n", name, off);
		else
			printf("(none)\n");
		return 0;
	}
	return 2;
}
EOF

# build_driver NAME TABLE.c: compiles the table with ksyms.c and the driver.
build_driver() {
	$CC $CFLAGS -o "$TMP/$1" "$TMP/driver.c" "$2" "$ROOT/lib/ksyms.c" 2>"$TMP/$1.err"
}

$CC -c -O2 -fno-pie -ffreestanding -o "$TMP/target.o" "$TMP/target.c" &&
	${LD:-ld} -T "$TMP/link.ld" -e alpha -o "$TMP/target.elf" "$TMP/target.o" 2>/dev/null ||
	{ fail setup "cannot build the target"; exit 1; }
addr_of() { nm "$TMP/target.elf" | awk -v n="$1" '$3 == n { print $1 }'; }

# --- generated from a real ELF ---
if $GENSYMS "$TMP/target.elf" "$TMP/syms.c" && build_driver drv "$TMP/syms.c"; then
	pass compiles
else
	fail compiles "$(head -5 "$TMP/drv.err" 2>/dev/null)"
	exit 1
fi
"$TMP/drv" dump >"$TMP/dump"

r=ok
names=$(awk '{ print $3 }' "$TMP/dump" | sort | tr '\n' ' ')
[ "$names" = "alpha beta helper maybe pub " ] || r="names are '$names'"
check names_functions_only "$r"

r=ok
prev=-1
while read -r addr size name; do
	[ $((0x$addr)) -gt "$prev" ] || r="not sorted or duplicate at $addr: $(tr '\n' ' ' <"$TMP/dump")"
	prev=$((0x$addr))
done <"$TMP/dump"
check sorted_unique "$r"

r=ok
for fn in alpha beta helper maybe pub; do
	read -r naddr nsize <<<"$(nm -S "$TMP/target.elf" | awk -v n="$fn" '$4 == n { print $1, $2 }')"
	read -r taddr tsize <<<"$(awk -v n="$fn" '$3 == n { print $1, $2 }' "$TMP/dump")"
	[ -n "$taddr" ] && [ $((0x$naddr)) -eq $((0x$taddr)) ] && [ $((0x$nsize)) -eq "$tsize" ] ||
		r="$fn: nm says '$naddr $nsize', table says '$taddr $tsize'"
done
check addresses_and_sizes "$r"

r=ok
grep -q 'local_impl' "$TMP/dump" && r="alias kept the local name local_impl, not pub"
check alias_prefers_global "$r"

r=ok
a=$(addr_of beta)
got=$("$TMP/drv" lookup "$(printf '%x' $((0x$a + 3)))")
[ "$got" = "beta+3" ] || r="beta+3 looked up as '$got'"
got=$("$TMP/drv" lookup "$a")
[ "$got" = "beta+0" ] || r="beta looked up as '$got'"
got=$("$TMP/drv" lookup 1000)
[ "$got" = "(none)" ] || r="0x1000 looked up as '$got'"
check lookup_known_function "$r"

r=ok
# (-fno-pie as in the kernel: under PIE, pointers push it to .data.rel.ro.)
$CC $CFLAGS -fno-pie -c -o "$TMP/syms.o" "$TMP/syms.c" &&
	readelf -sW "$TMP/syms.o" | awk '$8 == "kernel_ksyms" { print $7 }' >"$TMP/ndx" &&
	readelf -SW "$TMP/syms.o" | grep -q "\[ *$(cat "$TMP/ndx")\] \.rodata" ||
	r="kernel_ksyms is not in .rodata"
check table_is_rodata "$r"

r=ok
$GENSYMS "$TMP/target.elf" "$TMP/syms2.c" && cmp -s "$TMP/syms.c" "$TMP/syms2.c" ||
	r="two runs differ"
check deterministic "$r"

# --- --empty ---
r=ok
if $GENSYMS --empty - "$TMP/empty.c" && build_driver drv_empty "$TMP/empty.c"; then
	[ -z "$("$TMP/drv_empty" dump)" ] || r="dump not empty"
	[ "$("$TMP/drv_empty" lookup 200000)" = "(none)" ] || r="lookup found something"
	grep -q 'ksym_entries\[1\]' "$TMP/empty.c" || r="no 1-element array"
else
	r="does not compile: $(head -3 "$TMP/drv_empty.err" 2>/dev/null)"
fi
check empty "$r"

# --- a fake nm: no sizes, aliases, names to escape, non-function types ---
cat >"$TMP/fake-nm" <<'EOF'
#!/bin/sh
cat <<'OUT'
0000000000001000 0000000000000010 T first
0000000000001000 t first_local_alias
0000000000001010 W weak_fn
0000000000001010 0000000000000008 t weak_local
0000000000001020 0000000000000004 D some_data
0000000000001030 0000000000000020 t odd"name\with??=stuff*/
0000000000001050 r rodata_thing
0000000000001060 0000000000000004 B bss_thing
0000000000001070 T 9starts_with_digit
0000000000001080 0000000000000100 T last
OUT
EOF
chmod +x "$TMP/fake-nm"
r=ok
if NM="$TMP/fake-nm" $GENSYMS "$TMP/target.elf" "$TMP/fake.c" && build_driver drv_fake "$TMP/fake.c"; then
	want='1000 16 first|1010 8 weak_fn|1030 32 odd"name\with??=stuff*/|1070 0 9starts_with_digit|1080 256 last|'
	got=$("$TMP/drv_fake" dump | tr '\n' '|')
	[ "$got" = "$want" ] || r="dump is '$got'"
	[ "$("$TMP/drv_fake" lookup 1075)" = "9starts_with_digit+5" ] || r="lookup 0x1075 wrong"
	[ "$("$TMP/drv_fake" lookup 1018)" = "(none)" ] || r="lookup past weak_fn's end found something"
else
	r="does not compile: $(head -3 "$TMP/drv_fake.err" 2>/dev/null)"
fi
check fake_nm_escaping_and_dedup "$r"

r=ok
NM="$TMP/no-such-nm" $GENSYMS "$TMP/target.elf" "$TMP/bad.c" 2>/dev/null && r="succeeded without nm"
[ -e "$TMP/bad.c" ] && r="left an output file behind"
check missing_nm_fails "$r"

exit $failed
