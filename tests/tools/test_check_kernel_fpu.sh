#!/bin/bash
# Tests for tools/check-kernel-fpu.py: compiles small C files into a
# temporary directory, with the kernel's -mno-sse flags or without them,
# with gcc and (when installed) clang, and checks the verdict for each.
# Prints one PASS/FAIL line per case; exits 1 if any case failed.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TOOL="python3 $ROOT/tools/check-kernel-fpu.py"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failed=0
NOSSE="-mno-mmx -mno-sse -mno-sse2 -mno-80387"

pass() { echo "PASS tools/check-kernel-fpu/$1"; }
fail() { echo "FAIL tools/check-kernel-fpu/$1: $2"; failed=1; }

# compile CC NAME FLAGS...: C source on stdin -> $TMP/NAME.o
compile() {
	local cc=$1 name=$2
	shift 2
	cat >"$TMP/$name.c"
	$cc -c -O2 -ffreestanding "$@" -o "$TMP/$name.o" "$TMP/$name.c" ||
		{ echo "cannot compile $name.c" >&2; exit 1; }
}

# expect CASE STATUS GREP-PATTERN FILE
expect() {
	local name=$1 want=$2 pattern=$3 out rc
	out=$($TOOL "$4" 2>&1)
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "$name" "exit $rc, wanted $want; output: $(echo "$out" | head -3)"
	elif ! echo "$out" | grep -qE -- "$pattern"; then
		fail "$name" "no line matching '$pattern' in: $(echo "$out" | head -3)"
	else
		pass "$name"
	fi
}

COMPILERS=gcc
command -v clang >/dev/null && COMPILERS="gcc clang"
for cc in $COMPILERS; do
	# Code that invites vector instructions: a struct copy, a loop to
	# vectorize. With the kernel's flags none may appear.
	compile $cc ${cc}_clean $NOSSE <<'EOF'
struct big { long a[16]; };
void copy(struct big *d, const struct big *s) { *d = *s; }
void add(int *a, const int *b, int n) { for (int i = 0; i < n; i++) a[i] += b[i]; }
EOF
	expect ${cc}_kernel_flags_emit_no_vector_code 0 '^PASS check-kernel-fpu' "$TMP/${cc}_clean.o"
	# The same source without the flags does get vector code.
	compile $cc ${cc}_unflagged < "$TMP/${cc}_clean.c"
	expect ${cc}_the_same_without_the_flags_is_rejected 1 '%xmm' "$TMP/${cc}_unflagged.o"

	compile $cc ${cc}_sse <<'EOF'
double half(double x) { return x / 2; }
EOF
	expect ${cc}_a_double_without_the_flags_is_rejected 1 \
		'^check-kernel-fpu: .*: half: .*%xmm' "$TMP/${cc}_sse.o"
done

compile gcc x87 $NOSSE <<'EOF'
void init(void) { __asm__ volatile("fninit"); }
EOF
expect x87_instruction_is_rejected 1 '^check-kernel-fpu: .*: init: fninit' "$TMP/x87.o"

compile gcc mxcsr $NOSSE <<'EOF'
void set(unsigned *m) { __asm__ volatile("ldmxcsr %0" : : "m"(*m)); }
EOF
expect mxcsr_without_a_register_is_rejected 1 '^check-kernel-fpu: .*: set: ldmxcsr' "$TMP/mxcsr.o"

compile gcc allowed $NOSSE <<'EOF'
void arch_fpu_save(void *a) { __asm__ volatile("xsave64 (%0)" : : "r"(a), "a"(7), "d"(0) : "memory"); }
void arch_fpu_restore(void *a) { __asm__ volatile("xrstor64 (%0)" : : "r"(a), "a"(7), "d"(0) : "memory"); }
EOF
expect save_and_restore_are_allowed_where_they_belong 0 '^PASS check-kernel-fpu' "$TMP/allowed.o"

compile gcc elsewhere $NOSSE <<'EOF'
void sneaky(void *a) { __asm__ volatile("xsave64 (%0)" : : "r"(a), "a"(7), "d"(0) : "memory"); }
EOF
expect save_elsewhere_is_rejected 1 '^check-kernel-fpu: .*: sneaky: xsave64' "$TMP/elsewhere.o"

expect unreadable_input 2 'cannot read' "$TMP/no-such-file.o"

exit $failed
