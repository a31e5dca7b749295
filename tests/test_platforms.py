"""Windows and macOS, simulated on Linux (tests/simulate/): the learner's commands and a
class's grading through the real CLI give the verdicts Linux gives.

Each command runs in a subprocess whose interpreter, and every answer process it starts,
lacks what CPython lacks on that platform. A simulation proves that calccourse never
reaches for what is not there and picks its platform's path; it is not a run on a real
Windows or macOS machine (the CI workflow's matrix is).
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SIMULATIONS = Path(__file__).resolve().parent / "simulate"
LESSON = ROOT / "lessons" / "01-derivatives"
PLATFORMS = ["windows", "macos"]
CONFINEMENT = {
    "windows": "confinement: none (Windows): time, memory and process limits only",
    "macos": "confinement: none (macOS): time, memory and process limits only",
}
SEED = "1"

pytestmark = pytest.mark.slow


def environment(platform: str, env: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment, with ``platform`` simulated ("linux": no simulation) and
    the sandbox each platform chooses itself unless ``env`` says otherwise."""
    paths = [os.environ.get("PYTHONPATH", "")]
    if platform != "linux":
        paths.insert(0, str(SIMULATIONS / platform))
    result = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, paths)),
        "COLUMNS": "100",
        "NO_COLOR": "1",
    }
    result.pop("CALCCOURSE_SANDBOX", None)
    return {**result, **(env or {})}


def calccourse(
    platform: str, *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """``calccourse ARGS`` in a fresh interpreter on ``platform``."""
    command = [sys.executable, "-m", "calccourse", *args]
    return subprocess.run(
        command, cwd=cwd, env=environment(platform, env), capture_output=True, text=True, timeout=600
    )


def python(platform: str, code: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=environment(platform), capture_output=True, text=True
    )


AUDIT = """
import importlib, os, pkgutil, sys
import calccourse
for module in pkgutil.walk_packages(calccourse.__path__, "calccourse."):
    if not module.name.endswith("__main__"):  # that one runs the CLI
        importlib.import_module(module.name)
from calccourse.sandbox import open_sandbox, reaper
reaper.become_subreaper()
reaper.end_all_children()
with open_sandbox() as sandbox:
    print(sys.platform, hasattr(os, "fork"), type(sandbox).__name__)
"""


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_module_imports_and_the_portable_sandbox_is_chosen(platform, tmp_path):
    done = python(platform, AUDIT, tmp_path)
    assert done.returncode == 0, done.stderr
    expected = {"windows": "win32 False", "macos": "darwin True"}[platform]
    assert done.stdout.strip() == f"{expected} PortableSandbox"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_simulation_takes_away_what_the_platform_lacks(platform, tmp_path):
    probe = {
        "windows": "import os, subprocess, sys\n"
        "try:\n    import resource\nexcept ImportError:\n    print('no resource')\n"
        "try:\n    subprocess.Popen([sys.executable, '-c', ''], pass_fds=(0,))\n"
        "except AssertionError:\n    print('no pass_fds')\n"
        "print(hasattr(os, 'killpg'), hasattr(__import__('signal'), 'SIGKILL'))",
        "macos": "import os, resource\n"
        "try:\n    resource.setrlimit(resource.RLIMIT_AS, resource.getrlimit(resource.RLIMIT_AS))\n"
        "except ValueError:\n    print('RLIMIT_AS refused')\n"
        "try:\n    open('/proc/self/status')\nexcept FileNotFoundError:\n    print('no /proc')",
    }[platform]
    done = python(platform, probe, tmp_path)
    assert done.returncode == 0, done.stderr
    expected = {"windows": "no resource\nno pass_fds\nFalse False", "macos": "RLIMIT_AS refused\nno /proc"}
    assert done.stdout.strip() == expected[platform]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_learners_path(platform, tmp_path):
    def run(*args: str) -> subprocess.CompletedProcess:
        return calccourse(platform, *args, cwd=tmp_path, env={"CALCCOURSE_HOME": str(tmp_path / "home")})

    listed = run("list")
    assert listed.returncode == 0, listed.stderr
    assert "Differential calculus" in listed.stdout
    lesson = run("lesson", "1", "--no-pager")
    assert lesson.returncode == 0, lesson.stderr
    assert "saved plot:" in lesson.stdout
    started = run("start", "1")
    assert started.returncode == 0, started.stderr
    assert (tmp_path / "lesson01.py").is_file()
    template = run("check", "1", "lesson01.py", "--seed", SEED, "--no-plot")
    assert template.returncode == 1, template.stderr
    assert "Not started yet" in template.stdout
    assert CONFINEMENT[platform] in template.stdout
    hint = run("hint", "1")
    assert hint.returncode == 0, hint.stderr
    assert "Hint 1 of" in hint.stdout
    assert run("hint", "1").stdout.count("Hint 2 of") == 1  # the lock and the progress file work
    shutil.copy(LESSON / "solution.py", tmp_path / "lesson01.py")
    solved = run("check", "1", "lesson01.py", "--seed", SEED, "--no-plot")
    assert solved.returncode == 0, solved.stdout + solved.stderr
    assert "score 3/3" in solved.stdout
    progress = run("progress")
    assert progress.returncode == 0, progress.stderr
    assert "3/3" in progress.stdout
    following = run("next")
    assert following.returncode == 0, following.stderr
    assert "lesson 2" in following.stdout
    reset = run("reset", "--yes")
    assert reset.returncode == 0, reset.stderr
    assert "lesson 1" in run("next").stdout


def verdict_lines(output: str) -> list[str]:
    """Each test's mark and points, and the score: what the learner reads as the verdict."""
    return [line for line in output.splitlines() if line.startswith(("✓", "✗", "!", "score "))]


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("mistake", ["sign_slip", "no_divide"])
def test_a_known_mistake_fails_as_on_linux(platform, mistake, tmp_path):
    answer = str(LESSON / "mistakes" / f"{mistake}.py")
    linux = calccourse("linux", "check", "1", answer, "--seed", SEED, "--no-plot", cwd=tmp_path)
    there = calccourse(platform, "check", "1", answer, "--seed", SEED, "--no-plot", cwd=tmp_path)
    assert (there.returncode, linux.returncode) == (1, 1), there.stdout + there.stderr
    assert verdict_lines(there.stdout) == verdict_lines(linux.stdout)
    assert any(line.startswith("✗") for line in verdict_lines(there.stdout))


CLASS = {
    "ana.py": (LESSON / "solution.py").read_text(),
    "ben.py": (LESSON / "template.py").read_text(),
    **{f"{path.stem}.py": path.read_text() for path in sorted((LESSON / "mistakes").glob("*.py"))},
    "syntax.py": "def derivative(x)\n    return 3 * x**2\n",
    "exits.py": "import os\n\ndef derivative(x):\n    os._exit(3)\n",
    "hangs.py": (LESSON / "solution.py").read_text()
    + "\n\ndef derivative(x):\n    while True:\n        pass\n",
    "loader.py": "raise RuntimeError('boom')\n",
}


@pytest.fixture(scope="module")
def linux_gradebook(tmp_path_factory) -> list[dict[str, str]]:
    return gradebook("linux", tmp_path_factory.mktemp("linux"))


def gradebook(platform: str, folder: Path) -> list[dict[str, str]]:
    (folder / "class").mkdir()
    for name, text in CLASS.items():
        (folder / "class" / name).write_text(text)
    args = ("grade", "1", "class", "--seed", SEED, "--jobs", "2", "--timeout", "8", "--csv", "grades.csv")
    done = calccourse(platform, *args, cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    with open(folder / "grades.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(CLASS)
    return [{key: row[key] for key in ("student", "status", "score", "first_failure")} for row in rows]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_class_gets_the_verdicts_linux_gives(platform, linux_gradebook, tmp_path):
    there = gradebook(platform, tmp_path)
    assert there == linux_gradebook
    statuses = {row["student"]: row["status"] for row in there}
    assert statuses["ana"] == "pass" and statuses["sign_slip"] == "fail" and statuses["syntax"] == "error"


@pytest.mark.parametrize("sandbox", ["fork", "portable"])
def test_a_full_disk_is_the_machines_problem_not_the_answers(sandbox, tmp_path):
    # A write that finds no space left (here: raised as the full disk raises it) fails no test.
    (tmp_path / "plots.py").write_text(
        (LESSON / "solution.py").read_text()
        + "\n\ndef derivative(x):\n    import errno\n"
        + "    raise OSError(errno.ENOSPC, 'No space left on device', 'derivative.png')\n"
    )
    env = {"CALCCOURSE_SANDBOX": sandbox, "CALCCOURSE_HOME": str(tmp_path / "home")}
    done = calccourse("linux", "check", "1", "plots.py", "--seed", SEED, "--no-plot", cwd=tmp_path, env=env)
    assert done.returncode == 3, done.stdout + done.stderr
    text = " ".join(done.stdout.split())
    assert "the disk is full" in text and "This is the machine's problem, not your answer's" in text
    assert "score" not in text


@pytest.mark.parametrize("platform", PLATFORMS)
def test_require_confinement_refuses_where_there_is_no_landlock(platform, tmp_path):
    answer = str(LESSON / "solution.py")
    done = calccourse(platform, "check", "1", answer, "--require-confinement", cwd=tmp_path)
    assert done.returncode == 4, done.stdout + done.stderr
    assert "Landlock is Linux-only" in done.stdout + done.stderr


@pytest.mark.parametrize("platform", PLATFORMS)
def test_watch_checks_a_save_and_ctrl_c_exits_0(platform, tmp_path):
    from tests.test_watch import Lines

    command = [sys.executable, "-m", "calccourse", "watch", "1", "lesson01.py"]
    with subprocess.Popen(
        command,
        cwd=tmp_path,
        env=environment(platform),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None
        out = Lines(process.stdout)
        try:
            out.wait_for("Watching for it to appear", within=60)
            shutil.copy(LESSON / "template.py", tmp_path / "lesson01.py")
            out.wait_for("Not started yet", within=120)
            shutil.copy(LESSON / "solution.py", tmp_path / "lesson01.py")
            out.wait_for("^All tests passed", within=120)
            out.wait_for(CONFINEMENT[platform].split(":")[0] + ": none")
            process.send_signal(signal.SIGINT)
            out.wait_for("^Stopped watching lesson01.py.")
            assert process.wait(timeout=30) == 0
        finally:
            process.kill()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_an_answer_that_eats_memory_fails_as_on_linux(platform, tmp_path):
    # Linux stops it with RLIMIT_AS (a MemoryError); macOS and Windows by watching its memory.
    (tmp_path / "hog.py").write_text(
        (LESSON / "solution.py").read_text()
        + "\n\ndef derivative(x):\n    hoard = []\n    while True:\n        hoard.append(bytearray(10**7))\n"
    )
    linux = calccourse("linux", "check", "1", "hog.py", "--seed", SEED, "--no-plot", cwd=tmp_path)
    there = calccourse(platform, "check", "1", "hog.py", "--seed", SEED, "--no-plot", cwd=tmp_path)
    assert (there.returncode, linux.returncode) == (1, 1), there.stdout + there.stderr
    assert verdict_lines(there.stdout) == verdict_lines(linux.stdout)
    assert "ran out of memory in derivative" in there.stdout


@pytest.mark.parametrize("platform", PLATFORMS)
def test_an_answer_that_kills_its_parent_ends_only_its_launcher(platform, tmp_path):
    # The interpreter's parent is a launcher, never the grading process: `grade` goes on, the
    # answer is not run to the end (as a forked one that kills its worker), its classmate passes.
    (tmp_path / "class").mkdir()
    shutil.copy(LESSON / "solution.py", tmp_path / "class" / "ann.py")
    kill = "import os, signal\nos.kill(os.getppid(), getattr(signal, 'SIGKILL', signal.SIGTERM))\n"
    (tmp_path / "class" / "eve.py").write_text(kill + (LESSON / "solution.py").read_text())
    args = ("grade", "1", "class", "--seed", SEED, "--jobs", "2", "--csv", "g.csv")
    done = calccourse(platform, *args, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    with open(tmp_path / "g.csv", encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert rows["ann"]["status"] == "pass"
    assert rows["eve"]["status"] == "error" and "ended its parent process" in rows["eve"]["first_failure"]


def test_interpreters_end_when_the_grading_process_is_killed(tmp_path):
    # A portable interpreter sees its grader's pipe close and ends itself, whatever its answer does.
    import time

    import psutil

    (tmp_path / "class").mkdir()
    for name in ("a", "b"):
        (tmp_path / "class" / f"{name}.py").write_text("while True:\n    pass\n")
    env = environment("linux", {"CALCCOURSE_SANDBOX": "portable", "CALCCOURSE_HOME": str(tmp_path / "h")})
    command = [sys.executable, "-m", "calccourse", "grade", "1", "class", "--timeout", "60", "--jobs", "2"]
    grader = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline, spinning = time.monotonic() + 60, []
    while time.monotonic() < deadline and len(spinning) < 2:
        time.sleep(0.2)
        spinning = [
            p for p in psutil.Process(grader.pid).children(recursive=True) if p.cpu_times().user > 0.5
        ]
    assert len(spinning) == 2, "both answers were running"
    grader.send_signal(signal.SIGKILL)
    grader.wait()
    gone, alive = psutil.wait_procs(spinning, timeout=10)
    assert not alive, "an answer's interpreter outlived its grader"


STRAY = """import base64, subprocess, sys
import psutil

payload = (
    "import sys, time\\n"
    "import psutil\\n"
    "while psutil.pid_exists(int(sys.argv[1])):\\n"
    "    time.sleep(0.1)\\n"
    "open(sys.argv[2], 'w').write('rewritten after the grader ended')\\n"
)
grader = next(p.pid for p in psutil.Process().parents() if 'grade' in p.cmdline())
code = f"import base64; exec(base64.b64decode({base64.b64encode(payload.encode())!r}))"
command = ' '.join(repr(part) for part in [sys.executable, '-c', code, str(grader), MARK])
subprocess.Popen(['/bin/sh', '-c', command + ' </dev/null >/dev/null 2>&1 &']).wait()

def derivative(x):
    return 0
"""


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_stray_an_answer_detached_is_ended_with_the_command(platform, tmp_path):
    # A double-forked process outside the interpreter's tree, waiting for the grader to end
    # (to rewrite its gradebook): the sandbox ends what carries its mark when it closes.
    mark = tmp_path / "rewritten.txt"
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "mallory.py").write_text(STRAY.replace("MARK", repr(str(mark))))
    shutil.copy(LESSON / "solution.py", tmp_path / "class" / "ann.py")
    done = calccourse(platform, "grade", "1", "class", "--seed", SEED, "--jobs", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    import time

    time.sleep(3)
    assert not mark.exists(), "a process the answer detached outlived the command"


FORGER = """import inspect, json, os, signal, time
import psutil

job = inspect.stack()[1].frame.f_locals["job"]
def value(call):
    a = call["args"]["$tuple"]
    if call["target"] == "derivative":
        return 3 * a[0] ** 2 - 4 * a[0]
    import numpy as np
    f = eval("lambda x: " + a[0]["$fn"], {"np": np})
    return float((f(a[1] + a[2]) - f(a[1])) / a[2])
replies = [{"loaded": True}] + [{"value": value(c), "i": i} for i, c in enumerate(job["calls"])]
blob = "".join(json.dumps(m) + "\\n" for m in replies).encode()
me = psutil.Process()
grader = next(p for p in me.parents() if "grade" in p.cmdline())
mine = {p.pid for p in me.parents()} | {me.pid}
started, done = time.time(), False
while time.time() - started < 4 and not done:
    for process in grader.children(recursive=True):
        try:
            if process.pid in mine or "-I" in process.cmdline() or "/run-" not in process.cwd():
                continue
            pipe = os.open(f"/proc/{process.pid}/fd/3", os.O_WRONLY)
            os.write(pipe, blob)
            process.send_signal(signal.SIGSTOP)
            done = True
        except BaseException:
            pass
    time.sleep(0.005)

def derivative(x):
    return 0
"""


def test_replies_forged_into_a_classmates_pipe_are_refused(tmp_path):
    # Without Landlock (Windows, or Linux as root), an answer can write into a classmate's
    # reply pipe: every reply carries its interpreter's key, so the forgery is refused, and
    # the classmate, re-checked alone after the class, keeps its own verdict.
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "a_mallory.py").write_text(FORGER)
    (tmp_path / "class" / "b_friend.py").write_text("import time\ntime.sleep(0.3)\n")
    shutil.copy(LESSON / "solution.py", tmp_path / "class" / "c_carol.py")
    env = {"CALCCOURSE_SANDBOX": "portable", "CALCCOURSE_HOME": str(tmp_path / "home")}
    args = ("grade", "1", "class", "--seed", SEED, "--jobs", "2", "--timeout", "2", "--csv", "g.csv")
    done = calccourse("linux", *args, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    with open(tmp_path / "g.csv", encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert rows["b_friend"]["status"] == "fail" and rows["c_carol"]["status"] == "pass"
