#!/usr/bin/env bash
# Installs what Flotilla needs on Debian 12 (or a close relative), all from
# Debian's own archive: compilers, binutils, QEMU, GRUB and xorriso for the
# ISO (GRUB for BIOS and for UEFI: make iso builds a hybrid image), OVMF
# (UEFI firmware for QEMU: the UEFI boot tests and make run-uefi), clang's
# sanitizer/fuzzer runtime for the host tests, and for the Linux side of
# `make bench` Debian's kernel, a static busybox and gnuplot
# (docs/benchmarks.md#the-linux-guest), and console-setup-linux for the
# screen console's font (docs/console.md). Installs only what is missing, so
# it is cheap to run again.
#
# QEMU comes from bookworm-backports on Debian 12 (10.0 there, 7.2 in
# bookworm itself, whose TCG emulates no x2APIC: docs/testing.md#which-qemu):
# the backports source is added if no apt source names it yet, signed by
# Debian's archive keyring, and only QEMU's packages are taken from it
# (apt-get -t bookworm-backports). Elsewhere the distribution's QEMU is
# used. SETUP_DRY_RUN=1 prints what would be done and changes nothing.
set -euo pipefail

pkgs=(make gcc clang libclang-rt-14-dev binutils python3 gdb
      grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools ovmf
      linux-image-amd64 busybox-static gnuplot-nox console-setup-linux)

QEMU_MIN=1:10.0	# the QEMU version wanted from backports (Debian's epoch 1)
BACKPORTS=bookworm-backports
BACKPORTS_SOURCE=/etc/apt/sources.list.d/$BACKPORTS.sources
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

installed() {	# the installed version of package $1, or nothing
	# dpkg-query fails for a package it has never seen: not an error here.
	{ dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null || true; } |
		sed -n 's/^install ok installed //p'
}

run() {		# a command that changes the system, or its echo in a dry run
	if [ "${SETUP_DRY_RUN:-}" = 1 ]; then
		echo "setup: would run: $*"
	else
		$sudo "$@"
	fi
}

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
codename=$( . /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")

missing=()
for p in "${pkgs[@]}"; do
	[ -n "$(installed "$p")" ] || missing+=("$p")
done

# QEMU: from backports on bookworm unless a new enough one is installed.
qemu_backports=()
qemu_version=$(installed qemu-system-x86)
if [ "$codename" = bookworm ]; then
	if [ -z "$qemu_version" ] || ! dpkg --compare-versions "$qemu_version" ge "$QEMU_MIN"; then
		qemu_backports=(qemu-system-x86 qemu-system-data)
	fi
elif [ -z "$qemu_version" ]; then
	missing+=(qemu-system-x86)
fi

if [ ${#missing[@]} -eq 0 ] && [ ${#qemu_backports[@]} -eq 0 ]; then
	echo "setup: everything is installed"
	exit 0
fi
if [ ${#qemu_backports[@]} -gt 0 ] &&
   ! grep -rqs --include='*.list' --include='*.sources' "$BACKPORTS" \
	/etc/apt/sources.list /etc/apt/sources.list.d; then
	if [ ! -f "$KEYRING" ]; then
		echo "setup: $KEYRING is missing (package debian-archive-keyring)" >&2
		exit 1
	fi
	echo "setup: adding $BACKPORTS to apt's sources ($BACKPORTS_SOURCE)"
	printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
		"$BACKPORTS" "$KEYRING" >"${TMPDIR:-/tmp}/flotilla-backports.sources"
	run install -m 644 "${TMPDIR:-/tmp}/flotilla-backports.sources" "$BACKPORTS_SOURCE"
	rm -f "${TMPDIR:-/tmp}/flotilla-backports.sources"
fi
run apt-get update -qq
export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	run apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ ${#qemu_backports[@]} -gt 0 ]; then
	echo "setup: installing ${qemu_backports[*]} from $BACKPORTS (have ${qemu_version:-none})"
	run apt-get install -y -qq --no-install-recommends -t "$BACKPORTS" "${qemu_backports[@]}"
fi
echo "setup: done"
