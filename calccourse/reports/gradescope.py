"""Gradescope's ``results.json`` (the "Autograder Specifications", output format)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from calccourse.reports._common import (
    cases,
    clean,
    num,
    rerun_command,
    score_line,
    strict_json,
    verdict_line,
    version,
)

if TYPE_CHECKING:
    from calccourse.grading import Report


def summary(report: Report) -> str:
    lines = [
        f"calccourse {version()} · lesson {report.lesson} ({report.slug}): {clean(report.title)}",
        f"{verdict_line(report)} {score_line(report)}.",
        f"Seed {report.seed}: repeat this run with `{clean(rerun_command(report))}`.",
    ]
    if report.confinement:
        lines.append(f"Confinement: {report.confinement}.")
    if report.bonus and report.score < report.max_score:
        lines.append(f"The bonus ({num(report.bonus)}) counts only once every required test passes.")
    if report.output.strip():
        cut = " (cut)" if report.output_truncated else ""
        lines += ["", f"Your answer printed{cut}:", clean(report.output).rstrip()]
    return "\n".join(lines)


def to_gradescope_dict(report: Report) -> dict[str, Any]:
    """Gradescope's results.json.

    Followed, from Gradescope's specification: a top-level ``score`` ("Overrides total of
    tests if specified"), ``execution_time``, ``output``, the ``*_format`` fields (``text``:
    nothing the answer printed is rendered as HTML or Markdown), ``visibility``,
    ``stdout_visibility`` (``hidden``: ``results/stdout`` is "for displaying back to the
    instructor"), and ``tests`` with ``name``, ``score``, ``max_score``, ``status``
    (``passed``/``failed``), ``output``.

    A bonus is extra credit: ``max_score`` 0, and its points count in the top-level score
    only on top of full required points, so a bonus never covers a missing part. A bonus
    the answer left out is not listed. An answer that could not be loaded is one failed
    test, ``load answer``, with score 0. A checker that failed is no score at all: the
    caller exits 4, so Gradescope shows an autograder error the instructor can regrade.
    """
    tests = []
    for case in cases(report):
        if case.status == "skipped":
            continue
        name = case.name + (" (optional bonus)" if case.bonus else "")
        tests.append(
            {
                "name": name,
                "score": case.points,
                "max_score": 0.0 if case.bonus else case.max_points,
                "status": "passed" if case.status == "pass" else "failed",
                "output": case.details,
                "visibility": "visible",
            }
        )
    full = report.load_error is None and report.score >= report.max_score
    return {
        "score": round(report.score + (report.bonus if full else 0.0), 6),
        "execution_time": round(max(report.duration, 0.0), 3),
        "output": summary(report),
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        **(
            {
                "extra_data": {
                    "learner": report.learner,
                    "variant": report.variant,
                    "parameters": report.parameters,
                }
            }
            if report.learner is not None
            else {}
        ),
    }


def to_gradescope(report: Report) -> str:
    return strict_json(to_gradescope_dict(report))
