"""A long-lived grading worker: reads jobs from its socket, forks a fresh child for each answer.

Start-up imports what answers usually import, once, so that each forked child
starts with it in memory. The worker watches the child's time, collects its
output (cut to a size) and its replies, kills its whole process group (and any
orphan it left behind) and answers with plain JSON on its private channel.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import select
import shutil
import signal
import socket
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from calccourse.sandbox import child, fairness, privileges, reaper
from calccourse.sandbox.protocol import (
    MAX_NAME,
    Code,
    ErrorKind,
    Outcome,
    ProtocolError,
    error_wire,
    outcome_from_wire,
    outcome_to_wire,
    result_wire,
)

CHILD_BROKEN = child.CHILD_BROKEN
MAX_REPLY = 4 * 1024 * 1024  # bytes of one reply line
PROGRESS_EVERY = 0.25  # seconds between signs of life sent to the grading side


class Output:
    """The answer's printed output: the first ``limit`` bytes kept, the rest counted."""

    def __init__(self, limit: int) -> None:
        self.limit, self.kept, self.total = limit, bytearray(), 0

    def add(self, data: bytes) -> None:
        self.total += len(data)
        room = self.limit - len(self.kept)
        if room > 0:
            self.kept += data[:room]

    def text(self) -> str:
        return self.kept.decode("utf-8", errors="replace")


# What every pool imports first (``runner.preload_of`` always includes it): one process
# imports it once and forks the other pools of a launch from there.
SHARED = ("numpy",)


def main() -> None:
    """``worker warm|cold REHEARSAL|- POOL...``, each POOL ``FD[,FD...]:rehearse|-:MODULE,...``.

    Imports :data:`SHARED`, forks a process for each further pool, and in each pool's
    process: preloads its modules, warms them, rehearses (where the pool says so), then
    forks a worker per channel, each serving its own. Each channel is a socket (an answer
    cannot reopen it through /proc, as it could a pipe). Every pool imports the same
    modules in the same order (:data:`SHARED` first) whether it was launched alone or
    with others: what an answer finds never depends on the pools beside its own.
    """
    warm, rehearsal = sys.argv[1] == "warm", sys.argv[2]
    pools = [_pool(text) for text in sys.argv[3:]]
    for name in SHARED:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    mine = pools[_split(len(pools))]
    for pool in pools:
        if pool is not mine:
            for channel in pool[0]:
                os.close(channel)
    channels, rehearses, preload = mine
    for name in preload:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    if warm:
        with contextlib.suppress(Exception):
            warm_up(preload)
    if rehearses:
        rehearse(rehearsal)
    privileges.isolate_network()
    fairness.shield_from_oom_killer()
    child.import_confinement()  # once here: imported in every child, it took 10 ms of each answer
    gc.freeze()  # children then leave the preloaded objects' pages shared (no copy-on-write by the GC)
    channel = channels[_split(len(channels))]
    for other in channels:
        if other != channel:
            os.close(other)
    serve(channel)


def _pool(text: str) -> tuple[list[int], bool, list[str]]:
    """A pool's argument: its channels, whether it rehearses, its modules."""
    channels, rehearses, modules = text.split(":")
    return [int(fd) for fd in channels.split(",")], rehearses == "rehearse", modules.split(",")


def _split(count: int) -> int:
    """Fork a process for each of the shares 1 to ``count - 1``; return the share this
    process takes (0 here). Each is forked twice, so that it is nobody's child here (a
    sibling must not be one a worker would reap or kill), and in a session of its own (an
    answer that kills its worker's group kills only that one)."""
    for share in range(1, count):
        middle = os.fork()
        if middle == 0:
            if os.fork() == 0:
                os.setsid()
                return share
            os._exit(0)
        os.waitpid(middle, 0)
    return 0


def serve(channel_fd: int) -> None:
    """Answer jobs until the grading side closes the channel; leave nothing behind.

    Replies are lines of JSON tagged with the job's id: ``progress`` after each step
    (so the grading side can tell a slow answer from a stuck worker), then ``result``.
    """
    reaper.become_subreaper()
    channel = socket.socket(fileno=channel_fd)

    def send(message: dict[str, Any]) -> None:
        channel.sendall((json.dumps(message) + "\n").encode())

    send({"ready": True, "pid": os.getpid()})
    try:
        for line in channel.makefile("r", encoding="utf-8"):
            job = json.loads(line)

            try:
                result = run_job(job, Progress(job["id"], send))
            except Exception as error:  # noqa: BLE001 - one answer's damage stays with that answer
                result = _broken(f"The grading worker failed on this answer ({type(error).__name__}).")
            send({"id": job["id"], "result": result})
    except (BrokenPipeError, ConnectionResetError):
        pass
    finally:
        reaper.reap(wait=2.0)  # no answer's process outlives the worker
        SCRATCH.remove()


class Progress:
    """Signs of life for the grading side, now and then: one per call would cost it as
    much as judging the call."""

    def __init__(self, job_id: int, send: Callable[[dict[str, Any]], None]) -> None:
        self.job_id, self.send, self.last = job_id, send, 0.0

    def __call__(self, **details: Any) -> None:
        if details or time.monotonic() - self.last >= PROGRESS_EVERY:
            self.last = time.monotonic()
            self.send({"id": self.job_id, "progress": True, **details})


def _broken(message: str) -> dict[str, Any]:
    """A result for an answer that could not be run at all."""
    return result_wire(error_wire("crashed", message), [], "", 0, "")


def warm_up(preloaded: list[str]) -> None:
    """Do once what answers often do first, so that each child inherits it done.

    SymPy and matplotlib load much of themselves lazily, on first use: a first
    ``lambdify`` costs about 0.4 s, a repeat about 1 ms.
    """
    if any(name.startswith("sympy") for name in preloaded):
        import sympy

        x, y = sympy.symbols("x y")
        expression = sympy.diff(x**3 * sympy.exp(-y) + sympy.log(x), x)
        sympy.lambdify((x, y), expression)(1.0, 2.0)  # default modules: SciPy and NumPy
        sympy.Matrix([x * y, x + y]).jacobian([x, y])
        sympy.solve(sympy.Eq(x**2, 1), x)
        sympy.integrate(x**2, x)
    if "matplotlib.pyplot" in preloaded:
        import io

        import matplotlib.pyplot as plt

        figure = plt.figure()
        plt.plot([0, 1], [0, 1], label="x")
        plt.legend()
        figure.savefig(io.BytesIO(), format="png")
        plt.close(figure)
    if any(name.startswith("scipy.optimize") for name in preloaded):
        from scipy.optimize import brentq, minimize

        minimize(
            lambda v: v @ v,
            [1.0, 1.0],
            method="SLSQP",
            constraints=[{"type": "ineq", "fun": lambda v: v[0] - 0.5}],
        )
        brentq(lambda v: v - 0.5, 0, 1)


def rehearse(path: str) -> None:
    """Run a trusted answer (the lesson's reference solution) once, here, before any fork:
    answers written like it then find SymPy's caches warm (a lesson 4 answer loads in
    5 ms instead of 40). Its output is discarded and any failure ignored; answers run in
    a fresh module of their own, so nothing of it reaches them but the caches."""
    with (
        open(os.devnull, "w") as nowhere,
        contextlib.redirect_stdout(nowhere),
        contextlib.redirect_stderr(nowhere),
    ):
        try:
            with open(path, "rb") as handle:
                exec(compile(handle.read(), path, "exec"), {"__name__": "calccourse_rehearsal"})  # noqa: S102
        except BaseException:  # noqa: BLE001 - a warm-up, never a reason not to serve
            pass


def run_job(job: dict[str, Any], progress: Callable[..., None]) -> dict[str, Any]:
    """Run every call of the job, re-forking after a call that hangs or ends the child."""
    return JobRun(job, progress).run()


class JobRun:
    """One job across the children it takes: what each call gave, the output, the time cap.

    A call that hangs or ends its process costs a fresh child for the calls after it;
    later calls of the same name are not tried again, so an answer that dies in every
    call costs one child per name, not one per call.
    """

    def __init__(self, job: dict[str, Any], progress: Callable[..., None]) -> None:
        self.job, self.calls, self.progress = job, job["calls"], progress
        self.code = Code.from_wire(job["code"])
        self.probes = Code.from_wire(job["probes"]) if job.get("probes") else None
        self.timeout, self.cap = float(job["timeout"]), float(job["cap"])
        self.ends = time.monotonic() + self.cap
        self.output = Output(int(job["output_limit"]))
        self.outcomes: list[dict[str, Any] | None] = [None] * len(self.calls)
        self.load_error: dict[str, Any] | None = None
        self.confinement = ""
        self.written: set[str] = set()  # what its children left in the scratch folder
        self.scratch = SCRATCH  # the answer's working folder (one per worker process)

    def pending(self) -> list[int]:
        return [i for i, outcome in enumerate(self.outcomes) if outcome is None]

    def run(self) -> dict[str, Any]:
        loaded_once = False
        while self.load_error is None and (not loaded_once or self.pending()):
            if loaded_once and time.monotonic() >= self.ends:
                self.skip_all(f"not tried: the check's time cap of {self.cap:g} s was reached.")
                break
            loaded, load_error = self.supervise(self.pending())
            if loaded_once and load_error is not None:  # it loaded once, then not: blame the calls
                for i in self.pending():
                    self.outcomes[i] = load_error
                break
            self.load_error = load_error
            loaded_once = loaded_once or loaded
        refused = [outcome for outcome in self.outcomes if outcome and outcome.get("error") == "refused"]
        if self.load_error is None and refused:  # the machine failed a call (a full disk): none counts
            self.load_error = refused[0]
        return result_wire(
            self.load_error,
            self.outcomes,
            self.output.text(),
            self.output.total,
            self.confinement,
            self.written,
        )

    def skip_all(self, message: str) -> None:
        for i in self.pending():
            self.outcomes[i] = error_wire("skipped", message)

    def settle(self, index: int, outcome: dict[str, Any]) -> None:
        """Record a call that hung or ended its process; its name is not tried again."""
        self.outcomes[index] = outcome
        call = self.calls[index]
        what = "timed out" if outcome["error"] == "timeout" else "ended its process"
        for i in self.pending():
            if (self.calls[i]["target"], self.calls[i]["kind"]) == (call["target"], call["kind"]):
                self.outcomes[i] = error_wire("skipped", f"not tried: `{call['target']}` {what} before.")

    def supervise(self, pending: list[int]) -> tuple[bool, dict[str, Any] | None]:
        """Fork one child for the ``pending`` calls and watch it; returns (loaded, load_error)."""
        workdir = self.scratch.fresh()
        result_r, result_w = os.pipe()
        out_r, out_w = os.pipe()
        plan = child.plan(workdir, int(self.job["memory_mb"]))  # here: the child has less to do
        try:
            pid = os.fork()
        except OSError:
            plan.close()
            raise
        if pid == 0:  # the child: never returns
            try:
                os.close(result_r)
                os.close(out_r)
                channel = child.Channel(result_w)
                confinement, described = child.confine(plan, (result_w,), out_w)
                channel.send({"confined": described})
                if self.job["require_confinement"] and not confinement.complete:
                    message = f"Not run: full confinement was required, and here it is {described}."
                    channel.send({"load_error": error_wire("refused", message)})
                else:
                    child.run(self.job, self.code, self.probes, pending, channel)
            finally:
                os._exit(CHILD_BROKEN)
        plan.close()  # the child has its own copy
        with contextlib.suppress(OSError):
            os.setpgid(pid, pid)
        self.progress(child=pid)
        os.close(result_w)
        os.close(out_w)
        watch = ChildWatch(self, pending)
        try:
            watch.follow(result_r, out_r, pid)
        finally:
            reaper.kill_group(pid)
            while True:  # drain what is left of the output without waiting on stray holders
                ready, _, _ = select.select([out_r], [], [], 0)
                if not ready:
                    break
                data = os.read(out_r, 65536)
                if not data:
                    break
                self.output.add(data)
            os.close(result_r)
            os.close(out_r)
            self.written.update(self.scratch.left_behind())
        return watch.loaded, watch.load_error


class Forged(ProtocolError):
    """A second reply to a call already answered: the answer wrote one of its own (it shares
    its process with the code that replies, so it can); the call counts as crashed."""

    def __init__(self, index: int) -> None:
        super().__init__("a second reply")
        self.index = index


LINGER = 0.1  # seconds the reply channel is read after the last reply, for a second one
# The child's processor time is read from /proc at most this often (a lesson makes dozens of
# quick calls): a call may be charged up to this much of the calls just before it.
CPU_READ_EVERY = 0.05


class ChildWatch:
    """One child's replies, in the order the protocol allows, each checked."""

    def __init__(self, run: JobRun, pending: list[int]) -> None:
        self.run, self.pending = run, pending
        self.loaded = False
        self.load_error: dict[str, Any] | None = None
        self.position = 0  # index into pending of the call under way
        self.confined = False
        self.clock: fairness.CallClock | None = None  # the call under way's processor time
        self.cpu_read: tuple[float, float | None] | None = None  # when, and the child's processor time

    @property
    def current(self) -> int | None:
        return self.pending[self.position] if self.position < len(self.pending) else None

    def done(self) -> bool:
        return self.load_error is not None or (self.loaded and self.current is None)

    def follow(self, result_r: int, out_r: int, pid: int) -> None:
        run, buffer, streams = self.run, b"", [result_r, out_r]
        deadline = self.deadline(pid)
        lingers: float | None = None  # once all is said: until when a second reply is looked for
        try:
            while result_r in streams:
                left = deadline - time.monotonic()
                if lingers is not None:
                    left = lingers - time.monotonic()
                    if left <= 0:
                        return  # all said; strays may hold the pipes open
                elif left <= 0:
                    later = self.clock.later(time.monotonic(), run.ends) if self.clock else None
                    if later is None:
                        self.time_out()
                        return
                    deadline = later  # kept from the processor (by classmates): its own time counts
                    continue
                ready, _, _ = select.select(streams, [], [], left)
                for fd in ready:
                    data = os.read(fd, 65536)
                    if fd == out_r:
                        if data:
                            run.output.add(data)
                        else:
                            streams.remove(out_r)
                        continue
                    if not data:
                        streams.remove(result_r)
                        continue
                    buffer += data
                    if len(buffer) > MAX_REPLY:
                        raise ProtocolError("a value too large to check")
                    *lines, buffer = buffer.split(b"\n")
                    for raw in lines:
                        self.receive(_parse(raw))
                    deadline = self.deadline(pid)
                if self.done() and lingers is None:  # its output came first; a forged reply may follow
                    lingers = time.monotonic() + LINGER
            if not self.done():  # it ended before it said everything: why (when all is said, no matter)
                self.ended(_wait(pid, deadline=time.monotonic() + 1.0))
        except Forged as forged:
            label = run.calls[forged.index]["label"]
            message = f"Your answer wrote a reply of its own on its result channel during {label}."
            run.settle(forged.index, error_wire("crashed", message))
        except ProtocolError as garbled:
            self.garbled(garbled)

    def garbled(self, problem: ProtocolError) -> None:
        """The child sent what the protocol does not allow: it fails where it stands."""
        self.fail(error_wire("crashed", f"Your answer's process sent {problem} and was stopped."))

    def fail(self, failure: dict[str, Any]) -> None:
        """Loading, or the call under way, ends with ``failure``; the call's name is not tried again."""
        if not self.loaded:
            self.load_error = failure
        elif self.current is not None:
            self.run.settle(self.current, failure)

    def deadline(self, pid: int) -> float:
        """The time limit for loading or for the call under way, within the job's cap; its
        clock starts, to tell later whether the answer had the processor meanwhile."""
        now = time.monotonic()
        if self.cpu_read is None or now - self.cpu_read[0] > CPU_READ_EVERY:
            self.cpu_read = (now, fairness.cpu_seconds(pid))
        self.clock = fairness.CallClock(pid, self.run.timeout, now, self.cpu_read[1])
        return min(now + self.run.timeout, self.run.ends)

    def receive(self, message: dict[str, Any]) -> None:
        if "confined" in message and not self.confined and not self.loaded:
            if not isinstance(message["confined"], str):
                raise ProtocolError("a malformed confinement")
            self.confined, self.run.confinement = True, message["confined"]
        elif "load_error" in message and not self.loaded:
            self.load_error = outcome_to_wire(_error(message["load_error"]))
        elif message.get("loaded") is True and not self.loaded:
            self.loaded = True
            self.run.progress()
        elif self.loaded and self.current is not None and message.get("i") == self.current:
            self.run.outcomes[self.current] = outcome_to_wire(
                outcome_from_wire({k: v for k, v in message.items() if k != "i"})
            )
            self.run.progress()
            self.position += 1
        elif self.loaded and message.get("i") in self.pending[: self.position]:
            raise Forged(message["i"])
        else:
            raise ProtocolError("an unexpected message")

    def time_out(self) -> None:
        run = self.run
        capped = time.monotonic() >= run.ends - 1e-3
        limit = f"the check's time cap of {run.cap:g} s" if capped else f"{run.timeout:g} s"
        if not self.loaded:
            self.load_error = error_wire(
                "timeout",
                f"Your answer did not finish loading within {limit} (an endless loop, or heavy work "
                "at the top level?).",
            )
        elif self.current is not None:
            label = run.calls[self.current]["label"]
            run.settle(
                self.current,
                error_wire("timeout", f"{label} did not return within {limit} (an endless loop?)."),
            )
            if capped:
                run.skip_all(f"not tried: the check's time cap of {run.cap:g} s was reached.")

    def ended(self, status: int | None) -> None:
        """The child closed its reply channel without saying everything: find out why."""
        if status is None:
            self.ended_as("crashed", "closed its reply channel")
        elif os.WIFSIGNALED(status):
            self.ended_as("crashed", signal_reason(os.WTERMSIG(status)))
        else:
            self.ended_as("exited", exit_reason(os.WEXITSTATUS(status)))

    def ended_as(self, kind: ErrorKind, reason: str) -> None:
        """The child ended early (``reason``: "crashed (SIGSEGV...)", "ended its own process...")."""
        if self.load_error is not None:
            return
        if not self.loaded:
            self.load_error = error_wire(kind, f"Your answer {reason} while loading.")
        elif self.current is not None:
            label = self.run.calls[self.current]["label"]
            self.run.settle(self.current, error_wire(kind, f"Your answer {reason} during {label}."))


class Scratch:
    """The answers' working folders: a fresh one for every child, inside one private folder
    per worker; each removed before the next is made.

    A folder an answer made unreadable or undeletable (permissions, were the seccomp filter
    missing) is unlocked before it is removed, and one that still cannot be removed is left
    behind, never reused: the next answer's folder is always new and empty. Its ``PRIVATE``
    subfolder is the child's HOME-side clutter (matplotlib's font cache, temporary files):
    what else is there afterwards, the answer wrote.
    """

    PRIVATE = child.PRIVATE
    LISTED = 1000  # entries looked at when listing what an answer left behind

    def __init__(self) -> None:
        self.base: str | None = None
        self.path: str | None = None

    def fresh(self) -> str:
        """A new, empty folder for the next child."""
        if self.base is not None:
            try:
                usable = stat.S_ISDIR(os.lstat(self.base).st_mode)
                os.chmod(self.base, 0o700)  # whatever an answer did to it
            except OSError:
                usable = False
            if not usable:
                self.base = None
        if self.path is not None:
            _unlock_and_remove(self.path)
            self.path = None
        if self.base is None:
            self.base = tempfile.mkdtemp(prefix="calccourse-answer-")
        self.path = tempfile.mkdtemp(prefix="run-", dir=self.base)
        os.mkdir(os.path.join(self.path, self.PRIVATE))
        return self.path

    def left_behind(self) -> list[str]:
        """The files (and folders, with a ``/``) an answer left at the top of the folder."""
        found: list[str] = []
        if self.path is None:
            return found
        try:
            with os.scandir(self.path) as entries:
                for entry in entries:
                    if entry.name != self.PRIVATE:
                        folder = "/" if entry.is_dir(follow_symlinks=False) else ""
                        found.append(entry.name[: MAX_NAME - 1] + folder)
                    if len(found) >= self.LISTED:
                        break
        except OSError:  # the answer removed or locked its folder: nothing to say about it
            return []
        return found

    def remove(self) -> None:
        if self.base is not None:
            _unlock_and_remove(self.base)


def _unlock_and_remove(path: str) -> None:
    """Remove the folder ``path``, first giving its owner back every right on each folder in
    it (links are not followed); what still cannot be removed stays, never to be reused."""
    try:
        os.chmod(path, 0o700)
        for root, folders, _ in os.walk(path):
            for name in folders:
                inner = os.path.join(root, name)
                if not os.path.islink(inner):
                    os.chmod(inner, 0o700)
        shutil.rmtree(path)
    except (OSError, RecursionError):
        pass


SCRATCH = Scratch()


def _parse(raw: bytes) -> dict[str, Any]:
    try:
        message = json.loads(raw)
    except (ValueError, RecursionError):
        raise ProtocolError("output that is not a reply") from None
    if not isinstance(message, dict):
        raise ProtocolError("output that is not a reply")
    return message


def _error(data: Any) -> Outcome:
    outcome = outcome_from_wire(data)
    if outcome.ok:
        raise ProtocolError("a malformed error")
    return outcome


def _wait(pid: int, deadline: float) -> int | None:
    """The exit status of ``pid``, or None if it is still running at ``deadline``: woken by a
    pidfd the moment it ends (Linux 5.3+), else by polling every 2 ms."""
    try:
        handle = os.pidfd_open(pid)
    except (AttributeError, OSError):
        handle = None
    try:
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status
            if handle is None:
                time.sleep(0.002)
            else:
                select.select([handle], [], [], max(0.0, deadline - time.monotonic()))
        return None
    finally:
        if handle is not None:
            os.close(handle)


def signal_reason(number: int) -> str:
    """How a child ended by signal ``number`` reads in its report."""
    name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else str(number)
    if name == "SIGSEGV":
        return "crashed (SIGSEGV: very deep recursion, or a crash in compiled code)"
    if name == "SIGKILL":
        return "was killed (SIGKILL: out of memory, or it killed itself)"
    return f"was stopped by signal {name}"


def exit_reason(code: int) -> str:
    """How a child that exited with ``code`` reads in its report."""
    if code == CHILD_BROKEN:
        return "broke the checking code beside it (did it replace sys.stdout, or raise from __repr__?)"
    return f"ended its own process (os._exit({code}) or similar)"


if __name__ == "__main__":
    main()
