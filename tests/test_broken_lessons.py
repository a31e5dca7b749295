"""A lesson author's mistakes end as one clear paragraph and exit 4, never as a traceback or
a learner's lost point; in `dev check` each is a failed finding and the other lessons still run."""

from __future__ import annotations

import json
import re
import textwrap

import pytest
from typer.testing import CliRunner

from calccourse.cli import app
from calccourse.course import Course
from tests.conftest import LESSON_FILES, make_lesson

CORRECT = "def double(x):\n    return 2 * x\n"
BROKEN_CHECKERS = {
    "syntax error": ("def tests(rng)\n    return []\n", "SyntaxError: expected ':' (checker.py, line 1)"),
    "no tests": ("x = 1\n", "it defines no function tests(rng)"),
    "tests raising": (
        "def tests(rng):\n    raise KeyError('deliberately broken')\n",
        "tests(rng) raised KeyError",
    ),
    "tests returning other things": ("def tests(rng):\n    return [1, 2]\n", "returned int among its tests"),
    "tests returning None": ("def tests(rng):\n    return None\n", "returned NoneType, not a list of Test"),
}
JUDGE_RAISES = textwrap.dedent(
    """
    from calccourse.author import Test, call

    def judge(values):
        return values[0] / 0  # the lesson's bug

    def tests(rng):
        return [Test("double(x)", [call("double", 1.5)], judge)]
    """
)
NEEDS_PROBES = textwrap.dedent(
    """
    from calccourse.author import Test, probe

    def tests(rng):
        return [Test("double(x)", [probe("evaluate", 1.5, reads="double")], lambda values: "ok")]
    """
)


@pytest.fixture
def lessons(tmp_path):
    folder = tmp_path / "lessons"
    make_lesson(folder / "good", 41, "good")
    return folder


def check(run, lessons, *args):
    answer = lessons.parent / "answer.py"
    answer.write_text(CORRECT)
    return run("--lessons-dir", str(lessons), "check", "42", str(answer), "--no-plot", *args)


def one_paragraph(output: str) -> str:
    assert "Traceback" not in output, output
    (error,) = re.findall(r"^Error: .*?(?=\n\n|\n\(|\Z)", output, re.MULTILINE | re.DOTALL)
    return " ".join(error.split())


@pytest.mark.parametrize("case", BROKEN_CHECKERS)
def test_a_broken_checker_is_one_paragraph_and_exit_4(run, lessons, case):
    source, reason = BROKEN_CHECKERS[case]
    make_lesson(lessons / "broken", 42, "broken", {"checker.py": source})
    for extra in ([], ["--exit-zero"], ["--format", "json"]):
        result = check(run, lessons, *extra)
        assert result.exit_code == 4, result.output
        message = one_paragraph(result.output)
        assert "lesson 42 (broken)'s checker is broken" in message and reason in message
        assert str(lessons / "broken" / "checker.py") in message
    graded = run("--lessons-dir", str(lessons), "grade", "42", str(lessons.parent / "answer.py"))
    assert graded.exit_code == 4 and reason in one_paragraph(graded.output)


def test_a_broken_checkers_traceback_is_shown_with_verbose(run, lessons):
    make_lesson(lessons / "broken", 42, "broken", {"checker.py": BROKEN_CHECKERS["tests raising"][0]})
    quiet = check(run, lessons)
    assert "(--verbose shows the traceback)" in quiet.output
    result = check(run, lessons, "--verbose")
    assert result.exit_code == 4
    assert "Traceback" in result.output and "deliberately broken" in result.output


def test_a_judge_that_raises_is_the_lessons_bug_with_its_file_and_line(run, lessons, tmp_path):
    make_lesson(lessons / "broken", 42, "broken", {"checker.py": JUDGE_RAISES})
    result = check(run, lessons, "--exit-zero")
    assert result.exit_code == 4  # --exit-zero never hides a broken lesson
    assert "The lesson's checker failed (a bug in the lesson, not in your answer)" in result.output
    assert "ZeroDivisionError" in result.output and "please report it" in result.output
    verbose = check(run, lessons, "--verbose")
    assert re.search(r"checker\.py, line 5", verbose.output.replace("\n", "")), verbose.output
    report = check(run, lessons, "--format", "json", "--output", str(tmp_path / "r.json"))
    assert report.exit_code == 4
    (test,) = json.loads((tmp_path / "r.json").read_text())["tests"]
    assert test["blame"] == "lesson" and test["error"] == "checker" and test["points"] == 0
    assert test["location"].endswith("checker.py, line 5")


def test_a_checker_with_probes_but_no_probes_file(run, lessons):
    make_lesson(lessons / "broken", 42, "broken", {"checker.py": NEEDS_PROBES})
    result = check(run, lessons)
    assert result.exit_code == 4
    message = one_paragraph(result.output)
    assert (
        "probes.py is broken" in message
        and "the checker runs probes (evaluate) but there is no probes.py" in message
    )


def test_a_probes_file_without_the_function(run, lessons):
    make_lesson(
        lessons / "broken", 42, "broken", {"checker.py": NEEDS_PROBES, "probes.py": "def other(a): pass\n"}
    )
    result = check(run, lessons)
    assert result.exit_code == 4 and "it defines no function evaluate" in one_paragraph(result.output)


@pytest.mark.parametrize("hints", ["", "\n---\n\n---\n"])
def test_a_hint_file_without_steps(run, lessons, hints):
    make_lesson(lessons / "broken", 42, "broken", {"hints.md": hints})
    result = run("--lessons-dir", str(lessons), "hint", "42")
    assert result.exit_code == 4
    assert "hints is broken" in one_paragraph(result.output) and "holds no hint" in result.output


def test_a_demo_that_raises_names_its_line(run, lessons, tmp_path):
    make_lesson(lessons / "broken", 42, "broken", {"demo.py": "def run(ctx):\n    x = 1\n    return x / 0\n"})
    result = run("--lessons-dir", str(lessons), "lesson", "42", "--out", str(tmp_path / "plots"))
    assert result.exit_code == 4
    assert "ZeroDivisionError: division by zero (demo.py, line 3)" in one_paragraph(result.output)


def test_dev_check_isolates_every_broken_part_and_exits_4(run, lessons):
    broken = {
        42: {"checker.py": BROKEN_CHECKERS["syntax error"][0]},
        43: {"checker.py": JUDGE_RAISES},
        44: {"checker.py": NEEDS_PROBES},
        45: {"hints.md": "Only one hint."},
        46: {"demo.py": "def run(ctx):\n    raise ValueError('no demo')\n"},
    }
    for number, files in broken.items():
        make_lesson(lessons / f"b{number}", number, f"b{number}", files)
    (lessons / "b47").mkdir()
    (lessons / "b47" / "__init__.py").write_text("raise RuntimeError('half-written lesson')\n")
    # A Course of these lessons only (the bundled ones are proved by tests/test_lessons.py).
    course = Course(lesson_dirs=[lessons], bundled=False, entry_points=False)
    result = CliRunner().invoke(app, ["dev", "check"], obj=course, catch_exceptions=False)
    out = " ".join(result.output.split())
    assert result.exit_code == 4, result.output  # broken parts, as `check` says: 4
    assert "Traceback" not in result.output
    assert "✗ lesson 42 (b42) checker loads: SyntaxError" in out
    assert "✗ lesson 43 (b43) solution passes: judge of 'double(x)'" in out and "ZeroDivisionError" in out
    assert (
        "✗ lesson 44 (b44) checker loads: the checker runs probes (evaluate) but there is no probes.py" in out
    )
    assert "✗ lesson 45 (b45) hints: 1 step(s); a ladder needs at least 3" in out
    assert "✗ lesson 46 (b46) demo runs: ValueError: no demo (demo.py, line 2)" in out
    assert "✗ b47 plugin loads: RuntimeError: half-written lesson" in out
    # the good lesson still ran, and passed
    assert "✓ lesson 41 (good) solution passes" in out and "✓ lesson 41 (good) demo runs" in out


def test_dev_check_of_the_whole_catalog_fails_on_a_plugin_that_does_not_load(lessons):
    (lessons / "b47").mkdir()
    (lessons / "b47" / "__init__.py").write_text("import nowhere_to_be_found\n")
    course = Course(lesson_dirs=[lessons], bundled=False, entry_points=False)
    result = CliRunner().invoke(app, ["dev", "check", "--no-demos"], obj=course, catch_exceptions=False)
    assert result.exit_code == 4
    assert "✗ b47 plugin loads: ModuleNotFoundError" in " ".join(result.output.split())


def test_dev_check_names_a_template_that_lacks_a_name_and_a_mistake_without_expect(run, lessons):
    make_lesson(
        lessons / "b42",
        42,
        "b42",
        {
            "template.py": "def halve(x):\n    raise NotImplementedError\n",
            "mistakes/triple.py": "def double(x):\n    return 3 * x\n",
        },
    )
    result = run("--lessons-dir", str(lessons), "dev", "check", "42", "--no-demos")
    out = " ".join(result.output.split())
    assert result.exit_code == 1
    assert "template.py does not define what these need: double(x)" in out
    assert "mistake triple: its first line must be '# expect: <feedback text>'" in out
    assert str(lessons / "b42" / "mistakes" / "triple.py") in out


def test_dev_check_reports_a_flaky_test_under_several_seeds(run, lessons):
    flaky = textwrap.dedent(
        """
        from calccourse.author import Test, WrongAnswer, call

        def tests(rng):
            x = float(rng.uniform(-1, 1))
            def judge(values):
                if x < 0:  # a judge that is wrong for some inputs only
                    raise WrongAnswer(f"fails at x = {x}")
                return "ok"
            return [Test("double(x)", [call("double", x)], judge)]
        """
    )
    make_lesson(lessons / "b42", 42, "b42", {"checker.py": flaky})
    result = run("--lessons-dir", str(lessons), "dev", "check", "42", "--seeds", "8", "--no-demos")
    out = " ".join(result.output.split())
    assert result.exit_code == 1
    assert re.search(
        r"✗ lesson 42 \(b42\) solution passes: flaky: .*\(seed [\d, ]+\); the other seeds were fine", out
    )


def test_dev_check_finds_a_checker_that_is_not_reproducible(run, lessons):
    random_checker = textwrap.dedent(
        """
        import random
        from calccourse.author import function_test

        def tests(rng):
            xs = [(random.uniform(-3, 3),) for _ in range(5)]  # not from rng
            return [function_test("double(x)", "double", xs, lambda x: 2 * x, what="2x")]
        """
    )
    make_lesson(lessons / "b42", 42, "b42", {"checker.py": random_checker})
    result = run("--lessons-dir", str(lessons), "dev", "check", "42", "--no-demos")
    assert result.exit_code == 1
    assert (
        "✗ lesson 42 (b42) checker is reproducible: tests(rng) made other calls for the same seed"
        in " ".join(result.output.split())
    )


def test_dev_new_scaffolds_a_lesson_that_passes_dev_check(run, tmp_path):
    result = run("dev", "new", "8", "taylor", "--dir", str(tmp_path / "mine"))
    assert result.exit_code == 0, result.output
    folder = tmp_path / "mine" / "08-taylor"
    assert {p.name for p in folder.iterdir()} >= {*LESSON_FILES, "__init__.py", "mistakes"}
    assert f"--lessons-dir {tmp_path / 'mine'} dev check 8" in result.output.replace("\n", "")
    proved = run("--lessons-dir", str(tmp_path / "mine"), "dev", "check", "8", "--seeds", "3")
    assert proved.exit_code == 0, proved.output
    assert ", 0 failed" in proved.output
    again = run("dev", "new", "8", "taylor", "--dir", str(tmp_path / "mine"))
    assert again.exit_code == 2 and "already exists" in again.output
    assert run("dev", "new", "8", "Taylor_Series").exit_code == 2


def test_lessons_dir_works_after_the_command_and_next_steps_keep_it(run, lessons):
    result = run("exercise", "41", "--lessons-dir", str(lessons))
    assert result.exit_code == 0, result.output
    assert f"calccourse --lessons-dir {lessons} check 41" in result.output.replace("\n", "")
