"""No answer can hang the checker, crash it, or fake a pass: each ends as a clear failure."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from calccourse.sandbox.fairness import BACKSTOP
from tests.conftest import grade_file, make_lesson, require_landlock

CORRECT = "def double(x):\n    return 2 * x\n"
# Seconds for a check whose answer loops (1 s limit): start-up, and the limit on its own processor
# time, which a loaded machine stretches up to the wall-clock backstop.
STOPPED_WITHIN = 3 + BACKSTOP


landlock = pytest.mark.usefixtures("_landlock")


@pytest.fixture
def _landlock() -> None:
    require_landlock()


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
    assert seconds < STOPPED_WITHIN


def test_endless_loop_in_a_call_fails_that_test(check):
    result, seconds = check("def double(x):\n    while True:\n        pass\n")
    assert result.exit_code == 1
    assert "did not return within 1 s" in result.output
    assert seconds < STOPPED_WITHIN


def test_loop_that_ignores_sigterm_is_still_stopped(check):
    result, seconds = check(
        "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    pass\n"
    )
    assert result.exit_code == 3
    assert seconds < STOPPED_WITHIN


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
    # each of the test's 5 calls fills the memory limit anew; where the machine is slow to hand
    # out memory, each may take up to the wall-clock backstop (its processor time is what counts)
    assert seconds < 3 + 5 * BACKSTOP


def said(result, key: str) -> list[str]:
    """What the answer printed after ``KEY:`` (its output is in the report)."""
    found = re.search(rf"{key}:([^\n]*)", result.output)
    assert found, result.output
    return found.group(1).split()


def test_child_processes_are_not_left_running(check):
    result, _ = check(
        """
        import os, subprocess, time
        spawned = subprocess.Popen(["sleep", "300"], start_new_session=True)
        pid = os.fork()
        if pid == 0:
            os.setsid()
            time.sleep(300)
            os._exit(0)
        print(f"PIDS:{spawned.pid} {pid}", flush=True)
        def double(x):
            return 2 * x
        """
    )
    assert result.exit_code == 0
    for pid in map(int, said(result, "PIDS")):
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
    result, _ = check(
        f"import os\nopen('junk.txt', 'w').write('junk')\nprint('CWD:' + os.getcwd())\n{CORRECT}"
    )
    assert result.exit_code == 0
    (scratch,) = map(Path, said(result, "CWD"))
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


@pytest.mark.fork_path
def test_answer_process_runs_in_its_own_process_group(check):
    result, _ = check(f"import os\nprint(f'IDS:{{os.getpid()}} {{os.getpgid(0)}}')\n{CORRECT}")
    pid, group = map(int, said(result, "IDS"))
    assert pid == group != os.getpgid(0)


def test_an_answers_worker_preloads_only_the_course_libraries_it_imports_itself(tmp_path):
    from calccourse.sandbox.runner import imports_of, preload_of

    def preload(header: str) -> tuple[str, ...]:
        return preload_of(imports_of((header + "\n").encode()))

    assert preload("import sympy as sp\nfrom scipy.optimize import brentq") == (
        "numpy",
        "scipy.optimize",
        "sympy",
    )
    assert preload("import os, json") == preload("x = (") == ("numpy",)


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


FORGE = """
import json, os
forged = {"ready": True, "pid": 1}
outcomes = [{"value": 2.0 * x} for x in range(5)]
result = {"load_error": None, "outcomes": outcomes, "output": "", "output_bytes": 0}
for fd in os.listdir(f"/proc/{os.getppid()}/fd"):
    try:
        handle = os.open(f"/proc/{os.getppid()}/fd/{fd}", os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        continue
    for job in range(1, 6):
        try:
            os.write(handle, (json.dumps({"id": job, "result": result}) + "\\n").encode())
        except OSError:
            pass
def double(x):
    return 3 * x
"""


def test_replies_forged_into_the_workers_channels_cannot_make_a_pass(check):
    result, _ = check(FORGE)
    assert result.exit_code in (1, 3), result.output
    assert "All tests passed" not in result.output


STOPS_ITS_WORKER = "import os, signal\nos.kill(os.getppid(), signal.SIGSTOP)\n" + CORRECT


@pytest.mark.fork_path
@landlock
def test_an_answer_cannot_signal_its_worker(check):
    result, seconds = check(STOPS_ITS_WORKER)
    assert result.exit_code == 3
    assert "PermissionError" in result.output and seconds < 5


def test_without_landlock_a_stopped_worker_is_given_up_on_in_bounded_time(lessons_dir, tmp_path, monkeypatch):
    from calccourse.sandbox.runner import Sandbox
    from calccourse.testing import load_lesson

    monkeypatch.setenv("CALCCOURSE_SIMULATE_NO_LANDLOCK", "1")
    answer = tmp_path / "answer.py"
    answer.write_text(STOPS_ITS_WORKER)
    started = time.monotonic()
    with Sandbox(margin=0.5) as sandbox:
        report = grade_file(load_lesson(lessons_dir / "tiny"), answer, sandbox, timeout=1).report
    assert report.load_error is not None and "could not finish" in report.load_error.message
    assert report.retried  # a second chance on a fresh worker: stopped again, so it is this answer's doing
    assert time.monotonic() - started < 2 * (1 + 0.5) + 3  # two tries of the timeout and margin, and slack


def test_a_slow_but_correct_answer_passes(check):
    result, _ = check("import time\ndef double(x):\n    time.sleep(0.5)\n    return 2 * x\n")
    assert result.exit_code == 0, result.output


def test_garbage_on_the_answers_own_reply_pipe_fails_that_call_only(check):
    result, _ = check(
        "import os\n"
        "def double(x):\n"
        "    for fd in range(3, 30):\n"
        "        try:\n"
        "            os.write(fd, b'[' * 100_000 + b'\\n')\n"
        "        except OSError:\n"
        "            pass\n"
        "    return 2 * x\n"
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_an_exception_that_cannot_be_shown_is_still_reported(check):
    result, _ = check(
        "class Weird(Exception):\n    def __str__(self):\n        raise RuntimeError('no')\n"
        "    __repr__ = __str__\n"
        "def double(x):\n    raise Weird()\n"
    )
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" not in result.output


def test_escape_sequences_in_output_are_shown_not_obeyed(check):
    result, _ = check("print('\\x1b[2J\\x1b[1A All tests passed')\n" + CORRECT.replace("2 * x", "3 * x"))
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\\x1b[2J" in result.output


@pytest.mark.parametrize("confined", [True, False], ids=["landlock", "no-landlock"])
def test_an_answer_that_removes_or_replaces_its_folder_does_not_harm_the_next(
    run, lessons_dir, tmp_path, monkeypatch, confined
):
    if confined:
        require_landlock()
    else:
        monkeypatch.setenv("CALCCOURSE_SIMULATE_NO_LANDLOCK", "1")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("precious")
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "a1.py").write_text(
        "import os, shutil\nhere = os.getcwd()\nos.chdir('/')\nshutil.rmtree(here)\n"
        f"os.symlink({str(victim)!r}, here)\n" + CORRECT
    )
    (folder / "a2.py").write_text(CORRECT)
    (folder / "a3.py").write_text(
        "import os, shutil\nhere = os.getcwd()\nos.chdir('/')\nshutil.rmtree(here)\n" + CORRECT
    )
    (folder / "a4.py").write_text(CORRECT)
    result = run(
        "--lessons-dir", str(lessons_dir), "grade", "tiny", str(folder), "--jobs", "1", "--csv", "g.csv"
    )
    assert result.exit_code == 0
    # Confined, a1 and a3 cannot even remove their folder (its parent is not theirs): they fail, alone.
    assert (tmp_path / "g.csv").read_text().count(",pass,") == (2 if confined else 4), result.output
    assert (victim / "keep.txt").read_text() == "precious"


def test_markup_in_student_names_and_messages_is_shown_literally(run, lessons_dir, tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "[reverse]alice.py").write_text("raise ValueError('[/][bold]x')\n")
    result = run("--lessons-dir", str(lessons_dir), "grade", "tiny", str(folder))
    assert result.exit_code == 0, result.output
    assert "[reverse]alice" in result.output
    assert "[/][bold]x" in result.output


def test_a_file_too_deep_for_the_parser_is_a_load_error(check, tmp_path):
    result, _ = check("y = " + "-" * 200_000 + "1\n" + CORRECT)
    assert result.exit_code == 3
    assert "Traceback (most recent call last)" not in result.output


def test_the_command_ends_every_process_an_answer_leaves_even_after_killing_its_worker(
    lessons_dir, tmp_path, monkeypatch
):
    monkeypatch.setenv("CALCCOURSE_SIMULATE_NO_LANDLOCK", "1")  # with Landlock the kill is refused
    pids = tmp_path / "pids"  # written by the answer: unconfined here
    answer = tmp_path / "answer.py"
    answer.write_text(
        "import os, signal, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        f"        open({str(pids)!r}, 'a').write(str(os.getpid()) + ' ')\n"
        "        time.sleep(300)\n"
        "    os._exit(0)\n"
        "time.sleep(0.5)\n"
        "os.kill(os.getppid(), signal.SIGKILL)\n" + CORRECT
    )
    command = [
        sys.executable,
        "-m",
        "calccourse",
        "--lessons-dir",
        str(lessons_dir),
        "check",
        "tiny",
        str(answer),
    ]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert finished.returncode == 3, finished.stdout + finished.stderr
    time.sleep(0.2)
    strays = pids.read_text().split()
    assert len(strays) == 2  # it ran twice: a lost worker gets a second, fresh one
    assert not any(_alive(int(pid)) for pid in strays)


def test_plots_asking_for_a_window_stay_headless(check):
    result, _ = check(
        "import matplotlib\nmatplotlib.use('TkAgg')\nimport matplotlib.pyplot as plt\n"
        "plt.switch_backend('QtAgg')\nplt.plot([0, 1], [0, 1])\nplt.show()\n" + CORRECT
    )
    assert result.exit_code == 0, result.output


def test_the_time_limit_is_per_call_so_slow_but_correct_calls_pass(check):
    result, seconds = check("import time\ndef double(x):\n    time.sleep(0.7)\n    return 2 * x\n")
    assert result.exit_code == 0, result.output  # five calls of 0.7 s each, under a 1 s limit per call
    assert seconds > 3


def test_slow_jacobian_evaluations_pass_in_lesson_4(run, tmp_path):
    answer = tmp_path / "answer.py"
    answer.write_text(
        "import math, time\n"
        "def jacobian(x, y, p, q, r, s, t, u):\n"
        "    time.sleep(0.5)\n"
        "    rows = []\n"
        "    for a, b in ((p, q), (r, s), (t, u)):\n"
        "        z = 1 / (1 + math.exp(-(a * x + b * y)))\n"
        "        rows.append([a * z * (1 - z), b * z * (1 - z)])\n"
        "    return rows\n"
    )
    result = run("check", "4", str(answer), "--no-plot", "--timeout", "1")
    assert result.exit_code == 0, result.output  # eight evaluations, each its own call


def test_an_answer_that_dies_in_every_call_costs_one_child_per_name(check):
    result, seconds = check("import os, time\ntime.sleep(0.5)\ndef double(x):\n    os._exit(3)\n")
    assert result.exit_code == 1, result.output
    assert "ended its own process" in result.output
    assert seconds < 3  # loaded twice at most (0.5 s each), not once per call


def test_the_check_as_a_whole_has_a_cap(check):
    result, seconds = check(
        "import time\ndef double(x):\n    time.sleep(0.8)\n    return 2 * x\n", "--cap", "2"
    )
    assert result.exit_code == 1, result.output
    assert "time cap of 2 s" in result.output
    assert seconds < 4


@pytest.mark.parametrize(
    ("option", "value"),
    [("--timeout", "nan"), ("--timeout", "inf"), ("--timeout", "-1"), ("--cap", "0"), ("--seed", "-5")],
)
def test_an_impossible_limit_or_seed_is_a_usage_error(check, option, value):
    result, _ = check(CORRECT, option, value)
    assert result.exit_code == 2
    assert "Traceback" not in result.output and option in result.output


def test_python_suggests_the_name_that_was_meant(check):
    result, _ = check("def double(x):\n    dx = 2\n    return dz * x\n")
    assert result.exit_code == 1
    assert "NameError: name 'dz' is not defined. Did you mean: 'dx'?" in result.output


KILLS_ITS_GROUP = "import os, signal\nos.killpg(os.getpgid(os.getppid()), signal.SIGKILL)\n" + CORRECT
VANDAL = (
    "import glob, os\n"
    "for path in glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), '*.py')):\n"
    "    if not path.endswith('a_vandal.py'):\n"
    "        try:\n"
    "            open(path, 'w').write('import sys\\nsys.exit(\"sabotaged\")\\n')\n"
    "        except OSError:\n"
    "            pass\n" + CORRECT
)


@pytest.mark.parametrize("confined", [True, False], ids=["landlock", "no-landlock"])
@pytest.mark.parametrize("attack", ["kills its group", "rewrites its classmates"])
def test_one_student_never_changes_anothers_grade(run, lessons_dir, tmp_path, monkeypatch, confined, attack):
    if confined:
        require_landlock()
    else:
        monkeypatch.setenv("CALCCOURSE_SIMULATE_NO_LANDLOCK", "1")
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "a_vandal.py").write_text(KILLS_ITS_GROUP if attack == "kills its group" else VANDAL)
    for name in ("b", "c", "d", "e"):
        (folder / f"{name}_good.py").write_text(CORRECT)
    result = run(
        "--lessons-dir", str(lessons_dir), "grade", "tiny", str(folder), "--jobs", "2", "--csv", "g.csv"
    )
    assert result.exit_code == 0, result.output
    rows = {row.split(",")[0]: row for row in (tmp_path / "g.csv").read_text().splitlines()[1:]}
    assert all(",pass," in rows[f"{name}_good"] for name in "bcde"), result.output
    intact = all((folder / f"{name}_good.py").read_text() == CORRECT for name in "bcde")
    if attack == "kills its group":
        assert ",error," in rows["a_vandal"]  # the one to blame, and only it
    else:
        # Confined, the files stay as they were; unconfined they are rewritten on disk, yet
        # every classmate is graded on the snapshot taken before any answer ran.
        assert intact == confined


@pytest.mark.fork_path
def test_every_report_says_which_confinement_was_in_force(check, tmp_path):
    from calccourse.sandbox import landlock

    expected = landlock.available().describe()
    result, _ = check(CORRECT, "--format", "json", "--output", str(tmp_path / "r.json"), "--format", "text")
    assert f"confinement: {expected}" in " ".join(result.output.split())
    assert json.loads((tmp_path / "r.json").read_text())["confinement"].startswith(expected)


def test_require_confinement_refuses_where_landlock_is_missing(check, monkeypatch):
    monkeypatch.setenv("CALCCOURSE_SIMULATE_NO_LANDLOCK", "1")
    result, _ = check(CORRECT, "--require-confinement")
    assert result.exit_code == 4
    assert "--require-confinement: here answers would run with none:" in " ".join(result.output.split())


@pytest.mark.fork_path
@landlock
def test_require_confinement_grades_where_landlock_is_complete(check):
    result, _ = check(CORRECT, "--require-confinement")
    assert result.exit_code == 0, result.output


@pytest.mark.fork_path
def test_an_answer_reaches_no_unix_socket_and_sends_no_datagram(check, tmp_path):
    """A server on a path (a Docker or systemd socket in a real container) and a UDP port
    on this machine: the answer opens no socket to reach either."""
    import socket

    served = tmp_path / "served.sock"
    with socket.socket(socket.AF_UNIX) as server, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        server.bind(str(served))
        server.listen()
        server.setblocking(False)
        udp.bind(("127.0.0.1", 0))
        udp.setblocking(False)
        tries = f"""
            import socket
            for family, kind, where in [
                (socket.AF_UNIX, socket.SOCK_STREAM, {str(served)!r}),
                (socket.AF_INET, socket.SOCK_DGRAM, ("127.0.0.1", {udp.getsockname()[1]})),
            ]:
                try:
                    with socket.socket(family, kind) as s:
                        s.connect(where)
                        s.send(b"graded by me")
                    print("reached", where)
                except OSError as error:
                    print("refused:", type(error).__name__)
            def double(x):
                return 2 * x
        """
        result, _ = check(tries)
        for reached in (lambda: server.accept(), lambda: udp.recv(100)):
            with pytest.raises(BlockingIOError):
                reached()
    assert result.exit_code == 0, result.output
    assert result.output.count("refused: PermissionError") == 2 and "reached" not in result.output


@pytest.mark.fork_path
def test_an_answer_may_still_use_asyncio(check):
    """socketpair() stays open: asyncio's event loop wakes itself with one."""
    result, _ = check(
        "import asyncio\n" + "async def twice(x):\n    return 2 * x\n"
        "def double(x):\n    return asyncio.run(twice(x))\n"
    )
    assert result.exit_code == 0, result.output
    assert "no sockets" in result.output  # the report says what confined it
