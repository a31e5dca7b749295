"""Shared fixtures: an isolated learner home, a CLI runner, throwaway lesson plugins."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from calccourse.cli import app
from calccourse.course import Course
from calccourse.discovery import discover

LESSON_FILES = {
    "explanation.md": "# A tiny lesson\n\nIt teaches one thing.\n",
    "exercise.md": "Define `double(x)`.\n",
    "hints.md": "Multiply.\n---\nBy two.\n---\nreturn 2 * x\n",
    "demo.py": "def run(ctx):\n    ctx.record('answer', 42, 'the answer')\n",
    "checker.py": textwrap.dedent(
        """
        from calccourse.checks import function_test

        def tests(rng):
            xs = [(float(x),) for x in rng.uniform(-3, 3, 5)]
            return [function_test("double(x)", "double", xs, lambda x: 2 * x, what="2x")]
        """
    ),
    "solution.py": "def double(x):\n    return 2 * x\n",
    "template.py": "def double(x):\n    raise NotImplementedError\n",
}


@pytest.fixture(autouse=True)
def isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own learner state and no extra lesson folders."""
    monkeypatch.setenv("CALCCOURSE_HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.delenv("CALCCOURSE_LESSONS_PATH", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def run(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run the CLI in tmp_path, as a user would type it: run("lesson", "1")."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke


def run_as(args: list[str], tmp: Path, env: dict[str, str] | None = None):
    """Run the CLI with its home in ``tmp`` and no learner id unless ``env`` gives one (the
    machine's CALCCOURSE_LEARNER must not choose the test's variant)."""
    environment = {"CALCCOURSE_HOME": str(tmp), "CALCCOURSE_LEARNER": "", **(env or {})}
    return CliRunner().invoke(app, args, env=environment, obj=Course(environ=environment))


def make_lesson(folder: Path, number: int, slug: str, files: dict[str, str | None] | None = None) -> Path:
    """Write a small valid lesson plugin; ``files`` replace (or, with None, remove) its files."""
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(
        "from calccourse.lesson import Lesson\n"
        f"LESSON = Lesson(number={number}, slug={slug!r}, title='Tiny {slug}',"
        " summary='A lesson for tests.', answer=('double(x)',))\n"
    )
    for name, text in {**LESSON_FILES, **(files or {})}.items():
        if text is not None:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text)
    return folder


def judged(plugin, answer, tests=None, seed: int = 0) -> dict:
    """Each test's result for ``answer`` (names to functions and values), judged in process
    through the real judging path: a checker bug shows as status "error", never as a fail."""
    from calccourse.testing import judge_in_process

    report = judge_in_process(plugin, answer, seed=seed, tests=tests)
    return {result.name: result for result in report.tests}


def grade_file(plugin, path, sandbox, **limits):
    """Grade an answer file in a real sandbox through the one grading path (``Course.check``),
    as `check` does; ``limits`` are :class:`~calccourse.limits.Limits` fields. Returns the Graded."""
    from calccourse.course import Course
    from calccourse.limits import Limits

    return Course().check(plugin, Path(path), Limits(**limits), record=False, sandbox=sandbox)


@pytest.fixture(scope="session")
def catalog():
    return discover(use_entry_points=False)


def pytest_collection_modifyitems(config, items):
    """Under CALCCOURSE_SANDBOX=portable, what only Linux's fork path does is not asked of it."""
    from calccourse.sandbox import portable_wanted

    if portable_wanted():
        skip = pytest.mark.skip(reason="the fork path's own confinement; the portable sandbox has none")
        for item in items:
            if "fork_path" in item.keywords:
                item.add_marker(skip)


def require_landlock() -> None:
    """Skip unless answers run confined by Landlock (ABI 6+): the fork path on a kernel that has it."""
    from calccourse.sandbox import landlock, portable_wanted

    if portable_wanted():
        pytest.skip("the portable sandbox (CALCCOURSE_SANDBOX=portable) has no Landlock")
    if not landlock.available().complete:
        pytest.skip(
            "needs Landlock ABI 6+ (filesystem, network and signals); "
            f"here: {landlock.available().describe()}"
        )
