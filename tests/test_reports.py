"""Machine reports, each checked by the rules of the tool that reads it.

Reports are built by hand (no sandbox, no lessons), so these tests are fast. What each
consumer requires, as followed here:

- JUnit XML: parsed with junitparser (the library CI plugins and scripts use) and with
  xml.etree; and held to Jenkins' xUnit schema junit-10.xsd, whose rules are written out
  below as data (which attributes and children each element may have).
- Gradescope (Autograder Specifications, "Output format"): top-level ``score`` (number),
  ``execution_time`` (seconds), ``output``; ``tests[]`` with ``name``, ``score``,
  ``max_score``, ``status`` "passed"/"failed", ``output``, ``visibility`` one of hidden,
  after_due_date, after_published, visible.
- Exercism test-runner interface v3: ``version`` 3, ``status`` pass/fail/error,
  ``message`` "required if status = error", otherwise null or omitted; ``tests[]`` with
  ``name``, ``status`` pass/fail/error, ``message`` (null when none), ``output`` "limited
  to 500 chars", ``test_code``; plus GitHub Classroom's ``max_score``, per-test ``score``
  and ``line_no``.
- GitHub Actions workflow commands: @actions/core's escaping (data: % CR LF; properties
  also : and ,).
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

import calccourse
from calccourse import reports
from calccourse.grading import LoadError, Report
from calccourse.grading import TestResult as Result  # not "Test…": pytest would try to collect it
from calccourse.reports import exercism, gradescope, native
from calccourse.reports.github import github_annotations

NASTY = (
    'start \x1b[31mred\x1b[0m \x00nul \x07bell \x0bvt \x1f \ufffe \ud800 <tag> & "q" ]]> é ∂f/∂x 🧮'
    "\u202egnp.exe\u200b\r\nend\u2028line\u2029paragraph"
)
TRACEBACK = (
    "ZeroDivisionError in gradient(f, (0.5, 1.0)):\n"
    '  File "{path}", line 7, in gradient\n'
    "    return 1 / 0\n"
    "ZeroDivisionError: division by zero"
)


def make_report(**changes) -> Report:
    """A failing lesson-3 report: a pass, a fail with feedback, an error, a bonus not tried."""
    tests = [
        Result(
            "gradient at 5 points",
            "pass",
            2.0,
            2.0,
            "matches at every point.",
            duration=0.0012,
            code="gradient(1, 1)",
        ),
        Result(
            "partial derivative ∂f/∂x",
            "fail",
            0.0,
            1.5,
            "∂f/∂x at (0.3, 0.1) should be 0.6, got -0.6.",
            feedback="sign slip: d/dx of −x² is −2x.",
            blame="answer",
            duration=0.0004,
        ),
        Result(
            "gradient of a hidden function",
            "error",
            0.0,
            1.0,
            TRACEBACK.format(path="/work/class/answer.py"),
            error="exception",
            blame="answer",
            exception="ZeroDivisionError",
            line=7,
            duration=0.0001,
        ),
        Result(
            "bonus: numerical gradient",
            "fail",
            0.0,
            0.5,
            "Not started yet: `numgrad` still raises NotImplementedError.",
            bonus=True,
            error="not_started",
            blame="answer",
        ),
    ]
    values = dict(
        lesson=3,
        slug="gradient",
        title="The gradient",
        answer="answer.py",
        seed=123456,
        tests=tests,
        output="debug: x = 0.5\n",
        duration=0.4567,
        plots=[Path("calccourse-plots/lesson3-check.png")],
        max_score=4.5,
        max_bonus=0.5,
        sha256="ab" * 32,
        confinement="landlock v7: filesystem, network, signals",
    )
    values.update(changes)
    return Report(**values)


def passing_report(**changes) -> Report:
    tests = [
        Result("derivative(x) at 5 points", "pass", 1.0, 1.0, "close at every point."),
        Result("rate_of_change(f, x, dx)", "pass", 2.0, 2.0, "close at every point."),
    ]
    return Report(
        1, "derivatives", "Differential calculus", "answer.py", 7, tests, duration=0.2, max_score=3, **changes
    )


def bonus_report(bonus_passed: bool, required_passed: bool) -> Report:
    """Lesson 5: two required tests and an earned (or failed) bonus."""
    required = Result(
        "dense_jacobian",
        "pass" if required_passed else "fail",
        1.0 if required_passed else 0.0,
        1.0,
        "ok" if required_passed else "Not started yet: `dense_jacobian` still raises.",
        error=None if required_passed else "not_started",
    )
    tests = [
        required,
        Result("backward_step", "pass", 2.0, 2.0, "ok"),
        Result(
            "bonus: train",
            "pass" if bonus_passed else "fail",
            1.0 if bonus_passed else 0.0,
            1.0,
            "trained: 97%" if bonus_passed else "trained: 60%",
            bonus=True,
        ),
    ]
    return Report(5, "backpropagation", "Backpropagation", "answer.py", 3, tests, max_score=3, max_bonus=1)


def load_error_report(
    message: str = "File \"/work/answer.py\", line 4\n    def f(x)\n           ^\nSyntaxError: expected ':'",
    exception: str | None = "SyntaxError",
    line: int | None = 4,
) -> Report:
    return Report(
        2,
        "integrals",
        "Integral calculus",
        "/work/answer.py",
        99,
        load_error=LoadError("exception", message, exception, line),
        output="loading…\n",
        duration=0.05,
        max_score=3,
    )


def checker_error_report() -> Report:
    tests = [
        Result("area", "pass", 1.0, 1.0, "ok"),
        Result(
            "antiderivative",
            "error",
            0.0,
            1.0,
            "The lesson's checker failed (a bug in the lesson, not in your answer): ZeroDivisionError: x",
            error="checker",
            blame="lesson",
            exception="ZeroDivisionError",
            location="checker.py, line 9",
        ),
    ]
    return Report(2, "integrals", "Integral calculus", "answer.py", 5, tests, max_score=2)


def nasty_report() -> Report:
    """Output and messages with control, bidi and zero-width characters, markup, a lone surrogate."""
    tests = [
        Result(
            f"name {NASTY}",
            "fail",
            0.0,
            1.0,
            f"message {NASTY}\n::error::injected",
            feedback=f"feedback {NASTY}",
        ),
        Result("ok", "pass", 1.0, 1.0, "fine"),
    ]
    return Report(
        5,
        "backpropagation",
        "Backpropagation",
        "ans wer,1:2.py",
        1,
        tests,
        output=(NASTY + "\n::notice title=Points::Points 9/9\n") * 40,
        output_truncated=True,
        max_score=2,
    )


ALL_REPORTS = [
    make_report(),
    passing_report(),
    load_error_report(),
    nasty_report(),
    checker_error_report(),
    bonus_report(True, True),
    bonus_report(True, False),
]
IDS = ["fail", "pass", "load-error", "nasty", "checker-error", "bonus", "bonus-covers-nothing"]


# ------------------------------------------------------------------ render() and targets()


def test_formats_and_dispatch():
    assert reports.FORMATS == ("text", "json", "junit", "gradescope", "exercism")
    report = make_report()
    assert json.loads(reports.render(report, "json")) == native.to_dict(report)
    assert reports.render(report, "exercism") == exercism.to_exercism(report)
    assert "Checking answer.py · lesson 3" in reports.render(report, "text")
    for fmt in ("yaml", "JSON", ""):
        with pytest.raises(ValueError):
            reports.render(report, fmt)


def test_formats_pair_with_outputs_in_order():
    assert reports.targets([], []) == [("text", None)]
    assert reports.targets(["junit", "json"], [Path("a.xml")]) == [("junit", Path("a.xml")), ("json", None)]
    assert reports.targets([], [Path("r.json"), Path("r.xml")]) == [
        ("json", Path("r.json")),
        ("junit", Path("r.xml")),
    ]
    for formats, outputs in (
        (["json"], [Path("a"), Path("b")]),
        (["json", "junit", "text"], []),
        ([], [Path("r")]),
    ):
        with pytest.raises(calccourse.status.UsageError):
            reports.targets(formats, outputs)


@pytest.mark.parametrize("report", ALL_REPORTS, ids=IDS)
@pytest.mark.parametrize("fmt", ["text", "json", "junit", "gradescope", "exercism"])
def test_every_format_encodes_as_utf8_without_final_newline(report, fmt):
    text = reports.render(report, fmt)
    text.encode("utf-8")  # no lone surrogates, whatever the answer printed
    assert not text.endswith("\n")  # the CLI adds one when it writes the file


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "gradescope", "exercism"])
def test_no_format_lets_through_what_hides_or_reorders_text(fmt):
    text = reports.render(nasty_report(), fmt)
    assert not re.search(
        "[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2069]", text.replace("\r\n", "\n")
    )
    assert "\\u202e" in text and "\\x1b" in text


def test_the_package_imports_only_the_standard_library():
    heavy = ("numpy", "scipy", "sympy", "matplotlib", "rich", "typer")
    for module in Path(reports.__file__).parent.glob("*.py"):
        top_level = [
            line
            for line in module.read_text(encoding="utf-8").splitlines()
            if re.match(r"(import|from) ", line)
        ]
        assert not [line for line in top_level if any(name in line for name in heavy)], module


# ------------------------------------------------------------------ json (own schema, version 2)

NUMBER = (int, float)
OPTIONAL_STR = (str, type(None))
OPTIONAL_INT = (int, type(None))
TOP_FIELDS = {
    "schema": str,
    "version": int,
    "tool": dict,
    "lesson": dict,
    "answer": str,
    "sha256": str,
    "seed": int,
    "status": str,
    "verdict": str,
    "score": NUMBER,
    "max_score": NUMBER,
    "bonus": NUMBER,
    "max_bonus": NUMBER,
    "duration": NUMBER,
    "confinement": str,
    "load_error": (dict, type(None)),
    "output": str,
    "output_truncated": bool,
    "notes": list,
    "tests": list,
    "plots": list,
}
TEST_FIELDS = {
    "name": str,
    "status": str,
    "points": NUMBER,
    "max_points": NUMBER,
    "bonus": bool,
    "message": str,
    "feedback": OPTIONAL_STR,
    "mistake": OPTIONAL_STR,
    "error": OPTIONAL_STR,
    "blame": OPTIONAL_STR,
    "exception": OPTIONAL_STR,
    "line": OPTIONAL_INT,
    "location": OPTIONAL_STR,
    "duration": NUMBER,
}
LOAD_FIELDS = {"kind": str, "message": str, "exception": OPTIONAL_STR, "line": OPTIONAL_INT}


@pytest.mark.parametrize("report", ALL_REPORTS, ids=IDS)
def test_json_schema_fields_and_types(report):
    data = json.loads(native.to_json(report))
    assert set(data) == set(TOP_FIELDS)
    for key, kind in TOP_FIELDS.items():
        assert isinstance(data[key], kind), key
    assert data["schema"] == "calccourse-report" and data["version"] == 2
    assert data["tool"] == {"name": "calccourse", "version": calccourse.__version__}
    assert data["lesson"] == {"number": report.lesson, "slug": report.slug, "title": report.title}
    assert data["status"] in ("pass", "fail", "error") and data["status"] == report.status
    assert data["verdict"] in ("pass", "fail", "error", "checker-error")
    assert (data["load_error"] is None) == (data["status"] != "error")
    if data["load_error"] is not None:
        assert set(data["load_error"]) == set(LOAD_FIELDS)
    assert data["score"] == report.score and data["seed"] == report.seed and data["bonus"] == report.bonus
    assert data["score"] <= data["max_score"]  # a bonus never counts in the score
    assert data["duration"] == round(report.duration, 3)
    assert all(isinstance(path, str) for path in data["plots"])
    for test in data["tests"]:
        assert set(test) == set(TEST_FIELDS)
        for key, kind in TEST_FIELDS.items():
            assert isinstance(test[key], kind), key
        assert test["status"] in ("pass", "fail", "error")
        assert test["blame"] in (None, "answer", "lesson")


def test_json_values():
    data = json.loads(native.to_json(make_report()))
    assert data["score"] == 2.0 and data["max_score"] == 4.5 and data["duration"] == 0.457
    assert data["bonus"] == 0 and data["max_bonus"] == 0.5
    assert data["plots"] == ["calccourse-plots/lesson3-check.png"]
    assert data["confinement"] == "landlock v7: filesystem, network, signals" and data["sha256"] == "ab" * 32
    fail = data["tests"][1]
    assert fail["feedback"] == "sign slip: d/dx of −x² is −2x." and fail["duration"] == 0.0
    assert data["tests"][0]["feedback"] is None and data["tests"][0]["duration"] == 0.001
    error = data["tests"][2]
    assert (error["error"], error["exception"], error["line"], error["blame"]) == (
        "exception",
        "ZeroDivisionError",
        7,
        "answer",
    )
    assert data["tests"][3]["bonus"] is True and data["tests"][3]["error"] == "not_started"
    assert "∂f/∂x" in native.to_json(make_report())  # unicode kept readable, not \u-escaped


def test_json_keeps_the_bonus_apart_and_says_when_the_lesson_is_to_blame():
    earned = json.loads(native.to_json(bonus_report(True, True)))
    assert (earned["score"], earned["max_score"], earned["bonus"]) == (3, 3, 1)
    covers_nothing = json.loads(native.to_json(bonus_report(True, False)))
    assert (covers_nothing["score"], covers_nothing["status"], covers_nothing["bonus"]) == (2, "fail", 1)
    broken = json.loads(native.to_json(checker_error_report()))
    assert broken["verdict"] == "checker-error" and broken["tests"][1]["blame"] == "lesson"
    assert broken["tests"][1]["location"] == "checker.py, line 9"


def test_json_load_error_uses_the_known_total():
    data = json.loads(reports.render(load_error_report(), "json"))
    assert data["tests"] == [] and data["status"] == "error" and data["max_score"] == 3
    assert data["load_error"]["message"].endswith("SyntaxError: expected ':'")
    assert data["load_error"]["exception"] == "SyntaxError" and data["load_error"]["line"] == 4


def test_json_shows_control_characters_as_escapes():
    data = json.loads(native.to_json(nasty_report()))
    assert "\\x1b[31m" in data["output"] and "\\x00" in data["output"] and "\x1b" not in data["output"]
    assert "\ud800" not in data["output"] and "\ufffd" in data["output"]
    assert "\\u2028" in data["output"] and "\u2029" not in data["output"]  # separators: shown, not obeyed
    assert data["output_truncated"] is True


def test_schema_document_lists_every_field():
    doc = (Path(__file__).parents[1] / "docs" / "report-schema.md").read_text(encoding="utf-8")
    for key in [*TOP_FIELDS, *TEST_FIELDS, *LOAD_FIELDS]:
        assert f"`{key}`" in doc, key
    assert "version 2" in doc and "Additive changes keep version 2" in doc


# ------------------------------------------------------------------ JUnit XML

FIXED = datetime(2024, 5, 17, 9, 30, 12, tzinfo=timezone.utc)

# Jenkins' xUnit plugin, junit-10.xsd: the attributes and children each element may have.
JUNIT_10 = {
    "testsuites": ({"name", "time", "tests", "failures", "errors"}, {"testsuite"}),
    "testsuite": (
        {
            "name",
            "tests",
            "failures",
            "errors",
            "group",
            "time",
            "skipped",
            "timestamp",
            "hostname",
            "id",
            "package",
            "file",
            "log",
            "url",
        },
        {"testsuite", "properties", "testcase", "system-out", "system-err"},
    ),
    "properties": (set(), {"property"}),
    "property": ({"name", "value"}, set()),
    "testcase": (
        {"name", "time", "classname", "group"},
        {"skipped", "error", "failure", "system-out", "system-err"},
    ),
    "failure": ({"type", "message"}, set()),
    "error": ({"type", "message"}, set()),
    "skipped": ({"type", "message"}, set()),
    "system-out": (set(), set()),
    "system-err": (set(), set()),
}
JUNIT_10_REQUIRED = {
    "testsuite": {"name", "tests", "failures", "errors"},
    "testcase": {"name"},
    "property": {"name", "value"},
}


def junit(report: Report, **options) -> str:
    return reports.render(report, "junit", timestamp=FIXED, **options)


def suite_properties(xml_text: str) -> dict[str, str]:
    suite = ET.fromstring(xml_text).find("testsuite")
    return {p.get("name"): p.get("value") for p in suite.iter("property")}


@pytest.mark.parametrize("report", ALL_REPORTS, ids=IDS)
def test_junit_is_valid_against_jenkins_junit_10(report):
    root = ET.fromstring(junit(report, hostname="grader-1"))
    assert root.tag == "testsuites"
    for element in root.iter():
        attributes, children = JUNIT_10[element.tag]
        assert set(element.attrib) <= attributes, (element.tag, set(element.attrib) - attributes)
        assert {child.tag for child in element} <= children, (element.tag, [c.tag for c in element])
        assert JUNIT_10_REQUIRED.get(element.tag, set()) <= set(element.attrib)


def test_junit_counts_and_results_by_junitparser():
    xml = JUnitXml.fromstring(junit(make_report()).encode("utf-8"))
    assert xml.name == "calccourse"
    suite = next(iter(xml))
    assert suite.name == "calccourse.lesson03-gradient"
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (4, 1, 1, 1)  # the bonus: skipped
    assert suite.time == pytest.approx(0.457)
    assert suite.timestamp == "2024-05-17T09:30:12"
    cases = list(suite)
    assert [case.name for case in cases] == [test.name for test in make_report().tests]
    assert {case.classname for case in cases} == {"calccourse.lesson03_gradient"}
    assert cases[0].is_passed and cases[0].result == []
    assert cases[1].is_failure and not cases[1].is_error
    assert cases[2].is_error and not cases[2].is_failure
    assert cases[3].is_skipped and not cases[3].is_failure  # a bonus not tried
    assert sum(case.is_failure for case in cases) == suite.failures
    assert sum(case.is_error for case in cases) == suite.errors
    assert sum(case.is_skipped for case in cases) == suite.skipped


def test_junit_points_are_suite_properties():
    props = suite_properties(junit(make_report()))
    assert props["seed"] == "123456" and props["answer"] == "answer.py"
    assert (props["score"], props["max_score"], props["bonus"]) == ("2", "4.5", "0")
    assert props["points: gradient at 5 points"] == "2/2"
    assert props["points: partial derivative ∂f/∂x"] == "0/1.5"
    assert props["points: bonus: numerical gradient (bonus)"] == "0/0.5"
    assert props["confinement"].startswith("landlock v7")


def test_junit_case_details():
    suite = next(iter(JUnitXml.fromstring(junit(make_report()).encode("utf-8"))))
    cases = list(suite)
    failure = cases[1].result[0]
    assert isinstance(failure, Failure)
    assert failure.message == "∂f/∂x at (0.3, 0.1) should be 0.6, got -0.6."
    assert failure.type == "WrongAnswer"
    assert "should be 0.6" in failure.text and "sign slip: d/dx of −x² is −2x." in failure.text
    error = cases[2].result[0]
    assert isinstance(error, Error)
    assert error.type == "ZeroDivisionError"  # from the result's data, not its message
    assert "\n" not in error.message
    assert error.message.endswith("ZeroDivisionError: division by zero")
    assert "line 7, in gradient" in error.text
    assert cases[0].time == pytest.approx(0.001)


def test_junit_names_a_checker_bug_as_such():
    cases = list(next(iter(JUnitXml.fromstring(junit(checker_error_report()).encode()))))
    assert cases[1].is_error and cases[1].result[0].type == "CheckerError"


def test_junit_structure_by_elementtree():
    root = ET.fromstring(junit(make_report(), hostname="grader-1"))
    (suite,) = root
    assert suite.get("hostname") == "grader-1"
    assert [child.tag for child in suite] == ["properties", *["testcase"] * 4, "system-out"]
    assert suite.find("system-out").text == "debug: x = 0.5\n"
    for case in suite.iter("testcase"):
        assert [child.tag for child in case] in ([], ["failure"], ["error"], ["skipped"])
        float(case.get("time"))
    assert ET.fromstring(junit(make_report())).find("testsuite").get("hostname") is None


def test_junit_passing_report():
    xml = JUnitXml.fromstring(junit(passing_report()).encode("utf-8"))
    suite = next(iter(xml))
    assert (suite.tests, suite.failures, suite.errors) == (2, 0, 0)
    assert suite.name == "calccourse.lesson01-derivatives"
    assert all(case.is_passed for case in suite)
    assert ET.fromstring(junit(passing_report())).find("testsuite/system-out") is None


def test_junit_load_error_is_one_errored_case(tmp_path):
    path = tmp_path / "report.xml"
    path.write_text(junit(load_error_report()) + "\n", encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    suite = next(iter(xml))
    assert (suite.tests, suite.failures, suite.errors) == (1, 0, 1)
    (case,) = list(suite)
    assert case.name == "load answer" and case.is_error
    (error,) = case.result
    assert isinstance(error, Error) and error.type == "SyntaxError"
    assert "expected ':'" in error.text and "line 4" in error.text
    assert suite_properties(path.read_text())["max_score"] == "3"
    assert ET.parse(path).find("testsuite/system-out").text == "loading…\n"


def test_junit_load_error_without_exception_name():
    report = load_error_report("Your answer took longer than 5 s to load (time limit).", None, None)
    case = next(iter(next(iter(JUnitXml.fromstring(junit(report).encode())))))
    (error,) = case.result
    assert error.type == "LoadError" and error.message.startswith("Your answer took longer")


def test_junit_is_valid_xml_whatever_the_answer_printed(tmp_path):
    text = junit(nasty_report())
    ET.fromstring(text)  # well-formed for a strict XML 1.0 parser
    path = tmp_path / "nasty.xml"
    path.write_bytes(text.encode("utf-8"))
    suite = next(iter(JUnitXml.fromfile(str(path))))
    case = next(iter(suite))
    assert case.name.startswith("name start \\x1b[31mred")
    assert "\\x00nul" in case.name and "\\x07bell" in case.name and "#xFFFE" in case.name
    assert '<tag> & "q" ]]> é ∂f/∂x 🧮' in case.name and "\\u202egnp.exe\\u200b" in case.name
    out = ET.parse(path).find("testsuite/system-out").text
    assert out.count("\\x1b[31mred") == 40 and "\ufffd" in out and "cut" in out
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]", text)


def test_junit_default_timestamp_is_utc_without_offset():
    suite = ET.fromstring(reports.render(passing_report(), "junit")).find("testsuite")
    stamp = suite.get("timestamp")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", stamp)
    started = datetime.fromisoformat(stamp).replace(tzinfo=timezone.utc)
    assert abs((datetime.now(timezone.utc) - started).total_seconds()) < 60


def test_junit_skips_only_a_bonus_not_tried():
    """A required test is never skipped (that would hide a failure); a tried bonus that failed is a
    failure; one left out is skipped."""
    suite = next(iter(JUnitXml.fromstring(junit(make_report()).encode())))
    skipped = [case.name for case in suite for r in case.result if isinstance(r, Skipped)]
    assert skipped == ["bonus: numerical gradient"]
    tried = next(iter(JUnitXml.fromstring(junit(bonus_report(False, True)).encode())))
    assert [case.is_skipped for case in tried] == [False, False, False]


# ------------------------------------------------------------------ Gradescope

VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}


def check_gradescope_shape(data: dict) -> None:
    assert isinstance(data["score"], (int, float))
    assert isinstance(data["execution_time"], (int, float)) and data["execution_time"] >= 0
    assert isinstance(data["output"], str)
    assert data["output_format"] == "text"
    assert data["visibility"] in VISIBILITY and data["stdout_visibility"] == "hidden"
    assert "max_score" not in data  # not a top-level key in Gradescope's specification
    assert isinstance(data["tests"], list)
    for test in data["tests"]:
        bonus = test["name"].endswith("(optional bonus)")  # extra credit: max_score 0
        assert set(test) == {"name", "score", "max_score", "status", "output", "visibility"}
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert isinstance(test["score"], NUMBER) and isinstance(test["max_score"], NUMBER)
        assert 0 <= test["score"] <= test["max_score"] or (bonus and test["max_score"] == 0)
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in VISIBILITY


@pytest.mark.parametrize("report", ALL_REPORTS, ids=IDS)
def test_gradescope_shape(report):
    check_gradescope_shape(json.loads(reports.render(report, "gradescope")))


def test_gradescope_values():
    report = make_report()
    data = json.loads(gradescope.to_gradescope(report))
    assert data["score"] == 2.0 and data["execution_time"] == 0.457
    assert sum(test["max_score"] for test in data["tests"]) == report.max_score  # the bonus apart
    assert [test["status"] for test in data["tests"]] == [
        "passed",
        "failed",
        "failed",
    ]  # the bonus not tried: not listed
    assert data["tests"][1]["output"] == (
        "∂f/∂x at (0.3, 0.1) should be 0.6, got -0.6.\n→ sign slip: d/dx of −x² is −2x."
    )
    assert "ZeroDivisionError: division by zero" in data["tests"][2]["output"]
    assert "123456" in data["output"] and "--seed 123456" in data["output"]
    assert "Score 2/4.5" in data["output"] and "debug: x = 0.5" in data["output"]


def test_gradescope_bonus_is_extra_credit_only_on_top_of_full_marks():
    earned = json.loads(gradescope.to_gradescope(bonus_report(True, True)))
    assert (
        earned["score"] == 4
        and earned["tests"][2]["max_score"] == 0
        and earned["tests"][2]["status"] == "passed"
    )
    covers_nothing = json.loads(gradescope.to_gradescope(bonus_report(True, False)))
    assert covers_nothing["score"] == 2  # the bonus does not make up for a required test
    assert "counts only once every required test passes" in covers_nothing["output"]
    tried = json.loads(gradescope.to_gradescope(bonus_report(False, True)))
    assert tried["score"] == 3 and tried["tests"][2]["status"] == "failed"


def test_gradescope_quotes_a_path_with_spaces_in_the_rerun_command():
    data = json.loads(gradescope.to_gradescope(make_report(answer="my gradient.py")))
    assert "calccourse check 3 'my gradient.py' --seed 123456" in data["output"]


def test_gradescope_load_error_is_one_failed_test():
    data = json.loads(reports.render(load_error_report(), "gradescope"))
    assert data["score"] == 0
    (test,) = data["tests"]
    assert test["status"] == "failed" and test["score"] == 0 and test["max_score"] == 3
    assert test["output"].endswith("SyntaxError: expected ':'")
    assert "could not be run" in data["output"] and "99" in data["output"]


# ------------------------------------------------------------------ Exercism v3 / GitHub Classroom


def check_exercism_shape(data: dict) -> None:
    assert data["version"] == 3
    assert data["status"] in ("pass", "fail", "error")
    if data["status"] == "error":
        assert isinstance(data["message"], str) and data["message"]
    else:
        assert "message" not in data
    assert isinstance(data["max_score"], (int, float))
    assert isinstance(data["tests"], list)
    for test in data["tests"]:
        assert {"name", "status", "message", "output", "test_code", "score", "line_no"} == set(test)
        assert isinstance(test["name"], str) and isinstance(test["test_code"], str)
        assert test["status"] in ("pass", "fail", "error")
        if test["status"] == "pass":
            assert test["message"] is None
        else:
            assert isinstance(test["message"], str) and test["message"]
        assert isinstance(test["score"], (int, float)) and isinstance(test["line_no"], int)
        for text in (test["message"] or "", test["output"] or "", data.get("message", "")):
            assert not re.search(r"^\s*::", text, re.MULTILINE)  # nothing a CI log would run


@pytest.mark.parametrize("report", ALL_REPORTS, ids=IDS)
def test_exercism_shape(report):
    check_exercism_shape(json.loads(reports.render(report, "exercism")))


def test_exercism_values_and_classroom_points():
    report = make_report()
    data = json.loads(exercism.to_exercism(report))
    assert data["status"] == "fail"
    assert [test["status"] for test in data["tests"]] == [
        "pass",
        "fail",
        "error",
    ]  # the bonus not tried: left out
    assert data["tests"][1]["message"].endswith("→ sign slip: d/dx of −x² is −2x.")
    assert data["tests"][1]["output"].startswith(
        "∂f/∂x at (0.3, 0.1)"
    )  # the reporter prints output for a fail
    assert (
        data["tests"][0]["output"] == "debug: x = 0.5" and data["tests"][0]["test_code"] == "gradient(1, 1)"
    )
    assert data["tests"][2]["line_no"] == 7
    # GitHub Classroom's reporter: "Points {sum of tests[].score}/{max_score}"
    assert sum(test["score"] for test in data["tests"]) == report.score == 2.0
    assert data["max_score"] == report.max_score == 4.5


def test_exercism_bonus_counts_only_on_top_of_full_marks():
    earned = json.loads(exercism.to_exercism(bonus_report(True, True)))
    assert sum(t["score"] for t in earned["tests"]) == 4 and earned["status"] == "pass"
    covers_nothing = json.loads(exercism.to_exercism(bonus_report(True, False)))
    assert sum(t["score"] for t in covers_nothing["tests"]) == 2 and covers_nothing["status"] == "fail"
    tried = json.loads(exercism.to_exercism(bonus_report(False, True)))
    assert tried["status"] == "pass" and tried["tests"][-1]["status"] == "fail"


def test_exercism_makes_workflow_commands_in_learner_text_inert():
    data = json.loads(exercism.to_exercism(nasty_report()))
    assert "> ::error::injected" in data["tests"][0]["message"]
    assert "> ::notice title=Points" in data["tests"][0]["output"]


def test_exercism_load_error():
    data = json.loads(reports.render(load_error_report(), "exercism"))
    assert data["status"] == "error" and data["message"].endswith("SyntaxError: expected ':'")
    assert data["max_score"] == 3
    (test,) = data["tests"]
    assert test["status"] == "error" and test["score"] == 0 and test["message"] == data["message"]
    assert test["name"] == "load answer" and test["line_no"] == 4
    assert test["output"].endswith("loading…")


def test_exercism_output_is_cut_to_500_characters():
    assert exercism.output_of(make_report(output="x" * 499)) == "x" * 499
    output = exercism.output_of(make_report(output="é" * 2000))
    assert len(output) == 500 and output.endswith("Please limit to 500 chars]")
    cut = exercism.output_of(make_report(output="abc", output_truncated=True))  # cut by the sandbox already
    assert cut.startswith("abc") and "truncated" in cut
    assert exercism.output_of(make_report(output="  \n")) is None


# ------------------------------------------------------------------ GitHub Actions annotations

COMMAND = re.compile(r"^::(?P<kind>error|notice|warning)(?: (?P<props>[^:]*))?::(?P<data>.*)$")


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """Read a workflow command back as the runner does (split props on , and =, then unescape)."""
    match = COMMAND.match(line)
    assert match, line

    def unescape(text: str) -> str:
        for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
            text = text.replace(code, char)
        return text

    properties = {}
    for pair in filter(None, (match.group("props") or "").split(",")):
        key, _, value = pair.partition("=")
        properties[key] = unescape(value)
    return match.group("kind"), properties, unescape(match.group("data"))


def test_annotations_per_failed_test_with_line(tmp_path):
    answer = tmp_path / "answer.py"
    lines = github_annotations(make_report(), answer, workspace=tmp_path)
    assert all("\n" not in line and "\r" not in line for line in lines)
    parsed = [parse_command(line) for line in lines]
    assert [kind for kind, _, _ in parsed] == ["error", "error", "notice"]  # a bonus not tried: nothing
    (_, first, data1), (_, second, _), (_, notice, points) = parsed
    assert first == {"file": "answer.py", "title": "lesson 3: partial derivative ∂f/∂x"}
    assert data1 == "∂f/∂x at (0.3, 0.1) should be 0.6, got -0.6.\n→ sign slip: d/dx of −x² is −2x."
    assert second["line"] == "7" and second["file"] == "answer.py"
    assert notice == {"title": "Points"} and points == "Points 2/4.5"


def test_annotations_for_a_tried_bonus_and_a_notebook():
    lines = github_annotations(bonus_report(False, True), "work.ipynb")
    kinds = [parse_command(line)[0] for line in lines]
    assert kinds == ["notice", "notice"]  # a failed bonus is no error
    report = make_report()
    (_, second, _) = parse_command(github_annotations(report, "answer.ipynb")[1])
    assert "line" not in second  # a line inside a cell is no line of the file


def test_annotations_escape_data_and_properties():
    report = nasty_report()
    report.tests[0] = replace(
        report.tests[0], message="50% done\r\n::notice::fake, injected: yes", feedback=None
    )
    line = github_annotations(report, "dir,1/ans:wer.py", workspace="/nowhere")[0]
    kind, properties, data = parse_command(line)
    assert properties["file"] == "dir,1/ans:wer.py"
    # CR shown as an escape, LF kept, and the command-like line marked as everywhere else
    assert data == "50% done\\x0d\n> ::notice::fake, injected: yes"
    assert line.count("\n") == 0 and "%0A> ::notice" in line


def test_annotations_load_error_points_at_the_syntax_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "work").mkdir()
    lines = github_annotations(load_error_report(), "work/answer.py", workspace=tmp_path)
    kind, properties, data = parse_command(lines[0])
    assert kind == "error" and properties["line"] == "4" and properties["file"] == "work/answer.py"
    assert data.endswith("SyntaxError: expected ':'")
    assert parse_command(lines[-1])[2] == "Points 0/3"


def test_annotations_pass_only_points():
    assert github_annotations(passing_report(), "answer.py", workspace="/somewhere/else") == [
        "::notice title=Points::Points 3/3"
    ]


def test_writing_a_report_with_the_cli_convention(tmp_path):
    """What the CLI does with --output: text + newline, UTF-8; each consumer reads it back."""
    for fmt in ("json", "gradescope", "exercism"):
        path = tmp_path / f"{fmt}.json"
        path.write_text(reports.render(nasty_report(), fmt) + "\n", encoding="utf-8")
        json.loads(path.read_text(encoding="utf-8"))
    buffer = io.BytesIO((junit(nasty_report()) + "\n").encode("utf-8"))
    assert next(iter(JUnitXml.fromfile(buffer))).tests == 2
