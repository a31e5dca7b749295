"""Who each submission is: the identity an LMS's download already carries, and a roster.

- A Canvas "Download submissions" zip names each file ``<lastfirst>[_late]_<userid>_<attachmentid>_<name>``:
  ``userid`` is Canvas's own user id (the "ID" its gradebook import matches). A student who
  uploaded again gets ``answer-1.py`` beside ``answer.py``: the newest upload (the highest
  attachment id) counts, the others are listed.
- A Gradescope "Export submissions" holds ``submission_metadata.yml``: each
  ``submission_<id>`` (a folder or a file) with its ``:submitters:`` (``:name:``, ``:sid:``,
  ``:email:``); a group submission is a row for each member.
- A roster (``grade --roster FILE``) is a CSV as Canvas's gradebook export or Moodle's
  participants export writes it: it maps submissions to students, names each row by the
  roster's id, and adds a ``missing`` row for every student who submitted nothing.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calccourse.status import UsageError

METADATA = "submission_metadata.yml"  # what a Gradescope export holds beside its submissions
CANVAS_FILE = re.compile(
    r"^(?P<name>[^_]+?)(?P<late>_late)?_(?P<user>\d+)_(?P<attachment>\d+)_(?P<file>.+)$", re.IGNORECASE
)
RESUBMITTED = re.compile(r"^(?P<stem>.+?)-(?P<n>\d+)$")  # Canvas's answer-1.py for a second answer.py


def key(text: str) -> str:
    """An id as LMSs compare them: Unicode-normalised (NFC), case-folded, trimmed."""
    return unicodedata.normalize("NFC", text).casefold().strip()


def name_key(text: str) -> str:
    """A name reduced to its letters: Canvas's ``abubakarzainab`` and a roster's
    ``Abubakar, Zainab`` meet here."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


@dataclass(frozen=True)
class CanvasFile:
    """What a Canvas download's file name says about one upload."""

    lastfirst: str
    late: bool
    user: str
    attachment: int
    filename: str  # as the student named it, with Canvas's -N of a re-upload

    @property
    def upload_order(self) -> tuple[int, int]:
        """Newer uploads sort later: by attachment id, then by Canvas's -N."""
        match = RESUBMITTED.match(Path(self.filename).stem)
        return self.attachment, int(match["n"]) if match else 0


def canvas_file(name: str) -> CanvasFile | None:
    """The parts of a Canvas download's file name, or None when ``name`` is not one."""
    match = CANVAS_FILE.match(name)
    if match is None:
        return None
    return CanvasFile(
        match["name"], bool(match["late"]), match["user"], int(match["attachment"]), match["file"]
    )


@dataclass(frozen=True)
class Person:
    """A student as a platform or roster knows them: ids by kind, a name, an e-mail."""

    ids: tuple[tuple[str, str], ...]  # (kind, value): canvas_id, sis_user_id, sis_login_id, sid, ...
    name: str = ""
    email: str = ""

    def get(self, kind: str) -> str:
        return next((value for what, value in self.ids if what == kind and value), "")

    @property
    def keys(self) -> set[str]:
        """Everything that identifies this person for certain (names aside)."""
        return {key(value) for _, value in self.ids if value} | ({key(self.email)} if self.email else set())


def _tolerant_loader() -> type:
    """pyyaml's SafeLoader, with every tag (a Ruby object's ``!ruby/...``) read as plain data and
    timestamps kept as text: nothing in the file is ever constructed as a Python object."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def plain(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            return loader.construct_mapping(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_scalar(node)  # type: ignore[arg-type]

    Loader.add_multi_constructor("!", plain)
    Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_str)
    return Loader


MAX_METADATA_BYTES = 16 * 1024 * 1024


def gradescope_people(folder: Path) -> dict[str, list[Person]]:
    """The submitters of each submission of a Gradescope export (by its folder or file name),
    from its ``submission_metadata.yml``; empty when there is none. A damaged file is a usage
    error: the instructor must know the ids are not read."""
    path = folder / METADATA
    if not path.is_file():
        return {}
    import yaml

    try:
        with path.open("rb") as handle:
            text = handle.read(MAX_METADATA_BYTES + 1)
        if len(text) > MAX_METADATA_BYTES:
            raise UsageError(f"{path} is over {MAX_METADATA_BYTES // 2**20} MiB: is it Gradescope's?")
        data = yaml.load(text, Loader=_tolerant_loader())  # noqa: S506 (a SafeLoader)
    except (OSError, yaml.YAMLError) as error:
        raise UsageError(f"cannot read {path} (Gradescope's list of submitters): {error}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path} is not Gradescope's list of submitters (no submission in it).")
    people: dict[str, list[Person]] = {}
    for submission, about in data.items():
        submitters = about.get(":submitters") if isinstance(about, dict) else None
        found = []
        for who in submitters if isinstance(submitters, list) else []:
            if not isinstance(who, dict):
                continue
            sid, email, name = (str(who.get(f":{k}") or "").strip() for k in ("sid", "email", "name"))
            ids = tuple((kind, value) for kind, value in (("sid", sid), ("email", email)) if value)
            if ids:
                found.append(Person(ids, name, email))
        if found:
            people[str(submission)] = found
    return people


def gradescope_submitter(path: Path) -> str:
    """The learner id of the submission a Gradescope autograder runs on, from its
    ``submission_metadata.json``: the first submitter's SID, else e-mail (as :func:`gradescope_people`
    names an export's rows, so that re-grading the export gives each the same variant). A
    file that names nobody is a usage error: the student must not get the course's own."""
    import json

    try:
        with path.open("rb") as handle:
            text = handle.read(MAX_METADATA_BYTES + 1)
        if len(text) > MAX_METADATA_BYTES:
            raise UsageError(f"{path} is over {MAX_METADATA_BYTES // 2**20} MiB: is it Gradescope's?")
        data = json.loads(text)
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot read {path} (Gradescope's submission metadata): {error}") from None
    users = data.get("users") if isinstance(data, dict) else None
    for who in users if isinstance(users, list) else []:
        if isinstance(who, dict):
            for kind in ("sid", "email"):
                value = str(who.get(kind) or "").strip()
                if value:
                    return value
    raise UsageError(f"{path} names no submitter with an SID or e-mail: whose variant is this?")


# The columns a roster's ids are read from, by kind, as Canvas's gradebook export, Moodle's
# participants or grades export and a hand-made list name them (compared case-folded).
ROSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "sis_login_id": ("sis login id", "login", "login id"),
    "username": ("username", "user name"),
    "sis_user_id": ("sis user id",),
    "idnumber": ("id number", "idnumber"),
    "sid": ("sid", "student id", "student number"),
    "id": ("id",),
    "email": ("email", "email address", "e-mail", "e-mail address"),
}
# A row's id in the gradebook: the first of these it has (logins before internal numbers).
ROSTER_ID_ORDER = ("sis_login_id", "username", "sis_user_id", "idnumber", "sid", "id", "email")
NAME_COLUMNS = ("student", "name", "full name")
FIRST_LAST = (("first name", "firstname"), ("last name", "surname", "lastname"))
NOT_STUDENTS = ("points possible", "test student", "student, test")  # Canvas's extra rows


@dataclass
class Roster:
    """The students of a class, each with the ids the roster gives."""

    source: str
    students: list[tuple[str, Person]]  # (the gradebook's id for them, who they are)

    def match(self, person: Person, names: Iterable[str] = ()) -> tuple[int, str] | None:
        """The index of the roster student ``person`` is, and by what: an id or e-mail first;
        else a name, when exactly one roster student has it."""
        keys = person.keys
        for index, (_, student) in enumerate(self.students):
            for kind, value in student.ids:
                if value and key(value) in keys:
                    return index, f"roster {_LABELS.get(kind, kind)} {value}"
        for name in names:
            if not name_key(name):
                continue
            hits = [
                i for i, (_, s) in enumerate(self.students) if s.name and name_key(s.name) == name_key(name)
            ]
            if len(hits) == 1:
                return hits[0], f"roster name {self.students[hits[0]][1].name}"
        return None


_LABELS = {
    "canvas_id": "Canvas user id",
    "id": "ID",
    "sis_user_id": "SIS User ID",
    "sis_login_id": "SIS Login ID",
    "username": "username",
    "idnumber": "ID number",
    "sid": "SID",
    "email": "e-mail",
}


def read_roster(path: Path) -> Roster:
    """A roster CSV: Canvas's gradebook export, Moodle's participants export, or any CSV with
    an id column (and optional name and e-mail columns)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(
            f"cannot read the roster {path}: {getattr(error, 'strerror', None) or error}."
        ) from None
    table = list(csv.reader(text.splitlines()))
    if not table:
        raise UsageError(f"the roster {path} is empty: give a CSV with a header row and one row per student.")
    header = [cell.strip().casefold() for cell in table[0]]

    def column(names: Sequence[str]) -> int | None:
        return next((header.index(name) for name in names if name in header), None)

    id_columns = {kind: at for kind, names in ROSTER_COLUMNS.items() if (at := column(names)) is not None}
    if not id_columns:
        known = ", ".join(sorted({names[0] for names in ROSTER_COLUMNS.values()}))
        raise UsageError(f"the roster {path} has no id column: name one of: {known}.")
    name_at = column(NAME_COLUMNS)
    first_at, last_at = (column(names) for names in FIRST_LAST)
    students = []
    for row in table[1:]:
        cell = functools.partial(_cell, row)
        name = cell(name_at) or " ".join(part for part in (cell(first_at), cell(last_at)) if part)
        if not any(text.strip() for text in row) or key(name) in NOT_STUDENTS:
            continue
        canvas = _canvas_header(header)  # Canvas's "ID" is its user id, the one its downloads carry
        ids = tuple(
            ("canvas_id" if kind == "id" and canvas else kind, cell(at))
            for kind, at in id_columns.items()
            if cell(at)
        )
        if not ids:
            continue
        person = Person(ids, name, cell(id_columns.get("email")))
        primary = next((person.get(kind) for kind in (*ROSTER_ID_ORDER, "canvas_id") if person.get(kind)), "")
        students.append((primary, person))
    return Roster(str(path), students)


def _cell(row: Sequence[str], at: int | None) -> str:
    return row[at].strip() if at is not None and at < len(row) else ""


def _canvas_header(header: Sequence[str]) -> bool:
    """Canvas's gradebook export: its "ID" column is Canvas's user id."""
    return "sis login id" in header or "sis user id" in header
