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
    """A plugin that could not be used: where it is and why.

    ``shadowed``: another copy of the same lesson (its number and slug) came first, so it
    is not broken, only hidden. ``clash``: the number of another lesson, the plugin
    itself loaded (reached by its slug, never by the number). ``number`` and ``slug`` are
    what the plugin declared, when it got that far; ``name`` is an entry point's name.
    """

    path: str
    reason: str
    details: str = ""
    shadowed: bool = False
    number: int | None = None
    slug: str | None = None
    name: str | None = None
    clash: LessonPlugin | None = None


@dataclass
class Catalog:
    """The lessons found, in order of number, and the plugins that failed."""

    lessons: list[LessonPlugin] = field(default_factory=list)
    broken: list[BrokenLesson] = field(default_factory=list)

    def find(self, key: str) -> LessonPlugin | None:
        """Return the lesson whose number or slug is ``key`` (a clashing plugin by its slug)."""
        key = key.strip().lower()
        for plugin in self.lessons:
            if key == plugin.slug or (key.isdigit() and int(key) == plugin.number):
                return plugin
        return next((item.clash for item in self.broken if item.clash and item.clash.slug == key), None)

    def clash_for(self, key: str) -> BrokenLesson | None:
        """The clash when ``key`` is a number two lessons declare."""
        key = key.strip()
        return next(
            (item for item in self.broken if item.clash and key.isdigit() and int(key) == item.number), None
        )

    def broken_for(self, key: str) -> tuple[BrokenLesson, bool] | None:
        """The broken plugin that ``key`` names (by its declared number or slug, an entry
        point's name or the folder's name) and True; else, when some broken plugin's number
        is unknown, the first such and False (it may be the one asked for)."""
        key = key.strip().lower()
        broken = [item for item in self.broken if not item.shadowed and item.clash is None]
        for item in broken:
            folder = Path(item.path).name.lower()
            digits = re.match(r"\d+", folder)
            number = item.number if item.number is not None else int(digits.group()) if digits else None
            if key in (folder, item.slug, item.name) or key in folder.split("-", 1)[-1:]:
                return item, True
            if key.isdigit() and number == int(key):
                return item, True
        # an entry point or a folder that did not import: its number is unknown
        unknown = [item for item in broken if item.number is None and (item.name or item.details)]
        return (unknown[0], False) if unknown else None


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
        name = getattr(source, "name", None) if origin == "entry point" else None
        try:
            plugin = _load(source, origin)
        except LessonError as error:
            declared = error.declared
            catalog.broken.append(
                BrokenLesson(
                    error.path or where,
                    error.reason,
                    error.details,
                    number=getattr(declared, "number", None),
                    slug=getattr(declared, "slug", None),
                    name=name,
                )
            )
            continue
        first = numbers.get(plugin.number) or slugs.get(plugin.slug)
        if first is not None:
            catalog.broken.append(_conflict(plugin, first, origin))
        else:
            numbers[plugin.number] = slugs[plugin.slug] = plugin
            catalog.lessons.append(plugin)
    catalog.lessons.sort(key=lambda plugin: plugin.number)
    return catalog


def _conflict(plugin: LessonPlugin, first: LessonPlugin, origin: str) -> BrokenLesson:
    """Why ``plugin`` is not in the catalog, ``first`` having come first. Another copy of the
    same lesson (its number and slug) from another source is shadowed, not broken (a
    working copy beside the installed pack); another lesson with the same number is a clash,
    an error (which lesson would `check 3` mean?); the same slug twice is an error."""
    path = str(plugin.folder)
    if plugin.number == first.number and plugin.slug == first.slug and first.origin != origin:
        reason = (
            f"shadowed by {first.folder} ({first.origin}), which also has lesson number {plugin.number} "
            "and comes first"
        )
        return BrokenLesson(path, reason, shadowed=True, number=plugin.number, slug=plugin.slug)
    if plugin.number == first.number:
        reason = (
            f"lesson number {plugin.number} is already {first.name}'s, in {first.folder} ({first.origin}): "
            f"give one of them another number (until then `{plugin.slug}` and `{first.slug}` reach each)"
        )
        return BrokenLesson(path, reason, number=plugin.number, slug=plugin.slug, clash=plugin)
    reason = f"lesson slug '{plugin.slug}' is already used by {first.folder} ({first.origin})"
    return BrokenLesson(path, reason, number=plugin.number, slug=plugin.slug)


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
        raise LessonError(folder.name, "declaration", folder, "; ".join(problems), declared=declared)
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
            folder.name, "__init__.py", folder, describe(error, folder), traceback.format_exc()
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
