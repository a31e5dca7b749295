"""A gradebook in parts and over time: `grade --shard`, `gradebook merge`, `grade --previous`,
and `gradebook export --lms` for Canvas's and Moodle's grade import."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from tests.conftest import make_lesson

RIGHT = "def double(x):\n    return 2 * x\n"
WRONG = "def double(x):\n    return 3 * x\n"


@pytest.fixture
def lessons(tmp_path: Path) -> str:
    make_lesson(tmp_path / "lessons" / "tiny", 99, "tiny")
    make_lesson(tmp_path / "lessons" / "other", 98, "other")
    return str(tmp_path / "lessons")


@pytest.fixture
def klass(tmp_path: Path) -> Path:
    folder = tmp_path / "class"
    folder.mkdir()
    for index in range(12):
        (folder / f"s{index:02d}.py").write_text(RIGHT if index % 3 else WRONG)
    (folder / "nobody").mkdir()
    return folder


def grade(run, lessons, *args):
    return run("--lessons-dir", lessons, "grade", "tiny", *args, "--jobs", "2")


def results(path: Path) -> dict[str, dict]:
    return {row["student"]: row for row in json.loads(path.read_text())["results"]}


def student_rows(page: Path) -> list[str]:
    """The class page's student table, row by row (the times aside)."""
    rows = re.findall(r'<tr class="row">.*?</tr>', page.read_text(encoding="utf-8"))
    return [re.sub(r'<td class="num">[0-9.]+ s</td>', "", row) for row in rows]


def test_parts_of_a_class_merge_into_the_whole(run, lessons, klass, tmp_path):
    for part in (1, 2, 3):
        done = grade(
            run, lessons, str(klass), "--shard", f"{part}/3", "--seed", "4", "--json", f"p{part}.json"
        )
        assert done.exit_code == 0, done.output
    parts = [results(tmp_path / f"p{part}.json") for part in (1, 2, 3)]
    assert all(parts) and sum(map(len, parts)) == 13
    assert not set(parts[0]) & set(parts[1])  # each student in one part only
    again = grade(run, lessons, str(klass), "--shard", "2/3", "--seed", "4", "--json", "again.json")
    assert again.exit_code == 0 and set(results(tmp_path / "again.json")) == set(parts[1])  # stable
    merged = run(
        "--lessons-dir",
        lessons,
        "gradebook",
        "merge",
        "p1.json",
        "p2.json",
        "p3.json",
        "--json",
        "m.json",
        "--html",
        "m.html",
    )
    assert merged.exit_code == 0, merged.output
    assert "13 entries: 8 pass, 4 fail" in " ".join(merged.output.split())
    whole = grade(run, lessons, str(klass), "--seed", "4", "--json", "whole.json", "--html", "whole.html")
    assert whole.exit_code == 0
    page_rows = student_rows(tmp_path / "m.html")
    assert len(page_rows) == 13 and page_rows == student_rows(tmp_path / "whole.html")  # the same page
    mine, theirs = results(tmp_path / "m.json"), results(tmp_path / "whole.json")
    assert list(mine) == list(theirs)
    for student, row in mine.items():
        assert (row["status"], row["score"], row["sha256"]) == (
            theirs[student]["status"],
            theirs[student]["score"],
            theirs[student]["sha256"],
        )


@pytest.mark.parametrize(
    ("given", "why"),
    [
        (["p1.json"], "part 2/2 of the class is missing"),
        (["p1.json", "p1.json"], "part 1/2 is given twice"),
        (["whole.json", "whole.json"], "is in both whole.json and whole.json: the parts overlap"),
        (["p1.json", "seed9.json"], "graded with seed 9"),
        (["p1.json", "whole.json"], "are not the parts of one --shard split"),
        (["p1.json", "notes.json"], "notes.json is not a gradebook"),
        (["p1.json", "missing.json"], "cannot read missing.json"),
    ],
)
def test_merge_refuses_parts_that_do_not_make_one_class(run, lessons, klass, tmp_path, given, why):
    grade(run, lessons, str(klass), "--shard", "1/2", "--seed", "4", "--json", "p1.json")
    grade(run, lessons, str(klass), "--shard", "2/2", "--seed", "9", "--json", "seed9.json")
    grade(run, lessons, str(klass), "--seed", "4", "--json", "whole.json")
    (tmp_path / "notes.json").write_text('{"a": 1}')
    refused = run("--lessons-dir", lessons, "gradebook", "merge", *given)
    assert refused.exit_code == 2
    assert why in " ".join(refused.stderr.split())


def test_shard_needs_a_part_and_a_seed(run, lessons, klass):
    for shard, why in (
        ("0/3", "is not a part of the class"),
        ("4/3", "is not a part"),
        ("x", "is not a part"),
    ):
        done = grade(run, lessons, str(klass), "--shard", shard, "--seed", "1")
        assert done.exit_code == 2 and why in done.stderr
    unseeded = grade(run, lessons, str(klass), "--shard", "1/2")
    assert unseeded.exit_code == 2 and "--shard needs --seed" in unseeded.stderr


def test_a_regrade_grades_only_changed_answers_and_lists_what_changed(run, lessons, klass, tmp_path):
    first = grade(run, lessons, str(klass), "--seed", "4", "--json", "old.json")
    assert first.exit_code == 0
    (klass / "s00.py").write_text(RIGHT)  # was wrong: fixed
    (klass / "s01.py").unlink()  # withdrawn
    (klass / "s99.py").write_text(WRONG)  # late
    again = grade(run, lessons, str(klass), "--previous", "old.json", "--json", "new.json")
    assert again.exit_code == 0, again.output
    screen = " ".join(again.output.split())
    assert "10 unchanged answers keep their results from old.json" in screen
    assert "2 to grade" in screen
    assert "s00: 0/1 fail → 1/1 pass (the answer changed)" in screen
    assert "s01: 1/1 pass → absent (no longer in the class)" in screen
    assert "s99: absent → 0/1 fail (new in the class)" in screen
    assert "s02:" not in screen.split("Changed since")[1]
    old, new = results(tmp_path / "old.json"), results(tmp_path / "new.json")
    assert new["s02"]["report"] == old["s02"]["report"]  # kept as it was, not graded again
    data = json.loads((tmp_path / "new.json").read_text())
    assert data["seed"] == 4 and {c["student"] for c in data["changes"]} == {"s00", "s01", "s99"}
    everything = grade(run, lessons, str(klass), "--previous", "old.json", "--all")
    assert "unchanged answers keep" not in everything.output
    assert "s02:" not in everything.output.split("Changed since")[1]  # graded again, same score


def test_a_regrade_refuses_another_lesson_or_seed(run, lessons, klass):
    grade(run, lessons, str(klass), "--seed", "4", "--json", "old.json")
    other = run("--lessons-dir", lessons, "grade", "other", str(klass), "--previous", "old.json")
    assert other.exit_code == 2 and "is a gradebook of lesson 99, not 98" in other.stderr
    seed = grade(run, lessons, str(klass), "--previous", "old.json", "--seed", "5")
    assert seed.exit_code == 2 and "was graded with --seed 4" in seed.stderr
    alone = grade(run, lessons, str(klass), "--all")
    assert alone.exit_code == 2 and "--previous" in alone.stderr


def test_lms_export_has_one_column_per_lesson(run, lessons, klass, tmp_path):
    grade(run, lessons, str(klass), "--seed", "4", "--json", "tiny.json")
    other = run("--lessons-dir", lessons, "grade", "other", str(klass), "--seed", "4", "--json", "other.json")
    assert other.exit_code == 0
    canvas = run("gradebook", "export", "tiny.json", "other.json", "--lms", "canvas", "-o", "canvas.csv")
    assert canvas.exit_code == 0, canvas.output
    table = list(csv.reader(io.StringIO((tmp_path / "canvas.csv").read_text())))
    assert table[0] == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        "Lesson 98: Tiny other",
        "Lesson 99: Tiny tiny",
    ]
    assert table[1] == ["Points Possible", "", "", "", "", "1", "1"]
    rows = {row[0]: row for row in table[2:]}
    assert rows["s00"] == ["s00", "", "", "s00", "", "0", "0"] and rows["s01"][-2:] == ["1", "1"]
    assert rows["nobody"][-2:] == ["", ""]  # no submission: no score, the LMS keeps what it has
    moodle = run(
        "gradebook", "export", "tiny.json", "other.json", "--lms", "moodle", "--id-column", "idnumber"
    )
    lines = moodle.stdout.splitlines()
    assert lines[0] == "idnumber,Lesson 98: Tiny other,Lesson 99: Tiny tiny" and "s01,1,1" in lines
    # Moodle clears a grade for an empty cell: a student with no score is left out, and said so.
    assert not [line for line in lines if line.startswith("nobody")]
    assert "left out: nobody: no score in Lesson 98: Tiny other" in moodle.stderr
    twice = run("gradebook", "export", "tiny.json", "tiny.json", "--lms", "moodle")
    assert twice.exit_code == 2 and "are both lesson 99" in twice.stderr
    wrong = run("gradebook", "export", "tiny.json", "--lms", "canvas", "--id-column", "email")
    assert wrong.exit_code == 2 and "Canvas matches students by" in wrong.stderr


def test_a_regrade_of_one_part_compares_with_that_part_only(run, lessons, klass):
    grade(run, lessons, str(klass), "--seed", "4", "--json", "old.json")
    (klass / "s00.py").write_text(RIGHT)
    part = "1/2" if _part_of("s00", 2) == 1 else "2/2"
    again = grade(run, lessons, str(klass), "--shard", part, "--seed", "4", "--previous", "old.json")
    assert again.exit_code == 0, again.output
    changes = again.output.split("Changed since")[1]
    assert "s00: 0/1 fail → 1/1 pass (the answer changed)" in " ".join(changes.split())
    assert "no longer in the class" not in changes  # the other part's students are not gone


def _part_of(student: str, count: int) -> int:
    from calccourse.batch import in_shard

    return next(index for index in range(1, count + 1) if in_shard(student, index, count))


def test_a_regrade_grades_checker_errors_again(run, tmp_path, klass):
    broken = (
        "def tests(rng):\n"
        "    from calccourse.author import Test, call\n"
        "    def judge(values):\n"
        "        raise KeyError('bug')\n"
        "    return [Test('t', [call('double', 1.0)], judge)]\n"
    )
    make_lesson(tmp_path / "broken" / "tiny", 99, "tiny", {"checker.py": broken})
    first = run(
        "--lessons-dir",
        str(tmp_path / "broken"),
        "grade",
        "tiny",
        str(klass),
        "--seed",
        "4",
        "--json",
        "old.json",
    )
    assert first.exit_code == 4
    make_lesson(tmp_path / "fixed" / "tiny", 99, "tiny")  # the lesson, fixed
    again = run(
        "--lessons-dir", str(tmp_path / "fixed"), "grade", "tiny", str(klass), "--previous", "old.json"
    )
    assert again.exit_code == 0, again.output
    assert "unchanged answers keep" not in again.output
    assert "s01: checker-error → 1/1 pass (the same answer, graded again)" in " ".join(again.output.split())


def test_a_part_is_not_exported_alone(run, lessons, klass):
    grade(run, lessons, str(klass), "--shard", "1/2", "--seed", "4", "--json", "p1.json")
    alone = run("gradebook", "export", "p1.json", "--lms", "canvas")
    assert alone.exit_code == 2 and "is part 1/2 of a class" in alone.stderr


def test_the_gradebook_says_the_confinement_its_answers_had(run, lessons, klass, tmp_path):
    grade(run, lessons, str(klass), "--seed", "4", "--json", "g.json")
    data = json.loads((tmp_path / "g.json").read_text())
    rows = {row["confinement"] for row in data["results"] if row["report"] is not None}
    assert len(rows) == 1 and data["confinement"] == rows.pop()
