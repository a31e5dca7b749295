"""Small things a learner notices in a report: digits, vanished files, the wrong lesson."""

from __future__ import annotations

import json
import re

import pytest

from calccourse.author import fmt

JACOBIAN_OFF = """\
import numpy as np


def jacobian(x, y, p, q, r, s, t, u):
    rows = []
    for a, b in ((p, q), (r, s), (t, u)):
        g = 1 / (1 + np.exp(-(a * x + b * y)))
        rows.append([a * g * (1 - g) * (1 + 4e-6), b * g * (1 - g)])
    return rows
"""
OFF = {
    # just outside each tolerance, with where the report shows (expected, got)
    1: (
        "def derivative(x):\n    return (3 * x**2 - 4 * x) * (1 + 3e-6)\n",
        r"expected (\S+) \(f′\(x\)\), got (\S+)",
    ),
    4: (JACOBIAN_OFF, r"returned (\[\[.*?\]\]); expected (\[\[.*?\]\])"),
}


@pytest.mark.parametrize("number", sorted(OFF))
def test_a_value_just_outside_the_tolerance_prints_differently_from_the_expected(run, tmp_path, number):
    source, shown = OFF[number]
    (tmp_path / "answer.py").write_text(source)
    result = run("check", str(number), "answer.py", "--no-plot", "--seed", "1")
    assert result.exit_code == 1
    printed = re.search(shown, " ".join(result.output.split()))
    assert printed, result.output
    assert printed.group(1) != printed.group(2)


def test_lesson_6_prints_expected_roots_to_the_tolerance(run, tmp_path, catalog):
    off = "    return [p + 2e-3 for p in points]\n"
    solution = catalog.find("6").solution.replace("    return points\n", off)
    (tmp_path / "answer.py").write_text(solution)
    result = run("check", "6", "answer.py", "--no-plot", "--seed", "1")
    text = " ".join(result.output.split())
    assert "expected [0.00000, 1.33333] (each within 1e-4), got [0.00200, 1.33533]" in text


def test_fmt_shows_a_tenth_of_the_tolerance_with_its_zeros():
    assert fmt(-2.36, within=1e-4) == "-2.36000"
    assert fmt([0.2350037, 1], within=1e-6) == "[0.2350037, 1.0000000]"
    assert fmt(1 / 3) == "0.333333"  # without a tolerance: 6 significant digits, as before


def test_files_an_answer_writes_are_named_in_a_note(run, tmp_path, catalog):
    (tmp_path / "lesson01.py").write_text(
        catalog.find("1").solution
        + "\nimport matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
        "plt.plot([0, 1])\nplt.savefig('plot.png')\nimport os\nos.mkdir('out')\n"
    )
    result = run("check", "1")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert (
        "note: your answer wrote out/, plot.png; calccourse runs answers in a private folder and does "
        "not keep it (run `python lesson01.py` yourself to get them)." in text
    )
    assert not (tmp_path / "plot.png").exists()


def test_an_answer_that_writes_nothing_gets_no_note(run, tmp_path, catalog):
    (tmp_path / "lesson01.py").write_text(catalog.find("1").solution + "\nimport matplotlib.pyplot\n")
    result = run("check", "1")
    assert result.exit_code == 0 and "note:" not in result.output


@pytest.mark.parametrize(
    ("written", "checked"),
    [(2, 1), (1, 6), (6, 1), (7, 3)],  # lessons 1 and 6 share `derivative`
)
def test_an_answer_for_another_lesson_is_named_with_the_command(run, tmp_path, catalog, written, checked):
    (tmp_path / "mine.py").write_text(catalog.find(str(written)).solution)
    result = run("check", str(checked), "mine.py", "--no-plot")
    assert result.exit_code == 1
    assert f"this looks like a lesson {written} answer: `calccourse check {written} mine.py`" in " ".join(
        result.output.split()
    )


def test_an_unfinished_answer_of_the_lesson_itself_is_not_sent_elsewhere(run, tmp_path):
    (tmp_path / "lesson06.py").write_text("def derivative(x):\n    return 1 / x\n")
    result = run("check", "6", "--no-plot")
    assert result.exit_code == 1
    assert "looks like a lesson" not in result.output


def test_an_infinite_value_is_not_named_as_a_slip_of_the_rules(run, tmp_path):
    (tmp_path / "inf.py").write_text(
        "def derivative(x):\n    return float('inf')\n\n"
        "def rate_of_change(f, x, dx):\n    return float('-inf')\n"
    )
    result = run("check", "1", "inf.py", "--no-plot", "--seed", "1")
    assert result.exit_code == 1
    assert "expected a finite number" in result.stdout
    assert "constant terms" not in result.stdout


def test_points_outside_the_interval_are_named_so_and_no_warning_leaks(run, tmp_path):
    (tmp_path / "hard.py").write_text(
        "def derivative(x):\n    return 1 / x\n\ncritical_points = []\nhas_extremum = False\n\n"
        "def find_critical_points(f, a, b):\n    return [0.0, 4 / 3]\n"
    )
    result = run("check", "6", "hard.py", "--no-plot", "--seed", "736538943")
    assert result.exit_code == 1
    shown = " ".join(result.stdout.split())
    assert re.search(r"0 is not in \[\S+, \S+\]: return only the critical points inside", shown)
    assert "≈ nan" not in shown and "RuntimeWarning" not in result.stderr


def test_a_folder_with_answer_py_and_answer_ipynb_grades_the_py_and_says_so(run, tmp_path):
    from calccourse.discovery import discover

    solution = (discover(use_entry_points=False).find("1").folder / "solution.py").read_text()
    bob = tmp_path / "class" / "bob"
    bob.mkdir(parents=True)
    (bob / "answer.py").write_text(solution)
    (bob / "answer.ipynb").write_text("{}")  # not even a notebook: it is not the one graded
    result = run("grade", "1", str(tmp_path / "class"), "--seed", "3", "--json", "g.json")
    assert result.exit_code == 0
    assert "holds answer.py and answer.ipynb; graded answer.py" in " ".join(result.stderr.split())
    (row,) = json.loads((tmp_path / "g.json").read_text())["results"]
    assert row["status"] == "pass"
