"""Per-learner variants (issue 19), lesson 6: f(x) = a·log x + b·x on x > 0, through the CLI
as a learner and a grader use them. Some variants have a critical point (a maximum or a
minimum), some none, as the course's own log x. Without a learner id nothing changes (the
lesson's other tests prove that too)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from calccourse.discovery import discover
from calccourse.lesson import variant_of
from calccourse.variants import VariantRandom, variant_key, variant_seed
from tests.conftest import judged, run_as

# The stable hash's regression: these learners' lesson 6 are these f.
ALICE_F = "−8·log x − 3x"  # f′ = −8/x − 3 is never 0: no critical point
BOB_F = "log x + 6x"  # none either
PEGGY_F = "3·log x − 5x"  # f′ = 3/x − 5: a maximum at x = 3/5
OSCAR_F = "−log x + 2x"  # f′ = −1/x + 2: a minimum at x = 1/2

PLUGIN = discover(use_entry_points=False).find("optimisation")
SOLUTION = PLUGIN.folder / "solution.py"


def answer(derivative: str, points: str, extremum: bool) -> str:
    """The shipped solution with the three hand-computed answers replaced."""
    source = SOLUTION.read_text(encoding="utf-8")
    replaced = (
        source.replace("    return 1 / x\n", f"    return {derivative}\n", 1)
        .replace("critical_points: list[float] = []", f"critical_points = {points}")
        .replace("has_extremum = False", f"has_extremum = {extremum}")
    )
    assert replaced.count(derivative) == 1 and f"critical_points = {points}" in replaced
    return replaced


ALICE = answer("-8 / x - 3", "[]", False)
PEGGY = answer("3 / x - 5", "[3 / 5]", True)


def run(args: list[str], env: dict[str, str] | None = None, tmp: Path | None = None):
    return run_as(args, tmp or Path("."), env)


def said(output: str) -> str:
    """The output as one line: the terminal wraps long lines."""
    return " ".join(output.split())


def check(tmp: Path, source: str, learner: str | None) -> dict:
    path = tmp / "answer.py"
    path.write_text(source, encoding="utf-8")
    who = ["--learner", learner] if learner is not None else []
    result = run(["check", "6", str(path), "--seed", "3", "--no-plot", "--format", "json", *who], tmp=tmp)
    return json.loads(result.output)


def feedback(report: dict) -> str:
    return " ".join(t["feedback"] or "" for t in report["tests"])


def test_learners_get_their_own_exercise_and_the_same_one_each_time(tmp_path: Path) -> None:
    texts = {who: run(["exercise", "6", "--learner", who], tmp=tmp_path) for who in ("alice", "bob")}
    assert all(result.exit_code == 0 for result in texts.values())
    assert f"Let f(x) = {ALICE_F} (log is the natural logarithm), for x > 0." in said(texts["alice"].output)
    assert f"Exercise: does {BOB_F} have a maximum or a minimum?" in said(texts["bob"].output)
    assert "compared with the exact one to 1e-6" in said(texts["alice"].output)
    assert run(["exercise", "6", "--learner", "Alice "], tmp=tmp_path).output == texts["alice"].output
    own = said(run(["exercise", "6"], tmp=tmp_path).output)
    assert "Let f(x) = log x (the natural logarithm), for x > 0." in own and "1e-6 (relative" in own
    assert "compared with the exact one" not in own


def test_variants_vary_and_some_have_a_critical_point() -> None:
    """600 ids: many different f′, about half with a critical point (a simple fraction in
    [1/8, 8], never 1) and half without; never the course's own log x."""
    module = PLUGIN.module("variants")
    drawn = [module.parameters(VariantRandom(variant_seed("optimisation", f"id-{k}"))) for k in range(600)]
    pairs = {(p["a"], p["b"]) for p in drawn}
    assert len(pairs) >= 200
    points = [module.critical_point(p) for p in drawn]
    assert 0.35 < sum(x is not None for x in points) / 600 < 0.65
    assert all(Fraction(1, 8) <= x <= 8 and x != 1 for x in points if x is not None)
    assert all(p["b"] != 0 and 1 <= abs(p["a"]) <= 8 and abs(p["b"]) <= 8 for p in drawn)


def test_hints_and_starter_follow_the_variant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    peggy = said(run(["hint", "6", "--all", "--learner", "peggy"], tmp=tmp_path).output)
    assert "f′(x) = 3/x − 5. It is 0 where 3/x = 5, that is x = 3/5" in peggy
    assert "critical_points = [3/5]" in peggy and "a maximum" in peggy and "has_extremum = True" in peggy
    oscar = said(run(["hint", "6", "--all", "--learner", "oscar"], tmp=tmp_path).output)
    assert "f′ changes from − to + at x = 1/2: a minimum" in oscar
    alice = said(run(["hint", "6", "--all", "--learner", "alice"], tmp=tmp_path).output)
    assert "For x > 0, −8/x is negative, and so is −3: their sum is never 0" in alice
    assert "has_extremum = False" in alice
    monkeypatch.chdir(tmp_path)
    started = run(["start", "6", "--learner", "peggy"], tmp=tmp_path)
    assert started.exit_code == 0, started.output
    starter = (tmp_path / "lesson06.py").read_text(encoding="utf-8")
    assert f"the derivative of f(x) = {PEGGY_F} at x" in starter
    assert "# The x > 0 where the derivative of f is zero, as a list" in starter
    assert "calccourse check 6 lesson06.py --learner peggy" in starter


def test_an_answer_for_alice_passes_alice_and_fails_bob_naming_why(tmp_path: Path) -> None:
    mine = check(tmp_path, ALICE, "alice")
    assert mine["status"] == "pass", feedback(mine)
    assert [t["name"] for t in mine["tests"][:3]] == [
        "derivative(x) of the exercise's f",
        "critical_points of the exercise's f",
        "has_extremum for the exercise's f",
    ]
    assert check(tmp_path, PEGGY, "peggy")["status"] == "pass"
    bobs = check(tmp_path, ALICE, "bob")
    assert (bobs["status"], bobs["learner"], bobs["variant"]) == (
        "fail",
        "bob",
        variant_key("optimisation", "bob"),
    )
    assert bobs["parameters"] == {"a": 1, "b": 6}
    first = bobs["tests"][0]
    assert first["mistake"] == "another variant's f′"
    assert first["feedback"] == (
        f"this is −8/x − 3, f′ of {ALICE_F}, a different function: yours is f(x) = {BOB_F}. "
        "Differentiate your own f (your exercise: `calccourse exercise 6` with your learner id)."
    )
    # peggy's answer in alice's check: her f′, her point and her True are all named wrong
    other = check(tmp_path, PEGGY, "alice")
    assert [t["status"] for t in other["tests"][:3]] == ["fail"] * 3
    assert f"f′ of {PEGGY_F}, a different function: yours is f(x) = {ALICE_F}" in feedback(other)
    assert "−8/x and −3 are both negative, so f′(x) = −8/x − 3 is never 0" in feedback(other)


def test_the_course_own_answer_fails_a_variant_with_a_critical_point_saying_so(tmp_path: Path) -> None:
    result = run(
        ["check", "6", str(SOLUTION), "--seed", "3", "--no-plot", "--format", "json"],
        env={"CALCCOURSE_LEARNER": "peggy"},
        tmp=tmp_path,
    )
    report = json.loads(result.output)
    assert result.exit_code == 1 and report["learner"] == "peggy"
    derivative, points, extremum = report["tests"][:3]
    assert derivative["mistake"] == "the course's own f′"
    assert derivative["feedback"] == (
        f"this is 1/x, the derivative of log x, the course's own exercise; yours is f(x) = {PEGGY_F}. "
        "Differentiate your own f (`calccourse exercise 6` with your learner id shows it)."
    )
    assert points["message"] == "`critical_points` is []; expected [3/5] (one critical point)."
    own = "[] would be right if f′ were never 0, as for log x, the course's own exercise"
    assert own in points["feedback"]
    assert extremum["status"] == "fail" and "f has a maximum" in extremum["feedback"]
    assert [t["status"] for t in report["tests"][3:]] == ["pass"] * 3  # find_critical_points: for any f


def test_no_id_is_the_course_own_exercise_as_before(tmp_path: Path) -> None:
    report = check(tmp_path, SOLUTION.read_text(encoding="utf-8"), None)
    assert report["status"] == "pass" and not {"learner", "variant", "parameters"} & set(report)
    assert [t["name"] for t in report["tests"][:3]] == [
        "derivative(x) of log x",
        "critical_points of log x",
        "has_extremum for log x",
    ]
    wrong = check(tmp_path, answer("1 / x", "[1.0]", False), None)
    assert wrong["tests"][1]["feedback"] == (
        "at x = 1, log x = 0, but that is a zero of f, not of f′: f′(1) = 1/1 = 1. 1/x is never 0, "
        "so the list is empty."
    )


@pytest.mark.parametrize(
    ("learner", "changes", "expected"),
    [
        ("peggy", {"critical_points": [1.0]}, "a zero of log x, not of f′: f′(1) = 3 − 5 = −2."),
        ("peggy", {"critical_points": [5 / 3]}, "the fraction is upside down"),
        ("peggy", {"critical_points": [-0.6]}, "−0.6 is negative, not in the domain x > 0"),
        ("peggy", {"critical_points": [0.6001]}, "not within 1e-6 of it"),
        ("alice", {"critical_points": [-8 / 3]}, "x = −8/3 solves −8/x − 3 = 0, but it is not in the domain"),
        ("alice", {"has_extremum": True}, "−8/x − 3 never is for x > 0: f falls for every x > 0"),
        ("oscar", {"has_extremum": False}, "changes from − to + there: f has a minimum"),
        ("oscar", {"derivative": lambda x: 1 / x + 2}, "the sign of −1/x is wrong"),
        ("peggy", {"derivative": lambda x: 1 / x - 5}, "the factor 3 of 3·log x stays"),
        ("peggy", {"derivative": lambda x: 3 / x}, "the derivative of −5x is −5, not 0"),
        ("peggy", {"derivative": lambda x: 3 / x**2 - 5}, "the derivative of log x is 1/x itself"),
    ],
)
def test_a_variant_names_its_slips(learner: str, changes: dict, expected: str) -> None:
    variant = variant_of(PLUGIN, learner)
    a, b = variant.parameters["a"], variant.parameters["b"]
    right = {
        "derivative": lambda x: a / x + b,
        "critical_points": [-a / b] if a * b < 0 else [],
        "has_extremum": a * b < 0,
    }
    tests = PLUGIN.module("checker").tests(np.random.default_rng(2), variant)[:3]
    verdicts = judged(PLUGIN, {**right, **changes}, tests)
    assert [v.status for v in verdicts.values()].count("fail") == 1
    assert expected in " ".join(v.feedback or "" for v in verdicts.values())


def test_dev_check_proves_the_solution_and_every_mistake_in_50_variants(tmp_path: Path) -> None:
    result = run(["dev", "check", "6", "--variants", "50", "--no-demos"], tmp=tmp_path)
    assert result.exit_code == 0, result.output
    assert "variants: 50 learner ids" in result.output
    assert result.output.count("in every variant: in 50 variants") == 5  # the solution and 4 mistakes
