"""The class view of one `grade` run: what the class got wrong, counted per test and per
named mistake, under (or instead of) the per-student table, and in the gradebook JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from calccourse import render
from tests.conftest import make_lesson

LESSONS = Path(__file__).resolve().parents[1] / "lessons"
DERIVATIVES = LESSONS / "01-derivatives"


@pytest.fixture
def klass(tmp_path: Path) -> Path:
    """Lesson 1: two right answers, each known mistake twice, the template, a syntax error."""
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("ada", "bob"):
        shutil.copy(DERIVATIVES / "solution.py", folder / f"{name}.py")
    for mistake in sorted((DERIVATIVES / "mistakes").glob("*.py")):
        for copy in ("a", "b"):
            shutil.copy(mistake, folder / f"{mistake.stem}-{copy}.py")
    shutil.copy(DERIVATIVES / "template.py", folder / "tim.py")
    (folder / "syd.py").write_text("def derivative(x:\n")
    (folder / "nobody").mkdir()  # a student folder with nothing in it
    return folder


def test_the_summary_counts_tests_and_named_mistakes(run, klass, tmp_path):
    result = run("grade", "1", str(klass), "--seed", "7", "--json", "g.json", "--jobs", "2")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "g.json").read_text())
    summary = data["summary"]
    mistakes = len(list((DERIVATIVES / "mistakes").glob("*.py")))
    assert summary["rows"] == 2 * mistakes + 5
    assert summary["counts"]["pass"] == 2 and summary["counts"]["missing"] == 1
    assert summary["counts"]["error"] == 1 and summary["errors"] == {"SyntaxError": 1}
    # every known mistake is named for both its copies, as one mistake of the class
    named = {tuple(m["students"]): m for m in summary["mistakes"]}
    for mistake in sorted((DERIVATIVES / "mistakes").glob("*.py")):
        pair = (f"{mistake.stem}-a", f"{mistake.stem}-b")
        assert any(set(pair) <= set(students) for students in named), mistake.stem
    assert all(m["count"] == len(m["students"]) for m in summary["mistakes"])
    # a mistake two tests named is one mistake, each answer counted once
    (twice,) = [m for m in summary["mistakes"] if "divides_twice-a" in m["students"]]
    assert len(twice["tests"]) == 2 and twice["students"] == ["divides_twice-a", "divides_twice-b"]
    tests = {t["name"]: t for t in summary["tests"]}
    assert len(tests) == 3 and all(t["passed"] >= 2 for t in tests.values())
    first = next(iter(tests.values()))
    assert first["passed"] + first["failed"] + first["errored"] == 2 * mistakes + 3  # all but the error
    scores = [row["score"] for row in data["results"] if row["score"] is not None]
    assert sum(bar["count"] for bar in summary["histogram"]) == len(scores)
    assert summary["mean"] == pytest.approx(sum(scores) / len(scores), abs=1e-3)
    screen = " ".join(result.output.split())
    assert f"{summary['rows']} entries: 2 pass" in screen
    assert "Named mistakes, most common first:" in screen
    assert "2 × " in screen and "Could not be run: 1 SyntaxError." in screen
    assert "2 of " in screen and "graded answers passed (seed 7)" in screen


def test_a_large_class_gets_the_summary_without_the_table(run, tmp_path):
    make_lesson(tmp_path / "lessons" / "tiny", 99, "tiny")
    folder = tmp_path / "big"
    folder.mkdir()
    for index in range(render_rows() + 1):
        body = "return 2 * x" if index % 3 else "return 3 * x"
        (folder / f"s{index:02d}.py").write_text(f"def double(x):\n    {body}\n")
    lessons = str(tmp_path / "lessons")
    quiet = run("--lessons-dir", lessons, "grade", "tiny", str(folder), "--jobs", "2")
    assert quiet.exit_code == 0, quiet.output
    assert "Gradebook" not in quiet.output and "s00" not in quiet.output.split("Slowest")[0]
    assert f"{render_rows() + 1} entries: 20 pass, 11 fail" in " ".join(quiet.output.split())
    full = run("--lessons-dir", lessons, "grade", "tiny", str(folder), "--jobs", "2", "--table")
    assert "Gradebook" in full.output and "s30" in full.output


def render_rows() -> int:
    from calccourse.outputs import TABLE_ROWS

    return TABLE_ROWS


def test_without_a_terminal_progress_is_a_line_with_an_eta(run, tmp_path, monkeypatch):
    make_lesson(tmp_path / "lessons" / "tiny", 99, "tiny")
    folder = tmp_path / "class"
    folder.mkdir()
    for index in range(6):
        (folder / f"s{index}.py").write_text("def double(x):\n    return 2 * x\n")
    monkeypatch.setattr(render, "PROGRESS_EVERY", 0.0)  # a line per answer, not every 5 s
    result = run("--lessons-dir", str(tmp_path / "lessons"), "grade", "tiny", str(folder), "-j", "1")
    lines = [line for line in result.stderr.splitlines() if line.startswith("grading lesson 99:")]
    assert lines, result.stderr
    assert "1/6 (16%)" in lines[0] and "answers/s, about" in lines[0] and lines[0].endswith("s left")
    assert not any("6/6" in line for line in lines)  # the summary says the end, not a 100% line
