"""What every report format shares: safe text, one view of a report's cases, the tool's name."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from calccourse.safe import visible

if TYPE_CHECKING:
    from calccourse.grading import Report, TestResult

LOAD_TEST = "load answer"
"""The name of the one case reported when the answer could not be loaded at all."""

# XML 1.0, section 2.2:
#   Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str | None) -> str:
    """Text from a report made safe for any consumer: see :func:`calccourse.safe.visible`."""
    return visible(text)


def xml_safe(text: str | None) -> str:
    """Clean text with anything XML 1.0 still forbids written as ``#xHH`` (as pytest does)."""
    return _XML_ILLEGAL.sub(lambda m: f"#x{ord(m.group()):02X}", clean(text))


NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def strict_json(data: Any) -> str:
    """``data`` as strict JSON (docs/report-schema.md, "Numbers"): a float that is NaN or
    infinite (an answer's value) is written as the string "NaN", "Infinity" or "-Infinity",
    which every parser reads; Python's bare ``NaN`` is not JSON."""
    return json.dumps(_finite(data), indent=2, ensure_ascii=False, allow_nan=False)


def _finite(data: Any) -> Any:
    if isinstance(data, float) and not math.isfinite(data):
        return "NaN" if math.isnan(data) else ("Infinity" if data > 0 else "-Infinity")
    if isinstance(data, dict):
        return {key: _finite(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite(value) for value in data]
    return data


def from_json_values(data: Any) -> Any:
    """Values as :func:`strict_json` wrote them, with "NaN", "Infinity" and "-Infinity" floats again."""
    if isinstance(data, str):
        return NON_FINITE.get(data, data)
    if isinstance(data, list):
        return [from_json_values(value) for value in data]
    if isinstance(data, dict):
        return {key: from_json_values(value) for key, value in data.items()}
    return data


def num(value: float) -> str:
    """A number for a property or a summary: 1, 0.5, 2.25 (no trailing zeros)."""
    return f"{value:g}"


def version() -> str:
    from calccourse import __version__

    return __version__


def details(test: TestResult) -> str:
    """A test's message, then ``→`` and the recognised mistake (as the text report shows it)."""
    message = clean(test.message).rstrip()
    if test.feedback:
        feedback = clean(test.feedback).strip()
        return f"{message}\n→ {feedback}" if message else f"→ {feedback}"
    return message


def headline(message: str) -> str:
    """A message in one line: itself, or its first and last lines (a traceback's exception)."""
    lines = [line.strip() for line in clean(message).splitlines() if line.strip()]
    if len(lines) <= 1:
        return lines[0] if lines else ""
    return f"{lines[0]} … {lines[-1]}"


@dataclass(frozen=True)
class Case:
    """One line of a machine report: a test, or the load error as one errored case."""

    name: str
    status: str  # pass, fail, error, or skipped (a bonus the answer left out)
    duration: float
    message: str
    details: str
    points: float
    max_points: float
    bonus: bool = False
    exception: str | None = None
    line: int | None = None
    blame: str | None = None
    code: str = ""  # the calls the test made, as they read


def cases(report: Report) -> list[Case]:
    """The report's cases; an answer that could not be run is one errored case."""
    if report.load_error is not None:
        error = report.load_error
        return [
            Case(
                LOAD_TEST,
                "error",
                report.duration,
                error.message,
                clean(error.message),
                0.0,
                report.max_score,
                exception=error.exception,
                line=error.line,
                blame="answer",
                code=f"load {clean(report.answer)}",
            )
        ]
    return [
        Case(
            clean(test.name),
            "skipped" if test.not_tried else test.status,
            test.duration,
            test.message,
            details(test),
            test.points,
            test.max_points,
            test.bonus,
            test.exception,
            test.line,
            test.blame,
            clean(test.code),
        )
        for test in report.tests
    ]


def verdict_line(report: Report) -> str:
    """The verdict in one sentence, as every summary says it."""
    if report.checker_error:
        return "The lesson's checker failed (a bug in the lesson, not in the answer)."
    return {
        "pass": "All required tests passed.",
        "fail": "Some tests failed.",
        "error": "The answer could not be run.",
    }[report.status]


def score_line(report: Report) -> str:
    """``Score 2/3`` or ``Score 3/3 (+1 bonus)``: the bonus always apart."""
    bonus = f" (+{num(report.bonus)} bonus)" if report.bonus else ""
    return f"Score {num(report.score)}/{num(report.max_score)}{bonus}"


def rerun_command(report: Report) -> str:
    """The command that repeats this check, with the path quoted when it needs to be."""
    import shlex
    from pathlib import Path

    return f"calccourse check {report.lesson} {shlex.quote(Path(report.answer).name)} --seed {report.seed}"
