#!/bin/bash
# Tests for tools/mkbootimg.py: packs small files into a temporary
# directory, lists the image, checks the layout byte by byte, and has
# lib/bootimg.c (compiled into a small driver) read the result. Bad input
# (long or duplicate names, a missing file, a corrupt image) must exit 1
# naming the culprit and leave no output behind. Prints one PASS/FAIL line
# per case; exits 1 if any case failed.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TOOL="python3 $ROOT/tools/mkbootimg.py"
CC=${CC:-gcc}
CFLAGS="-std=gnu11 -O2 -Wall -Wextra -Werror -I$ROOT/include -I$ROOT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failed=0

pass() { echo "PASS tools/mkbootimg/$1"; }
fail() { echo "FAIL tools/mkbootimg/$1: $2"; failed=1; }
check() { if [ "$2" = ok ]; then pass "$1"; else fail "$1" "$2"; fi; }

# expect_fail CASE PATTERN OUT ARGS...: the tool must exit 1, print a line
# matching PATTERN, and not create OUT.
expect_fail() {
	local name=$1 pattern=$2 out=$3 msg rc
	shift 3
	msg=$($TOOL "$@" 2>&1)
	rc=$?
	if [ "$rc" -ne 1 ]; then
		fail "$name" "exit $rc, wanted 1; output: $(echo "$msg" | head -3)"
	elif ! echo "$msg" | grep -qE -- "$pattern"; then
		fail "$name" "no line matching '$pattern' in: $(echo "$msg" | head -3)"
	elif [ -e "$out" ] || [ -e "$out.tmp" ]; then
		fail "$name" "left an output file behind"
	else
		pass "$name"
	fi
}

# bytes IMG OFFSET SIZE: SIZE bytes of IMG from OFFSET, on stdout.
bytes() { tail -c +$(($2 + 1)) "$1" | head -c "$3"; }

mkdir -p "$TMP/in" "$TMP/other"
head -c 5000 /dev/urandom >"$TMP/in/init"
printf 'hello, flotilla\n' >"$TMP/in/hello.txt"

# --- two files, listed ---
r=ok
if $TOOL "$TMP/two.img" "$TMP/in/init" "$TMP/in/hello.txt" 2>"$TMP/err"; then
	$TOOL --list "$TMP/two.img" >"$TMP/list" 2>&1 || r="--list failed: $(head -3 "$TMP/list")"
	got=$(awk '{ print $1, $3 }' "$TMP/list" | tr '\n' '|')
	[ "$r" = ok ] && [ "$got" != "init 5000|hello.txt 16|" ] && r="listed '$got'"
else
	r="packing failed: $(head -3 "$TMP/err")"
fi
check pack_two_and_list "$r"

# --- alignment and contents ---
r=ok
while read -r name off size; do
	[ $((off % 4096)) -eq 0 ] || r="$name at $off is not 4096-aligned"
	bytes "$TMP/two.img" $((off)) "$size" | cmp -s - "$TMP/in/$name" ||
		r="$name: bytes at $off differ from the input"
done <"$TMP/list"
read -r _ off1 _ <<<"$(sed -n 1p "$TMP/list")"
read -r _ off2 _ <<<"$(sed -n 2p "$TMP/list")"
[ $((off1)) -eq 4096 ] && [ $((off2)) -eq 12288 ] || r="offsets $off1 $off2, wanted 0x1000 0x3000"
size=$(wc -c <"$TMP/two.img")
[ $((size % 4096)) -eq 0 ] || r="image is $size bytes, not a multiple of 4096"
[ "$(bytes "$TMP/two.img" 0 8)" = FLOTIMG1 ] || r="no magic"
total=$(od -An -tu4 -j12 -N4 "$TMP/two.img" | tr -d ' ')
[ "$total" = "$size" ] || r="total_size $total, file $size bytes"
check alignment_and_contents "$r"

# --- lib/bootimg.c reads what the tool writes ---
cat >"$TMP/driver.c" <<'EOF'
#include <stdio.h>
#include "lib/bootimg.h"

int main(int argc, char **argv)
{
	static unsigned char buf[1 << 20];
	struct bootimg_file f, g;
	FILE *in = argc == 2 ? fopen(argv[1], "rb") : NULL;
	size_t len = in ? fread(buf, 1, sizeof(buf), in) : 0;
	err_t err = bootimg_check(buf, len);

	if (err) {
		printf("check: %s\n", err_name(err));
		return 1;
	}
	for (unsigned i = 0; bootimg_get(buf, i, &f) == OK; i++) {
		if (bootimg_find(buf, f.name, &g) != OK || g.data != f.data)
			return 1;
		printf("%s %#llx %llu\n", f.name, (unsigned long long)f.offset,
		       (unsigned long long)f.size);
	}
	return bootimg_find(buf, "nonexistent", &g) == ERR_NOT_FOUND ? 0 : 1;
}
EOF
r=ok
if $CC $CFLAGS -o "$TMP/driver" "$TMP/driver.c" "$ROOT/lib/bootimg.c" "$ROOT/lib/errors.c" 2>"$TMP/cc.err"; then
	"$TMP/driver" "$TMP/two.img" >"$TMP/clist" 2>&1 || r="driver failed: $(head -3 "$TMP/clist")"
	[ "$r" = ok ] && ! cmp -s "$TMP/clist" "$TMP/list" &&
		r="C sees '$(tr '\n' '|' <"$TMP/clist")', --list '$(tr '\n' '|' <"$TMP/list")'"
else
	r="driver does not compile: $(head -3 "$TMP/cc.err")"
fi
check c_parser_agrees "$r"

# --- names ---
long=abcdefghijklmnopqrstuvwxyz01234	# 31 characters: the longest that fits
cp "$TMP/in/hello.txt" "$TMP/in/$long"
cp "$TMP/in/hello.txt" "$TMP/in/${long}5"
r=ok
$TOOL "$TMP/ok31.img" "$TMP/in/$long" 2>"$TMP/err" || r="31 characters rejected: $(head -1 "$TMP/err")"
[ "$r" = ok ] && [ "$($TOOL --list "$TMP/ok31.img" | awk '{ print $1 }')" != "$long" ] && r="31-character name not listed"
check name_31_chars_fits "$r"
expect_fail name_too_long "${long}5.*at most 31" "$TMP/long.img" "$TMP/long.img" "$TMP/in/init" "$TMP/in/${long}5"

cp "$TMP/in/hello.txt" "$TMP/other/init"
expect_fail duplicate_name "other/init.*duplicate name 'init'" "$TMP/dup.img" \
	"$TMP/dup.img" "$TMP/in/init" "$TMP/other/init"

expect_fail missing_input "in/no-such-file: cannot read" "$TMP/missing.img" \
	"$TMP/missing.img" "$TMP/in/init" "$TMP/in/no-such-file"

# --- a corrupt image is refused by --list ---
cp "$TMP/two.img" "$TMP/bad.img"
printf 'X' | dd of="$TMP/bad.img" bs=1 seek=0 conv=notrunc 2>/dev/null
expect_fail list_bad_magic "bad.img: not a boot image" "$TMP/none" --list "$TMP/bad.img"
cp "$TMP/two.img" "$TMP/bad2.img"
printf '\001' | dd of="$TMP/bad2.img" bs=1 seek=$((16 + 32)) conv=notrunc 2>/dev/null
expect_fail list_unaligned_offset "init: offset .* not 4096-aligned" "$TMP/none" --list "$TMP/bad2.img"

exit $failed
