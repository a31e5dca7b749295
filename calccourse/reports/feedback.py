"""Feedback to hand back: one self-contained page and one text file per student, named by
the student's id (``grade --feedback DIR``), ready to upload to an LMS or mail."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from calccourse.batch import ClassResult
    from calccourse.lesson import LessonPlugin

UNSAFE = re.compile(r"[^\w.@+-]+")  # kept in a file name: letters, digits, _ . @ + -


def file_stem(student: str, taken: set[str]) -> str:
    """A file name for ``student``'s id: its unsafe characters (``/`` of a section) as ``_``,
    and a short hash where two ids would give one name (also on a case-insensitive disk)."""
    stem = UNSAFE.sub("_", student).strip("._") or "student"
    if stem.casefold() in taken:
        stem += "~" + hashlib.sha256(student.encode()).hexdigest()[:6]
    taken.add(stem.casefold())
    return stem


def write_feedback(
    folder: Path, plugin: LessonPlugin, seed: int, results: Sequence[ClassResult]
) -> list[Path]:
    """``<id>.html`` (the learner's page, as ``check --html`` writes it) and ``<id>.txt`` (the
    report as ``check`` prints it) for every row but ``skipped`` ones; the files written."""
    from calccourse.files import write_atomically
    from calccourse.grading import Graded, plan
    from calccourse.reports import render
    from calccourse.reports.html import answer_page, not_graded_page

    tests = plan(plugin, seed)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    taken: set[str] = set()
    for result in results:
        if result.status == "skipped":
            continue
        stem = file_stem(result.student, taken)
        report = result.report
        if report is None:
            page = not_graded_page(plugin, result)
            text = f"Lesson {plugin.number}: {result.status}: {result.reason or 'not graded'}"
        else:
            values: list[list[Any] | None] = [None] * len(tests) if result.values is None else result.values
            page = answer_page(Graded(report, tests, values), checked_at=None)
            text = render(report, "text")
        for suffix, content in ((".html", page), (".txt", text + "\n")):
            path = folder / f"{stem}{suffix}"
            write_atomically(path, content)
            written.append(path)
    return written
