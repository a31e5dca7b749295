"""What a class got wrong, from one grading run: per test, per named mistake, the scores.

Pure data, computed from the results: the terminal summary under the gradebook, the
gradebook JSON's ``summary`` and the class page all read the same :class:`ClassSummary`.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from calccourse.reports._common import clean

if TYPE_CHECKING:
    from calccourse.batch import ClassResult

STATUSES = ("pass", "fail", "error", "checker-error", "missing", "skipped", "not-run")


@dataclass(frozen=True)
class TestStat:
    """How the class did on one test."""

    __test__ = False  # not a pytest test class

    name: str
    bonus: bool
    passed: int
    failed: int
    errored: int
    not_tried: int  # a bonus the answer left out

    @property
    def tried(self) -> int:
        return self.passed + self.failed + self.errored

    @property
    def pass_rate(self) -> float:
        return self.passed / self.tried if self.tried else 0.0


@dataclass(frozen=True)
class MistakeStat:
    """A named mistake, the tests that named it and the answers it was named for (their
    ids, sorted; an answer counts once however many tests named it)."""

    tests: tuple[str, ...]
    feedback: str  # as one of those answers got it
    count: int
    students: tuple[str, ...]
    label: str = ""  # its short name: the lesson's, or the feedback's first words without numbers
    named: bool = False  # whether the lesson named it (else ``label`` is made from the feedback)
    variants: int = 0  # in how many learners' variants (0: graded without variants)
    example: str = ""  # whose feedback ``feedback`` is, when it was named in several variants


@dataclass(frozen=True)
class ClassSummary:
    rows: int
    counts: dict[str, int]
    graded: int
    max_score: float
    mean: float | None
    median: float | None
    histogram: list[tuple[float, int]]  # (score, answers with that score), every score from 0 to max
    tests: list[TestStat]
    mistakes: list[MistakeStat]
    slowest: list[tuple[str, float]]
    errors: dict[str, int] = field(default_factory=dict)  # why answers could not be run, by kind

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["histogram"] = [{"score": score, "count": count} for score, count in self.histogram]
        data["slowest"] = [{"student": student, "seconds": seconds} for student, seconds in self.slowest]
        for stat, entry in zip(self.tests, data["tests"]):
            entry["pass_rate"] = round(stat.pass_rate, 4)
        return data


def summarize(results: Sequence[ClassResult], slowest: int = 5) -> ClassSummary:
    """The class's summary: statuses, score distribution, per-test and per-mistake counts."""
    counts = Counter(result.status for result in results)
    reports = [r.report for r in results if r.report is not None and not r.report.checker_error]
    scores = [report.score for report in reports]
    max_score = max((r.max_score for r in results), default=0.0)
    tests: dict[str, dict[str, Any]] = {}
    # key -> (test, student, feedback, variant): a mistake the lesson named, in a learner's
    # variant, is one mistake by its name, whatever the variant's numbers in its feedback
    mistakes: dict[str, list[tuple[str, str, str, str | None]]] = {}
    labels: dict[str, str] = {}  # key -> the lesson's short name for it
    errors: Counter[str] = Counter()
    for result in results:
        report = result.report
        if report is None:
            continue
        error = report.load_error
        if error is not None:  # "SyntaxError", "timeout", "memory", ...: what an instructor would say
            errors[error.exception if error.kind == "exception" and error.exception else error.kind] += 1
        for test in report.tests:
            stat = tests.setdefault(
                test.name, {"bonus": test.bonus, "passed": 0, "failed": 0, "errored": 0, "not_tried": 0}
            )
            if test.not_tried:
                stat["not_tried"] += 1
            else:
                stat[{"pass": "passed", "fail": "failed", "error": "errored"}[test.status]] += 1
            if test.mistake is not None:
                key = f"named: {test.label}" if test.label and report.learner is not None else test.mistake
                named_for = (test.name, result.student, test.feedback or "", report.variant)
                mistakes.setdefault(key, []).append(named_for)
                if test.label:
                    labels.setdefault(key, test.label)
    named = []
    for mistake, found in mistakes.items():
        students = tuple(sorted({student for _, student, _, _ in found}))
        tests_named = tuple(dict.fromkeys(name for name, _, _, _ in found))
        label = clean(labels.get(mistake) or short_label(mistake))
        variants = len({variant for _, _, _, variant in found if variant is not None})
        named.append(
            MistakeStat(
                tests_named,
                clean(found[0][2]),
                len(students),
                students,
                label,
                mistake in labels,
                variants,
                found[0][1] if variants > 1 else "",
            )
        )
    named.sort(key=lambda stat: (-stat.count, stat.feedback))
    timed = sorted(
        ((r.student, round(r.report.duration, 3)) for r in results if r.report is not None),
        key=lambda item: -item[1],
    )
    return ClassSummary(
        rows=len(results),
        counts={status: counts.get(status, 0) for status in STATUSES},
        graded=len(reports),
        max_score=max_score,
        mean=round(statistics.fmean(scores), 3) if scores else None,
        median=statistics.median(scores) if scores else None,
        histogram=_histogram(scores, max_score),
        tests=[TestStat(name, **stat) for name, stat in tests.items()],
        mistakes=named,
        slowest=timed[:slowest],
        errors=dict(errors.most_common()),
    )


LABEL_LENGTH = 40


def shown(stat: MistakeStat) -> str:
    """A mistake as a summary lists it: its lesson's name, then the feedback in full."""
    if not stat.named:
        return stat.feedback
    across = f", in {stat.variants} variants, as {stat.example} got it" if stat.example else ""
    return f"{stat.label}{across}: {stat.feedback}"


def short_label(key: str) -> str:
    """A short name for a mistake its lesson did not name: the feedback's first clause, without
    one answer's numbers (``#`` in the key), cut at a word."""
    words = re.split(r"(?<=[.:;])\s|\s\(", key, maxsplit=1)[0].rstrip(".:;")
    words = " ".join("…" if "#" in word else word for word in words.split()).removesuffix(" …")
    if len(words) <= LABEL_LENGTH:
        return words
    return words[:LABEL_LENGTH].rsplit(" ", 1)[0].rstrip(",;: ") + " …"


def _histogram(scores: list[float], max_score: float) -> list[tuple[float, int]]:
    """Answers per score: every score that occurs, and 0 and the maximum (a bar of 0 if none)."""
    found = Counter(scores)
    steps = sorted({0.0, max_score, *found})
    return [(score, found.get(score, 0)) for score in steps]
