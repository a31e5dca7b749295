"""The grading side of the sandbox: a pool of worker processes and the jobs sent to them."""

from __future__ import annotations

import ast
import contextlib
import functools
import json
import os
import queue
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from typing import Any

from calccourse.sandbox.protocol import Job, Outcome, ProtocolError, RunResult

MAX_REPLY = 128 * 1024 * 1024  # bytes of one line from a worker
SCAN_LIMIT = 1024 * 1024  # bytes of an answer file read for its imports
# Libraries a worker may import ahead of the answers (never anything else an answer names).
PRELOADABLE = ("numpy", "scipy", "sympy", "matplotlib")
# What of the grader's environment reaches answers: enough to run Python, never its secrets
# (a CI job's tokens, a workflow's GITHUB_OUTPUT and GITHUB_ENV files).
KEPT = (
    "PATH",
    "LANG",
    "LANGUAGE",
    "TZ",
    "TMPDIR",
    "PYTHONPATH",
    "PYTHONHOME",
    "VIRTUAL_ENV",
    "CALCCOURSE_SIMULATE_NO_LANDLOCK",
    # Windows' own: Python and the libraries need them there (the system folder, the shell).
    "SYSTEMROOT",
    "WINDIR",
    "COMSPEC",
    "PATHEXT",
    "TEMP",
    "TMP",
    "NUMBER_OF_PROCESSORS",
    "PROCESSOR_ARCHITECTURE",
)
ENVIRONMENT = {
    "MPLBACKEND": "Agg",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",
}


def imports_of(source: bytes) -> frozenset[str]:
    """The preloadable modules an answer imports (``numpy``, ``scipy.optimize``, ...), read
    from its ``import`` statements without running it; empty when it does not parse."""
    if len(source) > SCAN_LIMIT:
        return frozenset()  # a huge file: not worth parsing in the grading process
    try:
        tree = ast.parse(source)
    except Exception:  # noqa: BLE001 - invalid, or too deep for the parser
        return frozenset()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return frozenset(name for name in names if name.split(".")[0] in PRELOADABLE)


def preload_of(imports: frozenset[str]) -> tuple[str, ...]:
    """The libraries a worker imports before it runs an answer that imports ``imports``:
    NumPy (checkers pass NumPy functions) and each of the answer's own, cut to two dotted
    parts (``scipy.optimize.minimize`` names no module; ``scipy.optimize`` does).

    A pure function of the answer itself: what an answer finds already imported never
    depends on its classmates, on the command, or on what ran before it.
    """
    return tuple(sorted({"numpy", *(".".join(name.split(".")[:2]) for name in imports)}))


def _imports_of_file(path: str) -> frozenset[str]:
    try:
        with open(path, "rb") as handle:
            return imports_of(handle.read())
    except OSError:
        return frozenset()


def lost_worker(problem: str) -> RunResult:
    """The result of a job whose worker misbehaved: the answer was not run to the end."""
    message = (
        f"The grading process could not finish with your answer: {problem}. "
        "(Did the answer kill, stop or write into its parent process?)"
    )
    return RunResult(Outcome(error="crashed", message=message), worker_lost=True)


class Worker:
    """One worker's channel: jobs go out; progress, then a result, come back.

    Nothing from the worker is trusted blindly: a reply that is not for this job, is
    malformed, or does not come within the answer's time limit (plus ``margin``) after
    the last sign of progress ends the worker, and the answer is reported as not run.
    """

    def __init__(self, channel: socket.socket, startup: float, margin: float) -> None:
        self.channel, self.startup, self.margin = channel, startup, margin
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
                raise ProtocolError("it stopped answering")
            data = self.channel.recv(1 << 20)
            if not data:
                raise ProtocolError("its channel closed")
            self.received += data
            if len(self.received) > MAX_REPLY:
                raise ProtocolError("it sent a line too long")
        line = bytes(self.received[:end])
        del self.received[: end + 1]
        try:
            message = json.loads(line)
        except (ValueError, RecursionError):
            raise ProtocolError("it sent something that is not a reply") from None
        if not isinstance(message, dict):
            raise ProtocolError("it sent something that is not a reply")
        return message

    def run(self, job: Job) -> RunResult:
        """Send one job and wait for its result, tolerating slow answers but not silent workers."""
        try:
            if self.pid is None:
                ready = self._message(time.monotonic() + self.startup)
                if ready.get("ready") is not True or not isinstance(ready.get("pid"), int):
                    raise ProtocolError("it did not start")
                self.pid = ready["pid"]
            self.jobs += 1
            sent = time.monotonic()  # the answer's own time starts here, not while a worker starts
            self.channel.sendall((json.dumps(job.to_wire(self.jobs)) + "\n").encode())
            while True:
                message = self._message(time.monotonic() + job.timeout + self.margin)
                if message.get("id") != self.jobs:
                    raise ProtocolError("it sent a reply for another job")
                if isinstance(message.get("child"), int):
                    self.children.add(message["child"])
                if "result" in message:
                    return replace(RunResult.from_wire(message["result"], job), ran=time.monotonic() - sent)
        except (ProtocolError, OSError) as problem:
            self.kill()
            return lost_worker(str(problem))

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
        """End of jobs: let the worker clean up (stray processes, scratch folder) and exit;
        kill it if it has not closed its end by ``deadline``."""
        done = False
        with contextlib.suppress(OSError):
            self.channel.shutdown(socket.SHUT_WR)
            while not done and (left := deadline - time.monotonic()) > 0:
                if not select.select([self.channel], [], [], left)[0]:
                    break
                done = not self.channel.recv(1 << 16)  # it closed its end: done
        if done:
            self.close()
        else:
            self.kill()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.channel.close()


def worker_environment() -> dict[str, str]:
    kept = {key: value for key, value in os.environ.items() if key in KEPT or key.startswith("LC_")}
    return {**kept, **ENVIRONMENT}


Launch = tuple[tuple[str, ...], bool]  # a pool to start: its preload, and whether it rehearses


def start_workers(
    count: int,
    pools: list[Launch],
    warm: bool,
    startup: float,
    margin: float,
    home: str,
    rehearsal: str | None = None,
) -> tuple[subprocess.Popen[bytes], list[list[Worker]]]:
    """One process imports NumPy, forks a process for each further pool, and each pool's
    process imports its preload once (``warm``: and exercises it), then forks ``count``
    workers. Returns the process and each pool's workers.

    It starts in ``home``, a folder of its own, empty: ``python -m`` puts the working
    folder first on ``sys.path``, and no file there may shadow a module answers import."""
    pairs = [[socket.socketpair() for _ in range(count)] for _ in pools]
    theirs = [[their.fileno() for _, their in pool] for pool in pairs]
    arguments = [
        f"{','.join(map(str, fds))}:{'rehearse' if rehearses else '-'}:{','.join(preload)}"
        for fds, (preload, rehearses) in zip(theirs, pools)
    ]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "calccourse.sandbox.worker",
            "warm" if warm else "cold",
            rehearsal or "-",
            *arguments,
        ],
        pass_fds=[fd for fds in theirs for fd in fds],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=worker_environment(),
        cwd=home,
        start_new_session=True,
    )
    for pool in pairs:
        for _, their in pool:
            their.close()
    return process, [[Worker(ours, startup, margin) for ours, _ in pool] for pool in pairs]


class Pool:
    """Workers forked from one process that preloaded the same libraries."""

    def __init__(
        self,
        started: list[Worker],
        restart: functools.partial[tuple[subprocess.Popen[bytes], list[list[Worker]]]],
    ):
        """``started``: the pool's workers; ``restart(1)`` launches a fresh one alone."""
        self._restart = restart
        self._processes: list[subprocess.Popen[bytes]] = []  # those of fresh workers
        self._workers = list(started)
        self._idle: queue.Queue[Worker] = queue.Queue()
        for worker in started:
            self._idle.put(worker)
        self._lock = threading.Lock()
        self.closed = False

    def run_once(self, job: Job) -> RunResult:
        worker = self._idle.get()
        try:
            result = worker.run(job)
        except BaseException:  # interrupted (Ctrl-C) while the worker is still busy with the answer
            worker.kill()
            self._idle.put(worker)
            raise
        if not worker.alive and not self.closed:  # lost to an answer: a fresh one takes its place
            with self._lock:
                process, [[worker]] = self._restart(1)
                self._processes.append(process)
                self._workers.append(worker)
        self._idle.put(worker)
        return result

    def close(self, deadline: float) -> list[subprocess.Popen[bytes]]:
        """Let idle workers clean up and exit; kill any still busy (an interrupted run).
        Returns the processes this pool started itself, for :func:`end`."""
        self.closed = True
        idle = []
        while not self._idle.empty():
            idle.append(worker := self._idle.get())
            worker.finish(deadline)
        for worker in self._workers:
            if worker.alive and worker not in idle:
                worker.kill()
        return self._processes


def end(processes: list[subprocess.Popen[bytes]], deadline: float) -> None:
    """Wait for each launched process until ``deadline``, then kill its group, whatever is left."""
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class Sandbox:
    """Workers that run answers; ``run`` may be called from several threads at once.

    Each answer runs in a worker that preloaded exactly :func:`preload_of` its imports:
    one pool per such set, started on first need, so that the answer's world is the same
    whichever command grades it and whoever else is graded beside it. At most ``workers``
    answers run at once across the pools.

    A job whose worker was lost (killed, stopped, or replying nonsense) runs once more on
    a fresh worker: an answer that kills its own worker does so again and is the only
    one blamed, while one that lost its worker to a neighbour gets its result.
    """

    def __init__(
        self,
        workers: int = 1,
        *,
        warm: bool = False,
        rehearsal: str | None = None,
        startup: float = 120.0,
        margin: float = 5.0,
    ) -> None:
        """``warm`` pays once per pool for the lazy parts of its libraries that many answers
        would each pay for (their caches only: nothing an answer can tell), and so does
        ``rehearsal``, a trusted answer (the lesson's solution) run in each pool that already
        imports everything it imports (so it adds no module, only warm caches); ``startup`` is
        how long a worker may take to get ready, and ``margin`` how long beyond the answer's
        time limit a silent worker has before it is stuck."""
        self._home = tempfile.mkdtemp(prefix="calccourse-workers-")
        self._workers = max(1, workers)
        self._slots = threading.BoundedSemaphore(self._workers)
        self._closed = False
        self._start = functools.partial(
            start_workers, warm=warm, startup=startup, margin=margin, home=self._home, rehearsal=rehearsal
        )
        self._launched: list[subprocess.Popen[bytes]] = []
        self._pools: dict[tuple[str, ...], Pool] = {}
        self._lock = threading.Lock()
        self._rehearsal = rehearsal
        self._rehearsal_needs = set(preload_of(_imports_of_file(rehearsal))) if rehearsal else set()

    def prepare(self, *imports: frozenset[str]) -> None:
        """Start the pools that answers importing each of ``imports`` will need (they get
        ready meanwhile), in one launch: one process imports NumPy for all of them."""
        self._pools_for([preload_of(each) for each in imports])

    def _pool(self, imports: frozenset[str]) -> Pool:
        return self._pools_for([preload_of(imports)])[0]

    def _pools_for(self, preloads: list[tuple[str, ...]]) -> list[Pool]:
        with self._lock:
            new = sorted({preload for preload in preloads if preload not in self._pools})
            if new:
                launches = [(preload, self._rehearses(preload)) for preload in new]
                process, started = self._start(self._workers, launches)
                self._launched.append(process)
                for launch, workers in zip(launches, started):
                    self._pools[launch[0]] = Pool(workers, functools.partial(self._start, pools=[launch]))
            return [self._pools[preload] for preload in preloads]

    def _rehearses(self, preload: tuple[str, ...]) -> bool:
        """Whether the pool rehearses: only where it already imports all the rehearsal does."""
        return self._rehearsal is not None and self._rehearsal_needs <= set(preload)

    def run(self, job: Job) -> RunResult:
        """Run one job; a second try on a fresh worker when the first lost its worker."""
        with self._slots:
            pool = self._pool(job.imports)
            result = pool.run_once(job)
            if result.worker_lost and not self._closed:
                result = replace(pool.run_once(job), retried=True)
            return result

    def close(self) -> None:
        self._closed = True
        deadline = time.monotonic() + 3
        processes = list(self._launched)
        for pool in self._pools.values():
            processes += pool.close(deadline)
        end(processes, deadline)
        shutil.rmtree(self._home, ignore_errors=True)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
