"""The command line: parse, call a plain function, render. Logic lives in the modules."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import typer

from calccourse import __version__, state
from calccourse.demo import PLOT_FORMATS
from calccourse.discovery import Catalog, discover
from calccourse.lesson import LessonPlugin

# rich is imported inside the commands that print with it, so that `--help` does without it.

EXIT_USAGE, EXIT_INTERNAL = 2, 4  # 0, 1 and 3 come from the report (Report.exit_code)
app = typer.Typer(
    help="Calculus for machine learning in seven lessons: read, run, answer, check.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
dev_app = typer.Typer(help="Tools for lesson authors.", no_args_is_help=True)
app.add_typer(dev_app, name="dev")
LENIENT = {"ignore_unknown_options": True}  # so that `lesson -1` reaches our own message


class Options:
    lessons_dirs: list[Path] = []
    _catalog: Catalog | None = None
    standalone = False  # run as the `calccourse` command (not inside another program)
    adopting = False  # answer processes left behind are ours to end

    @classmethod
    def catalog(cls) -> Catalog:
        if cls._catalog is None:
            cls._catalog = discover(cls.lessons_dirs)
        return cls._catalog


def adopt_answer_processes() -> None:
    """Before running answers as the `calccourse` command: whatever process an answer leaves
    behind (even when it kills its worker) becomes ours, and ends when the command ends."""
    if Options.standalone:
        from calccourse.sandbox import reaper

        reaper.become_subreaper()
        Options.adopting = True


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    from calccourse.console import make_console

    make_console(stderr=True).print(f"[red]Error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def find_lesson(key: str) -> LessonPlugin:
    """The lesson named by number or slug; exit 2 (unknown) or 4 (broken) with a clear message."""
    catalog = Options.catalog()
    plugin = catalog.find(key)
    if plugin is not None:
        return plugin
    broken = catalog.broken_for(key)
    if broken is not None:
        fail(f"lesson '{key}' could not be loaded from {broken.path}: {broken.reason}", EXIT_INTERNAL)
    valid = ", ".join(f"{p.number} ({p.slug})" for p in catalog.lessons)
    fail(f"there is no lesson '{key}'. Choose one of: {valid}.")


def writable_folder(folder: Path) -> Path:
    """Create ``folder`` if needed; exit 2 if it is a file or cannot be written."""
    if folder.exists() and not folder.is_dir():
        fail(f"--out {folder} is a file, not a folder. Give a folder for the plots.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".calccourse-write-test-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError as error:
        fail(f"cannot write plots into {folder}: {error.strerror or error}.")
    return folder


def plot_format(fmt: str) -> str:
    fmt = fmt.lower().lstrip(".")
    if fmt not in PLOT_FORMATS:
        fail(f"--format {fmt} is not a plot format. Choose one of: {', '.join(PLOT_FORMATS)}.")
    return fmt


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"calccourse {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    lessons_dir: list[Path] | None = typer.Option(
        None, "--lessons-dir", help="Also load lessons from this folder (repeatable)."
    ),
    version: bool = typer.Option(
        False, "--version", callback=version_callback, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Calculus for machine learning in seven lessons: read, run, answer, check."""
    Options.lessons_dirs = list(lessons_dir or [])
    Options._catalog = None


@app.command("list")
def list_lessons(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks of broken lessons."),
) -> None:
    """List the lessons, what each teaches, and your progress."""
    from calccourse import render
    from calccourse.console import make_console

    catalog = Options.catalog()
    data = state.load()
    statuses = {p.slug: state.status_of(p.slug, data) for p in catalog.lessons}
    render.lesson_list(make_console(), catalog, statuses, verbose)


@app.command(context_settings=LENIENT)
def lesson(
    key: str = typer.Argument(..., metavar="N", help="Lesson number or slug, e.g. 3 or gradient."),
    out: Path = typer.Option(Path("calccourse-plots"), "--out", help="Folder for the plots."),
    fmt: str = typer.Option("png", "--format", help="Plot format: png, svg or pdf."),
    show: bool = typer.Option(False, "--show", help="Also open the plots in windows."),
) -> None:
    """Read a lesson: explanation, the demo's code and results, plots, the exercise."""
    from calccourse import render
    from calccourse.console import make_console
    from calccourse.demo import DemoFailed, run_demo

    plugin = find_lesson(key)
    fmt = plot_format(fmt)
    writable_folder(out)
    console = make_console()
    render.lesson_title(console, plugin)
    render.markdown(console, plugin.explanation)
    render.heading(console, "The demo's code")
    render.code(console, plugin.demo_source)
    render.heading(console, "Running the demo")
    try:
        run_demo(plugin, console, out, fmt, show)
    except DemoFailed as error:
        fail(f"the demo of lesson {plugin.number} failed: {error}", EXIT_INTERNAL)
    render.heading(console, "Exercise")
    render.exercise(console, plugin)


@app.command(context_settings=LENIENT)
def exercise(
    key: str = typer.Argument(..., metavar="N", help="Lesson number or slug."),
    template: Path | None = typer.Option(None, "--template", help="Write a starter answer file here."),
    force: bool = typer.Option(False, "--force", help="Overwrite the --template file if it exists."),
) -> None:
    """Show a lesson's exercise; --template writes a starter answer file."""
    from calccourse import render
    from calccourse.console import make_console

    plugin = find_lesson(key)
    console = make_console()
    if template is not None:
        if template.exists() and not force:
            fail(f"{template} already exists; nothing was overwritten. Use --force to replace it.")
        try:
            template.write_text(plugin.template, encoding="utf-8")
        except OSError as error:
            fail(f"cannot write {template}: {error.strerror or error}.")
        console.print(f"Wrote the starter file {template}. Fill it in, then run:")
        console.print(f"  calccourse check {plugin.number} {template}")
        return
    render.lesson_title(console, plugin)
    render.exercise(console, plugin)


@app.command(context_settings=LENIENT)
def hint(
    key: str = typer.Argument(..., metavar="N", help="Lesson number or slug."),
    all_hints: bool = typer.Option(False, "--all", help="Show every hint at once."),
) -> None:
    """Show the next hint for a lesson's exercise (one more each time)."""
    from calccourse import render
    from calccourse.console import make_console

    plugin = find_lesson(key)
    hints = plugin.hints
    console = make_console()
    shown = range(len(hints)) if all_hints else [state.next_hint(plugin.slug, len(hints))]
    for index in shown:
        render.heading(console, f"Hint {index + 1} of {len(hints)} · lesson {plugin.number}")
        render.markdown(console, hints[index])
    if not all_hints and shown[-1] + 1 < len(hints):
        console.print(f"\n[dim]Stuck still? `calccourse hint {plugin.number}` again for the next one.[/dim]")


@app.command(context_settings=LENIENT)
def solution(key: str = typer.Argument(..., metavar="N", help="Lesson number or slug.")) -> None:
    """Show the reference solution of a lesson's exercise."""
    from calccourse import render
    from calccourse.console import make_console

    plugin = find_lesson(key)
    console = make_console()
    render.lesson_title(console, plugin)
    render.code(console, plugin.solution)


@app.command("run-all")
def run_all(
    out: Path = typer.Option(Path("calccourse-plots"), "--out", help="Folder for the plots."),
    fmt: str = typer.Option("png", "--plot-format", help="Plot format: png, svg or pdf."),
    report_format: str = typer.Option("text", "--format", help="Report format: text or json."),
) -> None:
    """Run every demo headless, one line each; exit 4 if any failed (for CI smoke runs)."""
    from calccourse import render
    from calccourse.console import make_console
    from calccourse.demo import run_quietly

    if report_format not in ("text", "json"):
        fail(f"--format {report_format} is not a report format. Choose text or json.")
    fmt = plot_format(fmt)
    writable_folder(out)
    catalog = Options.catalog()
    console = make_console()
    runs = []
    for plugin in catalog.lessons:
        runs.append(run := run_quietly(plugin, out, fmt))
        if report_format == "text":
            render.demo_run(console, run)
    if report_format == "json":
        import json
        from dataclasses import asdict

        broken = [{"path": item.path, "reason": item.reason} for item in catalog.broken]
        typer.echo(
            json.dumps({"version": 1, "demos": [asdict(run) for run in runs], "broken": broken}, indent=2)
        )
    else:
        for item in catalog.broken:
            console.print(f"! broken lesson {item.path}: {item.reason}", highlight=False)
    if catalog.broken or any(run.status != "pass" for run in runs):
        raise typer.Exit(EXIT_INTERNAL)


def answer_file(path: Path, number: int) -> Path:
    """The answer file to check; exit 2 when it is missing, a folder or not Python."""
    if not path.exists():
        fail(f"there is no file {path}. Create it with `calccourse exercise {number} --template {path}`.")
    if path.is_dir():
        fail(f"{path} is a folder; give the answer file (a .py file). For a class, use `calccourse grade`.")
    if path.suffix != ".py":
        fail(f"{path} is not a Python file; the answer must be a .py file.")
    return path


@app.command(context_settings=LENIENT)
def check(
    key: str = typer.Argument(..., metavar="N", help="Lesson number or slug."),
    answer: Path = typer.Argument(..., metavar="ANSWER.py", help="Your answer file."),
    seed: int | None = typer.Option(None, "--seed", help="Repeat a run: the same inputs as that seed."),
    timeout: float = typer.Option(
        5.0, "--timeout", min=0.1, help="Seconds the answer may take to load, and per call."
    ),
    formats: list[str] | None = typer.Option(
        None, "--format", help="text, json, junit, gradescope or exercism; repeat with --output for several."
    ),
    outputs: list[Path] | None = typer.Option(None, "--output", help="Write the matching --format here."),
    plot: bool | None = typer.Option(
        None,
        "--plot/--no-plot",
        help="Save a plot of your answer against the reference (default: when a test fails).",
        show_default=False,
    ),
    out: Path = typer.Option(Path("calccourse-plots"), "--out", help="Folder for the plot."),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 whatever the result (for CI runners)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Also show the messages of passed tests."),
) -> None:
    """Check your answer file: every test, what went wrong, and which mistake it looks like."""
    from calccourse import render, reports
    from calccourse.console import make_console
    from calccourse.grading import grade
    from calccourse.sandbox.runner import Sandbox, preload_for

    plugin = find_lesson(key)
    answer = answer_file(answer, plugin.number)
    formats = [f.lower() for f in formats or ["text"]]
    outputs = list(outputs or [])
    for fmt in formats:
        if fmt not in reports.FORMATS:
            fail(f"--format {fmt} is not a report format. Choose one of: {', '.join(reports.FORMATS)}.")
    if len(outputs) > len(formats) or len(formats) - len(outputs) > 1:
        fail("give one --output per --format (one format may go to the screen without --output).")
    if plot:
        writable_folder(out)
    adopt_answer_processes()
    with Sandbox(preload=preload_for([answer])) as sandbox:  # imports overlap with ours
        report, tests, outcomes = grade(plugin, answer, sandbox, seed=seed, timeout=timeout)
    if report.tests and (plot or (plot is None and report.status != "pass")):
        from calccourse.plotting import save_check_plot

        try:
            out.mkdir(parents=True, exist_ok=True)
            path = save_check_plot(plugin.number, tests, outcomes, out)
        except OSError as error:  # the verdict matters more than its picture
            make_console(stderr=True).print(f"Could not save the plot in {out}: {error}", highlight=False)
        else:
            if path is not None:
                report.plots.append(path)
    state.record_check(plugin.slug, report.status, report.score, report.max_score)
    for fmt, target in zip(formats, [*outputs, None]):
        if fmt == "text" and target is None:
            render.report(make_console(), report, verbose)
            continue
        text = reports.render(report, fmt) if fmt != "text" else _plain_report(report, verbose)
        if target is None:
            typer.echo(text)
        else:
            try:
                target.write_text(text + "\n", encoding="utf-8")
            except OSError as error:
                fail(f"cannot write {target}: {error.strerror or error}.")
    if os.environ.get("GITHUB_ACTIONS") == "true":  # the runner reads commands on stdout and stderr
        report_on_stdout = len(formats) > len(outputs) and formats[-1] != "text"
        for line in reports.github_annotations(report, str(answer)):
            typer.echo(line, err=report_on_stdout)  # never inside a JSON or XML report
    raise typer.Exit(0 if exit_zero else report.exit_code)


def _plain_report(report: object, verbose: bool) -> str:
    from rich.console import Console

    from calccourse import render

    console = Console(record=True, width=100, color_system=None, file=open(os.devnull, "w"))  # noqa: SIM115
    render.report(console, report, verbose)  # type: ignore[arg-type]
    console.file.close()
    return console.export_text().rstrip()


@app.command(context_settings=LENIENT)
def grade(
    key: str = typer.Argument(..., metavar="N", help="Lesson number or slug."),
    paths: list[Path] = typer.Argument(..., metavar="PATH...", help="Answer files, or folders of them."),
    jobs: int = typer.Option(os.cpu_count() or 2, "--jobs", "-j", min=1, help="Answers graded at once."),
    csv_file: Path | None = typer.Option(None, "--csv", help="Write the gradebook as CSV."),
    json_file: Path | None = typer.Option(None, "--json", help="Write the gradebook as JSON."),
    seed: int | None = typer.Option(None, "--seed", help="Seed for the inputs (one for the whole class)."),
    timeout: float = typer.Option(
        5.0, "--timeout", min=0.1, help="Seconds an answer may take to load, and per call."
    ),
) -> None:
    """Grade a class's answers in parallel: a table, and a gradebook in CSV or JSON."""
    from calccourse import batch, render
    from calccourse.console import make_console
    from calccourse.grading import new_seed

    plugin = find_lesson(key)
    try:
        submissions = batch.collect(paths)
    except batch.NoAnswers as error:
        fail(str(error))
    seed = new_seed() if seed is None else seed
    console = make_console()
    with render.progress(console, len(submissions), f"grading lesson {plugin.number}") as advance:
        adopt_answer_processes()
        results = batch.grade_all(
            plugin,
            submissions,
            jobs=jobs,
            seed=seed,
            timeout=timeout,
            done=lambda submission, report: advance(),
        )
    render.gradebook(console, batch.gradebook_rows(results), seed)
    for target, write in (
        (csv_file, lambda t: batch.write_csv(results, t)),
        (json_file, lambda t: batch.write_json(plugin, seed, results, t)),
    ):
        if target is not None:
            try:
                write(target)
            except OSError as error:
                fail(f"cannot write {target}: {error.strerror or error}.")
            console.print(f"wrote {target}", highlight=False)


@app.command()
def progress() -> None:
    """Show your progress: which lessons you passed, your last scores, hints seen."""
    from calccourse import render
    from calccourse.console import make_console

    data = state.load()
    render.progress_table(make_console(), Options.catalog().lessons, data, str(state.home()))


@app.command(context_settings=LENIENT)
def reset(
    key: str | None = typer.Argument(None, metavar="[N]", help="One lesson (default: all)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Forget your progress (all lessons, or one) and start the hint ladders again."""
    from calccourse.console import make_console

    slug = find_lesson(key).slug if key else None
    what = f"lesson {key}" if key else "all lessons"
    if not yes:
        if not sys.stdin.isatty():
            fail(f"reset forgets your progress on {what}; add --yes to confirm.")
        typer.confirm(f"Forget your progress on {what}?", abort=True)
    state.reset(slug)
    make_console().print(f"Progress on {what} forgotten.")


@dev_app.command("check", context_settings=LENIENT)
def dev_check(
    key: str | None = typer.Argument(None, metavar="[N]", help="One lesson (default: all)."),
    seed: int = typer.Option(0, "--seed", help="Seed for the checkers' inputs."),
    demos: bool = typer.Option(True, "--demos/--no-demos", help="Also run each demo."),
) -> None:
    """Prove lessons right: solution passes, template not started, each mistake caught, demo runs."""
    from calccourse import render
    from calccourse.authoring import self_check
    from calccourse.console import make_console
    from calccourse.sandbox.runner import Sandbox

    plugins = [find_lesson(key)] if key else Options.catalog().lessons
    adopt_answer_processes()
    with Sandbox() as sandbox:
        findings = self_check(plugins, seed, sandbox, demos)
    console = make_console()
    for finding in findings:
        mark = render.MARK["pass" if finding.ok else "fail"]
        console.print(
            f"{mark} lesson {finding.lesson} {finding.what}: {finding.detail}", highlight=False, markup=False
        )
    bad = [f for f in findings if not f.ok]
    console.print(f"\n{len(findings) - len(bad)} passed, {len(bad)} failed", highlight=False)
    for item in Options.catalog().broken if not key else []:
        console.print(f"! broken lesson {item.path}: {item.reason}", highlight=False, markup=False)
    raise typer.Exit(1 if bad else 0)


def main() -> None:
    """Entry point of the ``calccourse`` command."""
    # The course's matrices are small: BLAS threads only compete for the cores with the workers.
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    Options.standalone = True
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        if Options.adopting:
            from calccourse.sandbox import reaper

            reaper.end_all_children()
