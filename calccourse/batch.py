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
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

from calccourse.answers import MAX_BYTES, SUFFIXES, Answer, Denied, Unreadable, read_answer, read_bytes
from calccourse.grading import Report
from calccourse.identity import METADATA, CanvasFile, Person, canvas_file, gradescope_people, key
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
    name: str = ""  # the student's name, where the download or roster gives it
    ids: tuple[tuple[str, str], ...] = ()  # (kind, value): canvas_id, sid, email, sis_login_id, ...
    identified: str = "file name"  # how the row's id was found: "Canvas user id 53676", "roster SID 12"
    matched: bool | None = None  # on the roster (True), not on it (False); None: no roster given
    notes: tuple[str, ...] = ()  # what the instructor should know: late, older uploads left out
    denied: bool = False  # missing because its permissions forbid reading it (``chmod 000``)

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
    """What was found for one row: its id, the path shown, the answer file, why there is none;
    who it is, as the download says, and the student's other files importable by the answer."""

    name: str
    shown: str
    file: Path | None
    why: str
    identified: str = "file name"
    person: Person | None = None
    notes: tuple[str, ...] = ()
    modules: tuple[Path, ...] = ()


@dataclass
class Found:
    submissions: list[Submission]
    warnings: list[str]


def collect(paths: Sequence[Path], strip_prefix: str = "", template: str = "") -> Found:
    """Every entry of ``paths`` (files or class folders), each answer read once, now. A
    path that does not exist is a row (a student who did not submit), unless none exists:
    then it is a mistyped class folder, a usage error. ``template``: the lesson's starter."""
    if paths and not any(os.path.lexists(path) for path in paths):
        raise UsageError(f"there is no file or folder {paths[0]}: give the class folder or answer files.")
    warnings: list[str] = []
    # Canvas uploads named one by one (``grade 1 sub/*.py``): one entry per Canvas user, as in a folder
    entries, uploads = _canvas_entries([path for path in paths if path.is_file()], "")
    for path in paths:
        if path in uploads:
            continue
        if not os.path.lexists(path):
            entries.append(Entry(path.name or str(path), str(path), None, "no such file or folder"))
        elif path.is_file() or (path.is_symlink() and not path.exists()):
            entries.append(_file_entry(path))
        elif _answer_at_top(path) is not None:
            top = _answer_at_top(path)
            own = {p.stem for p in imported_siblings(top)} if top is not None else set()  # its modules
            students = [  # what else is there that is a student's: not a README, not its modules
                e
                for e in _student_entries(path, [])
                if not e.why.startswith("skipped")
                and e.file != top
                and (e.file is None or e.file.stem not in own)
            ]
            if students:
                stray = path / "answer.py"
                names = ", ".join(sorted(entry.name for entry in students)[:3])
                raise UsageError(
                    f"{path} holds {stray.name} and {len(students)} student entries ({names}, …): is "
                    f"{stray.name} a stray? Move it away to grade the class, or grade that file alone."
                )
            entries += _folder_entry(path, path.resolve().name, warnings, template)
        else:
            inside = _student_entries(path, warnings, template=template)
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


def _is_dir(path: Path) -> bool:
    """A folder itself, never through a link: a link to ``.`` cannot make a loop."""
    return path.is_dir() and not path.is_symlink()


def _visible(folder: Path) -> list[Path]:
    try:
        return sorted(e for e in folder.iterdir() if not e.name.startswith(".") and e.name not in IGNORED)
    except OSError:
        return []


def _answers_at_top(folder: Path) -> list[Path]:
    """The folder's answer files, answer.py before answer.ipynb (the documented name first)."""
    found = [
        e for e in _visible(folder) if e.name.lower() in ANSWER_NAMES and (e.is_file() or e.is_symlink())
    ]
    return sorted(found, key=lambda entry: ANSWER_NAMES.index(entry.name.lower()))


def _answer_at_top(folder: Path) -> Path | None:
    return next(iter(_answers_at_top(folder)), None)


def _python_files(folder: Path, depth: int = 0) -> list[Path]:
    found: list[Path] = []
    for entry in _visible(folder):
        if _is_dir(entry) and depth < 4:
            found += _python_files(entry, depth + 1)
        elif entry.suffix.lower() in SUFFIXES and (entry.is_file() or entry.is_symlink()):
            found.append(entry)
    return found


def _link(path: Path, own: Path) -> str:
    """Why ``path`` (a file of the entry ``own``) is not the student's own answer, or "": a link
    to nothing, or a link that leaves ``own`` (to a classmate's answer, or anywhere)."""
    if not path.is_symlink():
        return ""
    if not path.exists():
        return "a link to nothing"
    target = path.resolve()
    if own.is_dir() and target.is_relative_to(own.resolve()):
        return ""
    return (
        f"{path.name} is a link to {os.readlink(path)}, outside the student's own "
        f"{'folder' if own.is_dir() else 'file'}: an answer must be the student's own file"
    )


def _student_entries(folder: Path, warnings: list[str], prefix: str = "", template: str = "") -> list[Entry]:
    """The entries of a class (or section) folder, one per file or folder in it. Where
    some folders are sections (two or more student folders), a folder holding a single
    student folder is a section too, not that student. A Canvas download's uploads are one
    entry per Canvas user; a Gradescope export's submissions one per submitter."""
    visible = _visible(folder)
    people = gradescope_people(folder)
    canvas, uploads = _canvas_entries(visible, prefix)
    sectioned = any(len(_section_members(entry)) >= 2 for entry in visible if _is_dir(entry))
    found = canvas
    for entry in visible:
        name = prefix + entry.name
        if entry in uploads or (people and entry.name == METADATA):
            continue
        if entry.name.startswith("_"):
            found.append(Entry(name, str(entry), None, "skipped: its name starts with _"))
        elif entry.is_symlink():
            stem = entry.stem if entry.suffix.lower() in SUFFIXES else entry.name
            found.append(Entry(prefix + stem, str(entry), None, "missing: " + _link(entry, entry)))
        elif _is_dir(entry) and sectioned and _section_members(entry):
            found += _student_entries(entry, warnings, name + "/", template)
        elif _is_dir(entry):
            found += _folder_entry(entry, name, warnings, template)
        elif entry.suffix.lower() in SUFFIXES:
            found.append(Entry(prefix + entry.stem, str(entry), entry, ""))
        else:
            found.append(Entry(name, str(entry), None, "skipped: not a .py or .ipynb file"))
    return _gradescope_entries(found, people) if people else found


def _canvas_entries(visible: list[Path], prefix: str) -> tuple[list[Entry], set[Path]]:
    """One entry per Canvas user among a download's files (``<lastfirst>[_late]_<userid>_<id>_<name>``):
    the newest Python upload is the answer; older ones and other files are listed in its notes."""
    uploads: dict[str, list[tuple[CanvasFile, Path]]] = {}
    for entry in visible:
        parsed = canvas_file(entry.name) if not _is_dir(entry) else None
        if parsed is not None:
            uploads.setdefault(parsed.user, []).append((parsed, entry))
    entries = []
    for user, files in uploads.items():
        files.sort(key=lambda pair: pair[0].upload_order, reverse=True)
        python = [
            (upload, path) for upload, path in files if Path(upload.filename).suffix.lower() in SUFFIXES
        ]
        person = Person((("canvas_id", user),), files[0][0].lastfirst)
        notes = []
        if python and len(python) > 1:
            notes.append("graded the newest upload; older: " + ", ".join(u.filename for u, _ in python[1:]))
        if others := [u.filename for u, p in files if (u, p) not in python]:
            notes.append("other files uploaded: " + ", ".join(others))
        shown = str(python[0][1] if python else files[0][1])
        why = "" if python else "missing: no .py or .ipynb file among the uploads"
        if python and (problem := _link(python[0][1], python[0][1])):
            why = "missing: " + problem
        if python and python[0][0].late:
            notes.insert(0, "late")
        answer = python[0][1] if python and not why else None
        identified = f"Canvas user id {user} (file name)"
        entries.append(Entry(prefix + user, shown, answer, why, identified, person, tuple(notes)))
    return entries, {path for files in uploads.values() for _, path in files}


def _gradescope_entries(entries: list[Entry], people: dict[str, list[Person]]) -> list[Entry]:
    """A Gradescope export's entries named by their submitters (``submission_metadata.yml``):
    one entry per submitter, so that each member of a group submission has a row."""
    found = []
    for entry in entries:
        submitters = people.get(Path(entry.shown).name, [])
        if not submitters:
            found.append(entry)
            continue
        for who in submitters:
            sid, email = who.get("sid"), who.get("email")
            label = f"Gradescope SID {sid}" if sid else f"Gradescope e-mail {email}"
            group = [other.name or other.get("sid") for other in submitters if other is not who]
            notes = entry.notes + ((f"group submission with {', '.join(group)}",) if group else ())
            prefix = entry.name[: len(entry.name) - len(Path(entry.shown).name)]
            found.append(
                entry._replace(name=prefix + (sid or email), identified=label, person=who, notes=notes)
            )
    return found


def _section_members(folder: Path) -> list[Path]:
    """The student folders of a section: no Python file of its own, and only folders that
    hold an answer at their top. Empty when ``folder`` is no section."""
    inside = _visible(folder)
    if any(entry.suffix.lower() in SUFFIXES for entry in inside if entry.is_file()):
        return []
    folders = [entry for entry in inside if _is_dir(entry)]
    return folders if folders and all(_answer_at_top(entry) for entry in folders) else []


LESSON_FILE = re.compile(r"lesson\d\d\.(py|ipynb)")  # what `calccourse start` writes


def _folder_entry(
    folder: Path, name: str, warnings: list[str], template: str = "", sections: bool = True
) -> list[Entry]:
    """A student's folder, or a section holding student folders or student files. Where its
    answer.py is the lesson's ``template`` untouched and the file `calccourse start` wrote
    (``lessonNN.py``) is beside it, that file is the answer: the learner worked there. Without
    ``sections`` (one student's submission), several files are never a section of files."""
    python = _python_files(folder)
    at_top = [p for p in python if p.parent == folder]
    chosen = _answer_at_top(folder) or _chosen(folder, at_top, python)
    notes: tuple[str, ...] = ()
    if len(both := _answers_at_top(folder)) > 1:
        notes = (f"graded {both[0].name}; {both[1].name} beside it was not graded",)
        warnings.append(f"{folder}: holds {both[0].name} and {both[1].name}; graded {both[0].name}")
    started = [p for p in at_top if LESSON_FILE.fullmatch(p.name.lower())]
    if chosen is not None and len(started) == 1 and chosen not in started and _untouched(chosen, template):
        notes += (
            f"{chosen.name} is the untouched starter: graded {started[0].name}, which calccourse start wrote",
        )
        chosen = started[0]
    if chosen is None:
        inside = [e for e in _visible(folder) if _is_dir(e)]
        if not at_top and inside and all(_answer_at_top(s) or _python_files(s) for s in inside):
            return _student_entries(folder, warnings, name + "/", template)
        if sections and len(at_top) >= 2 and not (folder / ".git").exists():
            warnings.append(
                f"{folder} holds several Python files and no answer.py, none importing another: graded "
                "as a section, a row per file (a student's folder names its answer answer.py)"
            )
            return _student_entries(folder, warnings, name + "/", template)
        if not python:
            return [Entry(name, str(folder), None, "missing: no answer.py (no Python file at all)")]
        listed = ", ".join(str(p.relative_to(folder)) for p in python[:4])
        return [Entry(name, str(folder), None, f"missing: no answer.py, and several Python files ({listed})")]
    if problem := _link(chosen, folder):
        return [Entry(name, str(folder), None, "missing: " + problem)]
    nested = [p for p in python if p.parent != chosen.parent and p.name.lower() in ANSWER_NAMES]
    if nested:
        listed = ", ".join(str(p.relative_to(folder)) for p in nested[:4])
        warnings.append(
            f"{folder}: graded {chosen.relative_to(folder)}; not graded: {listed} "
            "(another student's? grade it apart)"
        )
    modules = tuple(
        p
        for p in python
        if p.parent == chosen.parent and p != chosen and p.suffix == ".py" and not _link(p, folder)
    )
    return [Entry(name, str(folder), chosen, "", "folder name", notes=notes, modules=modules)]


def _untouched(path: Path, template: str) -> bool:
    """Whether ``path`` holds the lesson's starter file as it was given (line endings and
    trailing spaces aside)."""
    if not template or path.is_symlink():
        return False
    try:
        data = read_bytes(path, MAX_BYTES)
    except Unreadable:
        return False

    def lines(text: str) -> list[str]:
        return [line.rstrip() for line in text.strip().splitlines()]

    return lines(data.decode("utf-8", "replace")) == lines(template)


def _chosen(folder: Path, at_top: list[Path], python: list[Path]) -> Path | None:
    """The answer of a folder with no answer.py: the lesson file `calccourse start` wrote, the
    only Python file, or the one file that imports the others (the student's own project)."""
    started = [p for p in at_top if LESSON_FILE.fullmatch(p.name.lower())]
    if len(started) == 1:
        return started[0]
    if len(at_top) == 1 or (not at_top and len(python) == 1):
        return (at_top or python)[0]
    stems = {p.stem for p in at_top if p.suffix == ".py"}
    imported = {p: _imports(p) & stems - {p.stem} for p in at_top if p.suffix == ".py"}
    used = set().union(*imported.values()) if imported else set()
    roots = [p for p in imported if p.stem not in used and imported[p]]
    return roots[0] if len(roots) == 1 else None


def imported_siblings(path: Path) -> list[Path]:
    """The ``.py`` files beside a ``.py`` answer that it imports (``check FILE``: a learner's
    own ``helper.py``), never through a link."""
    if path.suffix != ".py":
        return []
    wanted = _imports(path)
    return [
        p
        for p in _visible(path.parent)
        if p.suffix == ".py" and p.stem in wanted and p != path and not p.is_symlink()
    ]


def _imports(path: Path) -> set[str]:
    """The top-level module names a Python file imports (read, never run; unreadable or not
    a regular file, such as a named pipe that would block: none)."""
    import ast

    try:
        tree = ast.parse(read_bytes(path, MAX_BYTES))
    except (Unreadable, SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def _stripped(entry: Entry, prefix: str) -> Entry:
    """The entry named without the assignment's prefix, when it has it and more."""
    if prefix and entry.name.startswith(prefix) and len(entry.name) > len(prefix):
        return entry._replace(name=entry.name[len(prefix) :])
    return entry


def _unique(entries: list[Entry], warnings: list[str]) -> list[Submission]:
    """Submissions with unique ids: where two entries share a name (after Unicode
    normalisation), a file keeps its suffix (``dup.py`` beside the folder ``dup``), and a clash
    left after that a short hash. Ids that differ only in case are kept, with a warning: an LMS
    may take them for one student."""
    entries = [entry._replace(name=unicodedata.normalize("NFC", entry.name)) for entry in entries]
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.name] = counts.get(entry.name, 0) + 1
    used: set[str] = set()
    submissions = []
    for name, shown, file, why, identified, person, notes, modules in entries:
        student = name
        if counts[name] > 1:
            if Path(shown).suffix.lower() in SUFFIXES:
                student = name + Path(shown).suffix
            if student in used or (student != name and student in counts):
                student = f"{student}~{hashlib.sha256(shown.encode()).hexdigest()[:6]}"
            if student != name:
                warnings.append(f"two entries are both named '{name}': {shown} is graded as '{student}'")
        used.add(student)
        who = {} if person is None else {"name": person.name, "ids": person.ids}
        row = Submission(student, shown, identified=identified, notes=notes, **who)  # type: ignore[arg-type]
        if file is None:
            status = "skipped" if why.startswith("skipped") else "missing"
            reason = why.removeprefix("skipped: ").removeprefix("missing: ")
            submissions.append(replace(row, status=status, reason=reason))
            continue
        try:
            submissions.append(replace(row, answer=read_answer(file, modules)))
        except Unreadable as error:
            denied = isinstance(error, Denied)
            submissions.append(replace(row, status="missing", reason=error.message, denied=denied))
    cased: dict[str, list[str]] = {}
    for student in used:
        cased.setdefault(key(student), []).append(student)
    for same in cased.values():
        if len(same) > 1:
            warnings.append(
                f"the ids {', '.join(sorted(same))} differ only in case: an LMS may take them for one student"
            )
    return submissions


def submission_in(folder: Path, template: str = "") -> Submission:
    """The one submission a folder holds (a Gradescope submission, a learner's repository),
    by the same rules as a student's folder in a class; a class folder is a usage error."""
    entries = _folder_entry(folder, folder.resolve().name, [], template, sections=False)  # one student's
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
