#!/usr/bin/env python3
"""Write the seeds of the invocation fuzzer (tests/fuzz/fuzz_invoke.c).

Usage: fuzz_invoke_seeds.py [DIR]   (default: tests/fuzz/seeds/fuzz_invoke)

Each seed is a hand-made sequence of 16-byte operations that reaches a deep
path of the kernel from the world of tests/fuzz/fuzz_invoke_world.c: retype
every type, map pages, set up and run dispatchers, LMP call and reply with a
capability, faults, upcalls, doorbells, export tokens, spanned address
spaces, the console service, I/O ports, sleeping, and revoking everything.
The encoding here must match fuzz_invoke.c's decoder; to see what a seed
does, run it with FUZZ_INVOKE_VERBOSE=1:

    FUZZ_INVOKE_VERBOSE=1 build/fuzz/fuzz_invoke tests/fuzz/seeds/fuzz_invoke/lmp
"""

import os
import struct
import sys

# The methods, in fuzz_invoke.c's methods[] order.
# The methods as fuzz_invoke.c's methods[] lists them: every method of
# if/kernel.abi in number order (CAP_METHODS), read with tools/abigen.py's
# own parser, so that both take the one description.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import abigen  # noqa: E402
with open(os.path.join(abigen.ROOT, "if", "kernel.abi")) as _f:
    METHODS = [m.name for m in sorted(abigen.Parser(_f.read(), "if/kernel.abi").parse()[1],
                                      key=lambda m: m.number)]
M = {name: i for i, name in enumerate(METHODS)}
M["IDENTIFY"] = M["CAP_IDENTIFY"]

# Capability types (include/kpi/caps.def) and rights (kpi/caps.h).
RAM, FRAME, CNODE, PML4, PDPT, PDIR, PTABLE, DISPATCHER, ENDPOINT = 1, 2, 4, 5, 6, 7, 8, 9, 10
R, W, X, G = 1, 2, 4, 8
# LMP flags (kpi/lmp.h) and system calls (kpi/syscalls.h).
SEND_CAP, GIVE, RECV_CAP, NONBLOCK = 1, 2, 4, 8
SEND, RECV, CALL, REPLY, REPLY_RECV = range(5)
YIELD, PRINT, EXIT, CORE_ID, CLOCK, SLEEP = range(6)

# The world's slots (fuzz_invoke_world.c): (level-1, level-2).
DISP, ROOTCN, TASKCN, VROOT, BOOTIMG, MESH, COM1 = ((0, s) for s in (1, 2, 3, 4, 7, 8, 9))
# The authority CNode (AUTH_CN 4), in kpi/caps.h's CPTR_* order.
POWER, INFO, DOORBELL, EXPORT, SPAN, CONSOLE = ((4, s) for s in range(6))
AUTH = {"POWER": POWER, "INFO": INFO, "DOORBELL": DOORBELL, "EXPORT": EXPORT, "SPAN": SPAN,
        "CONSOLE": CONSOLE}


def auth(method):
    """The authority capability whose type has `method` (its prefix)."""
    return AUTH[method.split("_")[0]]
RAMCAP = (1, 0)
# PAGE_CN, in the order boot_user.c fills it: a frame, then the tables it
# needs, then the next frame.
PDIR0 = (2, 2)          # the PDIR of the low 1 GiB
PT_CODE = (2, 3)        # the PTABLE of UVA_CODE and UVA_BUF; entries 6.. are free
BUF_FRAME = (2, 5)      # the first page of UVA_BUF


def task(slot):
    return (0, slot)


# ---- Arguments (fuzz_invoke.c, arg()) ----

def small(x):
    return x & 0xFFF


def cap(c):
    return 1 << 12 | c[0] << 8 | c[1]


def buf(off):           # UVA_BUF + off, off a multiple of 4
    return 2 << 12 | off // 4


def code_page(entry):   # UVA_CODE + entry pages: where seeds map frames
    return 3 << 12 | 4 << 9 | entry


def mesh(off):          # UVA_MESH + off, off a multiple of 64
    return 3 << 12 | 1 << 9 | off // 64


def replica_va(entry):  # a replica PML4's entry
    return 3 << 12 | 5 << 9 | entry


def pages(n):
    return 4 << 12 | n


def retype(t, count=1):
    return 5 << 12 | count << 5 | t


def rights(r):
    return 6 << 12 | r


def remote_pdpt():
    return 7 << 12 | 1 << 9


def cnode_bytes(slots):  # 16 << k slots
    return 11 << 12 | (slots // 16).bit_length() - 1


def time(x):            # now + x * 100 us
    return 12 << 12 | x


def code_addr():        # UVA_CODE
    return 3 << 12


def stack_top():        # USER_STACK_TOP - 8
    return 13 << 12


# ---- Operations ----

def op(kind, c=(0, 0), m=0, *args):
    args = list(args) + [0] * (6 - len(args))
    l1 = c[0] if c[0] < 4 else c[0] + 128
    return struct.pack("<BBBB6H", kind, l1, c[1], m, *args)


def invoke(c, method, *args):
    return op(0, c, M[method], *args)


def lmp(nr, ep, flags=0, send=(0, 0), recv=(0, 0), *words):
    return op(7, ep, nr | flags << 3, cap(send), cap(recv), *words)


def call(nr, *args):
    return op(9, (0, 0), nr, *args)


def timer(ms=20):
    return op(10, (0, 0), 0, ms)


def doorbell(slot):
    return op(11, (0, 0), slot)


def fault(vector, error, addr):
    return op(12, (0, 0), vector, error, addr)


def token(at, export, seq=0, npages=1, rts=R | W, page=0, dest_me=True, how=0):
    """export: 0 core 0, 1 core 2, 2 core 3, 3 this core, 4 no core; seq: 0 the
    next, 1 a replay, 2 zero, 3 far ahead; how: 0x10 forged, 0x20 misaligned,
    0x40 in no share, 0x80 RAM (a TOKEN_RAM)."""
    return struct.pack("<BBBB6H", 13, export, 1 if dest_me else 2, seq | how, at, page,
                       npages - 1, rts, 0, 0)


def store(at, value):
    return op(14, (0, 0), 0, at, value)


def new(slot, t, offset_pages, size=0, count=1):
    """Retype from the monitor's RAM into task slot `slot`."""
    return invoke(TASKCN, "CNODE_RETYPE", small(slot), cap(RAMCAP), retype(t, count),
                  pages(offset_pages), size)


def child(slot, cspace=ROOTCN, vspace=VROOT, at=0x40):
    """Another dispatcher in task slot `slot`, in the monitor's CSpace."""
    return [new(slot, DISPATCHER, at),
            store(buf(0), small(0x41)),     # its name: "A"
            invoke(task(slot), "DISP_SET_NAME", buf(0), small(5)),
            invoke(task(slot), "DISP_SETUP", cap(cspace), cap(vspace), code_addr(), stack_top()),
            invoke(task(slot), "DISP_RUN")]


SEEDS = {
    "retype_every_type": [
        new(16, FRAME, 0x10, pages(2)),
        new(17, CNODE, 0x12, cnode_bytes(16)),
        new(18, PML4, 0x13), new(19, PDPT, 0x14), new(20, PDIR, 0x15),
        new(21, PTABLE, 0x16), new(22, DISPATCHER, 0x17), new(23, ENDPOINT, 0x18),
        new(24, RAM, 0x20, pages(16)), new(25, ENDPOINT, 0x19, 0, 4),
        invoke(task(16), "IDENTIFY", buf(0)),
        invoke(TASKCN, "CNODE_COPY", small(30), cap(task(16))),
        invoke(TASKCN, "CNODE_MINT", small(31), cap(task(23)), rights(R), small(7)),
        invoke(TASKCN, "CNODE_MOVE", small(32), cap(task(24))),
        invoke(TASKCN, "CNODE_DELETE", small(30)),
        invoke(TASKCN, "CNODE_REVOKE", small(23)),
        invoke(TASKCN, "CNODE_MOVE", small(40), cap(RAMCAP)),
        invoke(TASKCN, "CNODE_REVOKE", small(40)),
    ],
    "map_page": [
        new(16, FRAME, 0x10, pages(1)),
        invoke(PT_CODE, "VNODE_MAP", small(6), cap(task(16)), rights(R | W)),
        store(code_page(6), small(0x123)),
        invoke(TASKCN, "IDENTIFY", code_page(6)),
        invoke(TASKCN, "CNODE_COPY", small(17), cap(task(16))),
        invoke(PT_CODE, "VNODE_MAP", small(7), cap(task(17)), rights(R)),
        invoke(PT_CODE, "VNODE_UNMAP", cap(task(16))),
        invoke(TASKCN, "CNODE_REVOKE", small(16)),
        new(18, PTABLE, 0x11),
        invoke(PDIR0, "VNODE_MAP", small(9), cap(task(18))),
        invoke(TASKCN, "CNODE_DELETE", small(18)),
    ],
    "dispatcher": child(16) + [
        call(YIELD),
        invoke(task(16), "DISP_STATUS"),
        call(CORE_ID), call(CLOCK),
        invoke(task(16), "DISP_INFO", buf(64)),
        call(EXIT, small(3)),
        invoke(task(16), "DISP_SET_NAME", buf(0), small(32)),
        invoke(task(16), "DISP_SET_NAME", buf(0), small(31)),
        invoke(task(16), "DISP_SET_GANG", small(256)),     # no such gang: refused
        invoke(task(16), "DISP_SET_GANG", small(5)),
        invoke(task(16), "DISP_STATUS"),
        invoke(task(16), "DISP_REGS", buf(256)),
        invoke(TASKCN, "CNODE_DELETE", small(16)),
    ],
    "lmp": [new(17, ENDPOINT, 0x30), new(18, FRAME, 0x31, pages(1))] + child(16) + [
        lmp(RECV, task(17), RECV_CAP, recv=task(20)),
        lmp(CALL, task(17), SEND_CAP, send=task(18), recv=(0, 0)),
        lmp(REPLY_RECV, task(17), RECV_CAP, recv=task(21)),
        lmp(SEND, task(17), SEND_CAP | GIVE, send=task(18)),
        lmp(RECV, task(17), NONBLOCK),
        lmp(REPLY, task(17)),
        invoke(TASKCN, "CNODE_DELETE", small(17)),
        timer(30), timer(30),
    ],
    # A receiver that takes a second call before it replied to the first:
    # the first caller is released with ERR_NO_REPLY.
    "lmp_two_callers": [new(17, ENDPOINT, 0x30)] + child(16) + child(18, at=0x41) + [
        lmp(RECV, task(17)),
        lmp(CALL, task(17), 0, (0, 0), (0, 0), small(1)),
        lmp(RECV, task(17)),
        lmp(CALL, task(17), 0, (0, 0), (0, 0), small(2)),
        lmp(REPLY, task(17)),
        call(YIELD), call(YIELD),
        invoke(TASKCN, "CNODE_DELETE", small(16)),
        lmp(RECV, task(17), NONBLOCK),
    ],
    "fault": [new(17, ENDPOINT, 0x30)] + child(16)[:4] + [
        invoke(task(16), "DISP_SET_EXC_EP", cap(task(17)), small(1)),
        invoke(task(16), "DISP_RUN"),
        lmp(RECV, task(17)),
        fault(14, 6, code_page(40)),
        invoke(task(16), "DISP_REGS", buf(0)),
        lmp(REPLY, task(17)),
        lmp(RECV, task(17)),
        call(EXIT, small(1)),
        lmp(RECV, task(17), NONBLOCK),
        fault(13, 0, 0),
    ],
    "upcall": [
        invoke(DISP, "DISP_SET_UPCALL", cap(MESH)),     # core 0's memory: refused
        call(YIELD),
        store(buf(8), code_addr()), store(buf(16), code_addr()),
        store(buf(24), stack_top()),
        invoke(DISP, "DISP_SET_UPCALL", cap(BUF_FRAME)),
        timer(20), timer(20), timer(20),
        store(buf(0), small(0)),            # enabled again
        fault(14, 4, code_page(40)),
        store(buf(0), small(0)),
        call(YIELD),
        fault(6, 0, 0),
    ],
    "doorbells": [
        new(17, ENDPOINT, 0x30),
        invoke(auth("DOORBELL_BIND"), "DOORBELL_BIND", cap(task(17)), small(3)),
        invoke(auth("DOORBELL_RING"), "DOORBELL_RING", small(1), small(3)),
        invoke(auth("DOORBELL_RING"), "DOORBELL_RING", small(2), small(3)),
        lmp(RECV, task(17), NONBLOCK),
        invoke(auth("DOORBELL_MINT"), "DOORBELL_MINT", small(1), small(3), cap(TASKCN), small(18)),
        invoke(task(18), "NOTIFY_RING"),
        invoke(auth("DOORBELL_MINT"), "DOORBELL_MINT", small(4), small(3), cap(TASKCN), small(19)),
        invoke(auth("DOORBELL_MINT"), "DOORBELL_MINT", small(3), small(32), cap(TASKCN), small(19)),
        invoke(auth("DOORBELL_MINT"), "DOORBELL_MINT", small(3), small(31), cap(TASKCN), small(19)),
        invoke(auth("DOORBELL_RING"), "DOORBELL_RING", small(4), small(3)),
        invoke(auth("DOORBELL_RING"), "DOORBELL_RING", small(1), small(32)),
        lmp(RECV, task(17)),
        doorbell(3),
        invoke(auth("INFO_CORES"), "INFO_CORES"),
        invoke(auth("INFO_CMDLINE"), "INFO_CMDLINE", buf(0), small(64)),
        invoke(auth("INFO_TOPOLOGY"), "INFO_TOPOLOGY", buf(0), small(64)),
    ],
    "ram_tokens": [
        # Imported RAM: copied, never retyped here; RAM of this core's
        # own exported from its anchor.
        token(buf(0), 0, npages=4, how=0x80),
        invoke(auth("EXPORT_FRAME_IMPORT"), "EXPORT_FRAME_IMPORT", cap(TASKCN), small(20), buf(0)),
        invoke(TASKCN, "CNODE_COPY", small(21), cap(task(20))),
        invoke(TASKCN, "CNODE_RETYPE", small(22), cap(task(21)), retype(FRAME), pages(0), pages(1)),
        invoke(auth("EXPORT_CAP_LAST"), "EXPORT_CAP_LAST", cap(task(20))),
        invoke(TASKCN, "CNODE_DELETE", small(21)),
        invoke(auth("EXPORT_CAP_LAST"), "EXPORT_CAP_LAST", cap(task(20))),
        invoke(TASKCN, "CNODE_REVOKE", small(20)),
        new(23, RAM, 0x10, pages(4)),
        invoke(auth("EXPORT_CAP_REMOTE"), "EXPORT_CAP_REMOTE", cap(task(23)), small(1)),
        invoke(auth("EXPORT_FRAME"), "EXPORT_FRAME", cap(task(23)), small(2), buf(256)),
        invoke(auth("EXPORT_CAP_REMOTE"), "EXPORT_CAP_REMOTE", cap(task(23)), small(0)),
        invoke(TASKCN, "CNODE_DELETE", small(23)),
    ],
    "tokens": [
        token(buf(0), 0),
        invoke(auth("EXPORT_FRAME_IMPORT"), "EXPORT_FRAME_IMPORT", cap(TASKCN), small(16), buf(0)),
        invoke(PT_CODE, "VNODE_MAP", small(8), cap(task(16)), rights(R | W)),
        invoke(TASKCN, "IDENTIFY", code_page(8)),
        invoke(auth("EXPORT_FRAME_IMPORT"), "EXPORT_FRAME_IMPORT", cap(TASKCN), small(17), buf(0)),
        token(buf(64), 1, npages=2),
        invoke(auth("EXPORT_FRAME_IMPORT"), "EXPORT_FRAME_IMPORT", cap(TASKCN), small(17), buf(64)),
        token(buf(128), 2, how=0x10),
        invoke(auth("EXPORT_FRAME_IMPORT"), "EXPORT_FRAME_IMPORT", cap(TASKCN), small(18), buf(128)),
        token(buf(128), 2, how=0x40),
        invoke(auth("EXPORT_FRAME_IMPORT"), "EXPORT_FRAME_IMPORT", cap(TASKCN), small(18), buf(128)),
        token(buf(128), 2, how=0x20),
        invoke(auth("EXPORT_FRAME_IMPORT"), "EXPORT_FRAME_IMPORT", cap(TASKCN), small(18), buf(128)),
        new(19, FRAME, 0x10, pages(1)),
        invoke(auth("EXPORT_CAP_REMOTE"), "EXPORT_CAP_REMOTE", cap(task(19)), small(1)),
        invoke(auth("EXPORT_CAP_LAST"), "EXPORT_CAP_LAST", cap(task(19))),
        invoke(auth("EXPORT_FRAME"), "EXPORT_FRAME", cap(task(19)), small(2), buf(256)),
        invoke(TASKCN, "CNODE_DELETE", small(19)),
        invoke(auth("EXPORT_CAP_REMOTE"), "EXPORT_CAP_REMOTE", cap(task(19)), small(0)),
        invoke(TASKCN, "IDENTIFY", mesh(64)),
    ],
    "span": [
        invoke(auth("SPAN_VROOT"), "SPAN_VROOT", cap(VROOT), small(1), buf(0)),
        new(16, FRAME, 0x10, pages(1)),
        invoke(PT_CODE, "VNODE_MAP", small(6), cap(task(16)), rights(R | W)),
        invoke(PT_CODE, "VNODE_UNMAP", cap(task(16))),
        invoke(auth("SPAN_UNMAP"), "SPAN_UNMAP", cap(VROOT), code_page(6), small(1)),
        invoke(auth("SPAN_TLB_FLUSH"), "SPAN_TLB_FLUSH", cap(VROOT), code_page(6), small(1)),
        new(17, PML4, 0x11),
        invoke(auth("EXPORT_VROOT_SET"), "EXPORT_VROOT_SET", cap(task(17)), small(5), remote_pdpt()),
        invoke(auth("EXPORT_VROOT_SET"), "EXPORT_VROOT_SET", cap(task(17)), small(6), remote_pdpt()),
    ] + child(18, vspace=task(17)) + [
        call(YIELD),
        invoke(TASKCN, "IDENTIFY", replica_va(5)),
        call(YIELD),
        invoke(auth("SPAN_VROOT"), "SPAN_VROOT", cap(VROOT), small(0)),
        invoke(TASKCN, "CNODE_DELETE", small(17)),
    ],
    "console": [
        new(17, ENDPOINT, 0x30),
        invoke(auth("DOORBELL_BIND"), "DOORBELL_BIND", cap(task(17)), small(0)),
        invoke(auth("CONSOLE_TAKE"), "CONSOLE_TAKE", small(0)),
        store(buf(0), small(0xA41)),    # "A\n"
        call(PRINT, buf(0), small(3)),
        lmp(RECV, task(17)),
        invoke(auth("CONSOLE_READ"), "CONSOLE_READ", buf(64), small(100)),
        # No screen in this world: the slots are checked, then refused.
        invoke(auth("CONSOLE_SCREEN"), "CONSOLE_SCREEN", cap(TASKCN), small(18), buf(0)),
        invoke(auth("CONSOLE_SCREEN"), "CONSOLE_SCREEN", cap(TASKCN), small(17), buf(0)),
        fault(13, 0, 0),
    ],
    # Every method through a copy that lacks the right it needs, in a
    # call that would otherwise succeed: each must fail (the rights model
    # of fuzz_invoke.c), and the fuzzer starts from such copies.
    "rights": [
        invoke(TASKCN, "CNODE_MINT", small(16), cap(TASKCN), rights(R)),
        invoke(task(16), "CNODE_COPY", small(30), cap(INFO)),
        invoke(task(16), "CNODE_RETYPE", small(30), cap(RAMCAP), retype(FRAME), pages(0x10),
               pages(1)),
        invoke(task(16), "CNODE_DELETE", small(6)),
        invoke(TASKCN, "CNODE_MINT", small(17), cap(PT_CODE), rights(R)),
        new(18, FRAME, 0x10, pages(1)),
        invoke(task(17), "VNODE_MAP", small(6), cap(task(18)), rights(R)),
        invoke(TASKCN, "CNODE_MINT", small(19), cap(task(18)), rights(R)),
        invoke(PT_CODE, "VNODE_MAP", small(7), cap(task(19)), rights(R | W)),
        invoke(PT_CODE, "VNODE_MAP", small(7), cap(task(18)), rights(R | W)),
        invoke(task(17), "VNODE_UNMAP", cap(task(18))),
        invoke(DISP, "DISP_SET_UPCALL", cap(task(19))),
        invoke(TASKCN, "CNODE_MINT", small(20), cap(COM1), rights(R)),
        invoke(task(20), "IOPORT_OUT", small(0x3F8), small(1), small(0x41)),
        invoke(TASKCN, "CNODE_MINT", small(21), cap(COM1), rights(W)),
        invoke(task(21), "IOPORT_IN", small(0x3F8), small(1)),
        invoke(auth("DOORBELL_MINT"), "DOORBELL_MINT", small(1), small(3), cap(task(16)), small(40)),
        invoke(auth("DOORBELL_MINT"), "DOORBELL_MINT", small(1), small(3), cap(TASKCN), small(22)),
        invoke(TASKCN, "CNODE_MINT", small(23), cap(task(22)), rights(R)),
        invoke(task(23), "NOTIFY_RING"),
        token(buf(0), 0),
        invoke(auth("EXPORT_FRAME_IMPORT"), "EXPORT_FRAME_IMPORT", cap(task(16)), small(41), buf(0)),
        new(24, ENDPOINT, 0x11),
        invoke(TASKCN, "CNODE_MINT", small(25), cap(task(24)), rights(R)),
        invoke(TASKCN, "CNODE_MINT", small(26), cap(task(24)), rights(W)),
        new(27, DISPATCHER, 0x12),
        invoke(TASKCN, "CNODE_MINT", small(28), cap(task(27)), rights(R)),
        invoke(task(28), "DISP_SETUP", cap(ROOTCN), cap(VROOT), code_addr(), stack_top()),
        invoke(task(27), "DISP_SETUP", cap(ROOTCN), cap(VROOT), code_addr(), stack_top()),
        invoke(task(28), "DISP_SET_NAME", buf(0), small(1)),
        invoke(task(27), "DISP_SET_EXC_EP", cap(task(25))),
        invoke(task(28), "DISP_RUN"),
        invoke(task(27), "DISP_RUN"),
        call(YIELD),
        lmp(RECV, task(24)),                    # the child waits for a message
        lmp(SEND, task(25), NONBLOCK),          # ... which no read-only copy sends
        lmp(SEND, task(26), SEND_CAP | NONBLOCK, send=task(18)),    # nor one without GRANT
        lmp(SEND, task(26), NONBLOCK),
        lmp(SEND, task(24), NONBLOCK),
        lmp(RECV, task(26), NONBLOCK),
        # A read-only copy of each authority capability (Info needs no right).
        invoke(TASKCN, "CNODE_MINT", small(29), cap(INFO), rights(R)),
        invoke(task(29), "INFO_CORES"),
        invoke(task(29), "INFO_CMDLINE", buf(0), small(64)),
        invoke(task(29), "INFO_TOPOLOGY", buf(0), small(64)),
        invoke(TASKCN, "CNODE_MINT", small(32), cap(DOORBELL), rights(R)),
        invoke(task(32), "DOORBELL_RING", small(1), small(3)),
        invoke(TASKCN, "CNODE_MINT", small(33), cap(CONSOLE), rights(R)),
        invoke(task(33), "CONSOLE_TAKE", small(0)),
        invoke(TASKCN, "CNODE_MINT", small(34), cap(EXPORT), rights(R)),
        invoke(task(34), "EXPORT_CAP_REMOTE", cap(task(18)), small(1)),
        invoke(TASKCN, "CNODE_MINT", small(35), cap(SPAN), rights(R)),
        invoke(task(35), "SPAN_TLB_FLUSH", cap(VROOT), code_page(6), small(1)),
        invoke(TASKCN, "CNODE_MINT", small(36), cap(POWER), rights(R)),
        invoke(task(36), "POWER_OFF", small(0)),
        # Each kind's method on another kind's capability: the wrong type.
        invoke(INFO, "DOORBELL_RING", small(1), small(3)),
        invoke(DOORBELL, "INFO_CORES"),
        invoke(CONSOLE, "POWER_OFF", small(0)),
        # The test kernel's exit is no method here, on its own type too.
        invoke(POWER, "POWER_TEST_EXIT", small(0x10)),
    ],
    # The edges of ranges: the last slots of a small CNode, the last
    # entries of a table and of a PML4's user half, one past each.
    "edges": [
        new(16, CNODE, 0x10, cnode_bytes(16)),
        invoke(task(16), "CNODE_RETYPE", small(15), cap(RAMCAP), retype(ENDPOINT, 2), pages(0x20)),
        invoke(task(16), "CNODE_RETYPE", small(16), cap(RAMCAP), retype(ENDPOINT, 1), pages(0x20)),
        invoke(task(16), "CNODE_RETYPE", small(14), cap(RAMCAP), retype(ENDPOINT, 2), pages(0x20)),
        invoke(task(16), "CNODE_COPY", small(16), cap(INFO)),
        invoke(task(16), "CNODE_COPY", small(13), cap(INFO)),
        invoke(task(16), "CNODE_MOVE", small(16), cap((0, 0))),
        invoke(task(16), "CNODE_DELETE", small(16)),
        new(17, FRAME, 0x21, pages(2)),
        invoke(PT_CODE, "VNODE_MAP", small(511), cap(task(17)), rights(R)),
        invoke(PT_CODE, "VNODE_MAP", small(510), cap(task(17)), rights(R)),
        new(18, PDPT, 0x23),
        invoke(VROOT, "VNODE_MAP", small(256), cap(task(18))),
        invoke(VROOT, "VNODE_MAP", small(255), cap(task(18))),
        new(19, PDPT, 0x24),
        invoke(VROOT, "VNODE_MAP", small(254), cap(task(19))),
        invoke(COM1, "IOPORT_IN", small(0x3FF), small(2)),
        invoke(COM1, "IOPORT_IN", small(0x3FC), small(4)),
        invoke(COM1, "IOPORT_IN", small(0x3F7), small(1)),
    ],
    # Dispatchers that end while they wait: destroyed on an endpoint's
    # queue, asleep, with an exception endpoint and an upcall frame; an
    # endpoint destroyed under a fault and an exit message; a dispatcher
    # whose CSpace was revoked before it ran.
    "endings": [new(17, ENDPOINT, 0x30), new(30, CNODE, 0x31, cnode_bytes(16))]
    + child(16) + child(18, at=0x41) + child(19, at=0x42) + [
        lmp(RECV, task(17)),                        # the monitor waits
        lmp(RECV, task(17)),                        # A waits behind it
        call(SLEEP, time(1000)),                    # B sleeps
        lmp(SEND, task(17), 0, (0, 0), (0, 0), small(1)),     # C wakes the monitor
        invoke(TASKCN, "CNODE_DELETE", small(16)),  # A goes, off the queue
        invoke(TASKCN, "CNODE_DELETE", small(18)),  # B goes, asleep
        invoke(task(19), "DISP_SET_EXC_EP", cap(task(17)), small(1)),
        invoke(task(19), "DISP_SET_UPCALL", cap(BUF_FRAME)),
        invoke(TASKCN, "CNODE_DELETE", small(19)),
    ] + child(16) + [
        invoke(task(16), "DISP_SET_EXC_EP", cap(task(17)), small(1)),
        call(YIELD),
        fault(14, 4, 0),                            # A faults to the endpoint
        invoke(TASKCN, "CNODE_DELETE", small(17)),  # which goes
        new(17, ENDPOINT, 0x30),
    ] + child(18, at=0x41) + [
        invoke(task(18), "DISP_SET_EXC_EP", cap(task(17)), small(1)),
        call(YIELD), call(YIELD),
        call(EXIT, small(9)),                       # B's exit message waits
        invoke(TASKCN, "CNODE_DELETE", small(17)),
        new(31, DISPATCHER, 0x43),
        invoke(task(31), "DISP_SETUP", cap(task(30)), cap(VROOT), code_addr(), stack_top()),
        invoke(task(31), "DISP_RUN"),
        invoke(TASKCN, "CNODE_REVOKE", small(30)),  # its CSpace goes
        call(YIELD),
        invoke(task(31), "DISP_STATUS"),
    ],
    "span_many": [new(16, PML4, 0x10, 0, 17)] + [
        invoke(auth("SPAN_VROOT"), "SPAN_VROOT", cap(task(16 + i)), small(1), small(0))
        for i in range(17)] + [
        invoke(auth("EXPORT_VROOT_SET"), "EXPORT_VROOT_SET", cap(task(16)), small(3), remote_pdpt()),
        invoke(auth("SPAN_VROOT"), "SPAN_VROOT", cap(task(16)), small(0)),
        invoke(auth("SPAN_VROOT"), "SPAN_VROOT", cap(task(16)), small(0)),
        invoke(auth("EXPORT_FRAME"), "EXPORT_FRAME", cap(MESH), small(2), buf(0)),
    ],
    "ioports": [
        invoke(COM1, "IOPORT_OUT", small(0x3F8), small(1), small(0x41)),
        invoke(COM1, "IOPORT_IN", small(0x3FD), small(1)),
        invoke(COM1, "IOPORT_IN", small(0x3FE), small(4)),
        invoke(TASKCN, "CNODE_MINT", small(16), cap(COM1), rights(R)),
        invoke(task(16), "IOPORT_OUT", small(0x3F8), small(1), small(0x41)),
        invoke(task(16), "IOPORT_IN", small(0x3F8), small(2)),
    ],
    "sleep": child(16) + [
        call(SLEEP, time(50)),
        call(SLEEP, time(100)),
        timer(20), timer(100), timer(100),
        invoke(task(16), "DISP_INFO", buf(0)),
    ],
    "revoke_all": [new(17, ENDPOINT, 0x30), new(19, CNODE, 0x31, cnode_bytes(64))] + child(16) + [
        invoke(TASKCN, "CNODE_COPY", small(20), cap(task(17))),
        lmp(RECV, task(17)),
        invoke(task(16), "DISP_SET_EXC_EP", cap(task(17))),
        invoke(TASKCN, "CNODE_MOVE", small(40), cap(RAMCAP)),
        invoke(TASKCN, "CNODE_REVOKE", small(40)),
        call(YIELD),
        invoke(TASKCN, "CNODE_RETYPE", small(41), cap(task(40)), retype(FRAME, 8), pages(0), pages(1)),
    ],
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "seeds", "fuzz_invoke")
    os.makedirs(out, exist_ok=True)
    for name, ops in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(b"".join(ops))


if __name__ == "__main__":
    main()
