"""Per-learner variants of an exercise: a stable seed from a learner id, the variant's
parameters, and the lesson's texts rendered for them.

A lesson has variants when its folder holds ``variants.py`` (light: no NumPy), which
defines

- ``COURSE``: the course's own exercise's parameters, a dict of names to plain values
  (ints, floats, strings, booleans); everyone without a learner id gets it;
- ``parameters(rng) -> dict``: one variant's parameters, the same names, drawn from
  ``rng``, a :class:`VariantRandom`;
- optionally ``fields(parameters) -> dict[str, str]``: the fields the lesson's texts
  (``exercise.md``, ``hints.md``, ``template.py``) are written with, as ``str.format``
  fields (``{f}``, ``{fprime}``; literal braces are doubled); without it, each parameter
  as ``str(value)``.

The seed of a learner's variant: SHA-256 of the UTF-8 bytes of
``"calccourse-variant\\n<lesson slug>\\n<learner id>"``, the learner id stripped of
surrounding spaces and case-folded ("Alice" is "alice"). Its first 8 bytes, read big-endian,
are the seed; its first 12 hex digits are the variant key reports record. Every draw of
:class:`VariantRandom` is SHA-256 too, so the same id gives the same variant on every
machine, Python and NumPy version (Python's ``hash`` is salted per process; NumPy's
streams may change between versions).
"""

from __future__ import annotations

import hashlib
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

LEARNER_VARIABLE = "CALCCOURSE_LEARNER"
VARIANT_LINE = re.compile(r"^(\s*)#\s*variant:\s*(.+?)\s*$")
MAIN = re.compile(r"""^if\s+__name__\s*==\s*["']__main__["']\s*:""")
T = TypeVar("T")


def learner_id(text: str | None) -> str | None:
    """A learner id as variants use it: in Unicode's composed form (NFC: "José" typed or
    taken from a file name is one id), its runs of spaces one space, stripped and
    case-folded; empty is no id. Bytes that are no text (a file name in another encoding)
    are a usage error."""
    import unicodedata

    from calccourse.status import UsageError

    if text is None:
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(
            f"the learner id {text.encode('utf-8', 'backslashreplace').decode()!r} is not valid text "
            "(bytes in another encoding than UTF-8): give it as text."
        ) from None
    cleaned = " ".join(unicodedata.normalize("NFC", text).split()).casefold()
    return cleaned or None


def learner_of(option: str | None, environ: Mapping[str, str]) -> str | None:
    """The learner id of a learner's command: ``--learner ID`` (an empty one: none, whatever
    the environment says), else ``CALCCOURSE_LEARNER``."""
    if option is not None:
        return learner_id(option)
    return learner_id(environ.get(LEARNER_VARIABLE))


def digest(slug: str, learner: str) -> bytes:
    return hashlib.sha256(f"calccourse-variant\n{slug}\n{learner_id(learner)}".encode()).digest()


def variant_seed(slug: str, learner: str) -> int:
    """The stable seed of ``learner``'s variant of lesson ``slug`` (a 64-bit integer)."""
    return int.from_bytes(digest(slug, learner)[:8], "big")


def variant_key(slug: str, learner: str) -> str:
    """The 12 hex digits that name ``learner``'s variant of ``slug`` in reports."""
    return digest(slug, learner).hex()[:12]


class VariantRandom:
    """The random source a lesson's ``parameters(rng)`` draws from: SHA-256 in counter mode
    over the seed, so that its draws never change with Python or NumPy."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._count = 0

    def _next(self) -> int:
        block = hashlib.sha256(f"{self.seed}:{self._count}".encode()).digest()
        self._count += 1
        return int.from_bytes(block[:8], "big")

    def integer(self, low: int, high: int) -> int:
        """A whole number from ``low`` to ``high``, both included, each equally likely."""
        if high < low:
            raise ValueError(f"integer({low}, {high}): high is below low")
        size = high - low + 1
        limit = (2**64 // size) * size  # reject the top so that every value is equally likely
        while True:
            drawn = self._next()
            if drawn < limit:
                return low + drawn % size

    def choice(self, options: Sequence[T]) -> T:
        """One of ``options``, each equally likely."""
        if not options:
            raise ValueError("choice() of an empty sequence")
        return options[self.integer(0, len(options) - 1)]

    def random(self) -> float:
        """A float in [0, 1)."""
        return (self._next() >> 11) / 2**53


@dataclass(frozen=True)
class Variant:
    """The exercise one learner does: their id, its key, its parameters, the course's own
    parameters, and the text fields. ``learner`` and ``key`` are None for the course's own
    exercise (no learner id)."""

    learner: str | None
    key: str | None
    parameters: dict[str, Any]
    course: dict[str, Any]
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def own(self) -> bool:
        """Whether these are the course's own exercise's parameters."""
        return self.parameters == self.course


def started_for(source: str, number: int) -> str | None:
    """The learner whose variant an answer file was started for, read from the check
    command ``workspace.starter_text`` wrote in it (``calccourse check 1 lesson01.py --learner
    alice``); None when it names none. It is the answer's own text: one line, not too
    long, shown only as text."""
    word = r"(?:'[^'\n]*'|\"'\"|[^\s'\"])+"  # as shlex.quote writes one: 'o'"'"'brien'
    found = re.search(rf"calccourse check {number} \S+ --learner ({word})", source)
    if found is None or len(found.group(1)) > 200:
        return None
    try:
        (learner,) = shlex.split(found.group(1))
    except ValueError:
        return None
    return learner if learner and learner.isprintable() else None


def adapt_source(source: str, variant: Variant) -> str:
    """A lesson's own answer (its solution or a known mistake) rewritten for ``variant``: a
    line holding only ``# variant: CODE`` replaces the line after it by CODE, its fields
    filled in from the variant's parameters (``str.format``: ``{a}``), at the comment's
    indentation. ``dev check --variants`` runs what this makes."""
    lines, replacing = [], None
    for line in source.splitlines():
        if replacing is not None:
            lines.append(replacing)
            replacing = None
            continue
        found = VARIANT_LINE.match(line)
        if found:
            replacing = found.group(1) + found.group(2).format_map(variant.parameters)
            continue
        lines.append(line)
    return "\n".join(lines) + "\n"


def without_variant_notes(source: str) -> str:
    """A solution as a learner reads it: its ``# variant:`` lines left out."""
    kept = [line for line in source.splitlines() if not VARIANT_LINE.match(line)]
    return "\n".join(kept) + ("\n" if source.endswith("\n") else "")


def answers_alike(source: str) -> bool:
    """Whether a lesson's solution answers every variant alike: none of its ``# variant:``
    lines is outside its ``if __name__ == "__main__":`` block, so the functions a check calls
    are the same in every variant (lesson 5's has none; lesson 7's example runs on other
    data)."""
    in_main = False
    for line in source.splitlines():
        if line and not line[0].isspace():
            in_main = MAIN.match(line) is not None
        if VARIANT_LINE.match(line) and not in_main:
            return False
    return True


def learner_ids(count: int) -> list[str]:
    """The learner ids ``dev check --variants N`` proves the lesson under: learner-1 … learner-N."""
    return [f"learner-{k}" for k in range(1, count + 1)]


SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def term(coefficient: float, power: str = "") -> str:
    """A term as a sentence quotes it, without its sign: ``term(2, "x²")`` is "2x²",
    ``term(-1, "x²")`` is "x²", ``term(3)`` is "3" (the coefficient rounded to a whole number)."""
    size = abs(round(coefficient))
    return power if size == 1 and power else f"{size}{power}"


def signed(coefficient: float, power: str = "") -> str:
    """A term with its sign, a plus left out: ``signed(-4, "x")`` is "−4x"."""
    return ("−" if coefficient < 0 else "") + term(coefficient, power)


def polynomial(coefficients: Sequence[float], variable: str = "x", *, code: bool = False) -> str:
    """A polynomial as it reads, highest power first: ``polynomial([1, -2, 0, 1])`` is
    "x³ − 2x² + 1" (no "+ −", no "1x", no "0x"); with ``code=True``, as Python
    reads it: "x**3 - 2*x**2 + 1"."""
    minus, plus = (" - ", " + ") if code else (" − ", " + ")
    degree = len(coefficients) - 1
    text = ""
    for index, coefficient in enumerate(coefficients):
        power = degree - index
        if coefficient == 0:
            continue
        size = abs(coefficient)
        if power == 0:
            term = _number(size)
        else:
            base = (
                variable
                if power == 1
                else (f"{variable}**{power}" if code else variable + str(power).translate(SUPERSCRIPTS))
            )
            factor = "" if size == 1 else _number(size) + ("*" if code else "")
            term = factor + base
        if not text:
            text = ("-" if code else "−") + term if coefficient < 0 else term
        else:
            text += (minus if coefficient < 0 else plus) + term
    return text or "0"
