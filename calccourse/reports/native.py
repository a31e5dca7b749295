"""calccourse's own report: ``calccourse-report`` version 2 (``docs/report-schema.md``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from calccourse.reports._common import clean, strict_json, version

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
        "mistake": None if test.label is None else clean(test.label),
        "error": test.error,
        "blame": test.blame,
        "exception": test.exception,
        "line": test.line,
        "location": None if test.location is None else clean(test.location),
        "duration": round(test.duration, 3),
    }


def to_dict(report: Report) -> dict[str, Any]:
    """The report as data, version 2 (``learner``, ``variant`` and ``parameters`` only
    when a learner id was given)."""
    error = report.load_error
    data = {
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
    if report.learner is not None:
        data["learner"] = clean(report.learner)
        data["variant"] = report.variant
        data["parameters"] = report.parameters
    return data


def to_json(report: Report) -> str:
    return strict_json(to_dict(report))


def from_dict(data: dict[str, Any]) -> Report:
    """A report read back from its version-2 data (a gradebook's row): what ``to_dict`` wrote.
    Raises KeyError or TypeError on data that is not such a report."""
    from pathlib import Path

    from calccourse.grading import LoadError, Report, TestResult, mistake_key

    error = data["load_error"]
    tests = [
        TestResult(
            name=test["name"],
            status=test["status"],
            points=float(test["points"]),
            max_points=float(test["max_points"]),
            message=test["message"],
            feedback=test["feedback"],
            bonus=bool(test["bonus"]),
            error=test["error"],
            blame=test["blame"],
            exception=test["exception"],
            line=test["line"],
            location=test["location"],
            mistake=mistake_key(test["feedback"]) if test["blame"] == "answer" else None,
            label=test.get("mistake"),
            duration=float(test["duration"]),
        )
        for test in data["tests"]
    ]
    return Report(
        lesson=int(data["lesson"]["number"]),
        slug=data["lesson"]["slug"],
        title=data["lesson"]["title"],
        answer=data["answer"],
        seed=int(data["seed"]),
        tests=tests,
        load_error=None
        if error is None
        else LoadError(error["kind"], error["message"], error["exception"], error["line"]),
        output=data["output"],
        output_truncated=bool(data["output_truncated"]),
        duration=float(data["duration"]),
        plots=[Path(path) for path in data["plots"]],
        max_score=float(data["max_score"]),
        max_bonus=float(data["max_bonus"]),
        sha256=data["sha256"],
        confinement=data["confinement"],
        notes=list(data["notes"]),
        learner=data.get("learner"),
        variant=data.get("variant"),
        parameters=data.get("parameters"),
    )
