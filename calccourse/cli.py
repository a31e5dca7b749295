"""The command line: parse, call a plain function, render. Logic lives in the modules."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import NoReturn, Optional

import typer

from calccourse import __version__, render, state
from calccourse.console import make_console
from calccourse.demo import PLOT_FORMATS
from calccourse.discovery import Catalog, discover
from calccourse.lesson import LessonPlugin

EXIT_FAILED, EXIT_USAGE, EXIT_NOT_RUN, EXIT_INTERNAL = 1, 2, 3, 4
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

    @classmethod
    def catalog(cls) -> Catalog:
        if cls._catalog is None:
            cls._catalog = discover(cls.lessons_dirs)
        return cls._catalog


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    make_console(stderr=True).print(f"[red]Error:[/red] {message}", highlight=False)
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
    lessons_dir: Optional[list[Path]] = typer.Option(
        None, "--lessons-dir", help="Also load lessons from this folder (repeatable)."
    ),
    version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """Calculus for machine learning in seven lessons: read, run, answer, check."""
    Options.lessons_dirs = list(lessons_dir or [])
    Options._catalog = None


@app.command("list")
def list_lessons(verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks of broken lessons.")) -> None:
    """List the lessons, what each teaches, and your progress."""
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
    template: Optional[Path] = typer.Option(None, "--template", help="Write a starter answer file here."),
    force: bool = typer.Option(False, "--force", help="Overwrite the --template file if it exists."),
) -> None:
    """Show a lesson's exercise; --template writes a starter answer file."""
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
    from rich.console import Console

    from calccourse.demo import DemoFailed, run_demo

    if report_format not in ("text", "json"):
        fail(f"--format {report_format} is not a report format. Choose text or json.")
    fmt = plot_format(fmt)
    writable_folder(out)
    catalog = Options.catalog()
    console = make_console()
    rows = []
    for plugin in catalog.lessons:
        started = time.perf_counter()
        quiet = Console(file=open(os.devnull, "w"), color_system=None)  # noqa: SIM115
        try:
            ctx = run_demo(plugin, quiet, out, fmt)
            row = {"lesson": plugin.number, "slug": plugin.slug, "status": "pass",
                   "files": [str(p) for p in ctx.saved]}
        except DemoFailed as error:
            row = {"lesson": plugin.number, "slug": plugin.slug, "status": "error",
                   "files": [], "error": str(error).splitlines()[0]}
        finally:
            quiet.file.close()
        row["duration"] = round(time.perf_counter() - started, 3)
        rows.append(row)
        if report_format == "text":
            mark = render.MARK["pass" if row["status"] == "pass" else "error"]
            detail = f"{len(row['files'])} plots" if row["status"] == "pass" else row["error"]
            console.print(f"{mark} lesson {plugin.number} {plugin.slug:<14} {row['duration']:6.2f} s  {detail}",
                          highlight=False)
    broken = [{"path": b.path, "reason": b.reason} for b in catalog.broken]
    if report_format == "json":
        typer.echo(json.dumps({"version": 1, "demos": rows, "broken": broken}, indent=2))
    else:
        for item in catalog.broken:
            console.print(f"! broken lesson {item.path}: {item.reason}", highlight=False)
    if broken or any(row["status"] != "pass" for row in rows):
        raise typer.Exit(EXIT_INTERNAL)


def main() -> None:
    """Entry point of the ``calccourse`` command."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
