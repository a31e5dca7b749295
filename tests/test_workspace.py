"""The learner's folder: one answer file per lesson, never overwritten, and `next`."""

from __future__ import annotations

import ast
import os
import re
import shlex
from pathlib import Path

import nbformat
import pytest

from calccourse.state import Progress

SLUGS = ["derivatives", "integrals", "gradient", "jacobian", "backpropagation", "optimisation", "svm"]


def suggested(output: str, verb: str) -> list[str]:
    """The arguments of every `calccourse <verb> ...` command the output quotes."""
    text = " ".join(output.split())
    return [shlex.split(found)[1:] for found in re.findall(rf"`(calccourse {verb}\b[^`]*)`", text)]


def commands_in(output: str) -> list[list[str]]:
    """The commands listed one a line (``  calccourse start 3   writes ...``)."""
    lines = re.findall(r"^\s+(calccourse \S+(?: \S+)*?)(?:\s{2,}|$)", output, re.MULTILINE)
    return [shlex.split(line)[1:] for line in lines]


def test_each_lessons_next_block_runs_as_printed_without_clashing(run, tmp_path):
    """The issue's path: lesson 1's advice, then lesson 2's; nothing is overwritten."""
    for number in ("1", "2"):
        listed = commands_in(run("exercise", number).output)
        assert listed[0] == ["start", number] and listed[1] == ["check", number], listed
        started = run(*listed[0])
        assert started.exit_code == 0, started.output
        (tmp_path / f"lesson0{number}.py").write_text(
            (tmp_path / f"lesson0{number}.py").read_text() + "# my work\n"
        )
        checked = run(*listed[1])
        assert checked.exit_code == 1, checked.output
        assert f"Checking lesson0{number}.py" in checked.output
        assert "Not started yet" in checked.output
    assert "# my work" in (tmp_path / "lesson01.py").read_text()
    assert sorted(p.name for p in tmp_path.glob("*.py")) == ["lesson01.py", "lesson02.py"]


def test_start_names_the_file_and_the_command_that_checks_it(run, tmp_path):
    result = run("start", "3")
    assert result.exit_code == 0, result.output
    written = (tmp_path / "lesson03.py").read_text()
    assert "NotImplementedError" in written
    assert "calccourse check 3 lesson03.py" in written  # the template's own advice is this file
    assert commands_in(result.output) == [["check", "3"]]
    other = run("start", "3", "mine.py")
    assert other.exit_code == 0
    assert "calccourse check 3 mine.py" in (tmp_path / "mine.py").read_text()
    assert commands_in(other.output) == [["check", "3", "mine.py"]]


def test_a_taken_name_is_never_overwritten_and_a_free_one_is_suggested(run, tmp_path):
    assert run("start", "3").exit_code == 0
    (tmp_path / "lesson03.py").write_text("my work\n")
    again = run("start", "3")
    assert again.exit_code == 2
    assert "lesson03.py already exists; nothing was overwritten" in again.output
    assert "--force" not in again.output
    assert (tmp_path / "lesson03.py").read_text() == "my work\n"
    fresh = suggested(again.output, "start")
    assert fresh == [["start", "3", "lesson03-2.py"]]
    assert suggested(again.output, "check") == [["check", "3"]]
    assert run(*fresh[0]).exit_code == 0
    assert "NotImplementedError" in (tmp_path / "lesson03-2.py").read_text()
    third = run("exercise", "3", "--template", "lesson03.py")  # the old way says the same
    assert third.exit_code == 2 and suggested(third.output, "start") == [["start", "3", "lesson03-3.py"]]


def test_force_still_replaces_for_scripts_but_is_not_advertised(run, tmp_path):
    (tmp_path / "answer.py").write_text("my work\n")
    forced = run("exercise", "3", "--template", "answer.py", "--force")
    assert forced.exit_code == 0
    assert "NotImplementedError" in (tmp_path / "answer.py").read_text()
    assert "--force" not in run("exercise", "--help").output


def test_check_without_a_file_finds_the_lessons_file_or_says_how_to_make_one(run, tmp_path):
    missing = run("check", "4")
    assert missing.exit_code == 2
    assert "there is no lesson04.py here" in missing.output
    assert ["start", "4"] in suggested(missing.output, "start")
    run("start", "4", "lesson04.ipynb")
    checked = run("check", "4", "--no-plot")
    assert "Checking lesson04.ipynb" in checked.output and "Not started yet" in checked.output
    run("start", "4")
    assert "Checking lesson04.py" in run("check", "4", "--no-plot").output  # .py first when both


def test_a_missing_named_file_suggests_the_command_that_creates_it(run):
    result = run("check", "2", "mine.py")
    assert result.exit_code == 2
    assert suggested(result.output, "start") == [["start", "2", "mine.py"]]


# ---------------------------------------------------------------- notebooks


def defined(node: ast.stmt) -> str | None:
    """The name a top-level function or assignment defines."""
    if isinstance(node, ast.FunctionDef):
        return node.name
    if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
        return node.targets[0].id
    return None


def solution_cells(template_cells: list[str], solution: str) -> list[str]:
    """The starter's code cells with the solution pasted in: each definition of the
    template replaced by the solution's, the solution's other code in the first cell."""
    nodes = ast.parse(solution).body
    pieces = {defined(node): ast.get_source_segment(solution, node) or "" for node in nodes}
    rest = [ast.get_source_segment(solution, n) or "" for n in nodes if defined(n) is None]
    cells = [
        "\n".join(pieces.pop(name) for name in map(defined, ast.parse(source).body) if name in pieces)
        for source in template_cells
    ]
    pieces.pop(None, None)
    cells[0] = "\n".join([*rest, *pieces.values(), cells[0]])
    return cells


@pytest.mark.parametrize("number", range(1, 8))
def test_a_starter_notebook_is_valid_reads_not_started_and_passes_with_the_solution(
    run, tmp_path, catalog, number
):
    plugin = catalog.find(str(number))
    result = run("start", str(number), f"lesson0{number}.ipynb")
    assert result.exit_code == 0, result.output
    path = tmp_path / f"lesson0{number}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.cells[0].cell_type == "markdown" and plugin.title in notebook.cells[0].source
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for name in plugin.lesson.names:
        assert sum(f"def {name}(" in c.source or f"{name} =" in c.source for c in code) == 1, name
    started = run("check", str(number), "--no-plot")
    assert started.exit_code == 1 and "Not started yet" in started.output
    for cell, source in zip(code, solution_cells([c.source for c in code], plugin.solution)):
        cell.source = source
    nbformat.write(notebook, path)
    solved = run("check", str(number), "--no-plot")
    assert solved.exit_code == 0, solved.output
    assert "All tests passed" in solved.output


# ---------------------------------------------------------------- what comes next


def passed(*slugs: str) -> None:
    progress = Progress(Path(os.environ["CALCCOURSE_HOME"]))
    for slug in slugs:
        progress.record_check(slug, "pass", 1, 1)


def test_next_on_a_fresh_start_is_lesson_1(run):
    result = run("next")
    assert result.exit_code == 0
    assert "Next: lesson 1 · Differential calculus" in result.output
    assert commands_in(result.output) == [["lesson", "1"]]
    assert "Next: calccourse lesson 1" in run("list").output


def test_next_and_list_point_at_the_first_lesson_not_passed(run, tmp_path):
    passed(*SLUGS[:6])
    result = run("next")
    assert "Next: lesson 7 · Support vector machine (new)" in result.output
    assert commands_in(result.output) == [["lesson", "7"]]
    assert "Next: calccourse lesson 7" in run("list").output
    assert "Start with" not in run("list").output
    run("start", "7")  # once its file is here, checking it is what comes next
    assert commands_in(run("next").output) == [["check", "7"]]
    assert "Next: calccourse check 7  (checks your lesson07.py)" in run("list").output


def test_next_after_every_lesson_says_so_and_points_at_progress(run):
    passed(*SLUGS)
    for command in ("next", "list"):
        result = run(command)
        assert result.exit_code == 0
        assert "Every lesson passed" in result.output
        assert "`calccourse progress`" in result.output


def test_a_passing_check_points_at_the_next_lesson_not_passed(run, tmp_path, catalog):
    passed("integrals")
    (tmp_path / "lesson01.py").write_text(catalog.find("1").solution)
    result = run("check", "1")
    assert result.exit_code == 0, result.output
    assert "Next: lesson 3 · Gradient of a multivariate function (new)" in result.output
    assert commands_in(result.output) == [["lesson", "3"]]
