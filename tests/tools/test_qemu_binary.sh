#!/bin/bash
# Tests for tools/qemu.py's choice of QEMU binary (docs/testing.md): QEMU=FILE
# is run with its package tree's -L directories and module directory, QEMU_DATA
# replaces those directories, and a QEMU or QEMU_DATA that does not exist is
# refused with a message instead of booting some other QEMU. Uses a fake
# package tree; boots nothing. Prints one PASS/FAIL line per case.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failed=0

# A fake unpacked package: usr/bin/qemu-system-x86_64, its ROMs and modules.
mkdir -p "$TMP/usr/bin" "$TMP/usr/share/qemu" "$TMP/usr/share/seabios" \
	"$TMP/usr/lib/x86_64-linux-gnu/qemu" "$TMP/roms"
printf '#!/bin/sh\nexit 0\n' >"$TMP/usr/bin/qemu-system-x86_64"
chmod +x "$TMP/usr/bin/qemu-system-x86_64"
touch "$TMP/not-executable"

cmdline() {	# prints qemu_command()'s list and QEMU_MODULE_DIR, one per line
	python3 -c "import os, sys; sys.path.insert(0, '$ROOT/tools'); import qemu; \
c = qemu.qemu_command(2, '64M', kernel='k', accel='tcg'); \
print('\n'.join(c)); print('MODULES=' + os.environ.get('QEMU_MODULE_DIR', ''))"
}

check() {	# name, wanted status, regex the output must match, env...
	local name=$1 want=$2 re=$3 out st
	shift 3
	out=$(env -u QEMU -u QEMU_DATA -u QEMU_MODULE_DIR "$@" bash -c "$(declare -f cmdline); cmdline" 2>&1)
	st=$?
	out=$(printf '%s' "$out" | tr '\n' ' ')
	if [ "$st" != "$want" ]; then
		echo "FAIL tools/qemu/$name: status $st, want $want: $out"; failed=1
	elif ! [[ "$out" =~ $re ]]; then
		echo "FAIL tools/qemu/$name: no /$re/ in: $out"; failed=1
	else
		echo "PASS tools/qemu/$name"
	fi
}

B=$TMP/usr/bin/qemu-system-x86_64
check qemu_runs_that_binary_with_its_tree 0 \
	"^$B -L $TMP/usr/share/qemu -L $TMP/usr/share/seabios -machine .*MODULES=$TMP/usr/lib/x86_64-linux-gnu/qemu\$" \
	QEMU="$B" ROOT="$ROOT"
check qemu_data_replaces_the_tree_dirs 0 "^$B -L $TMP/roms -machine " \
	QEMU="$B" QEMU_DATA="$TMP/roms" ROOT="$ROOT"
check qemu_module_dir_set_by_the_user_is_kept 0 "MODULES=/elsewhere\$" \
	QEMU="$B" QEMU_MODULE_DIR=/elsewhere ROOT="$ROOT"
check missing_qemu_is_refused 1 "QEMU='$TMP/nope' is not an executable file" \
	QEMU="$TMP/nope" ROOT="$ROOT"
check non_executable_qemu_is_refused 1 "is not an executable file" \
	QEMU="$TMP/not-executable" ROOT="$ROOT"
check missing_qemu_data_dir_is_refused 1 "QEMU_DATA: '$TMP/nodir' is not a directory" \
	QEMU="$B" QEMU_DATA="$TMP/roms:$TMP/nodir" ROOT="$ROOT"
check without_qemu_the_path_one_runs_without_L 0 "^[^ ]*/qemu-system-x86_64 -machine q35 " \
	ROOT="$ROOT"
exit $failed
