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


# In prose, a formula stays on one line: no break next to an operator (or a word that
# starts or ends with one), after a prefix such as d/dx or its ASCII spelling ("delta x",
# "grad f", "90 deg"), or inside brackets that hold maths rather than words.
OPERATORS = frozenset("= + − - · × / * ^ ≈ ~ ≠ != ≤ ≥ < > → -> ← <- ± +/- ∈ ⊙".split())
ENDS_WITH_OPERATOR = tuple("=+−·×≈≤≥<>→←±Σ∑∫∇√⊙")
STARTS_WITH_OPERATOR = tuple("=+−·×≈≤≥<>→←⊙")
PREFIX = re.compile(  # at the end of a word: "(d/dx", "2x*delta"
    r"(?<![A-Za-z])(?:[d∂]/[d∂]\S+|∫\S*|lim|log|ln|exp|max|min|Σ|∑|∇|√|grad|sqrt|Sum|integral"
    r"|alpha|beta|gamma|delta|epsilon|zeta|eta|theta|kappa|lambda|mu|nu|xi|pi|rho|sigma|tau"
    r"|phi|chi|psi|omega)$",
    re.IGNORECASE,
)
BRACKETS = str.maketrans("([{)]}", "((()))")
WORDS = re.compile(r"\W*[A-Za-z]{3,}\W*")  # a word of prose, as in "(log is undefined at 0)"


def prose_breaks(line: str, width: int) -> list[int]:
    """Where to break a paragraph's ``line`` into lines of at most ``width`` columns: at
    spaces, never inside a formula (see OPERATORS, PREFIX); a formula wider than the line
    gives up its brackets first, then its operators."""
    found = list(re.finditer(r"\S+", line))
    words, starts = [m.group() for m in found], [m.start() for m in found]
    glue = [0] * len(words)  # between word k and k + 1: 0 none, 1 inside brackets, 2 a formula
    for k, (before, after) in enumerate(zip(words, words[1:])):
        if (
            before in OPERATORS
            or after in OPERATORS
            or before.endswith(ENDS_WITH_OPERATOR)
            or after.startswith(STARTS_WITH_OPERATOR)
            or PREFIX.search(before)
            or re.match(r"deg\b", after)
        ):
            glue[k] = 2
    for first, last in _bracketed(words):
        group = words[first : last + 1]
        if not any(WORDS.fullmatch(a) and WORDS.fullmatch(b) for a, b in zip(group, group[1:])):
            for k in range(first, last):
                glue[k] = max(glue[k], 1)

    def chunks(start: int, end: int, strength: int) -> list[tuple[int, int]]:
        """Words start..end-1 in runs joined by glue of at least ``strength``, each run too
        wide for the line split again with weaker glue."""
        found, first = [], start
        for k in range(start, end):
            if k == end - 1 or glue[k] < strength:
                wide = cell_len(line[starts[first] : starts[k] + len(words[k])]) > width
                found += chunks(first, k + 1, strength + 1) if wide and strength < 3 else [(first, k)]
                first = k + 1
        return found

    breaks: list[int] = []
    line_start = None
    for first, last in chunks(0, len(words), 1) if words else []:
        start, end = starts[first], starts[last] + len(words[last])
        if line_start is None:
            line_start = start
        elif cell_len(line[line_start:end]) > width:
            breaks.append(start)
            line_start = start
    return breaks


def _bracketed(words: list[str]) -> list[tuple[int, int]]:
    """The first and last word of every bracket group that closes within ``words``."""
    opened: list[int] = []
    groups = []
    for k, word in enumerate(words):
        for mark in word.translate(BRACKETS):
            if mark == "(":
                opened.append(k)
            elif mark == ")" and opened:
                groups.append((opened.pop(), k))
    return groups


class Prose:
    """Text wrapped at its spaces but never inside a formula (:func:`prose_breaks`), each
    further line indented by ``hang``; its own line breaks kept."""

    def __init__(self, text: Text, hang: str = "") -> None:
        self.text, self.hang = text, hang

    def __rich_console__(self, console: Console, options: Any) -> Iterator[Text]:
        lines = []
        room = max(8, options.max_width - cell_len(self.hang))
        for line in self.text.split("\n", allow_blank=True):
            for number, piece in enumerate(line.divide(prose_breaks(line.plain, room))):
                piece.rstrip()
                lines.append(piece if number == 0 else self.text.blank_copy(self.hang) + piece)
        yield self.text.blank_copy("\n").join(lines)
