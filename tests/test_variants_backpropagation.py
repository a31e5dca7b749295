"""Per-learner variants (issue 19), lesson 5: each learner works out the Jacobian of their
own small layer. The answer's functions are generic (the same code is right for every
layer, the shipped solution included), so what a variant checks is the learner's layer
first, and what it names is an array worked out for one layer and typed in: for another
layer of the same check, or another learner's layer. Through the CLI, as a learner uses it."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from calccourse.variants import variant_key
from tests.conftest import run_as

# The stable hash's regression: alice's lesson 5 is this layer.
ALICE = {
    "n": 4,
    "m": 2,
    "activation": "relu",
    "W": "[[0, -1], [-1, 2], [-2, -1], [1, 0]]",
    "b": "[2, 1]",
    "x": "[-1, 1, 2, 2]",
    "da": "[2, 1]",
}
ALICE_LAYER = """\
    W = np.array([[ 0, -1],
                  [-1,  2],
                  [-2, -1],
                  [ 1,  0]], dtype=float)  # N × M = 4 × 2
    b = np.array([2, 1], dtype=float)
    x = np.array([-1, 1, 2, 2], dtype=float)
    da = np.array([2, 1], dtype=float)  # for backward_step
"""
GENERIC = """\
import numpy as np


def dense_jacobian(W, b, x, g_prime):
    return g_prime(x @ W + b)[:, None] * W.T


def backward_step(W, b, x, da, g_prime):
    dz = da * g_prime(x @ W + b)
    return np.outer(x, dz), dz, W @ dz
"""
# Alice's layer worked out by hand (z = [−1, 2], ReLU′ = [0, 1]) and typed in.
TYPED_IN = """\
import numpy as np


def dense_jacobian(W, b, x, g_prime):
    return np.array([[0, 0, 0, 0], [-1, 2, -1, 0]])


def backward_step(W, b, x, da, g_prime):
    dW = np.array([[0, -1], [0, 1], [0, 2], [0, 2]])
    return dW, np.array([0, 1]), np.array([-1, 2, -1, 0])
"""


def run(args: list[str], env: dict[str, str] | None = None, tmp: Path | None = None):
    return run_as(args, tmp or Path("."), env)


def check(tmp: Path, source: str, *options: str) -> dict:
    answer = tmp / "answer.py"
    answer.write_text(source, encoding="utf-8")
    result = run(["check", "5", str(answer), "--seed", "3", "--format", "json", *options], tmp=tmp)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def shows_layer(text: str) -> bool:
    """Whether alice's layer is in ``text``, each line as it is (indented or not)."""
    lines = [line.rstrip() for line in text.splitlines()]
    return all(line.strip() in map(str.strip, lines) for line in ALICE_LAYER.splitlines())


def said(report: dict) -> str:
    return " ".join(" ".join(f"{t['message']} {t['feedback'] or ''}".split()) for t in report["tests"])


def test_two_learners_get_two_layers_and_the_same_one_each_time(tmp_path: Path) -> None:
    alice = run(["exercise", "5", "--learner", "alice"], tmp=tmp_path)
    bob = run(["exercise", "5", "--learner", "bob"], tmp=tmp_path)
    assert alice.exit_code == bob.exit_code == 0
    text = " ".join(alice.output.split())
    assert "N = 4 inputs, M = 2 outputs and g = ReLU." in text and shows_layer(alice.output)
    assert "Work out its 2 × 4 Jacobian ∂a/∂x by hand first" in text
    assert "Your layer (your variant" in bob.output and not shows_layer(bob.output)
    assert run(["exercise", "5", "--learner", "Alice "], tmp=tmp_path).output == alice.output
    own = run(["exercise", "5"], tmp=tmp_path)
    assert own.exit_code == 0 and "Your layer" not in own.output and "np.array" not in own.output


def test_hints_and_the_starter_carry_the_layer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hints = run(["hint", "5", "--all", "--learner", "alice"], tmp=tmp_path)
    assert "Your layer: z = x·W + b = [−1, 2], so g′(z) = [0, 1]" in " ".join(hints.output.split())
    assert "Your layer" not in run(["hint", "5", "--all"], tmp=tmp_path).output
    monkeypatch.chdir(tmp_path)
    assert run(["start", "5", "--learner", "alice"], tmp=tmp_path).exit_code == 0
    starter = (tmp_path / "lesson05.py").read_text(encoding="utf-8")
    ast.parse(starter)
    assert ALICE_LAYER in starter and 'if __name__ == "__main__":' in starter
    assert "print(dense_jacobian(W, b, x, g_prime))" in starter


def test_a_generic_answer_passes_every_learner_the_worked_layer_first(tmp_path: Path) -> None:
    """The same code is right for every layer: alice and bob both pass, and the report says
    their own layer came first. (So the course's own answer, `calccourse solution 5`, passes
    every variant too: it is no answer for another exercise.)"""
    for learner in ("alice", "bob"):
        report = check(tmp_path, GENERIC, "--learner", learner)
        assert report["status"] == "pass" and report["learner"] == learner
        assert report["variant"] == variant_key("backpropagation", learner)
        assert "on your layer and 8 random layers" in report["tests"][0]["message"]
    assert check(tmp_path, GENERIC, "--learner", "alice")["parameters"] == ALICE


def test_the_solution_says_it_is_right_for_every_variant(tmp_path: Path) -> None:
    """Its functions are generic (no '# variant:' lines): copying it is no answer for
    another exercise, and `calccourse solution 5` does not say it would fail."""
    shown = run(["solution", "5", "-y", "--no-pager", "--learner", "alice"], tmp=tmp_path)
    text = " ".join(shown.output.split())
    assert shown.exit_code == 0 and "the same code is right for it too" in text
    assert "fails your check" not in text


def test_alices_layer_typed_in_fails_hers_and_bobs_naming_why(tmp_path: Path) -> None:
    alice = check(tmp_path, TYPED_IN, "--learner", "alice")
    assert alice["status"] == "fail"
    text = said(alice)
    assert "returned [[0, 0, 0, 0], [-1, 2, -1, 0]], the same as for your layer" in text
    assert "This is ∂a/∂x of your own layer, the exercise's (N = 4 inputs, M = 2 outputs" in text
    assert "it looks worked out once and typed in" in text
    bob = check(tmp_path, TYPED_IN, "--learner", "bob")
    text = said(bob)
    assert "This looks like ∂a/∂x of another layer than yours" in text
    assert "another learner's variant?): a 2 × 4 array" in text
    assert "This looks like dW of another layer than yours" in text
    assert "`calccourse exercise 5` with your learner id" in text
    assert {t["mistake"] for t in bob["tests"] if not t["bonus"]} == {"another variant's layer"}


def test_another_layers_jacobian_of_alices_shape_is_named(tmp_path: Path) -> None:
    """A 2 × 4 ReLU Jacobian (one unit on, one off), typed in: of another learner's layer."""
    typed = TYPED_IN.replace("[[0, 0, 0, 0], [-1, 2, -1, 0]]", "[[1, 2, 0, -1], [0, 0, 0, 0]]")
    text = said(check(tmp_path, typed, "--learner", "alice"))
    assert "returned [[1, 2, 0, -1], [0, 0, 0, 0]]; expected an M × N = 2 × 4 array" in text
    assert "This looks like ∂a/∂x of another layer than yours" in text
    minus = GENERIC.replace(
        "return g_prime(x @ W + b)[:, None] * W.T", "return -g_prime(x @ W + b)[:, None] * W.T"
    )
    text = said(check(tmp_path, minus, "--learner", "alice"))  # a sign slip is no other layer
    assert "should be [-1, 2, -1, 0], got [1, -2, 1, 0]" in text and "another layer" not in text


def test_a_known_mistake_is_named_on_the_learners_layer(tmp_path: Path) -> None:
    wrong = GENERIC.replace("g_prime(x @ W + b)[:, None] * W.T", "W.T")  # g′(z) forgotten
    text = said(check(tmp_path, wrong, "--learner", "alice"))
    assert "dense_jacobian on your layer, the exercise's (N = 4 inputs, M = 2 outputs, g = ReLU)" in text
    assert "row 0 (the derivatives of a[0]) should be [0, 0, 0, 0], got [0, -1, -2, 1]" in text
    assert "g′(z) is missing" in text


def test_no_id_is_the_course_own_exercise_as_before(tmp_path: Path) -> None:
    report = check(tmp_path, TYPED_IN)
    assert report["status"] == "fail" and not {"learner", "variant", "parameters"} & set(report)
    assert [t["name"] for t in report["tests"][:2]] == [
        "dense_jacobian: ∂a/∂x = diag(g′(z))·Wᵀ",
        "backward_step: dW, db, dx",
    ]
    text = said(report)
    assert "dense_jacobian on layer 1 (layer with N = " in text and "your layer" not in text
    assert "on 8 layers and activations" in said(check(tmp_path, GENERIC))


def test_dev_check_proves_every_mistake_in_50_variants(tmp_path: Path) -> None:
    result = run(["dev", "check", "5", "--variants", "50", "--no-demos"], tmp=tmp_path)
    assert result.exit_code == 0, result.output
    assert "variants: 50 learner ids, 50 different exercises" in " ".join(result.output.split())
    assert result.output.count("in every variant: in 50 variants") == 7  # the solution and 6 mistakes
