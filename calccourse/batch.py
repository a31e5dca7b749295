"""Grade a whole class: find the answers, grade them in parallel, write a gradebook."""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from calccourse import __version__
from calccourse.grading import Report, grade, plan
from calccourse.lesson import LessonPlugin
from calccourse.sandbox.runner import Sandbox, preload_for

ANSWER_NAME = "answer.py"


@dataclass(frozen=True)
class Submission:
    student: str
    path: Path


class NoAnswers(Exception):
    """A PATH holds nothing to grade (a usage error)."""


def collect(paths: list[Path]) -> list[Submission]:
    """Answers from files and folders; the student id is the file or folder name.

    A folder holding ``answer.py`` is one student; otherwise each sub-folder holding
    ``answer.py`` is a student, and each ``<student>.py`` directly inside is one too.
    """
    found: list[Submission] = []
    for path in paths:
        if not path.exists():
            raise NoAnswers(f"there is no file or folder {path}.")
        if path.is_file():
            if path.suffix != ".py":
                raise NoAnswers(f"{path} is not a Python file.")
            found.append(Submission(_student_of(path), path))
        elif (path / ANSWER_NAME).is_file():
            found.append(Submission(path.resolve().name, path / ANSWER_NAME))
        else:
            inside = [
                Submission(sub.name, sub / ANSWER_NAME)
                for sub in sorted(path.iterdir())
                if sub.is_dir() and (sub / ANSWER_NAME).is_file()
            ]
            inside += [Submission(file.stem, file) for file in sorted(path.glob("*.py"))]
            if not inside:
                raise NoAnswers(f"{path} holds no answer files (<student>.py or <student>/{ANSWER_NAME}).")
            found += inside
    return _unique(found)


def _student_of(path: Path) -> str:
    return path.resolve().parent.name if path.name == ANSWER_NAME else path.stem


def _unique(found: list[Submission]) -> list[Submission]:
    seen: dict[str, int] = {}
    unique = []
    for submission in found:
        count = seen.get(submission.student, 0) + 1
        seen[submission.student] = count
        student = submission.student if count == 1 else f"{submission.student}-{count}"
        unique.append(Submission(student, submission.path))
    return unique


def grade_all(
    plugin: LessonPlugin,
    submissions: list[Submission],
    *,
    jobs: int,
    seed: int,
    timeout: float,
    done: Callable[[Submission, Report], None] = lambda submission, report: None,
) -> list[tuple[Submission, Report]]:
    """Grade every submission, each in its own process, ``jobs`` at a time."""
    tests = plan(plugin, seed)
    preload = preload_for([submission.path for submission in submissions])
    with Sandbox(workers=jobs, preload=preload, warm=True) as sandbox:

        def one(submission: Submission) -> tuple[Submission, Report]:
            report = grade(plugin, submission.path, sandbox, seed=seed, timeout=timeout, tests=tests)[0]
            done(submission, report)
            return submission, report

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(one, submissions))
    return sorted(results, key=lambda item: item[0].student)


def first_failure(report: Report) -> str:
    if report.load_error:
        return "could not run: " + report.load_error.strip().splitlines()[-1]
    failed = next((t for t in report.tests if t.status != "pass" and t.required), None)
    return f"{failed.name}: {failed.message.splitlines()[0]}" if failed else ""


def gradebook_rows(results: list[tuple[Submission, Report]]) -> list[dict[str, object]]:
    return [
        {
            "student": submission.student,
            "path": str(submission.path),
            "status": report.status,
            "score": report.score,
            "max_score": report.max_score,
            "duration": round(report.duration, 3),
            "first_failure": first_failure(report),
        }
        for submission, report in results
    ]


def write_csv(results: list[tuple[Submission, Report]], target: Path) -> None:
    rows = gradebook_rows(results)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["student"])
        writer.writeheader()
        writer.writerows(rows)


def write_json(
    plugin: LessonPlugin, seed: int, results: list[tuple[Submission, Report]], target: Path
) -> None:
    rows = gradebook_rows(results)
    for row, (_, report) in zip(rows, results):
        row["tests"] = [
            {"name": t.name, "status": t.status, "points": t.points, "max_points": t.max_points}
            for t in report.tests
        ]
    data = {
        "schema": "calccourse-gradebook",
        "version": 1,
        "tool": {"name": "calccourse", "version": __version__},
        "lesson": {"number": plugin.number, "slug": plugin.slug, "title": plugin.title},
        "seed": seed,
        "graded_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "results": rows,
    }
    target.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
