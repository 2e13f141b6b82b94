#!/usr/bin/env python3
"""Flotilla's event traces as Perfetto (Chrome JSON) traces (docs/trace.md).

    tools/trace.py run [--kernel K] [--smp N] [--cmds "A; B"] [-o OUT.json]
        boots Flotilla, types a scenario at the shell (default: bind two
        processes over a channel, a spanned process's unmap, a few commands),
        then `trace N` and `poweroff`; writes the log beside OUT and the trace
    tools/trace.py convert LOG [-o OUT.json]
        the `trace` lines of a console log, as a trace
    tools/trace.py check OUT.json
        the trace's structure, and that every flow has both ends

A trace has one track per core. Each dispatcher's time on a core is a slice
(from the switch to it to the next switch); every recorded event is a small
slice inside it; a URPC or LMP send and its receive are joined by a flow
arrow. Open OUT.json at https://ui.perfetto.dev (Open trace file).

Only the standard library. Exit status 0 when all went well.
"""
import argparse
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))

KINDS = ("switch", "lmp_send", "lmp_recv", "doorbell_send", "doorbell_recv", "upcall",
         "fault", "urpc_send", "urpc_recv", "restart", "agree", "mark")
LMP_KINDS = {0: "send", 1: "call", 2: "reply", 3: "fault", 4: "exit", 5: "notify"}

# The scenario of `make trace` (docs/trace.md): each entry is what is typed,
# what the output must show before the next command is typed, and whether
# a prompt must follow it (False: the text comes from a process, later).
DEFAULT_SCENARIO = [
    ("spawn uprog 26 on 2", r"started", True),      # the idl channel server exports
    ("spawn uprog 539 on 1", r"started", True),     # its client binds (27 | 2 << 8)
    ("ping 3", r"round trip", True),
    # A process spanned on every core unmaps pages over each tree shape;
    # its reader on the last core faults (tests/user/uprog/shoot.c).
    ("spawn uprog 24 on 1", r"(the reader|the span) faulted\n", False),
    ("ps", r"processes? on", True),
    ("mem", r"KiB free", True),
]


class TraceError(Exception):
    pass


def name8(word):
    """A dispatcher's name from the first 8 bytes packed in a word."""
    b = int(word).to_bytes(8, "little").split(b"\0")[0]
    return b.decode("ascii", "replace") or "?"


def parse(text):
    """The trace lines between `trace: begin` and `trace: end`: per core,
    its clock anchors, counts and events. Raises TraceError on a malformed
    dump (a core without its end line, an event line that does not parse)."""
    begin = text.rfind("trace: begin")
    if begin < 0:
        raise TraceError("no 'trace: begin' line: was `trace` typed at the shell?")
    end = text.find("trace: end", begin)
    if end < 0:
        raise TraceError("no 'trace: end' line after 'trace: begin'")
    cores = {}
    for line in text[begin:end].splitlines()[1:]:
        line = line.strip()
        if not line.startswith("trace "):
            continue
        f = line.split()
        try:
            core = int(f[1])
            c = cores.setdefault(core, {"events": [], "clock": None, "kept": None,
                                        "lost_kernel": 0, "lost_monitor": 0, "end": None})
            if f[2] == "clock":
                c["clock"] = tuple(int(v, 16) if i % 2 == 0 else int(v)
                                   for i, v in enumerate(f[3:7]))
            elif f[2] == "kept":
                c["kept"] = int(f[3])
                c["lost_kernel"] = int(f[6])
                c["lost_monitor"] = int(f[8])
            elif f[2] == "end":
                c["end"] = int(f[3])
            elif f[2] == "bad":
                raise TraceError(f"core {core} kept an event of unknown kind {f[3]}")
            elif f[2] in KINDS:
                c["events"].append({"core": core, "kind": f[2], "tsc": int(f[3], 16),
                                    "a": int(f[4], 16), "b": int(f[5], 16),
                                    "c": int(f[6], 16)})
            else:
                raise TraceError(f"unknown trace line: {line}")
        except (IndexError, ValueError) as e:
            raise TraceError(f"malformed trace line: {line} ({e})")
    if not cores:
        raise TraceError("the dump holds no core's trace")
    for core, c in sorted(cores.items()):
        if c["end"] is None or c["clock"] is None or c["kept"] is None:
            raise TraceError(f"core {core}'s dump is incomplete (no clock, kept or end line)")
        if c["end"] != len(c["events"]) or c["kept"] != len(c["events"]):
            raise TraceError(f"core {core} printed {len(c['events'])} events, said "
                             f"{c['kept']} kept and {c['end']} at the end")
    return cores


def to_ns(cores):
    """The function from TSC to nanoseconds for the whole machine. The
    cores share one TSC (QEMU's is one virtual clock; a PC's invariant TSC
    is synchronized across cores), so one mapping keeps the order of events
    on different cores exactly as the TSC saw it. Its rate comes from the
    core whose two anchors (TSC and SYS_CLOCK read together, at its
    monitor's start and at the snapshot) lie furthest apart, which makes
    the error of reading a pair non-atomically smallest; its origin is the
    TSC's zero. A per-core mapping would instead move each core's events
    by its own anchor error, enough to put a receive before its send."""
    best = None
    for c in cores.values():
        tsc0, ns0, tsc1, ns1 = c["clock"]
        if tsc1 <= tsc0 or ns1 <= ns0:
            raise TraceError("a core's clock anchors do not move forward")
        if best is None or tsc1 - tsc0 > best[2] - best[0]:
            best = (tsc0, ns0, tsc1, ns1)
    per = (best[3] - best[1]) / (best[2] - best[0])
    return lambda tsc: tsc * per


def convert(cores):
    """The Chrome/Perfetto JSON object for parsed cores, and a summary."""
    ev = [{"ph": "M", "pid": 0, "name": "process_name", "args": {"name": "Flotilla"}}]
    ns = to_ns(cores)
    sends, recvs = {}, {}
    total = 0
    last = 0.0
    for core, c in sorted(cores.items()):
        ev.append({"ph": "M", "pid": 0, "tid": core, "name": "thread_name",
                   "args": {"name": f"core {core}"}})
        ev.append({"ph": "M", "pid": 0, "tid": core, "name": "thread_sort_index",
                   "args": {"sort_index": core}})
        evs = sorted(c["events"], key=lambda e: e["tsc"])
        for e in evs:
            e["ts"] = ns(e["tsc"]) / 1000.0        # microseconds
            last = max(last, e["ts"])
        # Dispatcher slices: from each switch to the next (the last one to
        # the snapshot).
        switches = [e for e in evs if e["kind"] == "switch"]
        end_ts = ns(c["clock"][2]) / 1000.0
        for i, s in enumerate(switches):
            stop = switches[i + 1]["ts"] if i + 1 < len(switches) else end_ts
            who = "idle" if s["b"] == 0 else name8(s["c"])
            ev.append({"ph": "X", "pid": 0, "tid": core, "ts": s["ts"],
                       "dur": max(stop - s["ts"], 0.0), "name": who, "cat": "dispatcher",
                       "args": {"dcb": hex(s["b"]), "switch": s["a"]}})
        for e in evs:
            if e["kind"] == "switch":
                continue
            total += 1
            name, args = describe(e)
            ev.append({"ph": "X", "pid": 0, "tid": core, "ts": e["ts"], "dur": 0.001,
                       "name": name, "cat": e["kind"], "args": args})
            key = flow_key(e)
            if key and e["kind"].endswith("_send"):
                sends[key] = e
            elif key:
                recvs[key] = e
    flows = 0
    for n, key in enumerate(sorted(k for k in sends if k in recvs)):
        s, r = sends[key], recvs[key]
        cat = key[0]
        ev.append({"ph": "s", "pid": 0, "tid": s["core"], "ts": s["ts"], "id": n + 1,
                   "name": f"{cat} message", "cat": cat})
        ev.append({"ph": "f", "bp": "e", "pid": 0, "tid": r["core"], "ts": r["ts"], "id": n + 1,
                   "name": f"{cat} message", "cat": cat})
        flows += 1
    summary = {
        "cores": len(cores), "events": total, "flows": flows,
        "sends_without_receive": sum(1 for k in sends if k not in recvs),
        "receives_without_send": sum(1 for k in recvs if k not in sends),
        "unmatched_lmp": sum(1 for d, o in ((sends, recvs), (recvs, sends))
                             for k in d if k[0] == "lmp" and k not in o),
        "unmatched_urpc": sum(1 for d, o in ((sends, recvs), (recvs, sends))
                              for k in d if k[0] == "urpc" and k not in o),
        "lost": sum(c["lost_kernel"] + c["lost_monitor"] for c in cores.values()),
    }
    return {"traceEvents": ev, "displayTimeUnit": "ns",
            "otherData": {"source": "Flotilla (tools/trace.py)", **{k: str(v) for k, v in summary.items()}}}, summary


def flow_key(e):
    """What a send and its receive both know: (kind, channel, index) for
    URPC, (LMP, core, number) for LMP."""
    if e["kind"] in ("urpc_send", "urpc_recv"):
        return ("urpc", e["b"], e["c"])
    if e["kind"] in ("lmp_send", "lmp_recv"):
        return ("lmp", e["core"], e["b"])
    return None


def describe(e):
    k = e["kind"]
    if k in ("urpc_send", "urpc_recv"):
        ch = e["b"]
        return (f"{k} {ch >> 16}->{(ch >> 8) & 0xFF} type {e['a']}",
                {"channel": f"{ch >> 16}->{(ch >> 8) & 0xFF}", "index": e["c"], "type": e["a"]})
    if k in ("lmp_send", "lmp_recv"):
        what = LMP_KINDS.get(e["a"], str(e["a"]))
        return (f"{k} {what} ({name8(e['c'])})", {"flow": e["b"], "kind": what,
                                                 ("from" if k == "lmp_send" else "to"): name8(e["c"])})
    if k == "doorbell_send":
        return (f"doorbell -> core {e['a']} slot {e['b']}", {"core": e["a"], "slot": e["b"]})
    if k == "doorbell_recv":
        return (f"doorbell slot {e['b']}", {"slot": e["b"]})
    if k == "upcall":
        return (f"upcall {'fault' if e['a'] else 'run'} {name8(e['c'])}", {"dcb": hex(e["b"])})
    if k == "fault":
        return (f"fault {e['a']} in {name8(e['c'])}", {"vector": e["a"], "address": hex(e["b"])})
    return (k, {"a": e["a"], "b": e["b"], "c": e["c"]})


def check(obj):
    """Problems with a trace object: its structure, and flows (every start
    has one finish with the same id, on or after it, and the reverse)."""
    problems = []
    if not isinstance(obj, dict) or not isinstance(obj.get("traceEvents"), list):
        return ["no traceEvents list"]
    starts, finishes = {}, {}
    slices = 0
    for i, e in enumerate(obj["traceEvents"]):
        if not isinstance(e, dict) or e.get("ph") not in ("M", "X", "i", "s", "f"):
            problems.append(f"event {i}: no known ph")
            continue
        if "pid" not in e or (e["ph"] != "M" and "tid" not in e):
            problems.append(f"event {i}: no pid/tid")
        if e["ph"] == "M":
            continue
        if not isinstance(e.get("ts"), (int, float)) or not isinstance(e.get("name"), str):
            problems.append(f"event {i}: no numeric ts or no name")
            continue
        if e["ph"] == "X":
            slices += 1
            if not isinstance(e.get("dur"), (int, float)) or e["dur"] < 0:
                problems.append(f"event {i}: a slice without a duration >= 0")
        if e["ph"] in ("s", "f"):
            d = starts if e["ph"] == "s" else finishes
            if e.get("id") in d:
                problems.append(f"event {i}: flow id {e.get('id')} has two {e['ph']} ends")
            d[e.get("id")] = e
    for fid, s in starts.items():
        f = finishes.get(fid)
        if f is None:
            problems.append(f"flow {fid} has no finish")
        elif f["ts"] < s["ts"]:
            problems.append(f"flow {fid} finishes ({f['ts']}) before it starts ({s['ts']})")
    for fid in finishes:
        if fid not in starts:
            problems.append(f"flow {fid} has no start")
    if not slices:
        problems.append("no slices at all")
    return problems


def write(obj, out):
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        json.dump(obj, f)


def run(a):
    import boottest
    import qemu  # noqa: F401  (boottest uses it)

    scenario = DEFAULT_SCENARIO
    if a.cmds:
        scenario = [(c.strip(), None, True) for c in a.cmds.split(";") if c.strip()]
    prompt = re.escape(boottest.SHELL_PROMPT)
    steps = [(c, prompt if want is None else want + (r"[\s\S]*?" + prompt if then_prompt else ""))
             for c, want, then_prompt in scenario]
    script = [(boottest.SHELL_BANNER + r"[\s\S]*?" + prompt, steps[0][0] + "\r")] if steps else []
    for i in range(1, len(steps)):
        script.append((steps[i - 1][1], steps[i][0] + "\r"))
    last = steps[-1][1] if steps else boottest.SHELL_BANNER + r"[\s\S]*?" + prompt
    script.append((last, f"trace {a.events}\r"))
    script.append((r"trace: end[\s\S]*?" + prompt, "poweroff\r"))
    logdir = os.path.dirname(os.path.abspath(a.out))
    matched = []
    status, text, log = boottest.boot("trace", logdir, a.timeout, script=script, matched=matched,
                                      step_timeout=120, smp=a.smp, mem=a.mem, kernel=a.kernel,
                                      append=a.append)
    if len(matched) < len(script):
        typed = script[len(matched)][1].strip() if len(matched) < len(script) else "?"
        print(f"trace: the scenario stopped before '{typed}' (QEMU status {status}); log {log}",
              file=sys.stderr)
        return 1
    return finish(text, a.out, log)


def finish(text, out, log=None):
    try:
        obj, summary = convert(parse(text))
    except TraceError as e:
        print(f"trace: {e}" + (f"; log {log}" if log else ""), file=sys.stderr)
        return 1
    problems = check(obj)
    write(obj, out)
    print(f"trace: {summary['cores']} cores, {summary['events']} events, {summary['flows']} "
          f"flows (send to receive), {summary['sends_without_receive']} sends and "
          f"{summary['receives_without_send']} receives whose other end fell outside the "
          f"snapshot, {summary['lost']} events older than it; {out}")
    for p in problems:     # on stdout, after the summary, in order
        print(f"trace: {out}: {p}")
    return 1 if problems else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="what", required=True)
    r = sub.add_parser("run")
    r.add_argument("--kernel", default="build/flotilla-test.bin")
    r.add_argument("--smp", type=int, default=4)
    r.add_argument("--mem", default="512M")
    r.add_argument("--append", default="")
    r.add_argument("--cmds", help="shell commands, separated by ';' (TRACE_CMDS)")
    r.add_argument("--events", type=int, default=4096, help="newest events per ring and core")
    r.add_argument("--timeout", type=int, default=600)
    r.add_argument("-o", "--out", default="build/trace/trace.json")
    c = sub.add_parser("convert")
    c.add_argument("log")
    c.add_argument("-o", "--out", default="build/trace/trace.json")
    k = sub.add_parser("check")
    k.add_argument("json")
    a = ap.parse_args()
    if a.what == "run":
        return run(a)
    if a.what == "convert":
        with open(a.log, errors="replace") as f:
            return finish(f.read().replace("\r", ""), a.out)
    with open(a.json) as f:
        try:
            obj = json.load(f)
        except json.JSONDecodeError as e:
            print(f"trace: {a.json}: not JSON: {e}", file=sys.stderr)
            return 1
    problems = check(obj)
    for p in problems:
        print(f"trace: {a.json}: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
