"""The grading side of the sandbox: a pool of worker processes and the jobs sent to them."""

from __future__ import annotations

import ast
import json
import os
import queue
import select
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from calccourse.grading import Call, Outcome
from calccourse.sandbox.protocol import encode

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
            tree = ast.parse(path.read_bytes())
        except (OSError, SyntaxError, ValueError):
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

    def to_json(self) -> str:
        return json.dumps(
            {
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
    """One worker's channel: jobs go out, results come back."""

    def __init__(self, jobs: TextIO, results: TextIO) -> None:
        self.jobs, self.results = jobs, results
        self.ready, self.alive = False, True

    def _read_line(self, deadline: float) -> str | None:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.results], [], [], left)
            if ready:
                return self.results.readline() or None

    def run(self, job: Job) -> RunResult:
        """Send one job; if the worker dies or falls silent, the job is reported as not run."""
        limit = 60.0 + job.timeout * (2 + len({(c.target, c.kind) for c in job.calls}) * 2)
        deadline = time.monotonic() + limit
        try:
            if not self.ready:
                self.ready = self._read_line(deadline) is not None
            self.jobs.write(job.to_json() + "\n")
            self.jobs.flush()
            line = self._read_line(deadline)
        except (BrokenPipeError, OSError):
            line = None
        if line is None:
            self.alive = False
            return RunResult(
                "The grading process stopped while running your answer "
                "(did the answer kill its parent process?).",
                [],
                "",
                False,
            )
        data = json.loads(line)
        load_error = data.get("load_error")
        outcomes = [Outcome(o.get("value"), o.get("error"), o.get("message", "")) for o in data["outcomes"]]
        return RunResult(
            load_error["message"] if load_error else None,
            outcomes,
            data["output"],
            data["output_bytes"] > job.output_limit,
        )

    def close(self) -> None:
        """End of jobs: the worker cleans up (stray processes, scratch folder) and exits."""
        for stream in (self.jobs, self.results):
            try:
                stream.close()
            except OSError:
                pass


def start_workers(
    count: int, preload: tuple[str, ...], warm: bool = False
) -> tuple[subprocess.Popen[bytes], list[Worker]]:
    """One process imports ``preload`` once (``warm``: and exercises it), then forks ``count`` workers."""
    pipes = [(os.pipe(), os.pipe()) for _ in range(count)]
    theirs = [fd for (job_r, _), (_, result_w) in pipes for fd in (job_r, result_w)]
    channels = ",".join(f"{job_r}:{result_w}" for (job_r, _), (_, result_w) in pipes)
    process = subprocess.Popen(
        [sys.executable, "-m", "calccourse.sandbox.worker", channels, "warm" if warm else "cold", *preload],
        pass_fds=theirs,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **ENVIRONMENT},
        start_new_session=True,
    )
    for fd in theirs:
        os.close(fd)
    workers = [
        Worker(os.fdopen(job_w, "w", encoding="utf-8"), os.fdopen(result_r, "r", encoding="utf-8"))
        for (_, job_w), (result_r, _) in pipes
    ]
    return process, workers


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
            if not worker.alive:  # killed by an answer: a fresh one takes its place
                worker.close()
                with self._lock:
                    process, (worker,) = start_workers(1, self.preload, self.warm)
                    self._processes.append(process)
            self._idle.put(worker)

    def close(self) -> None:
        while not self._idle.empty():
            self._idle.get().close()
        deadline = time.monotonic() + 3
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
