"""For lesson authors: a lesson proves its own checker right (``dev check``), and a new
lesson starts from a scaffold that already does (``dev new``).

``dev check`` runs each part of each lesson in isolation, so one broken part is one
failed finding and everything else still runs: the hints have at least three steps; the
checker's ``tests(rng)`` loads, keeps its contract and is reproducible for a seed; under
every seed asked for, the reference solution passes, the template reads as not started,
and every known mistake fails with the feedback it declares; each check plot draws; the
demo runs; and ``__init__.py`` imports nothing heavy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from calccourse.author import Test
from calccourse.grading import Graded, Report, plan
from calccourse.lesson import LessonError, LessonPlugin
from calccourse.limits import DEFAULT_TIMEOUT, Limits
from calccourse.sandbox.protocol import encode
from calccourse.status import UsageError

# How dev check grades one of a lesson's files: Course.check, with its limits and maybe its tests.
CheckFile = Callable[[LessonPlugin, Path, Limits, Sequence[Test] | None], Graded]

MIN_HINTS = 3
HEAVY = ("numpy", "scipy", "sympy", "matplotlib")


@dataclass(frozen=True)
class Finding:
    """One thing ``dev check`` proved, or failed to: about which lesson, which file, why."""

    lesson: str
    what: str
    ok: bool
    detail: str
    path: str = ""
    details: str = ""  # a traceback, shown with --verbose
    broken: bool = False  # a part of the lesson could not run (exit 4), not a proof that failed (exit 1)


def self_check(
    plugins: Sequence[LessonPlugin],
    check: CheckFile,
    seeds: Sequence[int] = (0,),
    run_demos: bool = True,
    progress: Callable[[Finding], None] = lambda finding: None,
    variants: int = 0,
) -> list[Finding]:
    """Every check of every lesson; ``progress`` sees each finding as it is made; with
    ``variants``, each lesson that has variants also under that many learner ids."""
    findings: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="calccourse-dev-") as scratch:
        for plugin in plugins:
            for finding in check_lesson(plugin, check, Path(scratch), seeds, run_demos, variants):
                progress(finding)
                findings.append(finding)
    return findings


def check_lesson(
    plugin: LessonPlugin,
    check: CheckFile,
    scratch: Path,
    seeds: Sequence[int] = (0,),
    run_demos: bool = True,
    variants: int = 0,
) -> Iterator[Finding]:
    """The findings for one lesson, each part in isolation, each as soon as it is made (a
    thousand variants take minutes)."""

    def found() -> Iterator[Finding]:
        yield Finding("", "loads", True, f"from {plugin.folder} ({plugin.origin})", str(plugin.folder))
        yield from (_hints(plugin), _light_init(plugin), *_template_agrees(plugin))
        runs = _checker(plugin, seeds)
        yield from runs.findings
        if runs.ok:
            yield from _answers(plugin, check, seeds)
            yield from _plots(plugin, check, seeds[0])
            if variants:
                yield from _variants(plugin, check, scratch, seeds[0], variants)
        if run_demos:
            yield _demo(plugin, scratch)

    for finding in found():
        yield finding if finding.lesson else replace(finding, lesson=plugin.name)


def _failed(what: str, error: LessonError) -> Finding:
    return Finding("", what, False, error.reason, error.path, error.details, broken=True)


def _hints(plugin: LessonPlugin) -> Finding:
    path = str(plugin.folder / "hints.md")
    try:
        hints = plugin.hints
    except LessonError as error:
        return _failed("hints", error)
    if len(hints) < MIN_HINTS:
        return Finding(
            "",
            "hints",
            False,
            f"{len(hints)} step(s); a ladder needs at least {MIN_HINTS}, separated by lines holding only ---",
            path,
        )
    return Finding("", "hints", True, f"{len(hints)} steps", path)


def _light_init(plugin: LessonPlugin) -> Finding:
    """``__init__.py`` is read by ``list``: it must not import a heavy library. An installed
    pack's lesson is imported as its entry point does, its parent packages with it."""
    path = plugin.folder / "__init__.py"
    parents, env = "", None
    if plugin.origin == "entry point":
        load = f"import importlib, sys\nimportlib.import_module({plugin.module_name!r})\n"
        parents, env = " (with its parent packages)", {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    else:
        load = (
            "import importlib.util, sys\n"
            f"spec = importlib.util.spec_from_file_location('lesson_init', {str(path)!r})\n"
            "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
        )
    script = load + f"print([m for m in {HEAVY!r} if m in sys.modules])"
    try:
        run = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env
        )
        heavy = json.loads(run.stdout.strip().splitlines()[-1].replace("'", '"'))
    except (subprocess.SubprocessError, ValueError, IndexError):
        return Finding("", "__init__.py is light", False, "it could not be imported on its own", str(path))
    if heavy:
        return Finding(
            "",
            "__init__.py is light",
            False,
            f"it imports {', '.join(heavy)}{parents}: `calccourse list` pays for it; import them in "
            "demo.py or checker.py",
            str(path),
        )
    return Finding("", "__init__.py is light", True, "imports no heavy library", str(path))


def _template_agrees(plugin: LessonPlugin) -> list[Finding]:
    """A solution with ``# BEGIN SOLUTION`` markers: template.py is what they make."""
    from calccourse.markers import MarkerError, disagreement, has_markers

    try:
        solution, template = plugin.solution, plugin.template
    except LessonError as error:
        return [_failed("template matches the solution's markers", error)]
    if not has_markers(solution):
        return []
    what, path = "template matches the solution's markers", str(plugin.folder / "template.py")
    try:
        differs = disagreement(solution, template)
    except MarkerError as error:
        return [
            Finding("", what, False, f"solution.py: {error}", str(plugin.folder / "solution.py"), broken=True)
        ]
    if differs is not None:
        fix = f"`calccourse dev template {plugin.number}` writes it"
        return [
            Finding(
                "",
                what,
                False,
                f"template.py is not what solution.py's markers make: {differs} ({fix})",
                path,
            )
        ]
    return [Finding("", what, True, "template.py is what solution.py's markers make", path)]


@dataclass
class _CheckerRuns:
    findings: list[Finding]
    ok: bool


def _fingerprint(plugin: LessonPlugin, seed: int) -> str:
    tests = plan(plugin, seed)
    return json.dumps(
        [
            [t.name, t.points, t.bonus, [[c.target, c.kind, c.about, encode(c.args)] for c in t.calls]]
            for t in tests
        ],
        sort_keys=True,
        default=str,
    )


def _checker(plugin: LessonPlugin, seeds: Sequence[int]) -> _CheckerRuns:
    path = str(plugin.folder / "checker.py")
    try:
        different = [seed for seed in seeds if _fingerprint(plugin, seed) != _fingerprint(plugin, seed)]
    except LessonError as error:
        return _CheckerRuns([_failed("checker loads", error)], False)
    found = [
        Finding("", "checker loads", True, f"tests(rng) keeps its contract under {len(seeds)} seed(s)", path)
    ]
    if different:
        found.append(
            Finding(
                "",
                "checker is reproducible",
                False,
                f"tests(rng) made other calls for the same seed ({', '.join(map(str, different))}): "
                "draw every "
                "random input from rng, not from random or np.random",
                path,
            )
        )
    else:
        found.append(Finding("", "checker is reproducible", True, "the same calls for the same seed", path))
    return _CheckerRuns(found, not different)


def _answers(plugin: LessonPlugin, check: CheckFile, seeds: Sequence[int]) -> list[Finding]:
    """The solution, the template and every mistake, under every seed."""
    files: list[tuple[str, Path, Callable[[Report], str | None]]] = [
        ("solution passes", plugin.folder / "solution.py", _solution_problem),
        ("template reads as not started", plugin.folder / "template.py", _template_problem),
    ]
    mistakes = plugin.mistakes
    for mistake in mistakes:
        files.append((f"mistake {mistake.name}", mistake.path, _mistake_problem(mistake.expect)))
    found = []
    plans = {seed: plan(plugin, seed) for seed in seeds}
    for what, path, problem_of in files:
        problems: dict[str, list[int]] = {}
        lesson_bug: Report | None = None
        for seed in seeds:
            try:
                report = _run(plugin, path, check, seed, plans[seed]).report
            except LessonError as error:
                problems.setdefault(error.reason, []).append(seed)
                continue
            if report.checker_error and lesson_bug is None:
                lesson_bug = report
            problem = problem_of(report)
            if problem is not None:
                problems.setdefault(problem, []).append(seed)
        if lesson_bug is not None:
            test = next(t for t in lesson_bug.tests if t.blame == "lesson")
            found.append(
                Finding(
                    "",
                    f"{what}: judge of {test.name!r}",
                    False,
                    f"{test.message} (in {test.location})",
                    test.location or "",
                    test.details or "",
                    broken=True,
                )
            )
        elif problems:
            detail = "; ".join(
                f"{problem} (seed {', '.join(map(str, failing))})" if len(seeds) > 1 else problem
                for problem, failing in problems.items()
            )
            if len(seeds) > 1 and sum(len(v) for v in problems.values()) < len(seeds):
                detail = f"flaky: {detail}; the other seeds were fine"
            found.append(Finding("", what, False, detail, str(path)))
        else:
            found.append(Finding("", what, True, _passed_detail(what, len(seeds)), str(path)))
    if not mistakes:
        found.append(
            Finding(
                "", "mistakes", False, "no known mistakes in mistakes/*.py", str(plugin.folder / "mistakes")
            )
        )
    return found


def _variants(
    plugin: LessonPlugin, check: CheckFile, scratch: Path, seed: int, count: int
) -> Iterator[Finding]:
    """``dev check --variants N``: under learner-1 … learner-N, the texts render, the solution
    adapted to each variant passes and every mistake adapted to it fails with its feedback
    (each variant under its own seed, ``seed + k``); a finding per answer, as it is proved."""
    from calccourse.lesson import has_variants, variant_of
    from calccourse.variants import Variant, adapt_source, learner_ids

    path = str(plugin.folder / "variants.py")
    if not has_variants(plugin):
        yield Finding("", "variants", True, "the lesson has no variants.py: one exercise for all", path)
        return
    drawn: list[tuple[str, Variant]] = []
    for learner in learner_ids(count):
        try:
            variant = variant_of(plugin, learner)
            assert variant is not None
            for render in (plugin.exercise_for, plugin.hints_for, plugin.template_for):
                render(variant)
        except LessonError as error:
            yield _failed(f"variants ({learner})", error)
            return
        drawn.append((learner, variant))
    different = len({tuple(sorted(variant.parameters.items())) for _, variant in drawn})
    yield Finding("", "variants", True, f"{count} learner ids, {different} different exercises", path)
    files: list[tuple[str, Path, Callable[[Report], str | None]]] = [
        ("solution passes", plugin.folder / "solution.py", _solution_problem),
        *((f"mistake {m.name}", m.path, _mistake_problem(m.expect)) for m in plugin.mistakes),
    ]
    limit = plugin.lesson.limits.answer
    for what, source, problem_of in files:
        problems: dict[str, list[str]] = {}
        for k, (learner, variant) in enumerate(drawn):
            adapted = scratch / "variants" / plugin.slug / learner / source.name
            adapted.parent.mkdir(parents=True, exist_ok=True)
            try:
                written = adapt_source(source.read_text(encoding="utf-8"), variant)
                adapted.write_text(written, encoding="utf-8")
            except (KeyError, ValueError, IndexError) as error:
                problems.setdefault(f"its '# variant:' line does not fill in ({error})", []).append(learner)
                continue
            try:
                timeout = min(DEFAULT_TIMEOUT, limit)
                limits = Limits(seed=seed + k, timeout=timeout, cap=limit, learner=learner)
                report = check(plugin, adapted, limits, None).report
            except (LessonError, UsageError) as error:
                reason = error.reason if isinstance(error, LessonError) else error.message
                problems.setdefault(reason, []).append(learner)
                continue
            problem = problem_of(report)
            if problem is not None:
                problems.setdefault(problem, []).append(learner)
        if problems:
            detail = "; ".join(
                f"{problem} ({', '.join(who[:5])}{' …' if len(who) > 5 else ''}: {len(who)} of {count})"
                for problem, who in problems.items()
            )
            yield Finding("", f"{what} in every variant", False, detail, str(source))
        else:
            yield Finding("", f"{what} in every variant", True, f"in {count} variants", str(source))


def _passed_detail(what: str, seeds: int) -> str:
    return f"under {seeds} seed(s)" if seeds > 1 else "yes"


def _run(
    plugin: LessonPlugin, path: Path, check: CheckFile, seed: int, tests: list[Test] | None = None
) -> Graded:
    limit = plugin.lesson.limits.answer
    try:
        limits = Limits(seed=seed, timeout=min(DEFAULT_TIMEOUT, limit), cap=limit)
        return check(plugin, path, limits, tests)
    except UsageError as error:
        raise plugin.broken(path.name, path.name, error.message) from None


def _not_run(report: Report) -> str | None:
    """Why the file could not be run at all, with its line when known."""
    error = report.load_error
    if error is None:
        return None
    line = f" (line {error.line})" if error.line else ""
    return f"could not be run: {error.message.splitlines()[-1]}{line}"


def _failing(report: Report) -> list[str]:
    not_run = _not_run(report)
    if not_run is not None:
        return [not_run]
    return [f"{t.name}: {t.message}" for t in report.tests if t.status != "pass" and t.required]


def _solution_problem(report: Report) -> str | None:
    failing = _failing(report)
    return "; ".join(failing) if failing else None


def _template_problem(report: Report) -> str | None:
    if report.load_error is not None:
        return _not_run(report)
    required = [t for t in report.tests if t.required]
    missing = [t.name for t in required if t.error == "missing"]
    if missing:
        return f"template.py does not define what these need: {', '.join(missing)}"
    started = [t.name for t in required if t.error != "not_started"]
    if started:
        return "these do not read 'Not started yet': " + ", ".join(started)
    return None


def _mistake_problem(expect: str) -> Callable[[Report], str | None]:
    def problem(report: Report) -> str | None:
        if not expect:
            return "its first line must be '# expect: <feedback text>' (a part of the feedback it must get)"
        if report.status != "fail":
            bonus = report.status == "pass" and any(t.bonus and t.status != "pass" for t in report.tests)
            why = " (only a bonus test failed, and a bonus never fails an answer)" if bonus else ""
            return f"status {report.status}, expected fail{why}"
        # what the failing tests said: a bonus the mistake leaves out says nothing about it
        said = " ".join(
            f"{t.message} {t.feedback or ''}" for t in report.tests if t.status != "pass" and not t.not_tried
        )
        if expect not in said:
            return f"the feedback lacks {expect!r}; got: {said[:300]}"
        return None

    return problem


def _plots(plugin: LessonPlugin, check: CheckFile, seed: int) -> list[Finding]:
    """Each test's plot draws the solution and the first mistake without raising."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = [plugin.folder / "solution.py"] + [m.path for m in plugin.mistakes[:1]]
    found = []
    broken: dict[str, str] = {}
    drawn = 0
    for path in paths:
        try:
            graded = _run(plugin, path, check, seed)
        except LessonError:
            continue  # reported by the answers' findings
        for test, values in zip(graded.tests, graded.values):
            if test.plot is None or values is None or test.name in broken:
                continue
            figure, axes = plt.subplots()
            try:
                test.plot(values, axes)
                drawn += 1
            except Exception as error:  # noqa: BLE001 - the lesson's bug: a finding, not a crash
                import traceback

                frame = traceback.extract_tb(error.__traceback__)[-1]
                broken[test.name] = (
                    f"{type(error).__name__}: {error} ({Path(frame.filename).name}, line {frame.lineno})"
                )
            finally:
                plt.close(figure)
    for name, why in broken.items():
        found.append(Finding("", f"plot of {name!r}", False, why, str(plugin.folder / "checker.py")))
    if not broken:
        found.append(Finding("", "plots draw", True, f"{drawn} drawn", str(plugin.folder / "checker.py")))
    return found


def _demo(plugin: LessonPlugin, scratch: Path) -> Finding:
    from calccourse.demo import run_quietly

    out = scratch / plugin.slug
    out.mkdir(exist_ok=True)
    run = run_quietly(plugin, out)
    ok = run.status == "pass"
    detail = f"{len(run.files)} plots" if ok else run.error
    return Finding("", "demo runs", ok, detail, str(plugin.folder / "demo.py"), broken=not ok)
