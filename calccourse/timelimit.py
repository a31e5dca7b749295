"""Time limits on the lesson author's own code: the demo, the checker, each judge.

An answer runs in a worker process that can be killed; the author's code runs in this
process, where a Python thread cannot be killed. So a limited part runs in a daemon
thread that the caller waits for: one of a few kept for the purpose (a thread started per
judge cost a class of 200 a tenth of a second in starting and ending threads), each part
in a fresh context (``contextvars``), as in a new thread. When the limit trips:

1. the stuck thread's stack is read (``sys._current_frames()``) for the last line it was
   running in the lesson's folder, which the :class:`LessonError` names;
2. an exception is raised inside the thread (``PyThreadState_SetAsyncExc``): a Python loop
   or a ``time.sleep`` loop stops at its next bytecode;
3. a thread that still runs (blocked in C code) is left behind, and :func:`abandoned`
   tells the command to end the process with ``os._exit`` when it is done, so that no
   stuck daemon thread can hold up the interpreter's shutdown.

The caller goes on at once: the other lessons are checked, and every summary printed.
"""

from __future__ import annotations

import contextvars
import ctypes
import os
import queue
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from calccourse.lesson import LessonError, LessonPlugin

T = TypeVar("T")
_abandoned: list[threading.Thread] = []
GRACE = 1.0  # seconds a stopped thread gets to unwind before it counts as abandoned


class TimeUp(BaseException):
    """Raised inside a thread whose time is up (a BaseException: ``except Exception`` in
    the lesson's code does not swallow it)."""


class BaseExceptionRaised(Exception):
    """The lesson's code raised what is no Exception (``sys.exit()`` in a judge, a
    KeyboardInterrupt, a BaseException of its own): the caller gets it as an Exception, with
    its traceback, so every part reports it as the lesson's error. Raised as it was, it would
    end calccourse, with exit status 0 for ``sys.exit(0)``."""

    def __init__(self, raised: BaseException) -> None:
        super().__init__(repr(raised))
        self.__cause__ = raised
        self.__traceback__ = raised.__traceback__


class TimeLimitError(LessonError):
    """A part of a lesson did not finish within its limit; ``location`` is where it was."""

    def __init__(self, plugin: LessonPlugin, part: str, filename: str, seconds: float, location: str) -> None:
        self.location = location
        where = f"; it was at {location}" if location else ""
        super().__init__(
            plugin.name,
            part,
            plugin.folder / filename,
            f"did not finish within {seconds:g} s{where} "
            f"(Lesson(limits=TimeLimits({part}=...)) sets the limit)",
        )


def run_limited(
    plugin: LessonPlugin, part: str, filename: str, seconds: float, function: Callable[..., T], *args: object
) -> T:
    """``function(*args)`` with at most ``seconds`` to return; what it raises is re-raised
    here (an Exception: see :class:`BaseExceptionRaised`). A limit that trips is a
    :class:`TimeLimitError` naming the part and where it was."""
    with _lock:
        runner = _idle.pop() if _idle else _Runner()
    runner.parts.put((function, args))
    try:
        returned, outcome = runner.outcomes.get(timeout=seconds)
    except queue.Empty:
        location = _where(runner, plugin.folder)
        _stop(runner)  # never used again: it may still be running the part
        raise TimeLimitError(plugin, part, filename, seconds, location) from None
    with _lock:
        _idle.append(runner)
    if not returned:
        assert isinstance(outcome, BaseException)
        raise outcome
    return outcome  # type: ignore[return-value]


class _Runner(threading.Thread):
    """A daemon thread that runs limited parts, one at a time, each in a fresh context."""

    def __init__(self) -> None:
        super().__init__(name="calccourse limited part", daemon=True)
        self.parts: queue.SimpleQueue[tuple[Callable[..., object], tuple[object, ...]] | None]
        self.parts = queue.SimpleQueue()
        self.outcomes: queue.SimpleQueue[tuple[bool, object]] = queue.SimpleQueue()
        self.start()

    def run(self) -> None:
        try:
            while (part := self.parts.get()) is not None:
                function, args = part
                try:
                    outcome = (True, contextvars.Context().run(function, *args))
                except TimeUp:
                    raise
                except BaseException as error:  # noqa: BLE001 - handed to the caller
                    outcome = (False, error if isinstance(error, Exception) else BaseExceptionRaised(error))
                self.outcomes.put(outcome)
        except TimeUp:
            pass  # its caller has gone on: this thread is done


_idle: list[_Runner] = []  # runners waiting for a part
_lock = threading.Lock()


def _where(thread: threading.Thread, folder: Path) -> str:
    """The last line the thread was running in the lesson's folder (else its innermost line)."""
    frame = sys._current_frames().get(thread.ident or -1)
    innermost = frame
    inside = str(folder.resolve())
    while frame is not None:
        if str(Path(frame.f_code.co_filename).resolve()).startswith(inside):
            return f"{frame.f_code.co_filename}, line {frame.f_lineno}"
        frame = frame.f_back
    if innermost is None:
        return ""
    return f"{innermost.f_code.co_filename}, line {innermost.f_lineno}"


def _stop(thread: _Runner) -> None:
    """Raise TimeUp in the thread, and end it should it be waiting for a part (its part
    ended just too late); one that does not end within GRACE is abandoned."""
    if thread.ident is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(TimeUp))
    thread.parts.put(None)
    thread.join(GRACE)
    if thread.is_alive():
        _abandoned.append(thread)


def abandoned() -> bool:
    """Whether a stuck thread is still running (then the command ends with :func:`exit_now`)."""
    return any(thread.is_alive() for thread in _abandoned)


def exit_now(code: int) -> None:
    """End the process with ``code`` without waiting for the stuck threads."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
