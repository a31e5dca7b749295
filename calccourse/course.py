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
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from calccourse.discovery import Catalog, discover
from calccourse.lesson import LessonError, LessonPlugin
from calccourse.limits import DEFAULT_LIMITS, Limits
from calccourse.state import Progress, default_home
from calccourse.status import CommandError, UsageError

if TYPE_CHECKING:
    from calccourse.answers import Answer
    from calccourse.author import Test
    from calccourse.authoring import Finding
    from calccourse.batch import ClassResult, Submission
    from calccourse.classbook import Change, ClassPlan
    from calccourse.demo import DemoRun
    from calccourse.grading import Graded, Report
    from calccourse.sandbox import AnswerSandbox
    from calccourse.similarity import Pair


LEARNER_COMMANDS = frozenset({"lesson", "exercise", "start", "hint", "check", "watch"})  # take --learner


@dataclass
class ClassRun:
    """What one `grade` run did: its plan, every student's result (graded, kept from a
    previous gradebook, or not run after Ctrl-C), what changed, and the confinement."""

    plan: ClassPlan
    results: list[ClassResult]
    changed: list[Change] | None
    confinement: str
    interrupted: bool
    similar: list[Pair] | None = None  # near-identical pairs, when asked for


@dataclass
class Course:
    """Lessons, progress and environment for one run of calccourse."""

    lesson_dirs: list[Path] = field(default_factory=list)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    bundled: bool = True  # tests can build a catalog of only their own lessons
    entry_points: bool = True
    adopt_orphans: bool = False  # True for the `calccourse` command: end what answers leave behind
    verbose: bool = False  # errors show their traceback
    reports_due: list[tuple[str, Path | None]] = field(default_factory=list)  # what a command will write
    learner_option: str | None = None  # the --learner this run was given: suggestions keep it

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
        clash = catalog.clash_for(key)
        if clash is not None:
            raise LessonError(f"lesson {key}", "number", clash.path, clash.reason)
        plugin = catalog.find(key)
        if plugin is not None:
            return plugin
        found = catalog.broken_for(key)
        if found is not None:
            broken, sure = found
            if sure:
                raise LessonError(f"lesson {key}", "plugin", broken.path, broken.reason, broken.details)
            raise CommandError(  # exit 4: a broken plugin, not the learner's typo, is the likely cause
                f"there is no lesson '{key}', and a lesson plugin that may be it is broken: {broken.path}: "
                f"{broken.reason} (`{self.command('list')}` shows every broken plugin).",
                broken.details,
            )
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
        """A command line to suggest, keeping the ``--lessons-dir`` this run was given, and its
        ``--learner`` for a learner's command (the variant the learner is doing)."""
        dirs = [f"--lessons-dir {shlex.quote(str(d))}" for d in self.lesson_dirs]
        line = " ".join(["calccourse", *dirs, *(shlex.quote(w) if w and " " in w else w for w in words)])
        if self.learner_option is not None and words and words[0] in LEARNER_COMMANDS:
            line += f" --learner {shlex.quote(self.learner_option)}"
        return line

    def open_sandbox(self, workers: int = 1, plugin: LessonPlugin | None = None) -> AnswerSandbox:
        """A sandbox for answers (to ``plugin``: its solution warms the caches of the pools
        that already import all it imports); as the `calccourse` command, its strays become
        ours first. Every command opens it alike, so an answer's world never depends on it."""
        from calccourse.sandbox import open_sandbox

        if self.adopt_orphans:
            from calccourse.sandbox import reaper

            reaper.become_subreaper()
        rehearsal = None if plugin is None else str(plugin.folder / "solution.py")
        return open_sandbox(workers, warm=True, rehearsal=rehearsal)

    def check(
        self,
        plugin: LessonPlugin,
        answer: Path | Answer,
        limits: Limits = DEFAULT_LIMITS,
        *,
        record: bool = True,
        sandbox: AnswerSandbox | None = None,
        tests: Sequence[Test] | None = None,
    ) -> Graded:
        """Grade one answer: the one path from an answer to its verdict, under every command.

        ``answer`` is a file (or a submission's folder) read now, or a snapshot read before
        (a class, a watched save). ``sandbox`` is one kept open across checks (``watch``,
        ``grade``, ``dev check``), else one is opened for this answer alone; ``tests`` are the
        lesson's tests for ``limits.seed`` planned ahead. The result joins the learner's
        progress when ``record`` is set and the file is not one of the lesson's own.
        """
        from calccourse.answers import read_answer
        from calccourse.batch import imported_siblings
        from calccourse.grading import grade

        if isinstance(answer, Path):
            path: Path | None = answer
            answer = (
                read_answer(answer, imported_siblings(answer))
                if not answer.is_dir()
                else _answer_in(answer, plugin.template)
            )
        else:
            path = None
        if limits.require_confinement:
            require_landlock()
        if sandbox is None:
            with self.open_sandbox(plugin=plugin) as own:
                graded = grade(plugin, answer, own, limits, tests=tests)
        else:
            graded = grade(plugin, answer, sandbox, limits, tests=tests)
        report = graded.report
        other = self.lesson_of(answer.names, plugin) if _missing_names(report) else None
        if other is not None:
            command = self.command("check", str(other.number), answer.display)
            report.notes.insert(0, f"this looks like a lesson {other.number} answer: `{command}`")
        elif report.status == "fail" and limits.learner is None:
            self.note_started_for(plugin, answer, report)
        if record and path is not None:
            self.record(plugin, path, report)
        return graded

    def note_started_for(self, plugin: LessonPlugin, answer: Answer, report: Report) -> None:
        """A failing answer checked without a learner id, in a file started for a learner's
        variant: say so, and how to check it against that variant."""
        from calccourse.lesson import has_variants
        from calccourse.variants import started_for

        learner = started_for(answer.source.decode("utf-8", "replace"), plugin.number)
        if learner is None or not has_variants(plugin):
            return
        command = self.command("check", str(plugin.number), answer.display)
        report.notes.insert(
            0,
            f"this file was started for learner {learner}'s exercise, and no learner id was "
            f"given, so it was checked against the course's own. For {learner}'s:\n"
            f"  {command} --learner {shlex.quote(learner)}",
        )

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
        paths: Sequence[Path],
        limits: Limits = DEFAULT_LIMITS,
        *,
        jobs: int = 1,
        strip_prefix: str = "",
        part: tuple[int, int] | None = None,
        previous: Path | None = None,
        regrade_all: bool = False,
        roster: Path | None = None,
        similar: bool = False,
        variants: bool = False,
        planned: Callable[[ClassPlan], None] = lambda plan: None,
        done: Callable[[ClassResult], None] = lambda result: None,
    ) -> ClassRun:
        """Grade a class: collect it (its ``part``), keep what a ``previous`` gradebook says of
        unchanged answers, check every other answer as :meth:`check` does, ``jobs`` at a
        time, with one seed for all. ``planned`` hears what will be graded before any answer
        runs, ``done`` each result as it comes; Ctrl-C ends the grading, keeping what was
        graded (the rest: not-run)."""
        from calccourse import classbook
        from calccourse.batch import ClassResult
        from calccourse.reports._common import version

        todo = classbook.plan(
            plugin,
            paths,
            strip_prefix=strip_prefix,
            part=part,
            seed=limits.seed,
            previous=previous,
            regrade_all=regrade_all,
            roster=roster,
            variants=variants,
        )
        planned(todo)
        results: list[ClassResult] = []
        interrupted = False
        try:
            graded_with = replace(limits, seed=todo.seed)
            for result in self.each_graded(plugin, todo.to_grade, graded_with, jobs, variants):
                results.append(result)
                done(result)
        except KeyboardInterrupt:
            interrupted = True
        graded = {id(r.submission) for r in results}
        max_score = results[0].max_score if results else 0.0
        results += [ClassResult(s, None, max_score) for s in todo.to_grade if id(s) not in graded]
        everyone, changed = todo.finish(results, version())
        pairs = None
        if similar:
            from calccourse.similarity import similar_pairs

            pairs = similar_pairs(todo.submissions, plugin.template)
        return ClassRun(todo, everyone, changed, _confinement(everyone), interrupted, pairs)

    def each_graded(
        self,
        plugin: LessonPlugin,
        submissions: Sequence[Submission],
        limits: Limits,
        jobs: int,
        variants: bool = False,
    ) -> Iterator[ClassResult]:
        """Check every submission (``limits.seed`` set: one seed for all), ``jobs`` at a time,
        yielding each result as it finishes; entries with nothing to grade come first; with
        ``variants``, each against the variant of its student id. Stopping the iteration
        stops the grading: no answer is left running."""
        from calccourse.batch import ClassResult
        from calccourse.grading import plan
        from calccourse.lesson import variant_of
        from calccourse.recheck import recheck_alone, spoilable
        from calccourse.sandbox.runner import preload_of
        from calccourse.variants import learner_id

        assert limits.seed is not None, "a class is graded with one seed"
        if limits.require_confinement:
            require_landlock()
        tests = plan(plugin, limits.seed)
        plans: dict[str | None, list[Test]] = {}

        def own(submission: Submission) -> tuple[Limits, list[Test]]:
            """The limits and tests of the student's own variant (grade --variants)."""
            if not variants:
                return limits, tests
            learner = learner_id(submission.student)
            variant = variant_of(plugin, learner)
            key = None if variant is None else variant.key
            if key not in plans:
                plans[key] = plan(plugin, limits.seed, variant)  # type: ignore[arg-type]
            return replace(limits, learner=learner), plans[key]

        max_score = round(sum(test.points for test in tests if not test.bonus), 6)
        runnable = [s for s in submissions if s.answer is not None]
        for submission in submissions:
            if submission.answer is None:
                yield ClassResult(submission, None, max_score)
        if not runnable:
            return
        stop = threading.Event()
        with self.open_sandbox(jobs, plugin) as sandbox:
            sandbox.prepare(*{s.answer.imports for s in runnable if s.answer is not None})  # all load now

            def one(submission: Submission) -> ClassResult:
                if stop.is_set() or submission.answer is None:
                    return ClassResult(submission, None, max_score)
                judged, planned = own(submission)
                graded = self.check(
                    plugin, submission.answer, judged, record=False, sandbox=sandbox, tests=planned
                )
                return ClassResult(submission, graded.report, max_score, graded.values)

            pool = ThreadPoolExecutor(max_workers=jobs)
            try:
                # Answers that need no library but NumPy first: their workers are ready soonest.
                ordered = sorted(runnable, key=lambda s: len(preload_of(s.answer.imports)))  # type: ignore[union-attr]
                pending: set[Future[ClassResult]] = {pool.submit(one, s) for s in ordered}
                held: list[ClassResult] = []  # time-outs and kills: they count once re-checked alone
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        result = future.result()
                        if spoilable(result) and len(runnable) > 1:
                            held.append(result)
                        else:
                            yield result
                yield from recheck_alone(held, one)
            finally:  # also when the caller stops early (Ctrl-C): no answer is left running
                stop.set()
                pool.shutdown(wait=False, cancel_futures=True)

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
        variants: int = 0,
    ) -> list[Finding]:
        from calccourse.authoring import Finding, self_check

        with self.open_sandbox() as sandbox:

            def check(
                plugin: LessonPlugin, path: Path, limits: Limits, tests: Sequence[Test] | None
            ) -> Graded:
                return self.check(plugin, path, limits, record=False, sandbox=sandbox, tests=tests)

            findings = self_check(plugins, check, seeds, demos, done, variants)
        if len(plugins) == len(self.catalog.lessons):  # the whole catalog: its broken plugins too
            for item in self.catalog.broken:
                if not item.shadowed:
                    finding = Finding(
                        Path(item.path).name,
                        "plugin loads",
                        False,
                        item.reason,
                        item.path,
                        item.details,
                        True,
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


def _confinement(results: Sequence[ClassResult]) -> str:
    """What confined a class's answers, as its reports say; where none ran, what would have."""
    from calccourse.reports.gradebook import confinement
    from calccourse.sandbox import landlock

    return confinement(results) or landlock.available().describe()


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
