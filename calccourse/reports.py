"""Reports for machines: one grading :class:`~calccourse.grading.Report`, written for a consumer.

Plain functions, standard library only (the CLI wires them to ``check --format FMT
--output FILE``). Every renderer takes the finished report and returns text; none of
them reads files, prints or exits.

- ``json``: calccourse's own versioned schema, documented in ``docs/report-schema.md``.
- ``junit``: JUnit XML as Ant, Jenkins, GitLab and pytest write it.
- ``gradescope``: ``results.json`` per Gradescope's autograder specification.
- ``exercism``: ``results.json`` per Exercism's test-runner interface, version 3, with the
  ``max_score`` and per-test ``score`` that GitHub Classroom's Python grader adds.

:func:`github_annotations` turns the same report into GitHub Actions workflow commands.

Learner output can contain anything (escape codes, NUL bytes, broken UTF-8 turned into
lone surrogates): every string taken from a report goes through :func:`_clean` (no lone
surrogates, so it always encodes as UTF-8) and, for XML, :func:`xml_safe` (no characters
XML 1.0 forbids).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from calccourse.grading import Report, TestResult

FORMATS = ("text", "json", "junit", "gradescope", "exercism")

SCHEMA = "calccourse-report"
SCHEMA_VERSION = 1

LOAD_TEST = "load answer"
"""The name of the one test reported when the answer could not be loaded at all."""

EXERCISM_OUTPUT_LIMIT = 500
EXERCISM_TRUNCATED = "\n[Output was truncated. Please limit to 500 chars]"


# ---------------------------------------------------------------- shared helpers

_SURROGATE = re.compile("[\ud800-\udfff]")
# XML 1.0, section 2.2:
#   Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TRACEBACK_LINE = re.compile(r'File "(?P<path>[^"\n]+)", line (?P<line>\d+)')
_EXCEPTION_NAME = re.compile(r"^(?P<name>[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning))\b", re.M)


def _clean(text: str | None) -> str:
    """The text with lone surrogates replaced by U+FFFD, so it always encodes as UTF-8."""
    return _SURROGATE.sub("\ufffd", text or "")


def xml_safe(text: str | None) -> str:
    """The text with every character XML 1.0 forbids written as ``#xHH`` (as pytest does).

    Character references cannot help here: ``&#x1b;`` is as illegal as the raw byte.
    """
    return _XML_ILLEGAL.sub(lambda m: f"#x{ord(m.group()):02X}", _clean(text))


def _num(value: float) -> str:
    """A number for a property or a summary: 1, 0.5, 2.25 (no trailing zeros)."""
    return f"{value:g}"


def _not_loaded(report: Report) -> bool:
    """Whether the answer could not be run at all (then the report has no tests)."""
    return report.load_error is not None or (report.status == "error" and not report.tests)


def _details(test: TestResult) -> str:
    """A test's message, then ``→`` and the recognised mistake (as the text report shows it)."""
    message = _clean(test.message).rstrip()
    if test.feedback:
        feedback = _clean(test.feedback).strip()
        return f"{message}\n→ {feedback}" if message else f"→ {feedback}"
    return message


def _headline(message: str) -> str:
    """A message in one line: itself, or its first and last lines (a traceback's exception)."""
    lines = [line.strip() for line in _clean(message).splitlines() if line.strip()]
    if len(lines) <= 1:
        return lines[0] if lines else ""
    return f"{lines[0]} … {lines[-1]}"


def _exception_type(message: str, default: str) -> str:
    """The exception named in an error message (``ZeroDivisionError``), else ``default``."""
    names = _EXCEPTION_NAME.findall(message or "")
    return names[-1] if names else default


def _suite_names(report: Report) -> tuple[str, str]:
    """``calccourse.lesson03-gradient`` (suite) and ``calccourse.lesson03_gradient`` (class)."""
    slug = report.slug or "lesson"
    suite = f"calccourse.lesson{report.lesson:02d}-{slug}"
    classname = f"calccourse.lesson{report.lesson:02d}_{re.sub(r'[^0-9A-Za-z_]', '_', slug)}"
    return suite, classname


def _version() -> str:
    from calccourse import __version__

    return __version__


def render(report: Report, fmt: str, **options: Any) -> str:
    """The report as ``fmt`` (json, junit, gradescope or exercism), without a final newline.

    Options, for junit: ``timestamp`` (a datetime) and ``hostname``. ``text`` is rendered by
    :mod:`calccourse.render`; it and any other name raise ValueError.
    """
    renderers: dict[str, Callable[..., str]] = {
        "json": to_json,
        "junit": to_junit,
        "gradescope": to_gradescope,
        "exercism": to_exercism,
    }
    if fmt not in renderers:
        if fmt == "text":
            raise ValueError("the text report is rendered by calccourse.render, not here")
        raise ValueError(f"unknown report format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return renderers[fmt](report, **options)


# ---------------------------------------------------------------- json (our own schema)


def to_dict(report: Report) -> dict[str, Any]:
    """The report in calccourse's own schema, version 1 (see ``docs/report-schema.md``)."""
    return {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "tool": {"name": "calccourse", "version": _version()},
        "lesson": {"number": report.lesson, "slug": report.slug, "title": _clean(report.title)},
        "answer": _clean(report.answer),
        "seed": report.seed,
        "status": report.status,
        "score": report.score,
        "max_score": report.max_score,
        "duration": round(report.duration, 3),
        "load_error": None if report.load_error is None else _clean(report.load_error),
        "output": _clean(report.output),
        "output_truncated": bool(report.output_truncated),
        "tests": [
            {
                "name": _clean(test.name),
                "status": test.status,
                "points": test.points,
                "max_points": test.max_points,
                "required": bool(test.required),
                "message": _clean(test.message),
                "feedback": None if test.feedback is None else _clean(test.feedback),
                "duration": round(test.duration, 3),
            }
            for test in report.tests
        ],
        "plots": [_clean(str(path)) for path in report.plots],
    }


def to_json(report: Report) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False)


# ---------------------------------------------------------------- JUnit XML


def to_junit(
    report: Report,
    *,
    timestamp: datetime | None = None,
    hostname: str | None = None,
) -> str:
    """JUnit XML the way Ant, Jenkins, GitLab and pytest write it.

    Followed: Jenkins' JUnit schema (``junit-4.xsd``, the one pytest's documentation
    quotes as "the structure Jenkins uses to validate the XML reports")::

        <xs:element name="testcase"> <xs:sequence>
            <xs:element ref="skipped" minOccurs="0" maxOccurs="1"/>
            <xs:element ref="error" minOccurs="0" maxOccurs="unbounded"/>
            <xs:element ref="failure" minOccurs="0" maxOccurs="unbounded"/>
            <xs:element ref="system-out" .../> <xs:element ref="system-err" .../>
          <xs:attribute name="name" use="required"/> ... "time" ... "classname" ...
        <xs:element name="failure"> <xs:complexType mixed="true">
            <xs:attribute name="type" .../> <xs:attribute name="message" .../>

    and the testsuite's ``properties`` first, ``testcase`` elements, then ``system-out``;
    ``tests``/``failures``/``errors``/``skipped``/``time``/``timestamp`` on the suite, as
    pytest writes them (``time`` with three decimals). ``timestamp`` is the run's start
    in UTC without an offset, the form the xUnit schema's ISO 8601 pattern accepts.

    Per-test points are a ``<properties>`` element, first inside ``<testcase>``: what
    pytest's ``record_property`` writes, which parsers that do not validate (Jenkins'
    JUnit plugin, GitLab, junitparser) accept; pytest warns that it "will break schema
    verification" by strict validators of the schema above (Jenkins' xUnit plugin).

    A failed test is a ``<failure type="WrongAnswer">``, an errored one an ``<error>``
    whose type is the exception it names; the ``message`` attribute is the message in
    one line, the element's text the whole message and the recognised mistake.
    An answer that could not be loaded is one testcase, ``load answer``, with an
    ``<error>``. Text from the answer goes through :func:`xml_safe`, so the document
    is well-formed XML 1.0 whatever the answer printed.
    """
    import xml.etree.ElementTree as ET

    suite_name, classname = _suite_names(report)
    if not _not_loaded(report):
        cases = [
            (
                test.name,
                test.status if test.required or test.status == "pass" else "skipped",
                test.duration,
                test.message,
                _details(test),
                [
                    ("points", _num(test.points)),
                    ("max_points", _num(test.max_points)),
                    ("required", "true" if test.required else "false"),
                ],
            )
            for test in report.tests
        ]
    else:
        error = report.load_error or "The answer could not be run."
        cases = [
            (
                LOAD_TEST,
                "error",
                report.duration,
                error,
                _clean(error),
                [("points", "0"), ("max_points", _num(report.max_score))],
            )
        ]
    failures = sum(1 for case in cases if case[1] == "fail")
    errors = sum(1 for case in cases if case[1] == "error")
    skipped = sum(1 for case in cases if case[1] == "skipped")  # bonuses not earned
    counts = {
        "tests": str(len(cases)),
        "failures": str(failures),
        "errors": str(errors),
        "skipped": str(skipped),
    }
    duration = f"{max(report.duration, 0.0):.3f}"

    root = ET.Element("testsuites", {"name": "calccourse", **counts, "time": duration})
    started = timestamp or datetime.now(timezone.utc) - timedelta(seconds=max(report.duration, 0.0))
    if started.tzinfo is not None:
        started = started.astimezone(timezone.utc).replace(tzinfo=None)
    suite_attrs = {
        "name": suite_name,
        **counts,
        "time": duration,
        "timestamp": started.isoformat(timespec="seconds"),
    }
    if hostname:
        suite_attrs["hostname"] = xml_safe(hostname)
    suite = ET.SubElement(root, "testsuite", suite_attrs)
    properties = ET.SubElement(suite, "properties")
    suite_props = (
        ("seed", str(report.seed)),
        ("answer", report.answer),
        ("score", _num(report.score)),
        ("max_score", _num(report.max_score)),
    )
    for name, value in suite_props:
        ET.SubElement(properties, "property", {"name": name, "value": xml_safe(value)})

    for name, status, seconds, message, details, props in cases:
        case = ET.SubElement(
            suite,
            "testcase",
            {"classname": classname, "name": xml_safe(name), "time": f"{max(seconds, 0.0):.3f}"},
        )
        case_props = ET.SubElement(case, "properties")
        for key, value in props:
            ET.SubElement(case_props, "property", {"name": key, "value": value})
        if status == "fail":
            kind, kind_type = "failure", "WrongAnswer"
        elif status == "error":
            fallback = "LoadError" if _not_loaded(report) else "AnswerError"
            kind, kind_type = "error", _exception_type(message, fallback)
        if status == "skipped":
            ET.SubElement(
                case, "skipped", {"message": xml_safe("optional bonus not earned: " + _headline(message))}
            )
        if status in ("fail", "error"):
            result = ET.SubElement(
                case, kind, {"message": xml_safe(_headline(message)), "type": xml_safe(kind_type)}
            )
            result.text = xml_safe(details)
    if report.output:
        out = ET.SubElement(suite, "system-out")
        note = "\n[output cut: the answer printed more]" if report.output_truncated else ""
        out.text = xml_safe(report.output + note)

    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")


# ---------------------------------------------------------------- Gradescope


def _summary(report: Report, total: float) -> str:
    verdict = {
        "pass": "All required tests passed.",
        "fail": "Some tests failed.",
        "error": "Your answer could not be run.",
    }[report.status]
    answer = _clean(Path(report.answer).name)
    lines = [
        f"calccourse {_version()} · lesson {report.lesson} ({report.slug}): {_clean(report.title)}",
        f"{verdict} Score {_num(report.score)}/{_num(total)}.",
        f"Seed {report.seed}: repeat this run with "
        f"`calccourse check {report.lesson} {answer} --seed {report.seed}`.",
    ]
    if report.output.strip():
        cut = " (cut)" if report.output_truncated else ""
        lines += ["", f"Your answer printed{cut}:", _clean(report.output).rstrip()]
    return "\n".join(lines)


def to_gradescope_dict(report: Report) -> dict[str, Any]:
    """Gradescope's ``results.json``.

    Followed, from Gradescope's "Autograder Specifications" (Output format)::

        { "score": 44.0, // optional, but required if not on each test case below.
                         // Overrides total of tests if specified.
          "execution_time": 136, // optional, seconds
          "output": "Text relevant to the entire submission", // optional
          "output_format": "simple_format", "test_output_format": "text",
          "test_name_format": "text",
          "visibility": "after_due_date", "stdout_visibility": "visible",
          "tests": [ { "score": 2.0, "max_score": 2.0, "status": "passed", "name": "Your name here",
                       "output": "Giant multiline string ...", "visibility": "visible" } ] }

    "you can set the "status" field to either "passed" or "failed"". The top level has
    no ``max_score``: Gradescope sums the tests' ``max_score``. All output formats are
    ``text`` ("No html, markdown, or ansi will be rendered"): learner output must not be
    rendered as HTML. A load error is one failed test with the error and score 0.
    """
    total = report.max_score
    if not _not_loaded(report):
        tests = [
            {
                "name": _clean(test.name),
                "score": test.points,
                "max_score": test.max_points,
                "status": "passed" if test.status == "pass" else "failed",
                "output": _details(test),
                "visibility": "visible",
            }
            if test.required
            else {  # a bonus: extra credit when earned, never a failed test
                "name": _clean(test.name) + " (optional bonus)",
                "score": test.points,
                "max_score": 0.0,
                "output": _details(test),
                "visibility": "visible",
            }
            for test in report.tests
        ]
    else:
        tests = [
            {
                "name": LOAD_TEST,
                "score": 0.0,
                "max_score": total,
                "status": "failed",
                "output": _clean(report.load_error or "The answer could not be run."),
                "visibility": "visible",
            }
        ]
    return {
        "score": report.score,
        "execution_time": round(max(report.duration, 0.0), 3),
        "output": _summary(report, total),
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": "visible",
        "stdout_visibility": "visible",
        "tests": tests,
    }


def to_gradescope(report: Report) -> str:
    return json.dumps(to_gradescope_dict(report), indent=2, ensure_ascii=False)


# ---------------------------------------------------------------- Exercism v3 / GitHub Classroom


def exercism_output(report: Report) -> str | None:
    """The learner's output for Exercism: at most 500 characters, None when there is none.

    Exercism: "The output **must** be limited to 500 chars. Either truncating with a
    message of "Output was truncated. Please limit to 500 chars" or returning an error
    in this situation are acceptable."
    """
    text = _clean(report.output).strip()
    if not text:
        return None
    if len(text) > EXERCISM_OUTPUT_LIMIT or report.output_truncated:
        keep = EXERCISM_OUTPUT_LIMIT - len(EXERCISM_TRUNCATED)
        text = text[:keep].rstrip() + EXERCISM_TRUNCATED
    return text


def to_exercism_dict(report: Report) -> dict[str, Any]:
    """Exercism's test-runner ``results.json``, version 3, as GitHub Classroom reads it.

    Followed, from Exercism's "The Test Runner Interface":

    - top level ``version`` (3), ``status``: "pass: All tests passed; fail: At least one
      test has the status fail or error; error: No test was executed (this usually
      means a compile error or a syntax error)"; ``message``: "required if status =
      error ... When the status is not error, either set the value to null or omit the
      key entirely" (omitted here);
    - per test ``name``, ``status`` (pass, fail, error), ``message`` ("If there is no
      error message, either set the value to null": null for a pass), ``output``
      (what the user printed, "limited to 500 chars"), ``test_code`` (optional for
      practice exercises: omitted), ``task_id`` (optional: omitted).

    Deviation, asked for by the product: an optional (bonus) test that fails leaves the
    overall status ``pass`` (the status is the report's: fail only when a required
    test did not pass).

    GitHub Classroom's Python grader writes this format plus a top-level ``max_score``
    and a per-test ``score``; its reporter sums ``tests[].score`` against ``max_score``
    ("Points X/Y") and reads ``tests[].status`` and ``tests[].message``. It reads
    ``tests`` even when the status is error, so a load error is reported as one test,
    ``load answer``, with status error (and the top-level message).
    """
    total = report.max_score
    output = exercism_output(report)
    status = "error" if _not_loaded(report) else report.status
    data: dict[str, Any] = {"version": 3, "status": status}
    if status == "error":
        data["message"] = _clean(report.load_error or "The answer could not be run.")
    data["max_score"] = total
    if not _not_loaded(report):
        data["tests"] = [
            {
                "name": _clean(test.name),
                "status": test.status,
                "message": None if test.status == "pass" else _details(test),
                "output": output,
                "score": test.points,
            }
            for test in report.tests
        ]
    else:
        data["tests"] = [
            {
                "name": LOAD_TEST,
                "status": "error",
                "message": data["message"],
                "output": output,
                "score": 0.0,
            }
        ]
    return data


def to_exercism(report: Report) -> str:
    return json.dumps(to_exercism_dict(report), indent=2, ensure_ascii=False)


# ---------------------------------------------------------------- GitHub Actions annotations


def _escape_data(text: str) -> str:
    """A workflow command's message, escaped as @actions/core's ``escapeData`` does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """A workflow command's property, escaped as @actions/core's ``escapeProperty`` does."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, message: str, **properties: str | int | None) -> str:
    props = ",".join(
        f"{key}={_escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None and value != ""
    )
    return f"::{kind}{' ' + props if props else ''}::{_escape_data(message)}"


def _same_file(named: str, answer: Path) -> bool:
    try:
        if Path(named).resolve() == answer.resolve():
            return True
    except (OSError, RuntimeError, ValueError):
        pass
    return Path(named).name == answer.name


def answer_line(message: str, answer_path: str | Path) -> int | None:
    """The line of the answer file a message points at: the innermost ``File "…", line N``
    frame of that file in a traceback (or a SyntaxError), else None."""
    answer = Path(answer_path)
    lines = [
        int(m.group("line"))
        for m in _TRACEBACK_LINE.finditer(message or "")
        if _same_file(m.group("path"), answer)
    ]
    return lines[-1] if lines else None


def _annotation_path(answer_path: str | Path, workspace: str | Path | None) -> str:
    """The answer's path as GitHub wants it: relative to the workspace (the repository)."""
    path = Path(answer_path)
    if workspace is None:
        workspace = os.environ.get("GITHUB_WORKSPACE") or None
    if workspace is not None:
        try:
            full = path if path.is_absolute() else Path.cwd() / path
            return full.resolve().relative_to(Path(workspace).resolve()).as_posix()
        except (OSError, ValueError):
            pass
    return path.as_posix()


def github_annotations(
    report: Report,
    answer_path: str | Path,
    *,
    workspace: str | Path | None = None,
) -> list[str]:
    """GitHub Actions workflow commands for the report, one a line, to print on stdout.

    One ``::error file=…,line=…,title=…::message`` per test that failed or errored (and
    one for an answer that could not be loaded), with ``line`` when the message names a
    line of the answer file, then ``::notice title=Points::Points X/Y`` (the text GitHub
    Classroom's reporter uses). Escaping follows @actions/core (``command.ts``): in the
    message ``%`` → ``%25``, CR → ``%0D``, LF → ``%0A``; in properties also ``:`` →
    ``%3A`` and ``,`` → ``%2C``. So nothing the answer raises can start a command line of
    its own. ``file`` is made relative to ``workspace`` (default ``$GITHUB_WORKSPACE``)
    when the answer lies inside it.
    """
    file = _annotation_path(answer_path, workspace)
    lines: list[str] = []
    if report.load_error is not None:
        message = _clean(report.load_error)
        lines.append(
            _command(
                "error",
                message,
                file=file,
                line=answer_line(message, answer_path),
                title=f"lesson {report.lesson}: your answer could not be run",
            )
        )
    for test in report.tests:
        if test.status == "pass":
            continue
        message = _details(test)
        optional = "" if test.required else " (optional)"
        line = answer_line(test.message, answer_path)
        lines.append(
            _command(
                "error" if test.required else "notice",  # a bonus not earned is no error
                message,
                file=file,
                line=line,
                title=f"lesson {report.lesson}: {_clean(test.name)}{optional}",
            )
        )
    points = f"Points {_num(report.score)}/{_num(report.max_score)}"
    lines.append(_command("notice", points, title="Points"))
    return lines
