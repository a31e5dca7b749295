"""Check plots show the fault they are about: what a learner would see in the picture."""

from __future__ import annotations

import re
import textwrap

import matplotlib
import numpy as np
import pytest

from calccourse.plotting import check_figure
from calccourse.sandbox import open_sandbox
from tests.conftest import grade_file, make_lesson

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def sandbox():
    with open_sandbox() as pool:
        yield pool


def figure_of(catalog, sandbox, number: int, path):
    plugin = catalog.find(str(number))
    graded = grade_file(plugin, path, sandbox, seed=3)
    failed = [test.status != "pass" for test in graded.report.tests]
    figure = check_figure(number, graded.tests, graded.values, failed)
    assert figure is not None
    return graded, figure


def texts(figure) -> list[str]:
    return [text.get_text() for ax in figure.axes for text in ax.texts]


def panels(figure) -> list[str]:
    """The titles of the figure's panels (an inset is no panel)."""
    return [ax.get_title() for ax in figure.axes if ax.get_visible() and ax.get_title()]


def test_a_rescaled_svm_line_shows_other_margins_and_numbers_other_than_1(catalog, sandbox):
    mistake = catalog.find("7").folder / "mistakes" / "scaled.py"
    graded, figure = figure_of(catalog, sandbox, 7, mistake)
    failed = [t.name for t in graded.report.tests if t.status != "pass"]
    assert len(panels(figure)) == len(failed) == 2  # the passing support_vectors tests: not drawn
    for ax in figure.axes:
        lines = {line.get_label(): line for line in ax.lines}
        mine, theirs = lines["your margins, = ±1"], lines["its margins, = ±1"]
        assert not np.allclose(mine.get_xydata(), theirs.get_xydata(), atol=1e-2)
    shown = [t for ax in figure.axes for t in ax.texts if re.fullmatch(r"[\d.]+", t.get_text())]
    assert shown and all(float(t.get_text()) != 1 and t.get_color() == "tab:red" for t in shown)


def test_roots_2e_3_off_are_annotated_and_zoomed_on(catalog, sandbox, tmp_path):
    answer = tmp_path / "answer.py"
    answer.write_text(
        catalog.find("6").solution.replace("    return points\n", "    return [p + 2e-3 for p in points]\n")
    )
    _, figure = figure_of(catalog, sandbox, 6, answer)
    assert "2.0e-03 off" in texts(figure)
    zooms = [child for ax in figure.axes for child in ax.child_axes]
    assert zooms
    low, high = zooms[0].get_xlim()
    assert high - low < 0.05  # a view in which 2e-3 is a fifth of the width


def test_values_that_are_not_numbers_are_said_in_words(catalog, sandbox, tmp_path):
    answer = tmp_path / "answer.py"
    answer.write_text(
        "def derivative(x):\n    return str(3 * x**2 - 4 * x)\n\n"
        "def rate_of_change(f, x, dx):\n    return (f(x + dx) - f(x)) / dx\n"
    )
    _, figure = figure_of(catalog, sandbox, 1, answer)
    assert any(text.startswith("none of your answer's values is a number") for text in texts(figure))


@pytest.mark.parametrize(("number", "mistake"), [(4, "transpose"), (5, "w_instead_of_wt")])
def test_a_transposed_matrix_shows_its_shape(catalog, sandbox, number, mistake):
    _, figure = figure_of(
        catalog, sandbox, number, catalog.find(str(number)).folder / "mistakes" / f"{mistake}.py"
    )
    said = " ".join(texts(figure))
    assert re.search(r"yours is (\d) × (\d), expected \2 × \1", said), said


def test_lessons_4_and_5_draw_a_correct_answer_as_such_with_plot(run, catalog, tmp_path):
    for number in (4, 5):
        (tmp_path / f"lesson0{number}.py").write_text(catalog.find(str(number)).solution)
        result = run("check", str(number), "--plot")
        assert result.exit_code == 0
        assert f"saved plot: calccourse-plots/lesson0{number}-check.png" in result.output


def test_a_lesson_without_a_check_plot_says_so_when_one_is_asked_for(run, tmp_path):
    checker = textwrap.dedent(
        """
        from calccourse.author import Test, call

        def tests(rng):
            return [Test("double(2)", [call("double", 2.0)], lambda values: "ok")]
        """
    )
    make_lesson(tmp_path / "lessons" / "42-plain", 42, "plain", {"checker.py": checker})
    (tmp_path / "mine.py").write_text("def double(x):\n    return 2 * x\n")
    result = run("--lessons-dir", str(tmp_path / "lessons"), "check", "42", "mine.py", "--plot")
    assert result.exit_code == 0, result.output
    assert "Lesson 42 has no check plot" in result.output
