"""The commands as a learner types them: exit code first, then what they read."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

ESCAPE = re.compile(r"\x1b\[")
SLUGS = ["derivatives", "integrals", "gradient", "jacobian", "backpropagation", "optimisation", "svm"]


def test_help_lists_every_command_with_a_purpose(run):
    result = run("--help")
    assert result.exit_code == 0
    for command in (
        "list",
        "lesson",
        "exercise",
        "check",
        "hint",
        "solution",
        "grade",
        "run-all",
        "progress",
        "reset",
        "dev",
    ):
        assert re.search(rf"^\s+{command}\s+\S", result.output, re.MULTILINE), command


def test_no_arguments_shows_help(run):
    result = run()
    assert "Usage" in result.output and "lesson" in result.output


def test_list_shows_seven_lessons_in_order(run):
    result = run("list")
    assert result.exit_code == 0
    positions = [result.output.index(f"({slug})") for slug in SLUGS]
    assert positions == sorted(positions)
    assert "broken" not in result.output
    assert not ESCAPE.search(result.output)


@pytest.mark.parametrize("key", ["8", "0", "-1", "foo"])
def test_unknown_lesson_exits_2_listing_the_lessons(run, key):
    result = run("lesson", key)
    assert result.exit_code == 2
    assert f"no lesson '{key}'" in result.output
    assert "1 (derivatives)" in result.output and "7 (svm)" in result.output
    assert "Traceback" not in result.output


def test_lesson_by_slug_shows_text_code_results_plots_and_exercise(run, tmp_path):
    result = run("lesson", "derivatives", "--out", "plots")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Lesson 1 · Differential calculus" in out
    assert "def rate_of_change(f, x, dx)" in out  # the demo's code that carries the idea
    assert "saved plot: plots/lesson01-" in out
    assert "calccourse start 1  writes lesson01.py" in out
    assert "calccourse check 1  checks it" in out
    assert not ESCAPE.search(out)
    assert list((tmp_path / "plots").glob("lesson01-*.png"))


def test_lesson_format_svg(run, tmp_path):
    result = run("lesson", "1", "--format", "svg", "--out", "svg")
    assert result.exit_code == 0
    saved = list((tmp_path / "svg").glob("lesson01-*.svg"))
    assert saved and all(path.read_text().lstrip().startswith(("<?xml", "<svg")) for path in saved)


def test_bad_plot_format_exits_2_listing_formats(run):
    result = run("lesson", "1", "--format", "gif")
    assert result.exit_code == 2
    assert "png, svg, pdf" in result.output


def test_out_pointing_at_a_file_exits_2(run, tmp_path):
    (tmp_path / "taken").write_text("x")
    result = run("lesson", "1", "--out", "taken")
    assert result.exit_code == 2
    assert "is a file" in result.output


def test_out_that_cannot_be_written_exits_2(run):
    result = run("lesson", "1", "--out", "/proc/calccourse-plots")
    assert result.exit_code == 2
    assert "cannot write plots" in result.output


def test_exercise_shows_statement_and_required_names(run):
    result = run("exercise", "4")
    assert result.exit_code == 0
    assert "jacobian" in result.output and "Your answer file (lesson04.py) must define" in result.output


def test_template_written_and_never_overwritten(run, tmp_path):
    first = run("exercise", "3", "--template", "answer.py")
    assert first.exit_code == 0
    written = (tmp_path / "answer.py").read_text()
    assert "NotImplementedError" in written
    (tmp_path / "answer.py").write_text("my work")
    second = run("exercise", "3", "--template", "answer.py")
    assert second.exit_code == 2
    assert "already exists" in second.output
    assert (tmp_path / "answer.py").read_text() == "my work"
    forced = run("exercise", "3", "--template", "answer.py", "--force")
    assert forced.exit_code == 0
    assert (tmp_path / "answer.py").read_text() == written


def test_hints_climb_a_ladder_and_stop_at_the_last(run, catalog):
    count = len(catalog.find("1").hints)
    assert count >= 3
    seen = [run("hint", "1").output for _ in range(count + 1)]
    assert "Hint 1 of" in seen[0] and "Hint 2 of" in seen[1]
    assert f"Hint {count} of {count}" in seen[-1] and f"Hint {count} of {count}" in seen[-2]


def test_solution_shows_reference_code(run):
    result = run("solution", "7")
    assert result.exit_code == 0
    assert "def svm_line" in result.output


def test_run_all_runs_every_demo(run):
    result = run("run-all", "--out", "plots")
    assert result.exit_code == 0, result.output
    assert len(re.findall(r"^✓ lesson \d", result.output, re.MULTILINE)) == 7


def lesson_row(output: str, number: int) -> str:
    return next(line for line in output.splitlines() if re.match(rf"^│\s*{number} │", line))


def test_progress_and_reset(run, tmp_path, catalog):
    solution = tmp_path / "solution.py"
    solution.write_text(catalog.find("1").solution)
    assert "passed" not in lesson_row(run("progress").output, 1)
    assert run("check", "1", str(solution), "--no-plot").exit_code == 0
    assert "passed" in lesson_row(run("progress").output, 1)
    assert run("reset").exit_code == 2  # no terminal to confirm on: --yes is required
    assert "passed" in lesson_row(run("progress").output, 1)
    assert run("reset", "--yes").exit_code == 0
    assert "passed" not in lesson_row(run("progress").output, 1)


def test_command_line_without_terminal_has_no_escape_codes():
    result = subprocess.run(
        [sys.executable, "-m", "calccourse", "list"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert not ESCAPE.search(result.stdout)


def test_run_all_json_for_ci(run, tmp_path):
    import json

    result = run("run-all", "--out", "plots", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [demo["lesson"] for demo in data["demos"]] == list(range(1, 8))
    for demo in data["demos"]:
        assert demo["status"] == "pass" and demo["duration"] > 0
        assert demo["files"] and all((tmp_path / path).exists() for path in demo["files"])


def test_run_all_reports_a_failing_demo_and_exits_4(run, tmp_path):
    from tests.conftest import make_lesson

    make_lesson(tmp_path / "extra" / "bad", 42, "bad", {"demo.py": "def run(ctx):\n    1 / 0\n"})
    result = run("--lessons-dir", str(tmp_path / "extra"), "run-all", "--out", "plots")
    assert result.exit_code == 4
    assert "lesson 42 bad" in result.output and "ZeroDivisionError" in result.output


def test_readme_documents_every_command():
    from pathlib import Path

    import typer.main

    from calccourse.cli import app

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    group = typer.main.get_group(app)
    for name, command in group.commands.items():
        subcommands = getattr(command, "commands", {})
        for full in [f"{name} {sub}" for sub in subcommands] or [name]:
            assert f"calccourse {full}" in readme, f"README does not show `calccourse {full}`"


def test_a_demos_idea_keeps_the_imports_its_code_uses():
    from calccourse.demo import idea_of

    source = (
        "import matplotlib.pyplot as plt\nimport numpy as np\nfrom calccourse.author import styled\n\n\n"
        "def f(x):\n    return np.sin(x)\n\n\n"
        "def plot_f(x):\n    fig, ax = plt.subplots()\n    ax.plot(x, f(x))\n    styled(ax, 'sin x')\n"
    )
    assert idea_of(source) == "import numpy as np\n\ndef f(x):\n    return np.sin(x)"


def test_lesson_shows_the_demos_idea_and_where_the_whole_demo_is(run):
    short = run("lesson", "1", "--no-pager", "--out", "plots")
    assert short.exit_code == 0, short.output
    assert "def rate_of_change" in short.output and "def plot_derivative" not in short.output
    assert "import styled" not in short.output  # the plots' helper is no part of the idea
    said = " ".join(short.output.split())
    assert "01-derivatives/demo.py" in said and "calccourse lesson 1 --code" in said
    whole = run("lesson", "1", "--no-pager", "--out", "plots", "--code")
    assert whole.exit_code == 0
    assert "def plot_derivative" in whole.output and len(whole.output) > len(short.output)
