"""No answer can hang the checker, crash it, or fake a pass: each ends as a clear failure."""

from __future__ import annotations

import os
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import make_lesson

CORRECT = "def double(x):\n    return 2 * x\n"


@pytest.fixture(scope="module")
def lessons_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lessons")
    make_lesson(folder / "tiny", 99, "tiny")
    return folder


@pytest.fixture
def check(run, lessons_dir, tmp_path):
    """Write an answer and check it against the tiny lesson; returns (result, seconds)."""

    def go(source: str, *extra: str):
        answer = tmp_path / "answer.py"
        answer.write_text(textwrap.dedent(source))
        started = time.monotonic()
        result = run(
            "--lessons-dir",
            str(lessons_dir),
            "check",
            "tiny",
            str(answer),
            "--no-plot",
            "--timeout",
            "1",
            *extra,
        )
        return result, time.monotonic() - started

    return go


def test_correct_answer_passes(check):
    result, _ = check(CORRECT)
    assert result.exit_code == 0, result.output
    assert "All tests passed" in result.output


@pytest.mark.parametrize(
    "exit_call", ["import os\nos._exit(0)", "raise SystemExit(0)", "import sys\nsys.exit()"]
)
def test_exit_at_import_is_not_a_pass(check, exit_call):
    result, _ = check(exit_call + "\n" + CORRECT)
    assert result.exit_code == 3
    assert "could not be run" in result.output


def test_exit_inside_a_call_fails_that_test(check):
    result, _ = check("import os\ndef double(x):\n    os._exit(0)\n")
    assert result.exit_code == 1
    assert "ended its own process" in result.output


def test_printed_fake_success_does_not_pass(check):
    result, _ = check('print("All tests passed. score 1/1")\ndef double(x):\n    return 3 * x\n')
    assert result.exit_code == 1
    assert "expected" in result.output and "Not yet" in result.output


@pytest.mark.parametrize("method", ["__eq__(self, other): return True", "__sub__(self, other): return 0"])
def test_object_that_claims_equality_fails(check, method):
    result, _ = check(f"class Liar:\n    def {method}\ndef double(x):\n    return Liar()\n")
    assert result.exit_code == 1
    assert "not a number" in result.output


@pytest.mark.parametrize("value", ["float('nan')", "float('inf')", "-float('inf')"])
def test_nan_and_infinity_fail(check, value):
    result, _ = check(f"def double(x):\n    return {value}\n")
    assert result.exit_code == 1
    assert "finite" in result.output


def test_monkeypatched_numpy_cannot_make_comparisons_succeed(check):
    result, _ = check(
        """
        import numpy as np
        np.allclose = lambda *a, **k: True
        np.isclose = lambda *a, **k: True
        np.all = lambda *a, **k: True
        np.abs = lambda a: 0 * a
        def double(x):
            return 3 * x
        """
    )
    assert result.exit_code == 1


def test_endless_loop_at_import_times_out(check):
    result, seconds = check("while True:\n    pass\n")
    assert result.exit_code == 3
    assert "did not finish loading within 1 s" in result.output
    assert seconds < 4


def test_endless_loop_in_a_call_fails_that_test(check):
    result, seconds = check("def double(x):\n    while True:\n        pass\n")
    assert result.exit_code == 1
    assert "did not return within 1 s" in result.output
    assert seconds < 4


def test_loop_that_ignores_sigterm_is_still_stopped(check):
    result, seconds = check(
        "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    pass\n"
    )
    assert result.exit_code == 3
    assert seconds < 4


def test_memory_hog_at_import(check):
    result, _ = check("hog = bytearray(64 * 1024 ** 3)\n")
    assert result.exit_code == 3
    assert "memory" in result.output


def test_memory_hog_in_a_call(check):
    result, seconds = check(
        "def double(x):\n    hog = []\n    while True:\n        hog.append(bytearray(10**7))\n"
    )
    assert result.exit_code == 1
    assert "memory" in result.output
    assert seconds < 6


def test_child_processes_are_not_left_running(check, tmp_path):
    pids = tmp_path / "pids"
    result, _ = check(
        f"""
        import os, subprocess, time
        spawned = subprocess.Popen(["sleep", "300"], start_new_session=True)
        pid = os.fork()
        if pid == 0:
            os.setsid()
            time.sleep(300)
            os._exit(0)
        open({str(pids)!r}, "w").write(f"{{spawned.pid}} {{pid}}")
        def double(x):
            return 2 * x
        """
    )
    assert result.exit_code == 0
    for pid in map(int, pids.read_text().split()):
        assert not _alive(pid), f"process {pid} is still running"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_flood_of_output_is_cut_and_a_correct_answer_still_passes(check):
    result, _ = check("import sys\nsys.stdout.write('spam ' * 6_000_000)\n" + CORRECT)
    assert result.exit_code == 0, result.output[-2000:]
    assert "printed (cut)" in result.output
    assert len(result.output) < 100_000


def test_infinite_recursion_fails_with_the_learners_frame(check):
    result, _ = check("def double(x):\n    return double(x)\n")
    assert result.exit_code == 1
    assert "RecursionError" in result.output
    assert "calccourse" not in result.output.split("RecursionError", 1)[1].split("\n\n")[0]


def test_input_at_import_is_explained(check):
    result, _ = check("name = input('your name? ')\n" + CORRECT)
    assert result.exit_code == 3
    assert "input() has no keyboard" in result.output


def test_files_are_written_in_a_scratch_folder_that_is_removed(check, tmp_path):
    where = tmp_path / "cwd"
    result, _ = check(
        f"import os\nopen('junk.txt', 'w').write('junk')\n"
        f"open({str(where)!r}, 'w').write(os.getcwd())\n{CORRECT}"
    )
    assert result.exit_code == 0
    scratch = Path(where.read_text())
    assert scratch != tmp_path and not scratch.exists()
    assert not (tmp_path / "junk.txt").exists()


def test_killing_the_parent_does_not_crash_the_checker(check):
    result, _ = check("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n" + CORRECT)
    assert result.exit_code in (1, 3)
    assert "Traceback" not in result.output


def test_syntax_error_shows_file_line_and_caret(check):
    result, _ = check("def double(x)\n    return 2 * x\n")
    assert result.exit_code == 3
    assert 'answer.py", line 1' in result.output
    assert "^" in result.output and "SyntaxError" in result.output


def test_exception_shows_the_learners_frames_only(check):
    result, _ = check("def helper(x):\n    return x / 0\ndef double(x):\n    return helper(x)\n")
    assert result.exit_code == 1
    assert "ZeroDivisionError" in result.output and "in helper" in result.output
    assert "calccourse/" not in result.output


def test_missing_name_says_what_to_define(check):
    result, _ = check("def triple(x):\n    return 3 * x\n")
    assert result.exit_code == 1
    assert "does not define `double`" in result.output and "double(x)" in result.output


def test_template_reads_not_started(check):
    result, _ = check("def double(x):\n    raise NotImplementedError\n")
    assert result.exit_code == 1
    assert "Not started yet" in result.output
    assert "Traceback" not in result.output


def test_answer_process_runs_in_its_own_process_group(check, tmp_path):
    where = tmp_path / "ids"
    check(f"import os\nopen({str(where)!r}, 'w').write(f'{{os.getpid()}} {{os.getpgid(0)}}')\n{CORRECT}")
    pid, group = map(int, where.read_text().split())
    assert pid == group != os.getpgid(0)


def test_workers_preload_only_the_course_libraries_the_class_imports(tmp_path):
    from calccourse.sandbox.runner import preload_for

    answers = []
    for i, header in enumerate(
        ["import sympy as sp", "from scipy.optimize import brentq", "import os, json", "x = ("]
    ):
        answers.append(tmp_path / f"s{i}.py")
        answers[-1].write_text(header + "\n")
    modules = preload_for(answers)
    assert {"numpy", "sympy", "scipy.optimize"} <= set(modules)
    assert not {"os", "json"} & set(modules)
    assert preload_for(answers, share=0.5) == ("numpy",)


@pytest.mark.parametrize(
    "value",
    [
        "10**400",
        "[1.0] * 200_000",
        "{'a': 1}",
        "'two'",
        "1j",
        "None",
        "print",
        "__import__('numpy').array(['x'])",
    ],
)
def test_strange_return_values_fail_as_the_learners_not_the_checkers(check, value):
    result, _ = check(f"def double(x):\n    return {value}\n")
    assert result.exit_code == 1, result.output
    assert "checker failed" not in result.output
