"""Per-learner variants (issue 19), lesson 3: f(x, y) = a·x² + b·xy + c·y² and its gradient at
a point, through the CLI as a learner and a grader use them. Without a learner id nothing
changes (tests/test_lesson_gradient_optimisation.py pins the course's own)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np
import pytest

from calccourse.discovery import discover
from calccourse.lesson import variant_of
from calccourse.variants import Variant, variant_key, without_variant_notes
from tests.conftest import run_as

GRADIENT = discover(use_entry_points=False).find("gradient")
# The stable hash's regression: alice's lesson 3 is this f at this point, bob's that one.
ALICE = {"a": 2, "b": -3, "c": -2, "px": 2, "py": 1}
ALICE_F = "2x² − 3xy − 2y²"
BOB = {"a": 1, "b": -3, "c": 2, "px": -1, "py": 1}
BOB_F = "x² − 3xy + 2y²"
ANSWER = (
    "def gradient(x, y):\n    return (4 * x - 3 * y, -3 * x - 4 * y)\n\n\n"
    "def steepest_ascent(f, x, y, h=1e-5):\n"
    "    return ((f(x + h, y) - f(x - h, y)) / (2 * h), (f(x, y + h) - f(x, y - h)) / (2 * h))\n"
)
SOLUTION = without_variant_notes((GRADIENT.folder / "solution.py").read_text(encoding="utf-8"))


def run(args: list[str], env: dict[str, str] | None = None, tmp: Path | None = None):
    return run_as(args, tmp or Path("."), env)


def check(tmp: Path, source: str, *options: str) -> dict:
    answer = tmp / "answer.py"
    answer.write_text(source, encoding="utf-8")
    result = run(["check", "3", str(answer), "--seed", "3", "--format", "json", *options], tmp=tmp)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def said(report: dict) -> str:
    return " ".join(t["feedback"] or "" for t in report["tests"])


def test_two_learners_get_two_exercises_and_the_same_one_each_time(tmp_path: Path) -> None:
    alice = run(["exercise", "3", "--learner", "alice"], tmp=tmp_path)
    bob = run(["exercise", "3", "--learner", "bob"], tmp=tmp_path)
    assert alice.exit_code == bob.exit_code == 0
    text = " ".join(alice.output.split())
    assert f"Let f(x, y) = {ALICE_F}." in text and "the gradient ∇f at (2, 1)." in text
    assert "at (2, 1) try many directions" in text and "at (2, 1) and at random points" in text
    assert f"Let f(x, y) = {BOB_F}." in " ".join(bob.output.split())
    assert run(["exercise", "3", "--learner", "Alice "], tmp=tmp_path).output == alice.output
    by_variable = run(["exercise", "3"], env={"CALCCOURSE_LEARNER": "alice"}, tmp=tmp_path).output
    assert by_variable == alice.output.replace(" --learner alice", "")
    own = " ".join(run(["exercise", "3"], tmp=tmp_path).output.split())
    assert "Let f(x, y) = x² + y²." in own and "the gradient ∇f at (1, 1)." in own
    assert variant_of(GRADIENT, "alice").parameters == ALICE  # type: ignore[union-attr]
    assert variant_of(GRADIENT, "bob").parameters == BOB  # type: ignore[union-attr]


def test_hints_and_starter_are_the_learners(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hints = " ".join(run(["hint", "3", "--all", "--learner", "alice"], tmp=tmp_path).output.split())
    assert "say 5. Then f(x, y) = 2x² − 15x − 50, and its derivative" in hints
    assert "∂f/∂x = 4x − 3y and ∂f/∂y = −3x − 4y." in hints
    assert "returns (4 * x - 3 * y, -3 * x - 4 * y), and at (2, 1) the gradient is (5, −10)" in hints
    assert "it points at −63.43° from the +x axis, and its length is √(5² + (−10)²) = 5√5 ≈ 11.180" in hints
    own = " ".join(run(["hint", "3", "--all"], tmp=tmp_path).output.split())
    assert "it points at 45°, and its length is √(2² + 2²) = 2√2 ≈ 2.828." in own
    monkeypatch.chdir(tmp_path)
    assert run(["start", "3", "--learner", "alice"], tmp=tmp_path).exit_code == 0
    starter = (tmp_path / "lesson03.py").read_text(encoding="utf-8")
    ast.parse(starter)
    assert f"of f(x, y) = {ALICE_F}\n    at (x, y), as a pair." in starter  # 76 columns at most
    assert max(map(len, starter.splitlines())) <= 76


def test_an_answer_for_alice_passes_alice_and_fails_bob_naming_why(tmp_path: Path) -> None:
    passed = check(tmp_path, ANSWER, "--learner", "alice")
    assert passed["status"] == "pass" and passed["parameters"] == ALICE
    shared = "gradient(x, y) of the exercise's f at its point and at random points"
    assert passed["tests"][0]["name"] == shared
    failed = check(tmp_path, ANSWER, "--learner", "bob")
    assert (failed["learner"], failed["variant"]) == ("bob", variant_key("gradient", "bob"))
    first = failed["tests"][0]
    assert first["status"] == "fail" and first["mistake"] == "another variant's gradient"
    assert first["feedback"] == (
        f"this is the gradient of {ALICE_F}, a different function: yours is f(x, y) = {BOB_F}. "
        "Work out the gradient of your own f (your exercise: `calccourse exercise 3` with your "
        "learner id)."
    )
    assert [t["status"] for t in failed["tests"][1:]] == ["pass", "pass"]  # the search is any f's


def test_the_shipped_solution_fails_a_variant_saying_so(tmp_path: Path) -> None:
    report = check(tmp_path, SOLUTION, "--learner", "bob")
    assert report["status"] == "fail" and report["tests"][0]["mistake"] == "the course's own gradient"
    assert (
        f"this is (2x, 2y), the gradient of x² + y², the course's own exercise; yours is f(x, y) = {BOB_F}. "
        "Work out the gradient of your own f (`calccourse exercise 3` with your learner id shows it)."
    ) in said(report)


def test_no_id_is_the_course_own_exercise_as_before(tmp_path: Path) -> None:
    report = check(tmp_path, SOLUTION)
    assert report["status"] == "pass" and not {"learner", "variant", "parameters"} & set(report)
    assert [t["name"] for t in report["tests"]] == [
        "gradient(x, y) of x² + y² at (1, 1) and at random points",
        "steepest_ascent(f, x, y) on the lesson's functions",
        "steepest_ascent(f, x, y) on functions you have not seen",
    ]
    assert check(tmp_path, ANSWER)["status"] == "fail"


def test_variant_mistakes_are_named_alike_in_every_variant() -> None:
    """The known mistakes have one name in every variant; the course's own keeps its texts."""
    checker = GRADIENT.module("checker")
    own = [m.name for m in checker.mistakes_of(checker.COURSE)]
    for learner in ("alice", "bob", "carol"):
        variant = variant_of(GRADIENT, learner)
        names = [m.name for m in checker.mistakes_of(variant.parameters)]  # type: ignore[union-attr]
        assert names[: len(own)] == own and set(names[len(own) :]) <= {"cross term left out"}
    mistakes = checker.mistakes_of(ALICE)
    squares = next(m for m in mistakes if m.name == "squares, not derivatives")
    assert squares.feedback.startswith("this looks like (2x², −2y²), the squares themselves")
    constant = next(m for m in mistakes if m.name == "constant gradient")
    assert constant.feedback.startswith("you return (5, −10) at every point: that is the gradient at (2, 1)")
    # an answer that gives the exercise's gradient whatever f is
    variant = Variant("alice", variant_key("gradient", "alice"), ALICE, checker.COURSE)
    lesson = checker.tests(np.random.default_rng(3), variant)[1]
    (fn, x, y), want = lesson.calls[0].args, np.array([4.0, 27.0])
    got = np.array([4 * x - 3 * y, -3 * x - 4 * y])
    assert str(fn) == "x² + y³" and checker.steepest_feedback(got, want, x, y, (ALICE, checker.COURSE)) == (
        f"this is (4x − 3y, −3x − 4y), the gradient of {ALICE_F}, whatever f is: evaluate the "
        "function f you are given."
    )


def test_dev_check_proves_every_mistake_in_50_variants(tmp_path: Path) -> None:
    result = run(["dev", "check", "3", "--variants", "50", "--no-demos"], tmp=tmp_path)
    assert result.exit_code == 0, result.output
    assert "variants: 50 learner ids" in result.output
    assert result.output.count("in every variant: in 50 variants") == 9  # the solution and 8 mistakes
