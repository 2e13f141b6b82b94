#!/bin/bash
# Tests for tools/abigen.py: if/kernel.abi makes the committed
# include/kpi/methods.h and usr/include/flotilla/abi.h (the same twice),
# which compile without a warning with gcc and clang, freestanding as user
# space builds them; --check finds a stale file; the stubs pack words as
# the description says (a packed field too wide is refused); bad input
# gives FILE:LINE: error: WHAT, exit status 1 and no output. One PASS or
# FAIL line per case; exits 1 if any failed.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GEN="python3 $ROOT/tools/abigen.py"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failed=0

pass() { echo "PASS tools/abigen/$1"; }
fail() { echo "FAIL tools/abigen/$1: $2"; failed=1; }
check() { if [ "$2" = ok ]; then pass "$1"; else fail "$1" "$2"; fi; }

# --- the description in the tree ---
r=ok
$GEN -o "$TMP/a" 2>"$TMP/err" || r="failed: $(head -2 "$TMP/err")"
[ "$r" = ok ] && { $GEN -o "$TMP/b" && diff -r "$TMP/a" "$TMP/b" >/dev/null || r="two runs differ"; }
check deterministic "$r"

r=ok
for f in include/kpi/methods.h usr/include/flotilla/abi.h kernel/invoke_words.h; do
	cmp -s "$TMP/a/$f" "$ROOT/$f" || r="$f is not what if/kernel.abi makes (make abi)"
done
check committed_files_are_current "$r"

# The ABI as it stands (abi_golden.txt, checked against the kernel before
# the description existed): every method's number, type, right, when the
# right is checked, and its words. A change of any is a change of the ABI.
r=ok
got=$(sed -n '/^#define CAP_METHODS(X)/,/end/p' "$ROOT/include/kpi/methods.h" | grep 'X(' |
	sed -E 's/^\s*X\(([A-Z_0-9]+), ([a-z]+), ([A-Z_0-9]+), ([01]), ([0-9])\).*/\1 \2 \3 \4 \5/' |
	while read -r n t rt e w; do
		num=$(grep -E "^\s$n = [0-9]+," "$ROOT/include/kpi/methods.h" | grep -oE '[0-9]+' | head -1)
		echo "$n $num $t $rt $e $w"
	done)
want=$(grep -v '^#' "$ROOT/tests/tools/abi_golden.txt")
[ -n "$got" ] && [ "$got" = "$want" ] ||
	r="CAP_METHODS differs from tests/tools/abi_golden.txt: $(diff <(echo "$want") <(echo "$got") | head -4 | tr '\n' ' ')"
check the_abi_is_the_golden_one "$r"

# Stale: --check says so with status 1, and is quiet about nothing.
r=ok
mkdir -p "$TMP/s" && cp -r "$TMP/a/." "$TMP/s/"
echo "/* edited */" >> "$TMP/s/include/kpi/methods.h"
out=$($GEN --check -o "$TMP/s" 2>&1); st=$?
[ $st -eq 1 ] && [[ "$out" == *"include/kpi/methods.h differ"* ]] || r="status $st: $out"
$GEN --check -o "$TMP/a" >/dev/null || r="--check refused the files just made"
check check_finds_a_stale_file "$r"

# The headers compile, and the stubs put each argument in its word.
cat > "$TMP/use.c" <<'C'
#include <flotilla/sys.h>
/* The stubs' system call, replaced by one that records the words. */
#define sys_invoke sys_invoke_words
struct sys_ret sys_invoke_words(capaddr_t cap, unsigned m, uint64_t a0, uint64_t a1,
				uint64_t a2, uint64_t a3, uint64_t a4);
#include <flotilla/abi.h>
uint64_t w[7];
struct sys_ret sys_invoke_words(capaddr_t cap, unsigned m, uint64_t a0, uint64_t a1,
				uint64_t a2, uint64_t a3, uint64_t a4)
{
	w[0] = cap; w[1] = m; w[2] = a0; w[3] = a1; w[4] = a2; w[5] = a3; w[6] = a4;
	return (struct sys_ret){ 0, 0 };
}
int main(void)
{
	int bad = 0;
	abi_cnode_mint(3, 4, 5, 6, 7);
	bad |= w[1] != CNODE_MINT || w[2] != 4 || w[3] != 5 || w[4] != 6 || w[5] != 7 || w[6];
	abi_cnode_retype(3, 1, 2, 0x12, 0x34, 9, 10);
	bad |= (w[4] != (0x12 | 0x34 << 16) || w[5] != 9 || w[6] != 10) << 1;
	w[1] = 0;
	bad |= (abi_cnode_retype(3, 1, 2, 0x10000, 1, 0, 0).err != ERR_INVALID_ARG || w[1]) << 2;
	bad |= (abi_cnode_retype(3, 1, 2, 1, 0x10000, 0, 0).err != ERR_INVALID_ARG || w[1]) << 3;
	abi_info_cmdline(1, (char *)0x1000, 64);
	bad |= (w[1] != INFO_CMDLINE || w[2] != 0x1000 || w[3] != 64) << 4;
	return bad;
}
C
r=ok
FLAGS="-std=gnu11 -Wall -Wextra -Werror -I$TMP/a/usr/include -I$TMP/a/include -I$ROOT/usr/include \
-I$ROOT/include -I$ROOT"
for cc in gcc clang; do
	command -v $cc >/dev/null || continue
	if ! $cc $FLAGS -o "$TMP/use" "$TMP/use.c" 2>"$TMP/cc.err"; then
		r="$cc: $(head -3 "$TMP/cc.err" | tr '\n' ' ')"
		break
	fi
	"$TMP/use" || { r="$cc: the words are wrong (mask $?)"; break; }
done
check stubs_pack_the_words_the_description_gives "$r"

# Packed fields narrower than 16 bits: the kernel checks each against its
# own kind (kernel/invoke_words.h), not only the word's 32 bits, and the
# method's typed struct unpacks them.
r=ok
printf '%s\n' 'type t "T" (CAP_CNODE) {' '	PACKED = 1 needs write (u8 a | bool b);' '}' > "$TMP/p.abi"
if $GEN -o "$TMP/p" "$TMP/p.abi" 2>"$TMP/err"; then
	cat > "$TMP/p.c" <<'C'
#define PACKED 1	/* its number; the tree's kpi/caps.h is the one included */
#include "kernel/invoke_words.h"
int main(void)
{
	const uint64_t ok[5] = { 0xFF | 1 << 16 }, wide[5] = { 0x1FF }, two[5] = { 2 << 16 },
		       high[5] = { 1ull << 32 };
	const struct packed_args p = packed_args(ok);
	return (invoke_words_check(PACKED, ok) != OK) | (invoke_words_check(PACKED, wide) != ERR_INVALID_ARG) << 1 |
	       (invoke_words_check(PACKED, two) != ERR_INVALID_ARG) << 2 |
	       (invoke_words_check(PACKED, high) != ERR_INVALID_ARG) << 3 |
	       (p.a != 0xFF || p.b != true) << 4;
}
C
	if ! gcc -std=gnu11 -Wall -Werror -I"$TMP/p" -I"$ROOT/include" -I"$ROOT" \
		-o "$TMP/pc" "$TMP/p.c" 2>"$TMP/cc.err"; then
		r="does not compile: $(head -3 "$TMP/cc.err" | tr '\n' ' ')"
	else
		"$TMP/pc"; st=$?
		[ $st -eq 0 ] || r="a packed field past its kind was taken (mask $st)"
	fi
else
	r="generator failed: $(head -2 "$TMP/err")"
fi
check kernel_checks_and_unpacks_each_packed_field "$r"

# --- bad input ---
# bad NAME WANT TEXT: abigen on TEXT fails with status 1, says WANT (a
# regex) as FILE:LINE: error: ..., and writes nothing.
bad() {
	local name=$1 want=$2
	printf '%s\n' "$3" > "$TMP/$name.abi"
	local out st
	out=$($GEN -o "$TMP/out_$name" "$TMP/$name.abi" 2>&1); st=$?
	if [ $st -ne 1 ]; then
		fail "refuses_$name" "status $st: $out"
	elif ! [[ "$out" =~ $want ]]; then
		fail "refuses_$name" "said: $out"
	elif [ -e "$TMP/out_$name" ]; then
		fail "refuses_$name" "wrote output"
	else
		pass "refuses_$name"
	fi
}
bad two_numbers '\.abi:3: error: B takes number 1, which A has' \
'type t "T" (CAP_CNODE) {
	A = 1 needs write ();
	B = 1 needs write ();
}'
bad twice '\.abi:3: error: A is defined twice \(line 2\)' \
'type t "T" (CAP_CNODE) {
	A = 1 needs write ();
	A = 2 needs write ();
}'
bad six_words '\.abi:2: error: A: 6 argument words; SYS_INVOKE has 5' \
'type t "T" (CAP_CNODE) {
	A = 1 needs write (word a, word b, word c, word d, word e, word f);
}'
bad unknown_kind "\.abi:2: error: A: unknown kind 'float'" \
'type t "T" (CAP_CNODE) {
	A = 1 needs write (float a);
}'
bad unknown_right '\.abi:2: error: A: needs all: a right is write, read or nothing' \
'type t "T" (CAP_CNODE) {
	A = 1 needs all ();
}'
bad wide_pack '\.abi:2: error: A: b: only numbers of at most 16 bits are packed' \
'type t "T" (CAP_CNODE) {
	A = 1 needs write (u16 a | u32 b);
}'
bad no_number '\.abi:2: error: A: the first method needs a number' \
'type t "T" (CAP_CNODE) {
	A needs write ();
}'
bad no_caps '\.abi:1: error: type t names no capability type' \
'type t "T" () {
	A = 1 needs write ();
}'
bad shared_name '\.abi:2: error: A: two arguments share a name' \
'type t "T" (CAP_CNODE) {
	A = 1 needs write (word a, word a);
}'
bad unterminated "\.abi:3: error: expected '}', found the end of the file" \
'type t "T" (CAP_CNODE) {
	A = 1 needs write ();'
bad trailing_comma '\.abi:2: error: A: an argument after the last comma' \
'type t "T" (CAP_CNODE) {
	A = 1 needs write (word a, );
}'
bad stray '\.abi:2: error: unexpected' \
'type t "T" (CAP_CNODE) {
	A = 1 needs write () $;
}'

exit $failed
