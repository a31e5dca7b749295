"""Exercism's test-runner ``results.json`` (version 3), as GitHub Classroom's reporter reads it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from calccourse.reports._common import cases, clean, strict_json
from calccourse.safe import inert

if TYPE_CHECKING:
    from calccourse.grading import Report

OUTPUT_LIMIT = 500
TRUNCATED = "\n[Output was truncated. Please limit to 500 chars]"


def output_of(report: Report) -> str | None:
    """The learner's output: at most 500 characters, None when there is none.

    Exercism: "The output **must** be limited to 500 chars. Either truncating with a
    message of "Output was truncated. Please limit to 500 chars" or returning an error
    in this situation are acceptable."
    """
    text = clean(report.output).strip()
    if not text:
        return None
    if len(text) > OUTPUT_LIMIT or report.output_truncated:
        text = text[: OUTPUT_LIMIT - len(TRUNCATED)].rstrip() + TRUNCATED
    return inert(text)


def to_exercism_dict(report: Report) -> dict[str, Any]:
    """Exercism's results.json, version 3, plus GitHub Classroom's ``max_score`` and ``score``.

    Followed, from Exercism's "The Test Runner Interface": top level ``version`` (3),
    ``status`` (pass: all tests passed; fail: at least one test failed or errored; error:
    no test was executed) and ``message`` (only when the status is error); per test
    ``name``, ``status``, ``message`` (null for a pass), ``output`` and ``test_code`` (the
    calls the test made). GitHub Classroom's reporter sums ``tests[].score`` against
    ``max_score`` and prints ``message`` only for errors, so the message of a failure is
    also in ``output``; every message line that would start a workflow command is made
    inert.

    The bonus's score counts only on top of full required points; a bonus the answer
    left out is not listed; a tried bonus that failed leaves the overall status ``pass``.
    """
    status = "error" if report.load_error is not None else report.status
    data: dict[str, Any] = {"version": 3, "status": status}
    if report.load_error is not None:
        data["message"] = inert(clean(report.load_error.message))
    data["max_score"] = report.max_score
    data["confinement"] = report.confinement  # calccourse's addition, as max_score is GitHub's
    full = report.load_error is None and report.score >= report.max_score
    output = output_of(report)
    tests = []
    for case in cases(report):
        if case.status == "skipped":
            continue
        message = None if case.status == "pass" else inert(case.details)
        shown = "\n\n".join(part for part in (message, output) if part) or None
        tests.append(
            {
                "name": case.name,
                "status": case.status,
                "message": message,
                "output": shown,
                "test_code": case.code,
                "score": case.points if (not case.bonus or full) else 0.0,
                "line_no": case.line or 0,
            }
        )
    data["tests"] = tests
    return data


def to_exercism(report: Report) -> str:
    return strict_json(to_exercism_dict(report))
