"""Where lines of maths may break: a formula in a block (:func:`wrap_formula`) and a
formula inside prose (:class:`Prose`), both at the terminal's width, never mid-term."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# Where a formula may break: between equations (after a run of spaces, or a comma) and,
# only where one equation is wider than the line, before = + − and friends.
EQUATIONS = r"(?<=\s\s)(?=\S)|(?<=, )(?=\S)"
TERMS = r"(?= (?:=|\+|−|-|≈|≤|≥) )"


def wrap_formula(line: str, width: int) -> list[str]:
    """A line of maths that fits in ``width`` columns, or the same broken between whole
    equations (or, inside one too wide, between whole terms), each further piece on a next
    line indented four columns past the first; a term wider than the line stays whole (and
    is cut at the edge, as code is)."""
    if cell_len(line) <= width:
        return [line]
    hang = " " * (len(line) - len(line.lstrip()) + 4)
    pieces = []
    for equation in filter(None, re.split(EQUATIONS, line)):
        wide = cell_len(hang + equation.strip()) > width
        pieces += [p for p in re.split(TERMS, equation) if p] if wide else [equation]
    lines, current = [], pieces[0]
    for piece in pieces[1:]:
        if cell_len((current + piece).rstrip()) <= width or not current.strip():
            current += piece
        else:
            lines.append(current.rstrip())
            current = hang + piece.lstrip()
    return [*lines, current.rstrip()]


# In prose, a formula stays on one line: no break next to an operator, after a prefix such
# as d/dx, or (where the line has room for the whole group) inside brackets.
OPERATORS = frozenset("= + − - · × / * ^ ≈ ≠ ≤ ≥ < > → ± ∈".split())
PREFIX = re.compile(r"(?:[d∂]/[d∂]\S+|lim|log|ln|exp|max|min|Σ|∑|∇|√)")
# δx spelled in ASCII is "delta x": one symbol.
GREEK = re.compile(
    r"(?<![A-Za-z])(?:alpha|beta|gamma|delta|epsilon|zeta|eta|theta|kappa|lambda|mu|nu|xi|pi|rho"
    r"|sigma|tau|phi|chi|psi|omega)$",
    re.IGNORECASE,
)
BRACKETS = str.maketrans("([{)]}", "((()))")


def prose_breaks(line: str, width: int) -> list[int]:
    """Where to break a paragraph's ``line`` into lines of at most ``width`` columns: at
    spaces, never inside a formula (see OPERATORS, PREFIX); a formula wider than the line
    gives up its brackets first, then its operators."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", line)]
    glue = [0] * len(words)  # between word k and k + 1: 0 none, 1 inside brackets, 2 a formula
    depth = 0
    for k in range(len(words) - 1):
        before, after = line[slice(*words[k])], line[slice(*words[k + 1])]
        brackets = before.translate(BRACKETS)
        depth = max(0, depth + brackets.count("(") - brackets.count(")"))
        spelled_greek = GREEK.search(before) and re.match(r"[A-Za-z](?![A-Za-z])", after)
        if before in OPERATORS or after in OPERATORS or PREFIX.fullmatch(before) or spelled_greek:
            glue[k] = 2
        elif depth:
            glue[k] = 1

    def chunks(start: int, end: int, strength: int) -> list[tuple[int, int]]:
        """Words start..end-1 in runs joined by glue of at least ``strength``, each run too
        wide for the line split again with weaker glue."""
        found, first = [], start
        for k in range(start, end):
            if k == end - 1 or glue[k] < strength:
                wide = cell_len(line[words[first][0] : words[k][1]]) > width
                found += chunks(first, k + 1, strength + 1) if wide and strength < 3 else [(first, k)]
                first = k + 1
        return found

    breaks: list[int] = []
    line_start = None
    for first, last in chunks(0, len(words), 1) if words else []:
        start, end = words[first][0], words[last][1]
        if line_start is None:
            line_start = start
        elif cell_len(line[line_start:end]) > width:
            breaks.append(start)
            line_start = start
    return breaks


class Prose:
    """Text wrapped at its spaces but never inside a formula (:func:`prose_breaks`); its own
    line breaks kept."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: Any) -> Iterator[Text]:
        lines = []
        for line in self.text.split("\n", allow_blank=True):
            for piece in line.divide(prose_breaks(line.plain, options.max_width)):
                piece.rstrip()
                lines.append(piece)
        yield self.text.blank_copy("\n").join(lines)
