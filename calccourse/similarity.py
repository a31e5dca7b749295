"""Pairs of near-identical submissions: a pointer for a human, never a grade.

Each answer's code is tokenized (the standard library's tokenizer) and normalised: comments,
blank lines and formatting go, every name becomes ``N``, every string ``S``, every number
``0``, so renaming variables, re-wording comments or re-formatting changes nothing. Its
k-grams of tokens are hashed and winnowed (Schleimer, Wilkerson and Aiken, "Winnowing: local
algorithms for document fingerprinting", 2003, MOSS's method): the smallest hash of every
window of ``WINDOW`` k-grams is a fingerprint. Fingerprints of the lesson's starter file and
those that many answers share (the few ways to write a short correct answer) are set aside,
as MOSS sets aside a base file and common code; the score of two answers is the share of
their remaining fingerprints they have in common (Jaccard), from 0 to 1.
"""

from __future__ import annotations

import hashlib
import io
import keyword
import tokenize
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calccourse.batch import Submission

K = 12  # tokens per k-gram: a statement or two
WINDOW = 6  # k-grams per winnowing window: a match of K + WINDOW - 1 tokens is always seen
THRESHOLD = 0.8  # pairs at or above this are listed
MIN_FINGERPRINTS = 8  # an answer with fewer of its own (after the common ones go) is too short to compare
COMMON = 0.2  # a fingerprint in more than this share of the class (and 3 answers or more) is common code
NOISE = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING}  # never seen
SKIPPED = {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}  # seen, not compared
STATEMENT_START = {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}


@dataclass(frozen=True)
class Pair:
    """Two students whose answers are near-identical, and how much (1.0: the same code)."""

    a: str
    b: str
    score: float

    def to_dict(self) -> dict[str, object]:
        return {"a": self.a, "b": self.b, "score": self.score}


def tokens(source: str) -> list[str]:
    """The code as normalised tokens; what does not tokenize is compared as far as it does.
    Indentation is layout (one-line ``if x: y`` and two lines are alike), and a string that is
    a statement of its own (a docstring) is a comment."""
    raw = []
    try:
        raw = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type not in NOISE]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    found: list[str] = []
    for index, token in enumerate(raw):
        before = raw[index - 1].type if index else tokenize.NEWLINE
        after = raw[index + 1].type if index + 1 < len(raw) else tokenize.NEWLINE
        if token.type in SKIPPED:
            continue
        if token.type == tokenize.STRING and before in STATEMENT_START and after == tokenize.NEWLINE:
            continue  # a docstring
        if token.type == tokenize.NAME:
            found.append(token.string if keyword.iskeyword(token.string) else "N")
        elif token.type in (tokenize.STRING, getattr(tokenize, "FSTRING_START", -1)):
            found.append("S")
        elif token.type in (getattr(tokenize, "FSTRING_MIDDLE", -1), getattr(tokenize, "FSTRING_END", -1)):
            continue
        elif token.type == tokenize.NUMBER:
            found.append("0")
        else:  # operators: the shape of the code
            found.append(token.string)
    return found


def fingerprints(source: str) -> set[int]:
    """The winnowed hashes of the code's k-grams of normalised tokens."""
    seq = tokens(source)
    grams = [
        int.from_bytes(hashlib.blake2b(" ".join(seq[i : i + K]).encode(), digest_size=8).digest(), "big")
        for i in range(len(seq) - K + 1)
    ]
    if len(grams) <= WINDOW:
        return set(grams)
    return {min(grams[i : i + WINDOW]) for i in range(len(grams) - WINDOW + 1)}


def similar_pairs(
    submissions: Sequence[Submission], template: str = "", threshold: float = THRESHOLD
) -> list[Pair]:
    """Every pair of answers at least ``threshold`` alike, most alike first. Two rows of one
    file (a group submission's members) are not a pair."""
    answers = [(s.student, s.sha256, s.answer.source) for s in submissions if s.answer is not None]
    prints = {student: fingerprints(source.decode("utf-8", "replace")) for student, _, source in answers}
    counts = Counter(hash_ for found in prints.values() for hash_ in found)
    common = fingerprints(template) | {
        hash_ for hash_, count in counts.items() if count >= 3 and count > COMMON * len(prints)
    }
    own = {student: found - common for student, found in prints.items()}
    digests = {student: digest for student, digest, _ in answers}
    pairs = []
    students = sorted(own, key=str.casefold)
    for i, a in enumerate(students):
        if len(own[a]) < MIN_FINGERPRINTS:
            continue
        for b in students[i + 1 :]:
            if len(own[b]) < MIN_FINGERPRINTS or digests[a] == digests[b] and _one_file(submissions, a, b):
                continue
            score = len(own[a] & own[b]) / len(own[a] | own[b])
            if score >= threshold:
                pairs.append(Pair(a, b, round(score, 3)))
    return sorted(pairs, key=lambda pair: (-pair.score, pair.a.casefold(), pair.b.casefold()))


def _one_file(submissions: Sequence[Submission], a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are rows of the same file (members of one group submission)."""
    paths = {s.student: s.path for s in submissions}
    return paths.get(a) == paths.get(b)
