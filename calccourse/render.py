"""How lessons, lists and reports look in a terminal. Every function takes a Console."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from threading import Lock
from typing import TYPE_CHECKING

from rich.console import Console
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from calccourse.console import plain_output

if TYPE_CHECKING:
    from calccourse.demo import DemoRun
    from calccourse.discovery import Catalog
    from calccourse.grading import Report
    from calccourse.lesson import LessonPlugin

MARK = {"pass": "✓", "fail": "✗", "error": "!"}
STYLE = {"pass": "green", "fail": "red", "error": "yellow"}


def heading(console: Console, text: str) -> None:
    console.print()
    console.print(Rule(Text(text, style="bold"), align="left"))


def lesson_title(console: Console, plugin: LessonPlugin) -> None:
    console.print(Rule(Text(f"Lesson {plugin.number} · {plugin.title}", style="bold cyan")))


def markdown(console: Console, text: str) -> None:
    from rich.markdown import Markdown  # imported here: `list` and `--help` do without it

    console.print(Markdown(text, code_theme="monokai", hyperlinks=False))


def code(console: Console, source: str) -> None:
    from rich.syntax import Syntax

    console.print(
        Syntax(source.rstrip(), "python", theme="monokai", word_wrap=True, background_color="default")
    )


def exercise(console: Console, plugin: LessonPlugin) -> None:
    markdown(console, plugin.exercise)
    console.print()
    console.print("[bold]answer.py must define:[/bold]")
    for name in plugin.lesson.answer:
        console.print(f"  • {name}")
    for name in plugin.lesson.optional:
        console.print(f"  • {name} [dim](optional, bonus)[/dim]")
    console.print()
    console.print("[bold]Next:[/bold]")
    console.print(f"  calccourse exercise {plugin.number} --template answer.py")
    console.print(f"  calccourse check {plugin.number} answer.py")
    console.print(f"  calccourse hint {plugin.number}      [dim](one more hint each time)[/dim]")


def demo_run(console: Console, run: DemoRun) -> None:
    """One line of ``run-all``: mark, lesson, time, plots saved or the error."""
    count = len(run.files)
    detail = f"{count} plot{'s' * (count != 1)}" if run.status == "pass" else run.error
    mark = MARK["pass" if run.status == "pass" else "error"]
    console.print(
        f"{mark} lesson {run.lesson} {run.slug:<16} {run.duration:6.2f} s  {detail}", highlight=False
    )


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """The answer's text with control characters shown, not obeyed: no escape sequence
    from an answer can move the cursor, clear the screen or fake a line of the report."""
    return CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def indented(message: str, first: str, rest: str, width: int, style: str = "") -> Text:
    """A message wrapped to ``width`` under a hanging indent; its own line breaks kept."""
    import textwrap

    lines = []
    for number, line in enumerate(message.splitlines() or [""]):
        lead = first if number == 0 else rest
        lines.append(
            textwrap.fill(
                line,
                width,
                initial_indent=lead,
                subsequent_indent=rest,
                break_on_hyphens=False,
                drop_whitespace=True,
            )
            or lead.rstrip()
        )
    return Text("\n".join(lines), style=style)


def lesson_list(console: Console, catalog: Catalog, statuses: dict[str, str], verbose: bool = False) -> None:
    table = Table(title="calccourse: calculus for machine learning", title_justify="left", expand=False)
    table.add_column("#", justify="right")
    table.add_column("lesson")
    table.add_column("what it teaches", ratio=1)
    table.add_column("status")
    for plugin in catalog.lessons:
        origin = "" if plugin.origin == "bundled" else f"\n[dim]{plugin.folder}[/dim]"
        table.add_row(
            str(plugin.number),
            f"{plugin.title} [dim]({plugin.slug})[/dim]{origin}",
            plugin.lesson.summary,
            statuses.get(plugin.slug, "new"),
        )
    console.print(table)
    for item in catalog.broken:
        console.print(f"[red]broken lesson[/red] {item.path}: {item.reason}", soft_wrap=True)
        if verbose and item.details:
            console.print(item.details, markup=False, highlight=False)
    console.print("\nStart with: calccourse lesson 1")


def report(console: Console, result: Report, verbose: bool = False) -> None:
    """The learner's report: one line a test, feedback under failures, then the verdict."""
    console.print(
        Rule(Text(f"Checking {result.answer} · lesson {result.lesson} · {result.title}", style="bold"))
    )
    if result.load_error is not None:
        console.print("[yellow]Your answer could not be run:[/yellow]")
        console.print(Text(visible(result.load_error)), soft_wrap=True)
    for test in result.tests:
        mark = MARK[test.status]
        points = f"{test.points:g}/{test.max_points:g}"
        optional = "" if test.required else " [dim](optional)[/dim]"
        console.print(f"[{STYLE[test.status]}]{mark}[/] {test.name}{optional} [dim]{points}[/dim]")
        if test.status != "pass" or verbose:
            console.print(indented(visible(test.message), "    ", "    ", console.width), soft_wrap=True)
        if test.feedback:
            feedback = visible(test.feedback)
            console.print(indented(feedback, "    → ", "      ", console.width, "bold"), soft_wrap=True)
    if result.output.strip():
        cut = " (cut)" if result.output_truncated else ""
        console.print(f"\n[dim]Your answer printed{cut}:[/dim]")
        lines = visible(result.output).rstrip().splitlines()
        console.print(Text("\n".join(lines[:20]) + ("\n…" if len(lines) > 20 else ""), style="dim"))
    for path in result.plots:
        console.print(f"saved plot: {path}")
    console.print()
    verdict = {
        "pass": "[green]All tests passed.[/green] Well done!",
        "fail": "[red]Not yet.[/red] Read the messages above; fix one thing, then check again.",
        "error": "[yellow]Your answer could not be run[/yellow]: fix the error above first.",
    }[result.status]
    if result.exit_code == 4:
        verdict = "[yellow]The lesson's checker failed[/yellow]: please report it to the lesson's author."
    console.print(verdict)
    bonus = f" (+{result.bonus:g} bonus)" if result.bonus else ""
    score = f"score {result.score - result.bonus:g}/{result.max_score:g}{bonus}"
    console.print(f"{score} · seed {result.seed} (repeat with --seed {result.seed})", highlight=False)


@contextmanager
def progress(console: Console, total: int, description: str) -> Iterator[Callable[[], None]]:
    """A progress bar on a terminal (nothing elsewhere); yields a function to advance it."""
    if plain_output(console.file) or not console.is_terminal:
        yield lambda: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=total)
        lock = Lock()

        def advance() -> None:
            with lock:
                bar.advance(task)

        yield advance


def gradebook(console: Console, rows: list[dict[str, object]], seed: int) -> None:
    table = Table(title=f"Gradebook (seed {seed})", title_justify="left")
    for column, justify in (
        ("student", "left"),
        ("score", "right"),
        ("status", "left"),
        ("time", "right"),
        ("first failed test", "left"),
    ):
        table.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for row in rows:
        status = str(row["status"])
        table.add_row(
            Text(visible(str(row["student"]))),
            f"{row['score']:g}/{row['max_score']:g}",
            f"[{STYLE[status]}]{status}[/]",
            f"{row['duration']:.2f} s",
            Text(visible(str(row["first_failure"]))),
        )
    console.print(table)
    passed = sum(1 for row in rows if row["status"] == "pass")
    console.print(f"{passed} of {len(rows)} passed.", highlight=False)


def progress_table(console: Console, lessons: list[LessonPlugin], data: dict, where: str) -> None:
    from calccourse.state import status_of

    table = Table(title="Your progress", title_justify="left")
    for column in ("#", "lesson", "status", "last score", "when", "hints"):
        table.add_column(column)
    for plugin in lessons:
        check = data.get("checks", {}).get(plugin.slug, {})
        score = f"{check['score']:g}/{check['max_score']:g}" if check else ""
        hints = data.get("hints", {}).get(plugin.slug, 0)
        table.add_row(
            str(plugin.number),
            f"{plugin.title} ({plugin.slug})",
            status_of(plugin.slug, data),
            score,
            check.get("when", ""),
            f"{hints}/{len(plugin.hints)}" if hints else "",
        )
    console.print(table)
    console.print(f"[dim]kept in {where}[/dim]", highlight=False)
