"""The lesson plugin contract: what a plugin declares and the files beside it.

A lesson is a folder (a Python package) whose ``__init__.py`` sets ``LESSON`` to a
:class:`Lesson` and imports nothing heavy. The rest of the lesson is files the core
reads or imports only when they are needed:

=================  ============================================================
``explanation.md`` the lesson's text (Markdown)
``exercise.md``    the exercise statement (Markdown)
``hints.md``       hints, separated by lines holding only ``---``
``demo.py``        ``run(ctx: DemoContext)``: computes, prints, saves plots
``checker.py``     ``tests(rng) -> list[Test]``: what the grader runs
``solution.py``    the reference solution: must pass every test
``template.py``    the starter file: every name raises ``NotImplementedError``
``mistakes/*.py``  known mistakes; each starts with ``# expect: <feedback text>``
``probes.py``      optional: helpers the checker runs inside the answer process
=================  ============================================================
"""

from __future__ import annotations

import importlib.util
import re
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import ModuleType

REQUIRED_FILES = (
    "explanation.md",
    "exercise.md",
    "hints.md",
    "demo.py",
    "checker.py",
    "solution.py",
    "template.py",
)
SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]*$")
EXPECT_PREFIX = "# expect:"


@dataclass(frozen=True)
class Lesson:
    """What a plugin declares: metadata and the names an answer file must define.

    ``answer`` lists the required names as they read in the exercise, e.g.
    ``"derivative(x)"`` or ``"critical_points"``; ``optional`` likewise for names
    that earn bonus points but never change the verdict.
    """

    number: int
    slug: str
    title: str
    summary: str
    answer: tuple[str, ...]
    optional: tuple[str, ...] = ()

    def problems(self) -> list[str]:
        """Return what is wrong with this declaration (empty when it is valid)."""
        found = []
        if not isinstance(self.number, int) or isinstance(self.number, bool) or self.number < 1:
            found.append(f"number must be a whole number from 1 up, not {self.number!r}")
        if not isinstance(self.slug, str) or not SLUG_PATTERN.match(self.slug):
            found.append(f"slug must be lower-case letters, digits and '-', not {self.slug!r}")
        for name in ("title", "summary"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name).strip():
                found.append(f"{name} must be a non-empty string")
        if not self.answer:
            found.append("answer must list at least one name the answer file defines")
        return found


def name_of(signature: str) -> str:
    """Return the bare name of an answer signature: ``"area(f, a, b, dx)"`` -> ``"area"``."""
    return signature.split("(", 1)[0].strip()


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer kept with the lesson, and the feedback it must get."""

    path: Path
    expect: str

    @property
    def name(self) -> str:
        return self.path.stem


@dataclass(frozen=True)
class LessonPlugin:
    """A discovered, validated lesson: its declaration and its folder."""

    lesson: Lesson
    folder: Path
    module_name: str
    origin: str = "bundled"
    _modules: dict[str, ModuleType] = field(default_factory=dict, compare=False, repr=False)

    @property
    def number(self) -> int:
        return self.lesson.number

    @property
    def slug(self) -> str:
        return self.lesson.slug

    @property
    def title(self) -> str:
        return self.lesson.title

    def text(self, filename: str) -> str:
        return (self.folder / filename).read_text(encoding="utf-8")

    @property
    def explanation(self) -> str:
        return self.text("explanation.md")

    @property
    def exercise(self) -> str:
        return self.text("exercise.md")

    @cached_property
    def hints(self) -> list[str]:
        parts = re.split(r"^---\s*$", self.text("hints.md"), flags=re.MULTILINE)
        return [part.strip() for part in parts if part.strip()]

    @property
    def template(self) -> str:
        return self.text("template.py")

    @property
    def solution(self) -> str:
        return self.text("solution.py")

    @property
    def demo_source(self) -> str:
        return self.text("demo.py")

    @property
    def probes_path(self) -> Path | None:
        path = self.folder / "probes.py"
        return path if path.exists() else None

    @property
    def mistakes(self) -> list[Mistake]:
        found = []
        for path in sorted((self.folder / "mistakes").glob("*.py")):
            first = path.read_text(encoding="utf-8").splitlines()[:1]
            if first and first[0].startswith(EXPECT_PREFIX):
                found.append(Mistake(path, first[0][len(EXPECT_PREFIX) :].strip()))
            else:
                found.append(Mistake(path, ""))
        return found

    def module(self, part: str) -> ModuleType:
        """Import ``<folder>/<part>.py`` (``demo``, ``checker``) once, as part of the lesson."""
        if part not in self._modules:
            name = f"{self.module_name}.{part}"
            spec = importlib.util.spec_from_file_location(name, self.folder / f"{part}.py")
            assert spec and spec.loader
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[name]
                raise
            self._modules[part] = module
        return self._modules[part]
