"""A gradebook for an LMS's grade import: one row per student, one score column per lesson.

Only rows that are students go in: a ``skipped`` entry (``README.txt``) or a submission on
nobody's roster is listed apart, since an id the LMS does not know is an error there
(Moodle's CSV import stops at the first one, ``usermappingerror``; Canvas adds an unknown
student for the instructor to resolve).

- Canvas ("Import grades", Gradebook → Import) reads its own export's layout: the columns
  Student, ID, SIS User ID, SIS Login ID and Section, then one column per assignment, and a
  "Points Possible" row under the header; it matches a row by ID (Canvas's user id, which
  its downloads carry), else SIS User ID, else SIS Login ID. A blank or ``-`` cell is "no
  score": Canvas leaves that grade as it is.
- Moodle ("Import → CSV file") reads any header: at import one column is mapped to a user
  field (username, ID number or e-mail) and each other column to a grade item. A blank or
  ``-`` cell is "no grade" there, which *clears* a grade the student has (a manual one
  included): so a student without a score in every lesson of the file is left out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from calccourse.reports.gradebook import not_a_student, rows, spreadsheet_safe
from calccourse.status import UsageError

if TYPE_CHECKING:
    from calccourse.classbook import Gradebook

LMS = ("canvas", "moodle")
CANVAS_IDS = ("SIS Login ID", "SIS User ID", "ID")
CANVAS_KINDS = {"ID": ("canvas_id",), "SIS User ID": ("sis_user_id",), "SIS Login ID": ("sis_login_id",)}
DEFAULT_ID = {"canvas": "SIS Login ID", "moodle": "username"}
# The ids a Moodle user field is matched with, by the name of --id-column, first found first.
MOODLE_KINDS = {
    "username": ("username", "sis_login_id"),
    "idnumber": ("idnumber", "sis_user_id", "sid"),
    "id number": ("idnumber", "sis_user_id", "sid"),
    "email": ("email",),
    "email address": ("email",),
}


@dataclass
class LmsFile:
    """What ``gradebook export`` writes, and the rows it left out (student, lesson, why)."""

    text: str
    left_out: list[tuple[str, str]]


def lms_csv(gradebooks: Sequence[Gradebook], lms: str, id_column: str | None = None) -> LmsFile:
    """The scores of every gradebook (one per lesson) as ``lms`` imports them. A cell is the
    required score (a bonus is not in it); for Canvas, empty where there is none (missing,
    not run, a checker error), which Canvas leaves as it was."""
    if lms not in LMS:
        raise UsageError(f"--lms {lms} is not one of: {', '.join(LMS)}.")
    column = id_column or DEFAULT_ID[lms]
    if lms == "canvas" and column not in CANVAS_IDS:
        raise UsageError(f"Canvas matches students by {', '.join(CANVAS_IDS)}; --id-column {column} is none.")
    ordered = _by_lesson(gradebooks)
    titles = [f"Lesson {book.lesson['number']}: {book.lesson['title']}" for book in ordered]
    scores: dict[str, dict[str, float | None]] = {}
    ids: dict[str, dict[str, str]] = {}
    names: dict[str, str] = {}
    left_out: dict[str, str] = {}
    for title, book in zip(titles, ordered):
        for result, row in zip(book.results, rows(book.results)):
            if why := not_a_student(result):
                left_out.setdefault(f"{result.student} ({result.path})", why)
                continue
            scores.setdefault(result.student, {})[title] = row["score"]
            ids.setdefault(result.student, {}).update(result.submission.ids)
            names[result.student] = names.get(result.student) or result.submission.name
    points = [max((r.max_score for r in book.results), default=0.0) for book in ordered]

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if lms == "canvas":
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *titles])
        writer.writerow(["Points Possible", "", "", "", "", *(f"{p:g}" for p in points)])
    else:
        writer.writerow([column, *titles])
    for student in sorted(scores, key=str.casefold):
        got = scores[student]
        cells = ["" if got.get(t) is None else f"{got[t]:g}" for t in titles]
        if lms == "canvas":
            known = {name: _first(ids[student], kinds) for name, kinds in CANVAS_KINDS.items()}
            if not any(known.values()):  # identified by its name alone: the id in --id-column
                known[column] = student
            cells_ids = [spreadsheet_safe(known[name]) for name in ("ID", "SIS User ID", "SIS Login ID")]
            writer.writerow([spreadsheet_safe(names[student] or student), *cells_ids, "", *cells])
            continue
        if blank := [t for t in titles if got.get(t) is None]:
            left_out[student] = (
                f"no score in {', '.join(blank)}: Moodle would clear the grade it has there "
                "(export that lesson's gradebook alone to import the others)"
            )
            continue
        moodle_id = _first(ids[student], MOODLE_KINDS.get(column.casefold(), ())) or student
        writer.writerow([spreadsheet_safe(moodle_id), *cells])
    return LmsFile(out.getvalue(), sorted(left_out.items(), key=lambda item: item[0].casefold()))


def _first(ids: dict[str, str], kinds: Sequence[str]) -> str:
    return next((ids[kind] for kind in kinds if ids.get(kind)), "")


def _by_lesson(gradebooks: Sequence[Gradebook]) -> list[Gradebook]:
    """The gradebooks in lesson order: whole classes, one per lesson."""
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
    return [lessons[number] for number in sorted(lessons)]
