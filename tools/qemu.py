#!/usr/bin/env python3
"""Boot Flotilla in QEMU with the project's standard machine.

Every way of booting (make run, make debug, the boot tests, the benchmarks)
goes through here, so they all get the same machine: q35, `-cpu max`, the
chosen core count and memory, the serial console on stdio, and the
isa-debug-exit device (port 0xf4) through which the kernel reports a
verdict as QEMU's exit status. --no-debug-exit leaves that device out, as
on a real PC: Flotilla then powers off through ACPI (docs/power.md).

--firmware ovmf boots UEFI firmware instead of QEMU's SeaBIOS: Debian's
OVMF (package ovmf), its code read-only and a fresh copy of its variable
store per boot, both as pflash drives, as a PC's flash holds them.

The accelerator is picked automatically: KVM only when the host CPU
advertises hardware virtualization (vmx or svm in /proc/cpuinfo) *and*
/dev/kvm opens; otherwise TCG, multi-threaded. Some build machines have a
/dev/kvm that is a slow software emulation without vmx/svm: the flag check
keeps us off it. ACCEL=kvm|tcg (or --accel) overrides.

QEMU=FILE runs that QEMU binary instead of the qemu-system-x86_64 on PATH
(e.g. a newer one unpacked from Debian's backports, docs/testing.md), and
QEMU_DATA=DIR[:DIR...] gives its firmware and ROM directories (QEMU's -L,
searched in that order). Without QEMU_DATA, a QEMU=PREFIX/bin/... finds
PREFIX/share/qemu and PREFIX/share/seabios by itself when they exist, and
sets QEMU_MODULE_DIR (QEMU's own variable) to PREFIX/lib/x86_64-linux-gnu/qemu
unless it is set: otherwise that QEMU loads the system QEMU's modules and
complains on stderr. So an unpacked package tree needs only QEMU. Every
boot tool builds its command with qemu_command(), so all of them honour these.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

# Debian's OVMF build with a 4 MiB flash (package ovmf): the firmware's code
# and the template of its variable store.
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"


def ovmf_missing():
    """Why OVMF cannot be booted here, or None."""
    for f in (OVMF_CODE, OVMF_VARS):
        if not os.path.exists(f):
            return f"{f} is missing (apt-get install ovmf, or tools/setup.sh)"
    return None


def ovmf_args(vars_dir=None):
    """The pflash drives of an OVMF boot: the code read-only, and a copy of
    the variable store (the firmware writes it) in vars_dir or a temporary
    directory, so no boot changes another's or Debian's template."""
    why = ovmf_missing()
    if why:
        sys.exit("qemu.py: --firmware ovmf: " + why)
    vars_dir = vars_dir or tempfile.mkdtemp(prefix="flotilla-ovmf-")
    copy = os.path.join(vars_dir, "OVMF_VARS_4M.fd")
    shutil.copyfile(OVMF_VARS, copy)
    return ["-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
            "-drive", f"if=pflash,format=raw,unit=1,file={copy}"]


def host_has_hw_virt():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = line.split(":", 1)[1].split()
                    return "vmx" in flags or "svm" in flags
    except OSError:
        pass
    return False


def kvm_usable():
    if not host_has_hw_virt():
        return False
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
        os.close(fd)
        return True
    except OSError:
        return False


def pick_accel(requested=None):
    accel = requested or os.environ.get("ACCEL", "")
    if accel in ("", "auto"):
        return "kvm" if kvm_usable() else "tcg"
    if accel not in ("kvm", "tcg"):
        sys.exit(f"qemu.py: ACCEL={accel!r}: want kvm, tcg or auto")
    return accel


def mem_bytes(mem):
    """'256M' -> 268435456 (QEMU's suffixes; a bare number is MiB)."""
    mem = str(mem).strip().upper()
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    if mem and mem[-1] in units:
        return int(float(mem[:-1]) * units[mem[-1]])
    return int(mem) << 20


def numa_args(nodes, smp, mem):
    """QEMU options for `nodes` NUMA nodes: cores and memory split evenly
    (the last node takes the remainders), distance 10 local, 21 remote."""
    nodes, smp = int(nodes), int(smp)
    if nodes < 1 or nodes > smp:
        sys.exit(f"qemu.py: NUMA={nodes}: want 1..SMP ({smp}) nodes")
    total, args = mem_bytes(mem), []
    per_mem = (total // nodes) & ~((1 << 20) - 1)
    for n in range(nodes):
        size = per_mem if n < nodes - 1 else total - per_mem * (nodes - 1)
        first = n * (smp // nodes)
        last = smp - 1 if n == nodes - 1 else first + smp // nodes - 1
        args += ["-object", f"memory-backend-ram,id=numa{n},size={size}",
                 "-numa", f"node,nodeid={n},cpus={first}-{last},memdev=numa{n}"]
    for a in range(nodes):
        for b in range(a + 1, nodes):
            args += ["-numa", f"dist,src={a},dst={b},val=21"]
    return args


def qemu_binary():
    """The QEMU to run and its -L arguments: $QEMU or the one on PATH."""
    qemu = os.environ.get("QEMU", "")
    if not qemu:
        found = shutil.which("qemu-system-x86_64")
        if not found:
            sys.exit("qemu.py: qemu-system-x86_64 not found (apt-get install qemu-system-x86)")
        return found, []
    if not (os.path.isfile(qemu) and os.access(qemu, os.X_OK)):
        sys.exit(f"qemu.py: QEMU={qemu!r} is not an executable file")
    prefix = os.path.dirname(os.path.dirname(os.path.abspath(qemu)))
    data = os.environ.get("QEMU_DATA", "")
    if data:
        dirs = [d for d in data.split(":") if d]
        for d in dirs:
            if not os.path.isdir(d):
                sys.exit(f"qemu.py: QEMU_DATA: {d!r} is not a directory")
    else:
        share = os.path.join(prefix, "share")
        dirs = [os.path.join(share, d) for d in ("qemu", "seabios")
                if os.path.isdir(os.path.join(share, d))]
    # Inherited by the QEMU that the caller starts.
    modules = os.path.join(prefix, "lib", "x86_64-linux-gnu", "qemu")
    if os.path.isdir(modules):
        os.environ.setdefault("QEMU_MODULE_DIR", modules)
    args = []
    for d in dirs:
        args += ["-L", d]
    return qemu, args


def qemu_command(smp, mem, kernel=None, iso=None, append="", accel=None,
                 gdb=False, extra=(), machine_opts="", numa=0, debug_exit=True,
                 no_reboot=True, firmware="seabios", vars_dir=None, cpu_flags=""):
    """The QEMU argument list for one boot. cpu_flags is added to the CPU
    model (",+x2apic", ",-x2apic"). debug_exit=False leaves out
    the isa-debug-exit device; no_reboot=False lets a reset reboot the
    machine instead of ending QEMU (with status 0, as a power-off does).
    firmware="ovmf" boots UEFI firmware (its variable store copied into
    vars_dir, a temporary directory if None)."""
    if firmware not in ("seabios", "ovmf"):
        sys.exit(f"qemu.py: firmware {firmware!r}: want seabios or ovmf")
    qemu, data_args = qemu_binary()
    accel = pick_accel(accel)
    cmd = [qemu] + data_args + (["-machine", "q35" + (("," + machine_opts) if machine_opts else "")]
                    if machine_opts is not None else []) + [
           "-smp", str(smp), "-m", str(mem),
           "-display", "none", "-serial", "mon:stdio"]
    if no_reboot:
        cmd += ["-no-reboot"]
    if debug_exit:
        cmd += ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if accel == "kvm":
        cmd += ["-accel", "kvm", "-cpu", "host" + cpu_flags]
    else:
        cmd += ["-accel", "tcg,thread=multi", "-cpu", "max" + cpu_flags]
    if kernel:
        cmd += ["-kernel", kernel]
        if append:
            cmd += ["-append", append]
    elif iso:
        cmd += ["-cdrom", iso, "-boot", "d"]
    if firmware == "ovmf":
        cmd += ovmf_args(vars_dir)
    if gdb:
        # Halted at the first instruction, waiting for gdb on the port
        # (gdb=True: 1234, make debug's), on this machine only.
        cmd += ["-gdb", "tcp:127.0.0.1:%d" % (1234 if gdb is True else int(gdb)), "-S"]
    if numa and int(numa) > 1:
        cmd += numa_args(numa, smp, mem)
    cmd += list(extra)
    return cmd


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smp", default=os.environ.get("SMP", "4"))
    ap.add_argument("--mem", default=os.environ.get("MEM", "256M"))
    ap.add_argument("--kernel")
    ap.add_argument("--iso")
    ap.add_argument("--append", default="")
    ap.add_argument("--accel")
    ap.add_argument("--numa", default=os.environ.get("NUMA", "0"),
                    help="emulate this many NUMA nodes")
    ap.add_argument("--gdb", action="store_true", help="wait for gdb on :1234")
    ap.add_argument("--gdb-port", type=int, help="wait for gdb on this port")
    ap.add_argument("--no-debug-exit", action="store_true",
                    help="leave out the isa-debug-exit device (as on a PC: poweroff uses ACPI)")
    ap.add_argument("--firmware", choices=("seabios", "ovmf"), default="seabios",
                    help="ovmf: boot UEFI firmware (Debian's ovmf package) instead of SeaBIOS")
    ap.add_argument("--interactive", action="store_true",
                    help="make run: exit 0 when Flotilla powers off with code 0")
    ap.add_argument("--cpu-flags", default="",
                    help="added to the CPU model, e.g. ,-x2apic or ,+x2apic")
    ap.add_argument("extra", nargs="*", help="more QEMU arguments (after --)")
    a = ap.parse_args()
    if not a.kernel and not a.iso:
        sys.exit("qemu.py: give --kernel FILE or --iso FILE")
    extra = []
    for e in a.extra:
        extra += e.split()
    # OVMF's variable store: a copy per run, removed after an interactive
    # one (an exec'd QEMU leaves it in the temporary directory).
    vars_dir = tempfile.mkdtemp(prefix="flotilla-ovmf-") if a.firmware == "ovmf" else None
    cmd = qemu_command(a.smp, a.mem, a.kernel, a.iso, a.append, a.accel,
                       a.gdb_port if a.gdb_port else a.gdb, extra,
                       numa=a.numa, debug_exit=not a.no_debug_exit, firmware=a.firmware,
                       vars_dir=vars_dir, cpu_flags=a.cpu_flags)
    print("qemu: " + " ".join(cmd[1:]), file=sys.stderr)
    if sys.stdin.isatty():
        print("qemu: the serial console is this terminal; Ctrl-A X quits", file=sys.stderr)
    if not a.interactive:
        os.execv(cmd[0], cmd)
    status = subprocess.call(cmd)
    if vars_dir:
        shutil.rmtree(vars_dir, ignore_errors=True)
    sys.exit(interactive_status(status))


def interactive_status(qemu_status):
    """The exit status of an interactive run. The shell's `poweroff` goes
    through ACPI S5 (QEMU status 0) or, where ACPI is off, through
    isa-debug-exit with code 0 (QEMU status code * 2 + 1 = 1): both are
    success here (docs/power.md). Any other code is said and passed on;
    QEMU killed by a signal is 128 + the signal, as a shell would say."""
    if qemu_status == 1:
        return 0
    if qemu_status < 0:
        return 128 - qemu_status
    if qemu_status & 1:
        print(f"qemu: Flotilla powered off with code {qemu_status >> 1}", file=sys.stderr)
    return qemu_status


if __name__ == "__main__":
    main()
