"""Per-learner variants of lesson 4 (the Jacobian of three sigmoids), through the CLI as a
learner and a grader use them: which constants go with which output, the signs of the y
terms and the spot value vary; the answer's contract (the symbols by name, the function's
parameters) does not. Without a learner id nothing changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sympy as sp

from calccourse.discovery import discover
from calccourse.lesson import variant_of
from calccourse.variants import VariantRandom, variant_key, variant_seed
from tests.conftest import run_as as run

JACOBIAN = discover(use_entry_points=False).find("jacobian")
VARIANTS = JACOBIAN.module("variants")

# The stable hash's regression: alice's lesson 4 is this exercise.
ALICE_F = "f(x, y) = ( σ(tx + sy),  σ(qx + uy),  σ(rx + py) )"
ALICE_SPOT = "p..u = −0.5, −1.5, −3, 2.5, 2, −1 and (x, y) = (−0.3, −0.5)"
ALICE_MATRIX = "\n".join(
    [
        "    ⎡  0.234823   0.293529 ⎤",
        "    ⎢ −0.301662  −0.201108 ⎥",
        "    ⎣ −0.547962  −0.091327 ⎦",
    ]
)
BOB_F = "(σ(tx − py), σ(qx − uy), σ(rx − sy))"
COURSE_F = "(σ(px + qy), σ(rx + sy), σ(tx + uy))"

# Alice's Jacobian as a function, in the documented parameter order.
ALICE = """\
import numpy as np


def jacobian(x, y, p, q, r, s, t, u):
    rows = []
    for a, b in ((t, s), (q, u), (r, p)):
        g = 1 / (1 + np.exp(-(a * x + b * y)))
        rows.append([a * g * (1 - g), b * g * (1 - g)])
    return np.array(rows)
"""


def check(tmp: Path, source: str, *options: str) -> dict:
    """The JSON report of `check 4` on ``source`` (seed 3)."""
    answer = tmp / "answer.py"
    answer.write_text(source, encoding="utf-8")
    result = run(["check", "4", str(answer), "--seed", "3", "--format", "json", *options], tmp)
    return json.loads(result.output)


def said(report: dict) -> str:
    """Every test's feedback, its line breaks as spaces."""
    return " ".join(" ".join((test["feedback"] or "").split()) for test in report["tests"])


def drawn(learner: str) -> dict:
    return VARIANTS.parameters(VariantRandom(variant_seed("jacobian", learner)))


def test_variants_vary_and_keep_what_the_checker_promises() -> None:
    """Over 600 ids: many different Jacobians, never the course's own; the spot value's
    constants are 0.5 … 3 with signs and no σ is flat there; the exercise's spot matrix is
    SymPy's."""
    x, y, *constants = sp.symbols("x y p q r s t u")
    answers = set()
    for k in range(600):
        p = drawn(f"learner-{k}")
        rows = VARIANTS.rows_of(p)
        answers.add(rows)
        assert rows != VARIANTS.rows_of(VARIANTS.COURSE)
        assert sorted(abs(p[name]) for name in "pqrstu") == [0.5, 1, 1.5, 2, 2.5, 3]
        for a, b, sign in rows:
            assert abs(p[a] * p["at_x"] + sign * p[b] * p["at_y"]) <= 2.5
    assert len(answers) >= 500  # 572: a class of 30 rarely shares one
    for learner in ("alice", "bob", "learner-7"):
        p = drawn(learner)
        names = dict(zip("pqrstu", constants))
        f = sp.Matrix(
            [1 / (1 + sp.exp(-(names[a] * x + s * names[b] * y))) for a, b, s in VARIANTS.rows_of(p)]
        )
        spot = {x: p["at_x"], y: p["at_y"], **{names[n]: p[n] for n in "pqrstu"}}
        want = f.jacobian([x, y]).subs(spot)
        flat = [float(value) for row in want.tolist() for value in row]
        assert sum(VARIANTS.spot_matrix(p), []) == pytest.approx(flat, rel=1e-12)


def test_two_learners_get_two_exercises_and_the_same_one_each_time(tmp_path: Path) -> None:
    alice = run(["exercise", "4", "--learner", "alice"], tmp_path)
    bob = run(["exercise", "4", "--learner", "bob"], tmp_path)
    assert alice.exit_code == bob.exit_code == 0
    text = JACOBIAN.exercise_for(variant_of(JACOBIAN, "alice"))
    assert ALICE_F in text and ALICE_SPOT in text and ALICE_MATRIX in text
    assert "σ(tx + sy)" in alice.output and "σ(tx − py)" in bob.output
    assert run(["exercise", "4", "--learner", " Alice"], tmp_path).output == alice.output
    own = run(["exercise", "4"], tmp_path)
    assert "f(x, y) = ( σ(px + qy),  σ(rx + sy),  σ(tx + uy) )" in own.output
    assert "0.235004" in own.output and "(x, y) = (0.3, −0.4)" in " ".join(own.output.split())


def test_hints_and_starter_are_the_learners(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hints = " ".join(run(["hint", "4", "--all", "--learner", "bob"], tmp_path).output.split())
    assert "the inner derivative of tx − py is t by x and −p by y" in hints
    assert "( t·σ₁(1 − σ₁), −p·σ₁(1 − σ₁) )" in hints
    assert "rows 2 and 3 use (q, −u) with σ₂ = σ(qx − uy), and (r, −s) with σ₃ = σ(rx − sy)" in hints
    assert "[sigma(t * x - p * y), sigma(q * x - u * y), sigma(r * x - s * y)]" in hints
    assert "{p: -0.5, q: -2, r: -2.5, s: 1, t: -3, u: 1.5, x: -0.8, y: -0.2}" in hints
    monkeypatch.chdir(tmp_path)
    started = run(["start", "4", "--learner", "alice"], tmp_path)
    assert started.exit_code == 0, started.output
    starter = (tmp_path / "lesson04.py").read_text(encoding="utf-8")
    assert "f(x, y) = (σ(tx + sy), σ(qx + uy), σ(rx + py)) with σ(z)" in starter
    assert "calccourse check 4 lesson04.py --learner alice" in starter


def test_an_answer_for_alice_passes_alice_and_fails_bob_naming_why(tmp_path: Path) -> None:
    passed = check(tmp_path, ALICE, "--learner", "alice")
    assert passed["status"] == "pass", passed
    failed = check(tmp_path, ALICE, "--learner", "bob")
    assert (failed["learner"], failed["variant"]) == ("bob", variant_key("jacobian", "bob"))
    assert failed["status"] == "fail" and all(test["status"] == "fail" for test in failed["tests"])
    assert [test["name"] for test in failed["tests"]] == [
        "jacobian at the exercise's spot value",
        "jacobian at random values of x, y, p, …, u",
    ]
    text = said(failed)
    assert (
        "This is the Jacobian of f(x, y) = (σ(tx + sy), σ(qx + uy), σ(rx + py)), another variant's "
        f"exercise; yours is f(x, y) = {BOB_F}." in text
    )
    assert "`calccourse exercise 4` with your learner id" in text
    assert {test["mistake"] for test in failed["tests"]} == {"another variant's Jacobian"}


def test_the_shipped_solution_fails_a_variant_saying_so(tmp_path: Path) -> None:
    report = check(tmp_path, JACOBIAN.solution, "--learner", "bob")
    assert report["status"] == "fail"
    text = said(report)
    assert f"This is the Jacobian of the course's own exercise, f(x, y) = {COURSE_F}; yours is" in text
    assert (
        f"f(x, y) = {BOB_F}. Differentiate your own f (`calccourse exercise 4` with your learner id" in text
    )


def test_a_dropped_minus_and_a_parameter_order_are_named(tmp_path: Path) -> None:
    """Bob's f subtracts every y term: an answer adding one is a sign slip, not another
    variant; alice's function with its parameters in another order is named as such."""
    bob = ALICE.replace("((t, s), (q, u), (r, p))", "((t, -p), (q, u), (r, -s))")
    text = said(check(tmp_path, bob, "--learner", "bob"))
    assert "mind the signs of the y terms. The inner derivative of qx − uy by y is −u." in text
    assert "`calccourse exercise 4` with your learner id" in text
    reordered = ALICE.replace("jacobian(x, y, p, q, r, s, t, u)", "jacobian(p, q, r, s, t, u, x, y)")
    text = said(check(tmp_path, reordered, "--learner", "alice"))
    assert "Your function is right, for arguments in the order (p, q, r, s, t, u, x, y)." in text


def test_no_id_is_the_course_own_exercise_as_before(tmp_path: Path) -> None:
    report = check(tmp_path, JACOBIAN.solution)
    assert report["status"] == "pass" and not {"learner", "variant", "parameters"} & set(report)
    assert [test["name"] for test in report["tests"]] == [
        "jacobian at the exercise's spot value",
        "jacobian at random values of x, y, p, …, u",
    ]
    text = said(check(tmp_path, ALICE))  # alice's answer without an id: no variant is named
    assert "variant" not in text and "calccourse exercise" not in text


def test_dev_check_proves_every_mistake_in_50_variants(tmp_path: Path) -> None:
    result = run(["dev", "check", "4", "--variants", "50", "--no-demos"], tmp_path)
    assert result.exit_code == 0, result.output
    assert "variants: 50 learner ids, 50 different exercises" in result.output
    assert result.output.count("in every variant: in 50 variants") == 6  # the solution and 5 mistakes
