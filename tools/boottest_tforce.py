"""Boot tests of task forces (docs/taskforce.md), run by tools/boottest.py.

One boot at 4 cores drives the shell's `tf` and checks what it and init
say: a force of idle uprogs on cores 1-3 shows in `tf ls` and in `tree`
under init's `forces`; the shell kills one member and one_for_all
restarts all three, which `tf ls` and `tree` count; every kind of bad
input gets its line and leaves the force running as it was; `tf kill`
ends it and its members.
"""
import re

import boottest_superv as sup

UPROG_IDLE, UPROG_BEATS, UPROG_HANGS = sup.UPROG_IDLE, sup.UPROG_BEATS, sup.UPROG_HANGS
PROMPT = "flotilla> "


def block_after(text, m):
    """What a command printed: from its step's match to the next prompt."""
    return text[m.end():].split(PROMPT, 1)[0] if m else ""


def ls_rows(block):
    """`tf ls`'s rows: name -> (program, restarts, [(core, pid, state)])."""
    rows = {}
    for m in re.finditer(r"^(\S+) +(\S+) +(\d+) +(.*)$", block, re.M):
        if m.group(1) == "FORCE":
            continue
        members = re.findall(r"(\d+):(\d+|-) (\w+(?: \w+)?)", m.group(4))
        rows[m.group(1)] = (m.group(2), int(m.group(3)), members)
    return rows


def ls_problems(text, matched, k, name, restarts, cores, state="running"):
    """What `tf ls` at step k printed wrong about force `name`; its pids."""
    if len(matched) <= k:
        return [f"`tf ls` (step {k + 1}) was never typed"], {}
    rows = ls_rows(block_after(text, matched[k]))
    if name not in rows:
        return [f"tf ls (step {k + 1}) has no force {name!r}: {rows}"], {}
    prog, r, members = rows[name]
    out = []
    if prog != "uprog" or r != restarts:
        out.append(f"tf ls (step {k + 1}): {name} {prog} {r}, want uprog {restarts}")
    if [int(c) for c, _, _ in members] != cores or any(s != state for _, _, s in members):
        out.append(f"tf ls (step {k + 1}): members {members}, want cores {cores} {state}")
    return out, {int(c): p for c, p, _ in members}


def shell_boot(bt, args, name, steps, smp=4, **kw):
    """One boot driven by shell `steps` (boottest_superv.shell_script);
    (status, text, log, matched, script)."""
    script = sup.shell_script(bt, steps)
    matched = []
    kw.setdefault("mem", args.mem)
    status, text, log = bt.boot(name, args.logdir, args.timeout, script=script, matched=matched,
                                step_timeout=bt.SHELL_STEP_TIMEOUT, smp=smp,
                                kernel=args.kernel, **kw)
    return status, text, log, matched, script


def ended_well(matched, script, status):
    """The script ran to its end and poweroff ended QEMU with status 0."""
    if len(matched) < len(script):
        return [f"script step {len(matched) + 1} of {len(script)} never matched"]
    return [f"QEMU exit {status} after poweroff, want 0"] if status != 0 else []


def run_list_kill(res, args, bt, smp=4):
    name = f"boot/special/smp{smp}_task_forces_run_list_and_kill"
    if args.filter and args.filter not in name:
        return
    member2 = r"^init: w: started uprog@2 as 2:(\d+)"
    bad = [
        ("tf run w uprog 17 on 1", r"^shell: tf run: there is a task force called 'w' already$"),
        ("tf run x nope on 1", r"^shell: tf run: there is no program 'nope' in the boot image$"),
        ("tf run x uprog on", r"^shell: tf: nothing after 'on': the set of cores is empty; usage: "),
        ("tf run x uprog on 1,,2", r"^shell: tf: an empty item in the cores '1,,2'; usage: "),
        ("tf run x uprog on 1-4", r"^shell: tf: there is no core 4 \(cores 0\.\.3\); usage: "),
        ("tf run x uprog on 2,1-3", r"^shell: tf: core 2 is named twice \(at '1-3'\); usage: "),
        ("tf run toolongname uprog on 1",
         r"^shell: tf: the name 'toolongname' is longer than 8 characters; usage: "),
        ("tf kill zz", r"^shell: tf kill: there is no task force called 'zz'$"),
        ("tf frob", r"^shell: tf: 'frob' with 0 words is not a tf command; usage: "),
    ]
    steps = [
        (bt.SHELL_BANNER, f"tf run w uprog {UPROG_IDLE} on 1-3\r"),
        (None, "tf ls\r"),                                                         # 1
        (None, "tree\r"),                                                          # 2
        (None, lambda sofar: f"kill 2:{re.search(member2, sofar, re.M).group(1)}\r"),
        (r"^init: w: restarted uprog@3 as 3:\d+", "tf ls\r"),                      # 4
        (None, "tree\r"),                                                          # 5
    ]
    steps += [(None, cmd + "\r") for cmd, _ in bad]
    first_after_bad = len(steps)
    steps += [
        (None, "tf ls\r"),                                                         # after bad
        (None, "tf kill w\r"),
        (None, "tf ls\r"),
        (None, "tree\r"),
        (None, "ps\r"),
        (None, "poweroff\r"),
    ]
    status, text, log, matched, script = shell_boot(bt, args, name, steps, smp)
    want = [
        (r"^init: forces: starting supervisor w \(one_for_all, at most 3 restarts in 60 s\)$", 1),
        (r"^task force w: uprog on 3 cores$", 1),
        (r"^init: w: uprog@2 2:\d+ ended \(killed\); restarting \(one_for_all\)$", 1),
        (r"^init: w: killing uprog@3 3:\d+ \(brutal_kill\)$", 1),
        (r"^init: w: killing uprog@1 1:\d+ \(brutal_kill\)$", 1),
        (r"^init: w: restarted uprog@1 as 1:\d+ \(was 1:\d+; restart 1\)$", 1),
        (r"^init: w: restarted uprog@2 as 2:\d+ \(was 2:\d+; restart 1\)$", 1),
        (r"^init: w: restarted uprog@3 as 3:\d+ \(was 3:\d+; restart 1\)$", 1),
        (r"^init: forces: killing supervisor w and everything under it, as asked$", 1),
        (r"^task force w: killed$", 1),
        (r"^\(no task forces\)$", 1),
    ]
    want += [(rx, 1) for _, rx in bad]
    order = [r"killing uprog@3 3:", r"killing uprog@1 1:", r"restarted uprog@1 as",
             r"restarted uprog@2 as", r"restarted uprog@3 as"]
    problems = sup.problems_of(text, want, order=order,
                               forbid=[r"^init: task force x", r"^task force x"])
    p, before = ls_problems(text, matched, 1, "w", 0, [1, 2, 3])
    problems += p
    problems += sup.tree_problems(text, matched, 2, {
        "forces": ("-", "running", 0), "w": ("-", "running", 0),
        "uprog@1": ("1:\\d+", "running", 0), "uprog@2": ("2:\\d+", "running", 0),
        "uprog@3": ("3:\\d+", "running", 0), "shell": ("0:\\d+", "running", 0)})
    p, after = ls_problems(text, matched, 4, "w", 1, [1, 2, 3])
    problems += p
    problems += sup.tree_problems(text, matched, 5, {
        "w": ("-", "running", 0), "uprog@1": ("1:\\d+", "running", 1),
        "uprog@2": ("2:\\d+", "running", 1), "uprog@3": ("3:\\d+", "running", 1)})
    # Bad input stopped nothing: the same instances, still running.
    p, still = ls_problems(text, matched, first_after_bad, "w", 1, [1, 2, 3])
    problems += p
    if after and still != after:
        problems.append(f"the members changed during the bad input: {after} then {still}")
    if len(matched) > first_after_bad + 4:
        end = block_after(text, matched[first_after_bad + 3])
        if re.search(r"^ +w/", end, re.M) or not re.search(r"^  forces/", end, re.M):
            problems.append("tree after tf kill: want forces/ and no w/")
        ps = block_after(text, matched[first_after_bad + 4])
        if re.search(r"^[123]:\d+ +\w+ +uprog$", ps, re.M):
            problems.append("ps after tf kill still lists a uprog")
    problems += ended_well(matched, script, status)
    sup.verdict(res, bt, name, problems, log, text)




# The published values the demonstration must reach: pi(10^6), the number
# of primes below a million, and their sum (OEIS A006880 and A046731).
PRIMES_BELOW_1E6, THEIR_SUM = 78498, 37550402023


def demo(res, args, bt, smp=4):
    """tfdemo on all 4 cores: the force counts the primes below 10^6 and
    their sum, over its multicast tree and barrier, and gets the published
    values, which the root's own sieve confirms. Then a second run with a
    pause of 500 ms a round: when the root says round 2 is done, the shell
    kills the member on core 2; the force's supervisor kills the other
    three and starts all four again; the new members find the rounds done
    before in the force's frame (which init granted every member, and
    which outlives the restart), go on from the next, and end with the
    same right answer, once; `tf ls` and `tree` count the restart. Every
    run checks that all its members' marks are in the frame, and each
    force's end leaves no copy of the frame on cores 1..3."""
    name = f"boot/special/smp{smp}_task_force_demo_is_right_even_after_a_kill"
    if args.filter and args.filter not in name:
        return
    member2 = r"^init: q: started tfdemo@2 as 2:(\d+)"
    result = (rf"^tfdemo: {PRIMES_BELOW_1E6} primes below 1000000, their sum {THEIR_SUM} "
              r"\(0 garbage messages dropped at the root\)$")
    checked = r"^tfdemo: checked: one core's plain sieve agrees$"
    steps = [
        (bt.SHELL_BANNER, "tf run p tfdemo on 0-3\r"),
        (checked, "tf kill p\r"),
        (None, "tf run q tfdemo 1000500 on 0-3\r"),
        (r"^tfdemo: round 2 of 8:", lambda sofar: f"kill 2:{re.search(member2, sofar, re.M).group(1)}\r"),
        (r"^init: q: restarted tfdemo@3 as 3:\d+", ""),
        (checked, "tf ls\r"),                                                      # 5
        (None, "tree\r"),                                                          # 6
        (None, "poweroff\r"),
    ]
    status, text, log, matched, script = shell_boot(bt, args, name, steps, smp)
    want = [
        (r"^tfdemo: 4 members on cores 0,1,2,3, a \w+ tree from core 0; primes below 1000000 "
         r"in 8 rounds$", 3),
        (result, 2),
        (checked, 2),
        (r"^init: q: tfdemo@2 2:\d+ ended \(killed\); restarting \(one_for_all\)$", 1),
        (r"^init: q: restarted tfdemo@0 as 0:\d+ \(was 0:\d+; restart 1\)$", 1),
        (r"^init: q: tfdemo@0 0:\d+ ended \(exit status 0\); not restarted \(transient\)$", 1),
        (r"^tfdemo: the force's frame \(4 KiB\) is shared: 4 of 4 members' marks are in it$", 3),
        (r"^tfdemo: resuming at round [3-8] of 8: the force's frame kept the [2-7] rounds done "
         r"before the restart$", 1),
        (r"^init: task force p: its frame given back \(its copies on cores 1-3 gone\)$", 1),
    ]
    order = [result, r"^init: task force p: its frame given back \(its copies on cores 1-3 gone\)$",
             r"^task force p: killed$",
             r"ended \(killed\); restarting", r"restarted tfdemo@3", r"^tfdemo: resuming at round",
             result]
    problems = sup.problems_of(text, want, order=order,
                               forbid=[r"^tfdemo: WRONG", r"cannot join", r"^tfdemo: core \d+:",
                                       r"not all revoked"])
    # The kill came mid-way: the first run of q never got to its end.
    if len(matched) > 3:
        between = text[matched[3].end():matched[4].end() if len(matched) > 4 else len(text)]
        if re.search(result, between, re.M):
            problems.append("q's first run ended before the kill: not mid-way")
    if len(matched) > 5:
        rows = ls_rows(block_after(text, matched[5]))
        if rows.get("q", (None, None, None))[:2] != ("tfdemo", 1) or \
                [s for _, _, s in rows["q"][2]] != ["idle"] * 4:
            problems.append(f"tf ls after the rerun: {rows}, want q tfdemo 1, four idle members")
    problems += sup.tree_problems(text, matched, 6, {
        "q": ("-", "running", 0), "tfdemo@0": ("0:-", "idle", 1), "tfdemo@1": ("1:-", "idle", 1),
        "tfdemo@2": ("2:-", "idle", 1), "tfdemo@3": ("3:-", "idle", 1)})
    problems += ended_well(matched, script, status)
    sup.verdict(res, bt, name, problems, log, text)


def placed_by_the_skb(res, args, bt, smp=4, nodes=2):
    """`tf run ... on spread:2` and `on packed:2` on a machine of two NUMA
    nodes (cores 0-1 and 2-3): spread puts one member on each node,
    packed both on one node, which shares its last-level cache; bad
    counts are refused with their reasons and start nothing."""
    name = f"boot/special/smp{smp}_numa{nodes}_task_forces_placed_by_the_skb"
    if args.filter and args.filter not in name:
        return
    bad = [
        ("tf run q uprog on spread:5", r"^shell: tf: 'spread:5': the machine has 4 cores; usage: "),
        ("tf run q uprog on packed:0", r"^shell: tf: 'packed:0': a force has 1\.\.16 members; usage: "),
        ("tf run q uprog on wide:2", r"^shell: tf: 'wide:2' is not a set of cores "),
    ]
    steps = [
        (bt.SHELL_BANNER, f"tf run s uprog {UPROG_IDLE} on spread:2\r"),
        (None, "tf ls\r"),                                                         # 1
        (None, f"tf run p uprog {UPROG_IDLE} on packed:2\r"),
        (None, "tf ls\r"),                                                         # 3
    ]
    steps += [(None, cmd + "\r") for cmd, _ in bad]
    steps += [(None, "tf kill s\r"), (None, "tf kill p\r"), (None, "poweroff\r")]
    status, text, log, matched, script = shell_boot(bt, args, name, steps, smp, mem="256M", numa=nodes)
    want = [
        (r"^tf run: spread:2 places s on cores 0,2$", 1),
        (r"^task force s: uprog on 2 cores$", 1),
        (r"^tf run: packed:2 places p on cores 0,1$", 1),
        (r"^task force p: uprog on 2 cores$", 1),
        (r"^task force s: killed$", 1),
        (r"^task force p: killed$", 1),
    ]
    want += [(rx, 1) for _, rx in bad]
    problems = sup.problems_of(text, want, forbid=[r"^task force q", r"^init: q:"])
    problems += ls_problems(text, matched, 1, "s", 0, [0, 2])[0]
    problems += ls_problems(text, matched, 3, "p", 0, [0, 1])[0]
    problems += ended_well(matched, script, status)
    sup.verdict(res, bt, name, problems, log, text)


def members_that_stop_beating(res, args, bt, smp=4):
    """`tf run ... hb=S`: a force whose members beat (uprog mode 39, every
    100 ms) runs on untouched; one whose members spin without beating
    (mode 40) has a member killed as hung when its 2 s run out, and the
    force restarts as a whole (one_for_all); a bad hb= is refused. Then
    tfdemo with hb=1 and a pause of 200 ms a round: its members beat
    while they sieve, pause and wait at barriers (tf_beat, tf_pause, the
    waits of usr/lib/tfmember.c), so none is taken for hung in the 3 s or
    more the job takes, and the answer is right. Last, members of
    tfwait (tests/user/tfwait) that wait 3 s at a barrier for their root
    with hb=1: they beat as they wait, and all meet."""
    name = f"boot/special/smp{smp}_task_force_members_that_stop_beating_are_restarted"
    if args.filter and args.filter not in name:
        return
    bad = ("tf run x uprog on 1 hb=0",
           r"^shell: tf: 'hb=0' wants the seconds between a member's beats, 1\.\.255; usage: ")
    steps = [
        (bt.SHELL_BANNER, f"tf run b uprog {UPROG_BEATS} on 1 hb=5\r"),
        (None, f"tf run h uprog {UPROG_HANGS} on 2-3 hb=2\r"),
        (r"^init: h: restarted uprog@3 as 3:\d+ \(was 3:\d+; restart 1\)$", "tf ls\r"),  # 2
        (None, bad[0] + "\r"),
        (None, "tf kill h\r"),
        (None, "tf kill b\r"),
        (None, "tf run d tfdemo 1000200 on 1-2 hb=1\r"),
        (r"^tfdemo: checked: one core's plain sieve agrees$", "tf kill d\r"),
        (None, "tf run w tfwait on 1-3 hb=1\r"),
        (r"(?:^tfwait: core \d: 3 members met at the barrier$[\s\S]*?){3}",
         "tf kill w\r"),
        (None, "poweroff\r"),
    ]
    status, text, log, matched, script = shell_boot(bt, args, name, steps, smp)
    want = [
        (r"^init: h: killing uprog@[23] [23]:\d+ \(it missed its heartbeat\)$", None),
        (r"^init: h: restarted uprog@2 as 2:\d+ \(was 2:\d+; restart 1\)$", 1),
        (r"^task force b: killed$", 1),
        (bad[1], 1),
        (rf"^tfdemo: {PRIMES_BELOW_1E6} primes below 1000000, their sum {THEIR_SUM} ", 1),
        (r"^tfwait: core [123]: 3 members met at the barrier$", 3),
    ]
    problems = sup.problems_of(text, want, forbid=[r"^init: b: killing", r"^init: b: restarted",
                                                   r"^task force x", r"^init: [dw]: killing",
                                                   r"^init: [dw]: restarted", r"^tfdemo: WRONG",
                                                   r"^tfwait: core \d: ERR"])
    problems += ls_problems(text, matched, 2, "b", 0, [1])[0]
    problems += ended_well(matched, script, status)
    sup.verdict(res, bt, name, problems, log, text)


def co_scheduled(res, args, bt, smp=2):
    """tfdemo on both cores of a 2-core machine, each core also busy with
    two spinning uprogs that never block: the members are co-scheduled
    (their gang is the force's id), so at every gang window's opening
    each takes its core from the spinners, and every member starts in
    every one of the last 8 windows that tf_skew looks at. Without the
    windows' priority a member gets its core one slice in three, its
    slices drift across the windows, and it misses some. The skew and
    lateness figures are printed, not judged (TCG's timing)."""
    name = f"boot/special/smp{smp}_task_force_members_are_co_scheduled"
    if args.filter and args.filter not in name:
        return
    steps = [(bt.SHELL_BANNER, f"spawn uprog {UPROG_HANGS} on 0\r")]
    steps += [(None, f"spawn uprog {UPROG_HANGS} on {c}\r") for c in (0, 1, 1)]
    steps += [
        (None, "tf run c tfdemo on 0-1\r"),
        (r"^tfdemo: checked: one core's plain sieve agrees$", "poweroff\r"),
    ]
    status, text, log, matched, script = shell_boot(bt, args, name, steps, smp)
    cosched = (r"^tfdemo: co-scheduled: every member started in (\d+) of the last (\d+) gang "
               r"windows; skew between members' starts: median \d+ us, largest \d+ us; starts "
               r"after a window opened: median \d+ us, largest \d+ us$")
    want = [
        (r"^started uprog as [01]:\d+$", 4),
        (r"^tfdemo: 2 members on cores 0,1, a \w+ tree from core 0; primes below 1000000 in 8 "
         r"rounds$", 1),
        (cosched, 1),
        (rf"^tfdemo: {PRIMES_BELOW_1E6} primes below 1000000, their sum {THEIR_SUM} ", 1),
    ]
    problems = sup.problems_of(text, want, forbid=[r"^tfdemo: WRONG", r"^tfdemo: core \d+:"])
    m = re.search(cosched, text, re.M)
    if m and (m.group(1), m.group(2)) != ("8", "8"):
        problems.append(f"every member started in {m.group(1)} of {m.group(2)} windows, want 8 of 8")
    problems += ended_well(matched, script, status)
    sup.verdict(res, bt, name, problems, log, text)


def run(res, args, bt):
    run_list_kill(res, args, bt)
    demo(res, args, bt)
    placed_by_the_skb(res, args, bt)
    members_that_stop_beating(res, args, bt)
    co_scheduled(res, args, bt)
