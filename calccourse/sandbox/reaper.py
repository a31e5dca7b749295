"""Processes an answer leaves behind: adopt them (as a subreaper), kill them, collect them.

Linux only (prctl, /proc): elsewhere nothing is adopted, and the portable sandbox ends
the process trees it started itself."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
LINUX = sys.platform.startswith("linux")


def become_subreaper() -> None:
    """Orphans of our descendants become our children (not init's), so we can end them."""
    if not LINUX:
        return
    with contextlib.suppress(Exception):
        ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def kill_group(pid: int) -> None:
    """Kill the child's process group, then every orphan it left (they are re-parented to us).

    Killed processes are reaped later, without waiting for them to die now.
    """
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    killed: set[int] = set()
    while strays := set(children()) - killed:
        for stray in strays:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(stray, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(stray, signal.SIGKILL)
        killed |= strays
    reap()


def reap(wait: float = 0.0) -> None:
    """Collect dead children; with ``wait``, keep killing and collecting until none is left."""
    deadline = time.monotonic() + wait
    while True:
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            return
        if time.monotonic() >= deadline:
            return
        for stray in children():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(stray, signal.SIGKILL)
        time.sleep(0.005)


def children() -> list[int]:
    found: list[int] = []
    if not LINUX:
        return found
    for task in os.listdir("/proc/self/task"):
        with contextlib.suppress(OSError):
            with open(f"/proc/self/task/{task}/children") as handle:
                found.extend(int(pid) for pid in handle.read().split())
    return found


def end_all_children(wait: float = 2.0) -> None:
    """Kill and collect every child process still there (for a command that has finished)."""
    if not LINUX:
        return  # none was adopted
    for pid in children():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    reap(wait)
