"""Lessons 3 (gradient) and 6 (optimisation): the demos print the course's numbers, the
hidden inputs obey docs/answer-contract.md's rules, and the judges pass every accepted style and name
the listed mistakes, over many seeds."""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pytest
from rich.console import Console

from calccourse.demo import run_demo
from calccourse.discovery import discover
from calccourse.sandbox import open_sandbox
from tests.conftest import grade_file, judged

CATALOG = discover(use_entry_points=False)
GRADIENT = CATALOG.find("gradient")
OPTIMISATION = CATALOG.find("optimisation")
SEEDS = range(30)


def load(plugin, part: str):
    return plugin.module(part)


def simulate(tests, answer: dict) -> dict:
    """Judge each test on values computed here by ``answer`` (name -> function or value),
    converted to plain data as the sandbox does."""
    plugin = GRADIENT if "gradient" in answer else OPTIMISATION
    return judged(plugin, answer, tests)


def statuses(verdicts: dict) -> dict:
    return {name: v.status for name, v in verdicts.items()}


def feedback(verdicts: dict) -> str:
    return " ".join(v.feedback or "" for v in verdicts.values())


def image_ok(path) -> bool:
    import matplotlib.image

    return path.exists() and matplotlib.image.imread(path).shape[0] > 200


# --- lesson 3: the demo ----------------------------------------------------------------


def test_gradient_demo_numbers_and_plots(tmp_path):
    console = Console(record=True, width=80, color_system=None)
    ctx = run_demo(GRADIENT, console, tmp_path)
    results = ctx.results
    # the course: the search finds 81.6° from +x (the original's 8.4° from +y) ...
    assert results["search_angle"] == pytest.approx(81.6, abs=1e-9)
    # ... and about (3.987, 27.003); the exact gradient is (4, 27), length 27.295, 81.57°
    assert results["search_gradient"] == pytest.approx([3.987, 27.003], abs=1e-3)
    assert results["exact_gradient"] == [4.0, 27.0]
    assert results["exact_length"] == pytest.approx(27.295, abs=1e-3)
    assert results["exact_angle"] == pytest.approx(81.573, abs=1e-3)
    assert results["search_rate"] == pytest.approx(27.2956, abs=1e-3)
    text = " ".join(console.export_text().split())
    assert "8.4° from +y" in text and "8.43° from +y" in text and "from the +x axis" in text
    names = sorted(path.name for path in ctx.saved)
    assert names == ["lesson03-gradient-field.png", "lesson03-rate-by-direction.png", "lesson03-surface.png"]
    assert all(image_ok(path) for path in ctx.saved)


def test_gradient_demo_draws_the_field_of_its_own_function():
    demo = load(GRADIENT, "demo")
    assert demo.gradient(2.0, 3.0).tolist() == [4.0, 27.0]  # (2x, 3y²), not (2x, 2y)
    figure = demo.plot_gradient_field(21)
    arrows = figure.axes[0].collections[0]
    directions = np.column_stack([arrows.U, arrows.V])
    size = arrows.get_array()
    assert len(size) == 21 * 21 and np.min(size) == 0.0  # a point on the origin, no direction
    lengths = np.hypot(directions[:, 0], directions[:, 1])
    assert np.allclose(lengths[size > 0], 1.0)  # unit arrows, coloured by size
    import matplotlib.pyplot as plt

    plt.close(figure)


# --- lesson 3: the checker -------------------------------------------------------------


def gradient_answer(steepest):
    return {"gradient": lambda x, y: (2 * x, 2 * y), "steepest_ascent": steepest}


def search(f, x, y, step=0.1, h=1e-4, convention="x"):
    """The lesson's search, in either angle convention."""
    t = np.radians(np.arange(0.0, 360.0, step))
    dx, dy = (np.cos(t), np.sin(t)) if convention == "x" else (np.sin(t), np.cos(t))
    rates = (f(x + h * dx, y + h * dy) - f(x, y)) / h
    k = int(np.argmax(rates))
    return rates[k] * dx[k], rates[k] * dy[k]


def test_gradient_hidden_points_obey_course_rules():
    checker = load(GRADIENT, "checker")
    for seed in SEEDS:
        cases = checker.hidden_cases(np.random.default_rng(seed))
        assert len(cases) == 6
        lengths = [np.hypot(*checker.exact_gradient(fn, x, y)) for fn, x, y in cases]
        curvatures = [checker.largest_second_derivative(fn, x, y) for fn, x, y in cases]
        for (_, x, y), length, curved in zip(cases, lengths, curvatures):
            assert x != y
            assert length >= 1.0 and curved <= 50.0
        # Some hidden input sits at each of the contract's bounds ...
        assert min(lengths) <= 1.1 and max(curvatures) >= 40.0
        # ... and every point is asked with two functions, so that a cache keyed on it shows.
        assert all(cases[k][1:] == cases[k + 1][1:] and cases[k][0] != cases[k + 1][0] for k in (0, 2, 4))


def test_gradient_checker_points_have_x_different_from_y():
    checker = load(GRADIENT, "checker")
    for seed in SEEDS:
        points = [call.args for call in checker.tests(np.random.default_rng(seed))[0].calls]
        assert points[0] == (1.0, 1.0)
        assert all(x != y for x, y in points[1:])


@pytest.mark.parametrize(
    "style",
    [
        lambda f, x, y: search(f, x, y),  # the lesson's own search
        lambda f, x, y: search(f, x, y, convention="y"),  # the original's convention
        lambda f, x, y: search(f, x, y, step=1.0, h=1e-5),  # coarser angles, smaller h
        lambda f, x, y: np.array(
            [(f(x + 1e-5, y) - f(x - 1e-5, y)) / 2e-5, (f(x, y + 1e-5) - f(x, y - 1e-5)) / 2e-5]
        ),  # central differences
        lambda f, x, y: [[(f(x + 1e-6, y) - f(x, y)) / 1e-6], [(f(x, y + 1e-6) - f(x, y)) / 1e-6]],
    ],
    ids=["search", "from-y-axis", "one-degree", "central", "forward-2x1"],
)
def test_gradient_accepts_every_correct_style(style):
    checker = load(GRADIENT, "checker")
    for seed in SEEDS:
        verdicts = simulate(checker.tests(np.random.default_rng(seed)), gradient_answer(style))
        assert set(statuses(verdicts).values()) == {"pass"}, (seed, verdicts)


@pytest.mark.parametrize(
    ("steepest", "expected"),
    [
        (lambda f, x, y: np.array(search(f, x, y)) / np.hypot(*search(f, x, y)), "unit vector"),
        (lambda f, x, y: float(np.hypot(*search(f, x, y))), "only the rate of change"),
        (lambda f, x, y: search(f, x, y)[::-1], "the components are swapped"),
        (lambda f, x, y: tuple(-v for v in search(f, x, y)), "points downhill"),
        (lambda f, x, y: search(f, x, y, step=10.0), "direction is not precise enough"),
        (lambda f, x, y: search(f, x, y, h=0.3), "the direction is right but the length is not"),
        (lambda f, x, y: (2 * x, 2 * y), "whatever f is"),
    ],
)
def test_gradient_names_steepest_ascent_mistakes(steepest, expected):
    checker = load(GRADIENT, "checker")
    verdicts = simulate(checker.tests(np.random.default_rng(7)), gradient_answer(steepest))
    assert statuses(verdicts)[checker.tests(np.random.default_rng(7))[2].name] == "fail"
    assert expected in feedback(verdicts)


def test_gradient_names_an_angle_rate_pair():
    checker = load(GRADIENT, "checker")

    def angle_and_rate(f, x, y):
        gx, gy = search(f, x, y)
        return math.degrees(math.atan2(gy, gx)), math.hypot(gx, gy)

    verdicts = simulate(checker.tests(np.random.default_rng(2)), gradient_answer(angle_and_rate))
    assert "(angle, rate)" in feedback(verdicts)


# --- lesson 6: the demo ----------------------------------------------------------------


def test_optimisation_demo_numbers_and_plots(tmp_path):
    console = Console(record=True, width=80, color_system=None)
    ctx = run_demo(OPTIMISATION, console, tmp_path)
    results = ctx.results
    assert results["critical_points"] == pytest.approx([0.0, 4 / 3], abs=1e-12)
    assert results["f_at_max"] == pytest.approx(1.0, abs=1e-12)
    assert results["f_at_min"] == pytest.approx(-5 / 27, abs=1e-12)
    assert results["descent_end"] == pytest.approx(4 / 3, abs=1e-3)
    text = " ".join(console.export_text().split())
    assert "local maximum" in text and "local minimum" in text and "Gradient descent" in text
    names = sorted(path.name for path in ctx.saved)
    assert names == ["lesson06-critical-points.png", "lesson06-gradient-descent.png"]
    assert all(image_ok(path) for path in ctx.saved)


def test_optimisation_demo_descent_walks_right_from_near_zero_to_the_minimum():
    demo = load(OPTIMISATION, "demo")
    path = demo.gradient_descent(0.25, 0.1)
    assert path[0] > 0 and np.all(np.diff(path) > 0)  # every step goes right, downhill
    assert np.all(np.diff(demo.f(path)) < 0)
    assert path[-1] == pytest.approx(4 / 3, abs=1e-3)


# --- lesson 6: the checker -------------------------------------------------------------


def test_optimisation_hidden_functions_obey_course_rules():
    checker = load(OPTIMISATION, "checker")
    for seed in SEEDS:
        tests = checker.tests(np.random.default_rng(seed))
        calls = [call for test in tests[3:] for call in test.calls]
        assert len(calls) == 11
        gaps, ends = [], []
        for call in calls:
            fn, a, b = call.args
            f = fn  # an Fn works on floats and arrays, as the answer receives it
            slope = lambda x, f=f: (f(x + 1e-6) - f(x - 1e-6)) / 2e-6  # noqa: E731
            points = checker.zeros(slope, a, b)
            for x in points:
                assert min(x - a, b - x) >= 1e-3
                assert slope(x - 1e-4) * slope(x + 1e-4) < 0  # f′ changes sign
            assert all(q - p >= 1e-2 for p, q in zip(points, points[1:]))
            grid = np.linspace(a, b, 4001)
            assert np.count_nonzero(np.abs(slope(grid)) < 1e-9) <= len(points)
            gaps += [q - p for p, q in zip(points, points[1:])]
            ends += [min(x - a, b - x) for x in points]
        # Some hidden input sits at each bound: points 1e-2 apart, 1e-3 from an end ...
        assert min(gaps) < 1.1e-2 and min(ends) < 1.3e-3
        # ... and each hidden interval is asked twice, with two functions.
        hidden = [call.args for call in tests[5].calls]
        assert all(
            hidden[k][1:] == hidden[k + 1][1:] and hidden[k][0] != hidden[k + 1][0] for k in range(0, 8, 2)
        )


def test_optimisation_example_gives_zero_and_four_thirds():
    checker = load(OPTIMISATION, "checker")
    case = checker.tests(np.random.default_rng(0))[3].calls[0]
    fn, a, b = case.args
    assert (fn.expr, a, b) == ("x**3 - 2*x**2 + 1", -1.0, 2.0)
    assert checker.Case.make(fn, a, b).points == pytest.approx([0.0, 4 / 3], abs=1e-8)


def brentq_style(f, a, b):
    from scipy.optimize import brentq

    fp = lambda x: (f(x + 1e-6) - f(x - 1e-6)) / 2e-6  # noqa: E731
    xs = np.linspace(a, b, 1001)
    d = fp(xs)
    return [brentq(fp, xs[i], xs[i + 1]) for i in range(1000) if d[i] * d[i + 1] < 0]


def fsolve_style(f, a, b):
    from scipy.optimize import fsolve

    fp = lambda x: (f(x + 1e-6) - f(x - 1e-6)) / 2e-6  # noqa: E731
    found = []
    for x0 in np.linspace(a, b, 40):
        root, _, ier, _ = fsolve(fp, x0, full_output=True)
        r = float(root[0])
        if ier == 1 and a <= r <= b and abs(fp(r)) < 1e-8 and all(abs(r - q) > 1e-6 for q in found):
            found.append(r)
    return tuple(sorted(found))


def bisection_loop_style(f, a, b):
    fp = lambda x: (f(x + 1e-5) - f(x)) / 1e-5  # noqa: E731  forward difference
    step, out = (b - a) / 997, []
    for i in range(997):
        lo, hi = a + i * step, a + (i + 1) * step
        if fp(lo) * fp(hi) < 0:
            for _ in range(50):
                mid = (lo + hi) / 2
                lo, hi = (lo, mid) if fp(lo) * fp(mid) <= 0 else (mid, hi)
            out.append((lo + hi) / 2)
    return np.array(out)


def gradient_interpolation_style(f, a, b):
    xs = np.linspace(a, b, 20001)
    d = np.gradient(f(xs), xs)
    i = np.flatnonzero(np.diff(np.sign(d)) != 0)
    return xs[i] - d[i] * (xs[i + 1] - xs[i]) / (d[i + 1] - d[i])


@pytest.mark.parametrize(
    "finder", [brentq_style, fsolve_style, bisection_loop_style, gradient_interpolation_style]
)
def test_optimisation_accepts_every_correct_finder(finder):
    checker = load(OPTIMISATION, "checker")
    answer = {
        "derivative": lambda x: 1 / x,
        "critical_points": [],
        "has_extremum": False,
        "find_critical_points": finder,
    }
    for seed in range(8):
        tests = checker.tests(np.random.default_rng(seed))[3:]
        verdicts = simulate(tests, answer)
        assert set(statuses(verdicts).values()) == {"pass"}, (seed, verdicts)


@pytest.mark.parametrize(
    ("derivative", "critical", "extremum"),
    [
        (lambda x: x**-1.0, (), np.bool_(False)),
        (lambda x: np.float64(np.reciprocal(x)), np.array([]), False),
        (lambda x: math.pow(x, -1), [], np.False_),
    ],
)
def test_optimisation_accepts_value_styles(derivative, critical, extremum):
    checker = load(OPTIMISATION, "checker")
    answer = {
        "derivative": derivative,
        "critical_points": critical,
        "has_extremum": extremum,
        "find_critical_points": brentq_style,
    }
    verdicts = simulate(checker.tests(np.random.default_rng(3))[:3], answer)
    assert set(statuses(verdicts).values()) == {"pass"}, verdicts


def test_optimisation_sympy_values_pass():
    import sympy as sp

    checker = load(OPTIMISATION, "checker")
    x = sp.symbols("x", positive=True)
    slope = sp.diff(sp.log(x), x)
    critical = sp.solve(sp.Eq(slope, 0), x)
    answer = {
        "derivative": sp.lambdify(x, slope),
        "critical_points": critical,
        "has_extremum": len(critical) > 0,
        "find_critical_points": brentq_style,
    }
    verdicts = simulate(checker.tests(np.random.default_rng(1)), answer)
    assert set(statuses(verdicts).values()) == {"pass"}, verdicts


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"critical_points": [float("inf")]}, "∞ is not a point"),
        ({"critical_points": [2.0]}, "1/x is never 0"),
        ({"has_extremum": True}, "1/x never is"),
        ({"derivative": lambda x: -1 / x}, "the sign is wrong"),
        ({"find_critical_points": lambda f, a, b: [a, *brentq_style(f, a, b), b]}, "end points a and b"),
        ({"find_critical_points": lambda f, a, b: brentq_style(f, a, b)[::-1]}, "not in increasing order"),
        ({"find_critical_points": lambda f, a, b: 2 * brentq_style(f, a, b)}, "more than once"),
        ({"find_critical_points": lambda f, a, b: [f(x) for x in brentq_style(f, a, b)]}, "values f(x)"),
        (
            {"find_critical_points": lambda f, a, b: [x + 1e-3 for x in brentq_style(f, a, b)]},
            "more than 1e-4",
        ),
        ({"find_critical_points": lambda f, a, b: brentq_style(f, a, b)[1:]}, "is missing"),
    ],
)
def test_optimisation_names_other_mistakes(changes, expected):
    checker = load(OPTIMISATION, "checker")
    answer = {
        "derivative": lambda x: 1 / x,
        "critical_points": [],
        "has_extremum": False,
        "find_critical_points": brentq_style,
        **changes,
    }
    verdicts = simulate(checker.tests(np.random.default_rng(4)), answer)
    assert "fail" in statuses(verdicts).values()
    assert expected in feedback(verdicts)


# --- both, through the sandbox -------------------------------------------------------------


@pytest.fixture(scope="module")
def sandbox():
    with open_sandbox() as pool:
        yield pool


ANSWERS = {
    "gradient": textwrap.dedent(
        """
        import math
        import sympy as sp

        X, Y = sp.symbols("x y")
        GRADIENT = sp.Matrix([X**2 + Y**2]).jacobian([X, Y]).T      # a 2 × 1 SymPy matrix

        def gradient(x, y):
            return GRADIENT.subs({X: x, Y: y})

        def steepest_ascent(f, x, y):                    # angles from +y, as the original did
            h, best = 1e-4, None
            for step in range(3600):
                a = math.radians(step / 10)
                rate = (f(x + h * math.sin(a), y + h * math.cos(a)) - f(x, y)) / h
                if best is None or rate > best[0]:
                    best = (rate, a)
            rate, a = best
            return rate * math.sin(a), rate * math.cos(a)
        """
    ),
    "optimisation": textwrap.dedent(
        """
        import numpy as np
        from scipy.optimize import brentq

        derivative = np.reciprocal
        critical_points = np.array([])
        has_extremum = np.False_

        def find_critical_points(f, a, b):
            fp = lambda x: (f(x + 1e-6) - f(x - 1e-6)) / 2e-6
            xs = np.linspace(a, b, 1500)
            d = fp(xs)
            return np.array([brentq(fp, xs[i], xs[i + 1]) for i in np.flatnonzero(d[:-1] * d[1:] < 0)])
        """
    ),
}


@pytest.mark.parametrize("slug", ["gradient", "optimisation"])
def test_other_style_answer_passes_in_the_sandbox(slug, sandbox, tmp_path):
    answer = tmp_path / "answer.py"
    answer.write_text(ANSWERS[slug])
    report = grade_file(CATALOG.find(slug), answer, sandbox, seed=11).report
    assert report.status == "pass", [(t.name, t.message) for t in report.tests]
