"""GitHub Actions workflow commands for a report: an error annotation per failed test, with
the answer's file and line, and the ``Points X/Y`` notice GitHub Classroom's reporter uses.

A side channel, not a ``--format``: ``check`` prints these when ``GITHUB_ACTIONS=true``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from calccourse.reports._common import clean, details, num

if TYPE_CHECKING:
    from calccourse.grading import Report


def _escape_data(text: str) -> str:
    """A workflow command's message, escaped as @actions/core's ``escapeData`` does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """A workflow command's property, escaped as @actions/core's ``escapeProperty`` does."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, message: str, **properties: str | int | None) -> str:
    props = ",".join(
        f"{key}={_escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None and value != ""
    )
    return f"::{kind}{' ' + props if props else ''}::{_escape_data(message)}"


def _annotation_path(answer_path: str | Path, workspace: str | Path | None) -> str:
    """The answer's path as GitHub wants it: relative to the workspace (the repository);
    empty (no ``file=``) for a folder that held no answer file."""
    path = Path(answer_path)
    if path.is_dir():
        return ""
    if workspace is None:
        workspace = os.environ.get("GITHUB_WORKSPACE") or None
    if workspace is not None:
        try:
            full = path if path.is_absolute() else Path.cwd() / path
            return full.resolve().relative_to(Path(workspace).resolve()).as_posix()
        except (OSError, ValueError):
            pass
    return path.as_posix()


def github_annotations(
    report: Report,
    answer_path: str | Path,
    *,
    workspace: str | Path | None = None,
) -> list[str]:
    """GitHub Actions workflow commands for the report, one a line.

    One ``::error file=…,line=…,title=…::message`` per test that failed or errored (and
    one for an answer that could not be loaded), with ``line`` when the error is located
    in a one-file answer; a tried bonus that failed is a ``::notice``, one left out
    nothing; then ``::notice title=Points::Points X/Y``. Escaping follows @actions/core
    (``command.ts``): in the message ``%`` → ``%25``, CR → ``%0D``, LF → ``%0A``; in
    properties also ``:`` → ``%3A`` and ``,`` → ``%2C``. So nothing the answer raises can
    start a command line of its own. ``file`` is made relative to ``workspace`` (default
    ``$GITHUB_WORKSPACE``) when the answer lies inside it.
    """
    file = _annotation_path(answer_path, workspace)
    lines: list[str] = []
    one_file = not str(answer_path).lower().endswith(".ipynb")  # a cell's line is no line of the file
    if report.load_error is not None:
        lines.append(
            _command(
                "error",
                clean(report.load_error.message),
                file=file,
                line=report.load_error.line if one_file else None,
                title=f"lesson {report.lesson}: your answer could not be run",
            )
        )
    for test in report.tests:
        if test.status == "pass" or test.not_tried:
            continue
        optional = " (optional)" if test.bonus else ""
        lines.append(
            _command(
                "notice" if test.bonus else "error",  # a bonus not earned is no error
                details(test),
                file=file,
                line=test.line if one_file else None,
                title=f"lesson {report.lesson}: {clean(test.name)}{optional}",
            )
        )
    bonus = f" (+{num(report.bonus)} bonus)" if report.bonus else ""
    lines.append(
        _command("notice", f"Points {num(report.score)}/{num(report.max_score)}{bonus}", title="Points")
    )
    return lines
