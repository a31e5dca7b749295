"""The picture `check` saves: each plottable test, the answer against the reference.

Figures are made without pyplot (no backend, no global figure list to close), so the same
drawing is a file for `check` and an inline SVG for the HTML pages.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from calccourse.files import write_atomically

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from rich.console import Console

    from calccourse.author import Test
    from calccourse.grading import Graded, Report


def save_graded(graded: Graded, out: Path, errors: Console) -> Path | None:
    """The check plot of a graded answer, saved in ``out`` and listed in its report; a
    picture that cannot be saved costs a message on ``errors``, never the verdict."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        failed = failed_tests(graded.report)
        path = save_check_plot(graded.report.lesson, graded.tests, graded.values, out, failed=failed)
    except OSError as error:
        errors.print(f"Could not save the plot in {out}: {error}", highlight=False)
        return None
    if path is not None:
        graded.report.plots.append(path)
    return path


def failed_tests(report: Report) -> list[bool]:
    """Per test of ``report``, whether it failed: the check plot draws those."""
    return [test.status != "pass" for test in report.tests]


def drawable(
    tests: Sequence[Test], values: Sequence[list[Any] | None], failed: Sequence[bool] = ()
) -> list[tuple[Test, list[Any]]]:
    """The tests to draw: those with a plot whose calls all returned; when some of them
    failed (``failed``, per test), only those."""
    found = [
        (test, got, index < len(failed) and failed[index])
        for index, (test, got) in enumerate(zip(tests, values))
        if test.plot and got is not None
    ]
    if any(bad for *_, bad in found):
        found = [item for item in found if item[2]]
    return [(test, got) for test, got, _ in found]


def no_plot_reason(number: int, tests: Sequence[Test]) -> str:
    """Why `check --plot` saved no picture, in one line."""
    if not any(test.plot for test in tests):
        return f"Lesson {number} has no check plot: its report above is the whole story."
    return "No check plot: the tests that draw one got no values back from your answer."


def save_check_plot(
    number: int,
    tests: Sequence[Test],
    values: Sequence[list[Any] | None],
    out_dir: Path,
    fmt: str = "png",
    failed: Sequence[bool] = (),
) -> Path | None:
    """Save :func:`check_figure` in ``out_dir``; None when there is nothing to draw."""
    if not drawable(tests, values, failed):
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"lesson{number:02d}-check.{fmt}"

    def save(figure: Figure) -> Path:
        buffer = io.BytesIO()
        figure.savefig(buffer, format=fmt, dpi=100)  # drawn in full before the file is touched
        write_atomically(path, buffer.getvalue())
        return path

    return drawn(number, lambda: check_figure(number, tests, values, failed), save)


def check_plot_svg(
    number: int,
    tests: Sequence[Test],
    values: Sequence[list[Any] | None],
    scope: str,
    failed: Sequence[bool] = (),
) -> str | None:
    """The check plot as an inline ``<svg>`` element (see :func:`svg`); None when there is none."""
    if not drawable(tests, values, failed):
        return None
    build = lambda: check_figure(number, tests, values, failed)  # noqa: E731
    return drawn(number, build, lambda figure: svg(figure, scope))


T = TypeVar("T")
# What matplotlib raises on values it cannot draw (limits past the floats, broken mathtext).
UNDRAWABLE = (OverflowError, RecursionError, MemoryError, ValueError, TypeError, RuntimeError)


def drawn(number: int, build: Callable[[], Any], write: Callable[[Figure], T]) -> T:
    """``write(build())``, whatever the answer's values: a figure that cannot be drawn (numbers
    past what an axis can span, text that is broken mathtext such as ``$\\frac{``) is drawn
    again with text as plain text, and failing that replaced by one that says why."""
    import warnings

    import matplotlib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NumPy's overflow warnings on such values: the figure says it
        try:
            return write(build())
        except UNDRAWABLE as first:
            reason = f"{type(first).__name__}: {first}"
        try:
            with matplotlib.rc_context({"text.parse_math": False}):
                return write(build())
        except UNDRAWABLE:
            pass
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 1.6))
    figure.text(
        0.5,
        0.5,
        f"Lesson {number}: the check plot could not be drawn from your answer's values\n({reason[:160]})",
        ha="center",
        va="center",
        wrap=True,
        parse_math=False,
    )
    return write(figure)


def check_figure(
    number: int, tests: Sequence[Test], values: Sequence[list[Any] | None], failed: Sequence[bool] = ()
) -> Any:
    """A matplotlib Figure of the tests worth drawing (see :func:`drawable`), or None."""
    chosen = drawable(tests, values, failed)
    if not chosen:
        return None
    from matplotlib.figure import Figure

    columns = min(2, len(chosen))
    rows = (len(chosen) + columns - 1) // columns
    figure = Figure(figsize=(6 * columns, 4.2 * rows))
    axes = figure.subplots(rows, columns, squeeze=False)
    for (test, got), ax in zip(chosen, axes.flat):
        try:
            test.plot(got, ax)  # type: ignore[misc]
        except Exception as error:  # noqa: BLE001 - a value the plot cannot draw is no reason to fail
            ax.set_title(f"{test.name}: cannot draw ({type(error).__name__})")
        say_what_is_not_a_number(ax, got)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(chosen) :]:
        ax.set_visible(False)
    figure.suptitle(f"Lesson {number}: your answer against the reference")
    figure.tight_layout()
    return figure


def numeric(value: Any) -> bool:
    """Whether a plain value is a number or a list of numbers (``[]`` included; a bool is
    no number). A dict is a probe's own message: its lesson's plot reads it."""
    if isinstance(value, (dict, int, float)):
        return not isinstance(value, bool)
    return isinstance(value, list) and all(numeric(item) for item in value)


def say_what_is_not_a_number(ax: Any, values: list[Any]) -> None:
    """Write on the panel, in words, which of the answer's values were not numbers: a
    value that could not be drawn must not look like an empty axis."""
    odd = [value for value in values if not numeric(value)]
    if not odd:
        return
    example = repr(odd[0])
    example = example if len(example) <= 40 else example[:39] + "…"
    what = (
        "none of your answer's values is a number"
        if len(odd) == len(values)
        else (f"{len(odd)} of your answer's {len(values)} values are not numbers")
    )
    from calccourse.author import say_in_picture

    say_in_picture(ax, f"{what}\n(e.g. {example}): not drawn")


_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.S)  # the XML declaration and the DOCTYPE's DTD link
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_IDS = re.compile(r'(\bid="|href="#|url\(#)([^")]+)')


def svg(figure: Figure, scope: str) -> str:
    """The figure as an ``<svg>`` element to put inside an HTML page: text kept as text (small,
    selectable), no prologue, no metadata, no reference outside itself, and every id prefixed
    with ``scope`` so that many figures share one page without their ids clashing."""
    import matplotlib

    buffer = io.StringIO()
    settings: dict[Any, Any] = {
        "svg.fonttype": "none",
        "svg.hashsalt": scope,
        "font.sans-serif": ["DejaVu Sans"],
    }
    with matplotlib.rc_context(settings):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = _METADATA.sub("", _PROLOGUE.sub("", buffer.getvalue(), count=1))
    return _IDS.sub(lambda match: f"{match.group(1)}{scope}-{match.group(2)}", text).strip()
