"""The picture `check` saves: each plottable test, the answer against the reference.

Figures are made without pyplot (no backend, no global figure list to close), so the same
drawing is a file for `check` and an inline SVG for the HTML pages.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from calccourse.author import Test


def drawable(tests: list[Test], values: list[list[Any] | None]) -> list[tuple[Test, list[Any]]]:
    """The tests that have a plot and whose calls all returned, with their values."""
    return [(test, got) for test, got in zip(tests, values) if test.plot and got is not None]


def check_figure(number: int, tests: list[Test], values: list[list[Any] | None]) -> Figure | None:
    """Draw every :func:`drawable` test; None when there is none."""
    drawn = drawable(tests, values)
    if not drawn:
        return None
    from matplotlib.figure import Figure

    columns = min(2, len(drawn))
    rows = (len(drawn) + columns - 1) // columns
    figure = Figure(figsize=(6 * columns, 4.2 * rows))
    axes = figure.subplots(rows, columns, squeeze=False)
    for (test, got), ax in zip(drawn, axes.flat):
        try:
            test.plot(got, ax)  # type: ignore[misc]
        except Exception as error:  # noqa: BLE001 - a value the plot cannot draw is no reason to fail
            ax.set_title(f"{test.name}: cannot draw ({type(error).__name__})")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(drawn) :]:
        ax.set_visible(False)
    figure.suptitle(f"Lesson {number}: your answer against the reference")
    figure.tight_layout()
    return figure


def save_check_plot(
    number: int, tests: list[Test], values: list[list[Any] | None], out_dir: Path, fmt: str = "png"
) -> Path | None:
    """The check plot saved in ``out_dir``; None when there is nothing to draw."""
    figure = check_figure(number, tests, values)
    if figure is None:
        return None
    path = out_dir / f"lesson{number:02d}-check.{fmt}"
    figure.savefig(path, dpi=100)
    return path


def check_plot_svg(number: int, tests: list[Test], values: list[list[Any] | None], scope: str) -> str | None:
    """The check plot as an inline ``<svg>`` element (see :func:`svg`); None when there is none."""
    figure = check_figure(number, tests, values)
    return None if figure is None else svg(figure, scope)


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
