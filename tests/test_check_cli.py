"""`calccourse check` and `grade` as a learner and an instructor run them."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from calccourse.discovery import discover

LESSON1 = discover(use_entry_points=False).find("1")


@pytest.fixture
def solution(tmp_path) -> Path:
    path = tmp_path / "answer.py"
    shutil.copy(LESSON1.folder / "solution.py", path)
    return path


def test_solution_passes_with_exit_0_and_prints_the_seed(run, solution):
    result = run("check", "1", str(solution), "--seed", "7", "--no-plot")
    assert result.exit_code == 0, result.output
    assert "All tests passed" in result.output and "--seed 7" in result.output


def test_known_mistake_fails_with_its_feedback(run):
    mistake = next(m for m in LESSON1.mistakes if "constant" in m.name)
    result = run("check", "derivatives", str(mistake.path), "--no-plot")
    assert result.exit_code == 1
    assert mistake.expect in result.output.replace("\n    ", " ")


def test_check_saves_a_plot_and_prints_its_path(run, tmp_path):
    mistake = LESSON1.mistakes[0]
    (tmp_path / "mine.py").write_text(mistake.path.read_text())  # the learner's own file, here
    result = run("check", "1", "mine.py", "--out", "pics")
    assert result.exit_code == 1
    assert "saved plot: pics/lesson01-check.png" in result.output
    assert (tmp_path / "pics" / "lesson01-check.png").stat().st_size > 1000
    assert "│ tried " in run("progress").output  # and the learner's progress has it


def test_an_instructors_check_of_a_file_elsewhere_records_and_draws_nothing(run, tmp_path, tmp_path_factory):
    """Checking a student's file outside this folder's tree (or a submission's folder) is an
    instructor's check: no progress of theirs, no calccourse-plots/ here, unless asked."""
    bob = tmp_path_factory.mktemp("grading") / "bob.py"
    bob.write_text(LESSON1.mistakes[0].path.read_text())
    result = run("check", "1", str(bob))
    assert result.exit_code == 1
    assert not (tmp_path / "calccourse-plots").exists() and "saved plot" not in result.output
    assert "│ tried " not in run("progress").output
    asked = run("check", "1", str(bob), "--plot", "--progress")
    assert asked.exit_code == 1 and (tmp_path / "calccourse-plots" / "lesson01-check.png").exists()
    assert "│ tried " in run("progress").output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "9", "answer.py"], "no lesson '9'"),
        (["check", "1", "missing.py"], "there is no file missing.py"),
        (["check", "1", "class"], "holds 2 submissions, not one"),
        (["check", "1", "notes.txt"], "not a Python file"),
        (["check", "1", "answer.py", "--format", "xml"], "not a report format"),
    ],
)
def test_usage_errors_exit_2(run, tmp_path, solution, args, message):
    (tmp_path / "notes.txt").write_text("x")
    for student in ("ann", "bob"):
        (tmp_path / "class" / student).mkdir(parents=True)
        (tmp_path / "class" / student / "answer.py").write_text("x = 1\n")
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_several_reports_in_one_run(run, tmp_path, solution):
    result = run(
        "check",
        "1",
        str(solution),
        "--no-plot",
        "--seed",
        "1",
        "--format",
        "json",
        "--output",
        "r.json",
        "--format",
        "junit",
        "--output",
        "r.xml",
        "--format",
        "gradescope",
        "--output",
        "gs.json",
        "--format",
        "exercism",
    )
    assert result.exit_code == 0
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["status"] == "pass" and data["seed"] == 1 and data["score"] == data["max_score"] > 0
    assert (tmp_path / "r.xml").read_text().startswith("<?xml")
    assert json.loads((tmp_path / "gs.json").read_text())["score"] == data["score"]
    assert json.loads(result.output)["status"] == "pass"  # exercism went to stdout


def test_exit_zero_and_github_annotations(run, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    mistake = LESSON1.mistakes[0]
    result = run("check", "1", str(mistake.path), "--no-plot", "--exit-zero")
    assert result.exit_code == 0
    assert re.search(r"^::error file=.*::", result.output, re.MULTILINE)
    assert re.search(r"^::notice title=Points::Points \d+/\d+", result.output, re.MULTILINE)


def test_same_seed_same_report(run, tmp_path):
    mistake = LESSON1.mistakes[0]
    first = run("check", "1", str(mistake.path), "--no-plot", "--seed", "5", "--format", "json")
    second = run("check", "1", str(mistake.path), "--no-plot", "--seed", "5", "--format", "json")
    strip = lambda out: [(t["name"], t["message"]) for t in json.loads(out)["tests"]]  # noqa: E731
    assert strip(first.output) == strip(second.output)


def test_grade_a_class_folder(run, tmp_path):
    folder = tmp_path / "class"
    (folder / "ann").mkdir(parents=True)
    shutil.copy(LESSON1.folder / "solution.py", folder / "ann" / "answer.py")
    shutil.copy(LESSON1.folder / "template.py", folder / "bob.py")
    (folder / "cy.py").write_text("while True:\n    pass\n")
    (folder / "eve.py").write_text("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n")
    (folder / "dee.py").write_text(
        "import sys\nsys.stdout.write('x' * 10**7)\n" + (LESSON1.folder / "solution.py").read_text()
    )
    result = run(
        "grade", "1", str(folder), "--jobs", "2", "--timeout", "1", "--csv", "g.csv", "--json", "g.json"
    )
    assert result.exit_code == 0, result.output
    with (tmp_path / "g.csv").open() as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {"ann", "bob", "cy", "dee", "eve"}
    assert rows["ann"]["status"] == "pass" and rows["dee"]["status"] == "pass"
    assert rows["bob"]["status"] == "fail" and "Not started" in rows["bob"]["first_failure"]
    assert rows["cy"]["status"] == "error" and "within 1 s" in rows["cy"]["first_failure"]
    book = json.loads((tmp_path / "g.json").read_text())
    assert rows["eve"]["status"] == "error"
    assert book["lesson"]["number"] == 1 and len(book["results"]) == 5
    assert "2 of 5 graded answers passed" in result.output
    assert result.output.index("ann") < result.output.index("bob") < result.output.index("cy")


@pytest.mark.parametrize(
    ("path", "message"), [("nowhere", "no such file or folder"), ("empty", "holds no answer")]
)
def test_a_path_with_nothing_to_grade_is_a_row_saying_why(run, tmp_path, path, message):
    (tmp_path / "empty").mkdir()
    shutil.copy(LESSON1.folder / "solution.py", tmp_path / "ann.py")
    result = run("grade", "1", "ann.py", path, "--csv", "g.csv")
    assert result.exit_code == 0, result.output
    with (tmp_path / "g.csv").open() as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert rows["ann"]["status"] == "pass"
    assert rows[path]["status"] == "missing" and message in rows[path]["first_failure"]


def test_a_class_folder_that_is_not_there_is_a_usage_error(run):
    result = run("grade", "1", "submissions", "--csv", "g.csv")
    assert result.exit_code == 2 and "there is no file or folder submissions" in result.stderr


def test_grade_piped_into_head_still_writes_its_files_and_exits_0(tmp_path):
    for name in ("ann", "bob"):
        shutil.copy(LESSON1.folder / "solution.py", tmp_path / f"{name}.py")
    command = f"'{sys.executable}' -m calccourse grade 1 ann.py bob.py --json g.json | head -1"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and len(done.stdout.splitlines()) == 1
    assert len(json.loads((tmp_path / "g.json").read_text())["results"]) == 2


def test_annotations_never_corrupt_a_report_on_stdout(run, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    mistake = LESSON1.mistakes[0]
    result = run("check", "1", str(mistake.path), "--no-plot", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["status"] == "fail"
    assert "::notice title=Points::" in result.stderr


def test_missing_answer_names_the_lessons_template_command(run):
    result = run("check", "gradient", "nope.py")
    assert result.exit_code == 2
    assert "calccourse start 3 nope.py" in result.output


def test_a_passing_answer_saves_no_plot_unless_asked(run, tmp_path, solution):
    assert run("check", "1", str(solution)).exit_code == 0
    assert not (tmp_path / "calccourse-plots").exists()
    assert run("check", "1", str(solution), "--plot").exit_code == 0
    assert (tmp_path / "calccourse-plots" / "lesson01-check.png").exists()


def test_a_submission_folder_is_checked_by_the_rules_grade_uses(run, tmp_path, catalog):
    submission = tmp_path / "submission"
    (submission / "src").mkdir(parents=True)
    (submission / "src" / "gradient1.py").write_text(catalog.find("1").solution)
    (submission / "README.md").write_text("my work")
    result = run("check", "1", str(submission), "--no-plot")
    assert result.exit_code == 0, result.output
    assert "src/gradient1.py" in result.output.replace("\n", "")


def test_a_submission_folder_without_an_answer_still_writes_its_report(run, tmp_path):
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "notes.txt").write_text("I ran out of time")
    result = run("check", "1", str(submission), "--format", "gradescope", "--output", "r.json")
    assert result.exit_code == 3
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["score"] == 0 and "Your submission holds no answer file" in data["tests"][0]["output"]


def test_an_answer_runs_as_python_runs_it_annotations_and_all(run, tmp_path):
    # The sandbox's own `from __future__ import annotations` is not the answer's.
    code = "def derivative(x: undefined_type):\n    return 3 * x**2 - 4 * x\n"
    (tmp_path / "answer.py").write_text(code)
    result = run("check", "1", "answer.py", "--no-plot", "--no-progress")
    assert result.exit_code == 3
    assert "NameError: name 'undefined_type' is not defined" in result.output


@pytest.mark.parametrize(
    ("before", "end"), [("", ""), ("\f\n", "\n")], ids=["last-line-without-newline", "after-a-form-feed"]
)
def test_a_traceback_shows_the_line_that_raised_and_marks_what_raised(run, tmp_path, before, end):
    # As a notebook cell's last line, a file's last line may have no newline; a form feed (a
    # page break in old editors) ends no line.
    raising = "    return math.log(-1.0) + x"
    code = f"import math\n{before}\ndef derivative(x):\n{raising}{end}"
    (tmp_path / "answer.py").write_text(code)
    result = run("check", "1", "answer.py", "--format", "json", "--no-plot", "--no-progress")
    failed = json.loads(result.output)["tests"][0]
    assert failed["line"] == code.split("\n").index(raising) + 1
    # Under `math.log(-1.0)`: ^^^ from 3.11 to 3.12; 3.13 marks the callee ~~~ and the call ^^^;
    # 3.10's tracebacks mark nothing (Python has kept no column positions before 3.11).
    marks = r" {11}(?=[~^]{14}\n)~*\^+\n" if sys.version_info >= (3, 11) else ""
    assert re.search(rf"\n{re.escape(raising)}\n{marks}", failed["message"])


def test_a_notebook_that_is_not_one_could_not_be_read(run, tmp_path):
    (tmp_path / "answer.ipynb").write_text("[1, 2]")
    result = run("check", "1", "answer.ipynb", "--no-plot", "--no-progress")
    assert result.exit_code == 3
    assert "Your answer could not be read:\nanswer.ipynb is not a Jupyter notebook: it is a JSON list" in (
        result.output
    )
    result = run("grade", "1", "answer.ipynb", "--csv", "grades.csv", "--jobs", "1")
    (row,) = csv.DictReader((tmp_path / "grades.csv").read_text().splitlines())
    assert row["first_failure"].startswith("could not be read: answer.ipynb is not a Jupyter notebook")


def test_a_future_import_holds_in_the_cells_after_it_as_in_jupyter(run, tmp_path):
    cells = [
        "from __future__ import annotations",
        "def derivative(x: undefined_type) -> float:\n    return 3 * x**2 - 4 * x",
        "def rate_of_change(f, x, dx):\n    return (f(x + dx) - f(x)) / dx",
    ]
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {
                "cell_type": "code",
                "id": str(n),
                "metadata": {},
                "outputs": [],
                "execution_count": None,
                "source": c,
            }
            for n, c in enumerate(cells)
        ],
    }
    (tmp_path / "answer.ipynb").write_text(json.dumps(notebook))
    result = run("check", "1", "answer.ipynb", "--no-plot", "--no-progress")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("kind", ["named pipe", "device"])
def test_an_answer_that_is_not_a_regular_file_is_refused_at_once(run, tmp_path, kind):
    """A pipe would make check wait forever, /dev/zero read forever: both are usage errors."""
    answer = tmp_path / "answer.py"
    if kind == "named pipe":
        os.mkfifo(answer)
    else:
        answer.symlink_to("/dev/zero")
    result = run("check", "1", str(answer), "--no-plot")
    assert result.exit_code == 2 and "is not a regular file" in result.output


@pytest.mark.parametrize("fmt", ["text", "json", "exercism", "junit"])
def test_a_bug_in_calccourse_itself_exits_4_and_says_so_never_reads_as_a_failing_answer(
    run, monkeypatch, solution, fmt
):
    from calccourse import grading

    def broken_judge(*args, **kwargs):
        raise KeyError("an internal bug")

    monkeypatch.setattr(grading, "judge", broken_judge)
    result = run("check", "1", str(solution), "--format", fmt, "--no-progress")
    assert result.exit_code == 4
    assert "calccourse itself failed (KeyError: 'an internal bug')" in result.stderr
    assert "not in your answer or in the lesson" in result.stderr and "--verbose" in result.stderr
    if fmt == "json":
        assert json.loads(result.stdout)["status"] == "internal-error"
    elif fmt == "exercism":
        assert json.loads(result.stdout)["status"] == "error"
    elif fmt == "junit":
        assert 'type="internal-error"' in result.stdout
    verbose = run("check", "1", str(solution), "--verbose", "--no-progress")
    assert verbose.exit_code == 4 and "Traceback" in verbose.stderr and "broken_judge" in verbose.stderr


def test_a_latin_1_file_is_refused_as_python_refuses_it_and_one_that_declares_it_runs(run, tmp_path):
    body = "def derivative(x):\n    return 3 * x**2 - 4 * x\n"
    (tmp_path / "undeclared.py").write_bytes("# Déjà vu\n".encode("latin-1") + body.encode())
    (tmp_path / "declared.py").write_bytes(
        "# -*- coding: latin-1 -*-\n# Déjà vu\n".encode("latin-1") + body.encode()
    )
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbf" + "# Déjà vu\n".encode() + body.encode())
    refused = run("check", "1", "undeclared.py", "--no-progress")
    assert refused.exit_code == 3
    assert "Non-UTF-8 code starting with '\\xe9' in file undeclared.py on line 1" in refused.stdout
    for name in ("declared.py", "bom.py"):
        ran = run("check", "1", name, "--no-progress", "--format", "json")
        report = json.loads(ran.stdout)
        assert ran.exit_code == 1 and report["tests"][0]["status"] == "pass", name  # derivative passes


def test_a_list_holding_the_number_is_not_the_number(run, tmp_path):
    (tmp_path / "listed.py").write_text("def derivative(x):\n    return [3 * x**2 - 4 * x]\n")
    result = run("check", "1", "listed.py", "--no-progress", "--no-plot")
    assert result.exit_code == 1
    shown = " ".join(result.stdout.split())
    assert "a list holding one number; expected a single number" in shown
    assert "Return the number itself, without the square brackets" in shown
