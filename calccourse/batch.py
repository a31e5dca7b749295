"""Grade a whole class: find every entry, snapshot every answer, grade them in parallel.

Every file or folder found is a row: graded, or ``missing`` / ``skipped`` with the
reason. Layouts (see docs/ci-recipes.md): ``<student>.py`` or ``<student>.ipynb`` files;
``<student>/`` folders holding ``answer.py`` (or ``answer.ipynb``, or a single Python file
anywhere inside, as in a Gradescope export's ``submission_<id>/``); section folders of
student folders (``<section>/<student>``). Ids are the names found, unique and stable:
they depend only on each entry's own name, never on its classmates or on which part of
the class is graded; ``strip_prefix`` drops an assignment's prefix (GitHub Classroom
names repositories ``<assignment>-<user>``).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from calccourse.answers import SUFFIXES, Answer, Unreadable, read_answer
from calccourse.grading import DEFAULT_CAP, DEFAULT_TIMEOUT, Report, grade, plan
from calccourse.lesson import LessonPlugin
from calccourse.recheck import recheck_alone, spoilable
from calccourse.sandbox.runner import Sandbox, light, preload_for
from calccourse.status import UsageError

ANSWER_NAMES = tuple(f"answer{suffix}" for suffix in SUFFIXES)
IGNORED = ("__pycache__", ".git", ".ipynb_checkpoints")


@dataclass(frozen=True)
class Submission:
    """One entry of the class: its id, what was found, and the answer's snapshot (None
    when it is ``missing`` or ``skipped``: then ``reason`` says why)."""

    student: str
    path: str
    answer: Answer | None = None
    status: str = ""
    reason: str = ""
    digest: str = ""  # the answer's sha256 as a gradebook recorded it, when it is not read here

    @property
    def sha256(self) -> str:
        return self.answer.sha256 if self.answer is not None else self.digest


@dataclass(frozen=True)
class ClassResult:
    """A submission and its report (None when it was not graded)."""

    submission: Submission
    report: Report | None
    max_score: float
    values: list[list[Any] | None] | None = None  # what came back per test, for the check plot

    @property
    def student(self) -> str:
        return self.submission.student

    @property
    def path(self) -> str:
        return self.submission.path

    @property
    def sha256(self) -> str:
        return self.submission.sha256

    @property
    def reason(self) -> str:
        return self.submission.reason

    @property
    def status(self) -> str:
        """pass, fail, error, checker-error, missing, skipped or not-run."""
        if self.report is None:
            return self.submission.status or "not-run"
        return self.report.verdict


class Entry(NamedTuple):
    """What was found for one row: its id, the path shown, the answer file, why there is none."""

    name: str
    shown: str
    file: Path | None
    why: str


@dataclass
class Found:
    submissions: list[Submission]
    warnings: list[str]


def collect(paths: Sequence[Path], strip_prefix: str = "") -> Found:
    """Every entry of ``paths`` (files or class folders), each answer read once, now. A
    path that does not exist is a row (a student who did not submit), unless none exists:
    then it is a mistyped class folder, a usage error."""
    if paths and not any(os.path.lexists(path) for path in paths):
        raise UsageError(f"there is no file or folder {paths[0]}: give the class folder or answer files.")
    entries: list[Entry] = []
    warnings: list[str] = []
    for path in paths:
        if not os.path.lexists(path):
            entries.append(Entry(path.name or str(path), str(path), None, "no such file or folder"))
        elif path.is_file() or (path.is_symlink() and not path.exists()):
            entries.append(_file_entry(path))
        elif _answer_at_top(path) is not None:
            students = [e for e in _student_entries(path) if e.file != _answer_at_top(path)]
            if students:
                stray = path / "answer.py"
                names = ", ".join(sorted(entry.name for entry in students)[:3])
                raise UsageError(
                    f"{path} holds {stray.name} and {len(students)} student entries ({names}, …): is "
                    f"{stray.name} a stray? Move it away to grade the class, or grade that file alone."
                )
            entries.append(Entry(path.resolve().name, str(path), _answer_at_top(path), ""))
        else:
            inside = _student_entries(path)
            if not inside:
                entries.append(Entry(path.resolve().name, str(path), None, "holds no answer file"))
            entries += [_stripped(entry, strip_prefix) for entry in inside]
    submissions = _unique(entries, warnings)
    return Found(sorted(submissions, key=lambda s: s.student.casefold()), warnings)


def _file_entry(path: Path) -> Entry:
    student = path.resolve().parent.name if path.name.lower() in ANSWER_NAMES else path.stem
    if not path.exists():
        return Entry(student, str(path), None, "a link to nothing")
    if path.suffix.lower() not in SUFFIXES:
        return Entry(path.name, str(path), None, "not a .py or .ipynb file")
    return Entry(student, str(path), path, "")


def _visible(folder: Path) -> list[Path]:
    try:
        return sorted(e for e in folder.iterdir() if not e.name.startswith(".") and e.name not in IGNORED)
    except OSError:
        return []


def _answer_at_top(folder: Path) -> Path | None:
    for entry in _visible(folder):
        if entry.name.lower() in ANSWER_NAMES and entry.is_file():
            return entry
    return None


def _python_files(folder: Path, depth: int = 0) -> list[Path]:
    found: list[Path] = []
    for entry in _visible(folder):
        if entry.is_dir() and not entry.is_symlink() and depth < 4:
            found += _python_files(entry, depth + 1)
        elif entry.suffix.lower() in SUFFIXES and entry.is_file():
            found.append(entry)
    return found


def _student_entries(folder: Path, prefix: str = "") -> list[Entry]:
    """The entries of a class (or section) folder, one per file or folder in it. Where
    some folders are sections (two or more student folders), a folder holding a single
    student folder is a section too, not that student."""
    visible = _visible(folder)
    sectioned = any(len(_section_members(entry)) >= 2 for entry in visible if entry.is_dir())
    found = []
    for entry in visible:
        name = prefix + entry.name
        if entry.name.startswith("_"):
            found.append(Entry(name, str(entry), None, "skipped: its name starts with _"))
        elif entry.is_dir() and sectioned and _section_members(entry):
            found += _student_entries(entry, prefix=name + "/")
        elif entry.is_dir():
            found += _folder_entry(entry, name)
        elif entry.is_symlink() and not entry.exists():
            found.append(Entry(prefix + entry.stem, str(entry), None, "a link to nothing"))
        elif entry.suffix.lower() in SUFFIXES:
            found.append(Entry(prefix + entry.stem, str(entry), entry, ""))
        else:
            found.append(Entry(name, str(entry), None, "skipped: not a .py or .ipynb file"))
    return found


def _section_members(folder: Path) -> list[Path]:
    """The student folders of a section: no Python file of its own, and only folders that
    hold an answer at their top. Empty when ``folder`` is no section."""
    inside = _visible(folder)
    if any(entry.suffix.lower() in SUFFIXES for entry in inside if entry.is_file()):
        return []
    folders = [entry for entry in inside if entry.is_dir()]
    return folders if folders and all(_answer_at_top(entry) for entry in folders) else []


def _folder_entry(folder: Path, name: str) -> list[Entry]:
    """A student's folder, or a section holding student folders."""
    top = _answer_at_top(folder)
    if top is not None:
        return [Entry(name, str(folder), top, "")]
    python = _python_files(folder)
    at_top = [p for p in python if p.parent == folder]
    if len(at_top) == 1 or (not at_top and len(python) == 1):
        return [Entry(name, str(folder), (at_top or python)[0], "")]
    sections = [e for e in _visible(folder) if e.is_dir()]
    if not at_top and sections and all(_answer_at_top(s) or _python_files(s) for s in sections):
        return _student_entries(folder, prefix=name + "/")
    if not python:
        return [Entry(name, str(folder), None, "missing: no answer.py (no Python file at all)")]
    listed = ", ".join(str(p.relative_to(folder)) for p in python[:4])
    return [Entry(name, str(folder), None, f"missing: no answer.py, and several Python files ({listed})")]


def _stripped(entry: Entry, prefix: str) -> Entry:
    """The entry named without the assignment's prefix, when it has it and more."""
    if prefix and entry.name.startswith(prefix) and len(entry.name) > len(prefix):
        return entry._replace(name=entry.name[len(prefix) :])
    return entry


def _unique(entries: list[Entry], warnings: list[str]) -> list[Submission]:
    """Submissions with unique ids: where two entries share a name, a file keeps its suffix
    (``dup.py`` beside the folder ``dup``), and a clash left after that a short hash."""
    counts: dict[str, int] = {}
    for name, *_ in entries:
        counts[name] = counts.get(name, 0) + 1
    used: set[str] = set()
    submissions = []
    for name, shown, file, why in entries:
        student = name
        if counts[name] > 1:
            if Path(shown).suffix.lower() in SUFFIXES:
                student = name + Path(shown).suffix
            if student in used or (student != name and student in counts):
                student = f"{student}~{hashlib.sha256(shown.encode()).hexdigest()[:6]}"
            if student != name:
                warnings.append(f"two entries are both named '{name}': {shown} is graded as '{student}'")
        used.add(student)
        if file is None:
            status = "skipped" if why.startswith("skipped") else "missing"
            reason = why.removeprefix("skipped: ").removeprefix("missing: ")
            submissions.append(Submission(student, shown, None, status, reason))
            continue
        try:
            submissions.append(Submission(student, shown, read_answer(file)))
        except Unreadable as error:
            submissions.append(Submission(student, shown, None, "missing", error.message))
    return submissions


def submission_in(folder: Path) -> Submission:
    """The one submission a folder holds (a Gradescope submission, a learner's repository),
    by the same rules as a student's folder in a class; a class folder is a usage error."""
    entries = _folder_entry(folder, folder.resolve().name)
    if len(entries) > 1:
        raise UsageError(
            f"{folder} holds {len(entries)} submissions, not one: grade them with `calccourse grade`."
        )
    (submission,) = _unique(entries, [])
    return submission


def in_shard(student: str, index: int, count: int) -> bool:
    """Whether ``student`` is in part ``index`` (1-based) of ``count``: by a hash of the id."""
    return int(hashlib.sha256(student.encode()).hexdigest(), 16) % count + 1 == index


def shard(submissions: list[Submission], index: int, count: int) -> list[Submission]:
    """Part ``index`` (1-based) of ``count``: chosen by a hash of each stable id."""
    return [s for s in submissions if in_shard(s.student, index, count)]


def grade_all(
    plugin: LessonPlugin,
    submissions: list[Submission],
    *,
    jobs: int,
    seed: int,
    timeout: float = DEFAULT_TIMEOUT,
    cap: float = DEFAULT_CAP,
    require_confinement: bool = False,
    done: Callable[[ClassResult], None] = lambda result: None,
) -> Iterator[ClassResult]:
    """Grade every submission, ``jobs`` at a time, yielding each result as it finishes;
    entries with nothing to grade come first. Stopping the iteration stops the grading."""
    tests = plan(plugin, seed)
    max_score = round(sum(test.points for test in tests if not test.bonus), 6)
    runnable = [s for s in submissions if s.answer is not None]
    for submission in submissions:
        if submission.answer is None:
            yield (result := ClassResult(submission, None, max_score))
            done(result)
    if not runnable:
        return
    preload = preload_for([s.answer.imports for s in runnable if s.answer is not None])
    stop = threading.Event()
    rehearsal = str(plugin.folder / "solution.py")
    with Sandbox(workers=jobs, preload=preload, warm=True, rehearsal=rehearsal, split=True) as sandbox:

        def one(submission: Submission) -> ClassResult:
            if stop.is_set():
                return ClassResult(submission, None, max_score)
            assert submission.answer is not None
            graded = grade(
                plugin,
                submission.answer,
                sandbox,
                seed=seed,
                timeout=timeout,
                cap=cap,
                tests=tests,
                require_confinement=require_confinement,
            )
            return ClassResult(submission, graded.report, max_score, graded.values)

        pool = ThreadPoolExecutor(max_workers=jobs)
        try:
            # Answers that need no library but NumPy first: their workers are ready at once.
            ordered = sorted(runnable, key=lambda s: not light(s.answer.imports))  # type: ignore[union-attr]
            pending: set[Future[ClassResult]] = {pool.submit(one, s) for s in ordered}
            held: list[ClassResult] = []  # time-outs and kills: counted once re-checked alone
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    result = future.result()
                    if spoilable(result) and len(runnable) > 1:
                        held.append(result)
                        continue
                    done(result)
                    yield result
            for result in recheck_alone(held, one):
                done(result)
                yield result
        finally:  # also when the caller stops early (Ctrl-C): no answer is left running
            stop.set()
            pool.shutdown(wait=False, cancel_futures=True)
