"""JUnit XML as Ant, Jenkins, GitLab and pytest write it, valid against Jenkins' junit-10.xsd."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from calccourse.reports._common import cases, headline, num, xml_safe

if TYPE_CHECKING:
    from calccourse.grading import Report


def suite_names(report: Report) -> tuple[str, str]:
    """``calccourse.lesson03-gradient`` (suite) and ``calccourse.lesson03_gradient`` (class)."""
    slug = report.slug or "lesson"
    suite = f"calccourse.lesson{report.lesson:02d}-{slug}"
    classname = f"calccourse.lesson{report.lesson:02d}_{re.sub(r'[^0-9A-Za-z_]', '_', slug)}"
    return suite, classname


def to_junit(report: Report, *, timestamp: datetime | None = None, hostname: str | None = None) -> str:
    """One ``<testsuite>`` in a ``<testsuites>``, one ``<testcase>`` per test.

    Followed: Jenkins' xUnit schema ``junit-10.xsd``: ``testsuites`` has only ``name``,
    ``time``, ``tests``, ``failures`` and ``errors``; ``testcase`` holds ``skipped``,
    ``error``, ``failure``, ``system-out`` and ``system-err``, and no ``properties``; the
    ``testsuite`` has ``properties``, ``name``, ``tests``, ``failures``, ``errors``,
    ``skipped``, ``time``, ``timestamp`` and ``hostname``. So points are suite properties
    (``score``, ``max_score``, ``bonus`` and one ``points: <test>`` each, as ``earned/max``).

    A failed test is a ``<failure type="WrongAnswer">``; an errored one an ``<error>`` whose
    type is the exception (``CheckerError`` when the lesson's checker failed); a bonus the
    answer left out is ``<skipped>``. An answer that could not be loaded is one testcase,
    ``load answer``, with an ``<error>``. Text from the answer goes through ``xml_safe``.
    """
    import xml.etree.ElementTree as ET

    suite_name, classname = suite_names(report)
    chosen = cases(report)
    counts = {
        "tests": str(len(chosen)),
        "failures": str(sum(1 for case in chosen if case.status == "fail")),
        "errors": str(sum(1 for case in chosen if case.status == "error")),
    }
    skipped = str(sum(1 for case in chosen if case.status == "skipped"))
    duration = f"{max(report.duration, 0.0):.3f}"
    root = ET.Element("testsuites", {"name": "calccourse", **counts, "time": duration})
    started = timestamp or datetime.now(timezone.utc) - timedelta(seconds=max(report.duration, 0.0))
    if started.tzinfo is not None:
        started = started.astimezone(timezone.utc).replace(tzinfo=None)
    attributes = {
        "name": suite_name,
        **counts,
        "skipped": skipped,
        "time": duration,
        "timestamp": started.isoformat(timespec="seconds"),
    }
    if hostname:
        attributes["hostname"] = xml_safe(hostname)
    suite = ET.SubElement(root, "testsuite", attributes)
    properties = ET.SubElement(suite, "properties")
    values = [
        ("seed", str(report.seed)),
        ("answer", report.answer),
        ("sha256", report.sha256),
        ("confinement", report.confinement),
        ("score", num(report.score)),
        ("max_score", num(report.max_score)),
        ("bonus", num(report.bonus)),
        *(
            (("learner", report.learner), ("variant", report.variant or "the course's own"))
            if report.learner is not None
            else ()
        ),
        *(
            (
                f"points: {case.name}{' (bonus)' if case.bonus else ''}",
                f"{num(case.points)}/{num(case.max_points)}",
            )
            for case in chosen
        ),
    ]
    for name, value in values:
        ET.SubElement(properties, "property", {"name": xml_safe(name), "value": xml_safe(value)})
    for case in chosen:
        element = ET.SubElement(
            suite,
            "testcase",
            {"classname": classname, "name": xml_safe(case.name), "time": f"{max(case.duration, 0.0):.3f}"},
        )
        if case.status == "skipped":
            ET.SubElement(
                element,
                "skipped",
                {"message": xml_safe("optional bonus not tried: " + headline(case.message))},
            )
        elif case.status in ("fail", "error"):
            if case.status == "fail":
                tag, kind = "failure", "WrongAnswer"
            elif case.blame == "lesson":
                tag, kind = "error", "CheckerError"
            else:
                tag, kind = (
                    "error",
                    case.exception or ("LoadError" if case.name == "load answer" else "AnswerError"),
                )
            result = ET.SubElement(
                element, tag, {"message": xml_safe(headline(case.message)), "type": xml_safe(kind)}
            )
            result.text = xml_safe(case.details)
    if report.output:
        out = ET.SubElement(suite, "system-out")
        note = "\n[output cut: the answer printed more]" if report.output_truncated else ""
        out.text = xml_safe(report.output + note)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")
