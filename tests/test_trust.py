"""The red team's attacks (round 2) that the core now stops: each grades the attack as a user
would, and asserts the answer's failure is the answer's, never the lesson's or the grader's."""

from __future__ import annotations

import csv
import platform
import textwrap
from pathlib import Path

import pytest

from calccourse.discovery import discover
from calccourse.status import ExitCode
from tests.conftest import make_lesson

CHECKER_FAILED = "The lesson's checker failed"


def check_tiny(run, tmp_path, answer_source: str, files: dict[str, str | None] | None = None):
    """``calccourse check`` of ``answer_source`` against a tiny lesson (``files`` change it)."""
    lessons = tmp_path / "lessons"
    make_lesson(lessons / "tiny", 99, "tiny", files)
    answer = tmp_path / "answer.py"
    answer.write_text(answer_source)
    return run("--lessons-dir", str(lessons), "check", "tiny", str(answer), "--no-plot", "--no-progress")


def _attack_answer(lesson: str, value: str) -> str:
    """An answer defining each of the lesson's names as ``value`` (functions return it)."""
    (plugin,) = [p for p in discover(use_entry_points=False).lessons if str(p.number) == lesson]
    lines = ["class Big(int):\n    pass\n", f"VALUE = {value}\n"]
    for name in plugin.lesson.answer:
        bare = name.split("(")[0].strip()
        lines.append(
            f"def {bare}(*args, **kwargs):\n    return VALUE\n" if "(" in name else f"{bare} = VALUE\n"
        )
    return "\n".join(lines)


@pytest.mark.parametrize("lesson", ["1", "2", "3", "4", "5", "6", "7"])
def test_huge_int_subclass_is_the_answers_failure(run, tmp_path, lesson):
    """F01: an int subclass holding a 400-digit number fails the answer (exit 1), in every
    lesson; before, judges raised OverflowError and the lesson was blamed (exit 4)."""
    answer = tmp_path / "answer.py"
    answer.write_text(_attack_answer(lesson, "Big(10**400)"))
    result = run("check", lesson, str(answer), "--no-plot", "--no-progress", "--seed", "3")
    assert result.exit_code == ExitCode.FAILED, result.output
    assert CHECKER_FAILED not in result.output
    if lesson == "1":  # the value itself is refused, and said so
        assert "whole number of 1329 bits, too large to compare" in " ".join(result.output.split())


FORGED = """
import sys

def double(x):
    frame = sys._getframe()
    while frame is not None and "channel" not in frame.f_locals:
        frame = frame.f_back
    deep = 0
    for _ in range(600):
        deep = [deep]
    frame.f_locals["channel"].send({"i": frame.f_locals["index"], "value": deep})
    return 2 * x
"""


def test_forged_reply_on_the_result_pipe_is_bounded(run, tmp_path):
    """F01 (lesson 4's form): a reply the answer writes itself on its result pipe, nested 600
    deep, is refused by the worker and the grading side: the answer's failure, not the lesson's."""
    result = check_tiny(run, tmp_path, FORGED)
    assert result.exit_code == ExitCode.FAILED, result.output
    assert CHECKER_FAILED not in result.output
    assert "too large to check" in result.output


SQUARING_CHECKER = textwrap.dedent(
    """
    from calccourse.author import Test, WrongAnswer, call

    def tests(rng):
        def judge(values):
            (got,) = values
            if abs(got**2 - 4.0) > 1e-9:  # 1e300**2 overflows: the answer's value, not a lesson bug
                raise WrongAnswer(f"double(1) squared is {got**2}, expected 4")
            return "double(1) is right"

        return [Test("double(1)", [call("double", 1.0)], judge)]
    """
)


@pytest.mark.parametrize(
    ("body", "code", "shown"),
    [
        ("return 1e300", ExitCode.FAILED, "could not be checked"),
        ("return 2 * x", ExitCode.OK, "All tests passed"),
    ],
    ids=["overflowing-answer", "reference"],
)
def test_a_judge_overflowing_on_an_answer_blames_the_answer(run, tmp_path, body, code, shown):
    """An OverflowError raised by a judge's arithmetic on the answer's value fails the answer;
    the reference's values go through the same judge untouched."""
    result = check_tiny(run, tmp_path, f"def double(x):\n    {body}\n", {"checker.py": SQUARING_CHECKER})
    assert result.exit_code == code, result.output
    assert shown in result.output
    assert CHECKER_FAILED not in result.output


def test_bounds_hold_on_the_grading_side():
    """What reaches a judge is bounded even when the child is bypassed (a forged reply)."""
    from calccourse.sandbox.protocol import ProtocolError, outcome_from_wire

    deep: list = []
    for _ in range(5000):  # deeper than the recursion limit: refused, not a RecursionError
        deep = [deep]
    for value in (deep, 10**400, "x" * 200_000, [0] * 200_000, {"k": b"x"}):
        with pytest.raises(ProtocolError):
            outcome_from_wire({"value": value})
    assert outcome_from_wire({"value": [[1.5, -2], {"w": [True, None]}]}).value == [
        [1.5, -2],
        {"w": [True, None]},
    ]


SYSCALLS = """
import ctypes, ctypes.util, errno, os, platform

libc = ctypes.CDLL(None, use_errno=True)
X86 = platform.machine() == "x86_64"
CALLS = {  # name: (x86-64 number, arm64 number, arguments)
    "keyctl": (250, 219, (0, -3, 0)),  # KEYCTL_GET_KEYRING_ID of the user's keyring
    "add_key": (248, 217, (b"user", b"calccourse-test", b"secret", 6, -4)),
    "shmget": (29, 194, (0, 4096, 0o1000 | 0o600)),
    "msgget": (68, 186, (0, 0o1000 | 0o600)),
    "semget": (64, 190, (0, 1, 0o1000 | 0o600)),
    "unshare": (272, 97, (0x10000000,)),  # CLONE_NEWUSER
    "chroot": (161, 51, (b".",)),
    "clone": (56, 220, (0x10000000 | 17, 0, 0, 0, 0)),  # CLONE_NEWUSER | SIGCHLD
}
ALLOWED = []
for name, (x86, arm, args) in CALLS.items():
    result = libc.syscall(x86 if X86 else arm, *args)
    if result == 0 and name == "clone":
        os._exit(0)  # the child of a clone that should have been refused
    if result >= 0:
        ALLOWED.append(name)
print("allowed:", ALLOWED)

def double(x):
    return 2 * x if not ALLOWED else 0
"""


@pytest.mark.skipif(platform.machine() not in ("x86_64", "aarch64"), reason="the filter's architectures")
def test_seccomp_refuses_keyrings_ipc_and_namespaces(run, tmp_path):
    """F07, F19, F27: keyrings, SysV IPC, new namespaces and chroot are refused in the sandbox
    (before: add_key, keyctl, shmget, unshare(CLONE_NEWUSER) and chroot succeeded)."""
    result = check_tiny(run, tmp_path, SYSCALLS)
    assert result.exit_code == ExitCode.OK, result.output
    assert "keyrings, SysV IPC or namespaces" in " ".join(result.output.split())


POOL = """
import multiprocessing

def double(x):
    with multiprocessing.Pool(2) as pool:
        return pool.apply(abs, (2 * x,)) * (1 if x >= 0 else -1)
"""


def test_a_process_pool_gets_a_clear_message(run, tmp_path):
    """F18: a correct answer that starts a multiprocessing pool is told why it cannot."""
    result = check_tiny(run, tmp_path, POOL)
    assert result.exit_code == ExitCode.FAILED, result.output
    assert "pools and locks need shared memory (/dev/shm)" in " ".join(result.output.split())


SLOW_CORRECT = """
import time

def double(x):
    started = time.process_time()
    while time.process_time() - started < 0.2:  # 0.2 s of processor time per call: slow, not wrong
        pass
    return 2 * x
"""

HOG_SPAWNER = """
import os, time

HOGS = []

def double(x):
    if not HOGS:  # busy processes, for as long as this answer runs, each in a session of its own
        for _ in range(24):  # (the scheduler shares the processor between sessions first)
            pid = os.fork()
            if pid == 0:
                os.setsid()
                while True:
                    pass
            HOGS.append(pid)
    time.sleep(0.8)
    return 0
"""

OOM_SCORE = """
from pathlib import Path

def double(x):
    return 2 * x if Path("/proc/self/oom_score_adj").read_text().strip() == "1000" else 0
"""


def grade_rows(run, lessons: Path, folder: Path, tmp_path: Path) -> dict[str, tuple[str, str]]:
    """Each student's (status, score) in a graded class."""
    book = tmp_path / f"{folder.name}.csv"
    result = run(
        "--lessons-dir", str(lessons), "grade", "tiny", str(folder), "--jobs", "2", "--seed", "5",
        "--timeout", "1", "--csv", str(book), "--no-table",
    )  # fmt: skip
    assert result.exit_code in (ExitCode.OK, ExitCode.FAILED), result.output
    with book.open(newline="") as handle:
        return {row["student"]: (row["status"], row["score"]) for row in csv.DictReader(handle)}


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="processor time from /proc")
def test_busy_classmate_changes_no_classmates_row(run, tmp_path):
    """F04: a classmate's busy processes do not turn slow but correct answers into time-outs:
    the class graded with and without the attacker gives every classmate the same row."""
    lessons = tmp_path / "lessons"
    make_lesson(lessons / "tiny", 99, "tiny")
    rows = {}
    for name, attacker in (("calm", None), ("attacked", HOG_SPAWNER)):
        folder = tmp_path / name
        folder.mkdir()
        for student in ("bob", "carol"):
            (folder / f"{student}.py").write_text(SLOW_CORRECT)
        if attacker:
            (folder / "aaa_mallory.py").write_text(attacker)
        rows[name] = grade_rows(run, lessons, folder, tmp_path)
    assert rows["calm"] == {"bob": ("pass", "1.0"), "carol": ("pass", "1.0")}
    assert {student: rows["attacked"][student] for student in ("bob", "carol")} == rows["calm"]
    assert rows["attacked"]["aaa_mallory"][0] == "fail"


def test_answers_are_the_oom_killers_first_choice(run, tmp_path):
    """F05: every answer's process has oom_score_adj 1000, so memory pressure kills answers
    (the hungriest first), never the grader."""
    result = check_tiny(run, tmp_path, OOM_SCORE)
    assert result.exit_code == ExitCode.OK, result.output
