"""``calccourse watch``: check an answer file again each time it is saved.

One sandbox stays open for the whole session, and each save is checked through
``Course.check``, as ``check`` would. Its workers imported what the file (and the lesson's
solution) import, so a save costs a fork and the calls, not a Python start. watchfiles
watches the file's folder, not the file: editors save by writing a new file and renaming
it over the old one. It groups the events of one save
into one check, and polls instead of listening when ``WATCHFILES_FORCE_POLLING`` is set
(network drives, some containers; it polls by itself on WSL): a save is then seen about
0.3 s later (``WATCHFILES_POLL_DELAY_MS`` sets the pace). Once a second the file itself
is looked at as well, for a save no event told of.

On a terminal each verdict replaces the last one on a cleared screen. Elsewhere (a pipe,
a CI log, ``NO_COLOR``) each is printed below the last as plain text, flushed at once.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from calccourse import render
from calccourse.answers import SUFFIXES, Answer, Unreadable, read_answer
from calccourse.console import make_console, plain_output
from calccourse.grading import new_seed, plan
from calccourse.lesson import LessonPlugin, variant_of
from calccourse.limits import Limits
from calccourse.sandbox.runner import imports_of
from calccourse.status import CommandError, UsageError
from calccourse.workspace import answer_path, current_lesson, start_command

if TYPE_CHECKING:
    from calccourse.author import Test
    from calccourse.course import Course
    from calccourse.grading import Graded
    from calccourse.sandbox import AnswerSandbox

DEBOUNCE_MS = 400  # the longest one save's events are gathered into one check
STEP_MS = 50  # a save is over once its folder has been quiet this long
TICK_MS = 1000  # with no event, look at the file this often (an event lost, or missed at start)
SAME_SAVE = 1.0  # seconds: the same bytes again this soon after a check are one save written twice

Fingerprint = tuple[int, int, int]  # st_mtime_ns, st_size, st_ino


def choose(course: Course, key: str | None, file: Path | None) -> tuple[LessonPlugin, Path]:
    """The lesson and the file of ``watch [N] [FILE]``.

    Without N: the lesson whose default answer file was saved last, else the first lesson
    not passed yet. ``watch lesson03.py`` names the file alone: its lesson is the one
    whose default file it is.
    """
    if key is not None and file is None and Path(key).suffix.lower() in SUFFIXES:
        file = Path(key)
        plugin = next((p for p in course.catalog.lessons if answer_path(p) == file), None)
        if plugin is None:
            raise UsageError(
                f"which lesson is {file} an answer to? Name it: `{course.command('watch', 'N', str(file))}`."
            )
        return plugin, watchable(file)
    plugin = course.lesson(key) if key is not None else current_lesson(course)
    return plugin, watchable(file if file is not None else answer_path(plugin))


def watchable(path: Path) -> Path:
    """A file that can be watched: a .py or .ipynb name in a folder that exists. The file
    itself may not exist yet."""
    if path.suffix.lower() not in SUFFIXES:
        raise UsageError(
            f"{path} is not a Python file or a notebook; the answer must be a .py or .ipynb file."
        )
    if path.is_dir():
        raise UsageError(f"{path} is a folder; watch one answer file (`check` and `grade` take folders).")
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"cannot watch {path}: the folder {folder} does not exist.")
    return path


class Saves:
    """What happens to a file, as its folder's events tell: True once a save (or a
    deletion) is over, False after each quiet ``TICK_MS``.

    The watcher listens in a thread, also while a check runs (saves made meanwhile come
    as one True), and is listening once the constructor returns. A watcher that fails
    is a CommandError.
    """

    def __init__(self, path: Path) -> None:
        self.folder = path.parent.resolve()
        self.target = str(self.folder / path.name)
        self.heard: queue.Queue[bool | Exception] = queue.Queue()
        self.stopping = threading.Event()
        self.listening = threading.Event()
        threading.Thread(target=self.listen, name="calccourse-watch", daemon=True).start()
        self.listening.wait(timeout=10)

    def is_set(self) -> bool:
        """watchfiles' stop event, asked once a step from the start of watching on."""
        self.listening.set()
        return self.stopping.is_set()

    def listen(self) -> None:
        try:
            import watchfiles  # here: every other command starts without it

            for changes in watchfiles.watch(
                self.folder,
                watch_filter=lambda change, changed: changed == self.target,
                debounce=DEBOUNCE_MS,
                step=STEP_MS,
                stop_event=self,
                rust_timeout=TICK_MS,
                yield_on_timeout=True,
                recursive=False,
                raise_interrupt=False,
            ):
                self.heard.put(bool(changes))
            if not self.stopping.is_set():
                raise RuntimeError("the watcher stopped listening")
        except Exception as error:  # noqa: BLE001 - told in the main thread
            self.heard.put(error)
            self.listening.set()

    def __iter__(self) -> Iterator[bool]:
        return self

    def __next__(self) -> bool:
        items = [self.heard.get()]
        while not self.heard.empty():
            items.append(self.heard.get())
        failed = next((item for item in items if isinstance(item, Exception)), None)
        if failed is not None:
            raise CommandError(
                f"cannot watch {self.folder}: {failed}. "
                "(WATCHFILES_FORCE_POLLING=1 makes calccourse look for changes instead of listening.)"
            )
        return any(items)

    def close(self) -> None:
        self.stopping.set()


def fingerprint(path: Path) -> Fingerprint | None:
    """What tells one version of the file from the next without reading it; None when it is gone."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


@dataclass(frozen=True)
class Settings:
    """How each save is checked: as ``check`` would (its ``limits``: a seed there draws the
    same inputs at every save), with the check plot off by default."""

    limits: Limits = Limits()
    plot: bool = False
    out: Path = Path("calccourse-plots")
    verbose: bool = False
    record: bool = True


class Watch:
    """One watch session: the lesson, its answer file, a warm sandbox and the screen."""

    def __init__(
        self, course: Course, plugin: LessonPlugin, path: Path, settings: Settings, screen: Console
    ) -> None:
        self.course, self.plugin, self.path = course, plugin, path
        self.settings, self.screen = settings, screen
        self.clearing = not plain_output(screen.file) and screen.is_terminal
        self.sandbox: AnswerSandbox | None = None
        self.seen: Fingerprint | None = None  # the file as last looked at
        self.checked: tuple[str, float] | None = None  # sha256 of the last version checked, and when
        self.upcoming: tuple[int, list[Test]] | None = None  # the next check's seed and tests
        self.missing_shown = False
        self.existed = False  # the file was there at some point of the session

    # ------------------------------------------------------------------ the loop

    def start(self) -> None:
        """Start the workers (they get ready while the first inputs are drawn and the watcher
        starts) for the libraries of the file as it is and of the lesson's solution, which
        the file will likely import once it is done."""
        try:
            answer = read_answer(self.path) if self.path.is_file() else None
        except Unreadable:
            answer = None
        self.sandbox = self.course.open_sandbox(plugin=self.plugin)
        self.sandbox.prepare(
            answer.imports if answer else frozenset(), imports_of(self.plugin.solution.encode())
        )
        self.plan_next()
        if not self.clearing:
            self.header()

    def run(self, events: Iterable[bool]) -> None:
        """Check the file as it is, then again after each event, until the events end."""
        self.look(changed=True)
        for changed in events:
            self.look(changed)

    def close(self) -> None:
        if self.sandbox is not None:
            self.sandbox.close()
            self.sandbox = None

    def look(self, changed: bool) -> None:
        """One event, or a quiet tick: check the file if it holds a version not checked yet."""
        seen = fingerprint(self.path)
        if not changed and seen == self.seen:
            return
        self.seen = seen
        if seen is None:
            self.gone()
            return
        try:
            answer = read_answer(self.path)
        except Unreadable as error:
            self.message(error.message, "Watching for the next save.")
            return
        self.missing_shown, self.existed = False, True
        if (
            self.checked
            and self.checked[0] == answer.sha256
            and time.monotonic() - self.checked[1] < SAME_SAVE
        ):
            return
        self.check(answer)

    # ------------------------------------------------------------------ checking

    def check(self, answer: Answer) -> None:
        """Grade one version of the file, show the verdict, then record it (and draw it)."""
        if self.clearing:
            self.screen.print(Text(f"checking {self.path} …", style="dim"))
        settings = self.settings
        seed, tests = self.upcoming or self.plan_next()
        limits = replace(settings.limits, seed=seed)
        graded = self.course.check(
            self.plugin, answer, limits, record=False, sandbox=self.sandbox, tests=tests
        )
        self.show(graded)
        self.checked = (answer.sha256, time.monotonic())
        report = graded.report
        if settings.record:
            self.course.record(self.plugin, self.path, report)
        if settings.plot and report.tests and report.status != "pass":
            from calccourse.plotting import save_graded

            saved = save_graded(graded, settings.out, make_console(stderr=True))
            if saved is not None:
                self.screen.print(Text(f"saved plot: {saved}"))
                self.flush()
        if settings.limits.seed is None:
            self.plan_next()

    def plan_next(self) -> tuple[int, list[Test]]:
        """The next check's inputs, drawn now: while the learner edits, not after the save
        (some lessons take 50 ms to compute their references). A fixed --seed draws once."""
        seed = new_seed() if self.settings.limits.seed is None else self.settings.limits.seed
        learner = self.settings.limits.learner
        variant = None if learner is None else variant_of(self.plugin, learner)
        self.upcoming = (seed, plan(self.plugin, seed, variant))
        return self.upcoming

    # ------------------------------------------------------------------ the screen

    def show(self, graded: Graded) -> None:
        report, screen = graded.report, self.screen
        self.new_screen()
        render.report(screen, report, self.settings.verbose, focus=True)  # the first failure on screen
        render.next_step(screen, self.course, self.plugin, report)
        if report.status == "pass" and not report.checker_error:
            self.offer_next()
        screen.print(Text(f"checked at {time.strftime('%H:%M:%S')} · save again to check again", style="dim"))
        self.flush()

    def offer_next(self) -> None:
        """After a pass: the next lesson's starter file, as a command to run (never written here)."""
        after = self.course.next_lesson(self.plugin)
        if after is None:
            return
        starter = answer_path(after)
        number = str(after.number)
        if not starter.exists():
            make = start_command(self.course, after)
            self.screen.print(Text(f"Its starter file: {make}"), soft_wrap=True)
        self.screen.print(Text(f"Then watch it:    {self.course.command('watch', number)}"), soft_wrap=True)

    def gone(self) -> None:
        """The file is not there: how to make it, or, if it was there, that we wait for it."""
        self.checked = None  # when it comes back, it is checked whatever it holds
        if self.missing_shown:
            return
        self.missing_shown = True
        if self.existed:
            self.message(f"{self.path} is gone (deleted or renamed).", "Waiting for it to come back.")
            return
        make = start_command(self.course, self.plugin, self.path)
        self.message(f"There is no {self.path} yet. Create it with:\n  {make}", "Watching for it to appear.")

    def message(self, text: str, waiting: str) -> None:
        self.new_screen()
        self.screen.print(Text(text), soft_wrap=True)
        self.screen.print(Text(waiting, style="dim"))
        self.flush()

    def new_screen(self) -> None:
        """On a terminal, a cleared screen under the header; elsewhere, a blank line."""
        if self.clearing:
            self.screen.clear()
            self.header()
        else:
            self.screen.print()

    def header(self) -> None:
        name, number = self.path.name, self.plugin.number
        text = f"watching {name} · lesson {number} · save to check · Ctrl-C to stop"
        if len(text) > self.screen.width:
            text = f"watching {name} · lesson {number} · Ctrl-C stops"
        self.screen.print(Text(text, style="bold"), overflow="ellipsis", no_wrap=True)

    def goodbye(self) -> None:
        if self.clearing:
            self.screen.print()
        self.screen.print(Text(f"Stopped watching {self.path}."))
        self.flush()

    def flush(self) -> None:
        self.screen.file.flush()


def watch_file(
    course: Course,
    plugin: LessonPlugin,
    path: Path,
    settings: Settings,
    events: Iterable[bool] | None = None,
    screen: Console | None = None,
) -> None:
    """Watch ``path`` and check it on every save until ``events`` end or Ctrl-C (which
    returns quietly). ``events`` defaults to the file's saves, as watchfiles reports them."""
    session = Watch(course, plugin, path, settings, screen or make_console())
    source: Iterable[bool] = ()
    try:
        session.start()
        source = Saves(path) if events is None else events  # listening before the first look
        session.run(source)
    except KeyboardInterrupt:
        session.goodbye()
    finally:
        session.close()
        if isinstance(source, Saves):
            source.close()
