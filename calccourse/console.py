"""One place that decides how output looks: colour, characters, width, and the pager.

- Colour: none with ``NO_COLOR`` (no-color.org; it wins over ``FORCE_COLOR``) or
  ``TERM=dumb``; on a terminal; and, with ``FORCE_COLOR`` (force-color.org), in a pipe too,
  where live displays (progress bars) still stay off.
- Characters: a stream that cannot encode Unicode (``PYTHONIOENCODING=ascii``, ``LANG=C``)
  gets ASCII: rich draws ASCII boxes and rules, :func:`ascii_spelling` spells the rest.
- Colours that read on light and dark backgrounds: :data:`THEME` replaces rich's bright
  green rules and cyan numbers; code has a background of its own (render.CODE_THEME).
- The pager: :func:`paged` streams long output into ``less`` on a terminal, as git does.
"""

from __future__ import annotations

import codecs
import os
import shlex
import shutil
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import IO, Any

from rich.console import Console

# rich's defaults that vanish on a light background (xterm's bright green is 1.4:1 on
# white, cyan 2:1), as the terminal's own foreground colour, bold or dim instead.
THEME = {
    "rule.line": "dim",
    "repr.number": "bold",
    "repr.number_complex": "bold",
    "repr.bool_true": "italic",
    "repr.bool_false": "italic",
    "repr.ellipsis": "none",
    "repr.url": "underline",
    "markdown.list": "bold",
    "markdown.item.number": "bold",
    "markdown.link": "underline",
    "markdown.table.border": "dim",
    "markdown.table.header": "bold",
    "progress.remaining": "none",
}


def color_system(stream: IO[str] | None = None, environ: Mapping[str, str] | None = None) -> str | None:
    """The colours to write to ``stream``: None (plain text), "auto" (a terminal: rich
    detects its colours) or, with ``FORCE_COLOR`` in a pipe, those TERM and COLORTERM name."""
    environ = os.environ if environ is None else environ
    if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return None
    if _isatty(stream or sys.stdout):
        return "auto"
    if environ.get("FORCE_COLOR"):
        if environ.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
            return "truecolor"
        return "256" if environ.get("TERM", "").endswith("256color") else "standard"
    return None


def plain_output(stream: IO[str] | None = None) -> bool:
    """True when output must carry no escape codes: NO_COLOR, a dumb terminal, or no
    terminal (and no FORCE_COLOR)."""
    return color_system(stream) is None


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no such method, or a closed file
        return False


# ---------------------------------------------------------------- ASCII where Unicode cannot go

ASCII = {
    **dict.fromkeys("−–—─", "-"),
    **dict.fromkeys("′‘’", "'"),
    **dict.fromkeys("“”", '"'),
    **dict.fromkeys("·⊙", "*"),
    **dict.fromkeys("⎡⎢⎣", "["),
    **dict.fromkeys("⎤⎥⎦", "]"),
    "✓": "+",
    "✗": "x",
    "○": "o",
    "•": "*",
    "→": "->",
    "←": "<-",
    "×": "x",
    "÷": "/",
    "≈": "~",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "±": "+/-",
    "∞": "inf",
    "°": " deg",
    "…": "...",
    "›": ">",
    "∂": "d",
    "∇": "grad",
    "√": "sqrt",
    "∫": "integral",
    "Σ": "Sum",
    "█": "#",
    "⚠": "!",
}


def ascii_spelling(error: UnicodeError) -> tuple[str, int]:
    """An encoding error handler (``calccourse-ascii``): what the stream cannot take, spelled
    in ASCII (x² -> x^2, xⁿ⁻¹ -> x^(n-1), wᵢ -> w_i, δx -> delta x, é -> e), or ``?``."""
    import unicodedata
    from itertools import groupby

    if not isinstance(error, UnicodeEncodeError):
        raise error
    spelled = []
    text = error.object[error.start : error.end]
    for kind, run in groupby(text, lambda char: unicodedata.decomposition(char).split(" ")[0]):
        words = [_fold(char) for char in run]
        if kind in ("<super>", "<sub>") and "?" not in words:
            body = "".join(words)
            spelled.append(("^" if kind == "<super>" else "_") + (body if len(body) == 1 else f"({body})"))
        else:
            spelled += words
    if len(spelled[-1]) > 1 and spelled[-1].isalpha() and error.object[error.end : error.end + 1].isalnum():
        spelled.append(" ")
    return "".join(spelled), error.end


def _fold(char: str) -> str:
    """One character in ASCII: from :data:`ASCII`, its compatibility form (é -> e, ″ -> ''),
    the name of a Greek letter, or ``?``."""
    import unicodedata

    if char in ASCII:
        return ASCII[char]
    parts = [ASCII.get(c, c) for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)]
    if parts and "".join(parts).isascii():
        return "".join(parts)
    name = unicodedata.name(char, "")
    if name.startswith("GREEK ") and " LETTER " in name:
        letter = name.split()[-1].replace("LAMDA", "LAMBDA")
        return letter.lower() if " SMALL " in name else letter.capitalize()
    return "?"


codecs.register_error("calccourse-ascii", ascii_spelling)


def in_ascii(text: str, times: str = "*") -> str:
    """``text`` spelled in ASCII as :func:`ascii_spelling` spells it, made unambiguous
    where a letter-by-letter spelling is not: (δx)² is ``(delta x)^2``, not ``delta x^2``,
    and x²y is ``x^2*y``, not ``x^2y``; a product is spelled ``times`` (Markdown's is
    ``\\*``). Text is spelled before it is wrapped, so that its lines fit once spelled."""
    import re

    text = re.sub(r"([δΔ][a-zA-Z])([²³⁴ⁿ])", r"(\1)\2", text)  # δx² -> (δx)²
    text = re.sub(r"([²³⁴ⁿ⁻¹⁰⁵⁶⁷⁸⁹]+)(?=[A-Za-z0-9(α-ωσ])", r"\1·", text)  # x²y -> x²·y
    text = text.replace("·", times)
    return text.encode("ascii", errors="calccourse-ascii").decode("ascii")


def markdown_in_ascii(source: str) -> str:
    """Markdown spelled in ASCII, read as the Unicode was: in prose a product is ``\\*`` (a
    bare ``*`` would start emphasis) and a line that starts with − does not start a list;
    code (fenced, indented or inline) is spelled as it is."""
    import re

    spelled, fenced, code_block, blank = [], False, False, True
    for line in source.splitlines(keepends=True):
        fence = line.lstrip().startswith("```")
        fenced = fenced != fence
        code_block = (code_block or blank) and line.startswith(("    ", "\t")) and not fenced
        if fenced or code_block or fence:
            spelled.append(in_ascii(line))
        else:
            line = re.sub(r"^(\s*)−", r"\1\\−", line)  # "\-": a minus, not a list item
            pieces = re.split(r"(`[^`\n]*`)", line)  # inline code at odd places
            spelled += [in_ascii(piece, "\\*" if k % 2 == 0 else "*") for k, piece in enumerate(pieces)]
        blank = not line.strip()
    return "".join(spelled)


def can_encode(stream: Any) -> bool:
    """Whether ``stream`` takes the characters calccourse writes (✓, ─, ², →)."""
    try:
        "✓─²→".encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def spell_in_ascii(stream: Any) -> None:
    """Make ``stream`` spell in ASCII what its encoding cannot take, instead of raising
    UnicodeEncodeError (a no-op for a stream that takes Unicode)."""
    if not can_encode(stream) and hasattr(stream, "reconfigure"):
        stream.reconfigure(errors="calccourse-ascii")


# ---------------------------------------------------------------- consoles


class _Console(Console):
    """rich's Console, and ``fixed_width``: whether a reader sees it at a fixed width (a
    terminal, or the pager on one), where code too long for a line is cut, not wrapped."""

    fixed_width = False
    ascii_first = False  # a stream without Unicode: text is spelled in ASCII before wrapping

    def print(self, *objects: Any, **options: Any) -> None:
        if self.ascii_first:
            objects = tuple(in_ascii(item) if isinstance(item, str) else item for item in objects)
        super().print(*objects, **options)

    def on_broken_pipe(self) -> None:
        """``calccourse grade ... | head``: the reader stopped reading. Print no more, but
        finish the command (its files, its exit code), where rich would exit 1."""
        self.quiet = True
        os.dup2(os.open(os.devnull, os.O_WRONLY), self.file.fileno())


_paging: tuple[str | None, int] | None = None  # while paged(): the terminal's colours and width


def make_console(stderr: bool = False) -> Console:
    """A console for the CLI: colour on a terminal (or with FORCE_COLOR), plain text without
    one or with NO_COLOR; ASCII where Unicode cannot be written; the terminal's colours
    and width in the pager."""
    stream = sys.stderr if stderr else sys.stdout
    spell_in_ascii(stream)
    terminal = _isatty(stream)
    colors, width = color_system(stream), None
    if _paging is not None and not stderr:
        colors, width = _paging
    if colors is None:
        console = _Console(
            file=stream,
            color_system=None,
            force_terminal=terminal,
            width=width,
            highlight=False,
            emoji=False,
            soft_wrap=False,
        )
    else:
        from rich.theme import Theme

        console = _Console(
            file=stream,
            color_system=colors,  # type: ignore[arg-type]
            force_terminal=terminal,  # FORCE_COLOR alone never turns on live displays
            width=width,
            theme=Theme(THEME),
        )
    console.fixed_width = terminal or width is not None
    console.ascii_first = not can_encode(stream)
    return console


def on_screen(console: Console) -> bool:
    """Whether ``console``'s reader sees a fixed width: a terminal, or the pager on one."""
    return bool(getattr(console, "fixed_width", console.is_terminal))


# ---------------------------------------------------------------- the pager


def pager_command(environ: Mapping[str, str] | None = None) -> list[str] | None:
    """The pager to run, as git chooses one: ``CALCCOURSE_PAGER``, else ``PAGER``, else
    ``less``; None for none ("" or "cat"), for one that is not installed, and in CI."""
    environ = os.environ if environ is None else environ
    if environ.get("CI") or environ.get("TERM") == "dumb":
        return None
    chosen = environ.get("CALCCOURSE_PAGER", environ.get("PAGER", "less"))
    words = shlex.split(chosen)
    if not words or words == ["cat"] or shutil.which(words[0]) is None:
        return None
    return words


@contextmanager
def paged(wanted: bool = True) -> Iterator[None]:
    """Stream stdout (and stderr, when it is the terminal too) through the pager while the
    block runs, when stdout is a terminal; consoles made meanwhile keep the terminal's
    colours and width. ``LESS=FRX`` unless set: one screen or less is printed, not paged."""
    global _paging

    command = pager_command() if wanted and _isatty(sys.stdout) else None
    if command is None:
        yield
        return
    import subprocess

    terminal = Console()  # the terminal as rich sees it: its colours and width
    paging = (terminal.color_system if color_system(sys.stdout) else None, terminal.width)
    env = {**os.environ, "LESS": os.environ.get("LESS", "FRX"), "LV": os.environ.get("LV", "-c")}
    sys.stdout.flush()
    sys.stderr.flush()
    pager = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
    assert pager.stdin is not None
    saved = {fd: os.dup(fd) for fd in (1, 2) if fd == 1 or os.isatty(fd)}
    for fd in saved:
        os.dup2(pager.stdin.fileno(), fd)
    pager.stdin.close()
    _paging = paging
    try:
        yield
    finally:
        _paging = None
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BrokenPipeError:  # the reader left the pager early
            pass
        for fd, copy in saved.items():
            os.dup2(copy, fd)
            os.close(copy)
        while True:  # Ctrl-C reaches the pager too: it ends when the reader leaves it
            try:
                pager.wait()
                break
            except KeyboardInterrupt:
                continue
