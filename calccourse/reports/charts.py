"""The class page's charts, drawn with matplotlib as inline SVG: pass rate per test, named
mistakes, scores. Every bar is labelled with its number and the stacked ones are hatched,
so no chart is read by its colours alone."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from calccourse.plotting import svg
from calccourse.reports._common import clean, num

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from calccourse.reports.analytics import ClassSummary, MistakeStat

# Okabe and Ito's palette, told apart with every kind of colour vision.
PASSED, FAILED, ERRORED, GREY, BARS = "#009E73", "#D55E00", "#E69F00", "#BBBBBB", "#0072B2"
MISTAKES_DRAWN = 10
STYLE: dict[Any, Any] = {
    "text.parse_math": False,  # an answer's value in a message may hold a "$"
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _figure(rows: int) -> tuple[Figure, Axes]:
    """A figure for ``rows`` horizontal bars counting answers (or a histogram, for 0 rows)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(4.6, 2.5 if rows == 0 else 0.9 + 0.45 * rows), layout="constrained")
    ax = figure.subplots()
    (ax.yaxis if rows == 0 else ax.xaxis).set_major_locator(MaxNLocator(integer=True))
    return figure, ax


def _labels(texts: Sequence[str], width: int) -> list[str]:
    return ["\n".join(textwrap.wrap(clean(text), width, max_lines=2, placeholder=" …")) for text in texts]


def _style() -> AbstractContextManager[Any]:
    import matplotlib

    return matplotlib.rc_context(STYLE)


def pass_rates(summary: ClassSummary, scope: str = "chart-tests") -> str | None:
    """Per test, the answers that passed, failed and errored, stacked, with the pass rate."""
    if not summary.tests:
        return None
    with _style():
        return svg(_pass_rates(summary), scope)


def _pass_rates(summary: ClassSummary) -> Figure:
    stats = summary.tests
    figure, ax = _figure(len(stats))
    rows = range(len(stats))
    left = [0] * len(stats)
    parts = (
        ("passed", "passed", PASSED, ""),
        ("failed", "failed", FAILED, "//"),
        ("errored", "errored", ERRORED, "xx"),
        ("not_tried", "bonus not tried", GREY, ".."),
    )
    for field, label, colour, hatch in parts:
        counts = [getattr(stat, field) for stat in stats]
        if field != "passed" and not any(counts):
            continue
        ax.barh(rows, counts, left=left, color=colour, hatch=hatch, edgecolor="white", label=label)
        left = [start + count for start, count in zip(left, counts)]
    for row, (stat, end) in enumerate(zip(stats, left)):
        ax.text(end, row, f"  {stat.pass_rate:.0%} passed", va="center")
    names = [stat.name + (" (bonus)" if stat.bonus else "") for stat in stats]
    ax.set_yticks(list(rows), _labels(names, 30))
    ax.invert_yaxis()
    ax.set_xlim(0, max(left) * 1.3 or 1)
    ax.set_xlabel("answers")
    figure.legend(loc="outside lower center", frameon=False, ncols=4)
    return figure


def mistakes(summary: ClassSummary, scope: str = "chart-mistakes") -> str | None:
    """The most common named mistakes, numbered as the page lists them."""
    if not summary.mistakes:
        return None
    with _style():
        return svg(_mistakes(summary.mistakes[:MISTAKES_DRAWN]), scope)


def _mistakes(named: Sequence[MistakeStat]) -> Figure:
    figure, ax = _figure(len(named))
    rows = list(range(len(named)))
    bars = ax.barh(rows, [stat.count for stat in named], color=BARS)
    ax.bar_label(bars, padding=3)
    labels = [f"{index}. {stat.label or stat.feedback}" for index, stat in enumerate(named, 1)]
    ax.set_yticks(rows, _labels(labels, 36))
    ax.invert_yaxis()
    ax.set_xlim(0, max(stat.count for stat in named) * 1.15)
    ax.set_xlabel("answers")
    return figure


def histogram(summary: ClassSummary, scope: str = "chart-scores") -> str | None:
    """How many answers got each score (answers the lesson failed to check left out)."""
    if not summary.graded:
        return None
    with _style():
        return svg(_histogram(summary), scope)


def _histogram(summary: ClassSummary) -> Figure:
    figure, ax = _figure(0)
    scores = [score for score, _ in summary.histogram]
    steps = [b - a for a, b in zip(scores, scores[1:])]
    bars = ax.bar(
        scores, [count for _, count in summary.histogram], width=0.7 * min(steps or [1]), color=BARS
    )
    ax.bar_label(bars, padding=2)
    ax.set_xticks(scores, [num(score) for score in scores])
    ax.set_xlabel(f"score (out of {num(summary.max_score)})")
    ax.set_ylabel("answers")
    ax.margins(y=0.15)
    return figure
