"""Progress that matches what the learner did, and commands that find the lesson they are on:
reading a lesson opens it, `hint --all` counts, `hint`/`check`/`solution` default to the
current lesson, `solution` before a pass says what it skips, the bonus shows its accuracy."""

from __future__ import annotations

import re


def row(output: str, number: int) -> str:
    return next(line for line in output.splitlines() if re.match(rf"^│\s*{number} │", line))


def test_reading_a_lesson_opens_it_and_next_moves_on_to_start(run):
    assert "new" in row(run("progress").output, 1)
    read = run("lesson", "1", "--no-pager", "--out", "plots")
    assert read.exit_code == 0, read.output
    assert "started" in row(run("progress").output, 1)
    following = run("next")
    assert following.exit_code == 0
    assert "calccourse start 1" in following.output and "calccourse lesson 1" not in following.output


def test_hint_all_counts_every_hint(run, catalog):
    count = len(catalog.find("2").hints)
    assert run("hint", "2", "--all").exit_code == 0
    assert "started" in row(run("progress").output, 2)
    # The ladder is climbed: the next single hint is the last one again.
    assert f"Hint {count} of {count}" in run("hint", "2").output


def test_hint_check_and_solution_default_to_the_lesson_you_are_on(run, tmp_path, catalog):
    (tmp_path / "lesson02.py").write_text(catalog.find("2").solution)
    hinted = run("hint")
    assert hinted.exit_code == 0 and "lesson 2" in hinted.output
    checked = run("check", "--no-plot")
    assert checked.exit_code == 0, checked.output
    assert "lesson 2" in checked.output and "All tests passed" in checked.output
    shown = run("solution", "--no-pager")
    assert shown.exit_code == 0 and "def area" in shown.output
    assert "not passed yet" not in shown.output  # passed: nothing to ask


def test_solution_before_a_pass_says_what_it_skips(run):
    first = run("solution", "3", "--no-pager")
    assert first.exit_code == 0
    said = " ".join(first.output.split())
    assert "lesson 3 is not passed yet" in said and "without asking (not a terminal" in said
    assert "def steepest_ascent" in first.output
    quiet = run("solution", "3", "--no-pager", "--yes")
    assert quiet.exit_code == 0 and "not passed yet" not in quiet.output


def test_bonus_shows_its_accuracy_without_verbose(run, tmp_path, catalog):
    (tmp_path / "mine.py").write_text(catalog.find("5").solution)
    result = run("check", "5", "mine.py", "--no-plot")
    assert result.exit_code == 0, result.output
    assert re.search(r"trained \[2, .*\] for \d+ epochs .*% of held-out points", result.output, re.S)
