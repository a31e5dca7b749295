"""The portable sandbox: answers run in pre-started, single-use interpreters (Windows, macOS).

Linux forks each answer from a warm worker (``runner.Sandbox``). Windows cannot fork, and
macOS must not after NumPy and friends are loaded (CPython documents fork without exec as
unsafe there). Here each answer gets a fresh ``python -m calccourse.sandbox.portable_child``
that has already imported what the answer imports (:func:`runner.preload_of`), started
ahead of time; it runs that one answer and exits, and another is started meanwhile.

Only portable means: ``subprocess`` pipes read by threads (Windows cannot ``select`` on
pipes), psutil for the process tree (its memory, and ending all of it). The job's
bookkeeping (time limits, a fresh interpreter after a call that hangs or ends its process,
skipped calls) is :class:`worker.JobRun`'s, shared with the fork path.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import IO, Any

import psutil

from calccourse.sandbox.child import ADDRESS_SPACE_LIMIT
from calccourse.sandbox.protocol import ErrorKind, Job, Outcome, ProtocolError, RunResult, error_wire
from calccourse.sandbox.runner import lost_worker, preload_of, worker_environment
from calccourse.sandbox.worker import (
    MAX_REPLY,
    ChildWatch,
    JobRun,
    Output,
    Scratch,
    _parse,
    exit_reason,
    signal_reason,
)

POLL = 0.05  # seconds between looks at the answer's memory, where the kernel does not limit it
STARTUP = 120.0  # seconds an interpreter may take to import its libraries
# Windows' codes for a process that crashed (it has no signals to tell them by).
WINDOWS_CRASHES = {
    0xC0000005: "crashed (an access violation: a crash in compiled code)",
    0xC00000FD: "crashed (a stack overflow: very deep recursion)",
}


# Between the grader and each interpreter: a bare Python that starts it, waits, and ends as
# it ended (the same signal, or the same exit code). The answer's parent is this launcher,
# never the grading process: `os.kill(os.getppid(), ...)` ends only the launcher, and the
# interpreter's replies still reach the grader through the pipes it inherited.
LAUNCHER = """\
import os, signal, subprocess, sys
code = subprocess.Popen(sys.argv[1:]).wait()
if code < 0:
    try:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    except (OSError, ValueError):
        pass
    code = 128 - code
os._exit(code - (1 << 32) if code > 0x7FFFFFFF else code)
"""


RUN = "CALCCOURSE_RUN"  # in every interpreter's environment: what a sandbox started, found again


def end_strays(run: str, since: float) -> None:
    """End every process started since ``since`` whose environment carries this sandbox's
    ``run``: what an answer detached from its tree (double-forked, or with a session of its
    own), which would outlive the command otherwise (and could rewrite its reports). Waits
    until they have ended (a loaded machine takes a while to end a killed process)."""
    killed = []
    for process in psutil.process_iter(["create_time"]):
        with contextlib.suppress(psutil.Error):
            if (process.info["create_time"] or 0) >= since and process.environ().get(RUN) == run:
                process.kill()
                killed.append(process)
    psutil.wait_procs(killed, timeout=2.0)


class InterpreterLost(Exception):
    """An interpreter that never got ready: the machine's problem, not the answer's."""


def _detached() -> dict[str, Any]:
    """Popen options that keep a terminal's Ctrl-C for the grading process alone."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


class Interpreter:
    """One single-use Python that imported ``preload``; two threads read its pipes."""

    def __init__(self, preload: tuple[str, ...], home: str, run: str) -> None:
        # One matplotlib cache for all the interpreters: its font list is built once, not per answer.
        environment = {**worker_environment(), "MPLCONFIGDIR": os.path.join(home, "matplotlib"), RUN: run}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-I",
                "-S",
                "-c",
                LAUNCHER,
                sys.executable,
                "-m",
                "calccourse.sandbox.portable_child",
                *preload,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment,
            cwd=home,
            **_detached(),
        )
        self.lines: queue.Queue[bytes | None] = queue.Queue()
        self.output = Output(0)  # replaced by the job's before it is sent
        self.ready = False
        self.baseline = 0  # bytes the ready interpreter holds: the answer's memory is beyond it
        self.seen: dict[int, psutil.Process] = {}  # every process of its tree seen so far
        # Stamped on each of its replies: a classmate that writes into this interpreter's
        # pipe (on Windows, or as root) cannot forge them without reading its memory.
        self.key = secrets.token_hex(16)
        assert self.process.stdout is not None and self.process.stderr is not None
        self._readers = [
            threading.Thread(target=self._read_lines, args=(self.process.stdout,), daemon=True),
            threading.Thread(target=self._read_output, args=(self.process.stderr,), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    # Each reader closes its own pipe when done: closing it from another thread while the
    # reader is blocked on it would hang there (a stray may hold the pipe open for long).
    def _read_lines(self, stream: IO[bytes]) -> None:
        with stream, contextlib.suppress(OSError, ValueError):
            while line := stream.readline(MAX_REPLY + 1):
                self.lines.put(line)
                if not line.endswith(b"\n"):
                    break  # too long (the watcher says so), or cut short by the process's end
        self.lines.put(None)

    def _read_output(self, stream: IO[bytes]) -> None:
        with stream, contextlib.suppress(OSError, ValueError):
            while data := stream.read1(65536):  # type: ignore[attr-defined]
                self.output.add(data)

    def wait_ready(self, deadline: float, measure: bool) -> None:
        """Block until the interpreter has imported its libraries; InterpreterLost if it cannot."""
        if self.ready:
            return
        try:
            line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            line = None
        try:
            self.ready = line is not None and json.loads(line) == {"ready": True}
        except ValueError:
            self.ready = False
        if not self.ready:
            raise InterpreterLost("a fresh Python interpreter did not start")
        self.tree()  # the interpreter is known from now on, even if its launcher is killed
        if measure:  # where the memory is watched from here: what the answer adds counts
            self.baseline = self.memory()

    def send(self, request: dict[str, Any]) -> None:
        """Send the one request; the pipe stays open: its end tells the interpreter that the
        grading process is gone (it then ends itself, whatever the answer is doing)."""
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(request) + "\n").encode())
        self.process.stdin.flush()

    def tree(self) -> list[psutil.Process]:
        """The launcher, the interpreter and what they started, remembered (and followed
        from each one seen, so that orphans are ended too), from one look at the process
        table: this runs every POLL where the memory is watched from here."""
        if self.process.pid not in self.seen:
            with contextlib.suppress(psutil.Error):
                self.seen[self.process.pid] = psutil.Process(self.process.pid)
        children: dict[int, list[psutil.Process]] = {}
        for process in psutil.process_iter(["ppid"]):
            children.setdefault(process.info["ppid"], []).append(process)
        waiting = list(self.seen)
        while waiting:
            for child in children.get(waiting.pop(), []):
                if child.pid not in self.seen:
                    self.seen[child.pid] = child
                    waiting.append(child.pid)
        return list(self.seen.values())

    def memory(self) -> int:
        """Resident bytes of its whole tree."""
        total = 0
        for process in self.tree():
            with contextlib.suppress(psutil.Error):
                total += process.memory_info().rss
        return total

    def orphaned(self) -> bool:
        """Whether the answer ended its parent process (the launcher), as a forked answer may
        kill its worker: an interpreter that has said all ends with 0 and its launcher as it
        did, so a launcher that ends otherwise was ended from outside."""
        self.tree()  # what the answer started, while the interpreter is there to find it by
        code = self.exit_code(wait=1.0)
        return code is not None and code != 0

    def exit_code(self, wait: float) -> int | None:
        try:
            return self.process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            return None

    def end(self) -> None:
        """Kill the whole tree, then collect what it printed last."""
        for process in self.tree():
            with contextlib.suppress(psutil.Error):
                process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        for reader in self._readers:
            reader.join(timeout=1.0)  # a stray that escaped the tree may hold the pipes open


class PortableWatch(ChildWatch):
    """:class:`ChildWatch` over an interpreter's pipes (threads and a queue, not ``select``),
    with the memory limit watched from here where the kernel does not enforce it."""

    def follow_interpreter(self, interpreter: Interpreter, memory_limit: int | None) -> None:
        try:
            deadline = self.deadline(interpreter.process.pid)
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    self.time_out()
                    return
                if memory_limit is not None and interpreter.memory() > memory_limit:
                    said = f"Your answer ran out of memory {self.when()} (memory limit)."
                    self.fail(error_wire("memory", said))
                    return
                try:
                    line = interpreter.lines.get(timeout=min(left, POLL))
                except queue.Empty:
                    continue
                if line is None:
                    break
                if len(line) > MAX_REPLY:
                    raise ProtocolError("a value too large to check")
                message = _parse(line)
                if message.pop("key", None) != interpreter.key:  # written into its pipe by another
                    raise ProtocolError("a reply that did not come from the answer's own interpreter")
                self.receive(message)
                deadline = self.deadline(interpreter.process.pid)
                if self.done():
                    return
            self.ended_as(*_ending(interpreter.exit_code(wait=1.0)))
        except ProtocolError as garbled:
            self.garbled(garbled)

    def when(self) -> str:
        """ "while loading", or "in derivative(0.5)": where the answer is, as describe_error says it."""
        if not self.loaded or self.current is None:
            return "while loading"
        return f"in {self.run.calls[self.current]['label']}"


def _ending(code: int | None) -> tuple[ErrorKind, str]:
    """Why an interpreter ended early, from its exit code (negative: a POSIX signal)."""
    if code is None:
        return "crashed", "closed its reply channel"
    if code < 0:
        return "crashed", signal_reason(-code)
    if sys.platform == "win32" and code in WINDOWS_CRASHES:
        return "crashed", WINDOWS_CRASHES[code]
    return "exited", exit_reason(code)


class PortableJobRun(JobRun):
    """One job across the interpreters it takes (a fresh one after a call that hangs or
    ends its process), in a scratch folder of its own."""

    def __init__(self, job: Job, take: Callable[[], Interpreter]) -> None:
        super().__init__(job.to_wire(1), lambda **details: None)
        self.take = take
        self.scratch = Scratch()

    def supervise(self, pending: list[int]) -> tuple[bool, dict[str, Any] | None]:
        try:
            workdir = self.scratch.fresh()
        except OSError as error:  # a full or unwritable temporary folder: the machine's problem
            reason = error.strerror or str(error)
            raise InterpreterLost(f"its scratch folder could not be made ({reason})") from None
        interpreter = self.take()
        watch = PortableWatch(self, pending)
        memory_limit = None  # the kernel's RLIMIT_AS where it enforces one, else watched from here
        if not ADDRESS_SPACE_LIMIT:
            memory_limit = interpreter.baseline + (int(self.job["memory_mb"]) << 20)
        try:
            interpreter.output = self.output
            request = {"job": self.job, "pending": pending, "workdir": workdir, "key": interpreter.key}
            interpreter.send(request)
            watch.follow_interpreter(interpreter, memory_limit)
            if watch.done() and interpreter.orphaned():
                raise ProtocolError("it ended its parent process")
        finally:
            interpreter.end()
            self.written.update(self.scratch.left_behind())
        return watch.loaded, watch.load_error


class PortableSandbox:
    """Answers in single-use interpreters, ``workers`` at once; the same interface and the
    same results as :class:`runner.Sandbox`. ``run`` may be called from several threads.

    Interpreters are kept ready per preload set (what one answer imports, never what
    others do): a spare starts as soon as one is taken, so the next answer, or the fresh
    interpreter a hung call needs, is already importing its libraries.
    """

    def __init__(self, workers: int = 1, *, warm: bool = False) -> None:
        """``warm`` is accepted for the same interface as ``runner.Sandbox`` and changes
        nothing: single-use interpreters share nothing, so no warming is paid once for many
        answers (each interpreter would pay it, whether its answer needs it or not)."""
        self._workers = max(1, workers)
        self._home = tempfile.mkdtemp(prefix="calccourse-interpreters-")
        self._slots = threading.BoundedSemaphore(self._workers)
        self._lock = threading.Lock()
        self._spares: dict[tuple[str, ...], list[Interpreter]] = {}
        self._taken: dict[tuple[str, ...], int] = {}  # interpreters each preload set has used
        self._closed = False
        self._run, self._since = secrets.token_hex(8), time.time() - 1.0
        self._stock(preload_of(frozenset()), self._workers)  # NumPy's: what most answers need

    def prepare(self, *imports: frozenset[str]) -> None:
        """Start an interpreter for answers importing each of ``imports`` (it imports meanwhile)."""
        for each in imports:
            self._stock(preload_of(each), 1)

    def _stock(self, preload: tuple[str, ...], wanted: int) -> None:
        with self._lock:
            spares = self._spares.setdefault(preload, [])
            while not self._closed and len(spares) < wanted:
                spares.append(Interpreter(preload, self._home, self._run))

    def _take(self, preload: tuple[str, ...]) -> Interpreter:
        with self._lock:
            spares = self._spares.setdefault(preload, [])
            interpreter = spares.pop(0) if spares else Interpreter(preload, self._home, self._run)
            self._taken[preload] = taken = self._taken.get(preload, 0) + 1
        # The next ones start importing while this one works: as many as answers run at once,
        # once the set has been asked for again (a set one answer of a class needs wastes one).
        self._stock(preload, min(self._workers, taken))
        try:
            interpreter.wait_ready(time.monotonic() + STARTUP, measure=not ADDRESS_SPACE_LIMIT)
        except InterpreterLost:
            interpreter.end()
            raise
        return interpreter

    def _run_once(self, job: Job) -> RunResult:
        preload = preload_of(job.imports)
        run = PortableJobRun(job, lambda: self._take(preload))
        sent = time.monotonic()
        try:
            return replace(RunResult.from_wire(run.run(), job), ran=time.monotonic() - sent)
        except InterpreterLost as problem:  # the machine's problem: never the answer's
            message = f"Your answer was not run: {problem} (a problem of this machine, not of your answer)."
            return RunResult(Outcome(error="crashed", message=message), worker_lost=True)
        except (ProtocolError, OSError) as problem:
            return lost_worker(str(problem))
        finally:
            run.scratch.remove()

    def run(self, job: Job) -> RunResult:
        """Run one job; a second try on fresh interpreters when the first lost its own."""
        with self._slots:
            result = self._run_once(job)
            if result.worker_lost and not self._closed:
                result = replace(self._run_once(job), retried=True)
            return result

    def close(self) -> None:
        with self._lock:
            self._closed = True
            spares = [interpreter for group in self._spares.values() for interpreter in group]
            self._spares.clear()
        for interpreter in spares:
            interpreter.end()
        end_strays(self._run, self._since)
        shutil.rmtree(self._home, ignore_errors=True)

    def __enter__(self) -> PortableSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
