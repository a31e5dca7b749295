"""What a check or a class run leaves behind: reports on screen and in files, the check
plot, the HTML page, CI annotations. Every target is validated before any answer runs
(:func:`check_targets`, :func:`class_targets`); afterwards the results are only written.

The commands in ``cli.py`` parse their options into these values and call one function
here after ``Course.check`` or ``Course.grade``; nothing here grades.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from calccourse.status import ExitCode, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from calccourse.batch import ClassResult
    from calccourse.classbook import Change
    from calccourse.course import Course
    from calccourse.grading import Graded
    from calccourse.lesson import LessonPlugin
    from calccourse.similarity import Pair


def writable_folder(folder: Path, option: str = "--out") -> Path:
    """Create ``folder`` if needed; a file or an unwritable folder is a usage error."""
    what = "plots" if option == "--out" else "files"
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{option} {folder} is a file, not a folder. Give a folder for the {what}.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".calccourse-write-test-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError as error:
        raise UsageError(
            f"cannot write {what} into {folder} ({option}): {error.strerror or error}."
        ) from None
    return folder


def writable_file(target: Path, option: str) -> Path:
    """A file that can be written: its folder exists and it is not a folder itself."""
    if target.is_dir():
        raise UsageError(f"{option} {target} is a folder; give a file name.")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"cannot write {option} {target}: the folder {folder} does not exist.")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise UsageError(f"cannot write {option} {target}: permission denied.")
    return target


def write_text(target: Path, text: str) -> None:
    """Write a report through a temporary file renamed into place (a reader never sees half
    of one); a file that cannot be written is a usage error naming it."""
    from calccourse.files import write_atomically

    try:
        write_atomically(target, text if text.endswith("\n") else text + "\n")
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror or error}.") from None


# ---------------------------------------------------------------- one answer


@dataclass(frozen=True)
class CheckTargets:
    """Where one check's results go: each report format to a file or the screen (``None``),
    the HTML page, and the check plot (``plot`` None: only for a failing answer)."""

    reports: list[tuple[str, Path | None]]
    html: Path | None = None
    plot: bool | None = None
    out: Path = Path("calccourse-plots")
    verbose: bool = False

    @property
    def on_screen(self) -> list[str]:
        return [fmt for fmt, target in self.reports if target is None]


def check_targets(
    formats: Sequence[str],
    outputs: Sequence[Path],
    html: Path | None,
    plot: bool | None,
    out: Path,
    verbose: bool,
) -> CheckTargets:
    """The targets of `check`, each checked writable now, before the answer runs."""
    from calccourse import reports

    paired = reports.targets(formats, outputs)
    for _, target in paired:
        if target is not None:
            writable_file(target, "--output")
    if html is not None:
        writable_file(html, "--html")
    if plot:
        writable_folder(out)
    return CheckTargets(paired, html, plot, out, verbose)


def show_check(
    screen: Console,
    errors: Console,
    course: Course,
    plugin: LessonPlugin,
    graded: Graded,
    targets: CheckTargets,
    environ: Mapping[str, str],
) -> None:
    """Everything one check writes: its reports, its plot (after the verdict on screen,
    before machine reports, which carry its path), its page and CI annotations."""
    from calccourse import render, reports
    from calccourse.plotting import no_plot_reason, save_graded

    report = graded.report
    on_screen = targets.on_screen
    draw = bool(report.tests) and (targets.plot or (targets.plot is None and report.status != "pass"))
    if draw and on_screen != ["text"]:
        save_graded(graded, targets.out, errors)
    for fmt, target in targets.reports:
        if fmt == "text" and target is None:
            render.report(screen, report, targets.verbose)
            render.next_step(screen, course, plugin, report)
            continue
        text = reports.render(report, fmt, **({"verbose": targets.verbose} if fmt == "text" else {}))
        if target is None:
            print(text, file=screen.file, flush=True)
        else:
            write_text(target, text)
    if draw and on_screen == ["text"]:  # the verdict first; its picture after
        saved = save_graded(graded, targets.out, errors)
        if saved is not None:
            screen.print(f"saved plot: {saved}", highlight=False)
        elif targets.plot:
            screen.print(no_plot_reason(report.lesson, graded.tests), highlight=False)
    if targets.html is not None:
        from calccourse.reports.html import answer_page

        write_text(targets.html, answer_page(graded))
        if on_screen == ["text"]:
            screen.print(f"saved page: {targets.html}", highlight=False)
    if environ.get("GITHUB_ACTIONS") == "true":  # the runner reads commands on stdout and stderr
        from calccourse.reports.github import github_annotations

        machine_on_stdout = bool(on_screen) and on_screen != ["text"]
        stream = errors.file if machine_on_stdout else screen.file  # never inside a JSON or XML report
        for line in github_annotations(report, report.answer, workspace=environ.get("GITHUB_WORKSPACE")):
            print(line, file=stream, flush=True)


def internal_error_reports(due: Sequence[tuple[str, Path | None]], message: str) -> None:
    """calccourse itself failed: each machine report the command was to write says so
    (``internal-error``), so that CI never reads the bug as a failing answer."""
    from calccourse import reports
    from calccourse.files import write_atomically

    for fmt, target in due:
        text = reports.internal_error(fmt, message)
        if text is None:
            continue
        try:
            if target is None:
                print(text, flush=True)
            else:
                write_atomically(target, text + "\n")
        except OSError:
            pass  # the error paragraph on stderr and the exit code still say it


def check_exit(graded: Graded, exit_zero: bool) -> ExitCode:
    """The exit code of `check`: the report's, or 0 with ``--exit-zero`` unless the lesson broke."""
    code = graded.report.exit_code
    return ExitCode.OK if exit_zero and code != ExitCode.LESSON_BROKEN else code


# ---------------------------------------------------------------- a class


TABLE_ROWS = 30  # beyond this, the class summary alone: the rows are in --csv, --json and --html


def class_targets(csv: Path | None, json: Path | None, html: Path | None) -> list[tuple[Path, str]]:
    """The gradebook files asked for, each checked writable before any grading."""
    return [
        (writable_file(target, option), kind)
        for target, option, kind in (
            (csv, "--csv", "csv"),
            (json, "--json", "json"),
            (html, "--html", "html"),
        )
        if target is not None
    ]


def show_class(
    screen: Console,
    errors: Console,
    plugin: LessonPlugin,
    seed: int,
    results: Sequence[ClassResult],
    confinement: str,
    targets: Sequence[tuple[Path, str]],
    table: bool | None,
    shard: tuple[int, int] | None = None,
    changed: Sequence[Change] | None = None,
    similar: Sequence[Pair] | None = None,
) -> bool:
    """The class on screen (the table when asked or short, the summary, the changes) and
    the gradebook files; returns whether every file was written (one that cannot be is an
    error line, not lost grading: the others and the screen still come)."""
    from calccourse import render
    from calccourse.reports import gradebook
    from calccourse.reports.analytics import summarize

    results = list(results)
    written, failed = [], False
    for target, kind in targets:  # the files first: a reader that stops reading the screen loses none
        if kind == "html":
            from calccourse.reports.html import class_page

            text = class_page(plugin, seed, results, confinement, similar=similar)
        elif kind == "csv":
            text = gradebook.to_csv(results)
        else:
            changes = None if changed is None else [change.to_dict() for change in changed]
            text = gradebook.to_json(
                plugin, seed, results, confinement, shard=shard, changes=changes, similar=similar
            )
        try:
            write_text(target, text)
            written.append(target)
        except UsageError as error:
            errors.print(f"Error: {error.message}", highlight=False)
            failed = True
    rows = gradebook.rows(results)
    if table or (table is None and len(rows) <= TABLE_ROWS):
        render.gradebook(screen, rows, seed)
    render.class_summary(screen, summarize(results))
    if changed is not None:
        render.changes(screen, list(changed))
    if similar is not None:
        render.similar(screen, list(similar))
    render.class_verdict(screen, rows, seed, confinement)
    for target in written:
        screen.print(f"wrote {target}", highlight=False)
    return not failed


def write_feedback(
    screen: Console, folder: Path, plugin: LessonPlugin, seed: int, results: Sequence[ClassResult]
) -> None:
    """``grade --feedback DIR``: each student's page and text report, to hand back."""
    from calccourse.reports.feedback import write_feedback

    try:
        written = write_feedback(folder, plugin, seed, results)
    except OSError as error:
        raise UsageError(f"cannot write the feedback into {folder}: {error.strerror or error}.") from None
    screen.print(f"wrote {len(written) // 2} students' feedback into {folder}", highlight=False)


def class_exit(results: Sequence[ClassResult], interrupted: bool, written: bool) -> ExitCode:
    """The exit code of `grade` and `gradebook merge`: 0 when the class was graded and
    every file written, whatever the scores (they are data there); 130 when interrupted;
    4 when a row is the lesson's fault; 2 when a gradebook file could not be written."""
    if interrupted:
        return ExitCode.INTERRUPTED
    if any(r.status == "checker-error" for r in results):
        return ExitCode.LESSON_BROKEN
    return ExitCode.OK if written else ExitCode.USAGE
