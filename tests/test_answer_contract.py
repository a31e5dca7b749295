"""docs/answer-contract.md is the one reference for answers: every exercise points to it,
nothing points to a file outside the project, and the numbers it states are the checkers'."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from calccourse.discovery import discover

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = (ROOT / "docs" / "answer-contract.md").read_text(encoding="utf-8")
CATALOG = discover(use_entry_points=False)


def section(number: int) -> str:
    """The contract's part for one lesson."""
    return CONTRACT.split(f"### Lesson {number} ")[1].split("### Lesson")[0]


def test_every_exercise_points_to_the_contract():
    for exercise in sorted((ROOT / "lessons").glob("*/exercise.md")):
        assert "docs/answer-contract.md" in exercise.read_text(encoding="utf-8"), exercise


def test_nothing_cites_a_file_outside_the_project():
    cited = [
        str(path.relative_to(ROOT))
        for folder in ("calccourse", "lessons", "tests", "docs")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".md"}
        and path != Path(__file__).resolve()
        and "course.md" in path.read_text(encoding="utf-8")
    ]
    cited += ["README.md"] if "course.md" in (ROOT / "README.md").read_text(encoding="utf-8") else []
    assert cited == []


@pytest.mark.parametrize(
    ("number", "slug", "stated"),
    [
        (3, "gradient", {"LENGTH_TOLERANCE": "within 2%", "ANGLE_TOLERANCE": "2°"}),
        (6, "optimisation", {"TOLERANCE": "within 1e-4", "NEAR": "1.2e-3", "CLOSE": "1.05e-2"}),
        (7, "svm", {"ON_MARGIN": "within 1e-3 of 1", "HIDDEN_TOLERANCE": "1e-3·|(a, b, c)|"}),
        (5, "backpropagation", {"RTOL": "relative tolerance 1e-6", "ATOL": "absolute\n  1e-9"}),
        (4, "jacobian", {"RTOL": "Relative and absolute tolerance 1e-6"}),
    ],
)
def test_the_contract_states_each_checkers_tolerances(number, slug, stated):
    checker = CATALOG.find(slug).module("checker")
    text = section(number)
    for name, words in stated.items():
        value = getattr(checker, name)
        assert words in text, (name, words)
        shown = re.search(r"(\d+(?:\.\d+)?(?:e-\d+)?)", words.replace("2%", "0.02").replace("2°", "2.0"))
        assert shown is not None and float(shown.group(1)) == pytest.approx(value), (name, value)
