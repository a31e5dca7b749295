"""A class's results that a classmate may have spoiled, checked again alone.

Answers graded at once share the processor, the memory and the task table. A time-out, a
process killed (the OOM killer, a full task table) or a worker lost can be a classmate's
doing, so such a result counts only after the answer ran again with no classmate beside
it: :func:`recheck_alone` grades each such answer once more, one at a time, after the
class, and the second result is the one recorded (with a note saying so).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from calccourse.grading import Report


class ClassResult(Protocol):
    """What this module reads of a :class:`calccourse.batch.ClassResult` (batch imports it)."""

    @property
    def submission(self) -> Any: ...
    @property
    def report(self) -> Report | None: ...


Result = TypeVar("Result", bound=ClassResult)

# Error kinds a busy, hungry or forking classmate can cause; the answer's own exceptions,
# wrong values, MemoryError under its own limit and missing names it cannot.
SPOILABLE = frozenset({"timeout", "crashed", "skipped"})
NOTE = "re-checked alone after the class (it timed out or was killed while classmates ran)"


def spoilable(result: ClassResult) -> bool:
    """Whether ``result`` holds a time-out or a kill that a classmate may have caused."""
    report = result.report
    if report is None:
        return False
    if report.load_error is not None:
        return report.load_error.kind in SPOILABLE
    return report.retried or any(test.error in SPOILABLE for test in report.tests)


def recheck_alone(held: Iterable[Result], grade_one: Callable[[Any], Result]) -> Iterator[Result]:
    """Each held result's answer graded again by ``grade_one``, one after another (call it
    once the class's other answers are done): the new result, noted, replaces the first."""
    for first in held:
        again = grade_one(first.submission)
        if again.report is not None:
            again.report.notes.append(NOTE)
        yield again
