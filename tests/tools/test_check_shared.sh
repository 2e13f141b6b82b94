#!/bin/bash
# Tests for tools/check-shared.py: compiles small C files with gcc -c -O2
# into a temporary directory and checks the verdict, exit status and
# message for each. Prints one PASS/FAIL line per case; exits 1 if any
# case failed.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TOOL="python3 $ROOT/tools/check-shared.py"
CC=${CC:-gcc}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failed=0

pass() { echo "PASS tools/check-shared/$1"; }
fail() { echo "FAIL tools/check-shared/$1: $2"; failed=1; }

# compile NAME: C source on stdin -> $TMP/NAME.o
compile() {
	cat >"$TMP/$1.c"
	$CC -c -O2 -o "$TMP/$1.o" "$TMP/$1.c" || { echo "cannot compile $1.c" >&2; exit 1; }
}

# expect CASE STATUS GREP-PATTERN ARGS...: runs the tool with ARGS, wants
# exit STATUS and a line of output matching the pattern.
expect() {
	local name=$1 want=$2 pattern=$3 out rc
	shift 3
	out=$($TOOL "$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "$name" "exit $rc, wanted $want; output: $(echo "$out" | head -3)"
	elif ! echo "$out" | grep -qE -- "$pattern"; then
		fail "$name" "no line matching '$pattern' in: $(echo "$out" | head -3)"
	else
		pass "$name"
	fi
}

compile clean <<'EOF'
const int table[4] = { 1, 2, 3, 4 };
static const char msg[] = "read-only";
int f(int i) { return table[i & 3] + msg[i & 7]; }
EOF
expect clean 0 '^PASS check-shared: 0 shared symbols' "$TMP/clean.o"

compile planted <<'EOF'
int planted_counter;
int bump(void) { return ++planted_counter; }
EOF
expect planted_global 1 '^check-shared: planted_counter \(GLOBAL OBJECT, 4 bytes in \.bss\) is writable kernel data shared by every core' "$TMP/planted.o"
expect planted_global_summary 1 '^FAIL check-shared: 1 violations$' "$TMP/planted.o"

compile local_static <<'EOF'
int next_id(void) { static int last_id; return ++last_id; }
EOF
expect function_local_static 1 '^check-shared: last_id[.0-9]* \(LOCAL OBJECT' "$TMP/local_static.o"

compile data <<'EOF'
long boot_flags = 42;
EOF
expect initialized_data 1 '^check-shared: boot_flags \(GLOBAL OBJECT, 8 bytes in \.data\)' "$TMP/data.o"

compile custom <<'EOF'
__attribute__((section(".mystate"))) int custom_state = 7;
EOF
expect custom_section 1 '^check-shared: custom_state \(GLOBAL OBJECT, 4 bytes in \.mystate\)' "$TMP/custom.o"

compile shared <<'EOF'
__attribute__((section(".shared.console"))) int console_lock;
__attribute__((section(".shared.console"))) char console_buf[64];
__attribute__((section(".shared.handoff"))) long handoff_mailbox = 1;
__attribute__((section(".shared.panic"))) int panic_cpu = -1;
const int limit = 3;
EOF
expect shared_sections_allowed 0 '^PASS check-shared: 4 shared symbols, all on the allow-list \(handoff: handoff_mailbox; console: console_buf, console_lock; panic: panic_cpu\)$' "$TMP/shared.o"
expect shared_mixed_with_violation 1 '^FAIL check-shared: 1 violations$' "$TMP/shared.o" "$TMP/planted.o"

compile many <<'EOF'
#define S __attribute__((section(".shared.console")))
S int a0; S int a1; S int a2; S int a3; S int a4;
EOF
expect max_shared_exceeded 1 '^FAIL check-shared: .*5 shared symbols, more than 4' --max-shared 4 "$TMP/many.o"
expect max_shared_default_ok 0 '^PASS check-shared: 5 shared symbols' "$TMP/many.o"
expect max_shared_equal_ok 0 '^PASS check-shared: 5 shared symbols' --max-shared=5 "$TMP/many.o"

compile markers <<'EOF'
__asm__(".data\n.globl __marker_start\n__marker_start:\n.text\n");
EOF
expect asm_marker_ignored 0 '^PASS check-shared: 0 shared symbols' "$TMP/markers.o"

compile asm_label <<'EOF'
__asm__(".data\n.globl scratch_word\nscratch_word:\n.quad 0\n.text\n");
EOF
expect asm_label_in_data 1 '^check-shared: scratch_word \(GLOBAL NOTYPE, 0 bytes in \.data\)' "$TMP/asm_label.o"

# Data with no symbol of its own: an assembler local label (never in the
# symbol table) and a zero-size "__" label (looks like a linker marker).
compile asm_local <<'EOF'
__asm__(".data\n.Lhidden_counter:\n.quad 0\n.text\n");
EOF
expect asm_local_label_in_data 1 '^check-shared: 8 bytes in \.data that no data symbol names \(assembler local labels or anonymous data\)' "$TMP/asm_local.o"

compile asm_dunder <<'EOF'
__asm__(".bss\n.globl __scratch\n__scratch:\n.skip 16\n.text\n");
EOF
expect asm_dunder_label_in_bss 1 '^check-shared: 16 bytes in \.bss that no data symbol names \(labels there: __scratch\)' "$TMP/asm_dunder.o"

compile asm_named_and_hidden <<'EOF'
__asm__(".data\n.globl named\n.type named,@object\n.size named,8\nnamed:\n.quad 1\n.Lmore:\n.quad 2\n.text\n");
EOF
expect asm_partly_named 1 '^check-shared: 8 bytes in \.data that no data symbol names \(labels there: named\)' "$TMP/asm_named_and_hidden.o"

compile asm_shared_local <<'EOF'
__asm__(".section .shared.handoff,\"aw\"\n.Lhandoff_word:\n.quad 0\n.text\n");
EOF
expect asm_local_in_shared_section_allowed 0 '^PASS check-shared: 0 shared symbols' "$TMP/asm_shared_local.o"

# A linked image, with output sections named as the kernel's script names them.
cat >"$TMP/link.ld" <<'EOF'
SECTIONS {
	. = 0x100000;
	.text : { *(.text*) }
	.rodata : { *(.rodata*) }
	.data : { *(.data*) }
	.shared_handoff : { *(.shared.handoff) }
	.shared_console : { *(.shared.console) }
	.shared_panic : { *(.shared.panic) }
	.bss : { *(.bss*) *(COMMON) }
	/DISCARD/ : { *(.note*) *(.comment) *(.eh_frame) }
}
EOF
${LD:-ld} -T "$TMP/link.ld" -e 0 -o "$TMP/good.elf" "$TMP/shared.o" "$TMP/clean.o" 2>/dev/null &&
	${LD:-ld} -T "$TMP/link.ld" -e 0 -o "$TMP/bad.elf" "$TMP/shared.o" "$TMP/planted.o" 2>/dev/null ||
	fail linked "cannot link"
expect linked_elf_passes 0 '^PASS check-shared: 4 shared symbols, all on the allow-list \(handoff: handoff_mailbox; console: console_buf, console_lock; panic: panic_cpu\)$' "$TMP/good.elf"
expect linked_elf_planted 1 '^check-shared: planted_counter \(GLOBAL OBJECT, 4 bytes in \.bss\)' "$TMP/bad.elf"

compile common <<'EOF'
int common_counter;
EOF
$CC -c -O2 -fcommon -o "$TMP/common.o" "$TMP/common.c"
expect common_symbol 1 '^check-shared: common_counter .*COMMON' "$TMP/common.o"

expect missing_file 2 'cannot read' "$TMP/no-such-file.o"
expect not_elf 2 'Not an ELF|not an ELF|readelf' "$TMP/clean.c"

exit $failed
