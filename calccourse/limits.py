"""What a check may cost and how it is confined: one value, the same for every command.

Options read the defaults at start-up, so this module imports nothing heavy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

DEFAULT_TIMEOUT = 5.0  # seconds for loading, and for each call
DEFAULT_CAP = 120.0  # seconds for a whole check; calls not made by then are skipped
DEFAULT_MEMORY_MB = 1024  # MiB an answer may use above what its worker already holds


@dataclass(frozen=True)
class Limits:
    """How an answer is checked: its time limits, memory, the inputs' seed (None: fresh
    ones each run), whether full confinement is required, and the learner whose variant
    of the exercise is judged (None: the course's own exercise). ``check``, ``watch``,
    ``grade`` and ``dev check`` each build one and hand it to the one grading path."""

    timeout: float = DEFAULT_TIMEOUT
    cap: float = DEFAULT_CAP
    memory_mb: int = DEFAULT_MEMORY_MB
    seed: int | None = None
    require_confinement: bool = False
    learner: str | None = None

    def __post_init__(self) -> None:
        for name in ("timeout", "cap"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number of seconds, not {value!r}")
        if self.seed is not None and not 0 <= self.seed < 2**32:
            raise ValueError(f"seed must be a whole number from 0 to {2**32 - 1}, not {self.seed!r}")


DEFAULT_LIMITS = Limits()
