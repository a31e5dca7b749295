"""One place that decides how output looks: colour on a terminal, plain text elsewhere."""

from __future__ import annotations

import os
import sys
from typing import IO

from rich.console import Console


def plain_output(stream: IO[str] | None = None) -> bool:
    """True when output must carry no escape codes: NO_COLOR, a dumb terminal, or no terminal."""
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return True
    return not (hasattr(stream, "isatty") and stream.isatty())


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """``calccourse grade ... | head``: the reader stopped reading. Print no more, but
        finish the command (its files, its exit code), where rich would exit 1."""
        self.quiet = True
        os.dup2(os.open(os.devnull, os.O_WRONLY), self.file.fileno())


def make_console(stderr: bool = False) -> Console:
    """A console for the CLI: rich on a terminal, plain text without one or with NO_COLOR."""
    stream = sys.stderr if stderr else sys.stdout
    if plain_output(stream):
        return _Console(file=stream, color_system=None, highlight=False, emoji=False, soft_wrap=False)
    return _Console(file=stream, stderr=stderr)
