"""The learner's report as plain text: what ``check`` prints in a terminal, without colour."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calccourse.grading import Report


def to_text(report: Report, verbose: bool = False, width: int = 100) -> str:
    from rich.console import Console

    from calccourse import render

    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False, emoji=False)
    render.report(console, report, verbose)
    return "\n".join(line.rstrip() for line in console.file.getvalue().splitlines()).rstrip()  # type: ignore[attr-defined]
