"""Jupyter notebooks as answers: read one into code chunks to grade, or write a starter.

A notebook's code reaches the sandbox as chunks ``(filename, source)``, one per code cell,
named ``"<display>, cell N"`` so that Python's own traceback reads ``File "answer.ipynb,
cell 4", line 2``. Cells are numbered as the learner sees them: every cell, Markdown
included, from 1. IPython-only lines (magics, shell escapes, help) are skipped with a note,
keeping every other line's number; where IPython runs Python under a magic (``%time STMT``,
a cell under ``%%time`` or ``%%capture``), that Python runs, as it defines names.

nbformat is imported inside the functions: ``calccourse --help`` must not pay for it.
"""

from __future__ import annotations

import ast
import codecs
import io
import json
import re
import tokenize
import warnings
from dataclasses import dataclass
from typing import Any


class NotebookError(Exception):
    """The file could not be read as a notebook: the message says why, for the learner."""


@dataclass(frozen=True)
class NotebookCode:
    """The Python code of a notebook, ready for the sandbox."""

    chunks: tuple[tuple[str, str], ...]  # (filename, source) per non-empty code cell, in order
    notes: tuple[str, ...]  # what was left out and why, e.g. "cell 2, line 1: skipped the IPython ..."


# --- reading -------------------------------------------------------------------------------------


def read_notebook(data: bytes, display: str) -> NotebookCode:
    """Read a notebook file's bytes as code chunks; ``display`` is the path as the learner gave it.

    Raises NotebookError, with a sentence for the learner, when the bytes are not a notebook
    or the notebook holds no code.
    """
    notebook = _parse(_decode(data, display), display)
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        raise NotebookError(f"{display} is a damaged Jupyter notebook: its list of cells is missing.")

    if (
        sum(1 for cell in cells if isinstance(cell, dict) and cell.get("cell_type") == "code")
        > MAX_CODE_CELLS
    ):
        raise NotebookError(
            f"{display} has more than {MAX_CODE_CELLS} code cells: too many to grade; "
            "put the answer in fewer cells."
        )
    notes = _language_notes(notebook.get("metadata"))
    budget = [_PARSE_BUDGET]  # for the whole notebook: many cells cannot multiply it
    chunks: list[tuple[str, str]] = []
    code_cells = 0
    ipython_only = False
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue  # Markdown, raw and unknown cells still count in the numbering
        source = cell.get("source")
        if not isinstance(source, str):
            raise NotebookError(
                f"{display} is a damaged Jupyter notebook: cell {number} has no readable text."
            )
        code_cells += 1
        filename = f"{display}, cell {number}"
        code, cell_notes = _python_of_cell(source, filename, number, budget)
        notes.extend(cell_notes[: max(0, MAX_NOTES - len(notes))])
        if code.strip():
            chunks.append((filename, code))
        elif source.strip():
            ipython_only = True

    if not code_cells:
        raise NotebookError(f"{display} has no code cells: write your answer in a code cell, then save.")
    if not chunks and ipython_only:
        raise NotebookError(
            f"{display} has no Python code to grade: its code cells hold only IPython commands, "
            "which do not run when grading."
        )
    if not chunks:
        raise NotebookError(f"{display} has no code: its code cells are all empty (was the notebook saved?).")
    if len(notes) >= MAX_NOTES:
        notes.append("… and more IPython lines skipped: only the first ones are listed")
    return NotebookCode(chunks=tuple(chunks), notes=tuple(notes))


def _decode(data: bytes, display: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Jupyter always writes UTF-8; UTF-16 comes from re-saving in an editor, and deserves a fix.
        raise NotebookError(f"{display} is saved as UTF-16 text: save it again as UTF-8 (Jupyter does).")
    try:
        return data.decode("utf-8-sig")  # a BOM some editors add is harmless
    except UnicodeDecodeError as error:
        raise NotebookError(
            f"{display} is not a Jupyter notebook: it is not UTF-8 text "
            f"(byte 0x{data[error.start]:02x} at position {error.start})."
        ) from None


def _parse(text: str, display: str) -> Any:
    """The notebook as nbformat's v4 node; nbformat's validation never stops grading.

    The JSON is checked first: nbformat takes a JSON object without a format version for
    a version 1 notebook, which no Jupyter has written, and then finds no code in it.
    """
    if not text.strip():
        raise NotebookError(f"{display} is not a Jupyter notebook: the file is empty.")
    try:
        problem = _not_a_notebook(json.loads(text), display)
    except json.JSONDecodeError as bad:
        problem = _not_json(text, display, bad)
    except RecursionError:
        problem = f"{display} is not a Jupyter notebook: its JSON is nested too deeply."
    except ValueError as bad:  # e.g. an integer too long to convert
        problem = f"{display} is not a Jupyter notebook: it is not valid JSON ({bad})."
    if problem is not None:
        raise NotebookError(problem)
    import nbformat

    try:
        with warnings.catch_warnings():
            # MissingIDFieldWarning, DuplicateCellId and the like are about tidiness, not code;
            # they must not reach the learner, nor become errors under `-W error`.
            warnings.simplefilter("ignore")
            # Validation errors are only logged by nbformat (to a logger with a NullHandler
            # unless an application configures logging): capturing them keeps grading going.
            return nbformat.reads(text, as_version=4, capture_validation_error={})
    except RecursionError:
        raise NotebookError(f"{display} is not a Jupyter notebook: its JSON is nested too deeply.") from None
    except Exception as error:  # nbformat raises many kinds on odd notebooks
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise NotebookError(
            f"{display} is a damaged Jupyter notebook: nbformat could not read it ({reason[:160]})."
        ) from None


def _not_json(text: str, display: str, bad: json.JSONDecodeError) -> str:
    """One sentence for the learner on why ``text`` is not JSON."""
    rest = text[bad.pos :].strip()
    # An unterminated string ran into the end of the text (strict JSON strings hold no newline),
    # or the text ends inside a word such as `nul`.
    if not rest or bad.msg.startswith("Unterminated string") or any(w.startswith(rest) for w in _WORDS):
        end = text.rstrip()
        line, column = end.count("\n") + 1, len(end) - end.rfind("\n")
        return (
            f"{display} is not a Jupyter notebook: its JSON stops before the end "
            f"(line {line}, column {column}), as if the file were cut short."
        )
    if bad.pos == 0 and _is_python(text):
        return f"{display} is not a Jupyter notebook: it holds Python code, so name it with .py instead."
    return (
        f"{display} is not a Jupyter notebook: it is not valid JSON (line {bad.lineno}, column {bad.colno})."
    )


def _not_a_notebook(data: object, display: str) -> str | None:
    """Why this JSON is no notebook calccourse reads, or None when nbformat should read it."""
    if not isinstance(data, dict):
        return f"{display} is not a Jupyter notebook: it is {_json_kind(data)}, not a notebook's JSON object."
    version = data.get("nbformat")
    if version is None:
        return f"{display} is not a Jupyter notebook: it is JSON, but without the notebook format version."
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= 4:
        return (
            f"{display} uses notebook format {json.dumps(version)}, which calccourse cannot read: "
            "open and save it in Jupyter."
        )
    return None


_WORDS = ("null", "true", "false")


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "a JSON list"
    if isinstance(value, str):
        return "a JSON string"
    if isinstance(value, bool) or value is None:
        return f"JSON {json.dumps(value)}"
    return "a JSON number"


def _is_python(text: str) -> bool:
    try:
        compile(text, "<answer>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _language_notes(metadata: object) -> list[str]:
    """A note when the notebook's kernel is not Python: its code will not compile as Python."""
    if not isinstance(metadata, dict):
        return []
    for key, field in (("kernelspec", "language"), ("language_info", "name")):
        section = metadata.get(key)
        language = section.get(field) if isinstance(section, dict) else None
        if isinstance(language, str) and language.strip():
            if language.strip().lower().startswith("python"):
                return []
            return [f"the notebook's kernel runs {language.strip()}, but its code cells are graded as Python"]
    return []


# --- IPython syntax ------------------------------------------------------------------------------

_NAME = r"(?:[^\W\d]|\*)[\w*]*"  # an identifier, or a wildcard pattern such as np.*lin*
_HELP_END = re.compile(rf"%{{0,2}}{_NAME}(?:\.{_NAME})*\?\??")  # IPython's `obj?` and `obj??`
_ASSIGNED = re.compile(r"[\w.]+(?:\s*,\s*[\w.]+)*\s*=\s*([!%])")  # `files = !ls`, `t = %timeit -o f()`
_PARSE_BUDGET = (
    2_000_000  # lines handed to the parser per notebook while skipping IPython lines: seconds at most
)
MAX_CODE_CELLS = 2_000  # beyond, a notebook is refused before any cell is parsed
MAX_NOTES = 200  # notes kept about skipped lines: a report, not a copy of the notebook
_WHAT = {"magic": "IPython magic", "shell": "shell command", "help": "help request"}
# Magics that run their Python in the notebook's namespace, so that what it defines stays defined.
_RUNS_CELL = ("time", "capture", "prun")  # `%%time` and the like: the rest of the cell is Python
_TIMED = re.compile(r"%time[ \t]+(?=\S)")  # `%time STMT`: STMT is Python


def _ipython_kind(line: str) -> str | None:
    """What IPython syntax a line that Python rejected is, if any."""
    text = line.strip()
    if text.startswith("%"):
        return "magic"
    if text.startswith("!"):
        return "shell"
    if text.startswith("?") or _HELP_END.fullmatch(text):
        return "help"
    assigned = _ASSIGNED.match(text)
    if assigned:
        return "shell" if assigned.group(1) == "!" else "magic"
    return None


def _python_of_cell(source: str, filename: str, number: int, budget: list[int]) -> tuple[str, list[str]]:
    """The cell's code with IPython-only lines blanked out, and a note for each of them.

    ``%time STMT`` keeps STMT, and a cell under ``%%time``, ``%%capture`` or ``%%prun``
    keeps its code: IPython runs them in the notebook's namespace. Other cell magics
    (``%%timeit``, ``%%bash``, ``%%writefile``) make the whole cell something else.

    Only lines that Python itself rejects are considered, one at a time, where the parser
    stops: a valid line that merely contains `%` or `!` is never touched, nor is a line
    inside a string or brackets. A line that is not IPython syntax ends the search: the
    sandbox then reports the learner's own syntax error, at its own line. ``budget`` (one for
    the notebook) counts the lines handed to the parser; once spent, no line is skipped.
    """
    source = source.replace("\r\n", "\n").replace("\r", "\n")  # as Python reads a .py file
    lines = source.split("\n")
    notes: list[str] = []
    first = next((index for index, line in enumerate(lines) if line.strip()), 0)
    magic = lines[first].strip()
    if magic.startswith("%%"):
        words = magic[2:].split()
        if not words or words[0] not in _RUNS_CELL:
            # Any other cell magic turns the whole cell into something other than Python.
            return "", [
                f"cell {number}: skipped the whole cell, which starts with the cell magic `{_short(magic)}`"
            ]
        lines[first] = ""  # IPython runs the rest in the notebook's namespace: it defines names
        shown = _short(magic)
        notes.append(
            f"cell {number}, line {first + 1}: skipped the cell magic `{shown}` and ran the cell's code"
        )

    notes += _drop_encoding_declaration(lines, number)
    known_start = 1  # a line known to begin a statement: tokenizing starts there, not at line 1
    top = 1  # a line known to begin a top-level statement: parsing starts there, not at line 1

    def parse() -> SyntaxError | None:
        budget[0] -= len(lines) - top + 1
        return _syntax_error(lines, filename, top)

    error = parse()
    while error is not None and error.lineno and error.lineno <= len(lines):  # each round blanks a line
        start = error.lineno
        kind = _ipython_kind(lines[start - 1])
        since = known_start if known_start <= start else 1
        if kind is None or not _starts_logical_line(lines, since, start):
            break
        if budget[0] < 0:  # a huge cell full of IPython lines: leave the rest to the syntax error
            notes.append(
                f"cell {number}, line {start}: too many IPython lines to skip; this one and later ones stay"
            )
            break
        end = start
        while end < len(lines) and lines[end - 1].rstrip().endswith("\\"):
            end += 1  # IPython joins backslash continuations into the magic's line
        indent = lines[start - 1][: len(lines[start - 1]) - len(lines[start - 1].lstrip())]
        shown = _short(lines[start - 1].strip().removesuffix("\\").rstrip())
        timed = _TIMED.match(lines[start - 1].lstrip())
        if timed:  # IPython runs the statement, continuation lines and all: only the magic goes
            statement = lines[start - 1].lstrip()[timed.end() :]
            lines[start - 1] = indent + statement
            known_start = start
            if not indent:
                top = start
            ran = _short(statement.removesuffix("\\").rstrip())
            notes.append(f"cell {number}, line {start}: skipped the IPython magic `%time` and ran `{ran}`")
            error = parse()
            continue
        for index in range(start - 1, end):
            lines[index] = ""  # an empty line keeps every later line's number
        known_start = end + 1
        if not indent:
            top = end + 1  # what follows a top-level line parses on its own: no need to parse again above
        error = parse()
        if (
            indent
            and isinstance(error, IndentationError)
            and error.msg.startswith("expected an indented block")
        ):
            # The skipped line may have been its block's only statement: `pass` keeps the block a
            # block, unless `pass` at that indentation is itself wrong there.
            lines[start - 1] = indent + "pass"
            with_pass = parse()
            if with_pass is not None and with_pass.lineno == start:
                lines[start - 1] = ""
            else:
                error = with_pass
        where = f"line {start}" if end == start else f"lines {start}-{end}"
        notes.append(f"cell {number}, {where}: skipped the {_WHAT[kind]} `{shown}`")
    return "\n".join(lines), notes


_CODING = re.compile(r"[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")  # PEP 263's encoding declaration


def _drop_encoding_declaration(lines: list[str], number: int) -> list[str]:
    """Blank out a declaration of an encoding other than UTF-8 on line 1 or 2 of the cell.

    Python would decode the cell's UTF-8 text by it (``é`` turns into ``Ã©``, or fails
    to compile); Jupyter ignores it, since a notebook is always UTF-8.
    """
    for index, line in enumerate(lines[:2]):
        declared = _CODING.match(line)
        if declared:
            try:
                if codecs.lookup(declared.group(1)).name == "utf-8":
                    return []
            except LookupError:
                pass  # an unknown encoding: Python would refuse the cell
            lines[index] = ""
            where, shown = f"cell {number}, line {index + 1}", _short(line.strip())
            return [f"{where}: ignored the encoding declaration `{shown}`: a notebook is UTF-8"]
        if line.strip() and not line.lstrip().startswith("#"):
            return []  # Python reads line 2's declaration only below a comment or a blank line
    return []


def _syntax_error(lines: list[str], filename: str, top: int = 1) -> SyntaxError | None:
    """Python's syntax error for these lines from line ``top`` on, or None; only parsed, never run."""
    try:
        # Blank lines in place of those above `top` keep line numbers; dont_inherit keeps this
        # module's `from __future__ import annotations` out of the learner's code.
        text = "\n" * (top - 1) + "\n".join(lines[top - 1 :])
        compile(text, filename, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        return error
    except (ValueError, RecursionError, MemoryError):  # null bytes, absurd nesting: not ours to fix
        return SyntaxError("cannot be parsed")
    return None


def _starts_logical_line(lines: list[str], since: int, number: int) -> bool:
    """Whether line ``number`` begins a statement, not continues a bracket, string or backslash.

    ``since`` is a line known to begin one. Indentation is stripped, since only brackets,
    strings and backslashes decide this, and a fragment's dedents would upset tokenize.
    """
    prefix = "".join(line.lstrip() + "\n" for line in lines[since - 1 : number - 1])
    try:
        for _ in tokenize.generate_tokens(io.StringIO(prefix).readline):
            pass
    except tokenize.TokenError:  # "EOF in multi-line statement/string": the line continues one
        return False
    except SyntaxError:  # an indentation slip above is not a continuation
        return True
    return True


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- writing -------------------------------------------------------------------------------------


def starter_notebook(title: str, statement_markdown: str, template_source: str) -> str:
    """A new notebook (nbformat v4 JSON text) for a lesson's answer.

    The title and statement come first, in a Markdown cell; then the template as code
    cells: its imports (if any) first, then one code cell per top-level definition, each
    keeping its docstring and body (other statements, such as settings to fill in, are
    grouped in cells of their own, in order). The template's module docstring becomes
    Markdown, or is dropped if it only repeats the title and statement. The same
    arguments give the same text, byte for byte.
    """
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    docstring, code = _template_cells(template_source)
    statement = statement_markdown.strip()
    heading = f"# {title.strip()}\n\n{statement}" if title.strip() else statement
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbformat's warnings are no business of the learner's
        cells = [new_markdown_cell(heading)]
        if docstring and not _repeats(docstring, f"{title}\n{statement_markdown}"):
            cells.append(new_markdown_cell(docstring))
        cells.extend(new_code_cell(source) for source in code or [""])  # somewhere to write the answer
        for number, cell in enumerate(cells, 1):
            cell["id"] = f"cell-{number}"  # stable ids: the same starter every time
        notebook = new_notebook(
            cells=cells,
            metadata={
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                "language_info": {"name": "python"},
            },
        )
        return str(nbformat.writes(notebook)) + "\n"  # Jupyter ends the file with a newline too


def _template_cells(template_source: str) -> tuple[str | None, list[str]]:
    """The template's module docstring, and the sources of its code cells in order."""
    source = template_source.replace("\r\n", "\n").replace("\r", "\n")
    tree = ast.parse(source)  # a template that does not parse is the lesson's bug: let it raise
    lines = source.split("\n")
    docstring = ast.get_docstring(tree)
    body = tree.body[1:] if docstring is not None else tree.body
    # Lines before the docstring (a shebang, an encoding cookie) mean nothing in a notebook.
    done = (tree.body[0].end_lineno or 1) if docstring is not None else 0
    while docstring is None and done < min(2, len(lines)) and _is_cookie(lines[done]):
        done += 1

    units: list[list[Any]] = []  # [kind, first line, last line], 1-based and inclusive
    for node in body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        last = node.end_lineno or node.lineno
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            kind = "import"
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            kind = "definition"
        else:
            kind = "other"
        if units and first <= units[-1][2]:  # statements sharing a line (`a = 1; b = 2`) stay together
            units[-1][0] = units[-1][0] if units[-1][0] == kind else "other"
            units[-1][2] = max(units[-1][2], last)
        else:
            units.append([kind, first, last])

    imports: list[str] = []
    cells: list[list[Any]] = []  # [kind, first line, last line] of each code cell but the imports'
    for index, (kind, _, last) in enumerate(units):
        # The comments just above a statement belong to it; those after the last one, to the last.
        start = (units[index - 1][2] if index else done) + 1
        stop = len(lines) if index == len(units) - 1 else last
        if kind == "import":
            imports.append(_lines(lines, start, stop))
        elif kind == "other" and cells and cells[-1][0] == "other" and cells[-1][2] == start - 1:
            cells[-1][2] = stop  # settings side by side share a cell, as they stand in the template
        else:
            cells.append([kind, start, stop])
    code = [_lines(lines, start, stop) for _, start, stop in cells]
    return docstring, (["\n".join(imports)] if imports else []) + code


def _lines(lines: list[str], first: int, last: int) -> str:
    """Lines ``first`` to ``last`` (1-based, inclusive), without blank lines around them."""
    return "\n".join(lines[first - 1 : last]).strip("\n").rstrip()


def _is_cookie(line: str) -> bool:
    return line.startswith("#!") or bool(re.match(r"^[ \t\f]*#.*?coding[:=]", line))


def _repeats(docstring: str, statement: str) -> bool:
    """Whether the docstring's words appear, in order and together, in the statement."""

    def words(text: str) -> str:
        return " ".join(re.findall(r"\w+", text.lower()))

    return f" {words(docstring)} " in f" {words(statement)} "
