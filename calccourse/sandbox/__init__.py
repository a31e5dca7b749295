"""Run untrusted answer files in separate processes and get plain values back.

``runner`` is the grading side and ``worker`` a long-lived process that forks one
child per answer (Linux); ``portable`` runs each answer in a pre-started, single-use
interpreter instead (Windows, macOS, or on request); ``child`` is what runs inside
either; ``protocol`` the plain JSON values they exchange. :func:`open_sandbox` is the one door
the rest of calccourse uses: it picks the way answers run on this platform.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from calccourse.sandbox.protocol import Job, RunResult

CHOICE = "CALCCOURSE_SANDBOX"  # "portable": the portable sandbox on Linux too (CI runs it there)


class AnswerSandbox(Protocol):
    """What both sandboxes offer (``runner.Sandbox``, ``portable.PortableSandbox``): ``run``
    one job (from up to ``workers`` threads at once), ``prepare`` what answers importing
    each of ``imports`` will need (it gets ready meanwhile), then ``close``, or use it in
    ``with``."""

    def run(self, job: Job) -> RunResult: ...

    def prepare(self, *imports: frozenset[str]) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> AnswerSandbox: ...

    def __exit__(self, *exc: object) -> None: ...


def portable_wanted() -> bool:
    """Whether answers run in single-use interpreters rather than forked from a warm worker:
    where there is no fork (Windows), where fork without exec is unsafe once NumPy and
    friends are loaded (macOS), and wherever ``CALCCOURSE_SANDBOX=portable`` asks for it."""
    return (
        not sys.platform.startswith("linux")
        or not hasattr(os, "fork")
        or os.environ.get(CHOICE, "").strip().lower() == "portable"
    )


def open_sandbox(workers: int = 1, *, warm: bool = False, rehearsal: str | None = None) -> AnswerSandbox:
    """A sandbox for ``workers`` answers at once; ``warm`` pays once at start-up for the
    lazy parts of the libraries that many answers would each pay for, and ``rehearsal``
    (the lesson's solution) warms the caches answers like it use (the fork path only)."""
    if portable_wanted():
        from calccourse.sandbox.portable import PortableSandbox

        return PortableSandbox(workers, warm=warm)
    from calccourse.sandbox.runner import Sandbox

    return Sandbox(workers, warm=warm, rehearsal=rehearsal)
