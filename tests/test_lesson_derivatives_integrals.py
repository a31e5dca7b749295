"""Lessons 1 (derivatives) and 2 (integrals): demo numbers, exercise numbers, and judges
that pass every accepted style and name every listed mistake, over many seeds."""

from __future__ import annotations

import importlib.util
import math
import textwrap

import numpy as np
import pytest
from rich.console import Console
from scipy.integrate import quad

from calccourse.author import Call
from calccourse.demo import run_demo
from calccourse.discovery import discover
from calccourse.sandbox import open_sandbox
from tests.conftest import grade_file, judged

CATALOG = discover(use_entry_points=False)
DERIVATIVES = CATALOG.find("derivatives")
INTEGRALS = CATALOG.find("integrals")
SEEDS = range(25)


def load(plugin, part: str):
    path = plugin.folder / f"{part}.py"
    spec = importlib.util.spec_from_file_location(f"_{plugin.slug}_{part}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def simulate(tests, answer, plugin=None) -> dict[str, object]:
    """Judge each test on values computed here by ``answer`` (a dict of name -> function)."""
    return judged(
        plugin or (INTEGRALS if "area" in answer or "antiderivative" in answer else DERIVATIVES),
        answer,
        tests,
    )


# --- demos ---------------------------------------------------------------------------


def test_lesson1_demo_numbers(tmp_path):
    import matplotlib.image

    console = Console(record=True, width=80, color_system=None)
    ctx = run_demo(DERIVATIVES, console, tmp_path)
    # forward difference of x² is 2x + δx: the gap is δx = 1e-4 (lesson 1's explanation)
    assert ctx.results["max_gap"] == pytest.approx(1e-4, rel=1e-4)
    gaps = {round(math.log10(step)): gap for step, gap in ctx.results["gaps_by_step"].items()}
    for power in (-1, -2, -3, -4, -5):
        assert gaps[power] == pytest.approx(10.0**power, rel=1e-3)
    assert gaps[-12] > 1e-4  # rounding takes over
    assert 1e-9 <= ctx.results["best_step"] <= 1e-6
    assert "1.00e-04" in console.export_text()
    assert [p.name for p in ctx.saved] == ["lesson01-derivative.png", "lesson01-gap-vs-step.png"]
    for path in ctx.saved:
        assert matplotlib.image.imread(path).shape[0] > 200


def test_lesson2_demo_numbers(tmp_path):
    import matplotlib.image

    console = Console(record=True, width=80, color_system=None)
    ctx = run_demo(INTEGRALS, console, tmp_path)
    results = ctx.results
    assert results["points"] == 200
    assert results["start"] == pytest.approx(-2, abs=1e-12)
    assert results["lowest"] == pytest.approx(-101, abs=1e-9)
    assert abs(results["lowest_x"]) <= 0.1 + 1e-9
    assert results["formula_gap"] < 1e-9  # exactly x² + 0.1x − 101 on the 200 points
    assert results["shift"] == pytest.approx(-101, abs=0.5)
    assert results["slope_gap"] < 1e-9  # the running sum's slope is f again
    assert [p.name for p in ctx.saved] == ["lesson02-running-area.png"]
    assert matplotlib.image.imread(ctx.saved[0]).shape[1] > 200


def test_exercise_numbers_from_the_solutions():
    solution1 = load(DERIVATIVES, "solution")
    x = np.linspace(-2, 3, 500)
    rate = solution1.rate_of_change(lambda t: t**3 - 2 * t**2 + 1, x, 0.0001)
    assert np.max(np.abs(rate - solution1.derivative(x))) == pytest.approx(8e-4, rel=1e-3)

    solution2 = load(INTEGRALS, "solution")
    x = np.arange(-2, 3, 0.1)
    running = np.cumsum((3 * x**2 - 4 * x) * 0.1)
    gap = running - solution2.antiderivative(x)
    assert 16.5 < gap.min() and gap.max() < 18.5 and abs(np.mean(gap) - 17) < 0.5


# --- the judges' own facts -------------------------------------------------------------


@pytest.mark.parametrize("index", range(11))
def test_lesson1_hidden_derivatives_are_right(index):
    checker = DERIVATIVES.module("checker")
    fn = [checker.EXERCISE, *checker.HIDDEN][index]
    x, h = np.linspace(fn.low, fn.high, 31), 1e-5
    for lower, upper in ((fn.f, fn.d1), (fn.d1, fn.d2), (fn.d2, fn.d3)):
        central = (lower(x + h) - lower(x - h)) / (2 * h)
        assert np.allclose(central, upper(x), rtol=1e-6, atol=1e-6), fn.f


@pytest.mark.parametrize("index", range(11))
def test_lesson2_hidden_integrals_are_right(index):
    checker = INTEGRALS.module("checker")
    fn = [checker.EXERCISE, *checker.HIDDEN][index]
    x, h = np.linspace(fn.low, fn.high, 31), 1e-5
    for lower, upper in ((fn.integral, fn.f), (fn.f, fn.slope)):
        central = (lower(x + h) - lower(x - h)) / (2 * h)
        assert np.allclose(central, upper(x), rtol=1e-6, atol=1e-6), fn.f


def test_lesson1_inputs_follow_the_contract():
    checker = DERIVATIVES.module("checker")
    for seed in SEEDS:
        tests = checker.tests(np.random.default_rng(seed))
        for call in tests[1].calls + tests[2].calls:
            _, x, dx = call.args
            assert type(x) is float and type(dx) is float and 1e-5 <= dx <= 1e-2
        assert {call.args[2] for call in tests[2].calls} >= {1e-2, 1e-5}


def test_lesson2_inputs_follow_the_contract():
    checker = INTEGRALS.module("checker")
    for seed in SEEDS:
        for test in checker.tests(np.random.default_rng(seed))[1:]:
            for call in test.calls:
                _, a, b, dx = call.args
                assert all(type(v) is float for v in (a, b, dx)) and a < b
                steps = round((b - a) / dx)
                assert 10 <= steps <= 1000 and math.isclose((b - a) / dx, steps, rel_tol=1e-9)
                assert all(len(str(v)) <= 8 for v in (a, b, dx))  # ordinary decimals


def test_lesson2_uses_inputs_where_each_float_way_of_counting_steps_is_off_by_one():
    checker = INTEGRALS.module("checker")
    for seed in SEEDS:
        constant = checker.tests(np.random.default_rng(seed))[1]
        counts = [checker.naive_counts(a, b, dx) for _, a, b, dx in (call.args for call in constant.calls)]
        steps = [round((b - a) / dx) for _, a, b, dx in (call.args for call in constant.calls)]
        for way in ("int", "arange", "loop"):
            assert any(count[way] != n for count, n in zip(counts, steps)), (seed, way)


# --- every accepted style passes, every listed mistake is named --------------------------


def g(x):
    """The exercise's f, for answers that hard-code it."""
    return x**3 - 2 * x**2 + 1


def f_ex(x):
    """Lesson 2's f."""
    return 3 * x**2 - 4 * x


RATE_STYLES = {
    "forward": lambda f, x, dx: (f(x + dx) - f(x)) / dx,
    "backward": lambda f, x, dx: (f(x) - f(x - dx)) / dx,
    "central": lambda f, x, dx: (f(x + dx) - f(x - dx)) / (2 * dx),
    "central half steps": lambda f, x, dx: (f(x + dx / 2) - f(x - dx / 2)) / dx,
    "five points": lambda f, x, dx: (
        (-f(x + 2 * dx) + 8 * f(x + dx) - 8 * f(x - dx) + f(x - 2 * dx)) / (12 * dx)
    ),
}
RATE_MISTAKES = {
    "divided by dx twice": lambda f, x, dx: (f(x + dx) - f(x)) / dx**2,
    "not divided by dx": lambda f, x, dx: f(x + dx) - f(x),
    "sign slip": lambda f, x, dx: (f(x) - f(x + dx)) / dx,
    "twice the slope": lambda f, x, dx: (f(x + dx) - f(x - dx)) / dx,
    "whatever f is": lambda f, x, dx: (g(x + dx) - g(x)) / dx,
    "this is f(x) itself": lambda f, x, dx: f(x),
}
DERIVATIVE_STYLES = {
    "rules": lambda x: 3 * x**2 - 4 * x,
    "factored": lambda x: x * (3 * x - 4),
    "polyder": lambda x: np.polyval(np.polyder([1, -2, 0, 1]), x),
    "precise central difference": lambda x: (g(x + 1e-5) - g(x - 1e-5)) / 2e-5,
}
DERIVATIVE_MISTAKES = {
    "this is f(x) itself": lambda x: x**3 - 2 * x**2 + 1,
    "constant 1 is 0": lambda x: 3 * x**2 - 4 * x + 1,
    "multiply by the old exponent": lambda x: x**2 - 2 * x,
    "the 2 of 2x² comes down too": lambda x: 3 * x**2 - 2 * x,
    "sign slip": lambda x: 3 * x**2 + 4 * x,
    "rate of change with δx": lambda x: (g(x + 1e-4) - g(x)) / 1e-4,
}


@pytest.mark.parametrize("style", RATE_STYLES)
def test_lesson1_accepts_every_difference_quotient(style):
    checker = DERIVATIVES.module("checker")
    for seed in SEEDS:
        answer = {"derivative": DERIVATIVE_STYLES["rules"], "rate_of_change": RATE_STYLES[style]}
        verdicts = simulate(checker.tests(np.random.default_rng(seed)), answer)
        assert all(v.status == "pass" for v in verdicts.values()), (seed, verdicts)


@pytest.mark.parametrize("style", DERIVATIVE_STYLES)
def test_lesson1_accepts_every_form_of_the_derivative(style):
    checker = DERIVATIVES.module("checker")
    for seed in SEEDS:
        test = checker.tests(np.random.default_rng(seed))[0]
        verdict = simulate([test], {"derivative": DERIVATIVE_STYLES[style]})[test.name]
        assert verdict.status == "pass", (seed, verdict)


@pytest.mark.parametrize("mistake", RATE_MISTAKES)
def test_lesson1_names_rate_mistakes(mistake):
    checker = DERIVATIVES.module("checker")
    for seed in SEEDS:
        tests = checker.tests(np.random.default_rng(seed))
        hidden = simulate([tests[2]], {"rate_of_change": RATE_MISTAKES[mistake]})[tests[2].name]
        assert hidden.status == "fail" and mistake in hidden.feedback, (seed, hidden)


@pytest.mark.parametrize("mistake", DERIVATIVE_MISTAKES)
def test_lesson1_names_derivative_mistakes(mistake):
    checker = DERIVATIVES.module("checker")
    for seed in SEEDS:
        test = checker.tests(np.random.default_rng(seed))[0]
        verdict = simulate([test], {"derivative": DERIVATIVE_MISTAKES[mistake]})[test.name]
        assert verdict.status == "fail" and mistake in verdict.feedback, (seed, verdict)


def _sum(f, a, b, dx, kind, extra=0):
    n = round((b - a) / dx) + extra
    x = a + dx * np.arange(n + 1)
    y = f(x)
    return {
        "left": np.sum(y[:-1]) * dx,
        "right": np.sum(y[1:]) * dx,
        "midpoint": np.sum(f(x[:-1] + dx / 2)) * dx,
        "trapezoid": np.sum(y[:-1] + y[1:]) * dx / 2,
    }[kind]


def _loop(f, a, b, dx):
    total, x = 0.0, a
    while x < b:
        total += f(x) * dx
        x += dx
    return total


def _loop_with_margin(f, a, b, dx):
    total, i = 0.0, 0
    while a + i * dx < b - dx / 2:  # a half-step margin: rounding cannot add a step
        total += f(a + i * dx) * dx
        i += 1
    return total


AREA_STYLES = {
    "while loop with a half-step margin": _loop_with_margin,
    "np.arange with a half-step margin": lambda f, a, b, dx: np.sum(f(np.arange(a, b - dx / 2, dx))) * dx,
    "left": lambda f, a, b, dx: _sum(f, a, b, dx, "left"),
    "right": lambda f, a, b, dx: _sum(f, a, b, dx, "right"),
    "midpoint": lambda f, a, b, dx: _sum(f, a, b, dx, "midpoint"),
    "trapezoid": lambda f, a, b, dx: _sum(f, a, b, dx, "trapezoid"),
    "linspace of n points": lambda f, a, b, dx: np.sum(f(np.linspace(a, b, round((b - a) / dx)))) * dx,
    "quad": lambda f, a, b, dx: quad(f, a, b)[0],
}
AREA_MISTAKES = {
    "multiply each f(x) by dx": lambda f, a, b, dx: _sum(f, a, b, dx, "left") / dx,
    "multiplied by dx twice": lambda f, a, b, dx: _sum(f, a, b, dx, "left") * dx,
    "one step too many": lambda f, a, b, dx: np.sum(f(np.linspace(a, b, round((b - a) / dx) + 1))) * dx,
    "one step too few": lambda f, a, b, dx: np.trapezoid(f(np.arange(a, b, dx)), np.arange(a, b, dx)),
    "whatever f is": lambda f, a, b, dx: _sum(f_ex, a, b, dx, "left"),
    "np.arange(a, b, dx) puts a point at b by rounding": lambda f, a, b, dx: (
        np.sum(f(np.arange(a, b, dx))) * dx
    ),
    "adding dx in a loop drifts by rounding": _loop,
    "int((b − a)/dx) rounds down": lambda f, a, b, dx: np.sum(f(a + dx * np.arange(int((b - a) / dx)))) * dx,
    "running sum": lambda f, a, b, dx: np.cumsum(f(a + dx * np.arange(round((b - a) / dx))) * dx),
}
ANTIDERIVATIVE_MISTAKES = {
    "this is the derivative": lambda x: 6 * x - 4,
    "divide each term by its new power": lambda x: 3 * x**3 - 4 * x**2,
    "divide 4x² by its new power 2 as well": lambda x: x**3 - 4 * x**2,
    "sign slip": lambda x: x**3 + 2 * x**2,
    "running sum of strips": lambda x: np.sum(f_ex(np.arange(-2, x, 0.1)) * 0.1),
}


@pytest.mark.parametrize("style", AREA_STYLES)
def test_lesson2_accepts_every_sum(style):
    checker = INTEGRALS.module("checker")
    for seed in SEEDS:
        answer = {"antiderivative": lambda x: x**3 - 2 * x**2 + 7, "area": AREA_STYLES[style]}
        verdicts = simulate(checker.tests(np.random.default_rng(seed)), answer)
        assert all(v.status == "pass" for v in verdicts.values()), (seed, verdicts)


@pytest.mark.parametrize("mistake", AREA_MISTAKES)
def test_lesson2_names_area_mistakes(mistake):
    checker = INTEGRALS.module("checker")
    for seed in SEEDS:
        tests = checker.tests(np.random.default_rng(seed))
        verdicts = simulate(tests[1:], {"area": AREA_MISTAKES[mistake]})
        failed = [v for v in verdicts.values() if v.status == "fail"]
        named = [v.feedback for v in failed if v.feedback]
        assert named and all(mistake in feedback for feedback in named), (seed, verdicts)


@pytest.mark.parametrize("mistake", ANTIDERIVATIVE_MISTAKES)
def test_lesson2_names_antiderivative_mistakes(mistake):
    checker = INTEGRALS.module("checker")
    for seed in SEEDS:
        test = checker.tests(np.random.default_rng(seed))[0]
        verdict = simulate([test], {"antiderivative": ANTIDERIVATIVE_MISTAKES[mistake]})[test.name]
        expected = "close, but not exact" if mistake == "running sum of strips" else mistake
        assert verdict.status == "fail" and expected in verdict.feedback, (seed, verdict)


# --- through the sandbox: other styles of answer file ----------------------------------

SANDBOXED = [
    (
        DERIVATIVES,
        "pass",
        """
        import sympy as sp

        x = sp.symbols("x")
        derivative = sp.lambdify(x, sp.diff(x**3 - 2 * x**2 + 1, x))

        def rate_of_change(f, x, dx):
            return (f(x + dx) - f(x - dx)) / (2 * dx)
        """,
        None,
    ),
    (
        DERIVATIVES,
        "fail",
        """
        def derivative(x):
            return 3 * x**2 - 4 * x

        def rate_of_change(f, x, dx):
            return (f(x + dx) - f(x - dx)) / dx
        """,
        "twice the slope",
    ),
    (
        INTEGRALS,
        "pass",
        """
        import numpy as np
        from scipy.integrate import quad

        def antiderivative(x):
            return np.polyval(np.polyint([3, -4, 0]), x) + 12

        def area(f, a, b, dx):
            return np.float64(quad(f, a, b)[0])
        """,
        None,
    ),
    (
        INTEGRALS,
        "fail",
        """
        import numpy as np

        def antiderivative(x):
            return x**3 - 2 * x**2

        def area(f, a, b, dx):
            x = np.arange(a, b, dx)
            return np.trapezoid(f(x), x)
        """,
        "one step too few",
    ),
]


@pytest.fixture(scope="module")
def sandbox():
    with open_sandbox() as pool:
        yield pool


@pytest.mark.parametrize(
    ("plugin", "status", "source", "feedback"),
    SANDBOXED,
    ids=["l1-sympy-central", "l1-central-no-2", "l2-quad", "l2-trapezoid-arange"],
)
def test_other_styles_through_the_sandbox(plugin, status, source, feedback, sandbox, tmp_path):
    answer = tmp_path / "answer.py"
    answer.write_text(textwrap.dedent(source))
    report = grade_file(plugin, answer, sandbox, seed=7).report
    assert report.status == status, [(t.name, t.message) for t in report.tests]
    if feedback:
        assert any(feedback in (t.feedback or "") for t in report.tests)


def test_calls_carry_functions_the_answer_can_use():
    checker = INTEGRALS.module("checker")
    call = checker.tests(np.random.default_rng(3))[1].calls[0]
    assert isinstance(call, Call) and call.target == "area"
    constant = call.args[0]
    assert constant(1.5) == pytest.approx(constant(np.array([1.5, 2.5]))[1])  # floats and arrays
