"""The time limits an answer gets unless told otherwise (options read them at start-up,
so they live apart from the grading code)."""

DEFAULT_TIMEOUT = 5.0  # seconds for loading, and for each call
DEFAULT_CAP = 120.0  # seconds for a whole check; calls not made by then are skipped
