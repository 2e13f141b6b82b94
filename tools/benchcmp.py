#!/usr/bin/env python3
"""`make bench`'s last word: Flotilla beside Linux, one table.

Reads the figures of one Flotilla boot (tools/bench.py's JSON) and one
Linux guest boot in the same QEMU machine (tools/linuxguest.py's JSON),
matches each Flotilla workload with its Linux counterpart (COMPARE and
PAIR_COMPARE below: the mapping is written down here and nowhere else),
and prints one table: workload, Flotilla median and p99, Linux median and
p99, the ratio of the medians (Flotilla / Linux), and the floor (the cache
line bounced between the same two cores, measured in each system: its
round trip, or its one way beside a one-way row) where one applies. A side that has no figure says n/a; nothing is estimated.
Writes the table as JSON and CSV, and a bar chart of the medians as PNG
with gnuplot (when it is installed), and says where.

    benchcmp.py --flotilla build/bench/bench.json --linux build/bench/linux.json \\
                --out build/bench/results        # results.json, .csv, .png
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys

# One-core rows: (what is compared, Flotilla workload, Linux workload).
# None: that system has no such workload yet; its side is n/a.
COMPARE = [
    ("timing overhead (rdtsc pair)", "rdtsc_overhead", "rdtsc_overhead"),
    ("null system call", "null_syscall", "getppid"),
    ("yield, nothing else runnable", "yield_alone", "sched_yield_alone"),
    ("switch between address spaces", "dispatcher_switch", "process_switch"),
    ("thread switch (F: user-level, L: kernel)", "thread_switch", "thread_switch"),
    ("thread create + join (F: user-level, L: kernel)", "thread_create", "thread_create"),
    ("same-core round trip: LMP / pipe", "lmp_roundtrip", "pipe_samecore"),
    ("same-core round trip: LMP / futex", "lmp_roundtrip", "futex_samecore"),
    ("same-core round trip: LMP / unix socket", "lmp_roundtrip", "unix_samecore"),
    ("unmap a page mapped on all cores", "unmap_ncores", "munmap_ncores"),
]
# Rows per pair of cores: (what, Flotilla workload, Linux workload, and
# the floor: the cache line's workload of the same pair, in each system,
# or None). Flotilla's URPC is polled in urpc_roundtrip (meshbench.c
# spins) and sleeps until a doorbell in uchan_roundtrip (procbench.c),
# which meets Linux's round trips through the kernel that block.
FLOOR, FLOOR_ONEWAY = "cacheline_roundtrip", "cacheline_oneway"
PAIR_COMPARE = [
    ("cache line round trip (the floor)", "cacheline_roundtrip", "cacheline_roundtrip", None),
    ("cross-core round trip, polled: URPC / URPC in user space", "urpc_roundtrip",
     "urpc_roundtrip", FLOOR),
    ("cache line one way (the floor)", "cacheline_oneway", "cacheline_oneway", None),
    ("cross-core one way, polled: URPC / URPC in user space", "urpc_oneway", "urpc_oneway",
     FLOOR_ONEWAY),
    ("cross-core round trip, blocking: URPC / pipe", "uchan_roundtrip", "pipe_roundtrip", FLOOR),
    ("cross-core round trip, blocking: URPC / eventfd", "uchan_roundtrip", "eventfd_roundtrip",
     FLOOR),
    ("pipelined throughput (msgs/s): URPC / URPC in user space", "urpc_throughput",
     "urpc_throughput", None),
]
# The machine settings both boots must share.
SAME = ("smp", "mem", "numa", "accel")


def index(result):
    """{(name, pair or None): workload} of one side's JSON."""
    out = {}
    for w in result.get("workloads", []):
        out[(w["name"], None)] = w
    for p in result.get("pairs", []):
        if "name" in p:                       # linuxguest.py: one entry per line
            out[(p["name"], p["pair"])] = p
        else:                                 # bench.py: one entry per pair
            for k, w in p.items():
                if isinstance(w, dict) and "name" in w:
                    out[(w["name"], p["pair"])] = w
    return out


def figure(w):
    """(median, p99, unit) of a workload, or None when it has no figure."""
    if not w or w.get("na"):
        return None
    if w.get("unit") == "msgs_per_s":
        return (w["value"], None, "msgs/s")
    return (w["median"], w["p99"], "cycles")


def pairs_in(*indexes):
    pairs = []
    for ix in indexes:
        for _, pair in ix:
            if pair and pair not in pairs:
                pairs.append(pair)
    return sorted(pairs, key=lambda p: tuple(int(x) for x in p.split("-")))


def rows(flotilla, linux):
    """The comparison: one dict per row, in table order."""
    fi, li = index(flotilla), index(linux)
    out = []

    def row(what, fname, lname, pair, floor=None):
        f = figure(fi.get((fname, pair))) if fname else None
        l = figure(li.get((lname, pair))) if lname else None
        r = {"workload": what, "pair": pair, "flotilla": fname, "linux": lname,
             "unit": (f or l or (None, None, "cycles"))[2],
             "flotilla_median": f[0] if f else None, "flotilla_p99": f[1] if f else None,
             "linux_median": l[0] if l else None, "linux_p99": l[1] if l else None,
             "ratio": round(f[0] / l[0], 2) if f and l and l[0] else None,
             "floor_flotilla": None, "floor_linux": None}
        if floor:
            ff, lf = figure(fi.get((floor, pair))), figure(li.get((floor, pair)))
            r["floor_flotilla"], r["floor_linux"] = ff and ff[0], lf and lf[0]
        return r

    for what, fname, lname in COMPARE:
        out.append(row(what, fname, lname, None))
    for pair in pairs_in(fi, li):
        for what, fname, lname, floor in PAIR_COMPARE:
            if (fname and (fname, pair) in fi) or (lname and (lname, pair) in li):
                out.append(row(what, fname, lname, pair, floor))
    return out


def cell(x):
    return "n/a" if x is None else (f"{x:.2f}" if isinstance(x, float) else str(x))


def table(rs):
    """The table for people; the first column left-aligned, the rest right."""
    head = ("workload", "pair", "Flotilla median", "p99", "Linux median", "p99", "F/L",
            "floor F / L")
    body = []
    for r in rs:
        floor = "" if r["floor_flotilla"] is None and r["floor_linux"] is None else \
            f"{cell(r['floor_flotilla'])} / {cell(r['floor_linux'])}"
        p99f = "" if r["unit"] != "cycles" else cell(r["flotilla_p99"])
        p99l = "" if r["unit"] != "cycles" else cell(r["linux_p99"])
        body.append((r["workload"], r["pair"] or "", cell(r["flotilla_median"]), p99f,
                     cell(r["linux_median"]), p99l, cell(r["ratio"]), floor))
    all_rows = [head] + body
    width = [max(len(x[i]) for x in all_rows) for i in range(len(head))]
    return "\n".join("  ".join([x[0].ljust(width[0]), x[1].ljust(width[1])] +
                               [c.rjust(width[i + 2]) for i, c in enumerate(x[2:])]).rstrip()
                     for x in all_rows)


def mismatches(flotilla, linux):
    """The settings in which the two boots differ (should be none)."""
    return [f"{k}: Flotilla {flotilla.get(k)!r}, Linux {linux.get(k)!r}" for k in SAME
            if str(flotilla.get(k)) != str(linux.get(k))]


def write_csv(rs, path):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rs[0].keys()))
        w.writeheader()
        for r in rs:
            w.writerow({k: "n/a" if v is None else v for k, v in r.items()})


def plot(rs, base, title):
    """A bar chart of the medians in cycles (log scale): base.png, made by
    gnuplot from base.dat. Returns the PNG's path, or None without gnuplot."""
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        return None
    dat, png = base + ".dat", base + ".png"
    with open(dat, "w") as f:
        f.write("# workload flotilla_median linux_median (cycles; ? = n/a)\n")
        for r in rs:
            if r["unit"] != "cycles":
                continue
            names = [r["flotilla"] or "n/a", r["linux"]]
            label = names[0] if names[0] == names[1] else " / ".join(names)
            label += f" {r['pair']}" if r["pair"] else ""
            f.write('"%s" %s %s\n' % (label.replace('"', "'"),
                                      cell(r["flotilla_median"]).replace("n/a", "?"),
                                      cell(r["linux_median"]).replace("n/a", "?")))
    script = f"""
set terminal pngcairo size 1400,850 noenhanced font ",9"
set output "{png}"
set title "{title}"
set datafile missing "?"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set ylabel "cycles per operation, median (log scale); labels: Flotilla / Linux workload"
set xtics rotate by -40 left
set key top left
set bmargin 16
set rmargin 12
plot "{dat}" using 2:xtic(1) title "Flotilla", "" using 3 title "Linux"
"""
    r = subprocess.run([gnuplot], input=script, text=True, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if r.returncode != 0:
        print(f"benchcmp: gnuplot failed:\n{r.stdout}", file=sys.stderr)
        return None
    return png


def shootdown_table(flotilla, linux):
    """Flotilla's shootdown over each shape beside the Linux guest's munmap
    at the same core counts: medians in cycles, F/L for each shape."""
    lin = {r["cores"]: r for r in linux.get("munmap", [])}
    flo = {}
    for r in flotilla.get("shootdown", []):
        flo.setdefault(r["cores"], {})[r["protocol"]] = r
    if not flo:
        return None
    shapes = ["broadcast", "unicast", "multicast", "numa"]
    out = [["cores", "linux munmap"] + [f"{s} (F/L)" for s in shapes]]
    for cores in sorted(flo):
        lm = lin.get(cores)
        row = [str(cores), str(lm["median"]) if lm else "-"]
        for s in shapes:
            f = flo[cores].get(s)
            if not f:
                row.append("-")
                continue
            q = f" ({f['median'] / lm['median']:.2f})" if lm and lm["median"] else ""
            row.append(f"{f['median']}{q}")
        out.append(row)
    width = [max(len(r[i]) for r in out) for i in range(len(out[0]))]
    return "\n".join("  ".join(c.rjust(width[i]) for i, c in enumerate(r)) for r in out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--flotilla", default="build/bench/bench.json")
    ap.add_argument("--linux", default="build/bench/linux.json")
    ap.add_argument("--out", default="build/bench/results",
                    help="writes OUT.json, OUT.csv and OUT.png")
    a = ap.parse_args()
    sides = []
    for path in (a.flotilla, a.linux):
        try:
            with open(path) as f:
                sides.append(json.load(f))
        except (OSError, ValueError) as e:
            sys.exit(f"benchcmp: {path}: {e}")
    flotilla, linux = sides
    rs = rows(flotilla, linux)
    differ = mismatches(flotilla, linux)
    machine = (f"{flotilla.get('smp')} cores, {flotilla.get('mem')}, NUMA "
               f"{flotilla.get('numa') or 0}, accelerator {flotilla.get('accel')}")
    print(f"\nFlotilla beside Linux ({linux.get('guest') or 'Linux guest'}), same QEMU machine: "
          f"{machine}")
    print("medians and p99 in cycles (throughput in messages per second); F/L is the ratio "
          "of the medians; the floor is the cache line between the same cores (its round trip; "
          "its one way on the one-way rows)")
    print(table(rs))
    sd = shootdown_table(flotilla, linux)
    if sd:
        print("\nUnmapping a page of a process on N cores: Flotilla's shootdown over each "
              "shape beside Linux's munmap (medians, cycles); cross-core times mean something "
              f"only when vCPUs <= host cores ({os.cpu_count()} here):")
        print(sd)
    for d in differ:
        print(f"benchcmp: warning: the boots differ in {d}", file=sys.stderr)
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    with open(a.out + ".json", "w") as f:
        json.dump({"machine": {k: flotilla.get(k) for k in SAME}, "differ": differ,
                   "flotilla": {"date": flotilla.get("date"), "command": flotilla.get("command"),
                                "tsc_mhz": flotilla.get("tsc_mhz")},
                   "linux": {"date": linux.get("date"), "command": linux.get("command"),
                             "guest": linux.get("guest"), "tsc_mhz": linux.get("tsc_mhz")},
                   "rows": rs}, f, indent=2)
        f.write("\n")
    write_csv(rs, a.out + ".csv")
    png = plot(rs, a.out, f"Flotilla beside Linux, {machine}")
    print(f"benchcmp: table in {a.out}.json and {a.out}.csv; "
          + (f"plot in {png}" if png else "no plot (gnuplot is not installed)"))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
