"""Run untrusted answer files in separate processes and get plain values back.

``runner`` is the grading side; ``worker`` a long-lived process that forks one
child per answer; ``child`` what runs inside that child; ``protocol`` the plain
JSON values they exchange. :func:`open_sandbox` is the one door the rest of
calccourse uses: it picks the way answers run on this platform.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calccourse.sandbox.runner import Sandbox


def open_sandbox(workers: int = 1, *, warm: bool = False) -> Sandbox:
    """A sandbox for ``workers`` answers at once; ``warm`` pays once at start-up for the
    lazy parts of the libraries that many answers would each pay for (a class)."""
    from calccourse.sandbox.runner import Sandbox

    return Sandbox(workers, warm=warm)
