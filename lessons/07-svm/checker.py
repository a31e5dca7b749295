"""Lesson 7 checker: the maximum-margin line and its support vectors.

Hidden data sets are built around a line chosen at random, so their exact solution is
known without running a solver here: support vectors are placed on the two margin
lines so that the KKT conditions hold with positive multipliers, every other point
lies outside the margin (functional margin above 1; in each set that has one, the
nearest of them just above, at 1.02 to 1.15, so that taking "near 1" loosely shows).
Each set has a twin, called right after it in the same process: the same labels with
the points moved, or the same points with the labels flipped, so that a result kept from
an earlier call (a cache whose key leaves out the points, or the labels) shows. The line is then the unique optimum (a² + b² is strictly convex in (a, b), and a support vector on
each side pins c).

The normals have length 2.5 to 4.5 and the data sit near the origin. A solver's
stopping rule works on the objective (SLSQP stops when a² + b² changes by less than
1e-6), so with two support vectors, where the objective is flat to first order along
the line of solutions, the answer is only as precise as √1e-6 ≈ 1e-3 in (a, b).
Against |(a, b, c)| ≥ 2.5 that stays well inside the course's 1e-3 relative tolerance
for the lesson's own method (SLSQP at its defaults, any start): measured over 4000
sets, its largest error was 2.3e-4 of |(a, b, c)|.

Variants (variants.py) change the exercise's data only: svm_line and support_vectors are
the same for everyone. A learner with an id is judged on their own six points, which the
messages quote; the course's own (2/3, 2/3, −1) and [0, 3, 4] are named as the course's
own exercise's answers, and a line of simple fractions that fits no point of theirs (not
rescaled to their data, as a perceptron's is) as another variant's, written down.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from calccourse.author import (
    Feedback,
    Test,
    WrongAnswer,
    as_vector,
    call,
    each,
    fmt,
)

from .variants import COURSE, exercise_of, fraction

EXERCISE_POINTS = [
    (0.0, 0.0),
    (-1.0, -1.0),
    (-3.0, -1.0),
    (1.0, 2.0),
    (2.0, 1.0),
    (3.0, 3.0),
]
EXERCISE_LABELS = [-1, -1, -1, 1, 1, 1]
EXERCISE_LINE = np.array([2 / 3, 2 / 3, -1.0])
EXERCISE_SUPPORT = [0, 3, 4]
EXERCISE_TOLERANCE = 1e-3  # absolute, on each of a, b, c
HIDDEN_TOLERANCE = 1e-3  # relative to |(a, b, c)|, on each of a, b, c
ON_MARGIN = 1e-3  # a support vector's functional margin is within this of 1


@dataclass(frozen=True)
class DataSet:
    name: str
    points: list[tuple[float, float]]
    labels: list[int]
    line: np.ndarray  # the exact (a, b, c)
    support: list[int]
    absolute: bool = (
        False  # the exercise is judged with an absolute tolerance
    )
    twin_of: DataSet | None = (
        None  # the set this one is a copy of, moved or relabelled
    )
    same: str = "labels"  # what it shares with its twin: "labels", or "points" (labels flipped)
    quoted: bool = False  # a learner's own exercise: its points are quoted, however many

    @property
    def tolerance(self) -> float:
        return (
            EXERCISE_TOLERANCE
            if self.absolute
            else HIDDEN_TOLERANCE * float(np.linalg.norm(self.line))
        )

    def margins(self, line: np.ndarray) -> np.ndarray:
        """ℓᵢ·(a·xᵢ + b·yᵢ + c) for every point."""
        xy = np.array(self.points)
        return np.array(self.labels) * (xy @ line[:2] + line[2])

    def describe(self) -> str:
        if not self.quoted and (self.absolute or len(self.points) > 6):
            return f"{self.name} ({len(self.points)} points)"
        return f"{self.name}: {self.shown()}"

    def shown(self) -> str:
        """The points with their labels: "(0, 0) -1, (1, 2) +1"."""
        return ", ".join(
            f"({fmt(x)}, {fmt(y)}) {label:+d}"
            for (x, y), label in zip(self.points, self.labels)
        )


EXERCISE = DataSet(
    "the exercise's points",
    EXERCISE_POINTS,
    EXERCISE_LABELS,
    EXERCISE_LINE,
    EXERCISE_SUPPORT,
    absolute=True,
)


# ---------------------------------------------------------------- the learner's exercise

LOOK = "(your exercise: `calccourse exercise 7` with your learner id)"


@dataclass(frozen=True)
class Known:
    """The exercise a learner does, so that an answer written down for one is named: its
    exact line and support vectors, and for a learner with an id, their data set (the
    checker then also names the course's own answers, and lines of other variants)."""

    line: np.ndarray
    support: list[int]
    line_text: str  # as the feedback writes it: "(2/3, 2/3, −1)"
    data: DataSet | None = (
        None  # the learner's exercise; None without a learner id
    )
    own: bool = True  # whether it is the course's own exercise
    # its points and labels as the exercise lists them: "[(0, 0), …] with labels [-1, …]"
    # (the same words and count of numbers in every variant, so that a class summary
    # counts a feedback that quotes them as one mistake)
    listed: str = ""

    @property
    def learner(self) -> bool:
        return self.data is not None


COURSE_KNOWN = Known(EXERCISE_LINE, EXERCISE_SUPPORT, "(2/3, 2/3, −1)")


def known_of(p: dict) -> Known:
    """A learner's exercise (``p``: its variant's parameters), its points quoted."""
    points, labels, line, support = exercise_of(p)
    data = DataSet(
        "the exercise's points",
        [(float(x), float(y)) for x, y in points],
        labels,
        np.array([float(v) for v in line]),
        support,
        absolute=True,
        quoted=True,
    )
    text = "(" + ", ".join(fraction(v, minus="−") for v in line) + ")"
    listed = f"{p['points']} with labels {p['labels']}"
    return Known(
        data.line, support, text, data, own=p == COURSE, listed=listed
    )


def simple_fraction(value: float) -> Fraction | None:
    """``value`` as a fraction with a denominator up to 6 (as variants' lines have), if it
    is one to 1e-9."""
    if not np.isfinite(value):
        return None
    near = Fraction(value).limit_denominator(6)
    return near if abs(float(near) - value) <= 1e-9 else None


def course_line(data: DataSet, known: Known) -> Feedback:
    """The course's own exercise's line given for a variant."""
    if data.absolute:
        text = (
            f"This is {COURSE_KNOWN.line_text}, the line of the course's own exercise (the demo's "
            f"points and three more), not of yours: your exercise's points are {known.listed}. "
            f"svm_line must solve the problem for the points and labels it is given {LOOK}."
        )
    else:
        text = (
            f"This is {COURSE_KNOWN.line_text}, the line of the course's own exercise, but these "
            "are other points: svm_line must solve the problem for the points and labels it is "
            f"given, not return a fixed answer {LOOK}."
        )
    return Feedback(text, "the course's own line")


def written_down(got: np.ndarray, data: DataSet) -> Feedback | None:
    """Feedback when ``got`` looks like another variant's exact line, written down: simple
    fractions (|a|, |b|, |c| ≤ 5, denominators up to 6) that were not scaled to these points
    (a line rescaled so that the closest point gives 1, as a perceptron's, is not one)."""
    exact = [simple_fraction(float(v)) for v in got]
    if (
        any(v is None or abs(v) > 5 for v in exact)
        or exact[0] == exact[1] == 0
    ):
        return None
    if exact == [1, 1, 1]:
        return None  # the usual start of a solver that did not move: not a written-down line
    if abs(float(np.min(data.margins(got))) - 1) < 1e-6:
        return None
    # Its numbers stay out of the feedback, so that a class summary counts it as one mistake
    # in every variant (the message shows them).
    if data.absolute:
        smallest = fmt(float(np.min(data.margins(got))))
        text = (
            "This looks like the exact line of another exercise, written down (another learner's "
            f"variant?): on your exercise's points its smallest ℓᵢ·(a·xᵢ + b·yᵢ + c) is {smallest}, "
            "where the maximum-margin line's is 1. svm_line must solve the problem for the points "
            f"and labels it is given {LOOK}."
        )
    else:
        text = (
            "This looks like the exact line of some exercise's points, written down (another "
            "learner's variant?), but these are other points: svm_line must solve the problem for "
            f"the points and labels it is given, not return a fixed answer {LOOK}."
        )
    return Feedback(text, "another variant's line")


def make_data_set(
    rng: np.random.Generator, name: str, n_support: int, n_points: int
) -> DataSet:
    """A separable data set whose maximum-margin line and support vectors are known exactly."""
    while True:
        size = rng.uniform(2.5, 4.5)  # |(a, b)|; the margin is 1/size
        angle = rng.uniform(0.0, 2 * np.pi)
        normal = np.array([np.cos(angle), np.sin(angle)])
        along = np.array([-normal[1], normal[0]])
        turn = rng.uniform(0.0, 2 * np.pi)
        centre = np.sqrt(rng.uniform()) * np.array(
            [np.cos(turn), np.sin(turn)]
        )  # within 1 of 0
        w = size * normal
        c = -float(w @ centre)
        if np.all(np.abs(w) <= 5) and abs(c) <= 5:
            break
    n_plus = int(rng.integers(1, n_support)) if n_support > 2 else 1
    points, labels = [], []
    for label, count in ((1, n_plus), (-1, n_support - n_plus)):
        # Positive multipliers exist iff the + and − support vectors' positions along the
        # line overlap (a lone one sits inside the other side's span), so spread them around 0.
        if count == 1:
            offsets = np.array([0.0])
        else:
            offsets = np.concatenate(
                [
                    [-rng.uniform(0.5, 3.0), rng.uniform(0.5, 3.0)],
                    rng.uniform(-3.0, 3.0, count - 2),
                ]
            )
        for t in offsets:
            points.append(centre + label / size * normal + t * along)
            labels.append(label)
    for k in range(n_points - n_support):
        label = int(rng.choice([-1, 1]))
        # The first just outside the margin: a loose "near 1" takes it for a support vector.
        margin = (
            rng.uniform(1.02, 1.15) if k == 0 else rng.uniform(1.2, 6.0)
        )
        points.append(
            centre
            + label * margin / size * normal
            + rng.uniform(-4.0, 4.0) * along
        )
        labels.append(label)
    order = rng.permutation(n_points)
    data = DataSet(
        name=name,
        points=[(float(points[i][0]), float(points[i][1])) for i in order],
        labels=[int(labels[i]) for i in order],
        line=np.array([w[0], w[1], c]),
        support=sorted(int(k) for k in np.flatnonzero(order < n_support)),
    )
    margins = data.margins(data.line)
    assert np.all(margins >= 1 - 1e-9) and np.allclose(
        margins[data.support], 1.0
    )
    return data


def moved(rng: np.random.Generator, data: DataSet) -> DataSet:
    """``data`` with every point moved by one shift: the same labels and support vectors,
    another c (still within ±5), so an answer that returns an earlier call's line fails."""
    w = data.line[:2]
    while True:
        shift = np.round(rng.uniform(-1.5, 1.5, 2), 2)
        c = float(data.line[2] - w @ shift)
        if abs(c) <= 5 and abs(c - data.line[2]) > 0.5:
            break
    return DataSet(
        name=f"{data.name}, moved by ({fmt(float(shift[0]))}, {fmt(float(shift[1]))})",
        points=[
            (float(x + shift[0]), float(y + shift[1]))
            for x, y in data.points
        ],
        labels=list(data.labels),
        line=np.array([w[0], w[1], c]),
        support=list(data.support),
        twin_of=data,
    )


def flipped(data: DataSet) -> DataSet:
    """``data`` with every label flipped: the same points and support vectors, the line
    (−a, −b, −c), so an answer that keeps an earlier result by its points alone (a cache that
    leaves out the labels) fails."""
    return DataSet(
        name=f"{data.name}, labels flipped",
        points=list(data.points),
        labels=[-label for label in data.labels],
        line=-data.line,
        support=list(data.support),
        twin_of=data,
        same="points",
    )


def hidden_data_sets(
    rng: np.random.Generator, count: int = 5
) -> list[DataSet]:
    # Two or three support vectors: their multipliers are then unique and positive, so choosing
    # them by margin or by λ > 0 agrees (with four or more in 2-D, λ is not unique).
    counts = [2, 2, 3, 3] + [
        int(rng.integers(2, 4)) for _ in range(count - 4)
    ]
    rng.shuffle(counts)
    # The contract's bounds: a set of 2 points and one of 40; the others in between.
    sizes = [2 if counts[0] == 2 else 3, 40] + [
        int(rng.integers(counts[i] + 1, 41)) for i in range(2, count)
    ]
    sets = []
    for i, (k, n) in enumerate(zip(counts, sizes)):
        data = make_data_set(rng, f"hidden data set {i + 1}", k, n)
        sets += (
            [data, moved(rng, data)]
            if i % 2 == 0
            else [data, flipped(data)]
        )
    return sets


# ---------------------------------------------------------------- svm_line


def twin_shares(data: DataSet) -> str:
    return (
        "points, with the labels flipped"
        if data.same == "points"
        else "labels and number of points"
    )


def show_line(line: Any) -> str:
    return "(" + ", ".join(fmt(float(v)) for v in line) + ")"


def diagnose_line(
    got: np.ndarray, data: DataSet, known: Known = COURSE_KNOWN
) -> str | None:
    """Name the common mistake ``got`` looks like on ``data``, if any (``known``: the
    learner's exercise)."""
    ref = data.line
    if (
        known.learner
        and not known.own
        and np.allclose(got, EXERCISE_LINE, atol=EXERCISE_TOLERANCE)
    ):
        return course_line(data, known)
    if not data.absolute and np.allclose(
        got, known.line, atol=EXERCISE_TOLERANCE
    ):
        if (
            known.learner
        ):  # without the line's numbers, which differ in each variant
            return Feedback(
                "This is the exercise's line, your exercise's exact answer, but these are other "
                "points: svm_line must solve the problem for the points and labels it is given, not "
                "return a fixed answer.",
                "the exercise's line written down",
            )
        return (
            f"This is the exercise's line {known.line_text}, but these are other points: svm_line "
            "must solve the problem for the points and labels it is given, not return a fixed answer."
        )
    twin = data.twin_of
    if twin is not None and np.all(
        np.abs(got - twin.line) <= twin.tolerance
    ):
        return (
            f"This is the line of {twin.name}, the call just before, which has the same "
            f"{twin_shares(data)}: svm_line must solve for the points and labels it is given each "
            f"time, not keep an earlier result (a cache whose key leaves out the "
            f"{'labels' if data.same == 'points' else 'points'} does this)."
        )
    norm = float(np.linalg.norm(got))
    if norm == 0:
        return "(0, 0, 0) is no line: the constraints ℓᵢ·(a·xᵢ + b·yᵢ + c) ≥ 1 are missing or ignored."
    direction, ref_direction = got / norm, ref / np.linalg.norm(ref)
    scale = norm / float(np.linalg.norm(ref))
    margins = data.margins(got)
    closest = float(np.min(np.abs(margins)))
    if np.allclose(direction, ref_direction, atol=1e-3):
        unit = (
            " (a² + b² = 1: a unit normal)"
            if abs(got[0] ** 2 + got[1] ** 2 - 1) < 1e-3
            else ""
        )
        return (
            f"This is the right line, but scaled by {fmt(scale)}{unit}: your closest points have "
            f"ℓᵢ·(a·xᵢ + b·yᵢ + c) = {fmt(closest)}. The SVM's scale is fixed by the constraints: "
            "the closest points must give exactly 1, so return the minimiser of a² + b² as it is, "
            "without normalising or rescaling it."
        )
    if np.allclose(direction, -ref_direction, atol=1e-3):
        scaled = (
            ""
            if abs(scale - 1) < 1e-2
            else f" (and scaled by {fmt(scale)})"
        )
        return (
            f"This is (−a, −b, −c){scaled}: every point is on the wrong side, as if the labels' signs "
            "were swapped. Class +1 must have a·x + b·y + c ≥ 1 and class −1 a·x + b·y + c ≤ −1: "
            "the constraint is ℓᵢ·(a·xᵢ + b·yᵢ + c) ≥ 1 with the labels as given."
        )
    if known.learner:
        foreign = written_down(got, data)
        if foreign is not None:
            return foreign
    width_got = float(np.min(margins)) / float(
        np.hypot(got[0], got[1]) or np.inf
    )
    width_ref = 1 / float(np.hypot(ref[0], ref[1]))
    if np.all(margins > 0) and width_got < width_ref:
        return (
            f"Your line separates the two classes, but its margin (distance to the nearest point) is "
            f"{fmt(width_got)}, and the widest possible is {fmt(width_ref)}: it is not the maximum-margin "
            "line. The SVM minimises a² + b² (c is not in the objective) subject to "
            "ℓᵢ·(a·xᵢ + b·yᵢ + c) ≥ 1; if you used a solver, check that it converged."
        )
    if np.all(margins < 0):
        return (
            "Every point is on the wrong side of your line: check the signs of the labels in the "
            "constraint ℓᵢ·(a·xᵢ + b·yᵢ + c) ≥ 1."
        )
    return None


def judge_line(
    value: Any, data: DataSet, known: Known = COURSE_KNOWN
) -> None:
    """Raise WrongAnswer unless the answer's line is right on ``data``."""
    where = f"svm_line on {data.describe()}"
    got = as_vector(value, 3, where)
    ref = data.line
    if np.all(np.abs(got - ref) <= data.tolerance):
        return
    within = (
        "1e-3"
        if data.absolute
        else f"1e-3·|(a, b, c)| = {fmt(data.tolerance)}"
    )
    worst = ["a", "b", "c"][int(np.argmax(np.abs(got - ref)))]
    smallest = float(data.margins(got).min())
    scale = (
        ""
        if abs(smallest - 1) < 1e-3
        else (
            f" With your line the smallest ℓᵢ·(a·xᵢ + b·yᵢ + c) is {fmt(smallest)}; it should be 1."
        )
    )
    raise WrongAnswer(
        f"{where}: expected (a, b, c) = {show_line(ref)} within {within}, got {show_line(got)} "
        f"({worst} is off by {fmt(float(np.max(np.abs(got - ref))))}).{scale}",
        diagnose_line(got, data, known),
    )


def draw_line(
    axes: Any,
    line: Any,
    box: tuple[float, float, float, float],
    **style: Any,
) -> None:
    """Draw a·x + b·y + c = 0 across ``box`` = (x0, x1, y0, y1)."""
    a, b, c = (float(v) for v in line)
    x0, x1, y0, y1 = box
    if abs(b) >= abs(a) and b != 0:
        xs = np.array([x0, x1])
        axes.plot(xs, -(a * xs + c) / b, **style)
    elif a != 0:
        ys = np.array([y0, y1])
        axes.plot(-(b * ys + c) / a, ys, **style)


def plot_data(
    axes: Any,
    data: DataSet,
    line: Any | None,
    chosen: list[int] | None = None,
) -> None:
    """The points, the exact line with its margins and support vectors, and the answer's line."""
    xy = np.array(data.points)
    labels = np.array(data.labels)
    # A square window with room around the data for the legend.
    centre = (xy.min(axis=0) + xy.max(axis=0)) / 2
    half = 0.5 * float(np.ptp(xy, axis=0).max()) * 1.45 + 0.8
    box = (
        centre[0] - half,
        centre[0] + half,
        centre[1] - half,
        centre[1] + half,
    )
    for label, colour, marker in (
        (-1, "tab:blue", "o"),
        (1, "tab:red", "s"),
    ):
        mine = labels == label
        axes.scatter(
            xy[mine, 0],
            xy[mine, 1],
            c=colour,
            marker=marker,
            s=30,
            zorder=3,
            label=f"class {'−' if label < 0 else '+'}1",
        )
    draw_line(
        axes, data.line, box, color="black", label="maximum-margin line"
    )
    for level in (1, -1):
        draw_line(
            axes,
            data.line - np.array([0, 0, level]),
            box,
            color="black",
            linestyle=":",
            linewidth=0.8,
            label="its margins, = ±1" if level == 1 else None,
        )
    axes.scatter(
        xy[data.support, 0],
        xy[data.support, 1],
        s=160,
        facecolors="none",
        edgecolors="green",
        linewidths=1.5,
        zorder=4,
        label="support vectors",
    )
    if line is not None:
        draw_answer_line(axes, data, line, box)
    if chosen:
        picked = [
            i for i in chosen if isinstance(i, int) and 0 <= i < len(xy)
        ]
        axes.scatter(
            xy[picked, 0],
            xy[picked, 1],
            marker="x",
            s=80,
            color="tab:orange",
            zorder=5,
            label="your support vectors",
        )
    axes.set_xlim(box[0], box[1])
    axes.set_ylim(box[2], box[3])
    axes.set_xlabel("x")
    axes.set_ylabel("y")
    axes.legend(  # below the axes: a legend inside may hide a point
        fontsize=6.5,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.17),
        ncol=3,
        frameon=False,
    )


def draw_answer_line(
    axes: Any,
    data: DataSet,
    line: np.ndarray,
    box: tuple[float, float, float, float],
) -> None:
    """The answer's line with its own margins, where a·x + b·y + c = ±1, and
    ℓᵢ·(a·xᵢ + b·yᵢ + c) at the true support vectors: a line with the right
    direction but another scale has other margins, and numbers other than 1."""
    draw_line(
        axes,
        line,
        box,
        color="tab:orange",
        linestyle="--",
        linewidth=2,
        label="your line",
    )
    for level in (1, -1):
        draw_line(
            axes,
            line - np.array([0, 0, level]),
            box,
            color="tab:orange",
            linestyle=":",
            linewidth=1.5,
            label="your margins, = ±1" if level == 1 else None,
        )
    margins = data.margins(line)
    for i in data.support:
        off = abs(margins[i] - 1) > ON_MARGIN
        axes.annotate(
            f"{margins[i]:.3g}",
            data.points[i],
            textcoords="offset points",
            xytext=(9, -13),
            color="tab:red" if off else "tab:green",
            fontsize=8,
            fontweight="bold" if off else "normal",
        )
    axes.text(
        0.01,
        0.01,
        "numbers: ℓᵢ·(a·xᵢ + b·yᵢ + c) with your line "
        "(1 at each support vector)",
        transform=axes.transAxes,
        fontsize=6.5,
        va="bottom",
    )


def line_or_none(value: Any) -> np.ndarray | None:
    try:
        return as_vector(value, 3, "svm_line")
    except WrongAnswer:
        return None


def line_test(
    name: str,
    sets: list[DataSet],
    points: float,
    known: Known = COURSE_KNOWN,
) -> Test:
    def passed(chosen: list[DataSet]) -> str:
        if len(chosen) == 1:
            return f"(a, b, c) = {show_line(chosen[0].line)} within 1e-3"
        return (
            f"the maximum-margin line on {len(chosen)} hidden data sets "
            f"({', '.join(str(len(d.points)) for d in chosen)} points), within 1e-3 relative"
        )

    def plot(value: Any, data: DataSet, axes: Any) -> None:
        plot_data(axes, data, line_or_none(value))
        axes.set_title(f"svm_line on {data.name}", fontsize=9)

    return each(
        name,
        sets,
        to_call=lambda data: call(
            "svm_line", list(data.points), list(data.labels)
        ),
        check=lambda value, data: judge_line(value, data, known),
        passed=passed,
        points=points,
        plot=plot,
    )


# ---------------------------------------------------------------- support_vectors


def course_support(data: DataSet, known: Known) -> Feedback:
    """The course's own exercise's support vectors given for a variant."""
    own = fmt(EXERCISE_SUPPORT)
    if data.absolute:
        text = (
            f"{own} is the answer of the course's own exercise (the demo's points and three more), "
            f"not of yours: your exercise's points are {known.listed}. Find the support vectors of "
            f"the data you are given {LOOK}."
        )
    else:
        text = (
            f"{own} is the answer of the course's own exercise, but these are other points: find "
            f"the support vectors of the data you are given {LOOK}."
        )
    return Feedback(text, "the course's own support vectors")


def as_indices(
    value: Any, data: DataSet, where: str, known: Known = COURSE_KNOWN
) -> list[int]:
    """A list of indices; a mask, points or 1-based indices fail with a precise message."""
    if value is None:
        raise WrongAnswer(f"{where} returned None: is a `return` missing?")
    if not isinstance(value, list):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = [value]
        else:
            raise WrongAnswer(
                f"{where} returned {fmt(value)}; expected a list of indices such as [0, 3, 4]."
            )
    n = len(data.points)
    if value and all(isinstance(item, bool) for item in value):
        hint = "np.flatnonzero(mask).tolist()"
        raise WrongAnswer(
            f"{where} returned {fmt(value)}, a list of True/False; expected the indices of the "
            f"support vectors such as [0, 3, 4].",
            f"That looks like a mask over the points: turn it into indices, e.g. {hint}.",
        )
    if value and all(isinstance(item, list) for item in value):
        raise WrongAnswer(
            f"{where} returned {fmt(value)}; expected indices such as [0, 3, 4].",
            "These look like the support vectors' coordinates: return their positions in "
            "the list of points (0-based indices) instead.",
        )
    indices = []
    for item in value:
        whole = isinstance(item, int) or (
            isinstance(item, float) and item.is_integer()
        )
        if isinstance(item, bool) or not whole:
            raise WrongAnswer(
                f"{where} returned {fmt(value)}; expected whole-number indices such as [0, 3, 4]."
            )
        indices.append(int(item))
    if (
        known.learner
        and not known.own
        and sorted(indices) == EXERCISE_SUPPORT != data.support
        and EXERCISE_SUPPORT != known.support
    ):
        raise WrongAnswer(
            f"{where}: expected {fmt(data.support)}, got {fmt(value)}.",
            course_support(data, known),
        )
    if (
        not data.absolute
        and sorted(indices) == known.support != data.support
    ):
        raise WrongAnswer(
            f"{where}: expected {fmt(data.support)}, got {fmt(value)}.",
            f"{fmt(known.support)} is the exercise's answer, but these are other points: find the "
            "support vectors of the data you are given.",
        )
    if any(i < 0 or i >= n for i in indices):
        one_based = sorted(i - 1 for i in indices) == data.support
        raise WrongAnswer(
            f"{where} returned {fmt(value)}; the points are numbered 0 to {n - 1}.",
            "Indices start at 0 in Python: these are the right points counted from 1."
            if one_based
            else None,
        )
    return indices


def judge_support(
    value: Any, data: DataSet, known: Known = COURSE_KNOWN
) -> None:
    where = f"support_vectors on {data.describe()}"
    got = as_indices(value, data, where, known)
    want = data.support
    if got == want:
        return
    if sorted(set(got)) == want:
        raise WrongAnswer(
            f"{where} returned {fmt(got)}; expected the sorted indices {fmt(want)}.",
            "The right points, but return each index once, in increasing order (sorted(...)).",
        )
    feedback = None
    if [i - 1 for i in got] == want:
        feedback = "Indices start at 0 in Python: these are the right points counted from 1."
    margins = data.margins(data.line)
    missing = [i for i in want if i not in got]
    extra = [i for i in got if i not in want]
    parts = []
    if missing:
        parts.append(
            "missing " + ", ".join(f"{i} (on the margin)" for i in missing)
        )
    if extra:
        parts.append(
            "not support vectors: "
            + ", ".join(
                f"{i} (ℓᵢ·(a·xᵢ + b·yᵢ + c) = {fmt(float(margins[i]))})"
                for i in extra
            )
        )
    raise WrongAnswer(
        f"{where}: expected {fmt(want)}, got {fmt(got)}: {'; '.join(parts)}.",
        feedback,
    )


def support_test(
    name: str,
    sets: list[DataSet],
    points: float,
    known: Known = COURSE_KNOWN,
) -> Test:
    def passed(chosen: list[DataSet]) -> str:
        if len(chosen) == 1:
            return f"{fmt(chosen[0].support)}"
        return (
            f"the support vectors of {len(chosen)} hidden data sets "
            f"({', '.join(str(len(d.support)) for d in chosen)} each)"
        )

    def plot(value: Any, data: DataSet, axes: Any) -> None:
        plot_data(
            axes, data, None, value if isinstance(value, list) else []
        )
        axes.set_title(f"support_vectors on {data.name}", fontsize=9)

    return each(
        name,
        sets,
        to_call=lambda data: call(
            "support_vectors", list(data.points), list(data.labels)
        ),
        check=lambda value, data: judge_support(value, data, known),
        passed=passed,
        points=points,
        plot=plot,
    )


def tests(rng: np.random.Generator, variant: Any = None) -> list[Test]:
    """The tests of the learner's variant (``variant.parameters``; the course's own exercise
    without a learner id). The test names are the same in every variant; a learner with an
    id gets their points quoted, and the course's own answers and other variants' lines
    named as such."""
    exercise, known = EXERCISE, COURSE_KNOWN
    if variant is not None and variant.learner is not None:
        known = known_of(variant.parameters)
        assert known.data is not None
        exercise = known.data
    hidden = hidden_data_sets(rng)
    return [
        line_test(
            "svm_line on the exercise's points", [exercise], 1.0, known
        ),
        line_test("svm_line on hidden data sets", hidden, 2.0, known),
        support_test(
            "support_vectors on the exercise's points",
            [exercise],
            1.0,
            known,
        ),
        support_test(
            "support_vectors on hidden data sets", hidden, 1.0, known
        ),
    ]
