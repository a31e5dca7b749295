"""The author's self-check: a lesson proves its own checker right.

For each lesson: the reference solution passes every test, the starter template
fails as "not started", every known mistake fails with the feedback it declares,
and the demo runs.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from calccourse.grading import Report, grade
from calccourse.lesson import LessonPlugin
from calccourse.sandbox.runner import Sandbox


@dataclass(frozen=True)
class Finding:
    lesson: int
    what: str
    ok: bool
    detail: str


def self_check(
    plugins: list[LessonPlugin], seed: int, sandbox: Sandbox, run_demos: bool = True
) -> list[Finding]:
    findings: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="calccourse-dev-") as scratch:
        for plugin in plugins:
            findings += check_plugin(plugin, seed, sandbox, Path(scratch), run_demos)
    return findings


def check_plugin(
    plugin: LessonPlugin, seed: int, sandbox: Sandbox, scratch: Path, run_demos: bool = True
) -> list[Finding]:
    def run(path: Path) -> Report:
        return grade(plugin, path, sandbox, seed=seed)[0]

    n = plugin.number
    found = [
        _solution(n, run(plugin.folder / "solution.py")),
        _template(n, run(plugin.folder / "template.py")),
    ]
    mistakes = plugin.mistakes
    if not mistakes:
        found.append(Finding(n, "mistakes", False, "no known mistakes in mistakes/*.py"))
    for mistake in mistakes:
        found.append(_mistake(n, mistake.name, mistake.expect, run(mistake.path)))
    if run_demos:
        found.append(_demo(plugin, scratch))
    return found


def _failing(report: Report) -> list[str]:
    return [f"{t.name}: {t.message}" for t in report.tests if t.status != "pass"]


def _solution(n: int, report: Report) -> Finding:
    failing = _failing(report) or ([report.load_error] if report.load_error else [])
    return Finding(
        n, "solution passes", not failing, "; ".join(failing) or f"{report.score:g}/{report.max_score:g}"
    )


def _template(n: int, report: Report) -> Finding:
    required = [t for t in report.tests if t.required]
    started = [t.name for t in required if not t.message.startswith("Not started yet")]
    ok = report.status == "fail" and bool(required) and not started
    detail = (
        "every required test reads 'Not started yet'"
        if ok
        else (report.load_error or "these do not read 'Not started yet': " + ", ".join(started))
    )
    return Finding(n, "template not started", ok, detail)


def _mistake(n: int, name: str, expect: str, report: Report) -> Finding:
    said = " ".join(f"{t.message} {t.feedback or ''}" for t in report.tests if t.status != "pass")
    if not expect:
        return Finding(n, f"mistake {name}", False, "first line must be '# expect: <feedback text>'")
    if report.status != "fail":
        return Finding(n, f"mistake {name}", False, f"status {report.status}, expected fail")
    if expect not in said:
        return Finding(n, f"mistake {name}", False, f"feedback lacks {expect!r}; got: {said[:300]}")
    return Finding(n, f"mistake {name}", True, f"fails with {expect!r}")


def _demo(plugin: LessonPlugin, scratch: Path) -> Finding:
    from calccourse.demo import run_quietly

    out = scratch / plugin.slug
    out.mkdir(exist_ok=True)
    run = run_quietly(plugin, out)
    detail = f"{len(run.files)} plots" if run.status == "pass" else run.error
    return Finding(plugin.number, "demo runs", run.status == "pass", detail)
