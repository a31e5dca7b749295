"""Whatever an answer returns, every lesson's checker judges it: a failed test, never a checker crash."""

from __future__ import annotations

import pytest

from calccourse.discovery import discover
from calccourse.lesson import name_of
from calccourse.sandbox import open_sandbox
from tests.conftest import grade_file

LESSONS = discover(use_entry_points=False).lessons
STRANGE = [
    "None",
    "10**400",
    "'two'",
    "[1.0] * 5",
    "{'a': 1}",
    "float('nan')",
    "[[1.0, 2.0], [3.0]]",
    "True",
    "-1",
    "[]",
    "[[[0.0]]]",
    "10**5000",
    "float('inf')",
    "[float('nan')] * 3",
    "(1.0, 2.0)",
    "[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]",
    "[0.5, 1.5]",
    "lambda: 0",
    "__import__('numpy').zeros((2, 3, 4))",
]


@pytest.fixture(scope="module")
def sandbox():
    with open_sandbox() as pool:
        yield pool


@pytest.mark.parametrize("plugin", LESSONS, ids=lambda p: p.slug)
@pytest.mark.parametrize("value", STRANGE)
def test_strange_values_are_judged_not_crashed_on(plugin, value, sandbox, tmp_path):
    lines = []
    for signature in (*plugin.lesson.answer, *plugin.lesson.optional):
        name = name_of(signature)
        is_function = "(" in signature
        lines.append(f"def {name}(*args):\n    return {value}\n" if is_function else f"{name} = {value}\n")
    answer = tmp_path / "answer.py"
    answer.write_text("\n".join(lines))
    report = grade_file(plugin, answer, sandbox, seed=1, timeout=10).report
    crashed = [f"{t.name}: {t.message} ({t.location})" for t in report.tests if t.blame == "lesson"]
    assert not crashed, "\n".join(crashed)
    assert report.status == "fail"
