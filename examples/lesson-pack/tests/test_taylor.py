"""The pack's own tests: the lesson proves itself, and correct answers in other styles
pass while wrong ones get the feedback meant for them. Only calccourse.testing is used
from calccourse.

They test the installed package (`pip install -e .` while you work on it); when it is
not installed, the lesson folder under src/ beside these tests."""

from __future__ import annotations

import importlib.util
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from calccourse.testing import assert_lesson_proves_itself, judge_in_process


def lesson_folder() -> Path:
    spec = importlib.util.find_spec("calccourse_taylor")
    if spec is not None and spec.origin:
        return Path(spec.origin).resolve().parent / "taylor"
    return (
        Path(__file__).resolve().parent.parent
        / "src"
        / "calccourse_taylor"
        / "taylor"
    )


LESSON = lesson_folder()
SEEDS = range(5)


def reference_taylor(derivatives, a, x):
    return sum(
        d / math.factorial(k) * (x - a) ** k
        for k, d in enumerate(derivatives)
    )


def newton(derivatives, a):
    return a - derivatives[1] / derivatives[2]


def horner(derivatives, a, x):
    """Horner's rule on the coefficients dₖ/k!, from the highest power down."""
    total = 0.0
    for k in reversed(range(len(derivatives))):
        total = total * (x - a) + derivatives[k] / math.factorial(k)
    return total


def running_product(derivatives, a, x):
    """Each term from the previous one: (x − a)ᵏ/k! = (x − a)ᵏ⁻¹/(k − 1)! · (x − a)/k."""
    total, term = 0.0, 1.0
    for k, d in enumerate(derivatives):
        if k:
            term *= (x - a) / k
        total += d * term
    return total


def with_numpy(derivatives, a, x):
    """Vectorised: returns a NumPy float64, which crosses as a plain float."""
    import numpy as np
    from scipy.special import factorial

    d = np.asarray(derivatives, float)
    k = np.arange(len(d))
    return np.sum(d / factorial(k) * (x - a) ** k)


def as_zero_d_array(derivatives, a, x):
    """A 0-d array is a number (a list holding one is not)."""
    import numpy as np

    return np.array(reference_taylor(derivatives, a, x))


def test_the_lesson_proves_itself():
    """dev check, in the real sandbox: solution, template, every mistake, the demo."""
    assert_lesson_proves_itself(LESSON, seeds=3)


@pytest.mark.parametrize(
    "taylor_eval", [horner, running_product, with_numpy, as_zero_d_array]
)
@pytest.mark.parametrize("seed", SEEDS)
def test_every_correct_form_passes(taylor_eval, seed):
    report = judge_in_process(
        LESSON,
        {"taylor_eval": taylor_eval, "newton_step": newton},
        seed=seed,
    )
    assert report.status == "pass", [
        (t.name, t.message) for t in report.tests
    ]


def test_a_list_holding_one_number_is_no_number():
    """The answer contract: a one-element list where a number is asked fails, saying so."""
    report = judge_in_process(
        LESSON,
        {
            "taylor_eval": lambda d, a, x: [reference_taylor(d, a, x)],
            "newton_step": newton,
        },
        seed=0,
    )
    assert report.status == "fail"
    assert any(
        "a list holding one number" in t.message for t in report.tests
    )


def test_newton_step_in_another_form_passes():
    def newton_by_solving(derivatives, a):
        # q′(x) = f′(a) + f″(a)·(x − a) = 0, solved with NumPy
        import numpy as np

        root = np.roots([derivatives[2], derivatives[1]])[
            0
        ]  # f″·h + f′ = 0
        return a + root

    report = judge_in_process(
        LESSON,
        {"taylor_eval": reference_taylor, "newton_step": newton_by_solving},
        seed=1,
    )
    assert report.status == "pass", [
        (t.name, t.message) for t in report.tests
    ]


WRONG = {
    "each term must be divided by k!": lambda d, a, x: sum(
        v * (x - a) ** k for k, v in enumerate(d)
    ),
    "this uses (x + a)ᵏ": lambda d, a, x: sum(
        v / math.factorial(k) * (x + a) ** k for k, v in enumerate(d)
    ),
    "the constant term f(a) is missing": lambda d, a, x: (
        reference_taylor(d, a, x) - d[0]
    ),
}


@pytest.mark.parametrize("feedback", WRONG)
@pytest.mark.parametrize("seed", SEEDS)
def test_a_mistake_written_another_way_is_still_named(feedback, seed):
    report = judge_in_process(
        LESSON,
        {"taylor_eval": WRONG[feedback], "newton_step": newton},
        seed=seed,
    )
    assert report.status == "fail"
    said = [t.feedback or "" for t in report.tests if t.status != "pass"]
    assert said and all(feedback in text for text in said), said


def test_a_missing_function_and_the_template_are_reported_before_any_judge():
    missing = judge_in_process(
        LESSON, {"taylor_eval": reference_taylor}, seed=0
    )
    newton_test = [
        t for t in missing.tests if t.name.startswith("newton_step")
    ]
    assert newton_test[0].error == "missing"
    assert "newton_step" in newton_test[0].message

    def not_yet(*args):
        raise NotImplementedError

    template = judge_in_process(
        LESSON, {"taylor_eval": not_yet, "newton_step": not_yet}, seed=0
    )
    assert {t.error for t in template.tests} == {"not_started"}


def test_a_string_is_named_as_the_slip_it_is():
    report = judge_in_process(
        LESSON,
        {
            "taylor_eval": lambda d, a, x: (
                f"{reference_taylor(d, a, x):.3f}"
            ),
            "newton_step": newton,
        },
        seed=0,
    )
    failed = [t for t in report.tests if t.status != "pass"]
    assert failed and all("returned the text" in t.message for t in failed)


def load_checker():
    spec = importlib.util.spec_from_file_location(
        "taylor_checker", LESSON / "checker.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = (
        module  # dataclasses look their module up there
    )
    spec.loader.exec_module(module)
    return module


def test_the_known_functions_derivatives_are_right():
    """The derivative lists the checker hands out for eˣ, sin x, ln x, σ(x), against SymPy."""
    sympy = pytest.importorskip("sympy")
    x = sympy.symbols("x")
    exprs = {
        "eˣ": sympy.exp(x),
        "sin x": sympy.sin(x),
        "ln x": sympy.log(x),
        "σ(x)": 1 / (1 + sympy.exp(-x)),
    }
    for known in load_checker().KNOWN:
        for a in (known.low, (known.low + known.high) / 2, known.high):
            got = known.derivatives(a, 4)
            want = [
                float(sympy.diff(exprs[known.name], x, k).subs(x, a))
                for k in range(5)
            ]
            assert got == pytest.approx(want, rel=1e-12, abs=1e-12), (
                known.name,
                a,
            )


def test_the_demo_runs_as_a_script_and_prints_true_numbers(tmp_path):
    run = subprocess.run(
        [sys.executable, str(LESSON / "demo.py")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert run.returncode == 0, run.stderr
    order5_at_half = abs(math.sin(0.5) - (0.5 - 0.5**3 / 6 + 0.5**5 / 120))
    assert f"{order5_at_half:.1e}" in run.stdout  # 1.5e-06
    assert (
        f"{abs(1 / (1 + math.exp(-2)) - 1.0):.1e}" in run.stdout
    )  # σ(2) against 1/2 + 2/4
    assert (
        f"{2 / math.e:.12f}" in run.stdout
    )  # Newton's second step on eʷ − 2w
    assert sorted(
        p.name for p in (tmp_path / "calccourse-plots").iterdir()
    ) == [
        "lesson08-sigmoid.png",
        "lesson08-sin.png",
    ]
