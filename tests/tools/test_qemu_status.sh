#!/bin/bash
# Tests for tools/qemu.py's exit status of an interactive run (make run):
# Flotilla's power-off through ACPI S5 is QEMU status 0, and with code 0
# through isa-debug-exit (ACPI off) status 1; both must be success; any other power-off code, QEMU's own failures and signals
# pass through. Prints one PASS/FAIL line per case; exits 1 if any failed.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp)
trap 'rm -f "$TMP"' EXIT
failed=0

check() {	# name, QEMU status, wanted status, wanted stderr (regex or "")
	local got err
	got=$(python3 -c "import sys; sys.path.insert(0, '$ROOT/tools'); import qemu; \
print(qemu.interactive_status($2))" 2>"$TMP")
	err=$(cat "$TMP")
	if [ "$got" != "$3" ]; then
		echo "FAIL tools/qemu/$1: status $2 gave $got, want $3"; failed=1
	elif [ -n "$4" ] && ! [[ "$err" =~ $4 ]]; then
		echo "FAIL tools/qemu/$1: no message /$4/ (got '$err')"; failed=1
	elif [ -z "$4" ] && [ -n "$err" ]; then
		echo "FAIL tools/qemu/$1: unexpected message '$err'"; failed=1
	else
		echo "PASS tools/qemu/$1"
	fi
}

check poweroff_code_0_is_success 1 0 ""
check poweroff_code_8_is_said_and_kept 17 17 "powered off with code 8"
check qemu_failure_is_kept 2 2 ""
check clean_qemu_exit_is_success 0 0 ""
check signal_is_128_plus_it -15 143 ""
exit $failed
