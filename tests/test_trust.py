"""The red team's attacks (round 2) that the core now stops: each grades the attack as a user
would, and asserts the answer's failure is the answer's, never the lesson's or the grader's."""

from __future__ import annotations

import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import textwrap
import time
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
    "fchmodat": (268, 53, (-100, b".", 0o700, 0)),  # F22: chmod of anything its user owns
    "fchownat": (260, 54, (-100, b".", -1, -1, 0)),
    "prlimit64": (302, 261, (os.getppid(), 7, 0, 0)),  # its worker's limits (a classmate's next)
}
ALLOWED = []
for name, (x86, arm, args) in CALLS.items():
    result = libc.syscall(x86 if X86 else arm, *args)
    if result == 0 and name == "clone":
        os._exit(0)  # the child of a clone that should have been refused
    if result >= 0:
        ALLOWED.append(name)
print("allowed:", ALLOWED)
import resource
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # its own limits are its own to lower

def double(x):
    return 2 * x if not ALLOWED else 0
"""


@pytest.mark.fork_path
@pytest.mark.skipif(platform.machine() not in ("x86_64", "aarch64"), reason="the filter's architectures")
def test_seccomp_refuses_keyrings_ipc_and_namespaces(run, tmp_path):
    """F07, F19, F22, F27: keyrings, SysV IPC, new namespaces, chroot, chmod and chown are
    refused in the sandbox (before: add_key, keyctl, shmget, unshare(CLONE_NEWUSER), chroot
    and chmod succeeded); so is prlimit on another process (an answer lowered its worker's
    memory limit, and classmates graded after it ran out of memory)."""
    result = check_tiny(run, tmp_path, SYSCALLS)
    assert result.exit_code == ExitCode.OK, result.output
    assert "keyrings, SysV IPC or namespaces" in " ".join(result.output.split())


POOL = """
import multiprocessing

def double(x):
    with multiprocessing.Pool(2) as pool:
        return pool.apply(abs, (2 * x,)) * (1 if x >= 0 else -1)
"""


@pytest.mark.fork_path
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


@pytest.mark.fork_path
def test_answers_are_the_oom_killers_first_choice(run, tmp_path):
    """F05: every answer's process has oom_score_adj 1000, so memory pressure kills answers
    (the hungriest first), never the grader."""
    result = check_tiny(run, tmp_path, OOM_SCORE)
    assert result.exit_code == ExitCode.OK, result.output


CHMOD_ATTACKER = """
import glob, os

def double(x):
    os.makedirs("locked/inner", exist_ok=True)  # F15: a folder with files, then made read-only
    with open("locked/inner/file", "w") as handle:
        handle.write("x")
    here = os.getcwd()
    targets = ["locked/inner", "locked", ".", os.path.dirname(here)]
    targets += glob.glob(os.path.join(os.path.dirname(os.path.dirname(here)), "calccourse-*"))  # F08
    targets += glob.glob(os.path.join(os.path.dirname(here), "*"))
    refused = 0
    for target in targets:
        try:
            os.chmod(target, 0o500 if "locked" in target else 0)
        except PermissionError:
            refused += 1
    return 2 * x if refused == len(targets) else 0
"""


NOBODY = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")


def grade_as_grader(tmp_path: Path, attacker: str | None) -> dict[str, tuple[str, str]]:
    """``calccourse grade`` of a small class in a subprocess, as an unprivileged user where the
    tests run as root (what the chmod attacks need to bite): each student's (status, score)."""
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="calccourse-trust-"))
    try:
        (home / "tmp").mkdir()
        lessons = home / "lessons"
        make_lesson(lessons / "tiny", 99, "tiny")
        folder = home / "class"
        folder.mkdir()
        for student in ("bob", "carol", "dave", "erin"):
            (folder / f"{student}.py").write_text("def double(x):\n    return 2 * x\n")
        if attacker:
            (folder / "aaa_mallory.py").write_text(attacker)
        command = [
            sys.executable, "-m", "calccourse", "--lessons-dir", str(lessons), "grade", "tiny", str(folder),
            "--jobs", "2", "--seed", "5", "--csv", str(home / "g.csv"), "--no-table",
        ]  # fmt: skip
        if os.geteuid() == 0:
            started = "import subprocess, sys; subprocess.run([sys.executable, '-c', ''], check=True)"
            probe = [*NOBODY, sys.executable, "-c", started]
            if subprocess.run(probe, capture_output=True, check=False).returncode != 0:
                pytest.skip("this Python cannot run as uid 65534 (make a venv it can read)")
            for path in [home, *home.rglob("*")]:
                os.chown(path, 65534, 65534)
            command = [*NOBODY, *command]
        environ = {**os.environ, "TMPDIR": str(home / "tmp"), "CALCCOURSE_HOME": str(home / "state")}
        done = subprocess.run(command, env=environ, capture_output=True, text=True, timeout=300, cwd=home)
        assert done.returncode in (ExitCode.OK, ExitCode.FAILED), done.stdout + done.stderr
        assert (home / "g.csv").exists(), done.stdout + done.stderr
        with (home / "g.csv").open(newline="") as handle:
            return {row["student"]: (row["status"], row["score"]) for row in csv.DictReader(handle)}
    finally:
        subprocess.run(["chmod", "-R", "u+rwx", str(home)], check=False)
        shutil.rmtree(home, ignore_errors=True)


@pytest.mark.skipif(os.geteuid() == 0 and shutil.which("setpriv") is None, reason="needs setpriv as root")
def test_chmod_attacker_changes_no_classmates_row(tmp_path):
    """F08, F15 (unprivileged grader): an answer that chmods its own, its worker's and the
    other workers' scratch folders, or leaves a read-only folder with files, is refused;
    every classmate's row is what it is without the attacker."""
    calm = grade_as_grader(tmp_path, None)
    attacked = grade_as_grader(tmp_path, CHMOD_ATTACKER)
    assert calm == {student: ("pass", "1.0") for student in ("bob", "carol", "dave", "erin")}
    assert {student: attacked[student] for student in calm} == calm
    assert attacked["aaa_mallory"] == ("pass", "1.0")  # every chmod refused


def _poisoned_scratch_scenario() -> None:
    """What F08 and F15 leave a worker (chmods made directly here, as an answer could were
    the filter missing): each next folder must still be fresh, usable and the last removed."""
    from calccourse.sandbox.worker import Scratch

    scratch = Scratch()
    first = Path(scratch.fresh())
    (first / "locked" / "inner").mkdir(parents=True)
    (first / "locked" / "inner" / "file").write_text("x")
    (first / "locked" / "inner").chmod(0o500)  # F15: a read-only folder with a file in it
    (first / "locked").chmod(0)
    first.chmod(0)  # F08: its own folder and its worker's, unreadable
    first.parent.chmod(0)
    second = Path(scratch.fresh())
    (second / "answer-wrote-this").write_text("fine")
    assert sorted(scratch.left_behind()) == ["answer-wrote-this"]
    assert not first.exists()
    base = second.parent
    scratch.remove()
    assert not base.exists()


def test_poisoned_scratch_folders_are_replaced():
    """F08, F15: a scratch folder (or its worker's) made unreadable, or holding a read-only
    folder with files, never stops the next answer on that worker; checked as a user whom
    permissions bind (uid 65534 when the tests run as root)."""
    import tempfile
    import traceback

    import calccourse.sandbox.worker  # noqa: F401 - imported while its files are readable

    tmp = Path(tempfile.mkdtemp(prefix="calccourse-trust-"))
    tmp.chmod(0o777)
    try:
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                os.environ["TMPDIR"] = str(tmp)
                tempfile.tempdir = None
                if os.geteuid() == 0:
                    os.setgid(65534)
                    os.setuid(65534)
                _poisoned_scratch_scenario()
                status = 0
            except BaseException:  # noqa: BLE001 - shown by pytest, then the exit status fails the test
                traceback.print_exc()
            finally:
                os._exit(status)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.mark.parametrize(
    "derivative",
    ["1e308 if x > 0 else -1e308", "'$\\\\frac{'"],
    ids=["huge-values", "mathtext"],
)
def test_the_check_plot_never_crashes(run, tmp_path, derivative):
    """F03: values of ±1e308 or broken mathtext no longer end `check --plot` in a traceback: the
    verdict stands, and the saved picture says why it could not be drawn where it cannot."""
    answer = tmp_path / "answer.py"
    answer.write_text(f"def derivative(x):\n    return {derivative}\n")
    result = run("check", "1", str(answer), "--plot", "--no-progress", "--seed", "3")
    assert result.exit_code == ExitCode.FAILED, result.output
    assert "saved plot:" in result.output
    assert (tmp_path / "calccourse-plots" / "lesson01-check.png").stat().st_size > 0


def test_a_nan_answer_leaves_the_gradebook_strict_json(run, tmp_path):
    """F21: an answer returning NaN and infinities no longer puts bare NaN/Infinity in the
    class gradebook: a strict parser reads it, and `gradebook merge` reads it back."""
    lessons = tmp_path / "lessons"
    make_lesson(lessons / "tiny", 99, "tiny")
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "nan.py").write_text("def double(x):\n    return float('nan') if x > 0 else float('-inf')\n")
    (folder / "ok.py").write_text("def double(x):\n    return 2 * x\n")
    book = tmp_path / "g.json"
    result = run(
        "--lessons-dir", str(lessons), "grade", "tiny", str(folder), "--seed", "5", "--json", str(book)
    )
    assert result.exit_code == ExitCode.OK, result.output

    def refuse(constant: str) -> None:
        raise ValueError(f"non-standard JSON constant {constant}")

    data = json.loads(book.read_text(), parse_constant=refuse)
    assert {row["student"]: row["status"] for row in data["results"]} == {"nan": "fail", "ok": "pass"}
    merged = run(
        "--lessons-dir", str(lessons), "gradebook", "merge", str(book), "--html", str(tmp_path / "c.html")
    )
    assert merged.exit_code == ExitCode.OK, merged.output
    assert (tmp_path / "c.html").stat().st_size > 0


@pytest.mark.skipif(os.geteuid() != 0, reason="/proc passes the early check only for root")
def test_a_gradebook_file_that_cannot_be_written_is_a_failed_command(run, tmp_path):
    """F09, F26: when a gradebook file cannot be written after grading, `grade` still writes
    the others and shows the class, then exits 2 (before: exit 0 and the file lost)."""
    lessons = tmp_path / "lessons"
    make_lesson(lessons / "tiny", 99, "tiny")
    answer = tmp_path / "ok.py"
    answer.write_text("def double(x):\n    return 2 * x\n")
    book = tmp_path / "g.json"
    result = run(
        "--lessons-dir",
        str(lessons),
        "grade",
        "tiny",
        str(answer),
        "--csv",
        "/proc/g.csv",
        "--json",
        str(book),
    )
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "cannot write /proc/g.csv" in result.output
    assert json.loads(book.read_text())["results"][0]["status"] == "pass"
    assert not list(tmp_path.glob(".g.json.*"))  # no temporary file left beside it


WORKFLOW_COMMANDS = """
print("   ::stop-commands::pwned")
print("::notice title=Points::Points 3/3")

def double(x):
    raise ValueError("boom ##[error]fake annotation ##[add-mask]Points")
"""


@pytest.mark.parametrize("fmt", ["text", "exercism"])
def test_workflow_commands_from_an_answer_are_inert(run, tmp_path, monkeypatch, fmt):
    """F02: GitHub workflow commands the answer prints or raises (``::`` after spaces, the
    legacy ``##[``) reach no CI log as commands: not in the text report, not in results.json."""
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = check_tiny(run, tmp_path, WORKFLOW_COMMANDS) if fmt == "text" else None
    if result is None:
        lessons = tmp_path / "lessons"
        make_lesson(lessons / "tiny", 99, "tiny")
        answer = tmp_path / "answer.py"
        answer.write_text(WORKFLOW_COMMANDS)
        result = run("--lessons-dir", str(lessons), "check", "tiny", str(answer), "--format", "exercism")
    assert result.exit_code == ExitCode.FAILED, result.output
    for line in result.output.splitlines():
        obeyed = line.lstrip().startswith("::") and not line.lstrip().startswith(("::error ", "::notice "))
        assert not obeyed, line
        assert "##[" not in line, line
    assert "Points 3/3" not in "".join(
        line for line in result.output.splitlines() if line.lstrip().startswith("::")
    )


@pytest.mark.parametrize(
    "progress",
    [
        {"checks": []},
        {"hints": []},
        {"checks": {"derivatives": "pass"}},
        {"checks": {"derivatives": {"last": "pass", "score": "abc"}}},
        {"checks": {"derivatives": {"best": {"status": "pass"}}}},
        {"hints": {"derivatives": "many"}},
    ],
    ids=["checks-list", "hints-list", "entry-text", "old-entry-bad-score", "run-incomplete", "hint-text"],
)
@pytest.mark.parametrize("command", [["list"], ["progress"], ["hint", "1"]])
def test_progress_of_the_wrong_shape_is_set_aside(run, progress, command):
    """F16: a progress file that is JSON but not progress is moved aside with a warning, as a
    damaged one is; no command crashes on it."""
    home = Path(os.environ["CALCCOURSE_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "state.json").write_text(json.dumps(progress))
    result = run(*command)
    assert result.exit_code == ExitCode.OK, result.output
    assert "damaged" in result.output
    assert list(home.glob("state.json.corrupt-*"))


FORGED_PLAIN = """
import sys

def double(x):
    frame = sys._getframe()
    while "channel" not in frame.f_locals:
        frame = frame.f_back
    frame.f_locals["channel"].send({"i": frame.f_locals["index"], "value": 2 * x})
    return 2 * x
"""


def test_a_reply_the_answer_writes_itself_is_caught(run, tmp_path):
    """F01 (lesson 4), item 11: a reply the answer writes itself on its result pipe is seen
    when its process sends the real one too, and that call fails, named for what it did."""
    result = check_tiny(run, tmp_path, FORGED_PLAIN)
    assert result.exit_code == ExitCode.FAILED, result.output
    said = " ".join(result.output.split())
    # The fork path's worker sees whose reply it was; the portable sandbox, a second reply.
    assert "wrote a reply of its own on its result channel" in said or "sent a second reply" in said


def test_lesson_5_bonus_trains_inside_the_answers_limits(run, tmp_path):
    """F13: the bonus's training runs in the answer's process, under its time limit (here 1 s),
    not for 10 s in the grading process whatever the limits."""
    answer = tmp_path / "answer.py"
    answer.write_text("HIDDEN_LAYERS = [32, 32, 32, 32]\nLEARNING_RATE = 0.1\nEPOCHS = 5000\n")
    started = time.monotonic()
    result = run("check", "5", str(answer), "--no-plot", "--no-progress", "--timeout", "1")
    assert result.exit_code == ExitCode.FAILED, result.output
    assert "did not return within 1 s" in " ".join(result.output.split())
    assert time.monotonic() - started < 8


def test_a_planted_lock_link_is_not_followed(run, tmp_path):
    """F17: with CALCCOURSE_HOME in a folder another user can write, a `state.lock` link
    planted there makes calccourse create nothing at its target; the command still runs."""
    home = Path(os.environ["CALCCOURSE_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    target = tmp_path / "created-through-the-link"
    (home / "state.lock").symlink_to(target)
    result = run("hint", "1")
    assert result.exit_code == ExitCode.OK, result.output
    assert not target.exists()
    assert "cannot save your progress" in result.output


def test_a_file_name_with_a_line_break_stays_on_its_row(run, tmp_path):
    """A student's file name is the answer's text: a newline in it must not draw a row of its
    own in the class table (a red team's drew "│ mallory │ 3∕3 │ pass")."""
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "eve\n│ mallory │ 3∕3 │ pass.py").write_text("def double(x):\n    return 0\n")
    lessons = tmp_path / "lessons"
    make_lesson(lessons / "tiny", 99, "tiny")
    result = run("--lessons-dir", str(lessons), "grade", "tiny", str(folder), "--seed", "5")
    assert result.exit_code == ExitCode.OK, result.output  # graded: the class's scores are data
    assert "eve\\n" in result.output
    assert not [line for line in result.output.splitlines() if "mallory" in line and "eve" not in line]
