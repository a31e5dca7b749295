"""The learner's working folder: each lesson's answer file under a name of its own.

Lesson 3's answer is ``lesson03.py`` (or ``lesson03.ipynb``): ``calccourse start 3``
writes it, and ``check 3`` (and ``watch 3``) find it without being told. A starter file
never replaces another: a name that is taken gets the next free one suggested instead.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING

from calccourse.answers import SUFFIXES
from calccourse.status import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from calccourse.course import Course
    from calccourse.lesson import LessonPlugin
    from calccourse.variants import Variant


def current_lesson(course: Course) -> LessonPlugin:
    """The lesson the learner is on: the one whose default answer file here was saved
    last; else the first lesson not passed yet; else (all passed) the last lesson."""
    lessons = course.catalog.lessons
    if not lessons:
        raise UsageError("there are no lessons.")
    saved = [(when, p.number, p) for p in lessons if (when := _mtime(answer_path(p)))]
    if saved:
        return max(saved, key=lambda entry: entry[:2])[2]
    return course.next_lesson() or lessons[-1]


def lesson_or_current(course: Course, key: str | None) -> LessonPlugin:
    """The lesson ``key`` names, or the current lesson when no N was given (`hint`,
    `check`, `solution` and `watch` agree on it)."""
    return course.lesson(key) if key is not None else current_lesson(course)


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime if path.is_file() else None
    except OSError:
        return None


def default_name(plugin: LessonPlugin, suffix: str = ".py") -> str:
    """The name a lesson's answer file has unless the learner chose another: ``lesson03.py``."""
    return f"lesson{plugin.number:02d}{suffix}"


def answer_path(plugin: LessonPlugin, folder: Path = Path(".")) -> Path:
    """The lesson's answer file in ``folder``: ``lessonNN.py``, or ``lessonNN.ipynb`` when
    only that one exists; ``lessonNN.py`` (the file to create) when neither does."""
    script, notebook = (folder / default_name(plugin, suffix) for suffix in SUFFIXES)
    return notebook if notebook.exists() and not script.exists() else script


def found_by_default(plugin: LessonPlugin, path: Path) -> bool:
    """Whether ``check N`` without a file name checks ``path``."""
    return path.absolute() == answer_path(plugin).absolute()


def learners_own(path: Path, record: bool | None) -> bool:
    """Whether ``check`` of ``path`` is a learner checking their own work (it records progress
    and draws the check plot of a failure) rather than an instructor checking someone's file:
    an answer *file* inside the current folder's tree is the learner's; a submission's folder,
    or a file elsewhere (``check 1 ~/grading/bob.py``), is not; ``--progress``/``--no-progress``
    (``record``) says so outright."""
    if record is not None:
        return record
    try:
        inside = path.resolve().is_relative_to(Path.cwd().resolve())
    except OSError:
        return False
    return inside and not path.is_dir()


def free_name(path: Path) -> Path:
    """``path`` if nothing is there yet, else the first free ``<stem>-2``, ``<stem>-3``, ..."""
    candidate, number = path, 1
    while candidate.exists() or candidate.is_symlink():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def check_command(course: Course, plugin: LessonPlugin, path: Path) -> str:
    """The command that checks ``path``: without the file name when it is the default."""
    named = [] if found_by_default(plugin, path) else [str(path)]
    return course.command("check", str(plugin.number), *named)


def start_command(course: Course, plugin: LessonPlugin, path: Path | None = None) -> str:
    """The command that writes the lesson's starter file (at ``path``, if not the default)."""
    named = path is not None and path != Path(default_name(plugin))
    return course.command("start", str(plugin.number), *([str(path)] if named else []))


def next_command(course: Course, plugin: LessonPlugin) -> tuple[str, str]:
    """What to run next for a lesson not passed yet, and what it does: check its answer
    file when it is here, read the lesson when it is new, else write the starter file."""
    from calccourse.state import status_of

    path = answer_path(plugin)
    if path.exists():
        return check_command(course, plugin, path), f"checks your {path}"
    if status_of(plugin.slug, course.progress.load()) == "new":
        return course.command("lesson", str(plugin.number)), "the lesson, its demo and its exercise"
    return start_command(course, plugin), f"writes your answer file, {path}"


def starter_text(plugin: LessonPlugin, path: Path, variant: Variant | None = None) -> str:
    """A new answer file's text: the lesson's template, as a notebook for an ``.ipynb`` name.

    The template and the statement name the default file (``calccourse check 3
    lesson03.py``); a starter written under another name names that one instead.
    """

    def named(text: str) -> str:
        text = text.replace(default_name(plugin), path.name)
        learner = None if variant is None else variant.learner
        # Check it as the same learner, where the id can stand in Python's source as it is (a
        # backslash, a quote or a control character in a docstring would break the file).
        if learner is not None and learner.isprintable() and not {"\\", '"'} & set(learner):
            command = f"calccourse check {plugin.number} {path.name}"
            text = text.replace(command, f"{command} --learner {shlex.quote(learner)}")
        return text

    if path.suffix.lower() != ".ipynb":
        return named(plugin.template_for(variant))
    from calccourse.notebook import starter_notebook

    title = f"Lesson {plugin.number} · {plugin.title}"
    return starter_notebook(title, named(plugin.exercise_for(variant)), named(plugin.template_for(variant)))


def write_starter(
    course: Course, plugin: LessonPlugin, path: Path, force: bool = False, variant: Variant | None = None
) -> None:
    """Write the lesson's starter file at ``path``; a taken name is a UsageError that
    suggests the next free one (``force``, for scripts, replaces the file instead)."""
    if path.suffix.lower() not in SUFFIXES:
        raise UsageError(f"{path} is not a .py or .ipynb file name; an answer is one of those.")
    if (path.exists() or path.is_symlink()) and not force:
        fresh = f"`{start_command(course, plugin, free_name(path))}`"
        if path.is_file():
            what = f"Check it with `{check_command(course, plugin, path)}`, or start afresh in another file"
        else:
            what = "Start in another file instead"
        raise UsageError(f"{path} already exists; nothing was overwritten. {what}: {fresh}.")
    text = starter_text(plugin, path, variant)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}.") from None


def solution_allowed(course: Course, plugin: LessonPlugin, errors: Console) -> bool:
    """Whether to show a lesson's solution: always once it is passed; before that, as the
    learner answers when asked in a terminal; elsewhere (a pipe, a script) yes, with a note
    that the question was skipped."""
    import sys

    import typer

    from calccourse.state import status_of

    if status_of(plugin.slug, course.progress.load()) == "passed":
        return True
    hint = course.command("hint", str(plugin.number))
    if sys.stdin.isatty() and sys.stdout.isatty():
        return typer.confirm(
            f"You have not passed lesson {plugin.number} yet ({hint} gives a nudge). "
            "Show the solution anyway?",
            default=False,
        )
    errors.print(
        f"note: lesson {plugin.number} is not passed yet; showing its solution without asking "
        "(not a terminal; --yes skips this note).",
        highlight=False,
    )
    return True
