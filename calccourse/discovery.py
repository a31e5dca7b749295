"""Find lesson plugins, validate them, and keep broken ones as reports, not crashes.

Every source goes through the same loading and validation: the lessons bundled
with calccourse, folders named by ``--lessons-dir`` or ``CALCCOURSE_LESSONS_PATH``,
and installed packages that declare a ``calccourse.lessons`` entry point.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from calccourse.lesson import REQUIRED_FILES, Lesson, LessonError, LessonPlugin, describe

ENTRY_POINT_GROUP = "calccourse.lessons"
PATH_VARIABLE = "CALCCOURSE_LESSONS_PATH"


@dataclass(frozen=True)
class BrokenLesson:
    """A plugin that could not be used: where it is and why (``shadowed``: another lesson
    with its number or slug came first, so it is not broken, only hidden)."""

    path: str
    reason: str
    details: str = ""
    shadowed: bool = False


@dataclass
class Catalog:
    """The lessons found, in order of number, and the plugins that failed."""

    lessons: list[LessonPlugin] = field(default_factory=list)
    broken: list[BrokenLesson] = field(default_factory=list)

    def find(self, key: str) -> LessonPlugin | None:
        """Return the lesson whose number or slug is ``key``."""
        key = key.strip().lower()
        for plugin in self.lessons:
            if key == plugin.slug or (key.isdigit() and int(key) == plugin.number):
                return plugin
        return None

    def broken_for(self, key: str) -> BrokenLesson | None:
        """Return the broken plugin that ``key`` most likely names (by folder name)."""
        key = key.strip().lower()
        for item in self.broken:
            folder = Path(item.path).name.lower()
            digits = re.match(r"\d+", folder)
            if (
                key == folder
                or key in folder.split("-", 1)[-1:]
                or (digits and key.isdigit() and int(digits.group()) == int(key))
            ):
                return item
        return None


def bundled_lessons_dir() -> Path:
    """The lessons shipped with calccourse: inside the package in a wheel, beside it in a checkout."""
    package = Path(__file__).resolve().parent
    inside = package / "lessons"
    return inside if inside.is_dir() else package.parent / "lessons"


def lesson_dirs(
    extra: list[Path] | None = None, *, bundled: bool = True, environ: Mapping[str, str] = os.environ
) -> list[tuple[Path, str]]:
    """The folders to search, each with the origin it is reported under."""
    dirs = [(bundled_lessons_dir(), "bundled")] if bundled else []
    for entry in environ.get(PATH_VARIABLE, "").split(os.pathsep):
        if entry.strip():
            dirs.append((Path(entry).expanduser(), PATH_VARIABLE))
    dirs.extend((Path(p).expanduser(), "--lessons-dir") for p in extra or [])
    return dirs


def discover(
    extra_dirs: list[Path] | None = None,
    *,
    use_entry_points: bool = True,
    bundled: bool = True,
    environ: Mapping[str, str] = os.environ,
) -> Catalog:
    """Load every lesson plugin; a failing one becomes a :class:`BrokenLesson`."""
    catalog = Catalog()
    candidates: list[tuple[str, str, object]] = []
    seen_dirs: set[Path] = set()
    for directory, origin in lesson_dirs(extra_dirs, bundled=bundled, environ=environ):
        resolved = directory.resolve()
        if resolved in seen_dirs:
            continue
        seen_dirs.add(resolved)
        if not directory.is_dir():
            catalog.broken.append(BrokenLesson(str(directory), f"{origin}: no such folder"))
            continue
        for folder in _lesson_folders(directory):
            candidates.append((str(folder), origin, folder))
    if use_entry_points and _declared_anywhere(ENTRY_POINT_GROUP):
        from importlib.metadata import entry_points  # slow to import: only when there is one

        for ep in entry_points(group=ENTRY_POINT_GROUP):
            candidates.append((f"entry point {ep.name} = {ep.value}", "entry point", ep))

    numbers: dict[int, LessonPlugin] = {}
    slugs: dict[str, LessonPlugin] = {}
    for where, origin, source in candidates:
        try:
            plugin = _load(source, origin)
        except LessonError as error:
            catalog.broken.append(BrokenLesson(error.path or where, error.reason, error.details))
            continue
        path = str(plugin.folder)
        first = numbers.get(plugin.number) or slugs.get(plugin.slug)
        if first is not None:
            same = "number" if plugin.number in numbers else "slug"
            shown = plugin.number if same == "number" else f"'{plugin.slug}'"
            shadowed = first.origin != origin
            reason = (
                f"shadowed by {first.folder} ({first.origin}), which also has lesson {same} {shown} "
                "and comes first"
                if shadowed
                else f"lesson {same} {shown} is already used by {first.folder}"
            )
            catalog.broken.append(BrokenLesson(path, reason, shadowed=shadowed))
        else:
            numbers[plugin.number] = slugs[plugin.slug] = plugin
            catalog.lessons.append(plugin)
    catalog.lessons.sort(key=lambda plugin: plugin.number)
    return catalog


def _declared_anywhere(group: str) -> bool:
    """Whether any installed distribution's entry_points.txt has the group (a quick text scan)."""
    header = f"[{group}]"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info")):
                try:
                    with open(os.path.join(entry, name, "entry_points.txt"), encoding="utf-8") as handle:
                        if header in handle.read():
                            return True
                except OSError:
                    continue
    return False


def _is_lesson(folder: Path) -> bool:
    return (folder / "__init__.py").is_file() and (folder / "checker.py").is_file()


def _lesson_folders(directory: Path) -> list[Path]:
    """A folder holding a lesson's parts is one lesson; otherwise each subfolder with an
    ``__init__.py`` is (so a lesson pack's package folder works as well as its lessons')."""
    if _is_lesson(directory):
        return [directory]
    return sorted(
        child
        for child in directory.iterdir()
        if child.is_dir() and not child.name.startswith((".", "_")) and (child / "__init__.py").exists()
    )


def _load(source: object, origin: str) -> LessonPlugin:
    if isinstance(source, Path):
        module = _import_folder(source)
    else:
        module = _import_entry_point(source)
    folder = Path(module.__file__ or "").resolve().parent
    declared = getattr(module, "LESSON", None)
    if not isinstance(declared, Lesson):
        raise LessonError(folder.name, "declaration", folder, "__init__.py does not set LESSON = Lesson(...)")
    problems = declared.problems()
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        problems.append("missing " + ", ".join(missing))
    if problems:
        raise LessonError(folder.name, "declaration", folder, "; ".join(problems))
    return LessonPlugin(declared, folder, module.__name__, origin)


def _import_folder(folder: Path) -> ModuleType:
    """Import a lesson folder by path, under a name no other folder can clash with."""
    name = "calccourse_lesson_" + re.sub(r"\W", "_", str(folder.resolve()))
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException as error:  # a plugin may raise anything, SystemExit included
        del sys.modules[name]
        raise LessonError(
            folder.name, "__init__.py", folder, describe(error), traceback.format_exc()
        ) from None
    return module


def _import_entry_point(ep) -> ModuleType:  # type: ignore[no-untyped-def]
    where = f"entry point {ep.name} = {ep.value}"
    try:
        loaded = ep.load()
    except BaseException as error:
        raise LessonError(ep.name, "entry point", where, describe(error), traceback.format_exc()) from None
    if isinstance(loaded, ModuleType):
        return loaded
    module = sys.modules.get(ep.module)
    if module is None or not isinstance(loaded, Lesson):
        raise LessonError(
            ep.name, "entry point", where, f"{ep.value} is neither a lesson package nor a Lesson"
        )
    return module
