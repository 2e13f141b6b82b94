# gdb commands for Flotilla (docs/debugging.md). `make debug` loads this
# file; by hand: gdb build/flotilla.elf -x tools/gdb/flotilla.py.
#
# QEMU's gdb stub shows each virtual CPU as a thread, so gdb's `info
# threads` and `thread N` already pick a core. What gdb cannot know is
# which Flotilla core a CPU is and what runs there: every core's state is
# its own `struct core`, reached only through that CPU's GS base (there is
# no global table of cores: cores share no kernel state). In the kernel
# the GS base holds it; in user mode SWAPGS has put it in KERNEL_GS_BASE.
#
#   flotilla cores          each CPU: core id, APIC id, node, kernel/user,
#                           where it is, the dispatcher it runs
#   flotilla core [N]       print core N's struct core (default: the
#                           selected thread's core)
#   flotilla user [NAME]    load the symbols of user program NAME (default:
#                           the program the selected core runs), replacing
#                           the last one loaded: every program is linked at
#                           the same address (usr/user.ld)
#   flotilla auto on|off    before each prompt, when the selected CPU is in
#                           user mode, load the symbols of the program it
#                           runs if they are not the loaded ones (make debug
#                           turns this on)
#
# This is tooling, run inside gdb's own Python; it uses only gdb's API and
# the standard library.

import os

import gdb

# The build directory, as make debug passes it (FLOTILLA_BUILD), or build/.
BUILD = os.environ.get("FLOTILLA_BUILD", "build")
# Whose user programs: the production image's (build/flotilla.bin, make
# debug) or, with FLOTILLA_IMAGE=test, the test image's (flotilla-test.bin).
USER_DIR = os.path.join(BUILD, "u", os.environ.get("FLOTILLA_IMAGE", "prod"))
DCB_STATES = ["new", "ready", "runnable", "stopped", "blocked", "dead"]

_user_loaded = None	# the user ELF whose symbols are loaded, if any


def _core_ptr():
    """The selected thread's struct core *, or None before the CPU has one."""
    cs = int(gdb.parse_and_eval("$cs"))
    base = int(gdb.parse_and_eval("$k_gs_base" if cs & 3 == 3 else "$gs_base"))
    if base == 0:
        return None
    return gdb.Value(base).cast(gdb.lookup_type("struct core").pointer())


def _dcb_name(dcb):
    if int(dcb) == 0:
        return None
    return dcb["name"].string(length=int(dcb["name"].type.sizeof)).split("\0")[0]


def _each_cpu():
    """Yields (thread, struct core * or None), restoring the selection."""
    selected = gdb.selected_thread()
    try:
        for t in sorted(gdb.selected_inferior().threads(), key=lambda t: t.num):
            t.switch()
            yield t, _core_ptr()
    finally:
        if selected is not None:
            selected.switch()


class Flotilla(gdb.Command):
    """Flotilla's commands: flotilla cores, flotilla core [N], flotilla user [NAME]."""

    def __init__(self):
        super().__init__("flotilla", gdb.COMMAND_USER, prefix=True)


class Cores(gdb.Command):
    """Each CPU: its core, where it runs (kernel or user) and which dispatcher."""

    def __init__(self):
        super().__init__("flotilla cores", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        for t, c in _each_cpu():
            cs = int(gdb.parse_and_eval("$cs"))
            pc = int(gdb.parse_and_eval("$pc"))
            where = gdb.execute("info symbol %#x" % pc, to_string=True).strip()
            if where.startswith("No symbol"):
                where = "%#x" % pc
            if c is None:
                print("thread %d: no core yet (pc %s)" % (t.num, where))
                continue
            cur = c["current"]
            name = _dcb_name(cur)
            run = "idle" if name is None else "%s (%s)" % (
                name, DCB_STATES[int(cur["state"])] if int(cur["state"]) < len(DCB_STATES) else "?")
            print("thread %d: core %d apic %d node %d, %s mode at %s; runs %s; %d switches"
                  % (t.num, int(c["id"]), int(c["apic_id"]), int(c["node"]),
                     "user" if cs & 3 == 3 else "kernel", where, run, int(c["switches"])))


class Core(gdb.Command):
    """Print a core's struct core: flotilla core [N] (default: the selected thread's)."""

    def __init__(self):
        super().__init__("flotilla core", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        want = int(arg) if arg.strip() else None
        found = None
        if want is None:
            found = _core_ptr()
        else:
            for _, c in _each_cpu():
                if c is not None and int(c["id"]) == want:
                    found = c
        if found is None:
            raise gdb.GdbError("flotilla core: no CPU runs core %s (yet)"
                               % ("of this thread" if want is None else want))
        gdb.execute("print *(struct core *)%#x" % int(found))


def _load_user(name):
    """Loads build/u/prod/NAME.elf's (or test/) symbols in place of the last program's."""
    global _user_loaded
    path = os.path.join(USER_DIR, name + ".elf")
    if path == _user_loaded:
        return path
    if not os.path.exists(path):
        progs = sorted(f[:-4] for f in os.listdir(USER_DIR) if f.endswith(".elf"))
        raise gdb.GdbError("flotilla user: no %s (programs: %s)" % (path, ", ".join(progs)))
    if _user_loaded:
        gdb.execute("remove-symbol-file %s" % _user_loaded, to_string=True)
    gdb.execute("add-symbol-file %s" % path, to_string=True)
    _user_loaded = path
    return path


class User(gdb.Command):
    """Load a user program's symbols: flotilla user [NAME] (default: what this core runs)."""

    def __init__(self):
        super().__init__("flotilla user", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        name = arg.strip()
        if not name:
            c = _core_ptr()
            name = _dcb_name(c["current"]) if c is not None else None
            if not name:
                raise gdb.GdbError("flotilla user: this core runs no dispatcher; name a program")
        print("flotilla: symbols of %s loaded" % _load_user(name))


def _auto_user():
    """before_prompt: the selected CPU's user program's symbols, if it is in one."""
    try:
        if gdb.selected_thread() is None or int(gdb.parse_and_eval("$cs")) & 3 != 3:
            return
        c = _core_ptr()
        name = _dcb_name(c["current"]) if c is not None else None
        if name and os.path.join(USER_DIR, name + ".elf") != _user_loaded:
            print("flotilla: this CPU runs %s: symbols of %s loaded" % (name, _load_user(name)))
    except gdb.error:
        pass	# no target yet, or it is running


class Auto(gdb.Command):
    """flotilla auto on|off: load the running user program's symbols at each prompt."""

    def __init__(self):
        super().__init__("flotilla auto", gdb.COMMAND_USER)
        self.on = False

    def invoke(self, arg, from_tty):
        want = arg.strip()
        if want not in ("on", "off"):
            raise gdb.GdbError("flotilla auto: say on or off")
        if want == "on" and not self.on:
            gdb.events.before_prompt.connect(_auto_user)
        elif want == "off" and self.on:
            gdb.events.before_prompt.disconnect(_auto_user)
        self.on = want == "on"


Flotilla()
Cores()
Core()
User()
Auto()
