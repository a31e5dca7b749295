"""Grading: what a checker declares (tests of calls and judges) and how a report is made.

A lesson's ``checker.py`` defines ``tests(rng) -> list[Test]``. Each test names the
calls to make into the answer (with inputs chosen by the checker) and a judge that
turns what came back into a :class:`Verdict`. The calls run in the sandbox; the
judges run here, in the grading process, which alone decides the verdict.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from calccourse.lesson import LessonPlugin
    from calccourse.sandbox.runner import Sandbox

Status = Literal["pass", "fail", "error"]
CHECKER_BUG = "The lesson's checker failed (a bug in the lesson, not in your answer):"


@dataclass(frozen=True)
class Fn:
    """A function the checker passes to the answer, written as a NumPy expression.

    ``Fn("np.sin(x) + x**2", label="sin(x) + x²")`` works on floats and arrays alike,
    in the answer's process and here, where the judge evaluates the same expression.
    """

    expr: str
    params: tuple[str, ...] = ("x",)
    label: str = ""

    def __call__(self, *args: Any) -> Any:
        return _compiled(self.expr, self.params)(*args)

    def __str__(self) -> str:
        return self.label or self.expr


@lru_cache(maxsize=256)
def _compiled(expr: str, params: tuple[str, ...]) -> Callable[..., Any]:
    from calccourse.sandbox.protocol import function_of

    return function_of(expr, params)  # exactly what the answer receives


@dataclass(frozen=True)
class Call:
    """One request to the answer: call ``target(*args)``, read the value ``target``,
    or (``kind="probe"``) run ``probes.target(answer_module, *args)`` from the lesson.

    A probe names the answer's name it reads in ``about``: the core then reports that
    name missing, or still None, before the probe runs.
    """

    target: str
    args: tuple[Any, ...] = ()
    kind: Literal["call", "value", "probe"] = "call"
    about: str = ""


@dataclass(frozen=True)
class Outcome:
    """What one call gave back: a plain value, or an error of a known kind.

    Error kinds: ``missing`` (name not defined), ``not_started`` (NotImplementedError
    or a value still None), ``exception``, ``timeout``, ``exited``, ``crashed``,
    ``memory``, ``unconvertible`` (a value that is no number, list or bool) and
    ``skipped`` (an earlier call of the same name timed out).
    """

    value: Any = None
    error: str | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Verdict:
    status: Status
    message: str
    feedback: str | None = None

    @classmethod
    def passed(cls, message: str) -> Verdict:
        return cls("pass", message)

    @classmethod
    def failed(cls, message: str, feedback: str | None = None) -> Verdict:
        return cls("fail", message, feedback)


class WrongAnswer(Exception):
    """Raised by a judge (or a conversion helper) to fail a test with a message."""

    def __init__(self, message: str, feedback: str | None = None) -> None:
        super().__init__(message)
        self.message, self.feedback = message, feedback


@dataclass
class Test:
    """A named, scored check: the calls it makes and the judge of their outcomes.

    The judge sees only outcomes without errors (errors are reported for it), and
    returns a Verdict or raises WrongAnswer. ``plot``, when set, draws the answer
    against the reference on a matplotlib Axes for ``check --plot``.
    """

    name: str
    calls: list[Call]
    judge: Callable[[list[Outcome]], Verdict]
    points: float = 1.0
    required: bool = True
    plot: Callable[[list[Outcome], Any], None] | None = None


@dataclass
class TestResult:
    __test__ = False  # not a pytest test class
    name: str
    status: Status
    points: float
    max_points: float
    message: str
    feedback: str | None = None
    required: bool = True
    duration: float = 0.0


@dataclass
class Report:
    """The outcome of checking one answer file against one lesson."""

    lesson: int
    slug: str
    title: str
    answer: str
    seed: int
    status: Status  # error: the answer could not be run at all
    tests: list[TestResult] = field(default_factory=list)
    load_error: str | None = None
    output: str = ""
    output_truncated: bool = False
    duration: float = 0.0
    plots: list[Path] = field(default_factory=list)
    planned_max_score: float = 0.0  # what the required tests are worth, even when none could run

    @property
    def score(self) -> float:
        """Every point earned; an optional (bonus) test's points come on top of max_score."""
        return round(float(sum(test.points for test in self.tests)), 6)

    @property
    def max_score(self) -> float:
        """What the required tests are worth: a full score never depends on a bonus."""
        if not self.tests:
            return round(float(self.planned_max_score), 6)
        return round(float(sum(test.max_points for test in self.tests if test.required)), 6)

    @property
    def bonus(self) -> float:
        return round(float(sum(test.points for test in self.tests if not test.required)), 6)

    @property
    def exit_code(self) -> int:
        if any(test.message.startswith(CHECKER_BUG) for test in self.tests):
            return 4
        return {"pass": 0, "fail": 1, "error": 3}[self.status]


def new_seed() -> int:
    return secrets.randbelow(2**31)


def plan(plugin: LessonPlugin, seed: int) -> list[Test]:
    """The lesson's tests for this seed: fresh, reproducible inputs."""
    import numpy as np

    return list(plugin.module("checker").tests(np.random.default_rng(seed)))


def grade(
    plugin: LessonPlugin,
    answer: Path,
    sandbox: Sandbox,
    *,
    seed: int | None = None,
    timeout: float = 5.0,
    tests: Sequence[Test] | None = None,
) -> tuple[Report, list[Test], list[list[Outcome]]]:
    """Run the answer in the sandbox, judge every test, and build the report.

    Returns the report, the tests and each test's outcomes (for plots).
    """
    from calccourse.sandbox.runner import Job

    started = time.perf_counter()
    seed = new_seed() if seed is None else seed
    tests = list(tests) if tests is not None else plan(plugin, seed)
    calls = [call for test in tests for call in test.calls]
    run = sandbox.run(
        Job(
            answer=answer,
            calls=calls,
            probes=plugin.probes_path,
            timeout=timeout,
        )
    )
    report = Report(
        lesson=plugin.number,
        slug=plugin.slug,
        title=plugin.title,
        answer=str(answer),
        seed=seed,
        status="error",
        output=run.output,
        output_truncated=run.output_truncated,
        planned_max_score=sum(test.points for test in tests if test.required),
    )
    per_test: list[list[Outcome]] = []
    if run.load_error is not None:
        report.load_error = run.load_error
        report.duration = time.perf_counter() - started
        return report, tests, per_test
    position = 0
    for test in tests:
        outcomes = run.outcomes[position : position + len(test.calls)]
        position += len(test.calls)
        per_test.append(outcomes)
        report.tests.append(judge(test, outcomes, plugin))
    required_ok = all(result.status == "pass" for result in report.tests if result.required)
    report.status = "pass" if required_ok else "fail"
    report.duration = time.perf_counter() - started
    return report, tests, per_test


def judge(test: Test, outcomes: list[Outcome], plugin: LessonPlugin) -> TestResult:
    """Turn one test's outcomes into a result; errors in the answer never escape."""
    started = time.perf_counter()
    failed = next((outcome for outcome in outcomes if not outcome.ok), None)
    if failed is not None:
        verdict = _verdict_for_error(failed, test, plugin)
    else:
        try:
            verdict = test.judge(outcomes)
        except WrongAnswer as wrong:
            verdict = Verdict.failed(wrong.message, wrong.feedback)
        except Exception as error:  # noqa: BLE001 - a bug in the lesson must not look like the learner's
            verdict = Verdict("error", f"{CHECKER_BUG} {type(error).__name__}: {error}")
    return TestResult(
        name=test.name,
        status=verdict.status,
        points=test.points if verdict.status == "pass" else 0.0,
        max_points=test.points,
        message=verdict.message,
        feedback=verdict.feedback,
        required=test.required,
        duration=time.perf_counter() - started,
    )


def _verdict_for_error(outcome: Outcome, test: Test, plugin: LessonPlugin) -> Verdict:
    if outcome.error == "missing" and not test.required:
        names = ", ".join(dict.fromkeys(call.about or call.target for call in test.calls))
        return Verdict.failed(f"Optional bonus: define {names} to try it (it never changes the verdict).")
    if outcome.error == "missing":
        names = ", ".join([*plugin.lesson.answer])
        return Verdict.failed(f"{outcome.message} Define these names in your answer file: {names}.")
    if outcome.error == "not_started":
        return Verdict.failed(f"Not started yet: {outcome.message}")
    if outcome.error == "unconvertible":
        return Verdict.failed(outcome.message)
    return Verdict("error", outcome.message)
