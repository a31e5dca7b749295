"""A class's gradebook as data: read back from its JSON, joined from parts graded apart,
and compared with a previous one (what ``gradebook merge`` and ``grade --previous`` do)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calccourse.batch import ClassResult, Submission
from calccourse.identity import Person, Roster
from calccourse.reports._common import from_json_values
from calccourse.reports.gradebook import SCHEMA, SCHEMA_VERSION
from calccourse.reports.native import from_dict
from calccourse.status import UsageError

if TYPE_CHECKING:
    from calccourse.lesson import LessonPlugin


@dataclass(frozen=True)
class Gradebook:
    """A gradebook read back: how it was graded, and its results rebuilt as data."""

    lesson: dict[str, Any]  # number, slug, title
    seed: int
    version: str  # of calccourse
    confinement: str
    shard: tuple[int, int] | None  # (part, of parts), or None for a whole class
    results: list[ClassResult]
    source: str = ""  # the file it came from

    @property
    def variants(self) -> bool:
        """Whether it was graded with ``--variants`` (each answer against its student's variant)."""
        return any(r.report is not None and r.report.learner is not None for r in self.results)


def load(path: Path) -> Gradebook:
    """A gradebook JSON file written by ``grade --json``; anything else is a usage error."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"{path} is not a gradebook: it is not JSON ({error}).") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise UsageError(f"{path} is not a gradebook: `calccourse grade --json FILE` writes one.")
    if data.get("version") != SCHEMA_VERSION:
        raise UsageError(
            f"{path} is a version-{data.get('version')} gradebook; this calccourse reads version "
            f"{SCHEMA_VERSION}. Grade again with `calccourse grade --json FILE`."
        )
    try:
        results = []
        for row in data["results"]:
            submission = Submission(
                row["student"],
                row["path"],
                status=row["status"],
                reason=row["reason"],
                digest=row["sha256"],
                # Who the row is (gradebooks written before these fields: the file name).
                name=str(row.get("name", "")),
                ids=tuple((str(k), str(v)) for k, v in dict(row.get("ids") or {}).items()),
                identified=str(row.get("identified", "file name")),
                matched=row.get("on_roster"),
                notes=tuple(note for note in str(row.get("notes", "")).split("; ") if note),
            )
            report = None if row["report"] is None else from_dict(row["report"])
            values = from_json_values(row["values"])
            results.append(ClassResult(submission, report, float(row["max_score"]), values))
        part = data["shard"]
        return Gradebook(
            lesson=dict(data["lesson"]),
            seed=int(data["seed"]),
            version=str(data["tool"]["version"]),
            confinement=str(data["confinement"]),
            shard=None if part is None else (int(part["part"]), int(part["of"])),
            results=results,
            source=str(path),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise UsageError(f"{path} is a damaged gradebook ({type(error).__name__}: {error}).") from None


@dataclass
class Mapped:
    """The class after the roster: every roster student a row, and what matched nobody."""

    submissions: list[Submission]
    warnings: list[str] = field(default_factory=list)


def apply_roster(roster: Roster, submissions: Sequence[Submission]) -> Mapped:
    """Each submission named by the roster student it belongs to; a ``missing`` row for each
    student with none; a submission on nobody's roster kept, marked, and warned about; two
    submissions of one student: both kept (the second under a suffix), and warned about."""
    taken: dict[int, str] = {}
    out: list[Submission] = []
    warnings: list[str] = []
    for submission in submissions:
        if submission.status == "skipped":
            out.append(submission)
            continue
        person = Person(submission.ids + (("login", submission.student),), submission.name, "")
        found = roster.match(person, (submission.name, submission.student))
        if found is None:
            out.append(
                replace(submission, matched=False, identified=f"not on the roster ({submission.identified})")
            )
            warnings.append(
                f"{submission.path} ({submission.student}) matches no student of the roster {roster.source}"
            )
            continue
        index, how = found
        student, who = roster.students[index]
        if index in taken:
            warnings.append(
                f"{submission.path} and {taken[index]} both belong to {student} by the roster: "
                f"both are graded, {submission.path} as '{student}~2'; keep the one that counts"
            )
            student += "~2"
        taken[index] = submission.path
        merged = tuple(dict(who.ids + submission.ids).items())
        out.append(
            replace(
                submission,
                student=student,
                name=who.name or submission.name,
                ids=merged,
                identified=how,
                matched=True,
            )
        )
    for index, (student, who) in enumerate(roster.students):
        if index not in taken:
            out.append(
                Submission(
                    student,
                    "",
                    None,
                    "missing",
                    "no submission",
                    name=who.name,
                    ids=who.ids,
                    identified="roster",
                    matched=True,
                )
            )
    return Mapped(sorted(out, key=lambda s: s.student.casefold()), warnings)


def merge(parts: Sequence[Gradebook]) -> Gradebook:
    """One gradebook from parts of a class graded apart (``grade --shard I/N``, or sections).

    Parts must agree on the lesson, the seed and calccourse's version, no student may be
    in two parts, and the shards of a split class must all be there."""
    first = parts[0]
    for part in parts[1:]:
        for what, mine, theirs in (
            ("lesson", first.lesson.get("slug"), part.lesson.get("slug")),
            ("seed", first.seed, part.seed),
            ("calccourse version", first.version, part.version),
        ):
            if mine != theirs:
                raise UsageError(
                    f"{part.source} was graded with {what} {theirs}, {first.source} with {mine}: "
                    f"parts of one gradebook must be graded alike. Grade them again with the same {what}."
                )
    if len({part.variants for part in parts}) > 1:
        graded = ", ".join(part.source for part in parts if part.variants)
        raise UsageError(
            f"{graded} graded each answer against its student's variant (--variants), the other parts "
            "against the course's own exercise: grade every part alike."
        )
    shards = [part.shard for part in parts]
    if any(shards):
        if None in shards or len({shard[1] for shard in shards if shard}) != 1:
            raise UsageError(
                "these gradebooks are not the parts of one --shard split: merge the parts of one."
            )
        got = [shard[0] for shard in shards if shard]
        count = shards[0][1] if shards[0] else 0
        if twice := sorted({index for index in got if got.count(index) > 1}):
            raise UsageError(f"part {twice[0]}/{count} is given twice: give each part once.")
        if absent := sorted(set(range(1, count + 1)) - set(got)):
            names = ", ".join(f"{index}/{count}" for index in absent)
            raise UsageError(f"part {names} of the class is missing: merge every part of the split.")
    owner: dict[str, str] = {}
    for part in parts:
        for result in part.results:
            if result.student in owner:
                raise UsageError(
                    f"{result.student} is in both {owner[result.student]} and {part.source}: "
                    "the parts overlap (a section given twice?)."
                )
            owner[result.student] = part.source
    results = sorted((r for part in parts for r in part.results), key=lambda r: r.student.casefold())
    confinements = sorted({part.confinement for part in parts})
    return replace(first, confinement="; ".join(confinements), shard=None, results=results, source="merged")


def reuse(previous: Gradebook, submissions: Sequence[Submission]) -> dict[str, ClassResult]:
    """The previous results still true: each graded submission whose answer is unchanged, and
    each whose file can no longer be read for its permissions (an answer of the last run may
    have ``chmod 000``-ed it): that run's snapshot is what counts, never a lost file."""
    # A checker error is the lesson's to fix: graded again, never kept.
    before = {r.student: r for r in previous.results if r.report is not None and not r.report.checker_error}
    kept = {}
    for submission in submissions:
        old = before.get(submission.student)
        if old is not None and submission.answer is not None and old.sha256 == submission.sha256:
            kept[submission.student] = ClassResult(submission, old.report, old.max_score, old.values)
        elif old is not None and submission.denied:
            note = f"{submission.reason} Kept the result of {previous.source}: restore its permissions."
            kept[submission.student] = ClassResult(
                replace(submission, status="", reason="", digest=old.sha256, notes=(*submission.notes, note)),
                old.report,
                old.max_score,
                old.values,
            )
    return kept


@dataclass(frozen=True)
class Change:
    """A score or status that differs from the previous gradebook's, and why."""

    student: str
    before: str  # "2/3 fail", or "absent"
    after: str
    why: str

    def to_dict(self) -> dict[str, str]:
        return {"student": self.student, "before": self.before, "after": self.after, "why": self.why}


def changes(previous: Gradebook, results: Sequence[ClassResult], seed: int, version: str) -> list[Change]:
    """Every student whose score or status changed since ``previous``, with the reason."""
    regraded = [
        f"{what} {old} → {new}"
        for what, old, new in (("seed", previous.seed, seed), ("calccourse", previous.version, version))
        if old != new
    ]

    def shown(result: ClassResult | None) -> str:
        if result is None:
            return "absent"
        report = result.report
        if report is None or report.checker_error:
            return result.status
        return f"{report.score:g}/{report.max_score:g} {result.status}"

    before = {r.student: r for r in previous.results}
    now = {r.student: r for r in results}
    found = []
    for student in sorted(before.keys() | now.keys(), key=str.casefold):
        old, new = before.get(student), now.get(student)
        if shown(old) == shown(new):
            continue
        if old is None:
            why = "new in the class"
        elif new is None:
            why = "no longer in the class"
        elif old.sha256 != new.sha256:
            why = "the answer changed" if old.sha256 and new.sha256 else "submitted or withdrawn"
        else:
            why = "the same answer, graded again" + (f" ({', '.join(regraded)})" if regraded else "")
        found.append(Change(student, shown(old), shown(new), why))
    return found


@dataclass
class ClassPlan:
    """What one `grade` run does, decided before any answer runs: the entries of the class
    (or of its part), those to grade, those that keep a previous gradebook's result."""

    seed: int
    part: tuple[int, int] | None
    submissions: list[Submission]
    kept: dict[str, ClassResult]  # by student: unchanged since ``previous``
    previous: Gradebook | None
    warnings: list[str]

    @property
    def to_grade(self) -> list[Submission]:
        return [s for s in self.submissions if s.student not in self.kept]

    def finish(
        self, graded: Sequence[ClassResult], version: str
    ) -> tuple[list[ClassResult], list[Change] | None]:
        """The whole class's results, by student, and what changed since ``previous``."""
        results = sorted([*graded, *self.kept.values()], key=lambda r: r.student.casefold())
        before = self.previous
        return results, None if before is None else changes(before, results, self.seed, version)


def plan(
    plugin: LessonPlugin,
    paths: Sequence[Path],
    *,
    strip_prefix: str = "",
    part: tuple[int, int] | None = None,
    seed: int | None = None,
    previous: Path | None = None,
    regrade_all: bool = False,
    roster: Path | None = None,
    variants: bool = False,
) -> ClassPlan:
    """Collect the class (its ``part``, when given) and decide what to grade: with a
    ``previous`` gradebook of the same lesson, only what changed, with its seed (``regrade_all``:
    everything, and the seed may differ), graded as it was, with ``variants`` or without;
    with a ``roster``, every row named by its student and a ``missing`` row for each student
    with no submission. Wrong combinations are UsageErrors."""
    from calccourse import batch
    from calccourse.grading import new_seed

    before = None if previous is None else load(previous)
    if before is not None:
        if before.lesson.get("slug") != plugin.slug:
            raise UsageError(
                f"{previous} is a gradebook of lesson {before.lesson.get('number')}, not {plugin.number}."
            )
        if seed not in (None, before.seed) and not regrade_all:
            raise UsageError(
                f"{previous} was graded with --seed {before.seed}: unchanged answers keep those results, "
                "so give the same seed, or --all to re-grade every answer with the new one."
            )
        if before.variants != variants:  # an unchanged answer's result holds for one exercise
            graded, now = ("with", "without") if before.variants else ("without", "with")
            raise UsageError(
                f"{previous} was graded {graded} --variants, this run {now}: its results are for other "
                f"exercises. Grade {graded} --variants again, or the whole class without --previous."
            )
        seed = before.seed if seed is None else seed
    elif regrade_all:
        raise UsageError("--all re-grades against a previous gradebook: give it with --previous OLD.json.")
    found = batch.collect(paths, strip_prefix, plugin.template)
    if roster is not None:
        from calccourse.identity import read_roster

        mapped = apply_roster(read_roster(roster), found.submissions)
        found = batch.Found(mapped.submissions, found.warnings + mapped.warnings)
    submissions = found.submissions if part is None else batch.shard(found.submissions, *part)
    if before is not None and part is not None:  # compare this part with the same part before
        before = replace(before, results=[r for r in before.results if batch.in_shard(r.student, *part)])
    kept = {} if before is None or regrade_all else reuse(before, submissions)
    warnings = found.warnings + [
        f"{s.path} cannot be read now (its permissions); its previous result is kept"
        for s in submissions
        if s.denied and s.student in kept
    ]
    return ClassPlan(new_seed() if seed is None else seed, part, submissions, kept, before, warnings)
