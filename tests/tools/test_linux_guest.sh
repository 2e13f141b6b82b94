#!/bin/bash
# Kept working (docs/benchmarks.md#the-linux-guest): builds the Linux guest
# of `make bench` and boots it at 1 and 2 CPUs with bench=1, so every Linux
# workload runs once (after 10 warm-up iterations) in the QEMU machine
# `make bench` uses; each must print a well-formed line and the guest must
# power off with linuxbench's verdict. One PASS/FAIL line per workload and
# per boot; no figure is judged. SKIPs when Debian's kernel or busybox is
# not installed (tools/setup.sh installs both).

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

if ! ls /boot/vmlinuz-* >/dev/null 2>&1; then
	echo "SKIP tools/linux_guest: no /boot/vmlinuz-* (apt-get install linux-image-amd64)"
	exit 0
fi
if ! [ -x /bin/busybox ] && ! [ -x /usr/bin/busybox ]; then
	echo "SKIP tools/linux_guest: no busybox (apt-get install busybox-static)"
	exit 0
fi
if ! out=$(make -s linux-guest 2>&1); then
	echo "FAIL tools/linux_guest/build: make linux-guest failed"
	echo "$out" | tail -20 | sed 's/^/    /'
	exit 1
fi
kernel=$(echo "$out" | sed -n 's/^linux guest: kernel \([^,]*\),.*/\1/p')

PYTHONPATH="$ROOT/tools" exec python3 - "$kernel" <<'PY'
import sys

import linuxguest

kernel, failed = sys.argv[1], False
for smp in (1, 2):
    text, status, cmd, _ = linuxguest.boot(kernel, "build/linux/initramfs.cpio", smp, "256M",
                                           iterations=1, timeout=240)
    with open(f"build/linux/smoke-smp{smp}.log", "w") as f:
        f.write(" ".join(cmd) + "\n\n" + text)
    workloads, problems = linuxguest.check(text, status, smp, 1)
    for w in workloads:
        name = w["name"] + (f"_{w['pair']}" if "pair" in w else "")
        bad = [p for p in problems if p.startswith(w["name"] + ":") or
               p.startswith(w["name"] + " pair=")]
        if bad:
            print(f"FAIL tools/linux_guest/smp{smp}/{name}: {'; '.join(bad)}")
            failed = True
        else:
            print(f"PASS tools/linux_guest/smp{smp}/{name}")
    if problems:
        print(f"FAIL tools/linux_guest/smp{smp}/boot: {'; '.join(problems)} "
              f"(log: build/linux/smoke-smp{smp}.log)")
        for line in text.splitlines()[-15:]:
            print("    " + line)
        failed = True
    else:
        print(f"PASS tools/linux_guest/smp{smp}/boot")
sys.exit(1 if failed else 0)
PY
