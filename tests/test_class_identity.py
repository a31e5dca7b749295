"""Who each submission is, in the shapes real downloads have (Canvas "Download submissions",
Gradescope "Export submissions", GitHub Classroom clones, a plain folder), a roster that adds
a row per absent student, and LMS files that the importers' documented rules accept."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from tests import test_grade_layouts as layouts

CORRECT, WRONG, write = layouts.CORRECT, layouts.WRONG, layouts.write
lessons = layouts.lessons  # the tiny lesson's fixture


# Canvas's gradebook export (Grades → Export), the roster an instructor has at hand: a
# "Points Possible" row (indented, as Canvas writes it) and the test student come first.
CANVAS_ROSTER = """\
Student,ID,SIS User ID,SIS Login ID,Section,Lesson 1 (4411)
    Points Possible,,,,,1
"Student, Test",99999,,,Calculus A,
"Abubakar, Zainab",53676,S1001,zabubakar,Calculus A,
"Demir, Ayşe",51817,S1002,ademir,Calculus A,
"Smith, John",60001,S1003,jsmith,Calculus A,
"Kim, Nobody",70000,S1004,nkim,Calculus A,
"""

# Gradescope's export: the Ruby YAML of submission_metadata.yml (symbols as keys, a group).
GRADESCOPE_METADATA = """\
---
submission_282513849:
  :submitters:
  - :name: Zainab Abubakar
    :sid: 'S1001'
    :email: zabubakar@uni.example
  :created_at: 2026-11-04 21:03:57.297916000 Z
  :score: 0.0
  :status: processed
submission_282513850:
  :submitters:
  - :name: Ayşe Demir
    :sid: 'S1002'
    :email: ademir@uni.example
  - :name: John Smith
    :sid: 'S1003'
    :email: jsmith@uni.example
  :created_at: 2026-11-05 08:00:01.000000000 Z
  :score: 0.0
"""

# Moodle's participants export (Participants → Download table data as CSV).
MOODLE_ROSTER = """\
First name,Last name,ID number,Email address
Zainab,Abubakar,S1001,zabubakar@uni.example
Ayşe,Demir,S1002,ademir@uni.example
John,Smith,S1003,jsmith@uni.example
Nobody,Kim,S1004,nkim@uni.example
"""


def grade(run, lessons, *args):
    return run("--lessons-dir", str(lessons), "grade", "tiny", *args, "--jobs", "2", "--seed", "3")


def results(path: Path) -> dict[str, dict]:
    return {row["student"]: row for row in json.loads(path.read_text())["results"]}


def canvas_download(folder: Path) -> Path:
    """A Canvas submissions zip, unpacked: ``<lastfirst>[_late]_<userid>_<attachment>_<name>``."""
    write(folder / "abubakarzainab_53676_9000612_answer.py", CORRECT)
    write(folder / "demirayse_late_51817_9000970_answer.py", WRONG)
    write(folder / "demirayse_late_51817_9000971_notes.txt", "my notes")
    write(folder / "smithjohn_60001_9000800_answer.py", WRONG)  # first upload
    write(folder / "smithjohn_60001_9000901_answer-1.py", CORRECT)  # uploaded again: Canvas's -1
    return folder


def test_a_canvas_download_is_one_row_per_canvas_user(run, lessons, tmp_path):
    canvas_download(tmp_path / "submissions")
    result = grade(run, lessons, "submissions", "--json", "g.json")
    assert result.exit_code == 0, result.output
    rows = results(tmp_path / "g.json")
    assert sorted(rows) == ["51817", "53676", "60001"]  # Canvas's user ids, not 5 file names
    assert rows["60001"]["status"] == "pass" and rows["60001"]["path"].endswith("answer-1.py")
    assert "older: answer.py" in rows["60001"]["notes"]
    assert rows["51817"]["notes"].startswith("late") and "notes.txt" in rows["51817"]["notes"]
    assert rows["53676"]["identified"] == "Canvas user id 53676 (file name)"
    assert rows["53676"]["ids"] == {"canvas_id": "53676"} and rows["53676"]["name"] == "abubakarzainab"


def test_a_roster_names_every_row_and_adds_the_absent(run, lessons, tmp_path):
    canvas_download(tmp_path / "submissions")
    write(tmp_path / "roster.csv", CANVAS_ROSTER)
    result = grade(
        run, lessons, "submissions", "--roster", "roster.csv", "--json", "g.json", "--csv", "g.csv"
    )
    assert result.exit_code == 0, result.output
    rows = results(tmp_path / "g.json")
    assert {s: r["status"] for s, r in rows.items()} == {
        "ademir": "fail",
        "jsmith": "pass",
        "nkim": "missing",  # on the roster, submitted nothing
        "zabubakar": "pass",
    }  # Canvas's test student and its "Points Possible" row are no students
    assert rows["nkim"]["reason"] == "no submission" and rows["nkim"]["identified"] == "roster"
    assert rows["zabubakar"]["identified"] == "roster Canvas user id 53676"
    assert rows["ademir"]["name"] == "Demir, Ayşe"
    with (tmp_path / "g.csv").open(newline="") as handle:
        table = {row["student"]: row for row in csv.DictReader(handle)}
    assert (
        table["jsmith"]["identified"] == "roster Canvas user id 60001"
        and table["jsmith"]["name"] == "Smith, John"
    )


def test_a_submission_on_no_roster_is_kept_and_warned_about(run, lessons, tmp_path):
    canvas_download(tmp_path / "submissions")
    write(tmp_path / "submissions" / "stranger_12345_9000001_answer.py", CORRECT)
    write(tmp_path / "roster.csv", CANVAS_ROSTER)
    result = grade(run, lessons, "submissions", "--roster", "roster.csv", "--json", "g.json")
    assert result.exit_code == 0
    assert "matches no student of the roster" in result.stderr
    data = json.loads((tmp_path / "g.json").read_text())
    assert data["not_students"] == [
        {
            "student": "12345",
            "path": "submissions/stranger_12345_9000001_answer.py",
            "why": "on no student of the roster",
        }
    ]


def test_a_gradescope_export_is_named_by_its_submitters(run, lessons, tmp_path):
    export = tmp_path / "assignment_4411_export"
    write(export / "submission_metadata.yml", GRADESCOPE_METADATA)
    write(export / "submission_282513849" / "answer.py", CORRECT)
    write(export / "submission_282513850" / "Lesson1.py", WRONG)  # a group of two
    write(tmp_path / "roster.csv", MOODLE_ROSTER)
    result = grade(run, lessons, str(export), "--roster", "roster.csv", "--json", "g.json")
    assert result.exit_code == 0, result.output
    rows = results(tmp_path / "g.json")
    assert {s: r["status"] for s, r in rows.items()} == {
        "S1001": "pass",
        "S1002": "fail",  # each member of the group has the group's row
        "S1003": "fail",
        "S1004": "missing",
    }
    assert "group submission with John Smith" in rows["S1002"]["notes"]
    assert rows["S1001"]["identified"] == "roster ID number S1001"
    alone = grade(run, lessons, str(export), "--json", "alone.json")  # no roster: the SIDs
    assert sorted(results(tmp_path / "alone.json")) == ["S1001", "S1002", "S1003"]
    assert results(tmp_path / "alone.json")["S1001"]["identified"] == "Gradescope SID S1001"
    assert alone.exit_code == 0


def test_github_classroom_logins_match_a_roster_of_logins(run, lessons, tmp_path):
    write(tmp_path / "class" / "lesson-1-octocat" / "answer.py", CORRECT)
    write(tmp_path / "class" / "lesson-1-hubot" / "answer.py", WRONG)
    write(tmp_path / "roster.csv", "login,name\noctocat,Mona Lisa\nhubot,Hu Bot\nghost,Casper\n")
    result = grade(
        run, lessons, "class", "--strip-prefix", "lesson-1-", "--roster", "roster.csv", "--json", "g.json"
    )
    assert result.exit_code == 0, result.output
    rows = results(tmp_path / "g.json")
    assert {s: r["status"] for s, r in rows.items()} == {
        "ghost": "missing",
        "hubot": "fail",
        "octocat": "pass",
    }
    assert rows["octocat"]["identified"] == "roster SIS Login ID octocat"


def test_a_roster_without_an_id_column_is_a_usage_error(run, lessons, tmp_path):
    canvas_download(tmp_path / "submissions")
    write(tmp_path / "roster.csv", "Favourite colour\nblue\n")
    result = grade(run, lessons, "submissions", "--roster", "roster.csv")
    assert result.exit_code == 2 and "has no id column" in result.stderr


# ---------------------------------------------------------------- the LMS importers' rules


def canvas_import(text: str, roster: str) -> dict[str, dict[str, str]]:
    """Canvas's gradebook CSV import, by its documented rules: the header's first five columns
    are Student, ID, SIS User ID, SIS Login ID, Section; a "Points Possible" row may follow; a
    row is matched by ID, else SIS User ID, else SIS Login ID, and an unmatched row becomes an
    unknown student to resolve (an error here); a blank or "-" cell changes nothing."""
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    known = list(csv.DictReader(io.StringIO(roster)))
    grades: dict[str, dict[str, str]] = {}
    for row in table[1:]:
        if row[0].strip() == "Points Possible":
            continue
        student = next(
            (
                s
                for column, at in (("ID", 1), ("SIS User ID", 2), ("SIS Login ID", 3))
                for s in known
                if row[at] and s[column] == row[at]
            ),
            None,
        )
        assert student is not None, f"Canvas: unknown student {row[:4]}"
        grades[student["SIS Login ID"]] = {
            title: cell for title, cell in zip(table[0][5:], row[5:]) if cell.strip() not in ("", "-")
        }
    return grades


def moodle_import(text: str, users: list[dict[str, str]], field: str) -> dict[str, dict[str, str]]:
    """Moodle's grade import from CSV (grade/import/csv, load_data.php), by its rules: one column
    is mapped to a user field; a row whose id matches no user stops the whole import
    (usermappingerror); an empty or "-" cell is "no grade", which clears the grade (an error
    here: it would erase a grade the student has)."""
    table = list(csv.reader(io.StringIO(text)))
    grades: dict[str, dict[str, str]] = {}
    for row in table[1:]:
        user = next((u for u in users if u[field].casefold() == row[0].casefold()), None)
        assert user is not None, f"Moodle: usermappingerror for {row[0]}: the import stops"
        for title, cell in zip(table[0][1:], row[1:]):
            assert cell.strip() not in ("", "-"), f"Moodle would clear {row[0]}'s {title}"
        grades[row[0]] = dict(zip(table[0][1:], row[1:]))
    return grades


def test_the_canvas_and_moodle_files_of_a_canvas_class_import_as_they_are(run, lessons, tmp_path):
    canvas_download(tmp_path / "submissions")
    write(tmp_path / "submissions" / "README.txt", "how to grade")  # clutter beside the uploads
    write(tmp_path / "roster.csv", CANVAS_ROSTER)
    assert grade(run, lessons, "submissions", "--roster", "roster.csv", "--json", "g.json").exit_code == 0
    data = json.loads((tmp_path / "g.json").read_text())
    assert [row["student"] for row in data["not_students"]] == ["README.txt"]

    canvas = run("gradebook", "export", "g.json", "--lms", "canvas", "-o", "canvas.csv")
    assert canvas.exit_code == 0, canvas.output
    assert "left out: README.txt" in canvas.stderr
    text = (tmp_path / "canvas.csv").read_text()
    grades = canvas_import(text, CANVAS_ROSTER.replace("    Points Possible", "Points Possible"))
    title = "Lesson 99: Tiny tiny"
    assert grades == {
        "ademir": {title: "0"},
        "jsmith": {title: "1"},
        "nkim": {},  # blank: Canvas keeps the grade it has
        "zabubakar": {title: "1"},
    }
    assert "53676" in text and "S1001" in text  # the ids Canvas matches by

    moodle = run("gradebook", "export", "g.json", "--lms", "moodle", "--id-column", "username")
    assert moodle.exit_code == 0
    users = [{"username": login} for login in ("zabubakar", "ademir", "jsmith", "nkim")]
    assert moodle_import(moodle.stdout, users, "username") == {
        "ademir": {title: "0"},
        "jsmith": {title: "1"},
        "zabubakar": {title: "1"},
    }
    assert "left out: nkim: no score in Lesson 99" in moodle.stderr


def test_case_and_unicode_twins_are_warned_about(run, lessons, tmp_path):
    klass = tmp_path / "class"
    write(klass / "ADA.py", CORRECT)
    write(klass / "ada.py", CORRECT)
    write(klass / "Jos\u00e9.py", CORRECT)  # NFC
    nfd = klass / "Jose\u0301.py"
    try:
        write(nfd, CORRECT)  # NFD: another file on Linux, the same name to a reader
    except OSError:
        pytest.skip("this file system normalises names")
    if len(os.listdir(klass)) < 4:
        pytest.skip("this file system normalises names")
    result = grade(run, lessons, "class", "--json", "g.json")
    assert result.exit_code == 0
    assert "the ids ADA, ada differ only in case" in result.stderr
    assert "two entries are both named 'Jos\u00e9'" in result.stderr
    assert len(results(tmp_path / "g.json")) == 4


def test_a_loop_of_linked_folders_is_not_followed(run, lessons, tmp_path):
    klass = tmp_path / "class"
    write(klass / "alice.py", CORRECT)
    write(klass / "mallory" / "a" / "x.py", WRONG)
    write(klass / "mallory" / "b" / "y.py", WRONG)
    (klass / "mallory" / "l1").symlink_to(".")
    (klass / "mallory" / "l2").symlink_to(".")
    result = grade(run, lessons, "class", "--json", "g.json")
    assert result.exit_code == 0, result.output
    assert results(tmp_path / "g.json")["alice"]["status"] == "pass"
    check = run("--lessons-dir", str(lessons), "check", "tiny", "class/mallory", "--no-progress", "--no-plot")
    assert check.exit_code == 2  # two students' folders in one: said so at once, no hang


def test_an_answer_linked_to_a_classmates_is_refused(run, lessons, tmp_path):
    klass = tmp_path / "class"
    write(klass / "lesson-1-alice" / "answer.py", CORRECT)
    (klass / "lesson-1-frank").mkdir()
    (klass / "lesson-1-frank" / "answer.py").symlink_to("../lesson-1-alice/answer.py")
    result = grade(run, lessons, "class", "--strip-prefix", "lesson-1-", "--json", "g.json")
    rows = results(tmp_path / "g.json")
    assert result.exit_code == 0 and rows["alice"]["status"] == "pass"
    assert rows["frank"]["status"] == "missing"
    assert (
        "answer.py is a link to ../lesson-1-alice/answer.py, outside the student's own folder"
        in rows["frank"]["reason"]
    )


def test_a_folder_with_an_answer_and_a_nested_one_says_what_was_not_graded(run, lessons, tmp_path):
    write(tmp_path / "class" / "section-b" / "kim.py", CORRECT)
    write(tmp_path / "class" / "section-b" / "deep" / "answer.py", WRONG)
    write(tmp_path / "class" / "other.py", CORRECT)
    result = grade(run, lessons, "class")
    assert result.exit_code == 0
    assert "graded kim.py; not graded: deep/answer.py" in result.stderr


def test_a_file_made_unreadable_since_the_last_run_keeps_its_result(run, lessons, tmp_path, monkeypatch):
    """An answer of the last run `chmod 000`-ed a classmate's file (as an unprivileged grader):
    the next `--previous` run keeps the snapshot's result, and says so; never `missing`."""
    from calccourse import answers

    write(tmp_path / "class" / "bob.py", CORRECT)
    write(tmp_path / "class" / "mallory.py", WRONG)
    assert grade(run, lessons, "class", "--json", "g1.json").exit_code == 0
    readable = answers.read_bytes

    def denied(path, limit):
        if path.name == "bob.py":  # what mode 000 gives a user other than root
            raise answers.Denied(f"{path} cannot be read: Permission denied.")
        return readable(path, limit)

    monkeypatch.setattr(answers, "read_bytes", denied)
    again = grade(run, lessons, "class", "--previous", "g1.json", "--json", "g2.json")
    assert again.exit_code == 0, again.output
    assert "class/bob.py cannot be read now (its permissions); its previous result is kept" in again.stderr
    bob = results(tmp_path / "g2.json")["bob"]
    assert bob["status"] == "pass" and "restore its permissions" in bob["notes"]


# ---------------------------------------------------------------- mistakes by their short names


def test_named_mistakes_are_counted_under_their_short_names(run, tmp_path):
    constant = "def derivative(x):\n    return 3 * x**2 - 4 * x + 1\n"
    constant += "def rate_of_change(f, x, dx):\n    return (f(x + dx) - f(x)) / dx\n"
    write(tmp_path / "class" / "ann.py", constant)
    write(tmp_path / "class" / "bob.py", constant.replace("+ 1\n", "+ 1.0\n"))
    result = run("grade", "1", "class", "--seed", "2", "--json", "g.json", "--html", "class.html")
    assert result.exit_code == 0, result.output
    assert "2 × constant kept: the derivative of the constant 1 is 0" in " ".join(result.stdout.split())
    (named,) = json.loads((tmp_path / "g.json").read_text())["summary"]["mistakes"]
    assert named["label"] == "constant kept" and named["students"] == ["ann", "bob"]
    assert (
        "<strong>constant kept</strong>: the derivative of the constant 1 is 0"
        in (tmp_path / "class.html").read_text()
    )


def test_a_mistake_its_lesson_did_not_name_gets_its_feedbacks_first_words():
    from calccourse.grading import mistake_key
    from calccourse.reports.analytics import short_label

    feedback = "This is the right line, but scaled by 1.06066 (a² + b² = 1: a unit normal)."
    assert short_label(mistake_key(feedback) or "") == "This is the right line, but scaled by"
    assert short_label(mistake_key("Indices start at 0 in Python: subtract 1.") or "") == (
        "Indices start at … in Python"
    )


# ---------------------------------------------------------------- feedback and similarity

LONG = '''\
def double(x):
    """Twice x, the long way round."""
    total = 0.0
    steps = [x, x]
    for step in steps:
        if step is None:
            raise ValueError("no value")
        total = total + step
    checks = {"sum": total, "product": 2 * x}
    if abs(checks["sum"] - checks["product"]) > 1e-9:
        raise ArithmeticError("the two ways disagree")
    return checks["sum"]
'''
# The same code with every name changed, other comments and another layout.
RENAMED = """\
# my own work!!
def double(value):
    acc = 0.0   # running total
    parts = [value,
             value]
    for p in parts:
        if p is None: raise ValueError('missing')
        acc = acc + p
    d = {'s': acc, 'p': 2 * value}
    if abs(d['s'] - d['p']) > 1e-9:
        raise ArithmeticError('mismatch')
    return d['s']
"""
OTHER = """\
import math


def double(x):
    halves = [x / 2.0 for _ in range(4)]
    result = math.fsum(halves)
    while False:
        result -= 1
    try:
        assert math.isfinite(result) or not math.isfinite(x)
    except AssertionError:
        return float("nan")
    return result
"""


def test_similar_pairs_are_listed_in_the_terminal_the_json_and_the_page(run, lessons, tmp_path):
    for student, code in (("ann", LONG), ("bob", RENAMED), ("cy", OTHER), ("dee", CORRECT)):
        write(tmp_path / "class" / f"{student}.py", code)
    result = grade(run, lessons, "class", "--similar", "--json", "g.json", "--html", "class.html")
    assert result.exit_code == 0, result.output
    assert "Similar submissions (a pointer for a human, never a grade):" in result.stdout
    assert "ann and bob: 1.00" in result.stdout
    assert json.loads((tmp_path / "g.json").read_text())["similar"] == [
        {"a": "ann", "b": "bob", "score": 1.0}
    ]
    page = (tmp_path / "class.html").read_text()
    assert "<h2>Similar submissions</h2>" in page and '">ann</a> and <a href="#' in page
    plain = grade(run, lessons, "class", "--json", "plain.json")  # not asked: not computed
    assert "Similar submissions" not in plain.stdout
    assert "similar" not in json.loads((tmp_path / "plain.json").read_text())


def test_feedback_is_one_page_and_one_text_file_per_student(run, lessons, tmp_path):
    write(tmp_path / "class" / "ann.py", CORRECT)
    write(tmp_path / "class" / "sec" / "bob" / "answer.py", WRONG)
    write(tmp_path / "class" / "sec" / "cy" / "answer.py", CORRECT)
    write(tmp_path / "class" / "README.txt", "clutter")
    write(tmp_path / "roster.csv", "login\nann\nsec/bob\nsec/cy\nzed\n")
    result = grade(run, lessons, "class", "--roster", "roster.csv", "--feedback", "out")
    assert result.exit_code == 0, result.output
    assert "wrote 4 students' feedback into out" in result.stdout
    names = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert names == [
        "ann.html",
        "ann.txt",
        "sec_bob.html",
        "sec_bob.txt",
        "sec_cy.html",
        "sec_cy.txt",
        "zed.html",
        "zed.txt",
    ]
    bob = (tmp_path / "out" / "sec_bob.html").read_text()
    assert "<svg" in bob and "http" not in bob.split("<body", 1)[1].replace("http://www.w3.org", "")
    assert "expected" in (tmp_path / "out" / "sec_bob.txt").read_text()
    assert "missing" in (tmp_path / "out" / "zed.txt").read_text()
    assert "no submission" in (tmp_path / "out" / "zed.html").read_text()
    refused = grade(run, lessons, "class", "--feedback", "roster.csv")
    assert refused.exit_code == 2 and "--feedback roster.csv is a file" in refused.stderr


def test_canvas_uploads_named_one_by_one_are_grouped_and_a_namesake_folder_is_warned_about(
    run, lessons, tmp_path
):
    canvas_download(tmp_path / "sub")
    write(tmp_path / "sub" / "zabubakar" / "answer.py", WRONG)  # a folder named like a classmate's login
    write(tmp_path / "roster.csv", CANVAS_ROSTER)
    files = sorted(str(path.relative_to(tmp_path)) for path in (tmp_path / "sub").glob("*.py"))
    alone = grade(run, lessons, *files, "--json", "files.json")
    assert alone.exit_code == 0 and sorted(results(tmp_path / "files.json")) == ["51817", "53676", "60001"]
    result = grade(run, lessons, "sub", "--roster", "roster.csv", "--json", "g.json")
    assert result.exit_code == 0
    assert "both belong to zabubakar by the roster" in " ".join(result.stderr.split())
    rows = results(tmp_path / "g.json")
    assert rows["zabubakar"]["status"] == "pass" and rows["zabubakar~2"]["status"] == "fail"


def test_an_answer_imports_the_students_own_module_in_check_and_grade(run, lessons, tmp_path):
    """P27: `from helper import TWO` with helper.py beside the answer works as in the student's
    own project, in `check FILE`, `check FOLDER` and `grade`; a classmate's file is no module."""
    write(tmp_path / "bob" / "answer.py", "from helper import TWO\n\ndef double(x):\n    return TWO * x\n")
    write(tmp_path / "bob" / "helper.py", "TWO = 2\n")
    for target in ("bob/answer.py", "bob"):
        checked = run("--lessons-dir", str(lessons), "check", "tiny", target, "--no-progress")
        assert checked.exit_code == 0, checked.output
    write(tmp_path / "class" / "ann.py", "from cy import double\n")
    write(tmp_path / "class" / "cy.py", CORRECT)
    graded = grade(run, lessons, "class", "bob", "--json", "g.json")
    rows = results(tmp_path / "g.json")
    assert graded.exit_code == 0 and rows["bob"]["status"] == "pass"
    assert rows["ann"]["status"] == "error" and "No module named 'cy'" in rows["ann"]["first_failure"]
