"""The core object: what every command works with, made once per run.

A :class:`Course` holds where lessons come from and the catalog found there, the
learner's progress, the environment it reads, and the answer processes it must end.
The CLI builds one (or is given one, in tests), and each command calls one method.
"""

from __future__ import annotations

import difflib
import os
import shlex
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from calccourse.discovery import Catalog, discover
from calccourse.lesson import LessonError, LessonPlugin
from calccourse.state import Progress, default_home
from calccourse.status import CommandError, UsageError

if TYPE_CHECKING:
    from calccourse.answers import Answer
    from calccourse.authoring import Finding
    from calccourse.batch import ClassResult, Submission
    from calccourse.demo import DemoRun
    from calccourse.grading import Graded, Report


@dataclass
class Course:
    """Lessons, progress and environment for one run of calccourse."""

    lesson_dirs: list[Path] = field(default_factory=list)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    bundled: bool = True  # tests can build a catalog of only their own lessons
    entry_points: bool = True
    adopt_orphans: bool = False  # True for the `calccourse` command: end what answers leave behind
    verbose: bool = False  # errors show their traceback

    @cached_property
    def catalog(self) -> Catalog:
        return discover(
            self.lesson_dirs, use_entry_points=self.entry_points, bundled=self.bundled, environ=self.environ
        )

    @cached_property
    def progress(self) -> Progress:
        return Progress(default_home(self.environ))

    def lesson(self, key: str) -> LessonPlugin:
        """The lesson named by number or slug; UsageError (unknown) or LessonError (broken)."""
        catalog = self.catalog
        plugin = catalog.find(key)
        if plugin is not None:
            return plugin
        broken = catalog.broken_for(key)
        if broken is not None and not broken.shadowed:
            raise LessonError(f"lesson '{key}'", "plugin", broken.path, broken.reason, broken.details)
        valid = ", ".join(f"{p.number} ({p.slug})" for p in catalog.lessons)
        close = difflib.get_close_matches(key.lower(), [p.slug for p in catalog.lessons], n=1, cutoff=0.6)
        suggestion = f" Did you mean {close[0]}?" if close else ""
        folders = (
            ""
            if self.lesson_dirs
            else " (lessons in other folders need --lessons-dir or CALCCOURSE_LESSONS_PATH)"
        )
        raise UsageError(f"there is no lesson '{key}'.{suggestion} Choose one of: {valid}{folders}.")

    def next_lesson(self, after: LessonPlugin | None = None) -> LessonPlugin | None:
        """The first lesson not passed yet: after ``after`` if one is, else from the start;
        None when every lesson is passed."""
        from calccourse.state import status_of

        data = self.progress.load()
        left = [p for p in self.catalog.lessons if p != after and status_of(p.slug, data) != "passed"]
        later = [p for p in left if after is not None and p.number > after.number]
        return next(iter(later or left), None)

    def command(self, *words: str) -> str:
        """A command line to suggest, keeping the ``--lessons-dir`` this run was given."""
        dirs = [f"--lessons-dir {shlex.quote(str(d))}" for d in self.lesson_dirs]
        return " ".join(["calccourse", *dirs, *(shlex.quote(w) if w and " " in w else w for w in words)])

    def sandbox(self, **options: object):  # type: ignore[no-untyped-def]
        """A sandbox for answers; as the `calccourse` command, its strays become ours first."""
        from calccourse.sandbox.runner import Sandbox

        if self.adopt_orphans:
            from calccourse.sandbox import reaper

            reaper.become_subreaper()
        return Sandbox(**options)  # type: ignore[arg-type]

    def check(
        self,
        plugin: LessonPlugin,
        path: Path,
        *,
        seed: int | None = None,
        timeout: float,
        cap: float,
        require_confinement: bool = False,
        record: bool = True,
    ) -> Graded:
        """Grade one answer file (or the one a submission folder holds); its result joins the
        learner's progress (``record``), unless it is one of the lesson's own files."""
        from calccourse.answers import read_answer
        from calccourse.batch import imported_siblings
        from calccourse.grading import grade
        from calccourse.sandbox.runner import preload_for

        answer = (
            read_answer(path, imported_siblings(path))
            if not path.is_dir()
            else _answer_in(path, plugin.template)
        )
        if require_confinement:
            require_landlock()
        with self.sandbox(preload=preload_for([answer.imports])) as sandbox:
            graded = grade(
                plugin,
                answer,
                sandbox,
                seed=seed,
                timeout=timeout,
                cap=cap,
                require_confinement=require_confinement,
            )
        report = graded.report
        other = self.lesson_of(answer.names, plugin) if _missing_names(report) else None
        if other is not None:
            command = self.command("check", str(other.number), str(path))
            report.notes.insert(0, f"this looks like a lesson {other.number} answer: `{command}`")
        if record:
            self.record(plugin, path, report)
        return graded

    def record(self, plugin: LessonPlugin, path: Path, report: Report) -> None:
        """A check's result joins the learner's progress, unless ``path`` is one of the
        lesson's own files (its solution, a known mistake)."""
        if not _inside(path, plugin.folder):
            self.progress.record_check(plugin.slug, report.status, report.score, report.max_score)

    def lesson_of(self, names: frozenset[str], checked: LessonPlugin) -> LessonPlugin | None:
        """The lesson an answer defining ``names`` was written for, when it is not ``checked``:
        one that explains every required name of ``checked`` it defines and some more of its
        own (lesson 6's answer defines lesson 1's `derivative`, and more of lesson 6)."""
        ours = set(checked.lesson.names)
        found = []
        for other in self.catalog.lessons:
            theirs = set(other.lesson.names)
            if other != checked and ours & names <= theirs and (theirs - ours) & names:
                found.append((len(theirs & names) / len(theirs), -other.number, other))
        return max(found, key=lambda item: item[:2])[2] if found else None

    def grade(
        self,
        plugin: LessonPlugin,
        submissions: list[Submission],
        *,
        jobs: int,
        seed: int,
        timeout: float,
        cap: float,
        require_confinement: bool = False,
        done: Callable[[ClassResult], None] = lambda result: None,
    ) -> Iterator[ClassResult]:
        """Grade a class, yielding each result as it comes."""
        from calccourse.batch import grade_all

        if require_confinement:
            require_landlock()
        if self.adopt_orphans:
            from calccourse.sandbox import reaper

            reaper.become_subreaper()
        return grade_all(
            plugin,
            submissions,
            jobs=jobs,
            seed=seed,
            timeout=timeout,
            cap=cap,
            require_confinement=require_confinement,
            done=done,
        )

    def run_demos(self, out: Path, fmt: str, done: Callable[[DemoRun], None]) -> list[DemoRun]:
        from calccourse.demo import run_quietly

        runs = []
        for plugin in self.catalog.lessons:
            runs.append(run := run_quietly(plugin, out, fmt))
            done(run)
        return runs

    def dev_check(
        self,
        plugins: Sequence[LessonPlugin],
        seeds: Sequence[int],
        demos: bool,
        done: Callable[[Finding], None],
    ) -> list[Finding]:
        from calccourse.authoring import Finding, self_check

        with self.sandbox() as sandbox:
            findings = self_check(plugins, sandbox, seeds, demos, done)
        if len(plugins) == len(self.catalog.lessons):  # the whole catalog: its broken plugins too
            for item in self.catalog.broken:
                if not item.shadowed:
                    finding = Finding(
                        Path(item.path).name, "plugin loads", False, item.reason, item.path, item.details
                    )
                    done(finding)
                    findings.append(finding)
        return findings

    def close(self) -> None:
        """End every answer process still there (as the `calccourse` command only)."""
        if self.adopt_orphans and "calccourse.sandbox.reaper" in sys.modules:  # else none were adopted
            from calccourse.sandbox import reaper

            reaper.end_all_children()


def _answer_in(folder: Path, template: str) -> Answer:
    from calccourse.answers import Answer
    from calccourse.batch import submission_in
    from calccourse.sandbox.protocol import Code

    submission = submission_in(folder, template)
    if submission.answer is not None:
        return submission.answer
    why = f"Your submission holds no answer file: {submission.reason}. Submit your answer as answer.py."
    return Answer(str(folder), "", Code.single(str(folder), b""), problem=why)


def _missing_names(report: Report) -> bool:
    """Whether the answer lacks a name the lesson requires."""
    return any(test.error == "missing" and test.required for test in report.tests)


def require_landlock() -> None:
    """``--require-confinement``: refuse to run any answer where Landlock is not complete."""
    from calccourse.sandbox import landlock

    confinement = landlock.available()
    if not confinement.complete:
        raise CommandError(
            f"--require-confinement: here answers would run with {confinement.describe()}, so none is graded."
        )


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False
