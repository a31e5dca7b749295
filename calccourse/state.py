"""The learner's progress: a small JSON file in the user data folder.

``CALCCOURSE_HOME`` names another folder (tests and shared machines use it).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

STATE_FILE = "state.json"


def home() -> Path:
    if os.environ.get("CALCCOURSE_HOME"):
        return Path(os.environ["CALCCOURSE_HOME"]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("calccourse", appauthor=False))


def load() -> dict[str, Any]:
    try:
        data = json.loads((home() / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(data: dict[str, Any]) -> None:
    """Write the state atomically; progress is a convenience, so failures stay silent."""
    folder = home()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{STATE_FILE}.{os.getpid()}"
        temporary.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
        temporary.replace(folder / STATE_FILE)
    except OSError:
        pass


def next_hint(slug: str, available: int) -> int:
    """Advance and return the 0-based index of the hint to show for a lesson."""
    data = load()
    hints = data.setdefault("hints", {})
    index = min(hints.get(slug, 0), available - 1)
    hints[slug] = index + 1
    save(data)
    return index


def record_check(slug: str, status: str, score: float, max_score: float) -> None:
    data = load()
    checks = data.setdefault("checks", {})
    previous = checks.get(slug, {})
    checks[slug] = {
        "status": "pass" if status == "pass" or previous.get("status") == "pass" else status,
        "last": status,
        "score": score,
        "max_score": max_score,
        "when": time.strftime("%Y-%m-%d %H:%M"),
    }
    save(data)


def status_of(slug: str, data: dict[str, Any] | None = None) -> str:
    """``passed``, ``tried``, ``started`` (hints seen) or ``new``."""
    data = load() if data is None else data
    check = data.get("checks", {}).get(slug)
    if check:
        return "passed" if check.get("status") == "pass" else "tried"
    return "started" if data.get("hints", {}).get(slug) else "new"


def reset(slug: str | None = None) -> None:
    data = load()
    if slug is None:
        data = {}
    else:
        for section in ("hints", "checks"):
            data.get(section, {}).pop(slug, None)
    save(data)
