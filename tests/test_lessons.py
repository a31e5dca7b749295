"""Every discovered lesson proves itself: solution passes, template not started, mistakes caught,
demo runs and saves valid plots. A new lesson is tested by adding it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.console import Console

from calccourse.authoring import check_lesson
from calccourse.course import Course
from calccourse.demo import run_demo
from calccourse.discovery import discover
from calccourse.grading import plan
from calccourse.plotting import save_check_plot
from calccourse.sandbox.portable import PortableSandbox
from calccourse.sandbox.runner import Sandbox
from tests.conftest import grade_file

LESSONS = discover(use_entry_points=False).lessons
PLOTTED = [p for p in LESSONS if any(test.plot for test in plan(p, 0))]  # a check draws the answer


@pytest.fixture(scope="module", params=["fork", "portable"])
def sandbox(request):
    """Both ways of running answers, to the same verdicts: Linux's fork from a warm worker,
    and the single-use interpreters that Windows and macOS use."""
    with Sandbox() if request.param == "fork" else PortableSandbox() as pool:
        yield pool


@pytest.mark.parametrize("plugin", LESSONS, ids=lambda p: p.slug)
@pytest.mark.parametrize("seed", [0, 20261126])
def test_lesson_proves_itself(plugin, seed, sandbox, tmp_path):
    def check(plugin, path, limits, tests):
        return Course().check(plugin, path, limits, record=False, sandbox=sandbox, tests=tests)

    findings = list(check_lesson(plugin, check, tmp_path, [seed], run_demos=False))
    failed = [f"{f.what}: {f.detail}" for f in findings if not f.ok]
    assert not failed, "\n".join(failed)
    assert any(f.what.startswith("mistake ") for f in findings)


@pytest.mark.parametrize("plugin", LESSONS, ids=lambda p: p.slug)
def test_lesson_has_prose_hints_and_names(plugin):
    assert len(plugin.explanation.split()) > 150
    assert len(plugin.hints) >= 3
    for signature in plugin.lesson.answer:
        name = signature.split("(")[0]
        assert name in plugin.exercise, f"exercise.md does not mention {name}"
        assert name in plugin.template and name in plugin.solution


@pytest.mark.parametrize("plugin", LESSONS, ids=lambda p: p.slug)
def test_code_in_lesson_texts_is_python_a_learner_can_paste(plugin):
    """Inline code holds Python's minus, not the typeset − (pasted, it is a SyntaxError)."""
    texts = [plugin.explanation, plugin.exercise, *plugin.hints]
    typeset = [span for text in texts for span in re.findall(r"`[^`\n]+`", text) if "−" in span]
    assert not typeset, typeset


@pytest.mark.parametrize("plugin", LESSONS, ids=lambda p: p.slug)
def test_demo_saves_valid_plots(plugin, tmp_path):
    import matplotlib.image

    console = Console(record=True, width=80, color_system=None)
    ctx = run_demo(plugin, console, tmp_path)
    assert ctx.saved, "a demo saves at least one plot"
    printed = console.export_text().replace("\n", "")
    for path in ctx.saved:
        assert path.parent == tmp_path and path.name.startswith(f"lesson{plugin.number:02d}-")
        image = matplotlib.image.imread(path)
        assert image.shape[0] > 200 and image.shape[1] > 200
        assert f"saved plot: {path}" in printed


@pytest.mark.parametrize("plugin", PLOTTED, ids=lambda p: p.slug)
def test_check_draws_a_wrong_answer_against_the_reference(plugin, sandbox, tmp_path):
    import matplotlib.image

    mistake = plugin.mistakes[0].path
    graded = grade_file(plugin, mistake, sandbox, seed=3)
    assert graded.report.status == "fail"
    path = save_check_plot(plugin.number, graded.tests, graded.values, tmp_path)
    assert path is not None and path.name == f"lesson{plugin.number:02d}-check.png"
    assert matplotlib.image.imread(path).shape[0] > 200


def test_every_bundled_lesson_is_here():
    assert [p.slug for p in LESSONS] == [
        "derivatives",
        "integrals",
        "gradient",
        "jacobian",
        "backpropagation",
        "optimisation",
        "svm",
    ]
    assert all(Path(p.folder).parent.name == "lessons" for p in LESSONS)
