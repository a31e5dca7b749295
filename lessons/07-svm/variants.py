"""Lesson 7's variants: six points in small whole numbers or halves, whose
maximum-margin line has simple exact coefficients.

The course's own exercise: the demo's three points, its support vectors,
and three more outside the margin; the line stays a = b = 2/3, c = −1,
support vectors [0, 3, 4]. A variant keeps the idea and the difficulty:
six points (two to four in each class), two or three of them support
vectors, the others clearly outside the margin (ℓᵢ·(a·xᵢ + b·yᵢ + c)
≥ 3/2), and an exact line of simple numbers (|a|, |b|, |c| ≤ 5,
denominators up to 6, a ≠ 0 and b ≠ 0).

It is built backwards, from its support vectors: two facing each other
across the margin, or two of one class and a third across the margin
from a point between them. The line follows from them; the other points
are drawn outside the margin, and the order is shuffled. Exact fractions
then prove it (``kkt``): every constraint holds, the support vectors'
multipliers are positive and the others' margins above 1, so the line is
the unique optimum (a² + b² is strictly convex in (a, b), and a support
vector on each side pins c). Variants where SLSQP, the lesson's method,
is imprecise or stops early are drawn again (``precise``, ``stalls``).

The parameters are Python, as the answer's code writes them: ``points``
and ``labels`` in the exercise's order, the exact ``line`` (a, b, c) and
the ``support`` vectors' indices.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations
from typing import Any

from calccourse.author import VariantRandom

COURSE = {
    "points": "[(0, 0), (-1, -1), (-3, -1), (1, 2), (2, 1), (3, 3)]",
    "labels": "[-1, -1, -1, 1, 1, 1]",
    "line": "(2/3, 2/3, -1)",
    "support": "[0, 3, 4]",
}

Point = tuple[Fraction, Fraction]
Line = tuple[Fraction, Fraction, Fraction]

SIZE = 6  # points in every exercise, as in the course's
REACH = 4  # coordinates from −4 to 4
BIGGEST = 5  # |a|, |b|, |c| at most this, as the hidden sets promise
DENOMINATOR = 6  # a, b, c read as 2/3 or −3/2, never 7/11
CLEAR = Fraction(3, 2)  # the other points' margins: at least this
FARTHEST = 8  # ... and at most this: near the line, on the picture
BALANCED = Fraction(1, 4)  # the least of three λ, against the largest
# SLSQP's starts that must not stop early, the hints' (1, 1, 1) first
STARTS = [(1, 1, 1), (1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0)]
NUMBERS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


# ------------------------------------------------------ exact arithmetic


def margin(line: Line, point: Point, label: int) -> Fraction:
    """ℓ·(a·x + b·y + c)."""
    a, b, c = line
    return label * (a * point[0] + b * point[1] + c)


def solve(matrix: list[list[Any]], rhs: list[Any]) -> list[Any] | None:
    """x with matrix·x = rhs (square; Fractions or floats), by Gaussian
    elimination; None if the matrix is singular."""
    n = len(rhs)
    rows = [list(row) + [value] for row, value in zip(matrix, rhs)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        if abs(rows[pivot][col]) < 1e-12:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(n):
            if r != col and rows[r][col]:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [
                    x - factor * y for x, y in zip(rows[r], rows[col])
                ]
    return [rows[r][n] / rows[r][r] for r in range(n)]


def gradient(point: Point, label: int) -> list[Fraction]:
    """The gradient of the constraint ℓ·(a·x + b·y + c) in (a, b, c)."""
    return [label * point[0], label * point[1], Fraction(label)]


def dot(u: list[Fraction], v: list[Fraction]) -> Fraction:
    return sum((x * y for x, y in zip(u, v)), Fraction(0))


def multipliers(
    points: list[Point], labels: list[int], line: Line
) -> list[Fraction] | None:
    """The support vectors' λᵢ of the KKT condition
    (2a, 2b, 0) = Σ λᵢ·ℓᵢ·(xᵢ, yᵢ, 1), the gradient of a² + b² as a
    combination of the constraints'; None if no λ gives it."""
    rows = [gradient(p, label) for p, label in zip(points, labels)]
    target = [2 * line[0], 2 * line[1], Fraction(0)]
    gram = [[dot(u, v) for v in rows] for u in rows]
    found = solve(gram, [dot(u, target) for u in rows])
    if found is None:
        return None
    made = [dot(found, [row[k] for row in rows]) for k in range(3)]
    return found if made == target else None


def decided(points: list[Point], labels: list[int], line: Line) -> bool:
    """Whether the support vectors ``points`` (both classes) decide
    ``line``: their multipliers exist, are positive, and for three, none
    is below a quarter of the largest (none is nearly superfluous)."""
    found = multipliers(points, labels, line)
    return (
        found is not None
        and min(found) > 0
        and (len(found) == 2 or min(found) >= BALANCED * max(found))
        and len(set(labels)) == 2
    )


def kkt(
    points: list[Point], labels: list[int], line: Line, support: list[int]
) -> bool:
    """Whether ``line`` is the unique maximum-margin line, ``support`` its
    support vectors, not degenerate: margin 1 on the support vectors
    (which decide it), from CLEAR to FARTHEST on the others."""
    for i, (point, label) in enumerate(zip(points, labels)):
        m = margin(line, point, label)
        if (m != 1) if i in support else not CLEAR <= m <= FARTHEST:
            return False
    chosen = [points[i] for i in support]
    return decided(chosen, [labels[i] for i in support], line)


# --------------------------------------------------- what SLSQP makes of it


def precise(points: list[Point], support: list[int]) -> bool:
    """Whether SLSQP is precise to well within 1e-3 on a, b and c.

    With three support vectors the optimum is a vertex: SLSQP finds it
    exactly. With two it lies on a line of (a, b, c) along which a² + b²
    is flat to first order; SLSQP stops when a² + b² changes by less than
    1e-6, so it may be some 1e-4 off along it in (a, b), and off in c by
    that times the distance from the origin to the line through the two
    support vectors: keep that line within 1/2 of the origin."""
    if len(support) == 3:
        return True
    (x1, y1), (x2, y2) = (points[i] for i in support)
    dx, dy = x2 - x1, y2 - y1
    cross = x1 * dy - y1 * dx
    return 4 * cross * cross <= dx * dx + dy * dy


def projection(
    points: list[Point], labels: list[int], z: list[float]
) -> list[float]:
    """The (a, b, c) allowed by the constraints nearest to ``z``, in
    floats: of the sets of at most three constraints held tight, the one
    whose multipliers are ≥ 0 and whose point meets every constraint (the
    KKT conditions of min ½|w − z|²)."""
    rows = [
        [float(v) for v in gradient(p, k)] for p, k in zip(points, labels)
    ]

    def inner(u: list[float], v: list[float]) -> float:
        return sum(x * y for x, y in zip(u, v))

    for size in range(4):
        for tight in combinations(rows, size):
            gram = [[inner(u, v) for v in tight] for u in tight]
            mu = solve(gram, [1 - inner(u, z) for u in tight])
            if mu is None or any(m < -1e-12 for m in mu):
                continue
            w = [
                z[k] + sum(m * u[k] for m, u in zip(mu, tight))
                for k in range(3)
            ]
            if all(inner(row, w) >= 1 - 1e-9 for row in rows):
                return w
    raise ArithmeticError("no projection: the points are not separable")


def stalls(
    points: list[Point],
    labels: list[int],
    line: Line,
    start: tuple[int, int, int],
) -> bool:
    """Whether SLSQP from ``start`` may stop after one step, short of the
    optimum.

    Its first step takes the Hessian as the identity: it lands on the
    allowed (a, b, c) nearest to start − ∇(a² + b²). SLSQP stops when a
    step changes a² + b² by less than 1e-6; with simple numbers, landing
    on the start's own a² + b² happens (from (1, 1, 1), a line with
    a² + b² = 2), and SLSQP then reports success at the wrong line."""
    a0, b0, c0 = start
    landed = projection(points, labels, [-a0, -b0, c0])
    if all(abs(x - float(v)) < 1e-6 for x, v in zip(landed, line)):
        return False
    return abs(landed[0] ** 2 + landed[1] ** 2 - a0**2 - b0**2) < 0.01


# ------------------------------------------------------ drawing a variant


def coordinate(rng: VariantRandom, halves: bool) -> Fraction:
    if halves:
        return Fraction(rng.integer(-2 * REACH, 2 * REACH), 2)
    return Fraction(rng.integer(-REACH, REACH))


def simple(line: Line) -> bool:
    """Small, small denominators, and slanted (a ≠ 0, b ≠ 0) as the
    course's is."""
    small = all(
        abs(v) <= BIGGEST and v.denominator <= DENOMINATOR for v in line
    )
    return small and line[0] * line[1] != 0


def support_of(
    rng: VariantRandom, halves: bool
) -> tuple[list[Point], list[int], Line] | None:
    """Two or three support vectors and their line; None if the draw
    does not suit."""
    first = (coordinate(rng, halves), coordinate(rng, halves))
    second = (coordinate(rng, halves), coordinate(rng, halves))
    if first == second:
        return None
    label = rng.choice([-1, 1])  # the class of ``first``
    dx, dy = second[0] - first[0], second[1] - first[1]
    if rng.integer(0, 1) == 0:
        # two, facing each other: the normal is along their difference
        scale = 2 / (dx * dx + dy * dy)
        a, b = -label * scale * dx, -label * scale * dy
        c = label - (a * first[0] + b * first[1])
        return [first, second], [label, -label], (a, b, c)
    # two of one class; the third across the margin from them
    third = (coordinate(rng, halves), coordinate(rng, halves))
    side = (third[0] - first[0]) * dy - (third[1] - first[1]) * dx
    if not side:
        return None
    nx, ny = (dy, -dx) if side > 0 else (-dy, dx)  # towards ``third``
    # a·x + b·y + c = label on the two, −label on the third
    scale = 2 / (nx * (third[0] - first[0]) + ny * (third[1] - first[1]))
    a, b = -label * scale * nx, -label * scale * ny
    c = label - (a * first[0] + b * first[1])
    return [first, second, third], [label, label, -label], (a, b, c)


def parameters(rng: VariantRandom) -> dict:
    """Six points whose exact maximum-margin line is simple."""
    course = exercise_of(COURSE)[2]
    while True:
        halves = rng.integer(0, 3) == 0  # a quarter of the variants
        drawn = support_of(rng, halves)
        if drawn is None:
            continue
        points, labels, line = drawn
        support = list(range(len(points)))
        if not simple(line) or line == course:
            continue
        if not precise(points, support) or not decided(*drawn):
            continue
        for _ in range(60):  # the others, outside the margin
            if len(points) == SIZE:
                break
            point = (coordinate(rng, halves), coordinate(rng, halves))
            side = line[0] * point[0] + line[1] * point[1] + line[2]
            label = 1 if side > 0 else -1
            if point not in points and (
                CLEAR <= margin(line, point, label) <= FARTHEST
            ):
                points.append(point)
                labels.append(label)
        if len(points) < SIZE or not 2 <= labels.count(1) <= SIZE - 2:
            continue
        if not kkt(points, labels, line, support):  # the proof, on all
            continue
        if any(stalls(points, labels, line, s) for s in STARTS):
            continue
        order = list(range(SIZE))
        for i in range(SIZE - 1, 0, -1):  # Fisher–Yates, on rng
            j = rng.integer(0, i)
            order[i], order[j] = order[j], order[i]
        points = [points[i] for i in order]
        shown = ", ".join(f"({number(x)}, {number(y)})" for x, y in points)
        return {
            "points": f"[{shown}]",
            "labels": str([labels[i] for i in order]),
            "line": "(" + ", ".join(fraction(v) for v in line) + ")",
            "support": str(sorted(order.index(i) for i in support)),
        }


# -------------------------------------------------- reading the parameters


def number(value: Fraction) -> str:
    """A coordinate as Python writes it: 2, -1, 0.5, -1.5."""
    if value.denominator == 1:
        return str(value.numerator)
    return str(float(value))


def fraction(value: Fraction, minus: str = "-") -> str:
    """2/3, -1, -3/2 (``minus`` for the sign)."""
    size = abs(value)
    shown = str(size.numerator)
    if size.denominator != 1:
        shown += f"/{size.denominator}"
    return (minus if value < 0 else "") + shown


def exercise_of(p: dict) -> tuple[list[Point], list[int], Line, list[int]]:
    """The points, labels, exact line and support vectors in ``p``."""

    def items(text: str) -> list[Fraction]:
        for bracket in "[]()":
            text = text.replace(bracket, "")
        return [Fraction(item) for item in text.split(",") if item.strip()]

    coordinates = items(p["points"])
    points = list(zip(coordinates[::2], coordinates[1::2]))
    labels = [int(label) for label in items(p["labels"])]
    a, b, c = items(p["line"])
    support = [int(i) for i in items(p["support"])]
    return points, labels, (a, b, c), support


# ------------------------------------------------------------- the texts


def words(value: Fraction) -> str:
    """A number in the texts: 2/3, −1, −3/2."""
    return fraction(value, minus="−")


def listed(items: list[str]) -> str:
    """7/3, 11/3 and 3."""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def fields(p: dict) -> dict:
    """The exercise's, hints' and template's fields (docs/authoring.md)."""
    points, labels, line, support = exercise_of(p)
    a, b, c = line
    own = p == COURSE

    def of_class(sign: int) -> str:
        return ", ".join(
            "(" + ", ".join(number(v).replace("-", "−") for v in q) + ")"
            for q, label in zip(points, labels)
            if label == sign
        )

    others = [i for i in range(len(points)) if i not in support]
    slope = (
        f"a = b = {words(a)}"
        if a == b
        else f"a = {words(a)}, b = {words(b)}"
    )
    count = NUMBERS[len(points)]
    return {
        "title": "add points, keep the line"
        if own
        else "the points that decide the line",
        "intro": "Take the demo's points and add three more:"
        if own
        else f"Take these {count} points:",
        "minus": of_class(-1),
        "plus": of_class(1),
        "count": count,
        # the course's line break stays where it was
        "same_as": "in the\ndemo"
        if own
        else "for its\nsupport vectors alone",
        "new": "new" if own else "other",
        "points": p["points"],
        "labels": p["labels"],
        "line_words": f"{slope}, c = {words(c)}",
        "margins": listed(
            [words(margin(line, points[i], labels[i])) for i in others]
        ),
        "old_optimum": "The old optimum"
        if own
        else "The support vectors' own optimum",
        "support_count": NUMBERS[len(support)],
    }
