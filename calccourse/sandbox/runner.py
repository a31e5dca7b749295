"""The grading side of the sandbox: a pool of worker processes and the jobs sent to them."""

from __future__ import annotations

import ast
import contextlib
import json
import os
import queue
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calccourse.grading import Call, Outcome
from calccourse.sandbox.protocol import encode

MAX_REPLY = 128 * 1024 * 1024  # bytes of one line from a worker
SCAN_LIMIT = 1024 * 1024  # bytes of an answer file read for its imports
# Libraries a worker may import ahead of the answers (never anything else an answer names).
PRELOADABLE = ("numpy", "scipy", "sympy", "matplotlib")
ENVIRONMENT = {
    "MPLBACKEND": "Agg",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",
}


def preload_for(answers: list[Path], share: float = 0.05) -> tuple[str, ...]:
    """The libraries worth importing once in the worker: NumPy (checkers pass NumPy
    functions), and each preloadable module that at least ``share`` of the answers import.

    A child inherits what its worker imported; a module few answers use is cheaper
    imported by those answers alone than carried by every child.
    """
    counts: dict[str, int] = {}
    for path in answers:
        try:
            if path.stat().st_size > SCAN_LIMIT:
                continue  # a huge file: not worth parsing in the grading process
            tree = ast.parse(path.read_bytes())
        except Exception:  # noqa: BLE001 - unreadable, invalid, or too deep for the parser
            continue
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
        for name in names:
            if name.split(".")[0] in PRELOADABLE:
                counts[name] = counts.get(name, 0) + 1
    wanted = [name for name, count in counts.items() if count >= max(1, share * len(answers))]
    # Names from `from scipy.optimize import minimize` include `scipy.optimize.minimize`,
    # which is no module: the worker skips what does not import (finding out here would
    # import SciPy into the grading process).
    return tuple(sorted({"numpy", *wanted}))


@dataclass
class Job:
    """One answer file and the calls to make into it."""

    answer: Path
    calls: list[Call]
    probes: Path | None = None
    timeout: float = 5.0
    memory_mb: int = 1024
    output_limit: int = 64 * 1024

    def to_json(self, job_id: int) -> str:
        return json.dumps(
            {
                "id": job_id,
                "answer": str(self.answer.resolve()),
                "display": str(self.answer),
                "calls": [
                    {
                        "target": c.target,
                        "kind": c.kind,
                        "about": c.about,
                        "args": encode(c.args),
                        "label": label(c),
                    }
                    for c in self.calls
                ],
                "probes": str(self.probes) if self.probes else None,
                "timeout": self.timeout,
                "memory_mb": self.memory_mb,
                "output_limit": self.output_limit,
            }
        )


def label(call: Call) -> str:
    """How a call reads in messages: ``derivative(1.5)``, ``critical_points``."""
    if call.kind == "value":
        return f"`{call.target}`"
    if call.kind == "probe":
        return f"`{call.about}`" if call.about else "checking your answer"
    return f"{call.target}({', '.join(_short(arg) for arg in call.args)})"


def _short(arg: object) -> str:
    if hasattr(arg, "shape") and hasattr(arg, "dtype") and getattr(arg, "ndim", False):
        return f"<array {'×'.join(map(str, arg.shape))}>"  # type: ignore[attr-defined]
    if isinstance(arg, float):
        return f"{arg:.6g}"
    if isinstance(arg, (list, tuple)) and len(str(arg)) > 60:
        return f"<{len(arg)} items>"
    return str(arg)


@dataclass
class RunResult:
    load_error: str | None
    outcomes: list[Outcome]
    output: str
    output_truncated: bool


class Worker:
    """One worker's channel: jobs go out; progress, then a result, come back.

    Nothing from the worker is trusted blindly: a reply that is not for this job, is
    malformed, or does not come within the answer's time limit (plus a margin) after
    the last sign of progress ends the worker, and the answer is reported as not run.
    """

    STARTUP = 120.0  # seconds a worker may take to import what it preloads
    MARGIN = 5.0  # seconds beyond the answer's time limit before a silent worker is stuck

    def __init__(self, channel: socket.socket) -> None:
        self.channel = channel
        self.received = bytearray()
        self.pid: int | None = None  # the worker's, once it is ready
        self.children: set[int] = set()  # answer processes it started (their process groups)
        self.alive = True
        self.jobs = 0

    def _message(self, deadline: float) -> dict[str, Any]:
        """The next line from the worker as a dict, waiting until ``deadline`` at most."""
        while (end := self.received.find(b"\n")) < 0:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.channel], [], [], left)[0]:
                raise _Stuck("it stopped answering")
            data = self.channel.recv(1 << 20)
            if not data:
                raise _Stuck("its channel closed")
            self.received += data
            if len(self.received) > MAX_REPLY:
                raise _Stuck("it sent a line too long")
        line = bytes(self.received[:end])
        del self.received[: end + 1]
        try:
            message = json.loads(line)
        except (ValueError, RecursionError):
            raise _Stuck("it sent something that is not a reply") from None
        if not isinstance(message, dict):
            raise _Stuck("it sent something that is not a reply")
        return message

    def run(self, job: Job) -> RunResult:
        """Send one job and wait for its result, tolerating slow answers but not silent workers."""
        try:
            if self.pid is None:
                ready = self._message(time.monotonic() + self.STARTUP)
                if ready.get("ready") is not True or not isinstance(ready.get("pid"), int):
                    raise _Stuck("it did not start")
                self.pid = ready["pid"]
            self.jobs += 1
            self.channel.sendall((job.to_json(self.jobs) + "\n").encode())
            while True:
                message = self._message(time.monotonic() + job.timeout + self.MARGIN)
                if message.get("id") != self.jobs:
                    raise _Stuck("it sent a reply for another job")
                if isinstance(message.get("child"), int):
                    self.children.add(message["child"])
                if "result" in message:
                    return _result(message["result"], job)
        except (_Stuck, OSError) as problem:
            self.kill()
            return RunResult(
                f"The grading process could not finish with your answer: {problem}. (Did the answer "
                "kill, stop or write into its parent process?)",
                [],
                "",
                False,
            )

    def kill(self) -> None:
        """End the worker and every answer process it started, whatever state they are in."""
        self.alive = False
        for group in self.children:
            with contextlib.suppress(OSError):
                os.killpg(group, signal.SIGKILL)
        if self.pid is not None:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
        self.close()

    def finish(self, deadline: float) -> None:
        """End of jobs: let the worker clean up (stray processes, scratch folder) and exit."""
        with contextlib.suppress(OSError):
            self.channel.shutdown(socket.SHUT_WR)
            while (left := deadline - time.monotonic()) > 0 and select.select([self.channel], [], [], left)[
                0
            ]:
                if not self.channel.recv(1 << 16):
                    break  # it closed its end: done
        self.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.channel.close()


class _Stuck(Exception):
    """The worker misbehaved: stuck, gone, or replying nonsense."""


def _result(data: Any, job: Job) -> RunResult:
    """Check a worker's result field by field before anything reaches the judges."""
    if not isinstance(data, dict) or not isinstance(data.get("output"), str):
        raise _Stuck("it sent a malformed result")
    load_error = data.get("load_error")
    if load_error is not None:
        message = _error_message(load_error)
        return RunResult(message, [], data["output"], _truncated(data, job))
    raw = data.get("outcomes")
    if not isinstance(raw, list) or len(raw) != len(job.calls):
        raise _Stuck("it sent a result with the wrong number of outcomes")
    outcomes = []
    for item in raw:
        if not isinstance(item, dict):
            raise _Stuck("it sent a malformed outcome")
        if item.get("error") is not None:
            outcomes.append(Outcome(None, str(item["error"]), _error_message(item)))
        elif "value" in item:
            outcomes.append(Outcome(item["value"]))
        else:
            raise _Stuck("it sent an outcome without a value")
    return RunResult(None, outcomes, data["output"], _truncated(data, job))


def _error_message(error: Any) -> str:
    if (
        not isinstance(error, dict)
        or not isinstance(error.get("error"), str)
        or not isinstance(error.get("message"), str)
    ):
        raise _Stuck("it sent a malformed error")
    return error["message"]


def _truncated(data: dict[str, Any], job: Job) -> bool:
    total = data.get("output_bytes")
    if not isinstance(total, int):
        raise _Stuck("it sent a malformed result")
    return total > job.output_limit


def start_workers(
    count: int, preload: tuple[str, ...], warm: bool = False
) -> tuple[subprocess.Popen[bytes], list[Worker]]:
    """One process imports ``preload`` once (``warm``: and exercises it), then forks ``count`` workers."""
    pairs = [socket.socketpair() for _ in range(count)]
    theirs = [their.fileno() for _, their in pairs]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "calccourse.sandbox.worker",
            ",".join(map(str, theirs)),
            "warm" if warm else "cold",
            *preload,
        ],
        pass_fds=theirs,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **ENVIRONMENT},
        start_new_session=True,
    )
    for _, their in pairs:
        their.close()
    return process, [Worker(ours) for ours, _ in pairs]


class Sandbox:
    """A pool of workers; ``run`` may be called from several threads at once."""

    def __init__(self, workers: int = 1, preload: tuple[str, ...] = (), warm: bool = False) -> None:
        """``warm`` pays once at start-up for what many answers would each pay (a batch)."""
        self.preload, self.warm = preload, warm
        process, started = start_workers(max(1, workers), preload, warm)
        self._processes = [process]
        self._idle: queue.Queue[Worker] = queue.Queue()
        for worker in started:
            self._idle.put(worker)
        self._lock = threading.Lock()

    def run(self, job: Job) -> RunResult:
        worker = self._idle.get()
        try:
            return worker.run(job)
        finally:
            if not worker.alive:  # killed because of an answer: a fresh one takes its place
                with self._lock:
                    process, (worker,) = start_workers(1, self.preload, self.warm)
                    self._processes.append(process)
            self._idle.put(worker)

    def close(self) -> None:
        deadline = time.monotonic() + 3
        while not self._idle.empty():
            self._idle.get().finish(deadline)
        for process in self._processes:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(process.pid, 9)
            except (ProcessLookupError, PermissionError):
                pass
            process.wait()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
