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
