"""Boot tests of supervision (docs/supervision.md), run by tools/boottest.py.

Each boot gives init a tree to supervise with `init=` and `initsup=` and
checks init's reports, which name every instance as CORE:PID, and, where
a shell runs, what `tree` says. The restart intensity's periods are an
hour, so that whether a restart loop is cut never depends on how fast the
emulated machine runs; heartbeat bounds are 10 s against beats every
100 ms: deadlines that turn a hang into a FAIL, not timings.
"""
import re

UPROG_IDLE, UPROG_BEATS, UPROG_HANGS, UPROG_CHATTER = 17, 39, 40, 19
HB = 10000                      # ms: a heartbeat bound far above a 100 ms beat


def problems_of(text, want=(), forbid=(), order=()):
    """What the log lacks: each (regex, count) of want must match exactly
    count times (None: at least once); no regex of forbid may match; the
    regexes of order must match in that order."""
    out = []
    for rx, n in want:
        got = len(re.findall(rx, text, re.M))
        if (n is None and got == 0) or (n is not None and got != n):
            out.append(f"{got} x /{rx}/, want {'some' if n is None else n}")
    out += [f"/{rx}/ appears" for rx in forbid if re.search(rx, text, re.M)]
    pos = 0
    for rx in order:
        m = re.compile(rx, re.M).search(text, pos)
        if not m:
            out.append(f"/{rx}/ not found after the lines before it in order")
            break
        pos = m.end()
    for bad in (r"kernel fault", r"^panic: "):
        if re.search(bad, text, re.M):
            out.append(f"the output has /{bad}/")
    return out


def verdict(res, bt, name, problems, log, text):
    if problems:
        res.add("FAIL", name, "; ".join(problems) + f"; log {log}\n" + bt.tail(text, 25))
    else:
        res.add("PASS", name)


def by_policy(res, args, bt):
    """init -w runs a tree of three programs on two cores, one_for_one,
    3 restarts in an hour: a permanent child that always faults is
    restarted exactly 3 times, each restart naming the instance it
    replaces, then the supervisor gives up (stopping the rest) and the
    root leaves it (transient); a transient child that exits 0 and a
    temporary one that faults on core 1 are not restarted; init exits with
    the 2 that ended badly."""
    name = "boot/special/init_supervises_by_otp_rules"
    if args.filter and args.filter not in name:
        return
    specs = "uprog:2/permanent,uprog:0/transient,uprog:1@1/temporary"
    status, text, log = bt.boot(name, args.logdir, args.timeout, smp=2, mem=args.mem,
                                kernel=args.kernel,
                                append=f"utest=init init={specs} initsup=one_for_one:3/3600")
    want = [
        (r"^init: programs: started uprog as 0:\d+ \(permanent\)$", 1),
        (r"^init: programs: started uprog\.1 as 0:\d+ \(transient\)$", 1),
        (r"^init: programs: started uprog\.2 as 1:\d+ \(temporary\)$", 1),
        (r"^init: programs: uprog 0:\d+ ended \(fault\); restarting \(one_for_one\)$", 3),
        (r"^init: programs: restarted uprog as 0:\d+ \(was 0:\d+; restart [123]\)$", 3),
        (r"^init: programs: uprog 0:\d+ ended \(fault\); more than 3 restarts in 3600 s: "
         r"stopping every child and ending$", 1),
        (r"^init: programs: uprog\.1 0:\d+ ended \(exit status 0\); not restarted \(transient\)$", 1),
        (r"^init: programs: uprog\.2 1:\d+ ended \(fault\); not restarted \(temporary\)$", 1),
        (r"^monitor: core 1: process 'uprog' faulted: #DE divide error", 1),
        (r"^init: supervisor programs ended: too many restarts$", 1),
        (r"^init: supervisor programs: not restarted$", 1),
        (r"^init: nothing left to supervise; 2 programs ended badly$", 1),
        (r"^monitor: core 0: process 'init' exited with status 2$", 1),
    ]
    order = [r"restart 1\)$", r"restart 2\)$", r"restart 3\)$", r"more than 3 restarts"]
    problems = problems_of(text, want, order=order)
    if status != bt.EXIT_FAIL:
        problems.insert(0, f"QEMU exit {status}, want {bt.EXIT_FAIL} (init reports 2 ended badly)")
    verdict(res, bt, name, problems, log, text)


def bad_specs(res, args, bt):
    """Bad specs and supervisor flags each get one line saying what is
    wrong, and start none of the programs (a part of the list would run as
    if it were the whole); init goes on and exits cleanly."""
    cases = [
        ("bad_child_specs_are_refused_with_reasons",
         "init=uprog:0/bogus,nope,uprog:0@7,uprog:12x",
         [(r"^init: bad spec 'uprog:0/bogus': unknown option \(permanent, transient, temporary, "
           r"hb=MS or stop=MS\)$", 1),
          (r"^init: bad spec 'nope': there is no program 'nope' in the boot image$", 1),
          (r"^init: bad spec 'uprog:0@7': there is no core 7 \(cores 0\.\.1\)$", 1),
          (r"^init: bad spec 'uprog:12x': ARG must be a number", 1),
          (r"^init: starting none of the programs: 4 bad specs$", 1),
          (r"^init: supervising 0 programs$", 1),
          (r"^init: nothing left to supervise; 4 programs ended badly$", 1)]),
        ("an_unknown_strategy_is_refused",
         "init=uprog:0 initsup=one_for_some:1/5",
         [(r"^init: bad supervisor flags 'one_for_some:1/5': unknown strategy \(one_for_one, "
           r"one_for_all, rest_for_one or simple_one_for_one\)$", 1),
          (r"^init: supervising 0 programs$", 1)]),
        ("a_zero_or_negative_period_is_refused",
         "init=uprog:0 initsup=one_for_all:1/0",
         [(r"^init: bad supervisor flags 'one_for_all:1/0': the period must be at least 1 second$",
           1), (r"^init: supervising 0 programs$", 1)]),
    ]
    for short, append, want in cases:
        name = f"boot/special/init_{short}"
        if args.filter and args.filter not in name:
            continue
        status, text, log = bt.boot(name, args.logdir, args.timeout, smp=2, mem="128M",
                                    kernel=args.kernel, append=f"utest=init {append}")
        problems = problems_of(text, want, forbid=[r"^uprog: hello"])
        if status != bt.EXIT_FAIL:
            problems.insert(0, f"QEMU exit {status}, want {bt.EXIT_FAIL} (init counts them bad)")
        verdict(res, bt, name, problems, log, text)


def shell_script(bt, steps):
    """boot()'s script from (wait_for, typed) steps: None waits for the
    next prompt; the banner, for the first prompt after it; any other
    regex only for itself (init's reports come after the prompt, which
    the shell printed already)."""
    prompt = re.escape(bt.SHELL_PROMPT)
    return [(prompt if wait is None else wait + r"[\s\S]*?" + prompt
             if wait == bt.SHELL_BANNER else wait, typed) for wait, typed in steps]


def tree_rows(text, start):
    """The rows `tree` printed after position start: name -> (where,
    state, restarts)."""
    block = text[start:].split(bt_prompt, 1)[0]
    rows = {}
    for m in re.finditer(r"^ *(\S+?)/? +(\S+) +(\S+(?: \S+)?) +(\d+)$", block, re.M):
        rows[m.group(1)] = (m.group(2), m.group(3), int(m.group(4)))
    return rows


bt_prompt = "flotilla> "


def tree_problems(text, matched, k, expect):
    """What `tree`, typed at script step k, printed wrong: expect maps a
    name to (where regex, state, restarts or None)."""
    if len(matched) <= k:
        return [f"`tree` (step {k + 1}) was never typed"]
    rows = tree_rows(text, matched[k].end())
    out = []
    for name, (where, state, restarts) in expect.items():
        if name not in rows:
            out.append(f"tree has no row {name!r} (rows {sorted(rows)})")
            continue
        w, s, r = rows[name]
        if not re.fullmatch(where, w) or s != state or (restarts is not None and r != restarts):
            out.append(f"tree row {name}: {w} {s} {r}, want /{where}/ {state} "
                       f"{restarts if restarts is not None else 'any'}")
    return out


def rest_for_one_on_cores(res, args, bt, smp=4):
    """A rest_for_one tree of idle programs on cores 1, 2 and 3 under the
    shell's init: `tree` shows each on its core; the shell kills the
    middle one (2:PID); init stops the one started after it (3:PID, first
    stopped, brutal_kill), restarts both in order, each report naming the
    instance it replaces; `tree` then shows their restart counts (0, 1,
    1), the first one untouched, and the shell's system supervisor beside
    them."""
    name = f"boot/special/smp{smp}_rest_for_one_restarts_across_cores"
    if args.filter and args.filter not in name:
        return
    specs = ",".join(f"uprog:{UPROG_IDLE}@{c}/permanent" for c in (1, 2, 3))
    started = r"^init: programs: started uprog\.1 as 2:(\d+)"
    script = shell_script(bt, [
        (bt.SHELL_BANNER, "tree\r"),
        (None, lambda sofar: f"kill 2:{re.search(started, sofar, re.M).group(1)}\r"),
        (r"^init: programs: restarted uprog\.2 as 3:\d+", "tree\r"),
        (None, "poweroff\r"),
    ])
    matched = []
    status, text, log = bt.boot(name, args.logdir, args.timeout, script=script, matched=matched,
                                step_timeout=bt.SHELL_STEP_TIMEOUT, smp=smp, mem=args.mem,
                                kernel=args.kernel,
                                append=f"init={specs} initsup=rest_for_one:3/3600")
    want = [
        (r"^init: programs: uprog\.1 2:\d+ ended \(killed\); restarting \(rest_for_one\)$", 1),
        (r"^init: programs: killing uprog\.2 3:\d+ \(brutal_kill\)$", 1),
        (r"^init: programs: restarted uprog\.1 as 2:\d+ \(was 2:\d+; restart 1\)$", 1),
        (r"^init: programs: restarted uprog\.2 as 3:\d+ \(was 3:\d+; restart 1\)$", 1),
    ]
    order = [r"ended \(killed\)", r"killing uprog\.2 3:", r"restarted uprog\.1 as 2:",
             r"restarted uprog\.2 as 3:"]
    problems = problems_of(text, want, forbid=[r"killing uprog 1:", r"restarted uprog as"],
                           order=order)
    problems += tree_problems(text, matched, 0, {
        "init": ("-", "running", 0), "programs": ("-", "running", 0),
        "uprog": ("1:\\d+", "running", 0), "uprog.1": ("2:\\d+", "running", 0),
        "uprog.2": ("3:\\d+", "running", 0), "system": ("-", "running", 0),
        "shell": ("0:\\d+", "running", 0)})
    problems += tree_problems(text, matched, 2, {
        "uprog": ("1:\\d+", "running", 0), "uprog.1": ("2:\\d+", "running", 1),
        "uprog.2": ("3:\\d+", "running", 1), "shell": ("0:\\d+", "running", 0)})
    if len(matched) < len(script):
        problems.append(f"script step {len(matched) + 1} of {len(script)} never matched")
    elif status != 0:
        problems.append(f"QEMU exit {status} after poweroff, want 0")
    verdict(res, bt, name, problems, log, text)


def heartbeats(res, args, bt, smp=4):
    """Three programs on cores 1, 2 and 3, one_for_one: one beats every
    100 ms (bound 10 s), one hangs, spinning without a beat (bound 10 s),
    one idles without heartbeats. init finds the hung one when its bound
    runs out, kills it and restarts it; `tree` then shows it restarted and
    the other two running with no restart: the rest of the tree is
    unaffected."""
    name = f"boot/special/smp{smp}_a_hung_child_is_found_by_heartbeat_and_restarted"
    if args.filter and args.filter not in name:
        return
    specs = (f"uprog:{UPROG_BEATS}@1/permanent/hb={HB},uprog:{UPROG_HANGS}@2/permanent/hb={HB},"
             f"uprog:{UPROG_IDLE}@3/permanent")
    script = shell_script(bt, [
        (r"^init: programs: restarted uprog\.1 as 2:\d+", "tree\r"),
        (None, "poweroff\r"),
    ])
    matched = []
    status, text, log = bt.boot(name, args.logdir, args.timeout, script=script, matched=matched,
                                step_timeout=bt.SHELL_STEP_TIMEOUT, smp=smp, mem=args.mem,
                                kernel=args.kernel,
                                append=f"init={specs} initsup=one_for_one:5/3600")
    want = [
        (r"^uprog: beats on core 1$", 1),
        (r"^uprog: hangs on core 2$", None),
        (r"^init: programs: killing uprog\.1 2:\d+ \(it missed its heartbeat\)$", None),
        (r"^init: programs: restarted uprog\.1 as 2:\d+ \(was 2:\d+; restart 1\)$", 1),
    ]
    problems = problems_of(text, want, forbid=[r"killing uprog 1:", r"killing uprog\.2",
                                               r"restarted uprog as", r"restarted uprog\.2"])
    problems += tree_problems(text, matched, 0, {
        "uprog": ("1:\\d+", "running", 0), "uprog.1": ("2:\\d+", "running", None),
        "uprog.2": ("3:\\d+", "running", 0), "shell": ("0:\\d+", "running", 0)})
    if len(matched) < len(script):
        problems.append(f"script step {len(matched) + 1} of {len(script)} never matched")
    elif status != 0:
        problems.append(f"QEMU exit {status} after poweroff, want 0")
    verdict(res, bt, name, problems, log, text)


def ordered_stop(res, args, bt, smp=4):
    """one_for_all with shutdown limits: A (core 1) beats and stops when
    asked (stop=5000 ms), B (core 2) idles and ignores the request
    (stop=2000 ms), C (core 3) is killed at once. The shell kills C: init
    stops B first (last started first), kills it when its limit runs out,
    then asks A, which ends with status 0; then it starts A, B, C again, in
    order."""
    name = f"boot/special/smp{smp}_one_for_all_stops_last_first_then_kills"
    if args.filter and args.filter not in name:
        return
    specs = (f"uprog:{UPROG_BEATS}@1/permanent/hb={HB}/stop=5000,"
             f"uprog:{UPROG_IDLE}@2/permanent/stop=2000,uprog:{UPROG_IDLE}@3/permanent")
    started = r"^init: programs: started uprog\.2 as 3:(\d+)"
    script = shell_script(bt, [
        (bt.SHELL_BANNER, lambda sofar: f"kill 3:{re.search(started, sofar, re.M).group(1)}\r"),
        (r"^init: programs: restarted uprog\.2 as 3:\d+", "poweroff\r"),
    ])
    matched = []
    status, text, log = bt.boot(name, args.logdir, args.timeout, script=script, matched=matched,
                                step_timeout=bt.SHELL_STEP_TIMEOUT, smp=smp, mem=args.mem,
                                kernel=args.kernel,
                                append=f"init={specs} initsup=one_for_all:3/3600")
    order = [
        r"^init: programs: uprog\.2 3:\d+ ended \(killed\); restarting \(one_for_all\)$",
        r"^init: programs: stopping uprog\.1 2:\d+ \(killed if not ended in 2000 ms\)$",
        r"^init: programs: killing uprog\.1 2:\d+ \(its shutdown limit ran out\)$",
        r"^init: programs: stopping uprog 1:\d+ \(killed if not ended in 5000 ms\)$",
        r"^uprog: asked to stop on core 1$",
        r"^init: programs: uprog 1:\d+ ended \(exit status 0\); it was asked to stop$",
        r"^init: programs: restarted uprog as 1:\d+ \(was 1:\d+; restart 1\)$",
        r"^init: programs: restarted uprog\.1 as 2:\d+ \(was 2:\d+; restart 1\)$",
        r"^init: programs: restarted uprog\.2 as 3:\d+ \(was 3:\d+; restart 1\)$",
    ]
    problems = problems_of(text, order=order, forbid=[r"killing uprog 1:"])
    if len(matched) < len(script):
        problems.append(f"script step {len(matched) + 1} of {len(script)} never matched")
    elif status != 0:
        problems.append(f"QEMU exit {status} after poweroff, want 0")
    verdict(res, bt, name, problems, log, text)


def service_restarted(text, matched, status, script, service, before, after):
    """What a system service's restart test saw wrong in its two `tree`s
    (script steps before and after the kill: the service with 0 restarts,
    then 1, the shell untouched) and in how the boot ended."""
    problems = []
    for k, restarts in ((before, 0), (after, 1)):
        problems += tree_problems(text, matched, k, {
            "system": ("-", "running", 0), service: ("0:\\d+", "running", restarts),
            "shell": ("0:\\d+", "running", 0)})
    if len(matched) < len(script):
        problems.append(f"script step {len(matched) + 1} of {len(script)} never matched")
    elif status != 0:
        problems.append(f"QEMU exit {status} after poweroff, want 0")
    return problems


def skb_restarted(res, args, bt, smp=2):
    """The System Knowledge Base is a supervised service: `tree` shows it
    under init's system supervisor on core 0; the shell's `skb` binds to
    it; the shell kills it (0:PID from `tree`); init restarts it and
    says so, naming both instances; the restarted SKB takes its name
    back; the shell's next `skb` finds its kept channel dead, says so,
    binds again and prints the facts; `tree` counts the restart."""
    name = f"boot/special/smp{smp}_the_skb_is_supervised_and_restarted"
    if args.filter and args.filter not in name:
        return
    def kill_skb(sofar):
        m = re.findall(r"^ +skb +0:(\d+) +running", sofar, re.M)
        return f"kill 0:{m[-1] if m else 'none'}\r"
    facts = rf"^skb: generation \d+; cores \S+ present of {smp} known "
    restarted = r"^init: system: restarted skb as 0:\d+ \(was 0:\d+; restart 1\)$"
    up = r"^skb: the facts of \d+ cores? on \d+ nodes?, generation \d+, as 'skb'$"
    script = shell_script(bt, [
        (bt.SHELL_BANNER, "tree\r"),                                             # 0
        (None, "skb\r"),                                                         # 1
        (None, kill_skb),                                                        # 2
        # 3: the new SKB is up (its line) and init said so, in either
        # order: both run on core 0, and which prints first is the
        # scheduler's to decide.
        (rf"(?:{restarted}[\s\S]*?{up}|{up}[\s\S]*?{restarted})", "skb\r"),
        (None, "skb\r"),
        (None, "tree\r"),                                                        # 5
        (None, "poweroff\r"),
    ])
    matched = []
    status, text, log = bt.boot(name, args.logdir, args.timeout, script=script, matched=matched,
                                step_timeout=bt.SHELL_STEP_TIMEOUT, smp=smp, mem=args.mem,
                                kernel=args.kernel)
    want = [
        (r"^killed 0:\d+$", 1),
        (r"^init: system: skb 0:\d+ ended \(killed\); restarting \(one_for_one\)$", 1),
        (r"^init: system: restarted skb as 0:\d+ \(was 0:\d+; restart 1\)$", 1),
        (r"^skb: the facts of \d+ cores? on \d+ nodes?, generation \d+, as 'skb'$", 2),
        (r"^shell: skb: no answer on the channel to the System Knowledge Base "
         r"\(ERR_[A-Z_]+\); binding to it again$", 1),
        (facts, 3),
    ]
    problems = problems_of(text, want, forbid=[r"^init: system: restarted shell",
                                               r"^shell: skb: cannot reach"])
    problems += service_restarted(text, matched, status, script, "skb", 0, 5)
    verdict(res, bt, name, problems, log, text)


def console_restarted(res, args, bt, smp=2):
    """The console service is a supervised service: `tree` shows it under
    init's system supervisor on core 0, attached (core 0's monitor says
    so); the shell kills it (0:PID from `tree`); the monitor takes the
    serial port back and says so, init restarts it and names both
    instances, the new one is attached; a process on core 1 then prints
    120 lines through it, every one whole and in order; `tree` counts
    one restart, and the shell was never restarted."""
    name = f"boot/special/smp{smp}_the_console_service_is_supervised_and_restarted"
    if args.filter and args.filter not in name:
        return
    def kill_console(sofar):
        m = re.findall(r"^ +console +0:(\d+) +running", sofar, re.M)
        return f"kill 0:{m[-1] if m else 'none'}\r"
    chatter = bt.CHATTER_LINES - 1
    script = shell_script(bt, [
        (bt.SHELL_BANNER, "tree\r"),                                             # 0
        (None, kill_console),                                                    # 1
        (r"^init: system: restarted console as 0:\d+ \(was 0:\d+; restart 1\)$",
         f"spawn uprog {UPROG_CHATTER} on 1\r"),                              # 2
        (rf"^chatter 1 {chatter}: ", "tree\r"),                                  # 3
        (None, "poweroff\r"),
    ])
    matched = []
    status, text, log = bt.boot(name, args.logdir, args.timeout, script=script, matched=matched,
                                step_timeout=bt.SHELL_STEP_TIMEOUT, smp=smp, mem=args.mem,
                                kernel=args.kernel)
    attached = r"^console: the console service 0:\d+ writes the serial port$"
    back = (r"^console: the console service 0:\d+ ended; the monitor writes the serial port "
            r"itself until it is back$")
    want = [
        (attached, 2),
        (r"^killed 0:\d+$", 1),
        (back, 1),
        (r"^init: system: console 0:\d+ ended \(killed\); restarting \(one_for_one\)$", 1),
        (r"^init: system: restarted console as 0:\d+ \(was 0:\d+; restart 1\)$", 1),
    ]
    order = [attached, back, r"^init: system: console 0:\d+ ended \(killed\)", attached,
             r"^init: system: restarted console"]
    problems = problems_of(text, want, order=order,
                           forbid=[r"^init: system: restarted (shell|skb)", r"left its ring",
                                   r"wrote a tail", r"did not drain"])
    lines = text.splitlines()
    got = [l for l in lines if l.startswith("chatter 1 ")]
    if got != [bt.chatter_line(1, i) for i in range(bt.CHATTER_LINES)]:
        problems.append(f"core 1's chatter: {len(got)} lines, not the {bt.CHATTER_LINES} whole "
                        "and in order")
    problems += service_restarted(text, matched, status, script, "console", 0, 3)
    verdict(res, bt, name, problems, log, text)


def run(res, args, bt):
    by_policy(res, args, bt)
    bad_specs(res, args, bt)
    rest_for_one_on_cores(res, args, bt)
    heartbeats(res, args, bt)
    ordered_stop(res, args, bt)
    skb_restarted(res, args, bt)
    console_restarted(res, args, bt)
