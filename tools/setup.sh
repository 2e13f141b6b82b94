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
set -euo pipefail

pkgs=(make gcc clang libclang-rt-14-dev binutils python3 gdb
      qemu-system-x86 grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools ovmf
      linux-image-amd64 busybox-static gnuplot-nox console-setup-linux)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "setup: everything is installed"
	exit 0
fi
echo "setup: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
