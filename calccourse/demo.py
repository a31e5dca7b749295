"""What a lesson's demo receives: where to print, where to save plots, a progress bar."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from calccourse.lesson import LessonError, LessonPlugin, describe

if TYPE_CHECKING:
    from rich.console import Console

PLOT_FORMATS = ("png", "svg", "pdf")
T = TypeVar("T")


def minus(text: str) -> str:
    """Negative numbers with the minus sign the lessons' texts use (−2, not -2)."""
    import re

    return re.sub(r"(?<![\w.])-(?=\.?\d)", "−", text)


@dataclass
class DemoContext:
    """Passed to ``run(ctx)`` in a lesson's ``demo.py``.

    ``record`` prints a labelled result and keeps it in ``results`` (tests read it);
    ``save`` writes a figure as ``lessonNN-<what>.<format>`` and keeps its path.
    """

    console: Console
    number: int
    out_dir: Path
    fmt: str = "png"
    show: bool = False
    results: dict[str, Any] = field(default_factory=dict)
    saved: list[Path] = field(default_factory=list)
    _rows: list[tuple[str, str]] = field(default_factory=list)

    @property
    def unicode(self) -> bool:
        """Whether the reader's terminal (or the pager on it, or the file) takes Unicode: for
        SymPy's pretty printer, ``sympy.pretty(expr, use_unicode=ctx.unicode)``."""
        from calccourse.console import can_encode

        return can_encode(self.console.file)

    def record(self, key: str, value: Any, label: str, shown: str | None = None) -> None:
        """Keep ``value`` under ``key`` and print ``label: shown`` (``shown`` defaults to str(value)),
        as :meth:`say` prints: text in square brackets, as NumPy prints ``[nan nan]``, is no markup."""
        from rich.text import Text

        from calccourse.wrapping import Prose

        self.results[key] = value
        shown = self._spelled(minus(str(shown if shown is not None else value)))
        line = Text.assemble(f"  {self._spelled(minus(label))}: ", (shown, "bold"))
        self.console.print(Prose(line, hang="    "))

    def say(self, text: str) -> None:
        """Print a sentence literally (no markup), with proper minus signs, wrapped at the
        screen's width but never inside a formula."""
        from rich.text import Text

        from calccourse.wrapping import Prose

        self.console.print(Prose(Text(self._spelled(minus(text)))))

    def table(self, title: str, columns: list[str], rows: Iterable[Iterable[Any]]) -> None:
        """Print a small table of results; each cell as ``str(cell)``, literally (no markup)."""
        from rich.table import Table
        from rich.text import Text

        spell = self._spelled
        table = Table(title=spell(title), title_justify="left")
        for column in columns:
            table.add_column(spell(column), justify="right")
        for row in rows:
            table.add_row(*(Text(spell(minus(str(cell)))) for cell in row))  # "[nan nan]" is no markup
        self.console.print(table)

    def _spelled(self, text: str) -> str:
        """``text`` in ASCII where the stream takes no Unicode (δx is "delta x"): spelled
        before it is wrapped or sized, so that it fits as shown."""
        from calccourse.console import in_ascii

        return text if self.unicode else in_ascii(text)

    def save(self, figure: Any, what: str) -> Path:
        """Save a matplotlib figure as ``lessonNN-<what>.<fmt>`` in the output folder."""
        path = self.out_dir / f"lesson{self.number:02d}-{what}.{self.fmt}"
        figure.savefig(path, dpi=110, bbox_inches="tight")
        self.saved.append(path)
        self.console.print(f"  saved plot: {path}")
        if not self.show:
            import matplotlib.pyplot as plt

            plt.close(figure)
        return path

    def track(self, items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
        """Iterate with a progress bar on a terminal; silently elsewhere."""
        from calccourse.console import plain_output

        if plain_output(self.console.file) or not self.console.is_terminal:
            yield from items
            return
        from rich.progress import track

        yield from track(items, description=description, total=total, console=self.console, transient=True)


def prepare_matplotlib(show: bool) -> None:
    """Use a window-less backend unless the user asked to see the plots."""
    if not show:
        os.environ["MPLBACKEND"] = "Agg"


def run_demo(
    plugin: LessonPlugin, console: Console, out_dir: Path, fmt: str = "png", show: bool = False
) -> DemoContext:
    """Run a lesson's demo, saving its plots in ``out_dir``; a demo that raises, or does not
    end within the lesson's ``limits.demo``, is a LessonError naming its file and line."""
    import traceback

    from calccourse.timelimit import run_limited

    prepare_matplotlib(show)
    ctx = DemoContext(console=console, number=plugin.number, out_dir=out_dir, fmt=fmt, show=show)
    limit = plugin.lesson.limits.demo
    module = run_limited(plugin, "demo", "demo.py", limit, plugin.module, "demo")
    run = getattr(module, "run", None)
    if not callable(run):
        raise plugin.broken("demo", "demo.py", "it defines no function run(ctx)")
    try:
        run_limited(plugin, "demo", "demo.py", limit, run, ctx)
    except LessonError:
        raise
    except Exception as error:
        why = describe(error, plugin.folder)
        raise plugin.broken("demo", "demo.py", why, traceback.format_exc()) from error
    if show and ctx.saved:
        import matplotlib.pyplot as plt

        plt.show()
    return ctx


def run_standalone(run: Any, number: int, out_dir: str = "calccourse-plots") -> None:
    """Run a demo as a plain script (``python demo.py``): plain console, plots in ``out_dir``."""
    from rich.console import Console

    prepare_matplotlib(show=False)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    run(DemoContext(console=Console(color_system=None, highlight=False), number=number, out_dir=folder))


@dataclass
class DemoRun:
    """How one demo went when run headless (``run-all``, ``dev check``)."""

    lesson: int
    slug: str
    status: str  # pass or error
    duration: float
    files: list[str]
    error: str = ""


def run_quietly(plugin: LessonPlugin, out_dir: Path, fmt: str = "png") -> DemoRun:
    """Run a demo with its printing discarded; never raises for the demo's own errors."""
    from rich.console import Console

    started = time.perf_counter()
    with open(os.devnull, "w", encoding="utf-8") as nowhere:
        try:
            ctx = run_demo(plugin, Console(file=nowhere, color_system=None), out_dir, fmt)
            files, status, error = [str(path) for path in ctx.saved], "pass", ""
        except LessonError as failed:
            files, status, error = [], "error", failed.reason
    return DemoRun(plugin.number, plugin.slug, status, round(time.perf_counter() - started, 3), files, error)


# Top-level functions of a demo that draw (by their names' start) or drive it (``run``)
# rather than carry its idea.
DRAWING = ("plot_", "draw_", "grid_")


def idea_of(source: str) -> str:
    """The lines of a demo that carry its idea: its constants and computing functions (with
    the comments just above them) and the imports they use, without the functions that
    plot (``plot_*``, ``draw_*``, ``grid_*``), ``run(ctx)`` that drives it, the script part,
    and the imports only those use (matplotlib, ``calccourse.author``'s ``styled``)."""
    import ast

    lines = source.splitlines()
    kept: list[str] = []
    previous = ""
    try:
        body = ast.parse(source).body
    except (SyntaxError, ValueError):  # a broken demo: the whole of it shown, its run says why
        return source
    imports = (ast.Import, ast.ImportFrom)
    idea = [
        node
        for node in body
        if not getattr(node, "name", "") == "run"
        and not getattr(node, "name", "").startswith(DRAWING)
        and not isinstance(node, ast.If)  # the script part
        and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))  # the docstring
    ]
    used = {
        name.id
        for node in idea
        if not isinstance(node, imports)
        for name in ast.walk(node)
        if isinstance(name, ast.Name)
    }
    for node in idea:
        if isinstance(node, imports) and not any(
            (alias.asname or alias.name).split(".")[0] in used for alias in node.names
        ):
            continue  # only the plots use it
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) - 1
        while first > 0 and lines[first - 1].lstrip().startswith("#"):
            first -= 1
        block = lines[first : node.end_lineno]
        kind = "import" if isinstance(node, imports) else type(node).__name__
        spaced = kept and (kind != previous or kind == "FunctionDef")  # a blank line between groups
        kept += ([""] if spaced else []) + block
        previous = kind
    return "\n".join(kept)
