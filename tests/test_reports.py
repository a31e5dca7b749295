"""Machine reports, each checked by the rules of the tool that reads it.

Reports are built by hand (no sandbox, no lessons), so these tests are fast. What each
consumer requires, as followed here:

- JUnit XML: parsed with junitparser (the library CI plugins and scripts use) and with
  xml.etree; counts of tests/failures/errors/skipped, one result element per failed or
  errored case (Jenkins' junit-4.xsd: ``<failure message type>`` / ``<error message
  type>`` with the details as text), properties on the suite and on each case (pytest's
  ``record_property`` layout).
- Gradescope (Autograder Specifications, "Output format"): top-level ``score`` (number),
  ``execution_time`` (seconds), ``output``; ``tests[]`` with ``name``, ``score``,
  ``max_score``, ``status`` "passed"/"failed", ``output``, ``visibility`` one of hidden,
  after_due_date, after_published, visible.
- Exercism test-runner interface v3: ``version`` 3, ``status`` pass/fail/error,
  ``message`` "required if status = error", otherwise null or omitted; ``tests[]`` with
  ``name``, ``status`` pass/fail/error, ``message`` (null when none), ``output`` "limited
  to 500 chars"; plus GitHub Classroom's ``max_score`` and per-test ``score``.
- GitHub Actions workflow commands: @actions/core's escaping (data: % CR LF; properties
  also : and ,).
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path

import pytest
from junitparser import Error, Failure, JUnitXml, Properties, Skipped

import calccourse
from calccourse import reports
from calccourse.grading import Report
from calccourse.grading import TestResult as Result  # not "Test…": pytest would try to collect it

NASTY = (
    'start \x1b[31mred\x1b[0m \x00nul \x07bell \x0bvt \x1f \ufffe \ud800 <tag> & "q" ]]> é ∂f/∂x 🧮\r\nend'
)
TRACEBACK = (
    "ZeroDivisionError in gradient(f, (0.5, 1.0)):\n"
    '  File "{path}", line 7, in gradient\n'
    "    return 1 / 0\n"
    "ZeroDivisionError: division by zero"
)


def make_report(**changes) -> Report:
    """A failing lesson-3 report: a pass, a fail with feedback, an error, an optional fail."""
    tests = [
        Result("gradient at 5 points", "pass", 2.0, 2.0, "matches at every point.", duration=0.0012),
        Result(
            "partial derivative ∂f/∂x",
            "fail",
            0.0,
            1.5,
            "∂f/∂x at (0.3, 0.1) should be 0.6, got -0.6.",
            feedback="sign slip: d/dx of −x² is −2x.",
            duration=0.0004,
        ),
        Result(
            "gradient of a hidden function",
            "error",
            0.0,
            1.0,
            TRACEBACK.format(path="/work/class/answer.py"),
            duration=0.0001,
        ),
        Result(
            "bonus: numerical gradient",
            "fail",
            0.0,
            0.5,
            "Not started yet: `numgrad` still raises NotImplementedError.",
            required=False,
        ),
    ]
    values = dict(
        lesson=3,
        slug="gradient",
        title="The gradient",
        answer="answer.py",
        seed=123456,
        status="fail",
        tests=tests,
        output="debug: x = 0.5\n",
        duration=0.4567,
        plots=[Path("calccourse-plots/lesson3-check.png")],
    )
    values.update(changes)
    return Report(**values)


def passing_report() -> Report:
    tests = [
        Result("derivative(x) at 5 points", "pass", 1.0, 1.0, "close at every point."),
        Result("rate_of_change(f, x, dx)", "pass", 2.0, 2.0, "close at every point."),
    ]
    return Report(1, "derivatives", "Differential calculus", "answer.py", 7, "pass", tests, duration=0.2)


def load_error_report(
    message: str = "File \"/work/answer.py\", line 4\n    def f(x)\n           ^\nSyntaxError: expected ':'",
) -> Report:
    return Report(
        2,
        "integrals",
        "Integral calculus",
        "/work/answer.py",
        99,
        "error",
        load_error=message,
        output="loading…\n",
        duration=0.05,
        planned_max_score=3,
    )


def nasty_report() -> Report:
    """Output and messages with control characters, markup, unicode and a lone surrogate."""
    tests = [
        Result(f"name {NASTY}", "fail", 0.0, 1.0, f"message {NASTY}", feedback=f"feedback {NASTY}"),
        Result("ok", "pass", 1.0, 1.0, "fine"),
    ]
    return Report(
        5,
        "backpropagation",
        "Backpropagation",
        "ans wer,1:2.py",
        1,
        "fail",
        tests,
        output=(NASTY + "\n") * 40,
        output_truncated=True,
    )


ALL_REPORTS = [make_report(), passing_report(), load_error_report(), nasty_report()]
IDS = ["fail", "pass", "load-error", "nasty"]


# ------------------------------------------------------------------ render()


def test_formats_and_dispatch():
    assert reports.FORMATS == ("text", "json", "junit", "gradescope", "exercism")
    report = make_report()
    assert json.loads(reports.render(report, "json")) == reports.to_dict(report)
    assert reports.render(report, "exercism") == reports.to_exercism(report)
    for fmt in ("text", "yaml", "JSON", ""):
        with pytest.raises(ValueError):
            reports.render(report, fmt)


@pytest.mark.parametrize("report", ALL_REPORTS, ids=IDS)
@pytest.mark.parametrize("fmt", ["json", "junit", "gradescope", "exercism"])
def test_every_format_encodes_as_utf8_without_final_newline(report, fmt):
    text = reports.render(report, fmt)
    text.encode("utf-8")  # no lone surrogates, whatever the answer printed
    assert not text.endswith("\n")  # the CLI adds one when it writes the file


def test_module_imports_only_the_standard_library():
    source = Path(reports.__file__).read_text(encoding="utf-8")
    top_level = [line for line in source.splitlines() if re.match(r"(import|from) ", line)]
    heavy = ("numpy", "scipy", "sympy", "matplotlib", "rich", "typer")
    assert not [line for line in top_level if any(name in line for name in heavy)]


# ------------------------------------------------------------------ json (own schema)

NUMBER = (int, float)
TOP_FIELDS = {
    "schema": str,
    "version": int,
    "tool": dict,
    "lesson": dict,
    "answer": str,
    "seed": int,
    "status": str,
    "score": NUMBER,
    "max_score": NUMBER,
    "duration": NUMBER,
    "load_error": (str, type(None)),
    "output": str,
    "output_truncated": bool,
    "tests": list,
    "plots": list,
}
TEST_FIELDS = {
    "name": str,
    "status": str,
    "points": NUMBER,
    "max_points": NUMBER,
    "required": bool,
    "message": str,
    "feedback": (str, type(None)),
    "duration": NUMBER,
}


@pytest.mark.parametrize("report", ALL_REPORTS, ids=IDS)
def test_json_schema_fields_and_types(report):
    data = json.loads(reports.to_json(report))
    assert set(data) == set(TOP_FIELDS)
    for key, kind in TOP_FIELDS.items():
        assert isinstance(data[key], kind), key
    assert data["schema"] == "calccourse-report" and data["version"] == 1
    assert data["tool"] == {"name": "calccourse", "version": calccourse.__version__}
    assert data["lesson"] == {"number": report.lesson, "slug": report.slug, "title": report.title}
    assert data["status"] in ("pass", "fail", "error") and data["status"] == report.status
    assert (data["load_error"] is None) == (data["status"] != "error")
    assert data["score"] == report.score and data["seed"] == report.seed
    assert data["duration"] == round(report.duration, 3)
    assert all(isinstance(path, str) for path in data["plots"])
    for test in data["tests"]:
        assert set(test) == set(TEST_FIELDS)
        for key, kind in TEST_FIELDS.items():
            assert isinstance(test[key], kind), key
        assert test["status"] in ("pass", "fail", "error")


def test_json_values():
    data = json.loads(reports.to_json(make_report()))
    assert data["score"] == 2.0 and data["max_score"] == 4.5 and data["duration"] == 0.457  # bonus aside
    assert data["plots"] == ["calccourse-plots/lesson3-check.png"]
    fail = data["tests"][1]
    assert fail["feedback"] == "sign slip: d/dx of −x² is −2x." and fail["duration"] == 0.0
    assert data["tests"][0]["feedback"] is None and data["tests"][0]["duration"] == 0.001
    assert data["tests"][3]["required"] is False
    assert "∂f/∂x" in reports.to_json(make_report())  # unicode kept readable, not \u-escaped


def test_json_load_error_uses_the_known_total():
    data = json.loads(reports.render(load_error_report(), "json"))
    assert data["tests"] == [] and data["status"] == "error" and data["max_score"] == 3
    assert data["load_error"].endswith("SyntaxError: expected ':'")


def test_json_keeps_control_characters_escaped():
    text = reports.to_json(nasty_report())
    data = json.loads(text)
    assert "\x1b[31m" in data["output"] and "\x00" in data["output"]
    assert "\ud800" not in data["output"] and "\ufffd" in data["output"]
    assert data["output_truncated"] is True


def test_schema_document_lists_every_field():
    doc = (Path(__file__).parents[1] / "docs" / "report-schema.md").read_text(encoding="utf-8")
    for key in [*TOP_FIELDS, *TEST_FIELDS]:
        assert f"`{key}`" in doc, key
    assert "Additive changes keep version 1" in doc


# ------------------------------------------------------------------ JUnit XML

FIXED = datetime(2024, 5, 17, 9, 30, 12, tzinfo=timezone.utc)


def junit(report: Report, **options) -> str:
    return reports.render(report, "junit", timestamp=FIXED, **options)


def props(element) -> dict[str, str]:
    """The ``<properties>`` of a junitparser suite or case, as a dict."""
    found = element.child(Properties)
    return {} if found is None else {prop.name: prop.value for prop in found}


def test_junit_counts_and_results_by_junitparser():
    xml = JUnitXml.fromstring(junit(make_report()).encode("utf-8"))
    assert xml.name == "calccourse"
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (4, 1, 1, 1)  # the bonus: skipped
    suites = list(xml)
    assert len(suites) == 1
    suite = suites[0]
    assert suite.name == "calccourse.lesson03-gradient"
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (4, 1, 1, 1)
    assert suite.time == pytest.approx(0.457)
    assert suite.timestamp == "2024-05-17T09:30:12"
    assert props(suite) == {"seed": "123456", "answer": "answer.py", "score": "2", "max_score": "4.5"}
    cases = list(suite)
    assert [case.name for case in cases] == [test.name for test in make_report().tests]
    assert {case.classname for case in cases} == {"calccourse.lesson03_gradient"}
    assert cases[0].is_passed and cases[0].result == []
    assert cases[1].is_failure and not cases[1].is_error
    assert cases[2].is_error and not cases[2].is_failure
    assert cases[3].is_skipped and not cases[3].is_failure  # a bonus not earned
    assert [case.is_skipped for case in cases] == [False, False, False, True]
    # recount from the cases, as a CI server does
    assert sum(case.is_failure for case in cases) == suite.failures
    assert sum(case.is_error for case in cases) == suite.errors
    assert sum(case.is_skipped for case in cases) == suite.skipped


def test_junit_case_details():
    suite = next(iter(JUnitXml.fromstring(junit(make_report()).encode("utf-8"))))
    cases = list(suite)
    assert props(cases[0]) == {"points": "2", "max_points": "2", "required": "true"}
    assert props(cases[1]) == {"points": "0", "max_points": "1.5", "required": "true"}
    assert props(cases[3])["required"] == "false"
    failure = cases[1].result[0]
    assert isinstance(failure, Failure)
    assert failure.message == "∂f/∂x at (0.3, 0.1) should be 0.6, got -0.6."
    assert failure.type == "WrongAnswer"
    assert "should be 0.6" in failure.text and "sign slip: d/dx of −x² is −2x." in failure.text
    error = cases[2].result[0]
    assert isinstance(error, Error)
    assert error.type == "ZeroDivisionError"
    assert "\n" not in error.message
    assert error.message.endswith("ZeroDivisionError: division by zero")
    assert "line 7, in gradient" in error.text
    assert cases[0].time == pytest.approx(0.001)


def test_junit_structure_by_elementtree():
    root = ET.fromstring(junit(make_report(), hostname="grader-1"))
    assert root.tag == "testsuites"
    assert {"name", "tests", "failures", "errors", "skipped", "time"} <= set(root.attrib)
    (suite,) = root
    assert suite.tag == "testsuite"
    assert {"name", "tests", "failures", "errors", "skipped", "time", "timestamp"} <= set(suite.keys())
    assert suite.get("hostname") == "grader-1"
    # properties first, then the cases, then system-out (Jenkins' schema order)
    assert [child.tag for child in suite] == ["properties", *["testcase"] * 4, "system-out"]
    assert suite.find("system-out").text == "debug: x = 0.5\n"
    for case in suite.iter("testcase"):
        assert {"classname", "name", "time"} <= set(case.attrib)
        tags = [child.tag for child in case]
        assert tags[0] == "properties"
        assert tags[1:] in ([], ["failure"], ["error"], ["skipped"])
        for result in case[1:]:
            assert {"message", "type"} <= set(result.attrib) or result.tag == "skipped"
        float(case.get("time"))
    assert ET.fromstring(junit(make_report())).find("testsuite").get("hostname") is None


def test_junit_passing_report():
    xml = JUnitXml.fromstring(junit(passing_report()).encode("utf-8"))
    assert (xml.tests, xml.failures, xml.errors) == (2, 0, 0)
    suite = next(iter(xml))
    assert suite.name == "calccourse.lesson01-derivatives"
    assert all(case.is_passed for case in suite)
    # the answer printed nothing: no system-out
    assert ET.fromstring(junit(passing_report())).find("testsuite/system-out") is None


def test_junit_load_error_is_one_errored_case(tmp_path):
    path = tmp_path / "report.xml"
    path.write_text(junit(load_error_report()) + "\n", encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    assert (xml.tests, xml.failures, xml.errors) == (1, 0, 1)
    suite = next(iter(xml))
    (case,) = list(suite)
    assert case.name == "load answer" and case.is_error
    (error,) = case.result
    assert isinstance(error, Error) and error.type == "SyntaxError"
    assert "expected ':'" in error.text and "line 4" in error.text
    assert props(case) == {"points": "0", "max_points": "3"}
    assert props(suite)["max_score"] == "3"
    assert case.system_out is None
    assert ET.parse(path).find("testsuite/system-out").text == "loading…\n"


def test_junit_load_error_without_exception_name():
    report = load_error_report("Your answer took longer than 5 s to load (time limit).")
    case = next(iter(next(iter(JUnitXml.fromstring(junit(report).encode())))))
    (error,) = case.result
    assert error.type == "LoadError" and error.message.startswith("Your answer took longer")


def test_junit_is_valid_xml_whatever_the_answer_printed(tmp_path):
    text = junit(nasty_report())
    ET.fromstring(text)  # well-formed for a strict XML 1.0 parser
    path = tmp_path / "nasty.xml"
    path.write_bytes(text.encode("utf-8"))
    xml = JUnitXml.fromfile(str(path))
    suite = next(iter(xml))
    assert props(suite)["answer"] == "ans wer,1:2.py"
    case = next(iter(suite))
    assert case.name.startswith("name start #x1B[31mred")
    assert "#x00nul" in case.name and "#x07bell" in case.name and "#xFFFE" in case.name
    assert '<tag> & "q" ]]> é ∂f/∂x 🧮' in case.name
    failure = case.result[0]
    assert "#x1B[31m" in failure.text and "feedback start" in failure.text
    out = ET.parse(path).find("testsuite/system-out").text
    assert out.count("#x1B[31mred") == 40 and "\ufffd" in out and "cut" in out
    # nothing XML 1.0 forbids survives anywhere in the document
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]", text)


def test_junit_default_timestamp_is_utc_without_offset():
    suite = ET.fromstring(reports.render(passing_report(), "junit")).find("testsuite")
    stamp = suite.get("timestamp")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", stamp)
    started = datetime.fromisoformat(stamp).replace(tzinfo=timezone.utc)
    assert abs((datetime.now(timezone.utc) - started).total_seconds()) < 60


def test_junit_skips_only_an_unearned_bonus():
    """A required test is never skipped (that would hide a failure); a bonus not earned is."""
    suite = next(iter(JUnitXml.fromstring(junit(make_report()).encode())))
    skipped = [case.name for case in suite for r in case.result if isinstance(r, Skipped)]
    assert skipped == ["bonus: numerical gradient"]


# ------------------------------------------------------------------ Gradescope

VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}


def check_gradescope_shape(data: dict) -> None:
    assert isinstance(data["score"], (int, float))
    assert isinstance(data["execution_time"], (int, float)) and data["execution_time"] >= 0
    assert isinstance(data["output"], str)
    assert data["output_format"] == "text"
    assert data["visibility"] in VISIBILITY and data["stdout_visibility"] in VISIBILITY
    assert "max_score" not in data  # not a top-level key in Gradescope's specification
    assert isinstance(data["tests"], list) and data["tests"]
    for test in data["tests"]:
        bonus = test["name"].endswith("(optional bonus)")  # extra credit: max_score 0, no status
        keys = {"name", "score", "max_score", "output", "visibility"}
        assert set(test) == (keys if bonus else keys | {"status"})
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert isinstance(test["score"], NUMBER) and isinstance(test["max_score"], NUMBER)
        assert 0 <= test["score"] <= test["max_score"] or (bonus and test["max_score"] == 0)
        assert bonus or test["status"] in ("passed", "failed")
        assert test["visibility"] in VISIBILITY


@pytest.mark.parametrize("report", ALL_REPORTS, ids=IDS)
def test_gradescope_shape(report):
    check_gradescope_shape(json.loads(reports.render(report, "gradescope")))


def test_gradescope_values():
    report = make_report()
    data = json.loads(reports.to_gradescope(report))
    assert data["score"] == 2.0 and data["execution_time"] == 0.457
    assert sum(test["max_score"] for test in data["tests"]) == report.max_score
    assert [test.get("status") for test in data["tests"]] == ["passed", "failed", "failed", None]
    assert data["tests"][3]["max_score"] == 0 and data["tests"][3]["name"].endswith("(optional bonus)")
    assert data["tests"][1]["output"] == (
        "∂f/∂x at (0.3, 0.1) should be 0.6, got -0.6.\n→ sign slip: d/dx of −x² is −2x."
    )
    assert "ZeroDivisionError: division by zero" in data["tests"][2]["output"]
    assert "123456" in data["output"] and "--seed 123456" in data["output"]
    assert "Score 2/4.5" in data["output"] and "debug: x = 0.5" in data["output"]


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
        assert data.get("message") is None
        assert "message" not in data
    assert isinstance(data["max_score"], (int, float))
    assert isinstance(data["tests"], list)
    for test in data["tests"]:
        assert {"name", "status", "message", "output", "score"} == set(test)
        assert "task_id" not in test
        assert isinstance(test["name"], str)
        assert test["status"] in ("pass", "fail", "error")
        if test["status"] == "pass":
            assert test["message"] is None
        else:
            assert isinstance(test["message"], str) and test["message"]
        output = test["output"]
        assert output is None or (isinstance(output, str) and len(output) <= 500)
        assert isinstance(test["score"], (int, float))


@pytest.mark.parametrize("report", ALL_REPORTS, ids=IDS)
def test_exercism_shape(report):
    check_exercism_shape(json.loads(reports.render(report, "exercism")))


def test_exercism_values_and_classroom_points():
    report = make_report()
    data = json.loads(reports.to_exercism(report))
    assert data["status"] == "fail"
    assert [test["status"] for test in data["tests"]] == ["pass", "fail", "error", "fail"]
    assert data["tests"][1]["message"].endswith("→ sign slip: d/dx of −x² is −2x.")
    assert all(test["output"] == "debug: x = 0.5" for test in data["tests"])
    # GitHub Classroom's reporter: "Points {sum of tests[].score}/{max_score}"
    assert sum(test["score"] for test in data["tests"]) == report.score == 2.0
    assert data["max_score"] == report.max_score == 4.5


def test_exercism_status_follows_required_tests():
    report = passing_report()
    report.tests.append(Result("bonus", "fail", 0.0, 1.0, "Not started yet.", required=False))
    data = json.loads(reports.to_exercism(report))
    assert data["status"] == "pass" and data["tests"][-1]["status"] == "fail"
    data = json.loads(reports.to_exercism(passing_report()))
    assert data["status"] == "pass" and all(t["output"] is None for t in data["tests"])


def test_exercism_load_error():
    data = json.loads(reports.render(load_error_report(), "exercism"))
    assert data["status"] == "error" and data["message"].endswith("SyntaxError: expected ':'")
    assert data["max_score"] == 3
    (test,) = data["tests"]
    assert test["status"] == "error" and test["score"] == 0 and test["message"] == data["message"]
    assert test["name"] == "load answer" and test["output"] == "loading…"


def test_exercism_output_is_cut_to_500_characters():
    long = make_report(output="x" * 499)
    assert json.loads(reports.to_exercism(long))["tests"][0]["output"] == "x" * 499
    longer = make_report(output="é" * 2000)
    output = json.loads(reports.to_exercism(longer))["tests"][0]["output"]
    assert len(output) == 500 and output.endswith("Please limit to 500 chars]")
    # cut by the sandbox already: say so even when short
    cut = json.loads(reports.to_exercism(make_report(output="abc", output_truncated=True)))
    assert cut["tests"][0]["output"].startswith("abc") and "truncated" in cut["tests"][0]["output"]
    assert json.loads(reports.to_exercism(make_report(output="  \n")))["tests"][0]["output"] is None


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
    report = make_report()
    report.tests[2].message = TRACEBACK.format(path=answer.resolve())
    lines = reports.github_annotations(report, answer, workspace=tmp_path)
    assert all("\n" not in line and "\r" not in line for line in lines)
    parsed = [parse_command(line) for line in lines]
    assert [kind for kind, _, _ in parsed] == ["error", "error", "notice", "notice"]  # a bonus: notice
    (_, first, data1), (_, second, _), (_, third, _), (_, notice, points) = parsed
    assert first == {"file": "answer.py", "title": "lesson 3: partial derivative ∂f/∂x"}
    assert data1 == "∂f/∂x at (0.3, 0.1) should be 0.6, got -0.6.\n→ sign slip: d/dx of −x² is −2x."
    assert second["line"] == "7" and second["file"] == "answer.py"
    assert third["title"] == "lesson 3: bonus: numerical gradient (optional)"
    assert "line" not in third
    assert notice == {"title": "Points"} and points == "Points 2/4.5"


def test_annotations_escape_data_and_properties():
    report = nasty_report()
    report.tests[0].message = "50% done\r\n::notice::fake, injected: yes"
    report.tests[0].feedback = None
    line = reports.github_annotations(report, "dir,1/ans:wer.py", workspace="/nowhere")[0]
    assert line == (
        "::error file=dir%2C1/ans%3Awer.py,title=lesson 5%3A name "
        + NASTY.replace("%", "%25")
        .replace("\r", "%0D")
        .replace("\n", "%0A")
        .replace(":", "%3A")
        .replace(",", "%2C")
        .replace("\ud800", "\ufffd")
        + "::50%25 done%0D%0A::notice::fake, injected: yes"
    )
    assert line.count("\n") == 0


def test_annotations_load_error_points_at_the_syntax_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "work").mkdir()
    where = tmp_path / "work" / "answer.py"
    report = load_error_report(
        f"  File \"{where}\", line 4\n    def f(x)\n           ^\nSyntaxError: expected ':'"
    )
    lines = reports.github_annotations(report, "work/answer.py", workspace=tmp_path)
    kind, properties, data = parse_command(lines[0])
    assert kind == "error" and properties["line"] == "4" and properties["file"] == "work/answer.py"
    assert data.endswith("SyntaxError: expected ':'")
    assert parse_command(lines[-1])[2] == "Points 0/3"


def test_annotations_pass_only_points(monkeypatch):
    monkeypatch.setenv("GITHUB_WORKSPACE", "/somewhere/else")
    lines = reports.github_annotations(passing_report(), "answer.py")
    assert lines == ["::notice title=Points::Points 3/3"]


def test_answer_line_picks_the_innermost_frame_of_the_answer(tmp_path):
    answer = tmp_path / "answer.py"
    message = (
        f'Error:\n  File "{answer}", line 3, in f\n  File "/usr/lib/x.py", line 90, in g\n'
        f'  File "{answer}", line 12, in h\nValueError: no'
    )
    assert reports.answer_line(message, answer) == 12
    assert reports.answer_line("no traceback here, line 5", answer) is None
    assert reports.answer_line('File "/elsewhere/other.py", line 5', answer) is None


def test_writing_a_report_with_the_cli_convention(tmp_path):
    """What the CLI does with --output: text + newline, UTF-8; each consumer reads it back."""
    for fmt in ("json", "gradescope", "exercism"):
        path = tmp_path / f"{fmt}.json"
        path.write_text(reports.render(nasty_report(), fmt) + "\n", encoding="utf-8")
        json.loads(path.read_text(encoding="utf-8"))
    buffer = io.BytesIO((junit(nasty_report()) + "\n").encode("utf-8"))
    assert JUnitXml.fromfile(buffer).tests == 2


def test_a_lesson_without_tests_is_not_a_load_error():
    """No tests and no load error (a checker that planned nothing): no invented 'load answer'."""
    report = Report(4, "jacobian", "The Jacobian", "answer.py", 3, "pass")
    for fmt in ("junit", "gradescope", "exercism"):
        assert "load answer" not in reports.render(report, fmt)
    assert JUnitXml.fromstring(junit(report).encode()).tests == 0
    assert json.loads(reports.to_exercism(report))["status"] == "pass"
    assert reports.github_annotations(report, "answer.py")[-1] == "::notice title=Points::Points 0/0"
