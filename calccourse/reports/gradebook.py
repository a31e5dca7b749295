"""A class's gradebook (CSV and ``calccourse-gradebook`` JSON) and ``run-all``'s summary."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from calccourse.reports._common import clean, strict_json, version
from calccourse.reports.analytics import summarize

if TYPE_CHECKING:
    from calccourse.batch import ClassResult
    from calccourse.demo import DemoRun
    from calccourse.discovery import BrokenLesson
    from calccourse.lesson import LessonPlugin
    from calccourse.similarity import Pair


def first_failure(graded: ClassResult) -> str:
    report = graded.report
    if report is None:
        return graded.reason
    if report.load_error is not None:
        what = "could not be read" if report.load_error.kind == "unreadable" else "could not run"
        return f"{what}: " + (report.load_error.message.strip().splitlines() or [""])[-1]
    failed = next((t for t in report.tests if t.status != "pass" and t.required), None)
    return f"{failed.name}: {(failed.message.splitlines() or [''])[0]}" if failed else ""


def rows(results: Sequence[ClassResult]) -> list[dict[str, Any]]:
    """One row per entry: its id, file, verdict, required score and bonus apart; and, when
    any answer was judged against a learner's variant (``grade --variants``), the learner
    id and variant key of each."""
    table = []
    variants = any(r.report is not None and r.report.learner is not None for r in results)
    for graded in results:
        report = graded.report
        # No score where the lesson failed, not the answer: nothing to pass on to an LMS.
        scored = report if report is not None and not report.checker_error else None
        table.append(
            {
                "student": clean(graded.student),
                "name": clean(graded.submission.name),
                "path": clean(graded.path),
                "status": graded.status,
                "score": scored.score if scored else None,
                "max_score": graded.max_score,
                "bonus": scored.bonus if scored else None,
                "duration": None if report is None else round(report.duration, 3),
                "sha256": graded.sha256,
                "confinement": "" if report is None else report.confinement,
                "first_failure": clean(first_failure(graded)),
                "identified": clean(graded.submission.identified),
                "notes": clean("; ".join(graded.submission.notes)),
            }
        )
        if variants:
            table[-1]["learner"] = "" if report is None or report.learner is None else clean(report.learner)
            table[-1]["variant"] = "" if report is None or report.variant is None else report.variant
    return table


def confinement(results: Sequence[ClassResult]) -> str:
    """What confined the class's answers, as their reports say (several, joined by " / ",
    if it changed during the run); empty when none ran."""
    found = sorted({r.report.confinement for r in results if r.report is not None and r.report.confinement})
    return " / ".join(found)


def not_a_student(result: ClassResult) -> str:
    """Why a row is no student an LMS knows (so it stays out of LMS files), or ""."""
    if result.status == "skipped":
        return f"not a student's answer ({result.reason})"
    if result.submission.matched is False:
        return "on no student of the roster"
    return ""


def apart(results: Sequence[ClassResult]) -> list[dict[str, str]]:
    """The rows that are no students, with why: listed apart in the JSON and by ``export``."""
    return [{"student": r.student, "path": r.path, "why": why} for r in results if (why := not_a_student(r))]


def spreadsheet_safe(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula (OWASP: CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(results: Sequence[ClassResult]) -> str:
    table = rows(results)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(table[0]) if table else ["student"], lineterminator="\n")
    writer.writeheader()
    for row in table:
        writer.writerow({key: spreadsheet_safe("" if value is None else value) for key, value in row.items()})
    return out.getvalue()


SCHEMA = "calccourse-gradebook"
SCHEMA_VERSION = 3
MAX_VALUES = 10_000  # numbers kept per answer for its check plot; beyond, the plot is left out


def to_json(
    plugin: LessonPlugin,
    seed: int,
    results: Sequence[ClassResult],
    confinement: str,
    *,
    shard: tuple[int, int] | None = None,
    changes: Sequence[dict[str, Any]] | None = None,
    similar: Sequence[Pair] | None = None,
) -> str:
    """The ``calccourse-gradebook`` (docs/report-schema.md): rows, each answer's full report
    and values, the class summary. Enough to merge parts and re-grade against it."""
    from calccourse.reports.native import to_dict

    table = rows(results)
    for row, graded in zip(table, results):
        row["reason"] = clean(graded.reason)
        row["ids"] = {kind: clean(value) for kind, value in graded.submission.ids}
        row["on_roster"] = graded.submission.matched
        row["report"] = None if graded.report is None else to_dict(graded.report)
        row["values"] = _kept(graded.values)
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "tool": {"name": "calccourse", "version": version()},
        "lesson": {"number": plugin.number, "slug": plugin.slug, "title": plugin.title},
        "seed": seed,
        "shard": None if shard is None else {"part": shard[0], "of": shard[1]},
        "confinement": confinement,
        "graded_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "summary": summarize(results).to_dict(),
        "results": table,
        "not_students": apart(results),  # rows an LMS file leaves out, and why
    }
    if changes is not None:
        data["changes"] = list(changes)
    if similar is not None:  # grade --similar: a pointer for a human, never a grade
        data["similar"] = [pair.to_dict() for pair in similar]
    return strict_json(data)


def _kept(values: list[list[Any] | None] | None) -> list[list[Any] | None] | None:
    """The values, when they are few enough numbers to keep in a gradebook."""
    if values is None:
        return None
    size = len(json.dumps(values, allow_nan=True))
    return values if size <= 12 * MAX_VALUES else None


def run_all_json(runs: Sequence[DemoRun], broken: Sequence[BrokenLesson]) -> str:
    """``run-all --format json``: every demo and every broken plugin."""
    data = {
        "schema": "calccourse-run-all",
        "version": 1,
        "tool": {"name": "calccourse", "version": version()},
        "demos": [asdict(run) for run in runs],
        "broken": [{"path": item.path, "reason": item.reason} for item in broken if not item.shadowed],
    }
    return strict_json(data)
