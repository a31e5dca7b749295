"""The learner's progress: a small JSON file in the user data folder, never lost.

``CALCCOURSE_HOME`` names another folder (tests and shared machines use it). Every
change is read, made and written under a lock, and written atomically (a temporary file
renamed over the old one), so two commands at once never lose an update. A file that is
not valid progress is moved aside, with a warning naming the copy; a folder that cannot
be written costs one warning, and the command still runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from calccourse.files import write_atomically

STATE_FILE = "state.json"
LOCK_FILE = "state.lock"
VERSION = 2


def default_home(environ: Mapping[str, str]) -> Path:
    if environ.get("CALCCOURSE_HOME"):
        return Path(environ["CALCCOURSE_HOME"]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("calccourse", appauthor=False))


@dataclass(frozen=True)
class Run:
    """One check's result as progress keeps it."""

    status: str
    score: float
    max_score: float
    when: str

    @classmethod
    def of(cls, data: Any) -> Run | None:
        try:
            return cls(
                str(data["status"]), float(data["score"]), float(data["max_score"]), str(data.get("when", ""))
            )
        except (KeyError, TypeError, ValueError):
            return None

    def better_than(self, other: Run | None) -> bool:
        if other is None:
            return True
        return (self.status == "pass", self.score) > (other.status == "pass", other.score)


@dataclass
class Progress:
    """Progress kept in ``home``; ``warnings`` says what could not be read or written."""

    home: Path
    warnings: list[str] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return self.home / STATE_FILE

    def load(self) -> dict[str, Any]:
        """The progress as data (empty when there is none yet)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as error:
            self._warn(
                f"cannot read your progress in {self.path} ({error.strerror or error}); going on without it"
            )
            return {}
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise ValueError("not an object")
            data = _upgrade(data)
        except (ValueError, TypeError, AttributeError, RecursionError):
            return self._set_aside()
        if not _well_formed(data):  # JSON, but not progress: each command would trip on it
            return self._set_aside()
        return data

    def _set_aside(self) -> dict[str, Any]:
        backup = self.path.with_name(f"{STATE_FILE}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(self.path, backup)
            self._warn(f"your progress file was damaged; it was moved to {backup} and a new one started")
        except OSError as error:
            self._warn(f"your progress file {self.path} is damaged and cannot be moved aside ({error})")
        return {}

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            # never through a link: in a folder another user can write, a planted state.lock
            # link would have this process create or lock a file of the link's choosing
            descriptor = os.open(self.home / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
            handle = os.fdopen(descriptor, "a+")
        except OSError as error:
            self._warn(f"cannot save your progress in {self.home} ({error.strerror or error})")
            yield
            return
        from filelock import FileLock  # fcntl's flock where there is one, msvcrt's locking on Windows

        with handle, FileLock(self.home / LOCK_FILE):
            yield

    def update(self, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        """Read, change and write the progress under the lock; returns the new data."""
        with self._locked():
            data = self.load()
            change(data)
            data["version"] = VERSION
            try:
                write_atomically(self.path, json.dumps(data, indent=2, sort_keys=True))
            except OSError as error:
                self._warn(f"cannot save your progress in {self.home} ({error.strerror or error})")
        return data

    def next_hint(self, slug: str, available: int) -> int:
        """Advance and return the 0-based index of the hint to show for a lesson."""
        shown: list[int] = []

        def advance(data: dict[str, Any]) -> None:
            hints = data.setdefault("hints", {})
            index = min(int(hints.get(slug, 0)), available - 1)
            hints[slug] = index + 1
            shown.append(index)

        self.update(advance)
        return shown[0]

    def hints_seen(self, slug: str, count: int) -> None:
        """Count ``count`` hints of a lesson as seen (``hint --all``): the next is after them."""

        def seen(data: dict[str, Any]) -> None:
            hints = data.setdefault("hints", {})
            hints[slug] = max(int(hints.get(slug, 0)), count)

        self.update(seen)

    def mark_opened(self, slug: str) -> None:
        """Remember that the lesson was read (``lesson N``): it is no longer new."""

        def opened(data: dict[str, Any]) -> None:
            data["opened"] = {**_section(data, "opened"), slug: True}

        if not _section(self.load(), "opened").get(slug):
            self.update(opened)

    def record_check(self, slug: str, status: str, score: float, max_score: float) -> None:
        run = Run(status, score, max_score, time.strftime("%Y-%m-%d %H:%M"))

        def record(data: dict[str, Any]) -> None:
            entry = data.setdefault("checks", {}).setdefault(slug, {})
            entry["last"] = run.__dict__
            if run.better_than(Run.of(entry.get("best"))):
                entry["best"] = run.__dict__

        self.update(record)

    def reset(self, slug: str | None = None) -> None:
        def forget(data: dict[str, Any]) -> None:
            if slug is None:
                data.clear()
            else:
                for section in ("hints", "checks", "opened"):
                    data.get(section, {}).pop(slug, None)

        self.update(forget)


def runs(data: dict[str, Any], slug: str) -> tuple[Run | None, Run | None]:
    """The best and the last check of a lesson."""
    entry = data.get("checks", {}).get(slug) or {}
    return Run.of(entry.get("best")), Run.of(entry.get("last"))


def status_of(slug: str, data: dict[str, Any]) -> str:
    """``passed``, ``tried``, ``started`` (read, or hints seen) or ``new``."""
    best, _ = runs(data, slug)
    if best is not None:
        return "passed" if best.status == "pass" else "tried"
    started = any(_section(data, name).get(slug) for name in ("hints", "opened"))
    return "started" if started else "new"


def _section(data: dict[str, Any], name: str) -> dict[str, Any]:
    """A part of the progress by lesson, empty when missing or not a mapping."""
    part = data.get(name)
    return part if isinstance(part, dict) else {}


def _well_formed(data: dict[str, Any]) -> bool:
    """Whether ``data`` has progress's shape: checks by lesson, each with runs, and hint
    counts by lesson."""
    checks, hints = data.get("checks", {}), data.get("hints", {})
    if not isinstance(checks, dict) or not isinstance(hints, dict):
        return False
    for entry in checks.values():
        if not isinstance(entry, dict):
            return False
        if any(key in entry and Run.of(entry[key]) is None for key in ("best", "last")):
            return False
    return all(type(count) is int and count >= 0 for count in hints.values())


def _upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """0.1 kept one record per lesson (best status, last score): read it as best and last."""
    for slug, entry in list(data.get("checks", {}).items()):
        if isinstance(entry, dict) and "last" in entry and not isinstance(entry["last"], dict):
            last = Run(
                str(entry["last"]),
                float(entry.get("score", 0)),
                float(entry.get("max_score", 0)),
                str(entry.get("when", "")),
            )
            passed = entry.get("status") == "pass"
            best = Run(
                "pass" if passed else last.status,
                last.max_score if passed else last.score,
                last.max_score,
                last.when,
            )
            data["checks"][slug] = {"best": best.__dict__, "last": last.__dict__}
    return data
