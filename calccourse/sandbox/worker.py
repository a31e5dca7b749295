"""A long-lived grading worker: reads jobs on stdin, forks a fresh child for each answer.

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

from calccourse.sandbox import child, reaper

CHILD_BROKEN = 70  # the child's own code failed (the answer broke it): EX_SOFTWARE
MAX_REPLY = 4 * 1024 * 1024  # bytes of one reply line


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


def main() -> None:
    """``worker FD[,FD...] warm|cold MODULE...``: preload, fork a worker per channel, serve.

    Each channel is a socket (an answer cannot reopen it through /proc, as it could a pipe).
    """
    channels = [int(fd) for fd in sys.argv[1].split(",")]
    warm, preload = sys.argv[2] == "warm", sys.argv[3:]
    for name in preload:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    if warm:
        with contextlib.suppress(Exception):
            warm_up(preload)
    gc.freeze()  # children then leave the preloaded objects' pages shared (no copy-on-write by the GC)
    mine = channels[0]
    for channel in channels[1:]:
        middle = os.fork()
        if middle == 0:  # fork twice: a sibling must not be a child the first worker would reap or kill
            if os.fork() == 0:
                mine = channel
                break
            os._exit(0)
        os.waitpid(middle, 0)
    for channel in channels:
        if channel != mine:
            os.close(channel)
    serve(mine)


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

            def progress(job_id: int = job["id"], **details: Any) -> None:
                send({"id": job_id, "progress": True, **details})

            try:
                result = run_job(job, progress)
            except Exception as error:  # noqa: BLE001 - one answer's damage stays with that answer
                result = _broken(f"The grading worker failed on this answer ({type(error).__name__}).")
            send({"id": job["id"], "result": result})
    except (BrokenPipeError, ConnectionResetError):
        pass
    finally:
        reaper.reap(wait=2.0)  # no answer's process outlives the worker
        SCRATCH.remove()


def _broken(message: str, kind: str = "crashed") -> dict[str, Any]:
    """A result for an answer that could not be run at all."""
    return {
        "load_error": {"error": kind, "message": message},
        "outcomes": [],
        "output": "",
        "output_bytes": 0,
    }


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


def run_job(job: dict[str, Any], progress: Callable[..., None]) -> dict[str, Any]:
    """Run every call of the job, re-forking after a call that hangs or kills the child."""
    calls = job["calls"]
    try:
        with open(job["answer"], "rb") as handle:
            source = handle.read()
        probes = None
        if job.get("probes"):
            with open(job["probes"], "rb") as handle:
                probes = handle.read()
    except OSError as error:
        return _broken(f"cannot read {job['answer']}: {error}", "exception")
    output = Output(job.get("output_limit", 64 * 1024))
    outcomes: list[dict[str, Any] | None] = [None] * len(calls)
    load_error = None
    loaded_before = False
    while load_error is None and (not loaded_before or None in outcomes):
        pending = [i for i, outcome in enumerate(outcomes) if outcome is None]
        loaded, load_error = supervise(job, source, probes, pending, outcomes, output, progress)
        if loaded_before and load_error is not None:  # it loaded once, then not: blame the calls
            for i in pending:
                if outcomes[i] is None:
                    outcomes[i] = load_error
            load_error = None
            break
        loaded_before = loaded_before or loaded
    return {
        "load_error": load_error,
        "outcomes": outcomes if load_error is None else [],
        "output": output.text(),
        "output_bytes": output.total,
    }


def supervise(
    job: dict[str, Any],
    source: bytes,
    probes: bytes | None,
    pending: list[int],
    outcomes: list[dict[str, Any] | None],
    output: Output,
    progress: Callable[..., None],
) -> tuple[bool, dict[str, Any] | None]:
    """Fork one child for the ``pending`` calls and watch it; returns (loaded, load_error)."""
    timeout = float(job["timeout"])
    workdir = SCRATCH.fresh()
    result_r, result_w = os.pipe()
    out_r, out_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.close(result_r)
            os.close(out_r)
            child.confine(workdir, int(job["memory_mb"]), (result_w,), out_w)
            child.run(job, source, probes, pending, child.Channel(result_w))
        finally:
            os._exit(CHILD_BROKEN)
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)
    progress(child=pid)
    os.close(result_w)
    os.close(out_w)
    loaded, load_error = False, None
    position = 0  # index into pending of the call under way
    buffer = b""
    deadline = time.monotonic() + timeout
    streams = [result_r, out_r]
    status: int | None = None
    try:
        while result_r in streams:
            left = deadline - time.monotonic()
            if left <= 0:
                if not loaded:
                    load_error = {
                        "error": "timeout",
                        "message": f"Your answer did not finish loading within {timeout:g} s "
                        "(an endless loop, or heavy work at the top level?).",
                    }
                else:
                    _time_out(job, pending, position, outcomes, timeout)
                break
            ready, _, _ = select.select(streams, [], [], left)
            for fd in ready:
                data = os.read(fd, 65536)
                if fd == out_r:
                    if data:
                        output.add(data)
                    else:
                        streams.remove(out_r)
                    continue
                if not data:
                    streams.remove(result_r)
                    continue
                buffer += data
                if len(buffer) > MAX_REPLY:
                    raise _Garbled("a value too large to check")
                *lines, buffer = buffer.split(b"\n")
                for raw in lines:
                    message = _parse(raw)
                    if "load_error" in message:
                        load_error = _error(message["load_error"])
                    elif message.get("loaded") is True and not loaded:
                        loaded = True
                        progress()
                    elif loaded and position < len(pending) and message.get("i") == pending[position]:
                        outcomes[pending[position]] = _outcome(message)
                        progress()
                        position += 1
                    else:
                        raise _Garbled("an unexpected message")
                    deadline = time.monotonic() + timeout
            if load_error is not None or (loaded and position == len(pending)):
                break  # all said (its output came first); strays may hold the pipes open
        else:
            status = _wait(pid, deadline=time.monotonic() + 1.0)
            reason = _exit_reason(status) if status is not None else "closed its reply channel"
            kind = _exit_kind(status) if status is not None else "crashed"
            if load_error is not None:
                pass
            elif not loaded:
                load_error = {"error": kind, "message": f"Your answer {reason} while loading."}
            elif position < len(pending):
                call = job["calls"][pending[position]]
                outcomes[pending[position]] = {
                    "error": kind,
                    "message": f"Your answer {reason} during {call['label']}.",
                }
    except _Garbled as garbled:
        stopped = f"Your answer's process sent {garbled} and was stopped."
        if not loaded:
            load_error = {"error": "crashed", "message": stopped}
        elif position < len(pending):
            outcomes[pending[position]] = {"error": "crashed", "message": stopped}
    finally:
        reaper.kill_group(pid)
        while True:  # drain what is left of the output without waiting on stray holders
            ready, _, _ = select.select([out_r], [], [], 0)
            if not ready:
                break
            data = os.read(out_r, 65536)
            if not data:
                break
            output.add(data)
        os.close(result_r)
        os.close(out_r)
    return loaded, load_error


class Scratch:
    """The answer's working folder: one per worker, emptied before every child."""

    def __init__(self) -> None:
        self.path: str | None = None

    def fresh(self) -> str:
        """The folder, emptied; a new one if the last answer removed or replaced it."""
        if self.path is not None:
            try:
                usable = stat.S_ISDIR(os.lstat(self.path).st_mode)  # a symlink put in its place is not
            except OSError:
                usable = False
            if not usable:
                with contextlib.suppress(OSError):
                    os.unlink(self.path)
                self.path = None
        if self.path is None:
            self.path = tempfile.mkdtemp(prefix="calccourse-answer-")
        for entry in os.scandir(self.path):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
        return self.path

    def remove(self) -> None:
        if self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)


SCRATCH = Scratch()


class _Garbled(Exception):
    pass


def _parse(raw: bytes) -> dict[str, Any]:
    try:
        message = json.loads(raw)
    except (ValueError, RecursionError):
        raise _Garbled("output that is not a reply") from None
    if not isinstance(message, dict):
        raise _Garbled("output that is not a reply")
    return message


def _error(data: Any) -> dict[str, Any]:
    if isinstance(data, dict) and isinstance(data.get("error"), str) and isinstance(data.get("message"), str):
        return {"error": data["error"], "message": data["message"]}
    raise _Garbled("a malformed error")


def _outcome(message: dict[str, Any]) -> dict[str, Any]:
    if "error" in message:
        return _error(message)
    if "value" not in message:
        raise _Garbled("a reply without a value")
    return {"value": message["value"]}


def _time_out(
    job: dict[str, Any],
    pending: list[int],
    position: int,
    outcomes: list[dict[str, Any] | None],
    timeout: float,
) -> None:
    """The call under way timed out; later calls of the same name are not tried again."""
    if position >= len(pending):
        return
    call = job["calls"][pending[position]]
    outcomes[pending[position]] = {
        "error": "timeout",
        "message": f"{call['label']} did not return within {timeout:g} s (an endless loop?).",
    }
    for i in pending[position + 1 :]:
        if job["calls"][i]["target"] == call["target"] and job["calls"][i]["kind"] == call["kind"]:
            outcomes[i] = {"error": "skipped", "message": f"not tried: `{call['target']}` timed out before."}


def _wait(pid: int, deadline: float) -> int | None:
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.002)
    return None


def _exit_reason(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else str(number)
        if number == signal.SIGSEGV:
            return "crashed (SIGSEGV: very deep recursion, or a crash in compiled code)"
        if number == signal.SIGKILL:
            return "was killed (SIGKILL: out of memory, or it killed itself)"
        return f"was stopped by signal {name}"
    code = os.WEXITSTATUS(status)
    if code == CHILD_BROKEN:
        return "broke the checking code beside it (did it replace sys.stdout, or raise from __repr__?)"
    return f"ended its own process (os._exit({code}) or similar)"


def _exit_kind(status: int) -> str:
    return "crashed" if os.WIFSIGNALED(status) else "exited"


if __name__ == "__main__":
    main()
