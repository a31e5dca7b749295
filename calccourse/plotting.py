"""The picture `check` saves: each plottable test, the answer against the reference."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from calccourse.author import Test
    from calccourse.grading import Graded


def save_graded(graded: Graded, out: Path, errors: Console) -> Path | None:
    """The check plot of a graded answer, saved in ``out`` and listed in its report; a
    picture that cannot be saved costs a message on ``errors``, never the verdict."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        path = save_check_plot(graded.report.lesson, graded.tests, graded.values, out)
    except OSError as error:
        errors.print(f"Could not save the plot in {out}: {error}", highlight=False)
        return None
    if path is not None:
        graded.report.plots.append(path)
    return path


def save_check_plot(
    number: int, tests: list[Test], values: list[list[Any] | None], out_dir: Path, fmt: str = "png"
) -> Path | None:
    """Draw every test that has a plot and whose calls all returned; None when there is none."""
    drawable = [(test, got) for test, got in zip(tests, values) if test.plot and got is not None]
    if not drawable:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = min(2, len(drawable))
    rows = (len(drawable) + columns - 1) // columns
    figure, axes = plt.subplots(rows, columns, figsize=(6 * columns, 4.2 * rows), squeeze=False)
    for (test, got), ax in zip(drawable, axes.flat):
        try:
            test.plot(got, ax)  # type: ignore[misc]
        except Exception as error:  # noqa: BLE001 - a value the plot cannot draw is no reason to fail
            ax.set_title(f"{test.name}: cannot draw ({type(error).__name__})")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(drawable) :]:
        ax.set_visible(False)
    figure.suptitle(f"Lesson {number}: your answer against the reference")
    figure.tight_layout()
    path = out_dir / f"lesson{number:02d}-check.{fmt}"
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path
