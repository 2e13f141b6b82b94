#!/bin/bash
# make debug's promise, checked in batch mode: gdb attached to QEMU's stub
# sees each CPU as a thread, reads a core's registers and the kernel's
# symbols, finds each CPU's struct core (tools/gdb/flotilla.py), and loads
# the symbols of the user program a core runs. Boots the production kernel
# at 2 cores to the first system call. Prints PASS/FAIL/SKIP lines.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
B=${B:-build}
OUT=$(mktemp)
QPID=
trap 'rm -f "$OUT"; [ -n "$QPID" ] && kill $QPID 2>/dev/null' EXIT

if ! command -v gdb >/dev/null; then
	echo "SKIP tools/gdb/debug_session: gdb is not installed (tools/setup.sh installs it)"
	exit 0
fi
for f in "$B/flotilla.bin" "$B/flotilla.elf" "$B/u/prod/monitor.elf"; do
	if [ ! -f "$f" ]; then
		echo "FAIL tools/gdb/debug_session: $f is not built"
		exit 1
	fi
done

# A free port, so that parallel runs and make debug do not collide.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 tools/qemu.py --smp 2 --mem 256M --kernel "$B/flotilla.bin" --gdb-port "$PORT" \
	-- -serial null >/dev/null 2>&1 &
QPID=$!

# The deadline only turns a hang into a FAIL.
FLOTILLA_BUILD=$B timeout 120 gdb -q -batch -nx "$B/flotilla.elf" -x tools/gdb/flotilla.py \
	-ex "target remote 127.0.0.1:$PORT" \
	-ex 'flotilla cores' \
	-ex 'hbreak syscall_dispatch' -ex 'continue' -ex 'delete' \
	-ex 'echo @@registers\n' -ex 'info registers rip cs gs_base' \
	-ex 'echo @@ncores\n' -ex 'print machine.ncores' \
	-ex 'echo @@cores\n' -ex 'flotilla cores' \
	-ex 'echo @@core1\n' -ex 'flotilla core 1' \
	-ex 'echo @@user\n' -ex 'flotilla user' \
	-ex 'echo @@usersym\n' -ex 'info symbol f->rip' \
	-ex 'hbreak mesh_poll' -ex 'continue' -ex 'delete' \
	-ex 'echo @@usercores\n' -ex 'flotilla cores' \
	-ex 'echo @@nocore\n' -ex 'flotilla core 9' \
	-ex 'echo @@noprog\n' -ex 'flotilla user nosuchprogram' \
	-ex 'echo @@end\n' >"$OUT" 2>&1
rc=$?
kill $QPID 2>/dev/null
wait $QPID 2>/dev/null
QPID=

failed=0
section() {	# the output between @@$1 and the next @@
	awk -v s="@@$1" '$0 == s { on = 1; next } /^@@/ { on = 0 } on' "$OUT"
}
check() {	# name, section, regex
	if section "$2" | grep -Eq "$3"; then
		echo "PASS tools/gdb/$1"
	else
		echo "FAIL tools/gdb/$1: no /$3/ in the $2 output:"
		section "$2" | head -20 | sed 's/^/    /'
		failed=1
	fi
}

if ! grep -q '^@@end' "$OUT"; then
	echo "FAIL tools/gdb/debug_session: gdb did not get through the session (status $rc):"
	tail -30 "$OUT" | sed 's/^/    /'
	exit 1
fi
check reads_registers_at_a_kernel_symbol registers '^rip +0x[0-9a-f]+ +0x[0-9a-f]+ <syscall_dispatch>'
check reads_a_kernel_variable ncores '^\$[0-9]+ = 2$'
distinct() {	# name, section: both CPUs named, as two different cores
	local ids
	ids=$(section "$2" | sed -n 's/^thread [12]: core \([0-9]*\) apic.*/\1/p' | sort -u | tr '\n' ' ')
	if [ "$ids" = "0 1 " ]; then
		echo "PASS tools/gdb/$1"
	else
		echo "FAIL tools/gdb/$1: the CPUs' cores are '$ids', want '0 1 ':"
		section "$2" | sed 's/^/    /'
		failed=1
	fi
}
distinct each_cpu_is_its_own_core cores
check a_core_runs_the_monitor cores 'runs monitor \('
check prints_a_cores_struct core1 '^\$[0-9]+ = \{self = 0x[0-9a-f]+, .* id = 1, '
check loads_the_running_programs_symbols user 'symbols of .*/u/prod/monitor.elf loaded'
check user_address_has_a_monitor_symbol usersym 'in section \.text of .*/u/prod/monitor\.elf'
check a_cpu_in_user_mode_is_found usercores '^thread [12]: core [01] apic .*, user mode at mesh_poll'
distinct each_cpu_is_its_own_core_in_user_mode usercores
check no_such_core_is_an_error nocore 'no CPU runs core 9'
check no_such_program_is_an_error noprog 'no .*/u/prod/nosuchprogram\.elf \(programs: .*monitor'
exit $failed
