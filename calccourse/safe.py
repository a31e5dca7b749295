"""Text from an answer, made safe to show: shown, never obeyed.

An answer's output, messages and even its file name can hold escape sequences that move
a terminal's cursor, bidirectional overrides that reorder what a reader sees (the
"Trojan Source" trick) and zero-width characters that hide text. :func:`visible` writes
each such character as an escape (``\\x1b``, ``\\u202e``), so no answer can fake a line
of a report, in a terminal, a browser or a CI log. A CI log also obeys workflow commands
(GitHub's ``::stop-commands::``, ``::error::`` at the start of a line after spaces, and the
legacy ``##[error]`` anywhere in one): those are made inert as well.
"""

from __future__ import annotations

import re

# C0 and C1 controls except tab and newline; the line and paragraph separators; bidi
# embeddings, overrides and isolates; zero-width spaces and joiners, the word joiner and
# the byte order mark.
HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
SURROGATE = re.compile("[\ud800-\udfff]")
COMMAND_LINE = re.compile(r"^([ \t]*)::", re.MULTILINE)  # GitHub trims leading spaces first
LEGACY_COMMAND = "##["


def visible(text: str | None) -> str:
    """The text with hidden and control characters escaped and lone surrogates replaced,
    so it always encodes as UTF-8 and always reads as what it is."""

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return inert(HIDDEN.sub(escape, SURROGATE.sub("\ufffd", text or "")))


def one_line(text: str | None) -> str:
    """:func:`visible`, with line breaks escaped too: for what must stay on one line (a
    student's name in a table row, where a newline would draw a row of its own)."""
    return visible(text).replace("\n", "\\n")


def inert(text: str) -> str:
    """Text a CI log prints without obeying: a line that starts with ``::`` (a GitHub
    workflow command) is marked by a visible ``> ``, and ``##[`` (the legacy form) gets a
    space, ``## [``. Idempotent."""
    return COMMAND_LINE.sub(r"> \1::", text).replace(LEGACY_COMMAND, "## [")
