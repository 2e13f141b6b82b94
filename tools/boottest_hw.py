"""Boot tests of what the kernel picks from the hardware at boot, run by
tools/boottest.py: the local APIC's mode (x2APIC or xAPIC) and the clock
the TSC and the APIC timer are measured against (docs/clocks.md); and the
ways of rebooting (docs/power.md).

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

# QEMU 7.2 also refuses, under TCG, any machine with APIC ids above 255.
NO_TCG_BIG_IDS = r"current -smp configuration requires kernel irqchip and X2APIC API support"
NO_TCG_BIG_IDS_WHY = ("this QEMU refuses APIC ids above 255 under TCG and emulates no x2APIC "
                      "there (QEMU 7.2 does both; QEMU 10.0 neither)")


def hw_boot(res, args, bt, name, smp, append, want, user=False, skip_if=None, skip_why="",
            cores=None, **kw):
    """One boot; every regex in `want` must appear, every core come online
    (`cores` of them: smp, unless QEMU is given more with -device), and
    every verdict pass (each is also reported, under the boot's name).
    If `skip_if` appears in the output (QEMU refusing what was asked), the
    boot stops and is a SKIP with `skip_why`."""
    full = f"boot/special/{name}"
    if args.filter and args.filter not in full:
        return
    def stop(text):
        return skip_if and re.search(skip_if, text, re.M)
    status, text, log = bt.boot(full, args.logdir, args.timeout, until=stop, smp=smp,
                                mem=args.mem, kernel=args.kernel, append=append, **kw)
    if stop(text):
        res.add("SKIP", full, skip_why)
        return
    fails = bt.collect_verdicts(res, full, text)
    problems = [f"missing /{p}/" for p in want if not re.search(p, text, re.M)]
    online = re.search(r"^cores online: (\d+)/(\d+)$", text, re.M)
    cores = cores or smp
    if not online or online.group(1) != str(cores) or online.group(2) != str(cores):
        problems.append(f"want 'cores online: {cores}/{cores}', got "
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
X2APIC_HANDED_OVER = r"^apic: x2APIC \(the firmware handed over with x2APIC on\)$"
X2APIC_OFF = r"^apic: xAPIC \(CPUID\.1:ECX bit 21, x2APIC, is clear: the CPU has no x2APIC\)$"


def apic_modes(res, args, bt):
    """x2APIC on: every boot test at 4 cores (IPIs, doorbells, timers on
    every core) and 16 cores online. The user tests in x2APIC mode are the
    main matrix's: where QEMU can emulate x2APIC at all (QEMU 8.1 and
    later), its `-cpu max` offers it, so every boot of make test runs in
    x2APIC mode, which apic_mode_is_x2apic_exactly_where_cpuid_offers_it
    checks in each (a separate user-test boot here only repeated
    boot/smp4/user, 11 s of make test). x2APIC off: the xAPIC path with
    the same CPU model otherwise."""
    on = dict(cpu_flags=",+x2apic", skip_if=NO_TCG_X2APIC, skip_why=NO_TCG_X2APIC_WHY)
    hw_boot(res, args, bt, "smp4_x2apic_boot_tests", 4, "test=all", [X2APIC_ON], **on)
    hw_boot(res, args, bt, "smp16_x2apic_every_core", 16,
            "test=every_core,each_core,apic,timer", [X2APIC_ON], **on)
    # A core whose APIC id needs x2APIC: two cores in socket 0 (ids 0, 1)
    # and one added in socket 1, whose id is 1 << 8 = 256 with 129 cores a
    # socket (8 bits of core id; 258 possible cores, under the 288 that
    # QEMU 7.2's q35 allows, so that it gets as far as its SKIP). QEMU lists it in the MADT as a Processor Local x2APIC entry
    # (type 9), SeaBIOS hands over in x2APIC mode, and the kernel must start
    # it and send it IPIs with a 32-bit destination. QEMU wants interrupt
    # remapping with extended ids for such a machine (the intel-iommu).
    hw_boot(res, args, bt, "smp3_x2apic_id_256_boot_tests", "2,sockets=2,cores=129,maxcpus=258",
            "test=all", [X2APIC_HANDED_OVER, r"^  core 2: APIC id 256, node 0, "], cores=3,
            extra=["-device", "max-x86_64-cpu,socket-id=1,core-id=0,thread-id=0",
                   "-device", "intel-iommu,intremap=on,eim=on"], cpu_flags=",+x2apic",
            skip_if=NO_TCG_X2APIC + "|" + NO_TCG_BIG_IDS, skip_why=NO_TCG_BIG_IDS_WHY)
    hw_boot(res, args, bt, "smp4_xapic_without_x2apic", 4,
            "test=every_core,each_core,apic,timer,channel", [X2APIC_OFF], cpu_flags=",-x2apic")


# Where the CPU gives its rates in CPUID leaf 0x15 (KVM on a recent host),
# no other clock is used and these boots cannot show the fallbacks.
FROM_CPUID = r"^clocks: TSC \d+ MHz, APIC timer \d+ kHz \((from CPUID|TSC from CPUID)"
FROM_CPUID_WHY = "the CPU gives its clock rates in CPUID leaves 0x15/0x16: no other clock is used"


def measured(source):
    return rf"^clocks: TSC [1-9]\d* MHz, APIC timer [1-9]\d* kHz \(measured against {source}\)$"


def clock_sources(res, args, bt):
    """The clock calibration's order and its fallbacks, each boot running
    the clocks boot tests (the source used is the first that works; every
    other source agrees within 2x) and the timer test on every core."""
    cpuid = dict(skip_if=FROM_CPUID, skip_why=FROM_CPUID_WHY)
    tests = "test=clocks,timer"
    hw_boot(res, args, bt, "clocks_from_the_hpet", 2, tests, [measured("the HPET")], **cpuid)
    hw_boot(res, args, bt, "clocks_without_hpet_or_pit_from_the_pm_timer", 2, tests + " nopit",
            [r"^clocks: not from the HPET: the ACPI tables name no HPET$",
             measured("the ACPI PM timer")], machine_opts="hpet=off", **cpuid)
    no_acpi = dict(machine_opts=None, extra=["-machine", "pc,acpi=off,hpet=off"], **cpuid)
    hw_boot(res, args, bt, "clocks_without_acpi_from_the_pit", 1, tests,
            [r"^clocks: not from the ACPI PM timer: the FADT names no PM timer$",
             measured("the PIT")], **no_acpi)
    hw_boot(res, args, bt, "clocks_without_any_source_guess_and_say_so", 1, tests + " nopit",
            [r"^clocks: not from the PIT: nopit on the command line$",
             r"^clocks: no clock to measure against; guessing TSC 1000 MHz and APIC timer "
             r"1000 kHz \(time runs wrong\)$"], **no_acpi)


REBOOTING = r"^shell: rebooting$"


def reboot_boot(res, args, bt, name, want, forbid=(), stays_on=False, **kw):
    """Boots to the shell, types `reboot`: the kernel must say which way it
    used (the lines of `want`, in order) and none of `forbid`, and QEMU,
    started with -no-reboot, must exit by itself with status 0 (a reset),
    or with `stays_on`, keep running once the last line is out."""
    full = f"boot/special/{name}"
    if args.filter and args.filter not in full:
        return
    prompt = re.escape(bt.SHELL_PROMPT)
    matched = []
    def halted(text):
        return stays_on and matched and re.search(want[-1], text, re.M)
    status, text, log = bt.boot(full, args.logdir, args.timeout, until=halted,
                                script=[(bt.SHELL_BANNER + r"[\s\S]*?" + prompt, "reboot\r")],
                                matched=matched, step_timeout=bt.SHELL_STEP_TIMEOUT, smp=2,
                                mem=args.mem, kernel=args.kernel, append=kw.pop("append", ""),
                                debug_exit=False, no_reboot=True, **kw)
    after = text[matched[0].end():] if matched else ""
    problems = [] if matched else ["no shell prompt to type reboot at"]
    pos = 0
    for rx in [REBOOTING] + list(want):
        m = re.compile(rx, re.M).search(after, pos)
        if not m:
            problems.append(f"no /{rx}/ (in order)")
            break
        pos = m.end()
    problems += [f"/{rx}/ appears" for rx in forbid if re.search(rx, after, re.M)]
    if bt.BOOT_BANNER in after:
        problems.append("the machine booted again: QEMU's -no-reboot did not end it")
    if stays_on and status is not None:
        problems.append(f"QEMU ended (status {status}) instead of staying on")
    if not stays_on and status != 0:
        problems.append(f"QEMU exit {status} after reboot, want 0 (a reset under -no-reboot)")
    if problems:
        res.add("FAIL", full, "; ".join(problems) + f"; log {log}\n" + bt.tail(text))
    else:
        res.add("PASS", full, "stayed on, halted" if stays_on else "QEMU exit 0: the machine reset")


def reboot_ways(res, args, bt):
    """Each way of rebooting, first to last: the ACPI reset register (q35
    has one), the keyboard controller (no ACPI), a triple fault and none
    (reboot= leaves the others out)."""
    acpi = r"^reboot: through the ACPI reset register \(I/O port 0xcf9, value 0x[0-9a-f]+\)$"
    kbd = r"^reboot: through the keyboard controller \(0xfe to port 0x64\)$"
    triple = r"^reboot: through a triple fault"
    reboot_boot(res, args, bt, "reboot_through_the_acpi_reset_register", [acpi], forbid=[kbd, triple])
    reboot_boot(res, args, bt, "reboot_without_acpi_through_the_keyboard_controller",
                [r"^reboot: no ACPI reset register \(no usable ACPI tables\)$", kbd],
                forbid=[triple], machine_opts=None, extra=["-machine", "pc,acpi=off"])
    reboot_boot(res, args, bt, "reboot_through_a_triple_fault", [triple], forbid=[acpi, kbd],
                append="reboot=triple")
    reboot_boot(res, args, bt, "reboot_with_no_way_says_so_and_halts",
                [r"^reboot: no way of resetting the machine worked \(reboot= on the command line "
                 r"left some out\); halting this core$"], forbid=[acpi, kbd, triple],
                stays_on=True, append="reboot=none")


def run(res, args, bt):
    apic_modes(res, args, bt)
    clock_sources(res, args, bt)
    reboot_ways(res, args, bt)
