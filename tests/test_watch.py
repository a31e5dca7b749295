"""`calccourse watch`: one verdict per save, in one warm sandbox, through mid-edits and hangs.

The loop is driven by a list of events in process (each edit is made right before its
event), the watcher itself on real files, and the command end to end in a subprocess
(stdout piped) and in a pseudo-terminal.
"""

from __future__ import annotations

import io
import os
import queue
import re
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rich.console import Console

from calccourse.course import Course
from calccourse.discovery import discover
from calccourse.limits import Limits
from calccourse.watch import Saves, Settings, Watch, choose
from calccourse.workspace import answer_path

LESSON1 = discover(use_entry_points=False).find("1")
assert LESSON1 is not None
TEMPLATE = (LESSON1.folder / "template.py").read_text()
SOLUTION = (LESSON1.folder / "solution.py").read_text()
WRONG = (LESSON1.folder / "mistakes" / "divides_twice.py").read_text()
BROKEN = "def derivative(x)\n    return 3 * x**2 - 4 * x\n"
HANGS = SOLUTION.replace("def derivative(x):", "def derivative(x):\n    while True:\n        pass")
VERDICT = re.compile(r"^(Not yet\.|All tests passed\.|Fix the error above)", re.MULTILINE)


def session(path: Path, **settings: object) -> tuple[Watch, io.StringIO]:
    out = io.StringIO()
    screen = Console(file=out, width=100, color_system=None, highlight=False)
    limits = Limits(**{k: settings.pop(k) for k in ("timeout", "seed") if k in settings})  # type: ignore[arg-type]
    return Watch(Course(), LESSON1, path, Settings(limits, **settings), screen), out  # type: ignore[arg-type]


def drive(watch: Watch, *edits: Callable[[], object]) -> None:
    """Run the loop with one event after each edit (the edit made just before it)."""

    def events() -> Iterator[bool]:
        for edit in edits:
            edit()
            yield True

    try:
        watch.start()
        watch.run(events())
    finally:
        watch.close()


def verdicts(out: io.StringIO) -> list[str]:
    return VERDICT.findall(out.getvalue())


def test_one_verdict_per_save_through_a_mid_edit_and_a_pass(tmp_path):
    answer = tmp_path / "lesson01.py"
    watch, out = session(answer)
    drive(
        watch,
        lambda: answer.write_text(TEMPLATE),
        lambda: answer.write_text(WRONG),
        lambda: answer.write_text(BROKEN),
        lambda: answer.write_text(SOLUTION),
    )
    text = out.getvalue()
    assert text.index("There is no") < text.index("Not started yet") < text.index("divided by dx twice")
    assert verdicts(out) == ["Not yet.", "Not yet.", "Fix the error above", "All tests passed."]
    assert "calccourse start 1" in text.split("Checking")[0]
    broken = text.split("Checking")[3]
    assert "line 1" in broken and "SyntaxError" in broken and "Traceback" not in broken
    passed = text.split("Checking")[4]
    assert "Next: lesson 2 · Integration" in passed and "calccourse lesson 2" in passed
    assert "calccourse start 2" in passed and "calccourse watch 2" in passed
    assert "\x1b" not in text  # not a terminal: no clearing, no colour
    checks = Course().progress.load()["checks"]["derivatives"]  # recorded as check records it
    assert checks["best"]["status"] == "pass" and checks["last"]["score"] == 3


def test_repeats_quiet_ticks_a_deletion_and_a_change_heard_of_late(tmp_path):
    answer = tmp_path / "lesson01.py"
    answer.write_text(WRONG)
    watch, out = session(answer)

    def events() -> Iterator[bool]:
        yield True  # the editor wrote the same bytes again: the same save
        yield False  # a quiet tick, nothing changed
        answer.unlink()
        yield True
        answer.write_text(WRONG)  # back, with the same bytes: checked again
        yield True
        answer.write_text(SOLUTION)
        yield False  # a change that no event told of, found on a tick

    try:
        watch.start()
        watch.run(events())
    finally:
        watch.close()
    text = out.getvalue()
    assert verdicts(out) == ["Not yet.", "Not yet.", "All tests passed."]
    assert "lesson01.py is gone" in text and "Waiting for it to come back" in text
    assert "There is no" not in text


def test_a_hang_is_stopped_and_the_watch_goes_on_with_a_fixed_seed_and_no_progress(tmp_path):
    answer = tmp_path / "lesson01.py"
    watch, out = session(answer, timeout=0.5, seed=7, record=False)
    drive(watch, lambda: answer.write_text(HANGS), lambda: answer.write_text(SOLUTION))
    assert "did not return within 0.5 s" in out.getvalue()
    assert verdicts(out) == ["Not yet.", "All tests passed."]
    assert out.getvalue().count("--seed 7") == 2
    assert "checks" not in Course().progress.load()


def test_what_an_answer_finds_imported_depends_on_the_answer_alone_not_on_earlier_saves(tmp_path):
    answer = tmp_path / "lesson01.py"
    probe = "import sys\nprint('MODULES', [m for m in ('scipy', 'sympy') if m in sys.modules])\n" + SOLUTION
    watch, out = session(answer)
    drive(
        watch,
        lambda: answer.write_text(probe),
        lambda: answer.write_text("import scipy\n" + probe),  # a library the first save had not
        lambda: answer.write_text(probe),  # and back: scipy is not left behind
    )
    assert re.findall(r"MODULES \[.*?\]", out.getvalue()) == ["MODULES []", "MODULES ['scipy']", "MODULES []"]
    assert verdicts(out) == ["All tests passed."] * 3


# ---------------------------------------------------------------- which lesson, which file


def test_the_default_file_and_the_lesson_chosen(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    course = Course()
    assert choose(course, "3", None) == (course.lesson("3"), Path("lesson03.py"))
    assert choose(course, None, None)[0].number == 1  # nothing here, nothing passed yet
    course.progress.record_check("derivatives", "pass", 3, 3)
    assert choose(course, None, None)[0].number == 2  # the first lesson not passed
    Path("lesson05.py").write_text("")
    Path("lesson04.py").write_text("")
    os.utime("lesson05.py", (time.time() - 60,) * 2)
    assert choose(course, None, None) == (course.lesson("4"), Path("lesson04.py"))  # saved last
    assert choose(course, "lesson05.py", None)[0].number == 5  # a default file names its lesson
    assert answer_path(course.lesson("6")) == Path("lesson06.py")


@pytest.mark.parametrize(
    ("key", "file", "message"),
    [
        ("1", "notes.txt", "not a Python file"),
        ("1", "missing/lesson01.py", "the folder missing does not exist"),
        ("1", "folder.py", "is a folder"),
        ("mine.py", None, "which lesson is mine.py an answer to?"),
    ],
)
def test_files_that_cannot_be_watched_are_usage_errors(run, tmp_path, key, file, message):
    (tmp_path / "folder.py").mkdir()
    result = run("watch", key, *([file] if file else []))
    assert result.exit_code == 2 and message in result.output


def test_check_watch_takes_no_machine_reports(run):
    result = run("check", "1", "lesson01.py", "--watch", "--format", "json")
    assert result.exit_code == 2 and "--watch shows each verdict on screen" in result.output


# ---------------------------------------------------------------- the watcher on real files


def next_save(saves: Saves, within: float = 10.0) -> bool:
    """The next True from the watcher (False ticks skipped); False if none came in time."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if next(saves):
            return True
    return False


def test_the_watcher_hears_writes_renames_and_deletions_of_its_file_only(tmp_path):
    answer = tmp_path / "lesson01.py"
    saves = Saves(answer)
    try:
        answer.write_text("x = 1\n")  # a plain write (VS Code truncates and writes)
        assert next_save(saves)
        (tmp_path / ".lesson01.py.swp").write_text("vim")  # other files in the folder
        (tmp_path / "notes.txt").write_text("hello")
        assert next(saves) is False  # a quiet tick: nothing heard for the answer
        (tmp_path / "new").write_text("x = 2\n")  # vim: a new file renamed over the old one
        os.replace(tmp_path / "new", answer)
        assert next_save(saves)
        answer.unlink()
        assert next_save(saves)
    finally:
        saves.close()


# ---------------------------------------------------------------- the command, end to end


class Lines:
    """A subprocess's output, line by line, waited on with a timeout."""

    def __init__(self, stream: io.TextIOBase) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=lambda: [self.lines.put(line) for line in stream], daemon=True).start()

    def wait_for(self, pattern: str, within: float = 30.0) -> str:
        deadline = time.monotonic() + within
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(
                    f"no {pattern!r} in time; output so far:\n{''.join(self.seen)}"
                ) from None
            self.seen.append(line)
            if re.search(pattern, line):
                return line


WATCH = [sys.executable, "-m", "calccourse", "watch", "1", "lesson01.py"]


def test_the_command_checks_each_save_and_ctrl_c_exits_0(tmp_path):
    answer = tmp_path / "lesson01.py"
    env = {**os.environ, "NO_COLOR": "1"}
    with subprocess.Popen(
        WATCH,
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        out = Lines(process.stdout)
        try:
            out.wait_for("^watching lesson01.py · lesson 1")
            out.wait_for("Watching for it to appear")
            steps = [
                ("template.py", "Not started yet", "^Not yet"),
                ("mistakes/divides_twice.py", "divided by dx twice", "^Not yet"),
                (None, "SyntaxError", "^Fix the error above"),
                ("solution.py", "^All tests passed", "^Next: lesson 2 · Integration"),
            ]
            for source, detail, verdict in steps:
                if source is None:
                    answer.write_text(BROKEN)
                else:
                    shutil.copy(LESSON1.folder / source, answer)
                out.wait_for("Checking lesson01.py · lesson 1")
                out.wait_for(detail)
                out.wait_for(verdict)
                out.wait_for("^checked at")
            process.send_signal(signal.SIGINT)
            out.wait_for("^Stopped watching lesson01.py.")
            assert process.wait(timeout=15) == 0
        finally:
            process.kill()
        assert len(VERDICT.findall("".join(out.seen))) == 4  # one per save, none twice
        assert "Traceback" not in process.stderr.read()


def test_on_a_terminal_the_screen_is_cleared_for_each_verdict(tmp_path):
    import pty

    answer = tmp_path / "lesson01.py"
    answer.write_text(WRONG)
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(TERM="xterm-256color", COLUMNS="80", LINES="30")
    leader, follower = pty.openpty()
    process = subprocess.Popen(WATCH, cwd=tmp_path, env=env, stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    screen = b""

    def read_until(marker: bytes, count: int, within: float = 30.0) -> None:
        nonlocal screen
        deadline = time.monotonic() + within
        while screen.count(marker) < count:
            assert time.monotonic() < deadline, screen.decode(errors="replace")
            ready, _, _ = select.select([leader], [], [], 0.1)
            if ready:
                screen += os.read(leader, 65536)

    try:
        read_until(b"save again to check again", 1)
        answer.write_text(SOLUTION)
        read_until(b"save again to check again", 2)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    finally:
        process.kill()
        os.close(leader)
    text = screen.decode(errors="replace")
    clear = "\x1b[2J"
    assert text.count(clear) == 2  # one cleared screen per verdict
    first, second = text.split(clear)[1:]
    assert "watching lesson01.py · lesson 1 · save to check · Ctrl-C to stop" in first
    assert "divided by dx twice" in first and "All tests passed" not in first
    assert "All tests passed" in second and "divided by dx twice" not in second


def test_watch_explains_the_first_failure_only_so_that_it_stays_on_a_small_screen(run, tmp_path):
    """An 80×24 pane keeps the first failure in view: later failures show their line only,
    and `check` still explains every one."""
    two_wrong = WRONG.replace("3 * x**2 - 4 * x", "3 * x**2 - 4 * x + 1")
    answer = tmp_path / "lesson01.py"
    answer.write_text(two_wrong)
    watch, out = session(answer, seed=3)
    drive(watch, lambda: None)
    shown = out.getvalue()
    assert "derivative of the constant 1 is 0" in shown and "divided by dx twice" not in shown
    assert "(2 more not passed: their messages once the first passes)" in shown
    checked = run("check", "1", str(answer), "--seed", "3", "--no-plot").output
    assert "derivative of the constant 1 is 0" in checked and "divided by dx twice" in checked
