"""A gradebook for an LMS's grade import: one row per student, one score column per lesson.

Canvas ("Import grades", Gradebook → Import) reads its own export's layout: the columns
Student, ID, SIS User ID, SIS Login ID and Section, then one column per assignment, and a
"Points Possible" row under the header; it matches students by ID, SIS User ID or SIS Login
ID. Moodle ("Import → CSV file") reads any header: at import one column is mapped to a user
field (username, ID number or email) and each other column to a grade item.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from calccourse.reports.gradebook import rows, spreadsheet_safe
from calccourse.status import UsageError

if TYPE_CHECKING:
    from calccourse.classbook import Gradebook

LMS = ("canvas", "moodle")
CANVAS_IDS = ("SIS Login ID", "SIS User ID", "ID")
DEFAULT_ID = {"canvas": "SIS Login ID", "moodle": "username"}


def lms_csv(gradebooks: Sequence[Gradebook], lms: str, id_column: str | None = None) -> str:
    """The scores of every gradebook (one per lesson) as ``lms`` imports them. A cell is the
    required score (a bonus is not in it); empty where there is no score (missing, not run,
    a checker error), which both LMSs leave as it was."""
    if lms not in LMS:
        raise UsageError(f"--lms {lms} is not one of: {', '.join(LMS)}.")
    column = id_column or DEFAULT_ID[lms]
    if lms == "canvas" and column not in CANVAS_IDS:
        raise UsageError(f"Canvas matches students by {', '.join(CANVAS_IDS)}; --id-column {column} is none.")
    lessons: dict[int, Gradebook] = {}
    for book in gradebooks:
        if book.shard is not None:
            raise UsageError(
                f"{book.source} is part {book.shard[0]}/{book.shard[1]} of a class: join the parts first "
                "with `calccourse gradebook merge`, then export the whole."
            )
        number = int(book.lesson["number"])
        if number in lessons:
            raise UsageError(
                f"{lessons[number].source} and {book.source} are both lesson {number}: "
                "join the parts first with `calccourse gradebook merge`."
            )
        lessons[number] = book
    ordered = [lessons[number] for number in sorted(lessons)]
    titles = [f"Lesson {book.lesson['number']}: {book.lesson['title']}" for book in ordered]
    scores: dict[str, dict[str, float | None]] = {}
    for title, book in zip(titles, ordered):
        for row in rows(book.results):
            scores.setdefault(str(row["student"]), {})[title] = row["score"]
    points = [max((r.max_score for r in book.results), default=0.0) for book in ordered]

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if lms == "canvas":
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *titles])
        writer.writerow(["Points Possible", "", "", "", "", *(f"{p:g}" for p in points)])
    else:
        writer.writerow([column, *titles])
    for student in sorted(scores, key=str.casefold):
        cells = ["" if scores[student].get(t) is None else f"{scores[student][t]:g}" for t in titles]
        safe = spreadsheet_safe(student)
        if lms == "canvas":  # the id in its column of ID, SIS User ID, SIS Login ID
            ids = [safe if name == column else "" for name in ("ID", "SIS User ID", "SIS Login ID")]
            writer.writerow([safe, *ids, "", *cells])
        else:
            writer.writerow([safe, *cells])
    return out.getvalue()
