"""How lessons, lists and reports look in a terminal. Every function takes a Console."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from threading import Lock
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from calccourse.console import can_encode, in_ascii, markdown_in_ascii, on_screen, plain_output
from calccourse.safe import inert, one_line, visible
from calccourse.status import MARK, NOT_TRIED
from calccourse.wrapping import Prose, prose_breaks, wrap_formula

if TYPE_CHECKING:
    from calccourse.authoring import Finding
    from calccourse.classbook import ClassPlan
    from calccourse.course import Course
    from calccourse.demo import DemoRun
    from calccourse.discovery import BrokenLesson
    from calccourse.grading import Report
    from calccourse.lesson import LessonPlugin
    from calccourse.reports.analytics import ClassSummary
    from calccourse.similarity import Pair
    from calccourse.variants import Variant

STYLE = {"pass": "green", "fail": "red", "error": "yellow"}


def title_rule(console: Console, text: str, style: str = "bold") -> None:
    """A title in a rule, or, when it is too long for one line, the whole title above a rule."""
    if console.measure(Text(text)).maximum + 6 <= console.width:
        console.print(Rule(Text(text, style=style)))
    else:
        console.print(Text(text, style=style))
        console.print(Rule())


def heading(console: Console, text: str) -> None:
    console.print()
    console.print(Rule(Text(text, style="bold"), align="left"))


def lesson_title(console: Console, plugin: LessonPlugin) -> None:
    console.print(Rule(Text(f"Lesson {plugin.number} · {plugin.title}", style="bold")))


CODE_THEME = "github-dark"  # a near-black background of its own: it reads on light terminals too
CUT = "›"  # at the right edge of a code line cut to fit the screen


def markdown(console: Console, text: str) -> None:
    """Markdown text; on a console that cannot show Unicode, spelled in ASCII first (so
    it is wrapped as it will be shown)."""
    shown = text if can_encode(console.file) else markdown_in_ascii(text)
    console.print(_markdown()(shown, code_theme=CODE_THEME, hyperlinks=False), crop=on_screen(console))


def code(console: Console, source: str) -> None:
    """Python as written: highlighted on its own background, never wrapped (see Code)."""
    console.print(Code(_spelled(console, source.rstrip())), crop=on_screen(console))


def _spelled(console: Console, text: str) -> str:
    return text if can_encode(console.file) else in_ascii(text)


class Code:
    """Code that keeps its shape. A wrapped line would go on at column 0, where Python's
    indentation is lost: so on a screen narrower than a line, the line is cut at the edge
    and ends in ›; in a file or a pipe every line stays whole."""

    def __init__(self, source: str, lexer: str = "python") -> None:
        self.source, self.lexer = source, lexer

    def __rich_console__(self, console: Console, options: Any) -> Iterator[Any]:
        from rich.cells import cell_len
        from rich.segment import Segment
        from rich.style import Style
        from rich.syntax import Syntax

        padding = 1 if console.color_system else 0  # plain text: the lines as in the file
        lines = self.source.expandtabs(4).splitlines()
        wide = max([options.max_width, *(cell_len(line) + 2 * padding for line in lines)])
        width = options.max_width if on_screen(console) else wide
        syntax = Syntax(self.source, self.lexer, theme=CODE_THEME, padding=(0, padding), tab_size=4)
        for line in console.render_lines(syntax, options.update(width=wide, no_wrap=True), pad=False):
            shown, beyond = Segment.divide(line, [width, wide])
            if any(segment.text.strip() for segment in beyond):  # code past the edge
                shown = Segment.adjust_line_length(shown, width - 1)
                style = (shown[-1].style if shown else None) or Style()
                shown.append(Segment(CUT, style + Style(reverse=True)))
            elif not padding:
                shown = list(Segment.strip_styles(shown))
                shown = [Segment("".join(segment.text for segment in shown).rstrip())]
            yield from shown
            yield Segment.line()


@lru_cache(maxsize=1)
def _markdown() -> Any:
    """rich's Markdown, with code blocks as :class:`Code` and formulas in prose kept whole
    (rich.markdown is imported here: `list` and `--help` do without it)."""
    from rich.markdown import CodeBlock, Markdown, Paragraph

    class CodeInText(CodeBlock):
        """Python is code (cut at the edge); a block with no language is maths, whose
        lines are broken between terms to fit the width, on a screen or in a file (see
        wrap_formula)."""

        def __rich_console__(self, console: Console, options: Any) -> Iterator[Any]:
            source = str(self.text).rstrip()
            if self.lexer_name == "text":
                padding = 2 if console.color_system else 0
                room = options.max_width - padding
                source = "\n".join(
                    piece for line in source.splitlines() for piece in wrap_formula(line, room)
                )
            yield Code(source, self.lexer_name)

    class ProseParagraph(Paragraph):
        """A paragraph whose formulas stay whole (see wrapping.Prose)."""

        def __rich_console__(self, console: Console, options: Any) -> Iterator[Any]:
            self.text.justify = self.justify
            yield Prose(self.text)

    class LessonMarkdown(Markdown):
        elements = {
            **Markdown.elements,
            "fence": CodeInText,
            "code_block": CodeInText,
            "paragraph_open": ProseParagraph,
        }

    return LessonMarkdown


def demo_code(console: Console, course: Course, plugin: LessonPlugin, whole: bool) -> None:
    """The demo's code: the lines that carry the idea (or, ``whole``, all of it), then where
    the whole demo is, to read or run it."""
    from calccourse.demo import idea_of

    path = plugin.folder / "demo.py"
    source = plugin.demo_source
    heading(console, "The demo's code" if whole else "The demo's idea in code")
    code(console, source if whole else idea_of(source))
    lines = len(source.splitlines())
    console.print()
    if not whole:
        console.print(Text(f"The whole demo has {lines} lines, plots and all. To read it here:", style="dim"))
        console.print(f"  {course.command('lesson', str(plugin.number), '--code')}", highlight=False)
    console.print(Text("To run it yourself:", style="dim"))
    console.print(f"  python {path}", highlight=False)


def exercise(console: Console, course: Course, plugin: LessonPlugin, variant: Variant | None = None) -> None:
    from calccourse import workspace

    markdown(console, plugin.exercise_for(variant))
    console.print()
    path = workspace.answer_path(plugin)
    console.print(Text(f"Your answer file ({path}) must define:", style="bold"))
    for name in plugin.lesson.answer:
        console.print(f"  • {name}")
    for name in plugin.lesson.optional:
        console.print(f"  • {name} [dim](optional, bonus)[/dim]")
    console.print()
    console.print("[bold]Next:[/bold]")
    steps = [(workspace.check_command(course, plugin, path), f"checks your {path}")]
    if not path.exists():
        steps = [
            (workspace.start_command(course, plugin), f"writes {path}, your starter file"),
            (workspace.check_command(course, plugin, path), "checks it"),
        ]
    steps.append((course.command("hint", str(plugin.number)), "one more hint each time"))
    commands(console, steps)


def commands(console: Console, steps: Sequence[tuple[str, str]]) -> None:
    """Commands to run, one a line, each with what it does."""
    width = max(len(command) for command, _ in steps) + 2
    for command, what in steps:
        console.print(Text.assemble(f"  {command:<{width}}", (what, "dim")), soft_wrap=True)


def starter_written(console: Console, course: Course, plugin: LessonPlugin, path: Path) -> None:
    """What ``start`` (or ``exercise --template``) wrote, and how to check it."""
    from calccourse import workspace

    console.print(Text(f"Wrote {path}, your starter file for lesson {plugin.number}. Fill it in, then run:"))
    commands(console, [(workspace.check_command(course, plugin, path), f"checks {path}")])


def hint_footer(console: Console, course: Course, plugin: LessonPlugin, last: bool) -> None:
    """What to do after a hint: the next one, or, after the last, the solution."""
    n = str(plugin.number)
    if last:
        console.print(
            Text(
                f"\nThat was the last hint. `{course.command('solution', n)}` shows the answer.", style="dim"
            )
        )
    else:
        console.print(
            Text(f"\nStill stuck? `{course.command('hint', n)}` again for the next one.", style="dim")
        )


def next_lesson(console: Console, course: Course, plugin: LessonPlugin | None) -> None:
    """``calccourse next``: the lesson to do next and the command for it, or the end."""
    from calccourse import workspace
    from calccourse.state import status_of

    if plugin is None:
        all_passed(console, course)
        return
    status = status_of(plugin.slug, course.progress.load())
    console.print(Text(f"Next: lesson {plugin.number} · {plugin.title} ({status})"))
    commands(console, [workspace.next_command(course, plugin)])


def all_passed(console: Console, course: Course) -> None:
    console.print(Text(f"Every lesson passed: well done! `{course.command('progress')}` shows your scores."))


def next_step(console: Console, course: Course, plugin: LessonPlugin, result: Report) -> None:
    """After a check that passed: where to go from here."""
    if result.status == "pass" and not result.checker_error:
        next_lesson(console, course, course.next_lesson(after=plugin))


def demo_run(console: Console, run: DemoRun) -> None:
    """One line of ``run-all``: mark, lesson, time, plots saved or the error."""
    count = len(run.files)
    detail = f"{count} plot{'s' * (count != 1)}" if run.status == "pass" else run.error
    mark = MARK["pass" if run.status == "pass" else "error"]
    console.print(
        f"{mark} lesson {run.lesson} {run.slug:<16} {run.duration:6.2f} s  {detail}", highlight=False
    )


def indented(message: str, first: str, rest: str, width: int, style: str = "") -> Text:
    """A message wrapped to ``width`` under a hanging indent, never inside a formula
    (``dx = 1.0e-04`` stays whole); its own line breaks kept."""
    from rich.cells import cell_len

    room = max(8, width - max(cell_len(first), cell_len(rest)))
    lines = []
    for number, line in enumerate(message.splitlines() or [""]):
        cuts = [0, *prose_breaks(line, room), len(line)]
        pieces = [line[start:end].strip() for start, end in zip(cuts, cuts[1:])]
        pieces = [word[k : k + room] for word in pieces for k in range(0, max(len(word), 1), room)]
        leads = [first if number == 0 else rest] + [rest] * (len(pieces) - 1)
        lines += [(lead + piece).rstrip() for lead, piece in zip(leads, pieces)]
    return Text(inert("\n".join(lines)), style=style)  # a line the wrapping began is inert too


def lesson_list(console: Console, course: Course, data: dict[str, Any], verbose: bool = False) -> None:
    from calccourse import workspace
    from calccourse.state import status_of

    table = Table(title="calccourse: calculus for machine learning", title_justify="left", expand=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("lesson", min_width=longest_word(course.catalog.lessons))  # no word cut
    table.add_column("what it teaches", ratio=1)
    table.add_column("status", no_wrap=True)
    for plugin in course.catalog.lessons:
        origin = "" if plugin.origin == "bundled" else f"\n[dim]{plugin.folder}[/dim]"
        table.add_row(
            str(plugin.number),
            f"{plugin.title} [dim]({plugin.slug})[/dim]{origin}",
            plugin.lesson.summary,
            status_of(plugin.slug, data),
        )
    console.print(table)
    broken_lessons(console, course.catalog.broken, verbose)
    upcoming = course.next_lesson()
    console.print()
    if upcoming is None:
        all_passed(console, course)
    else:
        command, what = workspace.next_command(course, upcoming)
        console.print(Text(f"Next: {command}  ({what})"))


def broken_lessons(console: Console, broken: Sequence[BrokenLesson], verbose: bool = False) -> None:
    for item in broken:
        kind = "shadowed lesson" if item.shadowed else "broken lesson"
        console.print(
            Text.assemble((kind, "yellow" if item.shadowed else "red"), f" {item.path}: {item.reason}"),
            soft_wrap=True,
        )
        if verbose and item.details:
            console.print(item.details, markup=False, highlight=False)


def finding(console: Console, found: Finding, verbose: bool = False) -> None:
    """One line of ``dev check``; a failure's file, and its traceback with --verbose."""
    mark = MARK["pass" if found.ok else "fail"]
    line = Text.assemble(
        (mark, STYLE["pass" if found.ok else "fail"]),
        f" {found.lesson} {found.what}: ",
        visible(found.detail),
    )
    console.print(line, soft_wrap=True)
    if not found.ok and found.path:
        console.print(Text(f"    {found.path}", style="dim"), soft_wrap=True)
    if not found.ok and verbose and found.details:
        console.print(Text(visible(found.details.rstrip()), style="dim"), soft_wrap=True)


def report(console: Console, result: Report, verbose: bool = False, focus: bool = False) -> None:
    """The learner's report: one line a test, feedback under failures, then the verdict.
    ``focus`` (watch's small pane): only the first failure's messages, the others' lines."""
    title_rule(console, visible(f"Checking {result.answer} · lesson {result.lesson} · {result.title}"))
    if result.load_error is not None:
        what = "read" if result.load_error.kind == "unreadable" else "run"  # a notebook that is not one
        console.print(f"[yellow]Your answer could not be {what}:[/yellow]")
        console.print(Text(visible(result.load_error.message)), soft_wrap=True)
    explained, held_back = False, 0
    for test in result.tests:
        mark, style = (NOT_TRIED, "dim") if test.not_tried else (MARK[test.status], STYLE[test.status])
        points = f"[{test.points:g}/{test.max_points:g}]"
        optional = " (optional)" if test.bonus else ""
        line = Text.assemble((mark, style), " ", visible(test.name), (optional, "dim"), " ", (points, "dim"))
        console.print(line)
        if focus and test.status != "pass" and not verbose and test.blame != "lesson":
            if explained:
                held_back += not test.bonus  # an optional bonus is not something to fix
                continue
            explained = not test.bonus
        # A tried bonus always says how it went (lesson 5: the accuracy the settings reach).
        if test.status != "pass" or verbose or (test.bonus and not test.not_tried):
            console.print(indented(visible(test.message), "    ", "    ", console.width), soft_wrap=True)
        if test.feedback:
            feedback = visible(test.feedback)
            console.print(indented(feedback, "    → ", "      ", console.width, "bold"), soft_wrap=True)
        if test.blame == "lesson" and test.location:  # the lesson's bug: where, always
            console.print(Text(visible(f"    in {test.location}"), style="dim"), soft_wrap=True)
        if verbose and test.blame == "lesson" and test.details:
            console.print(Text(visible(test.details), style="dim"), soft_wrap=True)
    if held_back:
        what = "its message" if held_back == 1 else "their messages"
        console.print(Text(f"    ({held_back} more not passed: {what} once the first passes)", style="dim"))
    for note in result.notes:
        console.print(indented(visible(note), "note: ", "      ", console.width, "dim"), soft_wrap=True)
    if result.output.strip():
        cut = " (cut)" if result.output_truncated else ""
        console.print(f"\n[dim]Your answer printed{cut}:[/dim]")
        lines = visible(result.output).rstrip().splitlines()
        more = f"\n… ({len(lines) - 20} more lines)" if len(lines) > 20 else ""
        console.print(Text("\n".join(lines[:20]) + more, style="dim"))
    for path in result.plots:
        console.print(Text(f"saved plot: {path}"))
    console.print()
    if result.checker_error:
        console.print(
            "[yellow]The lesson's checker failed[/yellow]: please report it to the lesson's author."
        )
    elif result.status == "error":
        console.print("[yellow]Fix the error above, then check again.[/yellow]")
        confinement(console, result.confinement)
        return
    else:
        console.print(
            {
                "pass": "[green]All tests passed.[/green] Well done!",
                "fail": "[red]Not yet.[/red] Read the messages above; fix one thing, then check again.",
            }[result.status]
        )
    bonus = f" (+{result.bonus:g} bonus)" if result.bonus else ""
    score = f"score {result.score:g}/{result.max_score:g}{bonus}"
    console.print(Text(f"{score} · seed {result.seed} (repeat with --seed {result.seed})"))
    confinement(console, result.confinement)


def confinement(console: Console, described: str) -> None:
    """Which confinement the answer ran under, as every report says it."""
    if described:
        console.print(Text(f"confinement: {described}", style="dim"))


PROGRESS_EVERY = 5.0  # seconds between progress lines when there is no terminal to draw a bar on


@contextmanager
def progress(console: Console, total: int, description: str) -> Iterator[Callable[[], None]]:
    """A progress bar on a terminal; elsewhere (a CI log) a line every few seconds with an ETA.
    Yields a function to advance it, safe to call from several threads."""
    lock = Lock()
    if plain_output(console.file) or not console.is_terminal:
        started = last = time.monotonic()
        done = 0

        def line() -> None:
            nonlocal done, last
            with lock:
                done += 1
                now = time.monotonic()
                if now - last < PROGRESS_EVERY or done == total:
                    return
                last = now
                rate = done / (now - started)
                left = (total - done) / rate if rate else 0.0
                console.print(
                    f"{description}: {done}/{total} ({100 * done // total}%), "
                    f"{rate:.1f} answers/s, about {left:.0f} s left",
                    highlight=False,
                    markup=False,
                    soft_wrap=True,
                )

        yield line
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=total)

        def advance() -> None:
            with lock:
                bar.advance(task)

        yield advance


def gradebook(console: Console, rows: list[dict[str, Any]], seed: int, confined: str = "") -> None:
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
        score = "" if row["score"] is None else f"{row['score']:g}/{row['max_score']:g}"
        if row["bonus"]:
            score += f" +{row['bonus']:g}"
        table.add_row(
            Text(one_line(str(row["student"]))),
            score,
            Text(status, style=STYLE.get(status, "yellow")),
            "" if row["duration"] is None else f"{row['duration']:.2f} s",
            Text(one_line(str(row["first_failure"]))),
        )
    console.print(table)


def changes(console: Console, found: Sequence[Any]) -> None:
    """What a re-grade changed: every score or status that differs, and why."""
    heading(console, "Changed since the previous gradebook")
    if not found:
        console.print("No score or status changed.", highlight=False)
    for change in found:
        line = f"{change.student}: {change.before} → {change.after} ({change.why})"
        console.print(indented(visible(line), "  ", "    ", console.width), soft_wrap=True)


def class_verdict(console: Console, rows: list[dict[str, Any]], seed: int, confined: str = "") -> None:
    """The class in one line, with the seed that repeats the run and the confinement it had."""
    graded = [row for row in rows if row["score"] is not None]
    passed = sum(1 for row in rows if row["status"] == "pass")
    console.print(f"{passed} of {len(graded)} graded answers passed (seed {seed}).", highlight=False)
    confinement(console, confined)


def longest_word(lessons: Sequence[LessonPlugin]) -> int:
    """The narrowest a column of lesson names may be: its longest word, never cut."""
    return max((len(word) for p in lessons for word in (*p.title.split(), f"({p.slug})")), default=6)


@contextmanager
def class_progress(
    screen: Console, errors: Console, plugin: LessonPlugin, previous: Path | None
) -> Iterator[tuple[Callable[[ClassPlan], None], Callable[[object], None]]]:
    """What `grade` shows while it works: once the class is planned, its warnings and what a
    previous gradebook keeps; then a progress bar (a line now and then in a CI log).
    Yields the two callbacks ``Course.grade`` takes: ``planned`` and ``done``."""
    with contextlib.ExitStack() as stack:
        advance: list[Callable[[], None]] = []

        def planned(todo: ClassPlan) -> None:
            for warning in todo.warnings:
                errors.print(f"warning: {warning}", highlight=False, markup=False, soft_wrap=True)
            if todo.previous is not None and todo.kept:
                fresh = sum(1 for s in todo.to_grade if s.answer is not None)
                screen.print(
                    f"{len(todo.kept)} unchanged answers keep their results from {previous} "
                    f"(graded by calccourse {todo.previous.version}); {fresh} to grade.",
                    highlight=False,
                    soft_wrap=True,
                )
            label = f"grading lesson {plugin.number}"
            advance.append(stack.enter_context(progress(errors, len(todo.to_grade), label)))

        yield planned, lambda result: advance[0]()


def progress_table(console: Console, lessons: list[LessonPlugin], data: dict[str, Any], where: str) -> None:
    """Every lesson's status, scores and hints. Below 80 columns the date of the last check
    goes under the lesson's name, so that neither is ever cut."""
    from calccourse.state import runs, status_of

    narrow = console.width < 80
    table = Table(title="Your progress", title_justify="left")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("lesson", min_width=longest_word(lessons))
    for column in ("status", "best", "last"):
        table.add_column(column, no_wrap=True)
    if not narrow:
        table.add_column("when", min_width=10)  # a date and a time; on two lines if need be
    table.add_column("hints", no_wrap=True)
    for plugin in lessons:
        best, last = runs(data, plugin.slug)
        hints = data.get("hints", {}).get(plugin.slug, 0)
        name = Text(plugin.title)
        if narrow and last:
            name.append(f"\nlast checked {last.when}", style="dim")
        elif not narrow:
            name.append(f" ({plugin.slug})")
        table.add_row(
            str(plugin.number),
            name,
            status_of(plugin.slug, data),
            f"{best.score:g}/{best.max_score:g}" if best else "",
            f"{last.score:g}/{last.max_score:g}" if last else "",
            *([] if narrow else [last.when if last else ""]),
            f"{hints}/{len(plugin.hints)}" if hints else "",
        )
    console.print(table)
    console.print(
        "[dim]status: new (not opened), started (read or hints seen), tried (checked, not passed yet), "
        "passed (passed at least once). best: your best check; last: your latest one.[/dim]",
        highlight=False,
    )
    console.print(f"[dim]kept in {where}[/dim]", highlight=False)


def similar(console: Console, pairs: Sequence[Pair]) -> None:
    """``grade --similar``: the near-identical pairs, a pointer for a human."""
    console.print(Text("Similar submissions (a pointer for a human, never a grade):", style="bold"))
    if not pairs:
        console.print(Text("  no pair is near-identical."))
    for pair in pairs:
        console.print(Text(f"  {pair.a} and {pair.b}: {pair.score:.2f}"), soft_wrap=True)


def class_summary(console: Console, summary: ClassSummary) -> None:
    """What the class got wrong, in a screenful: statuses, scores, tests, mistakes, time."""
    from calccourse.reports.analytics import shown

    heading(console, "The class")
    counts = ", ".join(f"{count} {status}" for status, count in summary.counts.items() if count)
    entries = "1 entry" if summary.rows == 1 else f"{summary.rows} entries"
    console.print(Text(f"{entries}: {counts}." if counts else f"{entries}."), soft_wrap=False)
    if summary.graded:
        console.print(
            Text(f"Scores out of {summary.max_score:g}: mean {summary.mean:g}, median {summary.median:g}.")
        )
        widest = max(count for _, count in summary.histogram) or 1
        for score, count in summary.histogram:
            bar = "█" * max(0, round(24 * count / widest))
            console.print(Text.assemble(f"  {score:>5g}  ", (bar, "cyan"), f" {count}"))
    if summary.tests:
        table = Table(title="Tests", title_justify="left", expand=False)
        for column, justify in (
            ("test", "left"),
            ("passed", "right"),
            ("failed", "right"),
            ("errors", "right"),
        ):
            table.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
        for stat in summary.tests:
            name = visible(stat.name) + (" (bonus)" if stat.bonus else "")
            table.add_row(name, f"{stat.passed}/{stat.tried}", str(stat.failed), str(stat.errored))
        console.print(table)
    if summary.mistakes:
        console.print(Text("Named mistakes, most common first:", style="bold"))
        for named in summary.mistakes[:8]:
            console.print(
                indented(visible(f"{named.count} × {shown(named)}"), "  ", "      ", console.width),
                soft_wrap=True,
            )
        if len(summary.mistakes) > 8:
            console.print(
                Text(f"  … and {len(summary.mistakes) - 8} more (the gradebook JSON lists them all).")
            )
    if summary.errors:
        why = ", ".join(f"{count} {kind}" for kind, count in summary.errors.items())
        console.print(Text(f"Could not be run: {why}."))
    if summary.slowest:
        slow = ", ".join(f"{one_line(student)} {seconds:.2f} s" for student, seconds in summary.slowest[:3])
        console.print(Text(f"Slowest: {slow}.", style="dim"))
