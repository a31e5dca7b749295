"""Reports: one grading :class:`~calccourse.grading.Report` (or a class's), written for a consumer.

Each format is a pure function from results to text, in a module of its own beside the
specification it follows: ``text`` (the learner's report), ``json`` (calccourse's own
schema, ``docs/report-schema.md``), ``junit``, ``gradescope`` and ``exercism`` (also GitHub
Classroom's). :mod:`.github` writes workflow annotations and :mod:`.gradebook` a class's
gradebook and ``run-all``'s summary.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calccourse.status import UsageError

if TYPE_CHECKING:
    from calccourse.grading import Report

FORMATS = ("text", "json", "junit", "gradescope", "exercism")


def render(report: Report, fmt: str, **options: Any) -> str:
    """The report as ``fmt``, without a final newline. Options: ``verbose`` (text),
    ``timestamp`` and ``hostname`` (junit)."""
    from calccourse.reports import exercism, gradescope, junit, native, text

    writers: dict[str, Callable[..., str]] = {
        "text": text.to_text,
        "json": native.to_json,
        "junit": junit.to_junit,
        "gradescope": gradescope.to_gradescope,
        "exercism": exercism.to_exercism,
    }
    if fmt not in writers:
        raise ValueError(f"unknown report format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return writers[fmt](report, **options)


def internal_error(fmt: str, message: str) -> str | None:
    """What a machine report says when calccourse itself failed before it could judge:
    status ``internal-error`` (JSON), an error (Exercism, JUnit). None for the formats that
    have no such word (text: the error paragraph says it; Gradescope: a missing
    results.json is Gradescope's own "the autograder failed", never a score of 0)."""
    import json

    from calccourse.reports._common import clean, version

    text = clean(message)
    if fmt == "json":
        from calccourse.reports.native import SCHEMA, SCHEMA_VERSION

        data = {
            "schema": SCHEMA,
            "version": SCHEMA_VERSION,
            "tool": {"name": "calccourse", "version": version()},
        }
        return json.dumps(
            {**data, "status": "internal-error", "verdict": "internal-error", "message": text}, indent=2
        )
    if fmt == "exercism":
        return json.dumps({"version": 3, "status": "error", "message": text, "tests": []}, indent=2)
    if fmt == "junit":
        from xml.sax.saxutils import quoteattr

        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<testsuites errors="1" tests="1">'
            '<testsuite name="calccourse" errors="1" tests="1">'
            '<testcase name="calccourse" classname="calccourse">'
            f'<error message={quoteattr(text)} type="internal-error"/></testcase></testsuite></testsuites>'
        )
    return None


def targets(formats: Sequence[str], outputs: Sequence[Path]) -> list[tuple[str, Path | None]]:
    """Pair ``--format`` with ``--output`` in order; one format may go to the screen.

    With outputs but no format, each output's format comes from its name (``.xml`` is
    junit, ``.json`` json, ``.txt`` text), and a name that says nothing is a usage error.
    """
    chosen = [fmt.lower() for fmt in formats]
    for fmt in chosen:
        if fmt not in FORMATS:
            raise UsageError(f"--format {fmt} is not a report format. Choose one of: {', '.join(FORMATS)}.")
    if not chosen and outputs:
        by_suffix = {".xml": "junit", ".json": "json", ".txt": "text"}
        for output in outputs:
            if output.suffix.lower() not in by_suffix:
                raise UsageError(f"--output {output} needs a --format (one of: {', '.join(FORMATS)}).")
            chosen.append(by_suffix[output.suffix.lower()])
    chosen = chosen or ["text"]
    if len(outputs) > len(chosen) or len(chosen) - len(outputs) > 1:
        raise UsageError("give one --output per --format (one format may go to the screen without --output).")
    return list(zip(chosen, [*outputs, None]))
