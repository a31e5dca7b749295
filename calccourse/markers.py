"""One source, two files: a lesson's template is written from its solution's marked regions.

In ``solution.py``, the lines between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` are the
answer. In the template (``calccourse dev template N``):

- a region inside a function becomes ``raise NotImplementedError`` (at the region's
  indentation), so the function reads as "not started";
- a region at the top level keeps each function's signature and docstring, its body
  becoming ``raise NotImplementedError``, and each assignment ``name = ...`` becomes
  ``name = None`` (also "not started"); other statements in it are left out;
- a line ending in ``# SOLUTION`` (``rate = 0.1  # SOLUTION``) becomes ``rate = None``.

Everything outside the markers is copied as it is: the module docstring, imports,
helpers the learner gets. ``dev check`` proves that template.py is what the solution's
markers make, when the solution has markers.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

from calccourse.status import UsageError

BEGIN = re.compile(r"^(\s*)# BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*# END SOLUTION\s*$")
LINE = re.compile(r"^(\s*)([A-Za-z_][\w.]*(?:\s*:\s*[^=]+)?)\s*=\s*.*#\s*SOLUTION\s*$")
NOT_STARTED = "raise NotImplementedError"


class MarkerError(ValueError):
    """The markers do not pair up, or a region is not Python: the message says where."""


def without_markers(source: str) -> str:
    """The solution as a learner reads it (``calccourse solution``): the marker lines gone."""
    lines = [line for line in source.splitlines() if not (BEGIN.match(line) or END.match(line))]
    kept = [re.sub(r"\s*#\s*SOLUTION\s*$", "", line) if LINE.match(line) else line for line in lines]
    return "\n".join(kept) + ("\n" if source.endswith("\n") else "")


def has_markers(source: str) -> bool:
    return any(BEGIN.match(line) or LINE.match(line) for line in source.splitlines())


def template_from(source: str) -> str:
    """The template that ``source`` (a solution with marked regions) makes."""
    out: list[str] = []
    lines = source.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        begin = BEGIN.match(line)
        if END.match(line):
            raise MarkerError(f"line {index + 1}: # END SOLUTION without a # BEGIN SOLUTION before it")
        if begin is None:
            single = LINE.match(line)
            out.append(f"{single.group(1)}{single.group(2).rstrip()} = None" if single else line)
            index += 1
            continue
        end = next(
            (n for n in range(index + 1, len(lines)) if END.match(lines[n]) or BEGIN.match(lines[n])), None
        )
        if end is None or BEGIN.match(lines[end]):
            raise MarkerError(f"line {index + 1}: # BEGIN SOLUTION without its # END SOLUTION")
        indent = begin.group(1)
        region = lines[index + 1 : end]
        out += [indent + NOT_STARTED] if indent else _top_level(region, index + 2)
        index = end + 1
    text = re.sub(r"\n{4,}", "\n\n\n", "\n".join(out))  # a region left out leaves no gap
    return text.rstrip("\n") + ("\n" if source.endswith("\n") else "")


def _top_level(region: list[str], first_line: int) -> list[str]:
    """A top-level region: signatures and docstrings kept, bodies and values taken out."""
    text = textwrap.dedent("\n".join(region))
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        raise MarkerError(f"line {first_line - 1 + (error.lineno or 1)}: {error.msg}") from None
    out: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body_starts = node.body[0].lineno
            docstring = ast.get_docstring(node, clean=False) is not None
            keep_to = node.body[0].end_lineno if docstring else body_starts - 1
            head = text.splitlines()[
                (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1 : keep_to
            ]
            inner = " " * node.body[0].col_offset
            gap = ["", ""] if out and out[-1] else []  # two blank lines around a def, as PEP 8
            out += [*gap, *head, inner + NOT_STARTED, "", ""]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            out.append(" = ".join(ast.unparse(target) for target in targets) + " = None")
    while out and not out[-1]:
        out.pop()
    return out


def disagreement(solution: str, template: str) -> str | None:
    """Where ``template`` differs from what ``solution``'s markers make (None: it agrees)."""
    wanted = template_from(solution).splitlines()
    have = template.splitlines()
    for number, (want, got) in enumerate(zip(wanted, have), 1):
        if want != got:
            return f"line {number} is {got.strip()!r}; the markers make {want.strip()!r}"
    if len(wanted) != len(have):
        return f"it has {len(have)} lines; the markers make {len(wanted)}"
    return None


def write_template(folder: Path) -> str:
    """Write ``folder``/template.py from its solution.py; what was done, in one line."""
    solution, template = folder / "solution.py", folder / "template.py"
    source = solution.read_text(encoding="utf-8")
    if not has_markers(source):
        raise UsageError(f"{solution} has no '# BEGIN SOLUTION' / '# END SOLUTION' regions to take out.")
    try:
        text = template_from(source)
    except MarkerError as error:
        raise UsageError(f"{solution}, {error}.") from None
    template.write_text(text, encoding="utf-8")
    return f"Wrote {template} from {solution}'s marked regions."
