"""Grading: plan a lesson's tests, run an answer's calls in the sandbox, judge what came back.

The calls run in the sandbox; the judges run here, in the grading process, which alone
decides the verdict. Results are data: each :class:`TestResult` records its status, the
kind of error, whom it blames (the answer or the lesson), the exception and the line;
reports, exit codes and ``dev check`` read those fields, never the messages.
"""

from __future__ import annotations

import ast
import re
import secrets
import shlex
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from calccourse import author
from calccourse.answers import Answer
from calccourse.author import WrongAnswer
from calccourse.lesson import LessonError, LessonPlugin, describe, has_variants, variant_of
from calccourse.limits import DEFAULT_LIMITS, Limits
from calccourse.sandbox import AnswerSandbox
from calccourse.sandbox.protocol import Call, Code, Fn, Job, Outcome, encode
from calccourse.status import ExitCode, Status
from calccourse.variants import Variant

Blame = Literal["answer", "lesson"]


@dataclass(frozen=True)
class TestResult:
    """How one test went, as data.

    ``error`` is the kind of error when the test did not judge a value (``missing``,
    ``not_started``, ``timeout``, ..., or ``checker`` when the lesson's judge failed);
    ``blame`` says whose fault a failure is; ``exception`` and ``line`` locate an error in
    the answer, ``location`` and ``details`` a bug in the lesson.
    """

    __test__ = False  # not a pytest test class

    name: str
    status: Status
    points: float
    max_points: float
    message: str
    feedback: str | None = None
    bonus: bool = False
    error: str | None = None
    blame: Blame | None = None
    exception: str | None = None
    line: int | None = None
    location: str | None = None
    details: str | None = None
    mistake: str | None = None  # which named mistake it was: the feedback, its numbers left out
    label: str | None = None  # the mistake's short name, as the lesson names it ("scaled line")
    code: str = ""  # the calls the test made, as they read (the first few)
    duration: float = 0.0

    @property
    def required(self) -> bool:
        return not self.bonus

    @property
    def not_tried(self) -> bool:
        """A bonus the answer left out: neither earned nor failed."""
        return self.bonus and self.error in ("missing", "not_started")


@dataclass(frozen=True)
class LoadError:
    """Why an answer could not be run at all."""

    kind: str
    message: str
    exception: str | None = None
    line: int | None = None


@dataclass
class Report:
    """The outcome of checking one answer file against one lesson."""

    lesson: int
    slug: str
    title: str
    answer: str
    seed: int
    tests: list[TestResult] = field(default_factory=list)
    load_error: LoadError | None = None
    output: str = ""
    output_truncated: bool = False
    duration: float = 0.0
    plots: list[Path] = field(default_factory=list)
    max_score: float = 0.0  # what the required tests are worth, even when none could run
    max_bonus: float = 0.0
    sha256: str = ""
    confinement: str = ""
    notes: list[str] = field(default_factory=list)  # e.g. the notebook magics that were skipped
    retried: bool = False  # its worker was lost once and it ran again on a fresh one
    learner: str | None = None  # the learner whose variant was judged (None: the course's own)
    variant: str | None = None  # that variant's key (docs/authoring.md, "Variants")
    parameters: dict[str, Any] | None = None  # that variant's parameters

    @property
    def checker_error(self) -> bool:
        """A test failed because of a bug in the lesson, not in the answer."""
        return any(test.blame == "lesson" for test in self.tests)

    @property
    def status(self) -> Status:
        if self.load_error is not None:
            return "error"
        return "pass" if all(test.status == "pass" for test in self.tests if test.required) else "fail"

    @property
    def verdict(self) -> str:
        """The status, or ``checker-error`` when the lesson, not the answer, is to blame."""
        return "checker-error" if self.checker_error else self.status

    @property
    def score(self) -> float:
        """Points earned on the required tests: a bonus never counts towards it."""
        return round(float(sum(test.points for test in self.tests if test.required)), 6)

    @property
    def bonus(self) -> float:
        return round(float(sum(test.points for test in self.tests if test.bonus)), 6)

    @property
    def exit_code(self) -> ExitCode:
        if self.checker_error:
            return ExitCode.LESSON_BROKEN
        return {"pass": ExitCode.OK, "fail": ExitCode.FAILED, "error": ExitCode.NOT_RUN}[self.status]


@dataclass
class Graded:
    """A report with what it was made from: the tests and, per test, the values that came
    back (None when a call of that test failed), for the check plot."""

    report: Report
    tests: list[author.Test]
    values: list[list[Any] | None]


def new_seed() -> int:
    return secrets.randbelow(2**31)


def plan(plugin: LessonPlugin, seed: int, variant: Variant | None = None) -> list[author.Test]:
    """The lesson's tests for this seed: fresh, reproducible inputs; in a lesson with
    variants, ``tests(rng, variant)`` for ``variant`` (the course's own when None).

    Every way the checker can be broken is a LessonError naming it: checker.py does not
    import, has no ``tests``, ``tests(rng)`` raises or returns something other than a list
    of Tests, or a probe call has no probes.py function to run.
    """
    import numpy as np

    from calccourse.timelimit import run_limited

    limit = plugin.lesson.limits.checker
    checker = run_limited(plugin, "checker", "checker.py", limit, plugin.module, "checker")
    make = getattr(checker, "tests", None)
    if not callable(make):
        raise plugin.broken("checker", "checker.py", "it defines no function tests(rng)")
    arguments: tuple[Any, ...] = (np.random.default_rng(seed),)
    if has_variants(plugin):
        arguments += (variant or variant_of(plugin, None),)
    try:
        tests = run_limited(plugin, "checker", "checker.py", limit, make, *arguments)
    except LessonError:
        raise
    except Exception as error:
        raise plugin.broken(
            "checker",
            "checker.py",
            f"tests(rng) raised {describe(error, plugin.folder)}",
            traceback.format_exc(),
        ) from None
    if not isinstance(tests, (list, tuple)) or not tests:
        what = "an empty list" if isinstance(tests, (list, tuple)) else type(tests).__name__
        raise plugin.broken("checker", "checker.py", f"tests(rng) returned {what}, not a list of Test")
    for test in tests:
        if not isinstance(test, author.Test):
            raise plugin.broken(
                "checker", "checker.py", f"tests(rng) returned {type(test).__name__} among its tests"
            )
        if not test.calls or not all(isinstance(c, Call) for c in test.calls):
            raise plugin.broken(
                "checker", "checker.py", f"test {test.name!r} has no calls (or not Call objects)"
            )
        for made in test.calls:
            try:
                encode(made.args)
            except TypeError as error:  # what no answer could be called with
                raise plugin.broken("checker", "checker.py", f"test {test.name!r}: {error}") from None
    _check_probes(plugin, list(tests))
    return [replace(test, plot=_limited_plot(test.plot, plugin)) if test.plot else test for test in tests]


def _limited_plot(draw: author.Plot, plugin: LessonPlugin) -> author.Plot:
    """A test's plot under the judge's time limit: it draws for `check`, the class pages
    and `dev check` alike, and one that never ends is a TimeLimitError where it is drawn."""
    from calccourse.timelimit import run_limited

    def limited(values: Any, axes: Any) -> None:
        run_limited(plugin, "judge", "checker.py", plugin.lesson.limits.judge, draw, values, axes)

    return limited


def _check_probes(plugin: LessonPlugin, tests: list[author.Test]) -> None:
    wanted = sorted({c.target for test in tests for c in test.calls if c.kind == "probe"})
    if not wanted:
        return
    path = plugin.probes_path
    if path is None:
        raise plugin.broken(
            "probes.py",
            "probes.py",
            f"the checker runs probes ({', '.join(wanted)}) but there is no probes.py",
        )
    try:
        tree = ast.parse(path.read_bytes(), str(path))
    except (OSError, SyntaxError, ValueError) as error:
        raise plugin.broken("probes.py", "probes.py", describe(error)) from None
    defined = {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    missing = [name for name in wanted if name not in defined]
    if missing:
        raise plugin.broken("probes.py", "probes.py", f"it defines no function {', '.join(missing)}")


def probes_code(plugin: LessonPlugin) -> Code | None:
    path = plugin.probes_path
    return Code.single(str(path), path.read_bytes()) if path is not None else None


def grade(
    plugin: LessonPlugin,
    answer: Answer,
    sandbox: AnswerSandbox,
    limits: Limits = DEFAULT_LIMITS,
    *,
    tests: Sequence[author.Test] | None = None,
) -> Graded:
    """Run the answer in the sandbox, judge every test, and build the report (the engine
    under :meth:`calccourse.course.Course.check`, which every command goes through).
    ``tests``, when given, are the lesson's tests for ``limits.seed``, planned ahead."""
    started = time.perf_counter()
    if tests is not None and limits.seed is None:
        raise ValueError("tests planned ahead need the seed they were planned with")
    seed = new_seed() if limits.seed is None else limits.seed
    variant = variant_of(plugin, limits.learner) if limits.learner is not None else None
    tests = list(tests) if tests is not None else plan(plugin, seed, variant)
    report = Report(
        lesson=plugin.number,
        slug=plugin.slug,
        title=plugin.title,
        answer=answer.display,
        seed=seed,
        max_score=round(sum(test.points for test in tests if not test.bonus), 6),
        max_bonus=round(sum(test.points for test in tests if test.bonus), 6),
        sha256=answer.sha256,
        notes=list(answer.notes),
        learner=limits.learner,
        variant=None if variant is None else variant.key,
        parameters=None if variant is None else dict(variant.parameters),
    )
    graded = Graded(report, tests, [])
    if answer.problem is not None:
        report.load_error = LoadError("unreadable", answer.problem)
        report.duration = time.perf_counter() - started
        return graded
    job = Job(
        code=answer.code,
        calls=tuple(call for test in tests for call in test.calls),
        probes=probes_code(plugin),
        timeout=limits.timeout,
        cap=limits.cap,
        memory_mb=limits.memory_mb,
        require_confinement=limits.require_confinement,
        imports=answer.imports,
        modules=Code(answer.modules) if answer.modules else None,
    )
    run = sandbox.run(job)
    judged = time.perf_counter()
    report.output, report.output_truncated = run.output, run.output_truncated
    report.confinement, report.retried = run.confinement, run.retried
    if run.written:
        report.notes.append(written_note(run.written, run.written_count, answer.display))
    if run.load_error is not None:
        failure = run.load_error
        report.load_error = LoadError(
            failure.error or "crashed", failure.message, failure.exception, failure.line
        )
    else:
        position = 0
        for test in tests:
            outcomes = list(run.outcomes[position : position + len(test.calls)])
            position += len(test.calls)
            graded.values.append([o.value for o in outcomes] if all(o.ok for o in outcomes) else None)
            report.tests.append(judge(test, outcomes, plugin))
    # The answer's time and the judging: not the wait for a worker to start, which is ours.
    end = time.perf_counter()
    report.duration = run.ran + end - judged if run.ran else end - started
    return graded


def written_note(names: Sequence[str], count: int, display: str) -> str:
    """What to tell a learner whose answer wrote files: they are gone, and how to keep them."""
    shown = ", ".join(names[:5]) + (f" and {count - 5} more" if count > 5 else "")
    how = "the notebook" if display.lower().endswith(".ipynb") else f"`python {shlex.quote(display)}`"
    return (
        f"your answer wrote {shown}; calccourse runs answers in a private folder and does not "
        f"keep it (run {how} yourself to get {'them' if count > 1 else 'it'})."
    )


def judge(test: author.Test, outcomes: list[Outcome], plugin: LessonPlugin) -> TestResult:
    """Turn one test's outcomes into a result; no error in the answer or in the lesson escapes."""
    started = time.perf_counter()
    labels = [c.label for c in test.calls]
    code = "\n".join(labels[:6] + ([f"… and {len(labels) - 6} more"] if len(labels) > 6 else []))
    base: dict[str, Any] = {
        "name": test.name,
        "max_points": test.points,
        "bonus": test.bonus,
        "points": 0.0,
        "code": code,
    }
    failed = next((outcome for outcome in outcomes if not outcome.ok), None)
    if failed is not None:
        result = TestResult(**base, **_error_fields(failed, test, plugin))
    else:
        try:
            message = _run_judge(test, outcomes, plugin)
        except WrongAnswer as wrong:
            result = TestResult(
                **base,
                status="fail",
                message=wrong.message,
                feedback=wrong.feedback,
                blame="answer",
                mistake=mistake_key(wrong.feedback),
                label=wrong.label,
            )
        except ANSWERS_FAULTS as error:
            result = TestResult(**base, **_unjudgeable(error))
        except Exception as error:  # noqa: BLE001 - a bug in the lesson must not look like the learner's
            result = TestResult(**base, **checker_bug(error, plugin))
        else:
            result = TestResult(**{**base, "points": test.points}, status="pass", message=message)
    return _timed(result, time.perf_counter() - started)


# What a judge raises on values no answer should return, whoever wrote the judge: numbers past
# what floats hold (OverflowError, FloatingPointError, and NumPy's RuntimeWarning where warnings
# are errors), nesting past the recursion limit. Values
# reach judges bounded (protocol.bounded), but a judge's arithmetic can still leave the floats
# (a 2¹⁰⁰⁰ squared); on the reference's values the same judge never meets them. So these are the
# answer's failure, and any other exception stays the lesson's (a judge re-run on the reference
# solution's values would tell more, at the price of running the solution for every answer).
ANSWERS_FAULTS = (OverflowError, FloatingPointError, RuntimeWarning, RecursionError)


def _unjudgeable(error: BaseException) -> dict[str, Any]:
    """The fields of a result whose values broke the judge's arithmetic: the answer's fault."""
    return {
        "status": "fail",
        "message": (
            "Your answer's values could not be checked: they are too large or nested too deep"
            f" to compare ({describe(error)})."
        ),
        "error": "unconvertible",
        "blame": "answer",
        "exception": type(error).__name__,
    }


def _timed(result: TestResult, seconds: float) -> TestResult:
    return replace(result, duration=seconds)


class JudgeContractError(Exception):
    """A judge broke its contract (it returned something other than its pass message);
    ``location`` is where the judge is defined."""

    def __init__(self, message: str, location: str | None = None) -> None:
        super().__init__(message)
        self.location = location


def _run_judge(test: author.Test, outcomes: list[Outcome], plugin: LessonPlugin) -> str:
    from calccourse.timelimit import run_limited

    def quietly(argument: Any) -> Any:
        """The judge, with NumPy's floating-point warnings off in its thread: an answer's
        point outside a function's domain is the judge's to report, not noise on stderr."""
        import numpy as np

        with np.errstate(all="ignore"):
            return test.judge(argument)

    def run(argument: Any) -> Any:
        return run_limited(plugin, "judge", "checker.py", plugin.lesson.limits.judge, quietly, argument)

    if test.legacy:  # a 0.1 judge: Outcomes in, a Verdict out (or WrongAnswer raised)
        verdict = run(outcomes)
        if not isinstance(verdict, Verdict):
            raise JudgeContractError(
                f"the judge of {test.name!r} returned {type(verdict).__name__}, not a Verdict",
                defined_at(test.judge),
            )
        if verdict.status != "pass":
            raise WrongAnswer(verdict.message, verdict.feedback)
        return verdict.message
    message = run([outcome.value for outcome in outcomes])
    if not isinstance(message, str):
        raise JudgeContractError(
            f"the judge of {test.name!r} returned {type(message).__name__}: a judge returns its pass "
            "message (a str) or raises WrongAnswer",
            defined_at(test.judge),
        )
    return message


def defined_at(function: Any) -> str | None:
    """Where a function is defined (``file, line N``), to locate a judge that broke its contract."""
    code = getattr(function, "__code__", None)
    return f"{code.co_filename}, line {code.co_firstlineno}" if code is not None else None


NUMBER = re.compile(r"[-−]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def mistake_key(feedback: str | None) -> str | None:
    """A named mistake as one key for a whole class: its feedback without the numbers of
    one answer's inputs ("about 1/dx = 100 times too large" is one mistake at every dx)."""
    return None if feedback is None else NUMBER.sub("#", " ".join(feedback.split()))


def checker_bug(error: Exception, plugin: LessonPlugin) -> dict[str, Any]:
    """The fields of a result whose judge raised: the lesson's bug, with its file and line."""
    frames = traceback.extract_tb(error.__traceback__)
    folder = str(plugin.folder)
    inside = [frame for frame in frames if frame.filename.startswith(folder)] or frames[-1:]
    location = f"{inside[-1].filename}, line {inside[-1].lineno}" if inside else None
    location = getattr(error, "location", None) or location  # a time limit's or a contract's
    reason = (
        error.reason
        if isinstance(error, LessonError)
        else str(error)
        if isinstance(error, JudgeContractError)
        else describe(error)
    )
    return {
        "status": "error",
        "message": f"The lesson's checker failed (a bug in the lesson, not in your answer): {reason}",
        "error": "checker",
        "blame": "lesson",
        "exception": type(error).__name__,
        "location": location,
        "details": "".join(traceback.format_exception(type(error), error, error.__traceback__)),
    }


def _error_fields(outcome: Outcome, test: author.Test, plugin: LessonPlugin) -> dict[str, Any]:
    """A result for a call that did not return a value."""
    located = {
        "error": outcome.error,
        "blame": "answer",
        "exception": outcome.exception,
        "line": outcome.line,
    }
    if outcome.error == "missing" and test.bonus:
        names = ", ".join(dict.fromkeys(call.reads for call in test.calls))
        return {
            **located,
            "status": "fail",
            "message": f"Optional bonus: define {names} to try it (it never changes the verdict).",
        }
    if outcome.error == "missing":
        names = ", ".join(plugin.lesson.answer)
        return {
            **located,
            "status": "fail",
            "message": f"{outcome.message} Define these names in your answer file: {names}.",
        }
    if outcome.error == "not_started":
        return {**located, "status": "fail", "message": f"Not started yet: {outcome.message}"}
    if outcome.error == "unconvertible":
        return {**located, "status": "fail", "message": outcome.message}
    return {**located, "status": "error", "message": outcome.message}


# ---------------------------------------------------------------- the 0.1 author API, for one release


@dataclass(frozen=True)
class Verdict:
    """0.1's judge result; new judges return the pass message or raise WrongAnswer."""

    status: Status
    message: str
    feedback: str | None = None

    @classmethod
    def passed(cls, message: str) -> Verdict:
        return cls("pass", message)

    @classmethod
    def failed(cls, message: str, feedback: str | None = None) -> Verdict:
        return cls("fail", message, feedback)


def LegacyTest(  # noqa: N802 - it stands in for 0.1's Test class
    name: str,
    calls: list[Call],
    judge: Any,
    points: float = 1.0,
    required: bool = True,
    plot: Any = None,
) -> author.Test:
    """0.1's ``Test``: the judge gets Outcomes and returns a Verdict; the plot gets Outcomes."""

    def draw(values: list[Any], axes: Any) -> None:
        plot([Outcome(v) for v in values], axes)

    return author.Test(name, list(calls), judge, points, not required, draw if plot else None, legacy=True)


def __getattr__(name: str) -> Any:
    """``from calccourse.grading import Test`` (0.1) gets the 0.1 behaviour for one release."""
    if name == "Test":
        return LegacyTest
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Call",
    "Fn",
    "Graded",
    "Outcome",
    "Report",
    "TestResult",
    "Verdict",
    "WrongAnswer",
    "grade",
    "judge",
    "plan",
]
