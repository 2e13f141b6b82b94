"""Boot tests of what the kernel picks from the hardware at boot, run by
tools/boottest.py: the local APIC's mode (x2APIC or xAPIC,
docs/clocks.md).

Each boot checks the line where the kernel says what it picked, that
every core came online, and the verdicts of the boot tests or user tests
it ran, which must all pass under that choice.
"""
import re

# QEMU before 8.1 emulates no x2APIC under TCG and says so as it starts;
# such a QEMU cannot run an x2APIC boot at all.
NO_TCG_X2APIC = r"TCG doesn't support requested feature: CPUID\.01H:ECX\.x2apic"
NO_TCG_X2APIC_WHY = ("this QEMU emulates no x2APIC under TCG (QEMU 8.1 and later do; "
                     "under KVM the host CPU's x2APIC is used)")


def hw_boot(res, args, bt, name, smp, append, want, cpu_flags="", user=False, skip_if=None,
            skip_why=""):
    """One boot; every regex in `want` must appear, every core come online,
    and every verdict pass (each is also reported, under the boot's name).
    If `skip_if` appears in the output (QEMU refusing what was asked), the
    boot stops and is a SKIP with `skip_why`."""
    full = f"boot/special/{name}"
    if args.filter and args.filter not in full:
        return
    def stop(text):
        return skip_if and re.search(skip_if, text, re.M)
    status, text, log = bt.boot(full, args.logdir, args.timeout, until=stop, smp=smp,
                                mem=args.mem, kernel=args.kernel, append=append,
                                cpu_flags=cpu_flags)
    if stop(text):
        res.add("SKIP", full, skip_why)
        return
    fails = bt.collect_verdicts(res, full, text)
    problems = [f"missing /{p}/" for p in want if not re.search(p, text, re.M)]
    online = re.search(r"^cores online: (\d+)/(\d+)$", text, re.M)
    if not online or online.group(1) != str(smp) or online.group(2) != str(smp):
        problems.append(f"want 'cores online: {smp}/{smp}', got "
                        f"'{online.group(0) if online else 'nothing'}'")
    if user and not re.search(r"^user tests: \d+ passed, 0 failed, \d+ skipped$", text, re.M):
        problems.append("no 'user tests: N passed, 0 failed' summary")
    if status != (bt.EXIT_FAIL if fails else bt.EXIT_PASS):
        problems.append(f"QEMU exit {status}")
    if fails:
        problems.append(f"{fails} verdicts failed")
    if problems:
        res.add("FAIL", full, "; ".join(problems) + f"; log {log}\n" + bt.tail(text))
    else:
        res.add("PASS", full)


X2APIC_ON = r"^apic: x2APIC \(CPUID\.1:ECX bit 21, x2APIC, is set\)$"
X2APIC_OFF = r"^apic: xAPIC \(CPUID\.1:ECX bit 21, x2APIC, is clear: the CPU has no x2APIC\)$"


def apic_modes(res, args, bt):
    """x2APIC on: every boot test at 4 cores (IPIs, doorbells, timers on
    every core), the user tests at 4 (URPC doorbells between monitors,
    notifications), and 16 cores online. x2APIC off: the xAPIC path with
    the same CPU model otherwise."""
    on = dict(cpu_flags=",+x2apic", skip_if=NO_TCG_X2APIC, skip_why=NO_TCG_X2APIC_WHY)
    hw_boot(res, args, bt, "smp4_x2apic_boot_tests", 4, "test=all", [X2APIC_ON], **on)
    hw_boot(res, args, bt, "smp4_x2apic_user_tests", 4, "utest", [X2APIC_ON], user=True, **on)
    hw_boot(res, args, bt, "smp16_x2apic_every_core", 16,
            "test=every_core,each_core,apic,timer", [X2APIC_ON], **on)
    hw_boot(res, args, bt, "smp4_xapic_without_x2apic", 4,
            "test=every_core,each_core,apic,timer,channel", [X2APIC_OFF], cpu_flags=",-x2apic")


def run(res, args, bt):
    apic_modes(res, args, bt)
