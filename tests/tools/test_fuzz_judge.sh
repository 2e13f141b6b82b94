#!/bin/bash
# Tests for the system-call fuzzer's host side and its table:
#   - every method in include/kpi/caps.h and every system call in
#     include/kpi/syscalls.h has a row in tests/monitor/fuzzcov.c (a method
#     appended to the ABI without one would never be fuzzed);
#   - tools/boottest.py's fuzz_judge on canned boot output: a good run
#     passes, and a missing or failing verdict, another seed, a kernel
#     fault, a monitor that does not answer, and no word about the pings
#     are each reported.
# Prints one PASS/FAIL line per case; exits 1 if any case failed.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
failed=0

pass() { echo "PASS tools/fuzz/$1"; }
fail() { echo "FAIL tools/fuzz/$1: $2"; failed=1; }

# The enumerators of the two enums: lines that start with a name and go
# on with "=" or ",".
enumerators() {
	sed -n "/^enum $1 {/,/^};/p" "$2" | grep -oE '^\s+[A-Z][A-Z0-9_]+\s*(=|,)' |
		grep -oE '[A-Z][A-Z0-9_]+'
}
names="$(enumerators cap_method "$ROOT/include/kpi/methods.h") $(enumerators syscall_nr \
	"$ROOT/include/kpi/syscalls.h" | grep -v '^SYS_COUNT$')"
rows="$(cat "$ROOT/tests/monitor/fuzzcov.c")"
missing=""
count=0
for n in $names; do
	count=$((count + 1))
	echo "$rows" | grep -qE "\\b$n\\b" || missing="$missing $n"
done
if [ "$count" -lt 40 ]; then
	fail every_method_and_system_call_has_a_row "read only $count names from the headers"
elif [ -n "$missing" ]; then
	fail every_method_and_system_call_has_a_row "no row in tests/monitor/fuzzcov.c for:$missing"
else
	pass every_method_and_system_call_has_a_row
fi

python3 - "$ROOT" <<'EOF' || failed=1
import sys
sys.path.insert(0, sys.argv[1] + "/tools")
import boottest

SEED = 0x1234abcd
def verdict(core, ok=True, seed=SEED, what="syscall_fuzzer"):
    if ok:
        return (f"PASS user/core{core}/{what} (seed {seed:#x}, 5000 calls, 2000 OK, "
                f"coverage 51/51, 44 with OK, 10 resets)\n")
    return f"FAIL user/core{core}/{what}: seed {seed:#x}, 5000 calls; never reached: X\n"
AFTER = "fuzz: after the runs: every core's monitor answers core 0's (cores 1-3)\n"
good = "".join(verdict(c) for c in range(4)) + AFTER
kgood = verdict(3, what="syscall_fuzzer_with_the_kernel_capability") + AFTER
cases = [
    ("a_good_run_passes", good, False, None),
    ("a_good_kernel_run_passes", kgood, True, None),
    ("a_missing_verdict_is_reported", good.replace(verdict(2), ""), False, "no verdict from core 2"),
    ("a_failing_verdict_is_reported", good.replace(verdict(1), verdict(1, ok=False)), False,
     "core 1: seed"),
    ("another_seed_is_reported", good.replace(verdict(3), verdict(3, seed=7)), False,
     "did not use seed"),
    ("a_kernel_fault_is_reported", "=== core 2: kernel fault: #PF page fault (vector 14) ===\n" +
     good, False, "kernel fault"),
    ("a_panic_is_reported", "panic: something\n" + good, False, "panic"),
    ("a_silent_monitor_is_reported", good.replace(AFTER, "fuzz: after the runs: 1 monitors do "
     "not answer core 0's: core 2: ERR_TIMEOUT\n"), False, "do not answer"),
    ("no_word_about_the_pings_is_reported", good.replace(AFTER, ""), False, "did not say"),
    ("a_kernel_run_on_core_0_is_reported", verdict(0, what="syscall_fuzzer_with_the_kernel_"
     "capability") + kgood, True, "should not fuzz"),
]
bad = 0
for name, text, kernel, want in cases:
    problems, _ = boottest.fuzz_judge(text, 4, SEED, kernel)
    joined = "; ".join(problems)
    if want is None and problems:
        print(f"FAIL tools/fuzz/judge_{name}: {joined}")
        bad = 1
    elif want is not None and want not in joined:
        print(f"FAIL tools/fuzz/judge_{name}: wanted '{want}', got '{joined}'")
        bad = 1
    else:
        print(f"PASS tools/fuzz/judge_{name}")
sys.exit(bad)
EOF

exit $failed
