"""Lessons 4 (Jacobian) and 7 (SVM): the demos print the course's numbers, the probe turns
every accepted form of a Jacobian into numbers (and names what it cannot evaluate), the
hidden SVM data sets obey docs/answer-contract.md's rules, and the judges pass correct answers in other
styles and name the listed mistakes, over many seeds."""

from __future__ import annotations

import io
import textwrap
import types

import numpy as np
import pytest
import sympy as sp
from rich.console import Console

from calccourse.demo import run_demo
from calccourse.discovery import discover
from calccourse.sandbox import open_sandbox
from calccourse.sandbox.child import to_plain
from tests.conftest import grade_file, judged

CATALOG = discover(use_entry_points=False)
JACOBIAN = CATALOG.find("jacobian")
SVM = CATALOG.find("svm")
SPOT_VALUE = [[0.235004, 0.470007], [-0.235004, 0.117502], [0.391817, -0.261211]]


def module(**names) -> types.ModuleType:
    """An answer module holding ``names``."""
    answer = types.ModuleType("answer")
    answer.__dict__.update(names)
    return answer


def probe_module():
    """probes.py as the sandbox loads it: a plain module, not part of the lesson package."""
    source = JACOBIAN.probes_path.read_text()
    probes = types.ModuleType("calccourse_probes")
    exec(compile(source, str(JACOBIAN.probes_path), "exec"), probes.__dict__)  # noqa: S102
    return probes


def simulate(plugin, seed: int, answer: types.ModuleType) -> dict:
    """Judge every test on values made here, converted to plain data as the sandbox does."""
    return judged(plugin, answer, seed=seed)


def statuses(verdicts: dict) -> set[str]:
    return {verdict.status for verdict in verdicts.values()}


def text_of(verdicts: dict) -> str:
    return " ".join(f"{v.message} {v.feedback or ''}" for v in verdicts.values())


def image_ok(path) -> bool:
    import matplotlib.image

    return path.exists() and matplotlib.image.imread(path).shape[0] > 200


# --- lesson 4: the demo -----------------------------------------------------------------


def test_jacobian_demo_prints_sympy_jacobian_checks_it_and_draws(tmp_path):
    plain = io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="replace")
    console = Console(record=True, width=80, color_system=None, file=plain)
    ctx = run_demo(JACOBIAN, console, tmp_path)
    # the course: SymPy's Matrix.jacobian gives [[2y, 2x], [2xy, x²]] ...
    assert ctx.results["jacobian"] == [["2*y", "2*x"], ["2*x*y", "x**2"]]
    # ... checked numerically with finite differences at a point
    x, y = ctx.results["check_point"]
    assert np.allclose(ctx.results["exact_at_point"], [[2 * y, 2 * x], [2 * x * y, x**2]])
    assert ctx.results["max_gap"] < 1e-6
    text = console.export_text()
    assert "2*x*y  x" in text  # SymPy's ASCII pretty printer where Unicode cannot go
    assert "⎡" not in text
    # Unicode wherever it can be written: a terminal, the pager on one, a UTF-8 file.
    utf8 = Console(record=True, width=80, color_system=None, file=io.StringIO())
    run_demo(JACOBIAN, utf8, tmp_path)
    assert "⎡ 2⋅y   2⋅x⎤" in utf8.export_text()
    assert [path.name for path in ctx.saved] == ["lesson04-linear-map.png"]
    assert image_ok(ctx.saved[0])


# --- lesson 4: the probe and the judges ---------------------------------------------------


def sympy_answer(**assumptions):
    x, y, p, q, r, s, t, u = sp.symbols("x y p q r s t u", **assumptions)
    sigma = lambda z: 1 / (1 + sp.exp(-z))  # noqa: E731
    f = sp.Matrix([sigma(p * x + q * y), sigma(r * x + s * y), sigma(t * x + u * y)])
    return f.jacobian([x, y]), (x, y, p, q, r, s, t, u)


def numpy_jacobian(x, y, p, q, r, s, t, u):
    W = np.array([[p, q], [r, s], [t, u]])
    sg = 1 / (1 + np.exp(-(W @ [x, y])))
    return (sg * (1 - sg))[:, None] * W


def other_forms():
    J, symbols = sympy_answer()
    J_real, _ = sympy_answer(real=True)
    x, y, p, q, r, s, t, u = sp.symbols("x y p q r s t u", positive=True)
    d = lambda z: sp.exp(-z) / (1 + sp.exp(-z)) ** 2  # noqa: E731
    by_hand = [
        [p * d(p * x + q * y), q * d(p * x + q * y)],
        (r * d(r * x + s * y), s * d(r * x + s * y)),
        [t * d(t * x + u * y), u * d(t * x + u * y)],
    ]
    return {
        "Matrix.jacobian": J,
        "real=True symbols": J_real,
        "nested lists and tuples by hand": by_hand,
        "ImmutableMatrix": sp.ImmutableMatrix(J),
        "sympy Array": sp.Array(J.tolist()),
        "object ndarray": np.array(J),
        "lambdify": sp.lambdify(symbols, J, "numpy"),
        "numpy function": numpy_jacobian,
        "function returning a SymPy matrix of numbers": lambda *v: sp.Matrix(numpy_jacobian(*v)),
        "function returning tuples": lambda *v: tuple(map(tuple, numpy_jacobian(*v).tolist())),
    }


@pytest.mark.parametrize("form", list(other_forms()))
def test_every_accepted_form_of_jacobian_passes(form):
    answer = module(jacobian=other_forms()[form])
    for seed in range(2):
        verdicts = simulate(JACOBIAN, seed, answer)
        assert statuses(verdicts) == {"pass"}, text_of(verdicts)


def test_probe_evaluates_the_spot_value_inside_the_answer():
    probes = probe_module()
    J, _ = sympy_answer(real=True)
    spot = JACOBIAN.module("checker").SPOT
    result = probes.jacobian(module(jacobian=J), [spot])
    assert result["kind"] == "expressions"
    assert np.allclose(result["values"][0], SPOT_VALUE, atol=1e-6)
    assert to_plain(result, "probe") == result  # plain data only: nothing SymPy leaves the answer


@pytest.mark.parametrize(
    ("jacobian", "expected"),
    [
        (sp.Matrix([[sp.Function("sigma")(sp.Symbol("x"))]]), "undefined function sigma"),
        (sp.Matrix([[sp.Symbol("z") * sp.Symbol("x")]]), "uses the symbol z"),
        ([["2*y", "2*x"]], "holds the string '2*y'"),
        (lambda *v: sp.Symbol("x"), "not a number"),
        (sp.Matrix([[sp.sqrt(sp.Symbol("x") - 5)] * 2] * 3), "which is the complex number 0 + 2."),
    ],
)
def test_what_cannot_be_evaluated_is_named(jacobian, expected):
    verdicts = simulate(JACOBIAN, 0, module(jacobian=jacobian))
    assert statuses(verdicts) == {"fail"}
    assert expected in text_of(verdicts)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("other = 1\n", "does not define `jacobian`"),
        ("jacobian = None\n", "Not started yet: `jacobian` is still None."),
    ],
)
def test_missing_or_unstarted_jacobian_is_reported_by_the_core(tmp_path, source, expected):
    from calccourse.sandbox import open_sandbox

    answer = tmp_path / "answer.py"
    answer.write_text(source)
    with open_sandbox() as sandbox:
        report = grade_file(JACOBIAN, answer, sandbox, seed=0).report
    assert report.status == "fail"
    assert all(expected in test.message for test in report.tests)


def mistake_forms():
    J, (x, y, p, q, r, s, t, u) = sympy_answer()
    sig = lambda z: 1 / (1 + sp.exp(-z))  # noqa: E731
    zs = [(p, q, p * x + q * y), (r, s, r * x + s * y), (t, u, t * x + u * y)]
    return {
        "This is the transpose": J.T,
        "without the inner derivative": sp.Matrix([[sig(z) * (1 - sig(z))] * 2 for _, _, z in zs]),
        "p·σ instead of p·σ(1 − σ)": sp.Matrix([[a * sig(z), b * sig(z)] for a, b, z in zs]),
        "opposite sign": sp.Matrix([1 / (1 + sp.exp(z)) for _, _, z in zs]).jacobian([x, y]),
        "columns are swapped": J[:, ::-1],
        "fixed at the spot value": J.subs({p: 1, q: 2, r: -1, s: 0.5, t: 3, u: -2}),
    }


@pytest.mark.parametrize("expected", list(mistake_forms()))
def test_jacobian_mistakes_are_named(expected):
    answer = module(jacobian=mistake_forms()[expected])
    for seed in range(5):
        verdicts = simulate(JACOBIAN, seed, answer)
        assert "fail" in statuses(verdicts)
        assert expected in text_of(verdicts)


def test_random_values_keep_the_sigmoids_away_from_saturation():
    checker = JACOBIAN.module("checker")
    for seed in range(50):
        for point in checker.random_points(np.random.default_rng(seed), 7):
            for a, b in checker._coefficients(point):
                assert 0.3 <= abs(a) <= 2 and 0.3 <= abs(b) <= 2
                assert abs(a * point["x"] + b * point["y"]) <= 4


# --- lesson 7: the demo -----------------------------------------------------------------


def test_svm_demo_numbers_and_plot(tmp_path):
    console = Console(record=True, width=80, color_system=None)
    ctx = run_demo(SVM, console, tmp_path)
    results = ctx.results
    assert results["success"] is True
    assert results["objective"] == pytest.approx(8 / 9, abs=1e-8)
    assert results["solution"] == pytest.approx([2 / 3, 2 / 3, -1], abs=1e-6)
    assert results["margin"] == pytest.approx(3 / (2 * np.sqrt(2)), abs=1e-6)  # 1.0607
    assert results["width"] == pytest.approx(2.1213, abs=1e-4)
    assert results["multipliers"] == pytest.approx([8 / 9, 4 / 9, 4 / 9], abs=1e-6)
    assert results["support_vectors"] == [0, 1, 2]
    assert [path.name for path in ctx.saved] == ["lesson07-svm.png"]
    assert image_ok(ctx.saved[0])


# --- lesson 7: hidden data and judges ---------------------------------------------------


def slsqp_line(points, labels, **options):
    from scipy.optimize import minimize

    P, L = np.asarray(points, float), np.asarray(labels, float)
    result = minimize(
        lambda w: w[0] ** 2 + w[1] ** 2,
        [1.0, 1.0, 1.0],
        method="SLSQP",
        bounds=[(-10, 10)] * 3,
        options=options,
        constraints=[{"type": "ineq", "fun": lambda w: L * (P @ w[:2] + w[2]) - 1}],
    )
    return result.x


def test_hidden_data_sets_follow_the_course_rules():
    from scipy.optimize import nnls

    checker = SVM.module("checker")
    support_counts = set()
    for seed in range(40):
        sets = checker.hidden_data_sets(np.random.default_rng(seed))
        # The contract's bounds are reached: 2 and 40 points, a margin just above 1.
        sizes = [len(data.points) for data in sets]
        assert min(sizes) <= 3 and max(sizes) == 40
        nearest = [
            np.delete(d.margins(d.line), d.support).min() for d in sets if len(d.points) > len(d.support)
        ]
        assert all(1.01 <= m <= 1.2 for m in nearest)
        # Each set is followed by a twin: moved (the same size and labels, another line), or
        # relabelled (the same points, every label flipped, the line (−a, −b, −c)).
        for first, twin in zip(sets[::2], sets[1::2]):
            assert twin.twin_of is first and len(twin.points) == len(first.points)
            if twin.same == "labels":
                assert twin.labels == first.labels and abs(twin.line[2] - first.line[2]) > 0.5
            else:
                assert twin.points == first.points and twin.labels == [-label for label in first.labels]
                assert np.allclose(twin.line, -first.line)
        for data in sets:
            a, b, c = data.line
            assert 2 <= len(data.points) <= 40
            assert max(abs(a), abs(b), abs(c)) <= 5
            assert 2 <= len(data.support) <= 3  # the contract: λ is unique up to 3
            support_counts.add(len(data.support))
            margins = data.margins(data.line)
            on_margin = np.flatnonzero(np.abs(margins - 1) < 1e-9).tolist()
            assert on_margin == data.support
            assert np.all(np.delete(margins, data.support) > 1.01)  # off the margin
            # KKT: (2a, 2b, 0) = Σ λᵢ·ℓᵢ·(xᵢ, yᵢ, 1) over the support vectors, with λ ≥ 0
            xy, labels = np.array(data.points)[data.support], np.array(data.labels)[data.support]
            grads = (labels[:, None] * np.column_stack([xy, np.ones(len(xy))])).T
            multipliers, residual = nnls(grads, np.array([2 * a, 2 * b, 0.0]))
            assert residual < 1e-9
            assert np.linalg.matrix_rank(grads) == len(data.support)  # λ is unique ...
            assert np.all(multipliers > 1e-6)  # ... and positive for every support vector
            # an independent solver agrees
            assert np.allclose(slsqp_line(data.points, data.labels, ftol=1e-9), data.line, atol=1e-5)
    assert support_counts == {2, 3}


def svm_answer(line, support=None):
    """An answer module from a line function; support vectors by margin unless given."""

    def support_vectors(points, labels):
        w = np.asarray(slsqp_line(points, labels))
        margins = np.asarray(labels) * (np.asarray(points) @ w[:2] + w[2])
        return np.flatnonzero(np.abs(margins - 1) < 1e-3)

    return module(svm_line=line, support_vectors=support or support_vectors)


def dual_line(points, labels):
    """A hand-written dual: max Σα − ½ αᵀKα, α ≥ 0, Σ αℓ = 0 (objective ½(a² + b²))."""
    from scipy.optimize import minimize

    X, y = np.asarray(points, float), np.asarray(labels, float)
    Z = y[:, None] * X
    K = Z @ Z.T
    alpha = minimize(
        lambda a: 0.5 * a @ K @ a - a.sum(),
        np.zeros(len(y)),
        jac=lambda a: K @ a - 1,
        method="SLSQP",
        bounds=[(0, None)] * len(y),
        options={"ftol": 1e-12, "maxiter": 500},
        constraints=[{"type": "eq", "fun": lambda a: a @ y, "jac": lambda a: y}],
    ).x
    w = alpha @ Z
    sv = alpha > 1e-6 * alpha.max()
    return [w[0], w[1], float(np.mean(y[sv] - X[sv] @ w))]


def dict_constraints_line(points, labels):
    from scipy.optimize import minimize

    constraints = [
        {"type": "ineq", "fun": lambda w, x=x, y=y, k=k: k * (w[0] * x + w[1] * y + w[2]) - 1}
        for (x, y), k in zip(points, labels)
    ]
    return minimize(lambda w: w[0] ** 2 + w[1] ** 2, (1, 1, 1), method="SLSQP", constraints=constraints).x


@pytest.mark.parametrize(("line", "seeds"), [(slsqp_line, 20), (dual_line, 1), (dict_constraints_line, 6)])
def test_correct_svm_styles_pass(line, seeds):
    for seed in range(seeds):
        verdicts = simulate(SVM, seed, svm_answer(line))
        assert statuses(verdicts) == {"pass"}, (seed, text_of(verdicts))


def perceptron_line(points, labels):
    P = np.column_stack([np.asarray(points, float), np.ones(len(points))])
    L = np.asarray(labels, float)
    w = np.zeros(3)
    for _ in range(10_000):
        wrong = np.flatnonzero(L * (P @ w) <= 0)
        if not len(wrong):
            break
        w += L[wrong[0]] * P[wrong[0]]
    return w / np.min(L * (P @ w))


@pytest.mark.parametrize(
    ("line", "support", "expected"),
    [
        (perceptron_line, None, "separates the two classes, but its margin"),
        (lambda P, L: 2 * slsqp_line(P, L), None, "This is the right line, but scaled by 2"),
        (lambda P, L: slsqp_line(P, L) / np.hypot(*slsqp_line(P, L)[:2]), None, "a unit normal"),
        (lambda P, L: slsqp_line(P, [-v for v in L]), None, "as if the labels' signs were swapped"),
        (lambda P, L: (2 / 3, 2 / 3, -1.0), lambda P, L: [0, 3, 4], "This is the exercise's line"),
        (slsqp_line, lambda P, L: [0, 3, 4], "[0, 3, 4] is the exercise's answer"),
        (
            slsqp_line,
            lambda P, L: [i + 1 for i in svm_answer(slsqp_line).support_vectors(P, L)],
            "Indices start at 0",
        ),
        (
            slsqp_line,
            lambda P, L: np.abs(L * (np.asarray(P) @ slsqp_line(P, L)[:2] + slsqp_line(P, L)[2]) - 1) < 1e-3,
            "turn it into indices",
        ),
    ],
)
def test_svm_mistakes_are_named(line, support, expected):
    for seed in range(5):
        verdicts = simulate(SVM, seed, svm_answer(line, support))
        assert "fail" in statuses(verdicts)
        assert expected in text_of(verdicts), text_of(verdicts)


def test_unsorted_support_vectors_are_asked_to_be_sorted():
    answer = svm_answer(slsqp_line, lambda P, L: [4, 3, 0] if len(P) == 6 else [])
    verdicts = simulate(SVM, 0, answer)
    assert "return each index once, in increasing order" in text_of(verdicts)


# --- both, through the sandbox -------------------------------------------------------------


@pytest.fixture(scope="module")
def sandbox():
    with open_sandbox() as pool:
        yield pool


ANSWERS = {
    "jacobian": textwrap.dedent(
        """
        import sympy as sp

        x, y = sp.symbols("x y", real=True)
        p, q, r, s, t, u = sp.symbols("p q r s t u", real=True)
        sigma = lambda z: 1 / (1 + sp.exp(-z))
        rows = [(p, q), (r, s), (t, u)]
        J = [[a * sigma(a * x + b * y) * (1 - sigma(a * x + b * y)),
              b * sigma(a * x + b * y) * (1 - sigma(a * x + b * y))] for a, b in rows]
        jacobian = sp.lambdify((x, y, p, q, r, s, t, u), sp.Matrix(J))
        """
    ),
    "svm": textwrap.dedent(
        """
        import numpy as np
        from scipy.optimize import minimize

        def svm_line(points, labels):   # the dual, by hand: objective ½(a² + b²)
            X, y = np.array(points), np.array(labels, float)
            K = (y[:, None] * X) @ (y[:, None] * X).T
            alpha = minimize(lambda a: 0.5 * a @ K @ a - a.sum(), np.zeros(len(y)),
                             jac=lambda a: K @ a - 1, method="SLSQP", bounds=[(0, None)] * len(y),
                             constraints={"type": "eq", "fun": lambda a: a @ y},
                             options={"ftol": 1e-12, "maxiter": 500}).x
            w = alpha @ (y[:, None] * X)
            k = int(np.argmax(alpha))
            return np.array([w[0], w[1], y[k] - X[k] @ w])

        def support_vectors(points, labels):
            a, b, c = svm_line(points, labels)
            margins = np.array(labels) * (np.array(points) @ [a, b] + c)
            return np.flatnonzero(np.isclose(margins, 1, atol=1e-3))
        """
    ),
}


@pytest.mark.parametrize("slug", ["jacobian", "svm"])
def test_other_style_answer_passes_in_the_sandbox(slug, sandbox, tmp_path):
    answer = tmp_path / "answer.py"
    answer.write_text(ANSWERS[slug])
    report = grade_file(CATALOG.find(slug), answer, sandbox, seed=5).report
    assert report.status == "pass", [(t.name, t.message) for t in report.tests]


def test_undefined_function_is_named_through_the_sandbox(sandbox, tmp_path):
    answer = tmp_path / "answer.py"
    answer.write_text(
        "import sympy as sp\nx = sp.Symbol('x')\njacobian = sp.Matrix([[sp.Function('sig')(x)]])\n"
    )
    report = grade_file(JACOBIAN, answer, sandbox, seed=5).report
    assert report.status == "fail"
    assert all("undefined function sig" in test.message for test in report.tests)
