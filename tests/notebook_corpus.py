"""Turn a lesson's .py answers into notebooks of many shapes, each with the .py it must grade like.

A shape is a way a learner's notebook may look: one cell per statement, cells with stored
outputs, IPython magics, markdown between cells, cells reordered or duplicated, an old
nbformat version, Windows line endings. Each :class:`Sample` pairs the notebook's bytes
with its Python equivalent, built here independently of calccourse: the code cells
concatenated in order, IPython lines dropped (``%time STMT`` keeps ``STMT``, a ``%%time``
cell keeps its body, a ``%%timeit`` cell defines nothing and is dropped).
"""

from __future__ import annotations

import ast
import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# A 1×1 PNG: what a stored plot looks like in a notebook.
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
KERNEL = {
    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
    "language_info": {"name": "python", "version": "3.11.7"},
}


@dataclass(frozen=True)
class Unit:
    """A top-level statement of a .py file with the comments just above it."""

    kind: str  # "import", "def" (a function or class) or "other"
    text: str
    names: tuple[str, ...]  # the names a definition defines


@dataclass(frozen=True)
class Cell:
    kind: str  # "code" or "markdown"
    source: str
    outputs: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Sample:
    """One notebook of the corpus and the Python file it must be graded like."""

    name: str
    data: bytes
    python: str
    notes: int  # how many notes (skipped IPython lines) the notebook should get


# --- a .py file as units ----------------------------------------------------------------------


def units(source: str) -> list[Unit]:
    """The file's top-level statements, each with the comments and blank lines above it."""
    tree = ast.parse(source)
    lines = source.split("\n")
    spans: list[list[Any]] = []  # [kind, first, last, names]
    for node in tree.body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        last = node.end_lineno or node.lineno
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            kind, names = "import", ()
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            kind, names = "def", (node.name,)
        else:
            kind, names = "other", ()
        if spans and first <= spans[-1][2]:  # `a = 1; b = 2` on one line stays one unit
            spans[-1][0], spans[-1][2] = "other", max(spans[-1][2], last)
        else:
            spans.append([kind, first, last, names])
    found = []
    for index, (kind, _, last, names) in enumerate(spans):
        start = spans[index - 1][2] + 1 if index else 1
        stop = len(lines) if index == len(spans) - 1 else last
        found.append(Unit(kind, "\n".join(lines[start - 1 : stop]).strip("\n"), names))
    return found


def same_code(first: str, second: str) -> bool:
    """Whether two Python files are the same code, line numbers and comments aside."""
    try:
        return ast.dump(ast.parse(first)) == ast.dump(ast.parse(second))
    except SyntaxError:  # a syntax error is only the same as itself
        return first == second


# --- notebooks --------------------------------------------------------------------------------


def notebook_bytes(
    cells: list[Cell],
    *,
    minor: int = 5,
    lines: bool = False,
    newline: str = "\n",
    bom: bool = False,
) -> bytes:
    """An nbformat 4.``minor`` notebook file; ``lines`` stores sources as lists of lines."""
    stored = []
    for number, cell in enumerate(cells, 1):
        text = cell.source.replace("\n", newline)
        entry: dict[str, Any] = {
            "cell_type": cell.kind,
            "metadata": {"tags": ["answer"], "collapsed": False} if cell.kind == "code" else {},
            "source": text.splitlines(keepends=True) if lines else text,
        }
        if minor >= 5:
            entry["id"] = f"c{number:03d}"
        if cell.kind == "code":
            entry["execution_count"] = 100 - number if cell.outputs else None  # not the order they run in
            entry["outputs"] = list(cell.outputs)
        stored.append(entry)
    notebook = {"cells": stored, "metadata": KERNEL, "nbformat": 4, "nbformat_minor": minor}
    text = json.dumps(notebook, indent=1, ensure_ascii=False).replace("\n", newline)
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def v3_notebook_bytes(cells: list[Cell]) -> bytes:
    """The same cells in nbformat 3 (worksheets, ``input`` and heading cells)."""
    stored: list[dict[str, Any]] = [{"cell_type": "heading", "level": 1, "metadata": {}, "source": "Answer"}]
    for number, cell in enumerate(cells, 1):
        if cell.kind == "code":
            stored.append(
                {
                    "cell_type": "code",
                    "collapsed": False,
                    "input": cell.source.splitlines(keepends=True),
                    "language": "python",
                    "metadata": {},
                    "outputs": [{"output_type": "pyout", "prompt_number": number, "text": ["'PASS'"]}],
                    "prompt_number": number,
                }
            )
        else:
            stored.append({"cell_type": "markdown", "metadata": {}, "source": cell.source})
    worksheets = [{"cells": stored, "metadata": {}}]
    notebook = {"metadata": {"name": ""}, "nbformat": 3, "nbformat_minor": 0, "worksheets": worksheets}
    return json.dumps(notebook, indent=1, ensure_ascii=False).encode()


def misleading_outputs(count: int) -> tuple[dict[str, Any], ...]:
    """Outputs a stale notebook may hold: a pass claimed, an error that no longer happens, a plot."""
    return (
        {
            "output_type": "execute_result",
            "execution_count": count,
            "data": {"text/plain": ["'all tests passed: 10/10'"]},
            "metadata": {},
        },
        {"output_type": "stream", "name": "stdout", "text": ["PASS\n", "score: 10/10\n"]},
        {"output_type": "stream", "name": "stderr", "text": "Traceback (most recent call last):\n"},
        {
            "output_type": "error",
            "ename": "NameError",
            "evalue": "name 'undefined_answer' is not defined",
            "traceback": ["\x1b[0;31mNameError\x1b[0m: name 'undefined_answer' is not defined"],
        },
        {
            "output_type": "display_data",
            "data": {"image/png": PNG, "text/plain": ["<Figure size 640x480 with 1 Axes>"]},
            "metadata": {"needs_background": "light"},
        },
    )


def huge_outputs(megabytes: int) -> tuple[dict[str, Any], ...]:
    """Plots worth ``megabytes`` of base64 (one per megabyte)."""
    picture = base64.b64encode(bytes(range(256)) * 3072).decode()  # 768 KiB of bytes: 1 MiB of base64
    plot = {"output_type": "display_data", "data": {"image/png": picture}, "metadata": {}}
    return (plot,) * megabytes


# --- the Python a notebook stands for -----------------------------------------------------------

_TIME = re.compile(r"^%time\s+")
_HELP = re.compile(r"^\w+\?$")


def python_of(cells: list[Cell]) -> tuple[str, int]:
    """The code cells as one .py file as IPython would run them, and how many lines were IPython's.

    Knows only the IPython syntax this module writes: ``%``, ``!`` and ``?`` lines.
    """
    chunks, skipped = [], 0
    for cell in cells:
        if cell.kind != "code":
            continue
        lines = cell.source.split("\n")
        if lines[0].startswith("%%timeit"):
            skipped += 1
            continue
        if lines[0].startswith("%%time"):
            lines, skipped = lines[1:], skipped + 1
        kept = []
        for line in lines:
            if _TIME.match(line):
                kept.append(_TIME.sub("", line))
                skipped += 1
            elif line.startswith(("%", "!", "?")) or _HELP.match(line) or " = !" in line:
                skipped += 1
            else:
                kept.append(line)
        chunks.append("\n".join(kept).strip("\n"))
    return "\n\n\n".join(chunk for chunk in chunks if chunk) + "\n", skipped


# --- the shapes ---------------------------------------------------------------------------------


def code(text: str, outputs: tuple[dict[str, Any], ...] = ()) -> Cell:
    return Cell("code", text, outputs)


def markdown(text: str) -> Cell:
    return Cell("markdown", text)


def by_statement(source: str) -> list[Cell]:
    return [code(unit.text) for unit in units(source)]


def by_definition(source: str) -> list[Cell]:
    """Imports in one cell, then a cell per definition (other statements grouped), Markdown between."""
    found = units(source)
    imports = [unit.text for unit in found if unit.kind == "import"]
    cells = [markdown("# My answer\n\nThe imports first.")] + ([code("\n".join(imports))] if imports else [])
    group: list[str] = []
    for unit in found:
        if unit.kind == "import":
            continue
        if unit.kind == "other":
            group.append(unit.text)
            continue
        if group:
            cells.append(code("\n\n".join(group)))
            group = []
        cells += [markdown(f"Now `{unit.names[0]}`:"), code(unit.text)]
    if group:
        cells.append(code("\n\n".join(group)))
    return cells


def with_outputs(source: str) -> list[Cell]:
    cells = by_statement(source)
    return [code(cell.source, misleading_outputs(number)) for number, cell in enumerate(cells, 1)]


def with_magics(source: str) -> list[Cell]:
    """IPython lines around the code: line and cell magics, shell escapes, help requests."""
    found = units(source)
    defs = [index for index, unit in enumerate(found) if unit.kind == "def"]
    one_line = [i for i, u in enumerate(found) if u.kind == "other" and "\n" not in u.text]
    timed = next((i for i in one_line if found[i].text[:1] not in "\"'#"), None)  # a statement, not a string
    cells = [
        code("%matplotlib inline\n%load_ext autoreload\n%autoreload 2"),
        code("!pip install numpy\nfiles = !ls"),
    ]
    for index, unit in enumerate(found):
        text = unit.text
        if index == timed:
            text = "%time " + text
        if defs and index == defs[0]:
            text = f"??{unit.names[0]}\n{text}\n{unit.names[0]}?"
        if defs and index == defs[-1] and len(defs) > 1:
            cells.append(code("%%timeit\nsum(range(10))"))
            text = "%%time\n" + text
        cells.append(code(text))
    cells.append(code("?print"))
    return cells


def reordered(source: str) -> list[Cell]:
    """Imports, then the definitions in reverse order, then the rest in order: the same answer."""
    found = units(source)
    order = (
        [u for u in found if u.kind == "import"]
        + [u for u in found if u.kind == "def"][::-1]
        + [u for u in found if u.kind == "other"]
    )
    return [code(unit.text) for unit in order]


def duplicated(source: str) -> list[Cell]:
    return [cell for cell in by_statement(source) for _ in range(2)]


def deleted(source: str) -> list[Cell]:
    """The cell of the last definition deleted."""
    cells = by_statement(source)
    last = max(index for index, unit in enumerate(units(source)) if unit.kind == "def")
    return cells[:last] + cells[last + 1 :]


def windows(source: str) -> list[Cell]:
    """Non-ASCII Markdown and comments; written with CRLF line endings and a byte order mark."""
    cells = by_definition(source)
    return [markdown("## Réponse — ∂f/∂x, naïve café, 微积分 😀")] + [
        code(cell.source + "\n# ∂ — ✓ é") if cell.kind == "code" else cell for cell in cells
    ]


SHAPES: dict[str, Callable[[str], list[Cell]]] = {
    "outputs": with_outputs,
    "definitions": by_definition,
    "magics": with_magics,
    "windows": windows,
    "reordered": reordered,
    "duplicated": duplicated,
    "deleted": deleted,
}
BASIC = ("outputs", "definitions", "magics", "windows")


def build(shape: str, source: str, minor: int = 5) -> Sample:
    """The notebook of ``source`` in ``shape`` (a key of SHAPES, or ``v3``), as nbformat 4.``minor``."""
    if shape == "v3":
        cells = by_definition(source)
        return Sample(shape, v3_notebook_bytes(cells), python_of(cells)[0], 0)
    cells = SHAPES[shape](source)
    python, skipped = python_of(cells)
    if shape == "windows":
        data = notebook_bytes(cells, minor=minor, lines=True, newline="\r\n", bom=True)
    else:
        data = notebook_bytes(cells, minor=minor, lines=shape == "definitions")
    return Sample(shape, data, python, skipped)


def last_wins(first: str, then: str) -> Sample:
    """A notebook defining ``first``'s names, then (the last definition wins) ``then``'s."""
    cells = by_definition(first) + [markdown("A second try:")] + by_definition(then)
    python, skipped = python_of(cells)
    return Sample("last-wins", notebook_bytes(cells), python, skipped)
