"""Per-learner variants (issue 19), lesson 1: through the CLI, as a learner and a grader
use them. Without a learner id nothing changes (the other tests prove that too)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from calccourse.cli import app
from calccourse.course import Course
from calccourse.variants import VariantRandom, learner_id, polynomial, variant_key, variant_seed

ALICE_F = "−x³ + 3x² + 1"  # the stable hash's regression: alice's lesson 1 is this f
BOB_F = "x³ + 3x² − 3x + 1"
ALICE = (
    "def derivative(x):\n    return -3 * x**2 + 6 * x\n\n\n"
    "def rate_of_change(f, x, dx):\n    return (f(x + dx) - f(x)) / dx\n"
)
COURSE = ALICE.replace("-3 * x**2 + 6 * x", "3 * x**2 - 4 * x")


def run(args: list[str], env: dict[str, str] | None = None, tmp: Path | None = None):
    environment = {"CALCCOURSE_HOME": str(tmp or "."), "CALCCOURSE_LEARNER": "", **(env or {})}
    return CliRunner().invoke(app, args, env=environment, obj=Course(environ=environment))


def test_the_seed_is_sha256_of_slug_and_id_and_stable() -> None:
    assert variant_seed("derivatives", "alice") == variant_seed("derivatives", "  Alice ")
    assert variant_key("derivatives", "alice") == "93d3919910b7"
    assert variant_seed("derivatives", "alice") != variant_seed("integrals", "alice")
    rng = VariantRandom(12345)
    assert [rng.integer(-3, 3) for _ in range(8)] == _draws()
    assert learner_id("") is None and learner_id("  ") is None


def _draws() -> list[int]:
    rng = VariantRandom(12345)
    return [rng.integer(-3, 3) for _ in range(8)]


def test_polynomials_read_well() -> None:
    assert polynomial([1, -2, 0, 1]) == "x³ − 2x² + 1"
    assert polynomial([-1, 3, 0, 1]) == "−x³ + 3x² + 1"
    assert polynomial([2, -1, 1, -3]) == "2x³ − x² + x − 3"
    assert polynomial([1, -2, 0, 1], code=True) == "x**3 - 2*x**2 + 1"


def test_two_learners_get_two_exercises_and_the_same_one_each_time(tmp_path: Path) -> None:
    alice = run(["exercise", "1", "--learner", "alice"], tmp=tmp_path)
    bob = run(["exercise", "1", "--learner", "bob"], tmp=tmp_path)
    assert alice.exit_code == bob.exit_code == 0
    assert f"Take f(x) = {ALICE_F}." in alice.output and f"Take f(x) = {BOB_F}." in bob.output
    assert run(["exercise", "1", "--learner", "alice"], tmp=tmp_path).output == alice.output
    mine = run(["exercise", "1"], env={"CALCCOURSE_LEARNER": "alice"}, tmp=tmp_path)
    assert mine.output == alice.output  # the environment variable is the same as --learner
    own = run(["exercise", "1"], tmp=tmp_path)
    assert "Take f(x) = x³ − 2x² + 1." in own.output and "about 8e-4 (at x = −2)" in own.output
    hint = run(["hint", "1", "--all", "--learner", "bob"], tmp=tmp_path)
    said = " ".join(hint.output.split())
    assert "Of 3x²? Of 3x? Of the constant 1?" in said and "the four results" in said


def test_lesson_shows_the_learners_exercise(tmp_path: Path) -> None:
    result = run(
        ["lesson", "1", "--learner", "bob", "--out", str(tmp_path / "plots"), "--no-pager"], tmp=tmp_path
    )
    assert result.exit_code == 0, result.output
    assert f"Take f(x) = {BOB_F}." in result.output


def test_starter_and_solution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(["start", "1", "--learner", "alice"], tmp=tmp_path)
    assert result.exit_code == 0 and "--learner alice" in result.output
    starter = (tmp_path / "lesson01.py").read_text(encoding="utf-8")
    assert f"f(x) = {ALICE_F}" in starter and "calccourse check 1 lesson01.py --learner alice" in starter
    solution = run(["solution", "1", "-y", "--no-pager", "--learner", "alice"], tmp=tmp_path)
    assert "course's own exercise" in solution.output and "# variant" not in solution.output
    assert "3 * x**2 - 4 * x" in solution.output


def test_an_answer_for_alice_passes_alice_and_fails_bob_naming_why(tmp_path: Path) -> None:
    answer = tmp_path / "answer.py"
    answer.write_text(ALICE, encoding="utf-8")
    passed = run(["check", "1", str(answer), "--learner", "alice", "--seed", "3"], tmp=tmp_path)
    assert passed.exit_code == 0, passed.output
    failed = run(
        ["check", "1", str(answer), "--learner", "bob", "--seed", "3", "--format", "json"], tmp=tmp_path
    )
    assert failed.exit_code == 1
    report = json.loads(failed.output)
    assert (report["learner"], report["variant"]) == ("bob", variant_key("derivatives", "bob"))
    assert report["parameters"] == {"a": 1, "b": 3, "c": -3, "d": 1}
    said = " ".join(t["feedback"] or "" for t in report["tests"])
    assert f"this is f′ of {ALICE_F.removesuffix(' + 1')} (+ any constant), a different function" in said
    assert f"yours is f(x) = {BOB_F}" in said


def test_the_course_own_answer_fails_a_variant_saying_so(tmp_path: Path) -> None:
    answer = tmp_path / "answer.py"
    answer.write_text(COURSE, encoding="utf-8")
    failed = run(
        ["check", "1", str(answer), "--seed", "3", "--format", "json"],
        env={"CALCCOURSE_LEARNER": "bob"},
        tmp=tmp_path,
    )
    report = json.loads(failed.output)
    assert report["learner"] == "bob" and report["status"] == "fail"
    assert "this is f′ of x³ − 2x² + 1, the course's own exercise; yours is f(x) = " + BOB_F in failed.output


def test_no_id_is_the_course_own_exercise_as_before(tmp_path: Path) -> None:
    answer = tmp_path / "answer.py"
    answer.write_text(COURSE, encoding="utf-8")
    result = run(["check", "1", str(answer), "--seed", "3", "--format", "json"], tmp=tmp_path)
    report = json.loads(result.output)
    assert result.exit_code == 0 and report["status"] == "pass"
    assert not {"learner", "variant", "parameters"} & set(report)
    assert report["tests"][0]["name"] == "derivative(x) is f′(x) of x³ − 2x² + 1"
    # an empty --learner overrides the environment: the course's own exercise
    again = run(
        ["check", "1", str(answer), "--seed", "3", "--learner", ""],
        env={"CALCCOURSE_LEARNER": "bob"},
        tmp=tmp_path,
    )
    assert again.exit_code == 0


def test_junit_and_gradescope_record_the_variant(tmp_path: Path) -> None:
    answer = tmp_path / "answer.py"
    answer.write_text(ALICE, encoding="utf-8")
    junit = run(
        ["check", "1", str(answer), "--learner", "alice", "--seed", "1", "--format", "junit"], tmp=tmp_path
    )
    assert '<property name="learner" value="alice"' in junit.output
    assert f'<property name="variant" value="{variant_key("derivatives", "alice")}"' in junit.output
    scope = run(
        ["check", "1", str(answer), "--learner", "alice", "--seed", "1", "--format", "gradescope"],
        tmp=tmp_path,
    )
    assert json.loads(scope.output)["extra_data"]["learner"] == "alice"


def test_grade_variants_grades_each_student_against_their_own(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "alice.py").write_text(ALICE, encoding="utf-8")
    (folder / "bob.py").write_text(ALICE, encoding="utf-8")
    book = tmp_path / "book.json"
    result = run(
        ["grade", "1", str(folder), "--variants", "--seed", "1", "--json", str(book), "-j", "2"], tmp=tmp_path
    )
    assert result.exit_code == 0, result.output
    rows = {row["student"]: row for row in json.loads(book.read_text(encoding="utf-8"))["results"]}
    assert (rows["alice"]["status"], rows["bob"]["status"]) == ("pass", "fail")
    assert rows["bob"]["learner"] == "bob" and rows["bob"]["variant"] == variant_key("derivatives", "bob")
    plain = run(["grade", "1", str(folder), "--seed", "1", "--json", str(book), "-j", "2"], tmp=tmp_path)
    rows = json.loads(book.read_text(encoding="utf-8"))["results"]
    assert plain.exit_code == 0 and all(row["status"] == "fail" and "learner" not in row for row in rows)


def test_dev_check_proves_every_mistake_in_50_variants(tmp_path: Path) -> None:
    result = run(["dev", "check", "1", "--variants", "50", "--no-demos"], tmp=tmp_path)
    assert result.exit_code == 0, result.output
    assert "variants: 50 learner ids" in result.output
    assert result.output.count("in every variant: in 50 variants") == 12  # the solution and 11 mistakes
