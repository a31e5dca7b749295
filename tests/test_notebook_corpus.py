"""A notebook is graded exactly like the same answer as a .py file: a corpus proves it.

Every lesson's solution, template and known mistakes become notebooks of many shapes
(tests/notebook_corpus.py: cells per statement or per definition with Markdown between,
stored outputs that would mislead, IPython magics, cells reordered, duplicated or deleted,
a wrong version and a right one, nbformat 4.0 to 4.5 and 3, CRLF, a BOM, non-ASCII). One
``calccourse grade`` per lesson grades them all with a fixed seed, each next to the .py
file it stands for (its code cells concatenated, IPython lines removed; one .py serves
all notebooks of the same code), and the two reports must agree on everything but line
numbers: status, scores, the load error, the output, and every test's status, points,
message and feedback, in the full report and in the gradebook (``--json``). Files that
are no notebook, or cannot be graded, each get their own message; ``check`` shows the
exit codes.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from calccourse.answers import read_answer
from calccourse.batch import ClassResult
from calccourse.cli import app
from calccourse.course import ClassRun, Course
from calccourse.grading import Report
from calccourse.reports.native import to_dict
from tests.notebook_corpus import (
    BASIC,
    Sample,
    build,
    code,
    huge_outputs,
    last_wins,
    markdown,
    notebook_bytes,
    python_of,
    same_code,
)

LESSONS = Path(__file__).resolve().parent.parent / "lessons"
FOLDERS = sorted(path.name for path in LESSONS.glob("0*"))
SEED = 20240517
LOCATION = re.compile(r'File "[^"]*", line \d+')

SOLUTION_1 = (LESSONS / "01-derivatives" / "solution.py").read_text(encoding="utf-8")
HEAD = [markdown("# Lesson 1"), code("import math"), markdown("The derivative, by the rules:")]  # cells 1-3
RATE = code("def rate_of_change(f, x, dx):\n    return (f(x + dx) - f(x)) / dx")
DERIVATIVE = "def derivative(x):\n    return 3 * x**2 - 4 * x"


def special(name: str, cells: list[Any]) -> Sample:
    """A notebook of lesson 1 beyond the corpus, with the .py it stands for."""
    python, skipped = python_of(cells)
    return Sample(name, notebook_bytes(cells), python, skipped)


# Lesson 1's extra notebooks: errors in cell 4, line 2 (three kinds), and two graded as Python would.
CELL_4 = [
    special("error-in-a-call", [*HEAD, code("def derivative(x):\n    return math.log(-1.0) + x"), RATE]),
    special("error-at-import", [*HEAD, code("scale = 2\nvalue = math.log(-1.0)\n" + DERIVATIVE), RATE]),
    special("syntax-error", [*HEAD, code("def derivative(x):\n    return 3 * x**2 - 4 * x +"), RATE]),
]
LATER = [  # a future import in a cell of its own holds in the cells below it
    code("from __future__ import annotations"),
    code("def derivative(x: undefined_type) -> float:\n    return 3 * x**2 - 4 * x"),
    RATE,
]
AS_PYTHON = [special("future-import", LATER), special("huge-outputs", [code(SOLUTION_1, huge_outputs(10))])]
# Files that are no notebook to grade, and the reason each must give.
BROKEN: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "is not a Jupyter notebook: the file is empty."),
    "cut-short": (
        notebook_bytes([code(SOLUTION_1)])[:300],
        "is not a Jupyter notebook: its JSON stops before the end (line 11, column 164), "
        "as if the file were cut short.",
    ),
    "web-page": (
        b"<!DOCTYPE html>\n<html>",
        "is not a Jupyter notebook: it is not valid JSON (line 1, column 1).",
    ),
    "json-list": (b"[1, 2]", "is not a Jupyter notebook: it is a JSON list, not a notebook's JSON object."),
    "json-object": (
        b'{"cells": [{"cell_type": "code", "source": "x = 1"}]}',
        "is not a Jupyter notebook: it is JSON, but without the notebook format version.",
    ),
    "damaged": (
        b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}',
        "is a damaged Jupyter notebook: nbformat could not read it (The notebook is invalid and is "
        "missing an expected key: cells).",
    ),
    "no-code-cells": (
        notebook_bytes([markdown("```python\ndef derivative(x):\n    return 3 * x**2 - 4 * x\n```")]),
        "has no code cells: write your answer in a code cell, then save.",
    ),
    "magics-only": (
        notebook_bytes([code("%matplotlib inline\n!pip install numpy"), code("%%timeit\nsum(range(9))")]),
        "has no Python code to grade: its code cells hold only IPython commands, which do not run "
        "when grading.",
    ),
}


# --- the corpus, graded --------------------------------------------------------------------------


@dataclass
class Graded:
    """One lesson's class folder, graded: every report, and which .py each notebook stands for."""

    folder: Path
    results: dict[str, ClassResult]
    gradebook: dict[str, dict[str, Any]]  # the --json rows by student
    twins: dict[str, str]  # notebook's student id -> its .py's
    samples: dict[str, Sample]
    sources: dict[str, str]  # solution, template and mistake-<name> -> their text


class Recording(Course):
    """A Course that keeps each result `grade` yields, for the full reports behind the gradebook."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[ClassResult] = []

    def grade(self, *args: Any, **kwargs: Any) -> ClassRun:
        run = super().grade(*args, **kwargs)
        self.results.extend(run.results)
        return run


def plan(name: str, index: int) -> tuple[str, ...]:
    """The shapes a source becomes: all of them for the solution and the template; for each
    mistake two of the four basic ones, in turn (every basic shape meets mistakes in every lesson),
    and more for the first mistake."""
    if name == "solution":
        return (*BASIC, "reordered", "v3")
    if name == "template":
        return (*BASIC, "deleted", "v3")
    first = index % len(BASIC)
    extra = ("duplicated", "deleted") if index == 0 else ()
    return (BASIC[first], BASIC[(first + 1) % len(BASIC)], *extra)


def write_corpus(lesson: Path, folder: Path) -> tuple[dict[str, str], dict[str, Sample], dict[str, str]]:
    """Write the class folder: every source as .py, its notebooks, and the .py each stands for."""
    sources = {"solution": lesson / "solution.py", "template": lesson / "template.py"}
    sources |= {f"mistake-{path.stem}": path for path in sorted((lesson / "mistakes").glob("*.py"))}
    texts = {name: path.read_text(encoding="utf-8") for name, path in sources.items()}
    pythons: dict[str, str] = {}  # one .py per distinct code (same_code): its student id -> text

    def python_file(text: str, student: str) -> str:
        for known, written in pythons.items():
            if same_code(written, text):
                return known
        pythons[student] = text
        (folder / f"{student}.py").write_text(text, encoding="utf-8")
        return student

    samples: list[tuple[str, Sample]] = []
    mistakes = [name for name in texts if name.startswith("mistake-")]
    for name, text in texts.items():
        python_file(text, name)
        for shape in plan(name, mistakes.index(name) if name in mistakes else 0):
            # nbformat 4.0 to 4.5 in turn: every lesson has them all
            samples.append((f"{name}--{shape}", build(shape, text, minor=len(samples) % 6)))
    # A wrong version first, the right one later (the last definition wins), and the reverse.
    for first, then in (("template", "solution"), (mistakes[0], "template"), ("solution", mistakes[1])):
        samples.append((f"{first}--then--{then}", last_wins(texts[first], texts[then])))
    if lesson.name.startswith("01"):
        samples += [(sample.name, sample) for sample in CELL_4 + AS_PYTHON]
        for name, (data, _) in BROKEN.items():
            (folder / f"{name}.ipynb").write_bytes(data)
    twins = {}
    for student, sample in samples:
        (folder / f"{student}.ipynb").write_bytes(sample.data)
        twins[student] = python_file(sample.python, f"{student}--py")
    return texts, dict(samples), twins


@pytest.fixture(scope="module", params=FOLDERS)
def graded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Graded:
    lesson = LESSONS / request.param
    folder = tmp_path_factory.mktemp(request.param)
    sources, samples, twins = write_corpus(lesson, folder)
    course = Recording()
    gradebook = folder.parent / f"{request.param}-gradebook.json"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CALCCOURSE_HOME", str(tmp_path_factory.mktemp("home")))
        patch.delenv("CALCCOURSE_LESSONS_PATH", raising=False)
        patch.setenv("MPLBACKEND", "Agg")
        number = str(int(lesson.name[:2]))
        args = ["grade", number, str(folder), "--seed", str(SEED), "--json", str(gradebook), "--jobs", "2"]
        result = CliRunner().invoke(app, [*args, "--no-table"], obj=course, catch_exceptions=False)
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    rows = {row["student"]: row for row in json.loads(gradebook.read_text())["results"]}
    results = {r.student: r for r in course.results}
    return Graded(folder, results, rows, twins, samples, sources)


# --- every notebook graded like its .py ------------------------------------------------------------


def normal(text: str | None, *displays: str) -> str | None:
    """Text of a report with the answer's name and line numbers out of the way."""
    if text is None:
        return None
    for display in displays:
        text = text.replace(display, "<answer>")
    return LOCATION.sub('File "<answer>", line <n>', text)


def report_of(graded: Graded, student: str) -> Report:
    report = graded.results[student].report
    assert report is not None, graded.results[student]
    return report


def outcome(result: ClassResult, row: dict[str, Any]) -> dict[str, Any]:
    """What must be the same for a notebook and its .py: the report and the gradebook's row."""
    assert result.report is not None, (result.student, result.status, result.reason)
    report = to_dict(result.report)
    display = report["answer"]
    error = report["load_error"]
    return {
        "status": report["status"],
        "verdict": report["verdict"],
        "score": (report["score"], report["max_score"], report["bonus"], report["max_bonus"]),
        "load_error": error and (error["kind"], error["exception"], normal(error["message"], display)),
        "output": normal(report["output"], display),
        "tests": [
            (t["name"], t["status"], t["points"], t["error"], t["blame"], t["exception"], t["line"] is None)
            + (normal(t["message"], display), t["feedback"])
            for t in report["tests"]
        ],
        "gradebook": (row["status"], row["score"], row["bonus"], normal(row["first_failure"], display)),
    }


def test_every_notebook_is_graded_like_its_python_file(graded: Graded) -> None:
    differ = []
    for notebook, python in graded.twins.items():
        got = outcome(graded.results[notebook], graded.gradebook[notebook])
        want = outcome(graded.results[python], graded.gradebook[python])
        if got != want:
            fields = [key for key in want if got[key] != want[key]]
            differ.append(f"{notebook} ≠ {python}.py in {fields}: {[(got[k], want[k]) for k in fields][:1]}")
    assert not differ, "\n".join(differ[:5])


def test_every_skipped_ipython_line_has_its_note(graded: Graded) -> None:
    for student, sample in graded.samples.items():
        report, twin = report_of(graded, student), report_of(graded, graded.twins[student])
        assert len(report.notes) == sample.notes, (student, report.notes)
        assert all(note.startswith("cell ") for note in report.notes) and twin.notes == []


def test_the_corpus_covers_every_source_in_several_shapes(graded: Graded) -> None:
    shapes: dict[str, set[str]] = {name: set() for name in graded.sources}
    for student in graded.samples:
        source, _, shape = student.partition("--")
        if source in shapes and "--" not in shape:
            shapes[source].add(shape)
    assert all(len(found) >= 2 for found in shapes.values()), shapes
    mistakes = set().union(*(found for name, found in shapes.items() if name.startswith("mistake-")))
    assert set(BASIC) <= mistakes
    minors = {json.loads(s.data.decode("utf-8-sig")).get("nbformat_minor") for s in graded.samples.values()}
    assert set(range(6)) <= minors
    # The corpus is not all passes or all failures: each lesson has both, and "not started".
    statuses = {graded.results[twin].status for twin in graded.twins.values()}
    assert {"pass", "fail"} <= statuses
    assert any(t.error == "not_started" for r in graded.results.values() if r.report for t in r.report.tests)


# --- lesson 1: errors in cell 4, files that are no notebook, a future import, plots ---------------------

LESSON_1 = pytest.mark.parametrize("graded", ["01-derivatives"], indirect=True)


def python_line(sample: Sample, text: str) -> int:
    """The line of its .py file that holds ``text`` (one of cell 4's lines)."""
    return sample.python.split("\n").index(text) + 1


@LESSON_1
def test_an_error_in_cell_4_line_2_points_there(graded: Graded) -> None:
    call, load, syntax = (report_of(graded, sample.name) for sample in CELL_4)
    as_python = [report_of(graded, graded.twins[sample.name]) for sample in CELL_4]
    failed = call.tests[0]
    assert (failed.status, failed.exception, failed.line) == ("error", "ValueError", 2)
    assert f'File "{call.answer}, cell 4", line 2, in derivative\n' in failed.message
    # The ^^^ under what raised, as in a .py file (a cell's last line has no newline).
    # (3.13 marks the callee ~~~ and the call ^^^; earlier versions ^^^ all of it.)
    assert re.search(r"    return math\.log\(-1\.0\) \+ x\n {11}(?=[~^]{14}\n)~*\^+\n", failed.message)
    assert as_python[0].tests[0].line == python_line(CELL_4[0], "    return math.log(-1.0) + x")
    assert load.load_error is not None and syntax.load_error is not None
    assert (load.load_error.exception, load.load_error.line) == ("ValueError", 2)
    assert f'File "{load.answer}, cell 4", line 2, in <module>\n' in load.load_error.message
    assert (syntax.load_error.exception, syntax.load_error.line) == ("SyntaxError", 2)
    assert syntax.load_error.message.startswith(f'  File "{syntax.answer}, cell 4", line 2\n')
    error = as_python[2].load_error
    assert error is not None and error.line == python_line(CELL_4[2], "    return 3 * x**2 - 4 * x +")


@LESSON_1
def test_a_file_that_is_no_notebook_could_not_be_read_and_says_why(graded: Graded) -> None:
    for name, (_, reason) in BROKEN.items():
        report, row = report_of(graded, name), graded.gradebook[name]
        display = report.answer
        assert report.load_error is not None, name
        assert (report.load_error.kind, report.load_error.message) == ("unreadable", f"{display} {reason}")
        assert (row["status"], row["score"]) == ("error", 0.0)
        assert row["first_failure"] == f"could not be read: {display} {reason}"


@LESSON_1
def test_a_future_import_and_ten_megabytes_of_plots_are_graded_as_python_would(graded: Graded) -> None:
    assert graded.results["future-import"].status == "pass"
    huge = graded.folder / "huge-outputs.ipynb"
    assert huge.stat().st_size > 10 * 2**20
    assert graded.results["huge-outputs"].status == "pass"
    started = time.perf_counter()
    answer = read_answer(huge)
    assert time.perf_counter() - started < 2 and len(answer.source) < 1000


# --- check: the same report, and the exit codes ------------------------------------------------------


def check(folder: Path, name: str, *options: str) -> tuple[int, str]:
    """``calccourse check 1 <name>`` in ``folder``: its exit code and what it printed."""
    args = ["check", "1", name, "--seed", str(SEED), "--no-plot", "--no-progress", *options]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert "Traceback" not in result.output, result.output  # never one of calccourse's own
    return result.exit_code, result.output


@LESSON_1
def test_check_reports_a_notebook_like_its_python_file(graded: Graded) -> None:
    reports = {}
    for name in ("solution--magics.ipynb", "solution.py"):
        exit_code, output = check(graded.folder, name, "--format", "json")
        reports[name] = json.loads(output)
        assert exit_code == 0
    notebook, python = reports.values()
    assert notebook["notes"] and not python["notes"]
    for report in reports.values():
        for key in ("answer", "sha256", "duration", "notes"):
            report.pop(key)
        for test in report["tests"]:
            test.pop("duration")
    assert notebook == python


@LESSON_1
@pytest.mark.parametrize(
    ("name", "exit_code", "says"),
    [
        ("error-at-import.ipynb", 3, 'File "error-at-import.ipynb, cell 4", line 2, in <module>'),
        ("json-object.ipynb", 3, "Your answer could not be read:\njson-object.ipynb is not a Jupyter"),
        ("mistake-divides_twice--magics.ipynb", 1, "skipped the cell magic `%%time` and ran the cell's code"),
    ],
)
def test_check_exit_codes(graded: Graded, name: str, exit_code: int, says: str) -> None:
    got, output = check(graded.folder, name)
    assert got == exit_code and says in output, output


def test_a_cell_that_never_ends_is_stopped_by_the_time_limit(tmp_path: Path) -> None:
    cells = [markdown("An answer"), code(SOLUTION_1), code("while True:\n    pass")]
    (tmp_path / "hangs.ipynb").write_bytes(notebook_bytes(cells))
    started = time.perf_counter()
    exit_code, output = check(tmp_path, "hangs.ipynb", "--timeout", "1")
    assert exit_code == 3 and time.perf_counter() - started < 20
    assert "Your answer could not be run:\nYour answer did not finish loading within 1 s" in output
