"""The command line: parse, call one method of the :class:`~calccourse.course.Course`, render.

The Typer callback puts the Course in ``ctx.obj`` (tests may pass their own with
``CliRunner().invoke(app, args, obj=Course(...))``). A :class:`~calccourse.status.CommandError`
from any command becomes one ``Error:`` paragraph on stderr and its exit code, here only.
rich is imported inside the commands that print with it, so that ``--help`` does without it.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from typer.core import TyperGroup

from calccourse import __version__
from calccourse.course import Course
from calccourse.demo import PLOT_FORMATS
from calccourse.files import write_atomically
from calccourse.lesson import LessonPlugin
from calccourse.limits import DEFAULT_CAP, DEFAULT_TIMEOUT, Limits
from calccourse.outputs import TABLE_ROWS, writable_file, writable_folder
from calccourse.status import CommandError, ExitCode, UsageError, internal_error

if TYPE_CHECKING:
    from calccourse.variants import Variant

LENIENT = {"ignore_unknown_options": True}  # so that `lesson -1` reaches our own message
PAGER_HELP = "On a terminal, page long output with $CALCCOURSE_PAGER, $PAGER or less (default: on)."
CURRENT_HELP = "Lesson number or slug (default: the lesson you are on, as `watch` finds it)."
LEARNER_HELP = (
    "Your learner id: your own variant of the exercise (default: $CALCCOURSE_LEARNER; "
    "none: the course's own)."
)


class Commands(TyperGroup):
    """calccourse's command groups: ``--lessons-dir`` anywhere on the line, one place where
    errors become messages and exit codes, and each command's whole summary in ``--help``,
    wrapped when the terminal is narrow (Click cuts it to one line ending in "...")."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _lessons_dir_first(args))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CommandError as error:
            course = ctx.obj if isinstance(ctx.obj, Course) else None
            command = self.get_command(ctx, ctx.invoked_subcommand or "")
            has_verbose = command is not None and any(p.name == "verbose" for p in command.params)
            show_error(error, verbose=bool(course and course.verbose), offer=has_verbose)
            raise typer.Exit(error.code) from None
        except Exception as error:  # noqa: BLE001 - calccourse's own bug: never read as a failing answer
            if isinstance(error, typer.Abort) or hasattr(error, "exit_code") or ctx.parent is not None:
                raise  # Typer's and Click's own ways out; and the outermost group says it once
            course = ctx.obj if isinstance(ctx.obj, Course) else None
            failure = internal_error(error)
            show_error(failure, verbose=bool(course and course.verbose))
            if course is not None:
                from calccourse.outputs import internal_error_reports

                internal_error_reports(course.reports_due, failure.message)
            raise typer.Exit(ExitCode.LESSON_BROKEN) from None

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _lessons_dir_first(args: list[str]) -> list[str]:
    """Move every ``--lessons-dir DIR`` to the front, where the main command reads it."""
    moved, rest, index = [], [], 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest += args[index:]
            break
        if arg == "--lessons-dir" and index + 1 < len(args):
            moved += args[index : index + 2]
            index += 2
            continue
        if arg.startswith("--lessons-dir="):
            moved.append(arg)
        else:
            rest.append(arg)
        index += 1
    return moved + rest


def show_error(error: CommandError, verbose: bool = False, offer: bool = True) -> None:
    """One ``Error:`` paragraph; its traceback with --verbose, or where to get it: this
    command's --verbose (``offer``) or, for a command without one, ``list --verbose``."""
    from calccourse.console import make_console

    console = make_console(stderr=True)
    console.print(f"[red]Error:[/red] {escape(error.message)}", highlight=False, soft_wrap=True)
    if verbose and error.details:
        console.print(error.details.rstrip(), markup=False, highlight=False)
    elif error.details:
        where = "--verbose shows" if offer else "`calccourse list --verbose` shows"
        console.print(f"({where} the traceback)", style="dim", highlight=False)


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(text)


app = typer.Typer(
    cls=Commands,
    help="Calculus for machine learning in seven lessons: read, run, answer, check.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
dev_app = typer.Typer(cls=Commands, help="Tools for lesson authors.", no_args_is_help=True)
app.add_typer(dev_app, name="dev")


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"calccourse {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    lessons_dir: list[Path] | None = typer.Option(
        None,
        "--lessons-dir",
        help="Also load lessons from this folder (repeatable; before or after the command).",
    ),
    version: bool = typer.Option(
        False, "--version", callback=version_callback, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Calculus for machine learning in seven lessons: read, run, answer, check."""
    course = ctx.ensure_object(Course)
    for folder in lessons_dir or []:
        if folder not in course.lesson_dirs:
            course.lesson_dirs.append(folder)
            course.__dict__.pop("catalog", None)
    ctx.call_on_close(course.close)


def course_of(ctx: typer.Context) -> Course:
    return ctx.ensure_object(Course)


def console(stderr: bool = False):  # type: ignore[no-untyped-def]
    from calccourse.console import make_console

    return make_console(stderr=stderr)


def warn_progress(course: Course) -> None:
    """Say once what could not be read or saved of the learner's progress."""
    if "progress" in course.__dict__:
        for warning in course.progress.warnings:
            console(stderr=True).print(f"warning: {warning}", highlight=False, markup=False, soft_wrap=True)


# ---------------------------------------------------------------- option checks


def plot_format(fmt: str) -> str:
    fmt = fmt.lower().lstrip(".")
    if fmt not in PLOT_FORMATS:
        raise UsageError(f"--format {fmt} is not a plot format. Choose one of: {', '.join(PLOT_FORMATS)}.")
    return fmt


def seconds(value: float, option: str) -> float:
    if not math.isfinite(value) or value <= 0:
        raise UsageError(f"{option} {value} is not a number of seconds; give a positive, finite number.")
    return value


def seed_value(seed: int | None) -> int | None:
    if seed is not None and not 0 <= seed < 2**32:
        raise UsageError(f"--seed {seed} is not a seed; give a whole number from 0 to {2**32 - 1}.")
    return seed


def limits_of(
    timeout: float,
    cap: float,
    seed: int | None,
    require_confinement: bool = False,
    learner: str | None = None,
) -> Limits:
    """The options every grading command shares, checked, as the one value the core takes."""
    return Limits(
        timeout=seconds(timeout, "--timeout"),
        cap=seconds(cap, "--cap"),
        seed=seed_value(seed),
        require_confinement=require_confinement,
        learner=learner,
    )


def learner_given(course: Course, option: str | None) -> str | None:
    """The learner id of a learner's command: ``--learner ID`` (``--learner ""``: none), else
    ``CALCCOURSE_LEARNER``; stripped and case-folded. An id given as an option is kept in
    ``course.learner_option``, so that the commands the run suggests repeat it."""
    from calccourse.variants import learner_of

    learner = learner_of(option, course.environ)
    if option is not None:
        course.learner_option = learner or ""
    return learner


def variant_for(course: Course, plugin: LessonPlugin, option: str | None) -> Variant | None:
    """The variant of ``plugin`` the learner does (None: a lesson without variants)."""
    from calccourse.lesson import variant_of

    return variant_of(plugin, learner_given(course, option))


def answer_file(course: Course, path: Path | None, plugin: LessonPlugin) -> Path:
    """The answer file to check (the lesson's own, ``lessonNN.py``, when none is named);
    missing, a folder or not an answer is a usage error."""
    from calccourse import workspace

    if path is None:
        path = workspace.answer_path(plugin)
        if not path.exists():
            raise UsageError(
                f"there is no {path} here, lesson {plugin.number}'s answer file. Create it with "
                f"`{workspace.start_command(course, plugin)}`, or name your file: "
                f"`{course.command('check', str(plugin.number), 'FILE')}`."
            )
    if not path.exists():
        raise UsageError(
            f"there is no file {path}. Create it with `{workspace.start_command(course, plugin, path)}`."
        )
    if path.is_dir():
        return path  # one submission's folder: its answer is found as `grade` finds it
    if path.suffix.lower() not in (".py", ".ipynb"):
        raise UsageError(
            f"{path} is not a Python file or a notebook; the answer must be a .py or .ipynb file."
        )
    return path


# ---------------------------------------------------------------- commands for the learner


@app.command("list")
def list_lessons(
    ctx: typer.Context,
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks of broken lessons."),
) -> None:
    """List the lessons and your progress (exit 4 when a lesson plugin is broken)."""
    from calccourse import render

    course = course_of(ctx)
    data = course.progress.load()
    render.lesson_list(console(), course, data, verbose)
    warn_progress(course)
    if any(not item.shadowed for item in course.catalog.broken):  # CI sees a broken pack
        raise typer.Exit(ExitCode.LESSON_BROKEN)


@app.command(context_settings=LENIENT)
def lesson(
    ctx: typer.Context,
    key: str = typer.Argument(..., metavar="N", help="Lesson number or slug, e.g. 3 or gradient."),
    out: Path = typer.Option(Path("calccourse-plots"), "--out", help="Folder for the plots."),
    fmt: str = typer.Option("png", "--format", help="Plot format: png, svg or pdf."),
    show: bool = typer.Option(False, "--show", help="Also open the plots in windows."),
    pager: bool = typer.Option(True, "--pager/--no-pager", help=PAGER_HELP, show_default=False),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show the traceback of a broken lesson."),
    whole_code: bool = typer.Option(
        False,
        "--code",
        help="Show the demo's whole code, plots and all (default: the lines that carry the idea).",
    ),
    learner: str | None = typer.Option(None, "--learner", metavar="ID", help=LEARNER_HELP),
) -> None:
    """Read a lesson: text, demo, plots, exercise."""
    from calccourse import render
    from calccourse.console import paged
    from calccourse.demo import run_demo
    from calccourse.lesson import LessonError

    course = course_of(ctx)
    course.verbose = verbose
    plugin = course.lesson(key)
    fmt = plot_format(fmt)
    writable_folder(out)
    with paged(pager):
        screen = console()
        render.lesson_title(screen, plugin)
        render.markdown(screen, plugin.explanation)
        render.demo_code(screen, course, plugin, whole_code)
        render.heading(screen, "Running the demo")
        broken: LessonError | None = None
        try:
            run_demo(plugin, screen, out, fmt, show)
        except LessonError as error:  # the exercise can still be done: show it, then the error
            broken = error
        render.heading(screen, "Exercise")
        render.exercise(screen, course, plugin, variant_for(course, plugin, learner))
    course.progress.mark_opened(plugin.slug)
    warn_progress(course)
    if broken is not None:
        raise broken


@app.command(context_settings=LENIENT)
def exercise(
    ctx: typer.Context,
    key: str = typer.Argument(..., metavar="N", help="Lesson number or slug."),
    template: Path | None = typer.Option(None, "--template", help="Write a starter answer file here."),
    force: bool = typer.Option(False, "--force", hidden=True, help="Replace the --template file."),
    learner: str | None = typer.Option(None, "--learner", metavar="ID", help=LEARNER_HELP),
) -> None:
    """Show a lesson's exercise, or write a starter file."""
    from calccourse import render

    course = course_of(ctx)
    plugin = course.lesson(key)
    screen = console()
    variant = variant_for(course, plugin, learner)
    if template is None:
        render.lesson_title(screen, plugin)
        render.exercise(screen, course, plugin, variant)
        return
    write_starter(course, plugin, template, force, variant)


@app.command(context_settings=LENIENT)
def start(
    ctx: typer.Context,
    key: str = typer.Argument(..., metavar="N", help="Lesson number or slug."),
    path: Path | None = typer.Argument(
        None, metavar="[FILE]", help="The file to write (default lessonNN.py; .ipynb for a notebook)."
    ),
    learner: str | None = typer.Option(None, "--learner", metavar="ID", help=LEARNER_HELP),
) -> None:
    """Write a lesson's starter answer file, lessonNN.py."""
    from calccourse import workspace

    course = course_of(ctx)
    plugin = course.lesson(key)
    path = path or Path(workspace.default_name(plugin))
    write_starter(course, plugin, path, variant=variant_for(course, plugin, learner))


def write_starter(
    course: Course, plugin: LessonPlugin, path: Path, force: bool = False, variant: Variant | None = None
) -> None:
    """Write the lesson's starter file at ``path`` (``variant``'s) and say how to check it."""
    from calccourse import render, workspace

    workspace.write_starter(course, plugin, path, force, variant)
    render.starter_written(console(), course, plugin, path)


@app.command(context_settings=LENIENT)
def hint(
    ctx: typer.Context,
    key: str | None = typer.Argument(None, metavar="[N]", help=CURRENT_HELP),
    all_hints: bool = typer.Option(False, "--all", help="Show every hint at once."),
    learner: str | None = typer.Option(None, "--learner", metavar="ID", help=LEARNER_HELP),
) -> None:
    """Show the next hint (one more each time)."""
    from calccourse import render
    from calccourse.workspace import lesson_or_current

    course = course_of(ctx)
    plugin = lesson_or_current(course, key)
    hints = plugin.hints_for(variant_for(course, plugin, learner))
    if all_hints:
        course.progress.hints_seen(plugin.slug, len(hints))
    shown = range(len(hints)) if all_hints else [course.progress.next_hint(plugin.slug, len(hints))]
    screen = console()
    for index in shown:
        render.heading(screen, f"Hint {index + 1} of {len(hints)} · lesson {plugin.number}")
        render.markdown(screen, hints[index])
    if not all_hints:
        render.hint_footer(screen, course, plugin, shown[-1] + 1 == len(hints))
    warn_progress(course)


@app.command(context_settings=LENIENT)
def solution(
    ctx: typer.Context,
    key: str | None = typer.Argument(None, metavar="[N]", help=CURRENT_HELP),
    yes: bool = typer.Option(False, "--yes", "-y", help="Show it without asking, passed or not."),
    pager: bool = typer.Option(True, "--pager/--no-pager", help=PAGER_HELP, show_default=False),
    learner: str | None = typer.Option(
        None, "--learner", metavar="ID", help="Your learner id: only to say whether your variant differs."
    ),
) -> None:
    """Show the reference solution (it asks first if you have not passed the lesson).

    It is always the course's own exercise's solution, whatever your learner id."""
    from calccourse import render
    from calccourse.console import paged
    from calccourse.markers import without_markers
    from calccourse.variants import answers_alike, without_variant_notes
    from calccourse.workspace import lesson_or_current, solution_allowed

    course = course_of(ctx)
    plugin = lesson_or_current(course, key)
    if not yes and not solution_allowed(course, plugin, console(stderr=True)):
        return
    with paged(pager):
        screen = console()
        render.lesson_title(screen, plugin)
        variant = variant_for(course, plugin, learner)
        if variant is not None and variant.learner is not None and not variant.own:
            screen.print(
                f"This is the solution of the course's own exercise; your variant ({variant.learner}) "
                + (
                    "is another, but the same code is right for it too (any example at its end "
                    "runs on the course's own)."
                    if answers_alike(plugin.solution)
                    else "is another: an answer copied from it fails your check."
                ),
                highlight=False,
            )
        render.code(screen, without_variant_notes(without_markers(plugin.solution)))


@app.command(context_settings=LENIENT)
def check(
    ctx: typer.Context,
    key: str | None = typer.Argument(None, metavar="[N]", help=CURRENT_HELP),
    answer: Path | None = typer.Argument(
        None,
        metavar="[ANSWER]",
        help="Your answer file (.py or .ipynb; default lessonNN.py), or a submission's folder.",
    ),
    seed: int | None = typer.Option(None, "--seed", help="Repeat a run: the same inputs as that seed."),
    timeout: float = typer.Option(
        DEFAULT_TIMEOUT, "--timeout", help="Seconds the answer may take to load, and for each call."
    ),
    cap: float = typer.Option(
        DEFAULT_CAP, "--cap", help="Seconds the whole check may take; calls not made by then are skipped."
    ),
    formats: list[str] | None = typer.Option(
        None, "--format", help="text, json, junit, gradescope or exercism; repeat with --output for several."
    ),
    outputs_: list[Path] | None = typer.Option(None, "--output", help="Write the matching --format here."),
    html_file: Path | None = typer.Option(
        None, "--html", help="Also write the check as a page: one self-contained HTML file."
    ),
    plot: bool | None = typer.Option(
        None,
        "--plot/--no-plot",
        help="Save a plot of your answer against the reference (default: when a test fails).",
        show_default=False,
    ),
    out: Path = typer.Option(Path("calccourse-plots"), "--out", help="Folder for the plot."),
    exit_zero: bool = typer.Option(
        False,
        "--exit-zero",
        help="Exit 0 when the answer was checked, passed or not (a broken lesson still exits 4).",
    ),
    require_confinement: bool = typer.Option(
        False, "--require-confinement", help="Refuse to run the answer without full Landlock confinement."
    ),
    record: bool | None = typer.Option(
        None,
        "--progress/--no-progress",
        help="Record the result in your progress (default: for a file in this folder's tree, not a class's).",
        show_default=False,
    ),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Also show passed tests' messages, and tracebacks."
    ),
    watch: bool = typer.Option(
        False, "--watch", help="Check again on every save of ANSWER, as `calccourse watch N ANSWER` does."
    ),
    learner: str | None = typer.Option(None, "--learner", metavar="ID", help=LEARNER_HELP),
    learner_from: Path | None = typer.Option(
        None,
        "--learner-from",
        metavar="METADATA.json",
        help="The learner id from Gradescope's submission_metadata.json: the submitter's SID, else e-mail.",
    ),
) -> None:
    """Check an answer file: what went wrong, and why."""
    from calccourse import outputs
    from calccourse.workspace import learners_own, lesson_or_current

    course = course_of(ctx)
    course.verbose = verbose
    plugin = lesson_or_current(course, key)
    if learner_from is not None:
        from calccourse.identity import gradescope_submitter

        if learner is not None:
            raise UsageError("give the learner id once: --learner or --learner-from, not both.")
        learner = gradescope_submitter(learner_from)
    limits = limits_of(timeout, cap, seed, require_confinement, learner_given(course, learner))
    if watch:
        if formats or outputs_ or exit_zero:
            raise UsageError(
                "--watch shows each verdict on screen; --format, --output and --exit-zero are for one check."
            )
        run_watch(course, plugin, answer, limits, bool(plot), out, verbose, record is not False)
        return
    path = answer_file(course, answer, plugin)
    record = learners_own(path, record)  # an instructor's check: no progress, no plot unless asked
    plot = plot if plot is not None or record else False
    targets = outputs.check_targets(formats or [], outputs_ or [], html_file, plot, out, verbose)
    course.reports_due = targets.reports
    graded = course.check(plugin, path, limits, record=record)
    outputs.show_check(console(), console(stderr=True), course, plugin, graded, targets, course.environ)
    warn_progress(course)
    raise typer.Exit(outputs.check_exit(graded, exit_zero))


@app.command(context_settings=LENIENT)
def watch(
    ctx: typer.Context,
    key: str | None = typer.Argument(
        None, metavar="[N]", help="Lesson number or slug (default: the lesson you saved last, or your next)."
    ),
    answer: Path | None = typer.Argument(
        None, metavar="[FILE]", help="Your answer file (default: the lesson's, such as lesson03.py here)."
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="The same inputs at every save (default: fresh ones)."
    ),
    timeout: float = typer.Option(
        DEFAULT_TIMEOUT, "--timeout", help="Seconds the answer may take to load, and for each call."
    ),
    cap: float = typer.Option(DEFAULT_CAP, "--cap", help="Seconds one check may take in all."),
    plot: bool = typer.Option(
        False,
        "--plot/--no-plot",
        help="After a failing verdict, save a plot of your answer against the reference.",
    ),
    out: Path = typer.Option(Path("calccourse-plots"), "--out", help="Folder for the plot."),
    record: bool = typer.Option(
        True, "--progress/--no-progress", help="Record each result in your progress."
    ),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Also show passed tests' messages, and tracebacks."
    ),
    learner: str | None = typer.Option(None, "--learner", metavar="ID", help=LEARNER_HELP),
) -> None:
    """Check your answer file again on every save.

    On a terminal each verdict replaces the last; piped, each save prints one. Ctrl-C stops.
    """
    from calccourse.watch import choose

    course = course_of(ctx)
    course.verbose = verbose
    plugin, path = choose(course, key, answer)
    limits = limits_of(timeout, cap, seed, learner=learner_given(course, learner))
    run_watch(course, plugin, path, limits, plot, out, verbose, record)


def run_watch(
    course: Course,
    plugin: LessonPlugin,
    path: Path | None,
    limits: Limits,
    plot: bool,
    out: Path,
    verbose: bool,
    record: bool,
) -> None:
    """The loop of `watch` and `check --watch`; Ctrl-C ends it with exit 0."""
    from calccourse.outputs import writable_folder
    from calccourse.watch import Settings, watch_file, watchable
    from calccourse.workspace import answer_path

    if plot:
        writable_folder(out)
    path = watchable(path if path is not None else answer_path(plugin))
    watch_file(course, plugin, path, Settings(limits, plot, out, verbose, record))
    warn_progress(course)


@app.command("next")
def next_lesson(ctx: typer.Context) -> None:
    """Show the first lesson you have not passed, and what to run."""
    from calccourse import render

    course = course_of(ctx)
    render.next_lesson(console(), course, course.next_lesson())
    warn_progress(course)


@app.command()
def progress(ctx: typer.Context) -> None:
    """Show your progress: best and last scores."""
    from calccourse import render

    course = course_of(ctx)
    render.progress_table(
        console(), course.catalog.lessons, course.progress.load(), str(course.progress.home)
    )
    warn_progress(course)


@app.command(context_settings=LENIENT)
def reset(
    ctx: typer.Context,
    key: str | None = typer.Argument(None, metavar="[N]", help="One lesson (default: all)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Forget your progress (all, or one lesson)."""
    course = course_of(ctx)
    slug = course.lesson(key).slug if key else None
    what = f"lesson {key}" if key else "all lessons"
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(f"reset forgets your progress on {what}; add --yes to confirm.")
        typer.confirm(f"Forget your progress on {what}?", abort=True)
    course.progress.reset(slug)
    console().print(f"Progress on {what} forgotten.")
    warn_progress(course)


# ---------------------------------------------------------------- commands for the instructor


@app.command(context_settings=LENIENT)
def grade(
    ctx: typer.Context,
    key: str = typer.Argument(..., metavar="N", help="Lesson number or slug."),
    paths: list[Path] = typer.Argument(
        ..., metavar="PATH...", help="Answer files, or class folders of them."
    ),
    jobs: int = typer.Option(os.cpu_count() or 2, "--jobs", "-j", min=1, help="Answers graded at once."),
    csv_file: Path | None = typer.Option(None, "--csv", help="Write the gradebook as CSV."),
    json_file: Path | None = typer.Option(None, "--json", help="Write the gradebook as JSON."),
    html_file: Path | None = typer.Option(
        None, "--html", help="Write the class page: charts, a sortable table, every report (one HTML file)."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Seed for the inputs (one for the whole class)."),
    timeout: float = typer.Option(
        DEFAULT_TIMEOUT, "--timeout", help="Seconds an answer may take to load, and for each call."
    ),
    cap: float = typer.Option(DEFAULT_CAP, "--cap", help="Seconds one answer's check may take in all."),
    require_confinement: bool = typer.Option(
        False, "--require-confinement", help="Refuse to run answers without full Landlock confinement."
    ),
    table: bool | None = typer.Option(
        None,
        "--table/--no-table",
        help=f"Print every student's row (default: when there are at most {TABLE_ROWS}).",
        show_default=False,
    ),
    shard: str | None = typer.Option(
        None, "--shard", metavar="I/N", help="Grade part I of N of the class (by student id); needs --seed."
    ),
    previous: Path | None = typer.Option(
        None, "--previous", metavar="OLD.json", help="Re-grade only answers changed since this gradebook."
    ),
    regrade_all: bool = typer.Option(
        False, "--all", help="With --previous: re-grade every answer, and list what changed."
    ),
    strip_prefix: str = typer.Option(
        "",
        "--strip-prefix",
        metavar="PREFIX",
        help="Drop this prefix from ids (GitHub Classroom: 'lesson-3-').",
    ),
    roster: Path | None = typer.Option(
        None,
        "--roster",
        metavar="FILE.csv",
        help="The class list (Canvas's or Moodle's export): rows named by it, a missing row per absentee.",
    ),
    feedback: Path | None = typer.Option(
        None, "--feedback", metavar="DIR", help="Write each student's page and text report into DIR, by id."
    ),
    similar: bool = typer.Option(
        False,
        "--similar",
        help="List pairs of near-identical answers (a pointer for a human, never a grade).",
    ),
    variants: bool = typer.Option(
        False,
        "--variants",
        help="Grade each student against their own variant: the one their id (the row's id) gives.",
    ),
) -> None:
    """Grade a class's answers into a gradebook, and say what the class got wrong."""
    from calccourse import outputs, render

    course = course_of(ctx)
    plugin = course.lesson(key)
    targets = outputs.class_targets(csv_file, json_file, html_file)
    feedback = None if feedback is None else writable_folder(feedback, "--feedback")
    limits = limits_of(timeout, cap, seed, require_confinement)
    screen, errors = console(), console(stderr=True)
    with render.class_progress(screen, errors, plugin, previous) as (planned, advance):
        run = course.grade(
            plugin,
            paths,
            limits,
            jobs=jobs,
            strip_prefix=strip_prefix,
            part=None if shard is None else shard_of(shard, seed),
            previous=previous,
            regrade_all=regrade_all,
            roster=roster,
            similar=similar,
            variants=variants,
            planned=planned,
            done=advance,
        )
    todo = run.plan
    written = outputs.show_class(
        screen,
        errors,
        plugin,
        todo.seed,
        run.results,
        run.confinement,
        targets,
        table,
        todo.part,
        run.changed,
        run.similar,
    )
    if feedback is not None:
        outputs.write_feedback(screen, feedback, plugin, todo.seed, run.results)
    if run.interrupted:
        errors.print(
            "Interrupted: the gradebook holds what was graded so far (the rest: not-run).", highlight=False
        )
    raise typer.Exit(outputs.class_exit(run.results, run.interrupted, written))


def shard_of(text: str, seed: int | None) -> tuple[int, int]:
    """``--shard I/N``: part I (from 1) of N. Every part must use the same ``--seed``."""
    part, _, count = text.partition("/")
    if not (part.isdigit() and count.isdigit() and 1 <= int(part) <= int(count)):
        raise UsageError(
            f"--shard {text} is not a part of the class: give I/N with 1 ≤ I ≤ N, e.g. --shard 2/4."
        )
    if seed_value(seed) is None:
        raise UsageError("--shard needs --seed: every part of the class must be graded with the same inputs.")
    return int(part), int(count)


gradebook_app = typer.Typer(
    cls=Commands,
    help="Join the parts of a class's gradebook, or export it to an LMS.",
    no_args_is_help=True,
)
app.add_typer(gradebook_app, name="gradebook")


@gradebook_app.command("merge", context_settings=LENIENT)
def gradebook_merge(
    ctx: typer.Context,
    parts: list[Path] = typer.Argument(..., metavar="PART.json...", help="Gradebooks of parts of one class."),
    csv_file: Path | None = typer.Option(None, "--csv", help="Write the merged gradebook as CSV."),
    json_file: Path | None = typer.Option(None, "--json", help="Write the merged gradebook as JSON."),
    html_file: Path | None = typer.Option(
        None, "--html", help="Write the class page of the whole class (one HTML file)."
    ),
    table: bool | None = typer.Option(
        None,
        "--table/--no-table",
        help=f"Print every student's row (default: at most {TABLE_ROWS}).",
        show_default=False,
    ),
) -> None:
    """Join gradebooks of parts of a class (grade --shard) into one, and show it."""
    from calccourse import classbook, outputs

    course = course_of(ctx)
    targets = outputs.class_targets(csv_file, json_file, html_file)
    merged = classbook.merge([classbook.load(path) for path in parts])
    plugin = course.lesson(str(merged.lesson.get("slug")))
    written = outputs.show_class(
        console(),
        console(stderr=True),
        plugin,
        merged.seed,
        merged.results,
        merged.confinement,
        targets,
        table,
    )
    raise typer.Exit(outputs.class_exit(merged.results, False, written))


@gradebook_app.command("export", context_settings=LENIENT)
def gradebook_export(
    books: list[Path] = typer.Argument(..., metavar="GRADEBOOK.json...", help="One gradebook per lesson."),
    lms: str = typer.Option(..., "--lms", help="canvas or moodle: whose grade import reads the file."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the CSV here (default: stdout)."),
    id_column: str | None = typer.Option(
        None,
        "--id-column",
        help="The column of the student ids (Canvas: SIS Login ID, SIS User ID or ID; Moodle: any name).",
    ),
) -> None:
    """Write the scores as Canvas's or Moodle's grade import reads them: one column per lesson."""
    from calccourse import classbook
    from calccourse.reports.lms import lms_csv

    target = None if output is None else writable_file(output, "--output")
    exported = lms_csv([classbook.load(path) for path in books], lms.lower(), id_column)
    text = exported.text
    for student, why in exported.left_out:  # on stderr: never inside the CSV on stdout
        console(stderr=True).print(
            f"left out: {student}: {why}", highlight=False, markup=False, soft_wrap=True
        )
    if target is None:
        typer.echo(text, nl=False)
        return
    try:
        write_atomically(target, text)
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror or error}.") from None
    console().print(f"wrote {target}", highlight=False)


@app.command("run-all")
def run_all(
    ctx: typer.Context,
    out: Path = typer.Option(Path("calccourse-plots"), "--out", help="Folder for the plots."),
    fmt: str = typer.Option("png", "--plot-format", help="Plot format: png, svg or pdf."),
    report_format: str = typer.Option("text", "--format", help="Report format: text or json."),
) -> None:
    """Run every demo headless (for CI smoke runs)."""
    from calccourse import render
    from calccourse.reports.gradebook import run_all_json

    if report_format not in ("text", "json"):
        raise UsageError(f"--format {report_format} is not a report format. Choose text or json.")
    course = course_of(ctx)
    fmt = plot_format(fmt)
    writable_folder(out)
    screen = console()
    text = report_format == "text"
    runs = course.run_demos(out, fmt, done=lambda run: render.demo_run(screen, run) if text else None)
    broken = [item for item in course.catalog.broken if not item.shadowed]
    if text:
        render.broken_lessons(screen, broken)
    else:
        typer.echo(run_all_json(runs, broken))
    if broken or any(run.status != "pass" for run in runs):
        raise typer.Exit(ExitCode.LESSON_BROKEN)


# ---------------------------------------------------------------- commands for the lesson author


@dev_app.command("check", context_settings=LENIENT)
def dev_check(
    ctx: typer.Context,
    key: str | None = typer.Argument(None, metavar="[N]", help="One lesson (default: all)."),
    seed: int = typer.Option(0, "--seed", help="The first seed for the checkers' inputs."),
    seeds: int = typer.Option(
        1, "--seeds", min=1, help="Run the checkers under this many seeds (flaky tests show)."
    ),
    demos: bool = typer.Option(True, "--demos/--no-demos", help="Also run each demo."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks of what failed."),
    variants: int = typer.Option(
        0,
        "--variants",
        min=0,
        metavar="N",
        help="Also prove the solution and every mistake, adapted, in N learners' variants (learner-1 …).",
    ),
) -> None:
    """Prove lessons right: solution, template, mistakes, demo."""
    from calccourse import render

    course = course_of(ctx)
    course.verbose = verbose
    plugins = [course.lesson(key)] if key else course.catalog.lessons
    screen = console()
    findings = course.dev_check(
        plugins,
        [seed_value(seed) + k for k in range(seeds)],  # type: ignore[operator]
        demos,
        done=lambda finding: render.finding(screen, finding, verbose),
        variants=variants,
    )
    bad = [f for f in findings if not f.ok]
    screen.print(f"\n{len(findings) - len(bad)} passed, {len(bad)} failed", highlight=False)
    broken = any(f.broken for f in bad)  # a part that cannot run, as `check` says it: 4
    raise typer.Exit(ExitCode.LESSON_BROKEN if broken else ExitCode.FAILED if bad else ExitCode.OK)


@dev_app.command("template", context_settings=LENIENT)
def dev_template(
    ctx: typer.Context,
    key: str = typer.Argument(..., metavar="N", help="The lesson's number or slug."),
) -> None:
    """Write template.py from solution.py's # BEGIN SOLUTION / # END SOLUTION regions."""
    from calccourse.markers import write_template

    plugin = course_of(ctx).lesson(key)
    console().print(write_template(plugin.folder), highlight=False, soft_wrap=True)


@dev_app.command("new")
def dev_new(
    ctx: typer.Context,
    number: int = typer.Argument(..., metavar="N", help="The new lesson's number."),
    slug: str = typer.Argument(..., metavar="SLUG", help="Its slug: lower-case letters, digits and -."),
    folder: Path = typer.Option(Path("."), "--dir", help="Where to create the lesson's folder."),
    pack: bool = typer.Option(
        False, "--pack", help="Make a whole installable pack: pyproject.toml, entry point, tests, CI."
    ),
) -> None:
    """Scaffold a new lesson that passes dev check."""
    from calccourse.scaffold import new_lesson, new_pack

    course = course_of(ctx)
    created = new_pack(folder, number, slug) if pack else new_lesson(folder, number, slug)
    package = slug.replace("-", "_")
    lessons = created / "src" / f"calccourse_{package}" / package if pack else folder
    screen = console()
    count = len([path for path in created.rglob("*") if path.is_file()])
    screen.print(f"Created {created} ({count} files). Prove it right, then make it yours:", highlight=False)
    dirs = Course(lesson_dirs=[*course.lesson_dirs, lessons])
    screen.print(f"  {dirs.command('dev', 'check', str(number))}", highlight=False, soft_wrap=True)
    screen.print(f"  {dirs.command('lesson', str(number))}", highlight=False, soft_wrap=True)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``calccourse`` command."""
    # The course's matrices are small: BLAS threads only compete for the cores with the workers.
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    course = Course(adopt_orphans=True)
    try:
        app(args=list(argv) if argv is not None else None, obj=course)
    except KeyboardInterrupt:
        course.close()
        sys.exit(ExitCode.INTERRUPTED)
    except SystemExit as done:
        end_stuck_parts(course, done)
        raise


def end_stuck_parts(course: Course, done: SystemExit) -> None:
    """A lesson's part that hung and could not be stopped (see calccourse.timelimit) is a
    thread still running: end the process with the command's exit code, without waiting."""
    limited = sys.modules.get("calccourse.timelimit")
    if limited is not None and limited.abandoned():
        course.close()
        code = done.code if isinstance(done.code, int) else ExitCode.LESSON_BROKEN
        limited.exit_now(code)


def fail(message: str, code: int = ExitCode.USAGE) -> NoReturn:
    """End a command with one ``Error:`` paragraph (for code outside a command)."""
    show_error(CommandError(message))
    raise typer.Exit(code)
