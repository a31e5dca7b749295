"""Lesson 5 (backpropagation): the demo trains for real, the checker's references are
right, other answer styles pass and wrong ones fail with the right feedback."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from calccourse.demo import run_demo
from calccourse.discovery import discover
from calccourse.grading import plan
from calccourse.sandbox import open_sandbox
from tests.conftest import grade_file, judged

PLUGIN = discover(use_entry_points=False).find("backpropagation")
CHECKER = PLUGIN.module("checker")
NETWORK = PLUGIN.module("network")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    console = Console(record=True, width=80, color_system=None)
    ctx = run_demo(PLUGIN, console, tmp_path_factory.mktemp("plots"))
    return ctx, console.export_text()


def test_demo_trains_the_course_network(demo):
    ctx, text = demo
    results = ctx.results
    assert results["gradient_check"] < 1e-6  # backward() agrees with finite differences
    assert results["loss_before"] == pytest.approx(math.log(2), abs=0.005)  # mean, not sum
    assert 0.4 < results["accuracy_before"] < 0.6
    assert results["accuracy_after"] >= 0.95  # held-out points
    assert results["train_accuracy_after"] >= 0.95
    assert results["loss_after"] < 0.1
    assert results["original_step_accuracy"] < 0.9  # the original's effective step fails
    assert "0.6931" in text and "Progress" in text


def test_demo_saves_training_curves_and_boundary(demo):
    import matplotlib.image

    ctx, _ = demo
    names = sorted(path.name for path in ctx.saved)
    assert names == ["lesson05-boundary.png", "lesson05-training.png"]
    for path in ctx.saved:
        assert matplotlib.image.imread(path).shape[0] > 300


def test_explanation_shows_the_real_backward():
    import inspect

    source = inspect.getsource(NETWORK.backward)
    for line in ("dz = da * g_prime(z_s[l])", "da = dz @ W.T", "grads[l] = (a_s[l].T @ dz, dz.sum(axis=0))"):
        assert line in source and line in PLUGIN.explanation


def test_circles_are_balanced_and_shaped_like_make_circles():
    X, y = NETWORK.make_circles(1000, np.random.default_rng(3))
    assert X.shape == (1000, 2) and y.shape == (1000, 1) and y.sum() == 500
    radius = np.linalg.norm(X, axis=1)
    assert np.median(radius[y.ravel() == 0]) == pytest.approx(1.0, abs=0.05)
    assert np.median(radius[y.ravel() == 1]) == pytest.approx(0.5, abs=0.05)


def central_differences(f, array, h=1e-6):
    """∂f/∂array entry by entry; f returns a number or an array (then one column per entry)."""
    columns = []
    for index in np.ndindex(array.shape):
        step = np.zeros_like(array)
        step[index] = h
        columns.append((np.asarray(f(array + step)) - np.asarray(f(array - step))) / (2 * h))
    return np.array(columns).T.reshape(np.shape(f(array)) + array.shape)


@pytest.mark.parametrize("seed", range(5))
def test_references_agree_with_finite_differences(seed):
    """The exact Jacobian and gradients the checker uses are what a gradient check gives."""
    for layer in CHECKER.random_layers(np.random.default_rng(seed)):
        assert layer.W.shape[0] != layer.W.shape[1]
        gradient_check(layer)


def gradient_check(layer) -> None:
    W, b, x, da, g = layer.W, layer.b, layer.x, layer.da, layer.g
    assert np.allclose(layer.jacobian(), central_differences(lambda x_: g(x_ @ W + b), x), atol=1e-7)
    dW, db, dx = layer.backward()
    assert np.allclose(dW, central_differences(lambda W_: da @ g(x @ W_ + b), W), atol=1e-7)
    assert np.allclose(db, central_differences(lambda b_: da @ g(x @ W + b_), b), atol=1e-7)
    assert np.allclose(dx, central_differences(lambda x_: da @ g(x_ @ W + b), x), atol=1e-7)


# Answers judged in this process (values converted as the sandbox converts them).
STYLES = {
    "diag_matmul": """
        def dense_jacobian(W, b, x, g_prime):
            return np.diag(g_prime(x @ W + b)) @ W.T
        def backward_step(W, b, x, da, g_prime):
            dz = da * g_prime(x @ W + b)
            return np.outer(x, dz), dz, dz @ W.T
    """,
    "einsum": """
        def dense_jacobian(W, b, x, g_prime):
            return np.einsum("j,ij->ji", g_prime(np.einsum("i,ij->j", x, W) + b), W)
        def backward_step(W, b, x, da, g_prime):
            dz = da * g_prime(x @ W + b)
            return np.einsum("i,j->ij", x, dz), dz, np.einsum("ij,j->i", W, dz)
    """,
    "loops": """
        def dense_jacobian(W, b, x, g_prime):
            N, M = len(W), len(W[0])
            z = [sum(x[i] * W[i][j] for i in range(N)) + b[j] for j in range(M)]
            return [[float(g_prime(z[j])) * W[i][j] for i in range(N)] for j in range(M)]
        def backward_step(W, b, x, da, g_prime):
            N, M = len(W), len(W[0])
            z = [sum(x[i] * W[i][j] for i in range(N)) + b[j] for j in range(M)]
            dz = [da[j] * float(g_prime(z[j])) for j in range(M)]
            dW = [[x[i] * dz[j] for j in range(M)] for i in range(N)]
            return dW, dz, [sum(dz[j] * W[i][j] for j in range(M)) for i in range(N)]
    """,
    "row_vectors_1xM": """
        def dense_jacobian(W, b, x, g_prime):
            return g_prime(x.reshape(1, -1) @ W + b).reshape(-1, 1) * W.T
        def backward_step(W, b, x, da, g_prime):
            x, da = x.reshape(1, -1), da.reshape(1, -1)
            dz = da * g_prime(x @ W + b)
            return x.T @ dz, dz, dz @ W.T
    """,
    "columns_Mx1": """
        def dense_jacobian(W, b, x, g_prime):
            return np.diagflat(g_prime(W.T @ x[:, None] + b[:, None])) @ W.T
        def backward_step(W, b, x, da, g_prime):
            J = dense_jacobian(W, b, x, g_prime)
            dz = (da * g_prime(W.T @ x + b))[:, None]
            return np.outer(x, dz), dz, J.T @ da[:, None]
    """,
    "sympy_matrices": """
        import sympy as sp
        def dense_jacobian(W, b, x, g_prime):
            return sp.diag(*[float(v) for v in g_prime(x @ W + b)]) * sp.Matrix(W.T)
        def backward_step(W, b, x, da, g_prime):
            dz = sp.Matrix(da * g_prime(x @ W + b))
            return sp.Matrix(x) * dz.T, list(dz), sp.Matrix(W) * dz
    """,
}
WRONG = {
    "w_instead_of_wt": ("return W * g_prime(x @ W + b)", None, "you used W where the Jacobian needs Wᵀ"),
    "no_g_prime": ("return W.T", "dz = da", "g′(z) is missing"),
    "g_prime_of_a": (
        "return np.diag(g_prime(1 / (1 + np.exp(-(x @ W + b))))) @ W.T",
        "dz = da * g_prime(1 / (1 + np.exp(-(x @ W + b))))",
        "g′(a) instead of g′(z)",
    ),
    "g_prime_of_x": ("return W.T * g_prime(x)", None, "g′(a) instead of g′(z)"),
    "no_b": ("return np.diag(g_prime(x @ W)) @ W.T", "dz = da * g_prime(x @ W)", "leaving out b"),
    "g_prime_twice": (
        "return np.diag(2 * g_prime(x @ W + b)) @ W.T",
        "dz = 2 * da * g_prime(x @ W + b)",
        "by the wrong numbers",
    ),
}


def load(source: str):
    namespace: dict = {"np": np}
    exec(textwrap.dedent(source), namespace)  # noqa: S102
    return namespace


def judge_in_process(answer: dict, seed: int):
    results = judged(PLUGIN, answer, plan(PLUGIN, seed)[:2])
    return {name.split(":")[0]: result for name, result in results.items()}


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("style", STYLES)
def test_every_correct_style_passes(style, seed):
    for verdict in judge_in_process(load(STYLES[style]), seed).values():
        assert verdict.status == "pass", verdict.message


def wrong_answer(jacobian: str, dz: str | None) -> dict:
    return load(f"""
        def dense_jacobian(W, b, x, g_prime):
            {jacobian}
        def backward_step(W, b, x, da, g_prime):
            {dz or "dz = da * g_prime(x @ W + b)"}
            return np.outer(x, dz), dz, dz @ W.T
    """)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("mistake", WRONG)
def test_mistakes_fail_with_their_feedback(mistake, seed):
    jacobian, dz, feedback = WRONG[mistake]
    verdicts = judge_in_process(wrong_answer(jacobian, dz), seed)
    assert verdicts["dense_jacobian"].status == "fail"
    assert feedback in verdicts["dense_jacobian"].feedback
    if dz is not None:
        assert verdicts["backward_step"].status == "fail"
        assert feedback in verdicts["backward_step"].feedback
    else:
        assert verdicts["backward_step"].status == "pass"


def test_outer_product_in_the_wrong_order():
    answer = load("""
        def backward_step(W, b, x, da, g_prime):
            dz = da * g_prime(x @ W + b)
            return np.outer(dz, x), dz, W @ dz
    """)
    (result,) = judged(PLUGIN, answer, [plan(PLUGIN, 4)[1]]).values()
    assert result.status == "fail"
    assert "the outer product is in the wrong order" in result.feedback


def bonus(values):
    test = plan(PLUGIN, 7)[2]
    assert test.bonus
    answer = dict(zip(("HIDDEN_LAYERS", "LEARNING_RATE", "EPOCHS"), values))
    (result,) = judged(PLUGIN, answer, [test]).values()
    return result


def test_bonus_trains_the_course_network_with_the_settings():
    verdict = bonus([[8, 6], 0.5, 1000])
    assert verdict.status == "pass", verdict.message
    assert "[2, 8, 6, 1]" in verdict.message
    diverged = bonus([[4, 3], 50.0, 100])
    assert diverged.status == "fail" and "smaller learning rate" in diverged.feedback


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([[4, 0], 0.5, 100], "from 1 to 32"),
        (["4, 3", 0.5, 100], "HIDDEN_LAYERS is"),
        ([[], 0.5, 100], "HIDDEN_LAYERS is"),
        ([[4, True], 0.5, 100], "whole number"),
        ([[4, 3], -0.5, 100], "positive"),
        ([[4, 3], float("nan"), 100], "finite"),
        ([[4, 3], 0.5, 6000], "from 1 to 5000"),
        ([[4, 3], 0.5, 2.5], "whole number"),
    ],
)
def test_bonus_rejects_bad_settings_before_training(values, message):
    verdict = bonus(values)
    assert verdict.status == "fail" and message in verdict.message


def test_checked_through_the_sandbox(tmp_path):
    """Arrays and functions reach the answer; shapes (1, M) and (M, 1) come back fine;
    the bonus is optional: without it the answer passes."""
    answer = tmp_path / "answer.py"
    answer.write_text("import numpy as np\n" + textwrap.dedent(STYLES["columns_Mx1"]))
    with open_sandbox() as sandbox:
        report = grade_file(PLUGIN, answer, sandbox, seed=11).report
    statuses = {test.name: (test.status, test.required) for test in report.tests}
    assert report.status == "pass", [test.message for test in report.tests]
    assert [required for _, required in statuses.values()] == [True, True, False]
    assert report.exit_code == 0


def test_missing_bonus_does_not_change_the_verdict(tmp_path):
    answer = tmp_path / "answer.py"
    answer.write_text(Path(PLUGIN.folder / "solution.py").read_text().split("# Bonus")[0])
    with open_sandbox() as sandbox:
        report = grade_file(PLUGIN, answer, sandbox, seed=12).report
    bonus_result = report.tests[2]
    assert report.status == "pass" and bonus_result.status != "pass" and not bonus_result.required
    assert "HIDDEN_LAYERS" in bonus_result.message
