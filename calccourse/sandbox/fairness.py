"""Fairness between answers graded at once: memory, processor time.

- The OOM killer takes answers, never the grader: every answer's process asks to be its
  first choice (``oom_score_adj`` 1000, which any process may raise), and the worker, where
  it may (root), asks to be spared.
- A time limit is judged on the answer's own processor time, with a wall-clock backstop:
  a correct answer that classmates' busy processes kept from the processor is not a
  time-out, an answer that sleeps or waits is one once ``BACKSTOP`` times the limit passed.

Standard library only; this module imports nothing else from calccourse.
"""

from __future__ import annotations

import os
import sys

ANSWER_OOM_SCORE = 1000  # the OOM killer's first choice
WORKER_OOM_SCORE = -500  # spared before any answer; still not unkillable
BACKSTOP = 3.0  # a call gets at most this many times its time limit in wall-clock time


def _oom_score(value: int) -> bool:
    try:  # plain system calls: this runs in every fresh answer process, where objects cost
        fd = os.open("/proc/self/oom_score_adj", os.O_WRONLY)
        try:
            os.write(fd, b"%d" % value)
        finally:
            os.close(fd)
    except OSError:  # not Linux, or lowering it needs CAP_SYS_RESOURCE (not root)
        return False
    return True


def offer_to_oom_killer() -> None:
    """This process (an answer's) is the first the kernel kills when memory runs out."""
    _oom_score(ANSWER_OOM_SCORE)


def shield_from_oom_killer() -> None:
    """This process (a worker) is killed after every answer, where the user may ask that."""
    _oom_score(WORKER_OOM_SCORE)


def cpu_seconds(pid: int) -> float | None:
    """Processor time the process ``pid`` has used (its threads, and the children it waited
    for), or None where /proc cannot tell (Windows and macOS have no /proc, nor sysconf)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        fd = os.open(f"/proc/{pid}/stat", os.O_RDONLY)
        try:
            fields = os.read(fd, 4096).rsplit(b")", 1)[1].split()
        finally:
            os.close(fd)
        ticks = sum(int(field) for field in fields[11:15])  # utime, stime, cutime, cstime
    except (OSError, IndexError, ValueError):
        return None
    return ticks / os.sysconf("SC_CLK_TCK")


class CallClock:
    """When a call (or loading) has had its time: ``limit`` seconds of its own processor
    time, or ``BACKSTOP`` times that of wall-clock time, whichever comes first."""

    def __init__(self, pid: int, limit: float, started: float, cpu_at_start: float | None) -> None:
        """``cpu_at_start``: the process's :func:`cpu_seconds` when the call started (or
        shortly before: what the call is charged for includes that interval)."""
        self.pid, self.limit, self.started, self.cpu_at_start = pid, limit, started, cpu_at_start

    def later(self, now: float, ends: float) -> float | None:
        """A later deadline when the call was kept from the processor, else None: time out."""
        used = cpu_seconds(self.pid)
        if used is None or self.cpu_at_start is None:
            return None  # no processor accounting: wall-clock time alone
        left = self.limit - (used - self.cpu_at_start)
        backstop = min(self.started + BACKSTOP * self.limit, ends)
        if left <= 0.01 or now >= backstop:
            return None
        return min(now + max(left, 0.05), backstop)
