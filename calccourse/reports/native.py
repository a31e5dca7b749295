"""calccourse's own report: ``calccourse-report`` version 2 (``docs/report-schema.md``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from calccourse.reports._common import clean, version

if TYPE_CHECKING:
    from calccourse.grading import Report, TestResult

SCHEMA = "calccourse-report"
SCHEMA_VERSION = 2


def test_dict(test: TestResult) -> dict[str, Any]:
    return {
        "name": clean(test.name),
        "status": test.status,
        "points": test.points,
        "max_points": test.max_points,
        "bonus": test.bonus,
        "message": clean(test.message),
        "feedback": None if test.feedback is None else clean(test.feedback),
        "error": test.error,
        "blame": test.blame,
        "exception": test.exception,
        "line": test.line,
        "location": None if test.location is None else clean(test.location),
        "duration": round(test.duration, 3),
    }


def to_dict(report: Report) -> dict[str, Any]:
    """The report as data, version 2."""
    error = report.load_error
    return {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "tool": {"name": "calccourse", "version": version()},
        "lesson": {"number": report.lesson, "slug": report.slug, "title": clean(report.title)},
        "answer": clean(report.answer),
        "sha256": report.sha256,
        "seed": report.seed,
        "status": report.status,
        "verdict": report.verdict,
        "score": report.score,
        "max_score": report.max_score,
        "bonus": report.bonus,
        "max_bonus": report.max_bonus,
        "duration": round(report.duration, 3),
        "confinement": report.confinement,
        "load_error": None
        if error is None
        else {
            "kind": error.kind,
            "message": clean(error.message),
            "exception": error.exception,
            "line": error.line,
        },
        "output": clean(report.output),
        "output_truncated": bool(report.output_truncated),
        "notes": [clean(note) for note in report.notes],
        "tests": [test_dict(test) for test in report.tests],
        "plots": [clean(str(path)) for path in report.plots],
    }


def to_json(report: Report) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False)
