"""Helpers for a lesson pack's own tests (pytest or any other runner).

``judge_in_process`` judges an answer through the real judging path (the same calls,
the same conversion of values, the same judges and error handling) without forking a
sandbox: quick, for testing a checker against many answers. ``assert_lesson_proves_itself``
runs ``dev check`` on a lesson folder in the real sandbox.

    from calccourse.testing import assert_lesson_proves_itself, judge_in_process

    def test_my_lesson_proves_itself():
        assert_lesson_proves_itself("src/my_pack/taylor", seeds=5)

    def test_a_correct_style_passes():
        report = judge_in_process("src/my_pack/taylor", {"taylor_eval": lambda d, a, x: ...}, seed=3)
        assert report.status == "pass", report.tests
"""

from __future__ import annotations

import types
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from calccourse.author import Test, WrongAnswer
from calccourse.discovery import discover
from calccourse.grading import Report, judge, plan
from calccourse.lesson import LessonPlugin
from calccourse.sandbox import child
from calccourse.sandbox.protocol import Code, Outcome, outcome_from_wire

__all__ = ["WrongAnswer", "assert_lesson_proves_itself", "judge_in_process", "load_lesson"]


def load_lesson(lesson: LessonPlugin | str | Path) -> LessonPlugin:
    """A lesson plugin from its folder (or the plugin itself); a broken one raises LessonError."""
    if isinstance(lesson, LessonPlugin):
        return lesson
    folder = Path(lesson)
    catalog = discover([folder], use_entry_points=False, bundled=False, environ={})
    if catalog.broken:
        item = catalog.broken[0]
        from calccourse.lesson import LessonError

        raise LessonError(folder.name, "plugin", item.path, item.reason, item.details)
    if len(catalog.lessons) != 1:
        raise ValueError(f"{folder} holds {len(catalog.lessons)} lessons; give one lesson's folder")
    return catalog.lessons[0]


def judge_in_process(
    lesson: LessonPlugin | str | Path,
    answer: Mapping[str, Any] | types.ModuleType,
    seed: int = 0,
    tests: Sequence[Test] | None = None,
) -> Report:
    """The report an answer gets, judged here: ``answer`` maps names to functions and
    values (or is a module). Plain values cross as they would from the sandbox. ``tests``
    (default: the lesson's own for ``seed``) may be a chosen few of them."""
    plugin = load_lesson(lesson)
    module = answer if isinstance(answer, types.ModuleType) else _module(answer)
    probes = None
    if plugin.probes_path is not None:
        probes = child._load_probes(Code.single(str(plugin.probes_path), plugin.probes_path.read_bytes()))
    tests = list(tests) if tests is not None else plan(plugin, seed)
    report = Report(
        lesson=plugin.number,
        slug=plugin.slug,
        title=plugin.title,
        answer="<in process>",
        seed=seed,
        max_score=sum(t.points for t in tests if not t.bonus),
        max_bonus=sum(t.points for t in tests if t.bonus),
    )
    for test in tests:
        outcomes = [_call(module, probes, c.wire) for c in test.calls]
        report.tests.append(judge(test, outcomes, plugin))
    return report


def _module(names: Mapping[str, Any]) -> types.ModuleType:
    module = types.ModuleType("answer")
    module.__dict__.update(names)
    return module


def _call(module: types.ModuleType, probes: types.ModuleType | None, wire: dict[str, Any]) -> Outcome:
    try:
        reply = child.make_call(module, probes, wire)
    except BaseException as error:  # noqa: BLE001 - as in the sandbox: the answer may raise anything
        reads = wire.get("about") if wire["kind"] == "probe" else None  # a probe: the learner's name
        reply = child.describe_error(error, {"<in process>"}, f"in {wire['label']}", reads or wire["target"])
    return outcome_from_wire(reply)


def assert_lesson_proves_itself(
    lesson: LessonPlugin | str | Path, seeds: int = 1, demos: bool = True
) -> None:
    """Fail (AssertionError) unless ``dev check`` finds nothing wrong with the lesson."""
    from calccourse.course import Course

    plugin = load_lesson(lesson)
    course = Course(bundled=False, entry_points=False, environ={})
    findings = course.dev_check([plugin], list(range(seeds)), demos, done=lambda finding: None)
    failed = [f"{f.what}: {f.detail}" for f in findings if not f.ok]
    assert not failed, f"{plugin.name} does not prove itself:\n" + "\n".join(failed)
