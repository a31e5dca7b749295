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
``variants.py``    optional: per-learner variants (``COURSE``, ``parameters(rng)``, ``fields``)
=================  ============================================================

Every part is loaded in isolation: one that is missing, does not import or breaks its
contract raises :class:`LessonError`, naming the lesson, the part, its file and why.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

from calccourse import variants
from calccourse.status import CommandError
from calccourse.variants import Variant

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
HINT_SEPARATOR = re.compile(r"^---\s*$", re.MULTILINE)


@dataclass(frozen=True)
class TimeLimits:
    """Seconds each part of a lesson may run before it counts as broken (a LessonError
    naming the part and the line it was at, exit 4): ``demo`` for ``run(ctx)``,
    ``checker`` for importing checker.py and for each ``tests(rng)``, ``judge`` for each
    judge and each test's plot, ``answer`` for each run of the solution, the template or a mistake in
    ``dev check`` (the answer's whole check; each call also has the usual per-call limit)."""

    demo: float = 120.0
    checker: float = 30.0
    judge: float = 10.0
    answer: float = 120.0

    def problems(self) -> list[str]:
        return [
            f"limits.{name} must be a positive number of seconds, not {value!r}"
            for name, value in vars(self).items()
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0
        ]


@dataclass(frozen=True)
class Lesson:
    """What a plugin declares: metadata and the names an answer file must define.

    ``answer`` lists the required names as they read in the exercise, e.g.
    ``"derivative(x)"`` or ``"critical_points"``; ``optional`` likewise for names
    that earn bonus points but never change the verdict; ``limits`` the seconds the
    lesson's own code may take (:class:`TimeLimits`).
    """

    number: int
    slug: str
    title: str
    summary: str
    answer: tuple[str, ...]
    optional: tuple[str, ...] = ()
    limits: TimeLimits = TimeLimits()

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
        if not isinstance(self.limits, TimeLimits):
            found.append(f"limits must be a TimeLimits(...), not {self.limits!r}")
        else:
            found += self.limits.problems()
        return found

    @property
    def names(self) -> tuple[str, ...]:
        """The bare names an answer defines: ``"area(f, a, b, dx)"`` -> ``"area"``."""
        return tuple(name_of(signature) for signature in self.answer)


def name_of(signature: str) -> str:
    """Return the bare name of an answer signature: ``"area(f, a, b, dx)"`` -> ``"area"``."""
    return signature.split("(", 1)[0].strip()


class LessonError(CommandError):
    """A part of a lesson plugin is broken: the lesson, the part, its file and the reason.

    ``details`` keeps the traceback (shown on ``--verbose``); ``declared`` the plugin's
    declaration when it was read (so that a broken plugin is found by its number).
    Commands end with exit 4.
    """

    def __init__(
        self,
        lesson: str,
        part: str,
        path: Path | str,
        reason: str,
        details: str = "",
        declared: Lesson | None = None,
    ) -> None:
        self.lesson, self.part, self.path, self.reason = lesson, part, str(path), reason
        self.declared = declared
        super().__init__(f"{lesson}'s {part} is broken ({self.path}): {reason}", details)


@dataclass(frozen=True)
class MistakeFile:
    """A known wrong answer kept with the lesson, and the feedback it must get."""

    path: Path
    expect: str

    @property
    def name(self) -> str:
        return self.path.stem


@dataclass(frozen=True)
class LessonPlugin:
    """A discovered, validated lesson plugin: its declaration and its folder."""

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

    @property
    def name(self) -> str:
        """How the lesson is named in messages: ``lesson 3 (gradient)``."""
        return f"lesson {self.number} ({self.slug})"

    def broken(self, part: str, filename: str, reason: str, details: str = "") -> LessonError:
        return LessonError(self.name, part, self.folder / filename, reason, details)

    def text(self, filename: str) -> str:
        """A file of the lesson as text; a missing or unreadable one is a LessonError."""
        try:
            return (self.folder / filename).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise self.broken(filename, filename, f"cannot be read ({error})") from None

    @property
    def explanation(self) -> str:
        return self.text("explanation.md")

    def written_for(self, filename: str, variant: Variant | None) -> str:
        """A text a learner reads (exercise.md, hints.md, template.py): as it is, or, in a
        lesson with variants, with the fields of ``variant`` (the course's own when None)."""
        text = self.text(filename)
        if not has_variants(self):
            return text
        return render_for(self, filename, text, variant or variant_of(self, None))

    @property
    def exercise(self) -> str:
        return self.written_for("exercise.md", None)

    def exercise_for(self, variant: Variant | None) -> str:
        return self.written_for("exercise.md", variant)

    @cached_property
    def hints(self) -> list[str]:
        """The hint ladder; a hints.md without any hint is a LessonError."""
        return self.hints_for(None)

    def hints_for(self, variant: Variant | None) -> list[str]:
        """The hint ladder of ``variant`` (the course's own when None)."""
        text = self.written_for("hints.md", variant)
        found = [part.strip() for part in HINT_SEPARATOR.split(text) if part.strip()]
        if not found:
            raise self.broken("hints", "hints.md", "it holds no hint (hints are separated by lines of ---)")
        return found

    @property
    def template(self) -> str:
        return self.written_for("template.py", None)

    def template_for(self, variant: Variant | None) -> str:
        return self.written_for("template.py", variant)

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
    def mistakes(self) -> list[MistakeFile]:
        found = []
        for path in sorted((self.folder / "mistakes").glob("*.py")):
            first = path.read_text(encoding="utf-8").splitlines()[:1]
            if first and first[0].startswith(EXPECT_PREFIX):
                found.append(MistakeFile(path, first[0][len(EXPECT_PREFIX) :].strip()))
            else:
                found.append(MistakeFile(path, ""))
        return found

    def module(self, part: str) -> ModuleType:
        """Import ``<folder>/<part>.py`` (``demo``, ``checker``) once, as part of the lesson;
        any failure to import it is a LessonError with the traceback."""
        if part not in self._modules:
            name = f"{self.module_name}.{part}"
            path = self.folder / f"{part}.py"
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None or not path.is_file():
                raise self.broken(part, path.name, "the file is missing")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
            except BaseException as error:  # a plugin may raise anything, SystemExit included
                del sys.modules[name]
                if isinstance(error, KeyboardInterrupt):
                    raise
                why = describe(error, self.folder)
                raise self.broken(part, path.name, why, traceback.format_exc()) from None
            self._modules[part] = module
        return self._modules[part]


def describe(error: BaseException, folder: Path | None = None) -> str:
    """An exception in one line, with the file and line of a SyntaxError, or, given the
    lesson's ``folder``, of the last line in that folder the exception passed through."""
    if isinstance(error, SyntaxError):
        return f"SyntaxError: {error.msg} ({Path(error.filename or '?').name}, line {error.lineno})"
    text = f"{type(error).__name__}: {error}"
    inside = str(folder.resolve()) if folder is not None else None
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if inside and str(Path(frame.filename).resolve()).startswith(inside)
    ]
    return f"{text} ({Path(frames[-1].filename).name}, line {frames[-1].lineno})" if frames else text


# ---------------------------------------------------------------- variants.py, an optional part


def has_variants(plugin: LessonPlugin) -> bool:
    return (plugin.folder / "variants.py").is_file()


def _module(plugin: LessonPlugin) -> Any:
    """variants.py, imported once (light by contract; not under a time limit yet)."""
    return plugin.module("variants")


def _plain(plugin: LessonPlugin, what: str, value: Any, names: Sequence[str] | None) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and k.isidentifier() for k in value):
        raise plugin.broken(
            "variants", "variants.py", f"{what} must be a dict of names to values, not {type(value).__name__}"
        )
    for name, item in value.items():
        if not isinstance(item, (int, float, str, bool)):
            raise plugin.broken(
                "variants",
                "variants.py",
                f"{what}[{name!r}] is {type(item).__name__}: a parameter is an int, float, str or bool",
            )
    if names is not None and sorted(value) != sorted(names):
        raise plugin.broken(
            "variants",
            "variants.py",
            f"{what} has the names {sorted(value)}, COURSE has {sorted(names)}: give them the same",
        )
    return dict(value)


def _call(plugin: LessonPlugin, what: str, function: Callable[..., Any], *args: Any) -> Any:
    try:
        return function(*args)
    except LessonError:
        raise
    except Exception as error:
        raise plugin.broken(
            "variants",
            "variants.py",
            f"{what} raised {describe(error, plugin.folder)}",
            traceback.format_exc(),
        ) from None


def variant_of(plugin: LessonPlugin, learner: str | None) -> variants.Variant | None:
    """The exercise ``learner`` does in ``plugin``: None for a lesson without variants.py;
    the course's own (key None) without an id. A broken variants.py is a LessonError."""
    if not has_variants(plugin):
        return None
    module = _module(plugin)
    course = _plain(plugin, "COURSE", getattr(module, "COURSE", None), None)
    draw = getattr(module, "parameters", None)
    if not callable(draw):
        raise plugin.broken("variants", "variants.py", "it defines no function parameters(rng)")
    learner = variants.learner_id(learner)
    if learner is None:
        parameters, key = course, None
    else:
        rng = variants.VariantRandom(variants.variant_seed(plugin.slug, learner))
        drawn = _call(plugin, "parameters(rng)", draw, rng)
        parameters, key = (
            _plain(plugin, "parameters(rng)", drawn, list(course)),
            variants.variant_key(plugin.slug, learner),
        )
    make_fields = getattr(module, "fields", None)
    if make_fields is None:
        texts = {name: str(value) for name, value in parameters.items()}
    else:
        made = _call(plugin, "fields(parameters)", make_fields, dict(parameters))
        if not isinstance(made, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in made.items()
        ):
            raise plugin.broken(
                "variants", "variants.py", "fields(parameters) must return a dict of str to str"
            )
        texts = dict(made)
    return variants.Variant(learner, key, parameters, course, texts)


def render_for(plugin: LessonPlugin, filename: str, text: str, variant: variants.Variant | None) -> str:
    """A lesson text written for ``variant`` (its fields filled in); as it is without variants."""
    if variant is None:
        return text
    try:
        return text.format_map(variant.fields)
    except KeyError as error:
        known = ", ".join(sorted(variant.fields))
        raise plugin.broken(
            filename,
            filename,
            f"it uses the field {{{error.args[0]}}}, which fields() does not give ({known})",
        ) from None
    except (ValueError, IndexError, AttributeError) as error:
        raise plugin.broken(
            filename,
            filename,
            f"it is not a str.format template ({error}); write a literal brace as {{{{ or }}}}",
        ) from None


Mistake = MistakeFile  # the 0.1 name, kept for one release
