#!/usr/bin/env python3
"""Firmware boot tests: the GRUB ISO under SeaBIOS and under UEFI (OVMF).

Each boot starts build/flotilla.iso in QEMU's q35 machine the way a PC
would: no isa-debug-exit device, and allowed to reboot, so that a triple
fault shows as a second boot banner (a FAIL), never as a power-off. It
waits for the shell, and wants:

- every core online (`cores online: N/N`) and every monitor up, joined
  and pinged (boottest.mesh_problems);
- the firmware path the kernel reports: Multiboot2 from GRUB; under OVMF
  the firmware's EFI memory map, the EFI system table and the RSDP from
  GRUB's ACPI 2.0+ tag read through the XSDT; under SeaBIOS GRUB's memory
  map and the RSDP from its ACPI 1.0 tag through the RSDT; a framebuffer
  from GRUB in both (it accepted the kernel's console);
- none of GRUB's `no console will be available to OS` or `no suitable
  video mode found`, and no warning from the kernel;
- `cores` answered with `N cores`, then `poweroff`: QEMU ends by itself
  with status 0 (ACPI S5; there is no exit device to end it otherwise).

`--matrix` boots both firmwares at 1, 2 and 4 cores from the ISO as a CD,
at 2 cores with 5 GiB (memory above 4 GiB, as on any PC today), and at 2
cores from the ISO as a USB stick (a USB mass-storage disk on an
xHCI controller: the image is hybrid, so `dd` to a stick boots too); make
test and make test-firmware run it. Without it only OVMF at 2 cores from
the CD. With `--matrix` also a machine with two NUMA nodes under both
firmwares: the kernel must find the same cores, nodes and distances.
A missing OVMF is a SKIP with the reason.
"""
import argparse
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import boottest  # noqa: E402
import qemu  # noqa: E402

GRUB_SAYS_NO_CONSOLE = r"no console will be available to OS|no suitable video mode found"
MB2_LINE = r'^multiboot2: loader "GRUB[^"]*"; memory from '

# What each firmware path must say (docs/boot.md, step 3).
EXPECT = {
    "ovmf": [MB2_LINE + r"the firmware's EFI memory map \(\d+ ranges\); ACPI tags: 2\.0\+ 1\.0$",
             r"^multiboot2: booted through UEFI \(EFI system table at 0x[0-9a-f]+\)$",
             r"^multiboot2: framebuffer \d+x\d+, \d+ bits per pixel",
             r"^acpi: RSDP \(revision 2\) from the boot loader's ACPI 2\.0\+ tag; "
             r"tables through the XSDT$"],
    "seabios": [MB2_LINE + r"the boot loader's memory map \(\d+ ranges\); ACPI tags: 1\.0$",
                r"^multiboot2: framebuffer \d+x\d+, \d+ bits per pixel",
                r"^acpi: RSDP \(revision 0\) from the boot loader's ACPI 1\.0 tag; "
                r"tables through the RSDT$"],
}
FORBIDDEN = [GRUB_SAYS_NO_CONSOLE, r": warning: ", r"no usable ACPI tables", r"kernel fault",
             r"^panic: "]
FORBIDDEN_ON = {"ovmf": [], "seabios": [r"booted through UEFI"]}


def problems_of(text, fw, smp, matched, status):
    """What the boot lacks; an empty list if it did all it should."""
    problems = [f"no /{rx}/" for rx in EXPECT[fw] if not re.search(rx, text, re.M)]
    for rx in FORBIDDEN + FORBIDDEN_ON[fw]:
        if re.search(rx, text, re.M):
            problems.append(f"the output has /{rx}/")
    if not re.search(rf"^cores online: {smp}/{smp}$", text, re.M):
        problems.append(f"no 'cores online: {smp}/{smp}'")
    problems += boottest.mesh_problems(text, smp)
    if text.count(boottest.BOOT_BANNER) > 1:
        problems.append("the machine rebooted")
    if len(matched) < 2:
        problems.append("no shell prompt" if not matched else "'cores' got no prompt back")
    else:
        answer = text[matched[0].end():matched[1].start()]
        want = rf"^{smp} cores?$"
        if not re.search(want, answer, re.M):
            problems.append(f"'cores' did not answer /{want}/")
        if not re.search(boottest.POWEROFF_SAID, text[matched[1].end():], re.M):
            problems.append(f"no /{boottest.POWEROFF_SAID}/ after poweroff")
        elif status == "timeout":
            problems.append("QEMU still ran after poweroff: it did not power off")
        elif status != 0:
            problems.append(f"QEMU exit {status} after poweroff, want 0 (ACPI S5)")
    return problems


# The ISO as a USB stick: a USB disk, first in the boot order.
USB_STICK = ["-device", "qemu-xhci", "-drive", "if=none,id=stick,format=raw,readonly=on,file={iso}",
             "-device", "usb-storage,drive=stick,bootindex=0"]


FIRMWARES = ("seabios", "ovmf")
NUMA_SMP, NUMA_NODES = 4, 2


def boot_name(fw, smp, media="cd", numa=0, mem=None):
    what = "iso" if media == "cd" else "usb_stick"
    big = f"_{mem.lower()}" if mem else ""
    return (f"boot/firmware/{fw}/{f'numa{numa}_' if numa else ''}smp{smp}{big}_{what}"
            "_boots_answers_and_powers_off")


def topology_name(smp=NUMA_SMP, numa=NUMA_NODES):
    return f"boot/firmware/numa{numa}_smp{smp}_same_cores_nodes_and_distances_under_both"


# Memory above 4 GiB, as every PC has now: the kernel's boot page tables
# must grow past the 4 GiB that boot.S maps before the other cores start.
BIG_MEM = "5G"


# What make test boots of the matrix (--quick): each firmware once, at
# different core counts, the USB stick once, and the topology pair; make
# test-firmware boots the whole matrix.
QUICK = [("ovmf", 2, "cd", None), ("seabios", 4, "cd", None), ("ovmf", 4, "usb", None)]


def plan(matrix, quick=False):
    """The (firmware, cores, medium, memory or None) of each plain boot."""
    if not matrix:
        return [("ovmf", 2, "cd", None)]
    if quick:
        return QUICK
    return [(fw, smp, "cd", None) for fw in FIRMWARES for smp in (1, 2, 4)] + \
        [(fw, 2, "usb", None) for fw in FIRMWARES] + \
        [(fw, 2, "cd", BIG_MEM) for fw in FIRMWARES]


def names():
    """Every test name --matrix can print (testall.py filters by them)."""
    return [boot_name(*r) for r in plan(True)] + \
        [boot_name(fw, NUMA_SMP, numa=NUMA_NODES) for fw in FIRMWARES] + [topology_name()]


def firmware_boot(res, args, fw, smp, media="cd", numa=0, mem=None, wanted=False):
    """One boot to the shell and poweroff; its output, or None if it was
    filtered out (unless `wanted`: another test needs it) or could not run."""
    name = boot_name(fw, smp, media, numa, mem)
    if args.filter and args.filter not in name and not wanted:
        return None
    if fw == "ovmf" and qemu.ovmf_missing():
        res.add("SKIP", name, qemu.ovmf_missing())
        return None
    if not os.path.exists(args.iso):
        res.add("FAIL", name, f"{args.iso} was not built")
        return None
    prompt = re.escape(boottest.SHELL_PROMPT)
    script = [(boottest.SHELL_BANNER + r"[\s\S]*?" + prompt, "cores\r"), (prompt, "poweroff\r")]
    matched = []
    boot_from = {"iso": args.iso} if media == "cd" else \
        {"extra": [a.format(iso=args.iso) for a in USB_STICK]}
    with tempfile.TemporaryDirectory(prefix="flotilla-ovmf-") as vars_dir:
        status, text, log = boottest.boot(
            name, args.logdir, args.timeout, until=lambda t: t.count(boottest.BOOT_BANNER) > 1,
            script=script, matched=matched, step_timeout=args.timeout, smp=smp,
            mem=mem or args.mem,
            debug_exit=False, no_reboot=False, firmware=fw, vars_dir=vars_dir, numa=numa,
            **boot_from)
    problems = problems_of(text, fw, smp, matched, status)
    if problems:
        res.add("FAIL", name, "; ".join(problems) + f"; log {log}\n" + boottest.tail(text))
        return None
    res.add("PASS", name, f"{smp}/{smp} cores, shell answered, poweroff ended QEMU (status 0)")
    return text


# What the kernel found of the machine's topology: each core's APIC id and
# node, and each node's distances (not the memory split, whose addresses
# follow the firmware's own use of memory).
TOPOLOGY = re.compile(r"^(  core \d+: APIC id \d+, node \d+|  node \d+: distances.*|"
                      r"memory: .* (\d+ NUMA nodes?))", re.M)


def topology(text):
    return [m.group(2) or m.group(1) for m in TOPOLOGY.finditer(text)]


def same_topology(res, args, smp=NUMA_SMP, numa=NUMA_NODES):
    """The same QEMU machine with two NUMA nodes under SeaBIOS and under
    OVMF: the kernel must find the same cores, nodes and distances, read
    from each firmware's copy of the ACPI tables (SRAT, SLIT)."""
    name = topology_name(smp, numa)
    if args.filter and args.filter not in name:
        return
    seen = {}
    for fw in FIRMWARES:
        text = firmware_boot(res, args, fw, smp, numa=numa, wanted=True)
        if text is None:
            res.add("SKIP" if fw == "ovmf" and qemu.ovmf_missing() else "FAIL", name,
                    f"the {fw} boot did not complete (its own verdict says why)")
            return
        seen[fw] = topology(text)
    # What qemu.numa_args() builds: 10 on the diagonal, 21 elsewhere.
    want = [f"{numa} NUMA nodes"] + [
        f"  node {a}: distances " + " ".join("10" if a == b else "21" for b in range(numa))
        for a in range(numa)]
    if seen["seabios"] != seen["ovmf"]:
        res.add("FAIL", name, f"SeaBIOS gave {seen['seabios']}, OVMF {seen['ovmf']}")
    elif seen["ovmf"][:1 + numa] != want or len(seen["ovmf"]) != 1 + numa + smp:
        res.add("FAIL", name, f"want {want} and {smp} cores; got {seen['ovmf']}")
    else:
        res.add("PASS", name, "; ".join(seen["ovmf"][1:1 + numa]).replace("  ", ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iso", default="build/flotilla.iso")
    ap.add_argument("--matrix", action="store_true",
                    help="SeaBIOS and OVMF at 1, 2 and 4 cores, and from a USB stick "
                         "(default: OVMF at 2 from the CD)")
    ap.add_argument("--quick", action="store_true",
                    help="with --matrix: only make test's part of it (QUICK and the topology pair)")
    ap.add_argument("--mem", default="512M")
    ap.add_argument("--filter", default="")
    ap.add_argument("--timeout", type=int, default=600,
                    help="seconds a boot (and each shell step) may take; only turns a hang into a FAIL")
    ap.add_argument("--logdir", default="build/testlogs")
    args = ap.parse_args()
    res = boottest.Results()
    for fw, smp, media, mem in plan(args.matrix, args.quick):
        firmware_boot(res, args, fw, smp, media, mem=mem)
    if args.matrix:
        same_topology(res, args)
    c = res.counts
    print(f"fwboot: {c['PASS']} passed, {c['FAIL']} failed, {c['SKIP']} skipped")
    return 1 if c["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
