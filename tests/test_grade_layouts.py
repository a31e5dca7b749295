"""A real class folder: every entry found is a row, graded or missing/skipped with the reason;
ids are unique and stable; output paths are checked before grading; Ctrl-C keeps the work."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import make_lesson

CORRECT = "def double(x):\n    return 2 * x\n"
WRONG = "def double(x):\n    return 3 * x\n"
TEMPLATE = "def double(x):\n    raise NotImplementedError\n"


@pytest.fixture
def lessons(tmp_path):
    make_lesson(tmp_path / "lessons" / "tiny", 99, "tiny")
    return tmp_path / "lessons"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def grade(run, lessons, *args):
    return run("--lessons-dir", str(lessons), "grade", "tiny", *args, "--jobs", "2")


def rows_of(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def test_every_entry_of_a_class_folder_is_a_row(run, lessons, tmp_path):
    klass = tmp_path / "class"
    write(klass / "s01.py", CORRECT)
    write(klass / "s02" / "answer.py", TEMPLATE)
    write(klass / "s03" / "Answer.py", CORRECT)  # the name's case
    write(klass / "s04" / "main.py", CORRECT)  # the only Python file
    write(klass / "s05" / "main.py", "from helper import TWO\n\ndef double(x):\n    return TWO * x\n")
    write(klass / "s05" / "helper.py", "TWO = 2\n")  # the student's own module: importable
    write(klass / "s10" / "ann.py", CORRECT)  # a section of student files: a row per file
    write(klass / "s10" / "bob.py", WRONG)
    (klass / "s06").mkdir()  # nothing at all
    write(klass / "section-b" / "deep" / "answer.py", WRONG)  # a section of student folders
    write(klass / "section-b" / "deeper" / "answer.py", CORRECT)
    write(klass / "_shared" / "util.py", "X = 1\n")
    write(klass / "notes.txt", "grading notes")
    write(klass / "s07" / "lesson" / "src" / "answer.ipynb", "not json")  # a broken notebook
    (klass / "s08.py").symlink_to(klass / "nowhere.py")
    (klass / "s09.py").symlink_to(klass / "s01.py")  # a classmate's answer: not one's own
    write(klass / ".hidden" / "answer.py", CORRECT)  # hidden folders are not entries
    result = grade(run, lessons, str(klass), "--csv", "g.csv")
    assert result.exit_code == 0, result.output
    rows = rows_of(tmp_path / "g.csv")
    status = {student: row["status"] for student, row in rows.items()}
    assert status == {
        "s01": "pass",
        "s02": "fail",
        "s03": "pass",
        "s04": "pass",
        "s05": "pass",
        "s06": "missing",
        "section-b/deep": "fail",
        "section-b/deeper": "pass",
        "_shared": "skipped",
        "notes.txt": "skipped",
        "s07": "error",
        "s08": "missing",
        "s09": "missing",
        "s10/ann": "pass",
        "s10/bob": "fail",
    }
    assert rows["s05"]["path"].endswith("s05")  # main.py imports helper.py: the student's project
    assert "no Python file at all" in rows["s06"]["first_failure"]
    assert "a link to nothing" in rows["s08"]["first_failure"]
    assert "not a Jupyter notebook" in rows["s07"]["first_failure"]
    assert "s09.py is a link to" in rows["s09"]["first_failure"]
    assert "outside the student's own file" in rows["s09"]["first_failure"]
    assert rows["s09"]["score"] == "" and rows["s01"]["score"] == "1.0"
    assert "graded as a section, a row per file" in result.output
    assert "6 of 10 graded answers passed" in " ".join(
        result.output.split()
    )  # missing and skipped are not graded


def test_a_gradescope_export_is_one_row_per_submission(run, lessons, tmp_path):
    export = tmp_path / "export"
    write(export / "submission_metadata.yml", "submission_101:\n  :submitters: []\n")
    write(export / "submission_101" / "answer.py", CORRECT)
    write(export / "submission_102" / "src" / "gradient.py", WRONG)
    write(export / "submission_103" / "README.md", "forgot the file")
    result = grade(run, lessons, str(export), "--csv", "g.csv")
    rows = rows_of(tmp_path / "g.csv")
    assert {k: v["status"] for k, v in rows.items()} == {
        "submission_101": "pass",
        "submission_102": "fail",
        "submission_103": "missing",
        "submission_metadata.yml": "skipped",
    }, result.output


def test_github_classroom_repositories_are_named_by_their_user(run, lessons, tmp_path):
    klass = tmp_path / "repos"
    for user, text in (("alice", CORRECT), ("bob-smith", WRONG), ("bob-jones", WRONG)):
        write(klass / f"lesson-3-{user}" / "answer.py", text)
        write(klass / f"lesson-3-{user}" / "README.md", "# Lesson 3\n")
    grade(run, lessons, str(klass), "--csv", "g.csv", "--strip-prefix", "lesson-3-")
    assert set(rows_of(tmp_path / "g.csv")) == {"alice", "bob-smith", "bob-jones"}


def test_ids_never_depend_on_the_classmates(run, lessons, tmp_path):
    """An id is the entry's own name: no prefix guessed from the others, so a late
    repository or a README beside them changes no one's id."""
    klass = tmp_path / "repos"
    write(klass / "lesson-3-alice" / "answer.py", CORRECT)
    grade(run, lessons, str(klass), "--csv", "one.csv")
    write(klass / "lesson-3-bob" / "answer.py", CORRECT)
    write(klass / "s-01.py", CORRECT)
    write(klass / "s-02.py", CORRECT)
    grade(run, lessons, str(klass), "--csv", "all.csv")
    assert set(rows_of(tmp_path / "one.csv")) == {"lesson-3-alice"}
    assert set(rows_of(tmp_path / "all.csv")) == {"lesson-3-alice", "lesson-3-bob", "s-01", "s-02"}


def test_a_section_of_one_student_is_a_section(run, lessons, tmp_path):
    klass = tmp_path / "c6"
    write(klass / "sec-a" / "gus" / "answer.py", CORRECT)
    write(klass / "sec-b" / "hal" / "answer.py", CORRECT)
    write(klass / "sec-b" / "ivy" / "answer.py", WRONG)
    grade(run, lessons, str(klass), "--csv", "g.csv")
    assert set(rows_of(tmp_path / "g.csv")) == {"sec-a/gus", "sec-b/hal", "sec-b/ivy"}


def test_duplicate_names_get_unique_stable_ids_and_a_warning(run, lessons, tmp_path):
    klass = tmp_path / "class"
    write(klass / "dup.py", CORRECT)
    write(klass / "dup" / "answer.py", TEMPLATE)
    write(klass / "dup-2.py", WRONG)
    result = grade(run, lessons, str(klass), "--csv", "g.csv")
    rows = rows_of(tmp_path / "g.csv")
    assert {k: (v["status"], Path(v["path"]).name) for k, v in rows.items()} == {
        "dup": ("fail", "dup"),
        "dup.py": ("pass", "dup.py"),
        "dup-2": ("fail", "dup-2.py"),
    }
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: two entries are both named 'dup': " + f"{klass / 'dup.py'} is graded as 'dup.py'"
    ]


def test_a_stray_answer_next_to_the_students_is_an_error(run, lessons, tmp_path):
    klass = tmp_path / "class"
    write(klass / "ann.py", CORRECT)
    write(klass / "bob" / "answer.py", CORRECT)
    write(klass / "answer.py", CORRECT)
    result = grade(run, lessons, str(klass))
    assert result.exit_code == 2
    assert "holds answer.py and 2 student entries" in " ".join(result.output.split())


def test_one_bad_path_in_a_list_is_one_row(run, lessons, tmp_path):
    good = write(tmp_path / "ann.py", CORRECT)
    result = grade(run, lessons, str(good), str(tmp_path / "gone.py"), "--csv", "g.csv")
    assert result.exit_code == 0
    rows = rows_of(tmp_path / "g.csv")
    assert rows["ann"]["status"] == "pass" and rows["gone.py"]["status"] == "missing"


@pytest.mark.parametrize(
    ("option", "target", "why"),
    [("--csv", "/nonexistent/g.csv", "does not exist"), ("--json", ".", "is a folder")],
)
def test_output_paths_are_checked_before_any_grading(run, lessons, tmp_path, option, target, why):
    write(tmp_path / "ann.py", "import time\ntime.sleep(30)\n" + CORRECT)
    started = time.monotonic()
    result = grade(run, lessons, str(tmp_path / "ann.py"), option, target)
    assert result.exit_code == 2 and why in result.output
    assert time.monotonic() - started < 5  # refused before the answer ran


def test_spreadsheet_formulas_in_names_are_defused(run, lessons, tmp_path):
    klass = tmp_path / "class"
    write(klass / '=HYPERLINK("http-x","click").py', CORRECT)
    write(klass / "@SUM(1+1).py", CORRECT)
    grade(run, lessons, str(klass), "--csv", "g.csv")
    text = (tmp_path / "g.csv").read_text()
    assert "'=HYPERLINK" in text and "'@SUM(1+1)" in text


@pytest.mark.fork_path
def test_the_gradebook_records_the_confinement_and_keeps_the_bonus_apart(run, lessons, tmp_path):
    write(tmp_path / "ann.py", CORRECT)
    grade(run, lessons, str(tmp_path / "ann.py"), "--json", "g.json", "--csv", "g.csv")
    book = json.loads((tmp_path / "g.json").read_text())
    assert book["schema"] == "calccourse-gradebook" and book["version"] == 3
    assert book["confinement"].startswith(("landlock v", "none:"))
    (row,) = book["results"]
    assert row["score"] == 1.0 and row["bonus"] == 0 and row["max_score"] == 1.0
    assert rows_of(tmp_path / "g.csv")["ann"]["confinement"] == book["results"][0]["confinement"]


def test_ctrl_c_keeps_what_was_graded(lessons, tmp_path):
    klass = tmp_path / "class"
    write(klass / "a.py", CORRECT)
    for name in "bcdefgh":
        write(klass / f"{name}.py", "import time\ntime.sleep(30)\n" + CORRECT)
    command = [
        sys.executable,
        "-m",
        "calccourse",
        "--lessons-dir",
        str(lessons),
        "grade",
        "tiny",
        str(klass),
        "--jobs",
        "1",
        "--timeout",
        "60",
        "--csv",
        "g.csv",
        "--json",
        "g.json",
    ]
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    time.sleep(6)  # the first answer is graded, the second is sleeping
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130, out + err
    rows = rows_of(tmp_path / "g.csv")
    assert rows["a"]["status"] == "pass"
    assert {row["status"] for name, row in rows.items() if name != "a"} == {"not-run"}
    assert len(json.loads((tmp_path / "g.json").read_text())["results"]) == 8
    assert "Interrupted" in err


def test_a_checker_bug_is_its_own_status_never_a_lost_point(run, tmp_path):
    from tests.test_broken_lessons import JUDGE_RAISES

    make_lesson(tmp_path / "lessons" / "broken", 98, "broken", {"checker.py": JUDGE_RAISES})
    write(tmp_path / "ann.py", CORRECT)
    result = run(
        "--lessons-dir", str(tmp_path / "lessons"), "grade", "98", str(tmp_path / "ann.py"), "--csv", "g.csv"
    )
    assert result.exit_code == 4  # a broken lesson is never a green run
    row = rows_of(tmp_path / "g.csv")["ann"]
    assert row["status"] == "checker-error" and row["score"] == "" and row["bonus"] == ""


def test_a_bonus_never_covers_a_missing_required_part(run, tmp_path, catalog):
    solution = catalog.find("5").solution
    unstarted = solution.replace(
        "def dense_jacobian(W, b, x, g_prime):",
        "def dense_jacobian(W, b, x, g_prime):\n    raise NotImplementedError\n\n"
        "def unused(W, b, x, g_prime):",
    )
    write(tmp_path / "half.py", unstarted)
    result = run(
        "check",
        "5",
        str(tmp_path / "half.py"),
        "--no-plot",
        "--format",
        "json",
        "--output",
        "r.json",
        "--format",
        "text",
    )
    report = json.loads((tmp_path / "r.json").read_text())
    assert result.exit_code == 1 and report["status"] == "fail"
    assert (report["score"], report["max_score"], report["bonus"]) == (2, 3, 1)
    assert "score 2/3 (+1 bonus)" in result.output
    graded = run("grade", "5", str(tmp_path / "half.py"), "--csv", "g.csv")
    assert graded.exit_code == 0
    row = rows_of(tmp_path / "g.csv")["half"]
    assert (row["status"], row["score"], row["max_score"], row["bonus"]) == ("fail", "2.0", "3.0", "1.0")
