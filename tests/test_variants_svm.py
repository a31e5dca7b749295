"""Per-learner variants (issue 19), lesson 7: through the CLI, as a learner uses them.

svm_line and support_vectors are generic, so a correct answer passes every variant; what
varies is the exercise's data (its points, labels and order) and its exact line. An answer
that writes a line or a list of support vectors down fails on another learner's data, and
the checker names it: the course's own (2/3, 2/3, −1) and [0, 3, 4], or another variant's
line. Without a learner id nothing changes (the lesson's other tests prove that too)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from calccourse.discovery import discover
from calccourse.variants import VariantRandom, variant_key, variant_seed
from tests.conftest import run_as

SVM = discover(use_entry_points=False).find("svm")
LESSON = SVM.folder
# The stable hash's regression: alice's and bob's lesson 7
ALICE = {
    "points": "[(-2, -4), (-2, 0), (-4, -1), (-1, 3), (0, 2), (-3, -3)]",
    "labels": "[1, 1, -1, -1, 1, 1]",
    "line": "(8/5, -6/5, 21/5)",
    "support": "[1, 2, 3]",
}
BOB_POINTS = "[(0.5, 0.5), (1, 3.5), (0.5, 1.5), (-3.5, 2.5), (-0.5, 1.5), (-4, 2)]"
WRITTEN_FOR_ALICE = (
    "def svm_line(points, labels):\n    return (8 / 5, -6 / 5, 21 / 5)\n\n\n"
    "def support_vectors(points, labels):\n    return [1, 2, 3]\n"
)
LOOK = "(your exercise: `calccourse exercise 7` with your learner id)"


def run(args: list[str], env: dict[str, str] | None = None, tmp: Path | None = None):
    return run_as(args, tmp or Path("."), env)


def said(output: str) -> str:
    return " ".join(output.split())


def check(answer: Path, tmp: Path, *learner: str) -> dict:
    result = run(["check", "7", str(answer), "--seed", "3", "--format", "json", *learner], tmp=tmp)
    return json.loads(result.output)


def statuses(report: dict) -> list[str]:
    return [test["status"] for test in report["tests"]]


def test_two_learners_get_two_exercises_and_the_same_one_each_time(tmp_path: Path) -> None:
    alice = run(["exercise", "7", "--learner", "alice"], tmp=tmp_path)
    bob = run(["exercise", "7", "--learner", "bob"], tmp=tmp_path)
    assert alice.exit_code == bob.exit_code == 0
    text = said(alice.output)
    assert "Take these six points: • class −1: (−4, −1), (−1, 3) • class +1: (−2, −4), (−2, 0)," in text
    assert f"order is {ALICE['points']} with labels {ALICE['labels']}." in text
    assert "Why is it the same line as for its support vectors alone?" in text
    assert f"order is {BOB_POINTS} with labels [-1, 1, 1, -1, -1, -1]." in said(bob.output)
    by_variable = run(["exercise", "7"], env={"CALCCOURSE_LEARNER": "Alice "}, tmp=tmp_path).output
    assert by_variable == alice.output.replace(" --learner alice", "")  # suggestions repeat --learner
    own = said(run(["exercise", "7"], tmp=tmp_path).output)
    assert "Take the demo's points and add three more: • class −1: (0, 0), (−1, −1), (−3, −1)" in own
    assert "Why is it the same line as in the demo?" in own


def test_hints_and_template_render_for_a_variant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hints = said(run(["hint", "7", "--all", "--learner", "alice"], tmp=tmp_path).output)
    assert "at a = 8/5, b = −6/5, c = 21/5 the other points give ℓᵢ·(…) = 29/5, 9/5 and 3" in hints
    assert "The support vectors' own optimum is still allowed" in hints
    assert 'constraints=[{"type": "ineq", "fun": constraint}]' in hints  # literal braces
    own = said(run(["hint", "7", "--all"], tmp=tmp_path).output)
    assert "at a = b = 2/3, c = −1 the new points give ℓᵢ·(…) = 7/3, 11/3 and 3" in own
    monkeypatch.chdir(tmp_path)
    started = run(["start", "7", "--learner", "bob"], tmp=tmp_path)
    assert started.exit_code == 0, started.output
    starter = (tmp_path / "lesson07.py").read_text(encoding="utf-8")
    assert "For the exercise's six points the answer is a\n    list of three indices." in starter
    assert "calccourse check 7 lesson07.py --learner bob" in starter


def test_a_correct_answer_passes_every_variant_and_the_course_own(tmp_path: Path) -> None:
    answer = tmp_path / "answer.py"
    answer.write_text((LESSON / "solution.py").read_text(encoding="utf-8"), encoding="utf-8")
    alice = check(answer, tmp_path, "--learner", "alice")
    assert alice["status"] == "pass" and alice["parameters"] == ALICE
    assert alice["variant"] == variant_key("svm", "alice")
    names = [test["name"] for test in alice["tests"]]
    own = check(answer, tmp_path)
    assert own["status"] == "pass" and not {"learner", "variant", "parameters"} & set(own)
    assert names == [test["name"] for test in own["tests"]]  # the same names in every variant
    assert names[0] == "svm_line on the exercise's points"


def test_the_course_own_answer_written_down_fails_a_variant_saying_so(tmp_path: Path) -> None:
    """The shipped solution is generic (it passes above); the course's own answer written
    down, the hardcoded mistake as shipped, is the course's own exercise's answer."""
    answer = tmp_path / "answer.py"
    answer.write_text((LESSON / "mistakes" / "hardcoded.py").read_text(encoding="utf-8"), encoding="utf-8")
    report = check(answer, tmp_path, "--learner", "alice")
    assert statuses(report) == ["fail"] * 4
    line, support = (said(report["tests"][i]["feedback"]) for i in (0, 2))
    assert line.startswith("This is (2/3, 2/3, −1), the line of the course's own exercise")
    assert f"your exercise's points are {ALICE['points']} with labels {ALICE['labels']}." in line
    assert LOOK in line
    assert support.startswith("[0, 3, 4] is the answer of the course's own exercise") and LOOK in support
    assert "svm_line on the exercise's points: (-2, -4) +1," in said(report["tests"][0]["message"])
    assert report["tests"][0]["mistake"] == "the course's own line"
    own = check(answer, tmp_path)  # without an id: the course's own exercise, as before
    assert statuses(own) == ["pass", "fail", "pass", "fail"]
    assert "This is the exercise's line (2/3, 2/3, −1), but these are other points" in said(
        own["tests"][1]["feedback"]
    )


def test_an_answer_written_for_alice_fails_bob_naming_another_variant(tmp_path: Path) -> None:
    answer = tmp_path / "answer.py"
    answer.write_text(WRITTEN_FOR_ALICE, encoding="utf-8")
    alice = check(answer, tmp_path, "--learner", "alice")
    assert statuses(alice) == ["pass", "fail", "pass", "fail"]  # right on her points only
    assert "This is the exercise's line, your exercise's exact answer, but these are other points" in said(
        alice["tests"][1]["feedback"]
    )
    bob = check(answer, tmp_path, "--learner", "bob")
    assert bob["status"] == "fail" and statuses(bob)[0] == "fail"
    feedback = said(bob["tests"][0]["feedback"])
    assert feedback.startswith("This looks like the exact line of another exercise, written down")
    assert "got (1.6, -1.2, 4.2)" in said(bob["tests"][0]["message"])
    assert "another learner's variant?" in feedback and LOOK in feedback
    assert bob["tests"][0]["mistake"] == "another variant's line"


def test_variants_are_exact_varied_and_solvable() -> None:
    """Over 120 ids: a unique hard-margin optimum (checked apart from the lesson's own
    proof: KKT by least squares, λ > 0), simple numbers, 2 or 3 support vectors, the others
    clearly off the margin, and SLSQP from the hints' start within 1e-3 of it."""
    from scipy.optimize import minimize

    variants = SVM.module("variants")
    drawn = [variants.parameters(VariantRandom(variant_seed("svm", f"learner-{i}"))) for i in range(120)]
    assert len({p["points"] for p in drawn}) == 120 and len({p["line"] for p in drawn}) > 100
    assert {p["support"].count(",") + 1 for p in drawn} == {2, 3}
    for p in drawn:
        points, labels, line, support = variants.exercise_of(p)
        assert all(abs(v) <= 5 and v.denominator <= 6 for v in line) and line != (
            Fraction(2, 3),
            Fraction(2, 3),
            Fraction(-1),
        )
        xy, ell = np.array(points, dtype=float), np.array(labels, dtype=float)
        w = np.array(line, dtype=float)
        margins = ell * (xy @ w[:2] + w[2])
        assert np.allclose(margins[support], 1) and np.all(np.delete(margins, support) >= 1.5)
        grads = (ell[support, None] * np.column_stack([xy[support], np.ones(len(support))])).T
        lam, *_ = np.linalg.lstsq(grads, np.array([2 * w[0], 2 * w[1], 0.0]), rcond=None)
        assert np.allclose(grads @ lam, [2 * w[0], 2 * w[1], 0]) and np.all(lam > 1e-6)
        found = minimize(
            lambda v: v[0] ** 2 + v[1] ** 2,
            [1.0, 1.0, 1.0],
            method="SLSQP",
            bounds=[(-10, 10)] * 3,
            constraints=[{"type": "ineq", "fun": lambda v, xy=xy, ell=ell: ell * (xy @ v[:2] + v[2]) - 1}],
        ).x
        assert np.max(np.abs(found - w)) < 1e-3, p


def test_dev_check_proves_every_mistake_in_50_variants(tmp_path: Path) -> None:
    result = run(["dev", "check", "7", "--variants", "50", "--no-demos"], tmp=tmp_path)
    assert result.exit_code == 0, result.output
    assert "variants: 50 learner ids, 50 different exercises" in result.output
    assert result.output.count("in every variant: in 50 variants") == 7  # the solution and 6 mistakes


def test_the_solution_says_it_solves_every_variant(tmp_path: Path) -> None:
    """Its `# variant:` lines are all in its example (`if __name__ == "__main__":`): the
    functions are right for every variant, and `solution` does not say a copy fails."""
    from calccourse.variants import answers_alike

    shown = said(run(["solution", "7", "-y", "--no-pager", "--learner", "alice"], tmp=tmp_path).output)
    assert "your variant (alice) is another, but the same code is right for it too" in shown
    assert "# variant" not in shown and "fails your check" not in shown
    assert answers_alike((LESSON / "solution.py").read_text(encoding="utf-8"))
    assert not answers_alike("def f(x):\n    # variant: return {a}\n    return 1\n")
    example = "if __name__ == '__main__':\n    # variant: print({a})\n    print(1)\n"
    assert answers_alike("def f(x):\n    return x\n\n\n" + example)
