"""The grading side of the sandbox: a pool of worker processes and the jobs sent to them."""

from __future__ import annotations

import json
import os
import queue
import select
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from calccourse.grading import Call, Outcome
from calccourse.sandbox.protocol import encode

# What answers import: loaded once per worker when many answers are graded.
PRELOAD = ("numpy", "scipy", "scipy.optimize", "scipy.integrate", "sympy", "matplotlib",
           "matplotlib.pyplot")
ENVIRONMENT = {
    "MPLBACKEND": "Agg",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",
}


@dataclass
class Job:
    """One answer file and the calls to make into it."""

    answer: Path
    calls: list[Call]
    probes: Path | None = None
    timeout: float = 5.0
    memory_mb: int = 1024
    output_limit: int = 64 * 1024

    def to_json(self) -> str:
        return json.dumps({
            "answer": str(self.answer.resolve()),
            "display": str(self.answer),
            "calls": [
                {"target": c.target, "kind": c.kind, "args": encode(c.args), "label": label(c)}
                for c in self.calls
            ],
            "probes": str(self.probes) if self.probes else None,
            "timeout": self.timeout,
            "memory_mb": self.memory_mb,
            "output_limit": self.output_limit,
        })


def label(call: Call) -> str:
    """How a call reads in messages: ``derivative(1.5)``, ``critical_points``."""
    if call.kind == "value":
        return f"`{call.target}`"
    if call.kind == "probe":
        return "checking your answer"
    return f"{call.target}({', '.join(_short(arg) for arg in call.args)})"


def _short(arg: object) -> str:
    if hasattr(arg, "shape") and hasattr(arg, "dtype") and getattr(arg, "ndim", 0):
        return f"<array {'×'.join(map(str, arg.shape))}>"  # type: ignore[attr-defined]
    if isinstance(arg, float):
        return f"{arg:.6g}"
    if isinstance(arg, (list, tuple)) and len(str(arg)) > 60:
        return f"<{len(arg)} items>"
    return str(arg)


@dataclass
class RunResult:
    load_error: str | None
    load_error_kind: str | None
    outcomes: list[Outcome]
    output: str
    output_truncated: bool


class Worker:
    """One worker process; restarted when an answer kills it."""

    def __init__(self, preload: tuple[str, ...]) -> None:
        self.preload = preload
        self.process = self._start()
        self.ready = False

    def _start(self) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "calccourse.sandbox.worker", *self.preload],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
            env={**os.environ, **ENVIRONMENT},
            start_new_session=True,
        )

    def _read_line(self, deadline: float) -> str | None:
        assert self.process.stdout is not None
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.process.stdout], [], [], left)
            if ready:
                return self.process.stdout.readline() or None

    def run(self, job: Job) -> RunResult:
        """Send one job; a dead or silent worker is replaced and the job reported as not run."""
        limit = 60.0 + job.timeout * (2 + len({(c.target, c.kind) for c in job.calls}) * 2)
        deadline = time.monotonic() + limit
        try:
            if not self.ready:
                self.ready = self._read_line(deadline) is not None
            assert self.process.stdin is not None
            self.process.stdin.write(job.to_json() + "\n")
            self.process.stdin.flush()
            line = self._read_line(deadline)
        except (BrokenPipeError, OSError):
            line = None
        if line is None:
            self.restart()
            return RunResult("The grading process stopped while running your answer "
                             "(did the answer kill its parent process?).", "crashed", [], "", False)
        data = json.loads(line)
        load_error = data.get("load_error")
        outcomes = [Outcome(o.get("value"), o.get("error"), o.get("message", "")) for o in data["outcomes"]]
        output_limit = job.output_limit
        return RunResult(
            load_error["message"] if load_error else None,
            load_error["error"] if load_error else None,
            outcomes,
            data["output"],
            data["output_bytes"] > output_limit,
        )

    def restart(self) -> None:
        self.close()
        self.process = self._start()
        self.ready = False

    def close(self) -> None:
        try:
            os.killpg(self.process.pid, 9)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream:
                try:
                    stream.close()
                except OSError:
                    pass


class Sandbox:
    """A pool of workers; ``run`` may be called from several threads at once."""

    def __init__(self, workers: int = 1, preload: tuple[str, ...] = ()) -> None:
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all = [Worker(preload) for _ in range(max(1, workers))]
        for worker in self._all:
            self._idle.put(worker)

    def run(self, job: Job) -> RunResult:
        worker = self._idle.get()
        try:
            return worker.run(job)
        finally:
            self._idle.put(worker)

    def close(self) -> None:
        for worker in self._all:
            worker.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
