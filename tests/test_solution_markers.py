"""One source, two files: solution.py's marked regions make template.py (`dev template`),
`dev check` proves the two agree, and `dev new --pack` makes a whole installable pack."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from calccourse.markers import disagreement
from calccourse.scaffold import new_lesson
from tests.conftest import LESSON_FILES

ROOT = Path(__file__).resolve().parent.parent
MARKED = '''"""Lesson 8 answer file."""

import math

# BEGIN SOLUTION
SCALE = 2.0


def helper(x):
    """A helper only the solution has."""
    return SCALE * x
# END SOLUTION


def double(x):
    """Return twice x."""
    # BEGIN SOLUTION
    return helper(x)
    # END SOLUTION


rate = 0.5  # SOLUTION
'''
TEMPLATE = '''"""Lesson 8 answer file."""

import math

SCALE = None


def helper(x):
    """A helper only the solution has."""
    raise NotImplementedError


def double(x):
    """Return twice x."""
    raise NotImplementedError


rate = None
'''


def lesson_with(tmp_path: Path, solution: str) -> Path:
    folder = new_lesson(tmp_path / "lessons", 8, "softmax")
    (folder / "solution.py").write_text(solution)
    return folder


def test_dev_template_writes_the_template_from_the_marked_regions(tmp_path, run):
    folder = lesson_with(tmp_path, MARKED)
    result = run("--lessons-dir", str(tmp_path / "lessons"), "dev", "template", "8")
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output
    assert (folder / "template.py").read_text() == TEMPLATE


def test_dev_check_proves_the_template_agrees_with_the_solution(tmp_path, run):
    folder = lesson_with(
        tmp_path, MARKED.replace("return helper(x)", "return 2 * x").replace("SCALE = 2.0\n", "")
    )
    (folder / "template.py").write_text(LESSON_FILES["template.py"])  # written by hand, out of step
    result = run("--lessons-dir", str(tmp_path / "lessons"), "dev", "check", "8", "--no-demos")
    flat = " ".join(result.output.split())
    assert result.exit_code == 1, result.output
    assert "✗ lesson 8 (softmax) template matches the solution's markers: template.py is not what" in flat
    assert 'line 1 is \'def double(x):\'; the markers make \'"""Lesson 8 answer file."""\'' in flat
    assert "`calccourse dev template 8` writes it" in flat
    assert run("--lessons-dir", str(tmp_path / "lessons"), "dev", "template", "8").exit_code == 0
    again = run("--lessons-dir", str(tmp_path / "lessons"), "dev", "check", "8", "--no-demos")
    assert again.exit_code == 0, again.output
    assert "✓ lesson 8 (softmax) template matches the solution's markers" in again.output


def test_the_solution_command_shows_the_solution_without_its_markers(tmp_path, run):
    lesson_with(tmp_path, MARKED)
    result = run("--lessons-dir", str(tmp_path / "lessons"), "solution", "8", "--no-pager")
    assert result.exit_code == 0, result.output
    assert "SOLUTION" not in result.output
    assert "return helper(x)" in result.output and "rate = 0.5\n" in result.output


def test_markers_that_do_not_pair_up_are_named_with_their_line(tmp_path, run):
    lesson_with(tmp_path, "def double(x):\n    # BEGIN SOLUTION\n    return 2 * x\n")
    result = run("--lessons-dir", str(tmp_path / "lessons"), "dev", "template", "8")
    assert result.exit_code == 2
    assert "line 2: # BEGIN SOLUTION without its # END SOLUTION" in " ".join(result.output.split())


def test_the_example_pack_keeps_one_source():
    lesson = ROOT / "examples" / "lesson-pack" / "src" / "calccourse_taylor" / "taylor"
    solution = (lesson / "solution.py").read_text()
    assert "# BEGIN SOLUTION" in solution
    assert disagreement(solution, (lesson / "template.py").read_text()) is None


def test_dev_new_pack_makes_an_installable_pack_whose_tests_pass(tmp_path, run):
    result = run("dev", "new", "9", "soft-max", "--dir", str(tmp_path), "--pack")
    assert result.exit_code == 0, result.output
    pack = tmp_path / "calccourse-soft-max"
    lesson = pack / "src" / "calccourse_soft_max" / "soft_max"
    assert f"--lessons-dir {lesson} dev check 9" in " ".join(result.output.split())
    project = (pack / "pyproject.toml").read_text()
    assert '[project.entry-points."calccourse.lessons"]\nsoft-max = "calccourse_soft_max.soft_max"' in project
    assert 'packages = ["src/calccourse_soft_max"]' in project
    assert (pack / ".github" / "workflows" / "test.yml").is_file()
    checked = run("--lessons-dir", str(lesson), "dev", "check", "9", "--no-demos")
    assert checked.exit_code == 0, checked.output
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=pack,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "3 passed" in tests.stdout
