"""Lesson 4 checker: the Jacobian of three sigmoids of linear functions of (x, y).

The answer's `jacobian` (SymPy expressions or a function) is evaluated inside the answer's
process by probes.jacobian, which sends back plain numbers only; here they are compared
with the exact Jacobian at the spot value of the course and at random values of all eight
symbols, and a wrong answer is matched against the common mistakes at the same values.
Each point is a call of its own, so the time limit is per evaluation, as for every lesson.

A learner with an id has a variant (variants.py): the constants dealt to other places of
the three outputs, some y terms subtracted, another spot value. Its answer is judged the
same way against its own f; an answer written for the course's own f, or for another
variant's, is named as such.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from calccourse.author import (
    Feedback,
    KnownMistake,
    Test,
    WrongAnswer,
    agrees,
    close,
    fmt,
    matrix_plot,
    probe,
    recognise,
)

from .variants import (
    COURSE,
    SYMBOLS,
    Row,
    factor,
    number,
    outputs,
    outputs_of,
    rows_of,
    sigma,
    term,
)

NAMES = ("x", "y", "p", "q", "r", "s", "t", "u")
RTOL = ATOL = 1e-6
Rows = tuple[Row, ...]
COURSE_ROWS = rows_of(COURSE)


def spot_of(p: dict) -> dict[str, float]:
    """The spot value of the exercise of parameters ``p`` (for the course's own: SPOT)."""
    point = {"x": float(p["at_x"]), "y": float(p["at_y"])}
    point.update({name: float(p[name]) for name in SYMBOLS})
    return point


SPOT = spot_of(COURSE)  # x = 0.3, y = −0.4, p..u = 1, 2, −1, 0.5, 3, −2


def _coefficients(
    point: dict[str, float], rows: Rows = COURSE_ROWS
) -> list[tuple[float, float]]:
    """Each output's (factor of x, factor of y): (p, q), (r, s), (t, u) in the course's own."""
    return [(point[a], sign * point[b]) for a, b, sign in rows]


def _rows(
    point: dict[str, float], entry: Any, rows: Rows = COURSE_ROWS
) -> np.ndarray:
    """A 3 × 2 matrix whose row i is entry(a, b, σᵢ) for the row's coefficients (a, b)."""
    x, y = point["x"], point["y"]
    return np.array(
        [
            entry(a, b, sigma(a * x + b * y))
            for a, b in _coefficients(point, rows)
        ],
        float,
    )


def exact(point: dict[str, float], rows: Rows = COURSE_ROWS) -> np.ndarray:
    """Row i: (a·σᵢ(1 − σᵢ), b·σᵢ(1 − σᵢ)) with σᵢ = σ(a·x + b·y)."""
    return _rows(
        point, lambda a, b, s: [a * s * (1 - s), b * s * (1 - s)], rows
    )


def mistakes_of(p: dict) -> list[KnownMistake]:
    """The common mistakes for the exercise of parameters ``p``, the last one (constants
    substituted) only at random points: at the spot value it is the right answer."""
    rows = rows_of(p)
    spot = spot_of(p)
    (a1, b1, sign1) = rows[0]
    z1, y1 = term(a1, b1, sign1), factor(b1, sign1)
    row1 = f"({a1}·σ₁(1−σ₁), {y1}·σ₁(1−σ₁))"
    by_x = [a for a, _, _ in rows]
    by_y = [factor(b, sign) for _, b, sign in rows]
    factors = [name for pair in zip(by_x, by_y) for name in pair]
    constants = ", ".join(number(p[name]) for name in SYMBOLS)

    def with_spot_constants(point: dict[str, float]) -> np.ndarray:
        return exact({**spot, "x": point["x"], "y": point["y"]}, rows)

    return [
        KnownMistake(
            "This looks like σ′ without the inner derivative. By the chain rule "
            f"∂σ({z1})/∂x = σ′({z1})·{a1}, so each entry needs its factor "
            f"{', '.join(factors[:-1])} or {factors[-1]}: row 1 is {row1}.",
            lambda pt: _rows(
                pt, lambda a, b, s: [s * (1 - s), s * (1 - s)], rows
            ),
            name="no inner derivative",
        ),
        KnownMistake(
            f"This looks like {a1}·σ instead of {a1}·σ(1 − σ): the derivative of σ(z) = "
            "1/(1 + e^(−z)) is σ(z)·(1 − σ(z)), not σ(z) itself.",
            lambda pt: _rows(pt, lambda a, b, s: [a * s, b * s], rows),
            name="σ instead of σ′",
        ),
        KnownMistake(
            "This looks like σ itself in every entry: the derivative of σ(z) is σ(z)·(1 − σ(z)), "
            f"and the chain rule adds the inner derivative ({a1}, {y1}, ... ): row 1 is {row1}.",
            lambda pt: _rows(pt, lambda a, b, s: [s, s], rows),
            name="σ itself",
        ),
        KnownMistake(
            "Every entry has the opposite sign: check the exponent. σ(z) = 1/(1 + e^(−z)) has a minus "
            "sign in e^(−z), and d/dz e^(−z) = −e^(−z), so σ′(z) = e^(−z)/(1 + e^(−z))² = σ(1 − σ), "
            "which is positive.",
            lambda pt: -exact(pt, rows),
            name="sign of σ′ flipped",
        ),
        KnownMistake(
            "The two columns are swapped: column 1 holds the derivatives by x (factors "
            f"{', '.join(by_x)}), column 2 those by y (factors {', '.join(by_y)}).",
            lambda pt: exact(pt, rows)[:, ::-1],
            name="columns swapped",
        ),
        KnownMistake(
            f"This looks like {a1}·(1 − σ): e^(−z)/(1 + e^(−z)) is 1 − σ; the derivative of σ has "
            "the denominator squared, e^(−z)/(1 + e^(−z))² = σ(1 − σ).",
            lambda pt: _rows(
                pt, lambda a, b, s: [a * (1 - s), b * (1 - s)], rows
            ),
            name="1 − σ instead of σ′",
        ),
        KnownMistake(
            f"This matches the Jacobian with p..u fixed at the spot value {constants}: keep "
            "p, q, r, s, t, u as symbols (or parameters), the checker gives them other values.",
            with_spot_constants,
            name="constants substituted",
        ),
    ]


MISTAKES = mistakes_of(COURSE)

TRANSPOSED = (
    "This is the transpose of the Jacobian: row i holds the derivatives of output i, so it has 3 "
    "rows (one per σ) and 2 columns (∂/∂x, ∂/∂y). f.jacobian([x, y]) builds it this way round."
)


# Orders of the parameters a function answer might have instead of the documented one.
OTHER_ORDERS = [
    ("p", "q", "r", "s", "t", "u", "x", "y"),
    ("y", "x", "p", "q", "r", "s", "t", "u"),
    ("x", "y", "p", "r", "t", "q", "s", "u"),
    ("p", "r", "t", "q", "s", "u", "x", "y"),
]


def argument_order(
    got: list[np.ndarray],
    points: list[dict[str, float]],
    rows: Rows = COURSE_ROWS,
) -> str | None:
    """Feedback when a function answer is right for its arguments taken in another order."""
    for order in OTHER_ORDERS:
        # The answer read the checker's i-th argument as its parameter order[i].
        read = [
            {name: point[NAMES[i]] for i, name in enumerate(order)}
            for point in points
        ]
        if close(got, [exact(point, rows) for point in read], RTOL, ATOL):
            return (
                f"Your function is right, for arguments in the order ({', '.join(order)}). "
                f"The checker calls it as documented, jacobian({', '.join(NAMES)}): put the "
                "parameters in that order."
            )
    return None


def describe(point: dict[str, float]) -> str:
    return (
        f"(x, y) = ({fmt(point['x'])}, {fmt(point['y'])}), p..u = "
        + ", ".join(fmt(point[name]) for name in NAMES[2:])
    )


def as_matrix(
    value: Any, point: dict[str, float], rows: Rows = COURSE_ROWS
) -> np.ndarray:
    """The answer's values at one point as a 3 × 2 float array, or WrongAnswer."""
    where = f"jacobian at {describe(point)}"
    try:
        array = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise WrongAnswer(
            f"{where} is {fmt(value)}, which is not a 3 × 2 matrix of numbers."
        ) from None
    while array.ndim > 2 and 1 in array.shape:
        array = array.squeeze(axis=array.shape.index(1))
    if array.shape == (2, 3):
        if np.allclose(array, exact(point, rows).T, rtol=RTOL, atol=ATOL):
            raise WrongAnswer(
                f"{where} has shape 2 × 3; expected 3 × 2 (3 outputs, 2 inputs).",
                TRANSPOSED,
            )
        raise WrongAnswer(
            f"{where} has shape 2 × 3; expected 3 × 2: one row per output σ₁, σ₂, σ₃, "
            "one column per input x, y."
        )
    if array.shape != (3, 2):
        flat = (
            " (a flat list: give 3 rows of 2)"
            if array.shape == (6,)
            else ""
        )
        raise WrongAnswer(
            f"{where} has shape {' × '.join(map(str, array.shape)) or 'scalar'}{flat}; "
            "expected 3 × 2: one row per output σ₁, σ₂, σ₃, one column per input x, y."
        )
    if not np.all(np.isfinite(array)):
        raise WrongAnswer(
            f"{where} is {fmt(array)}: not every entry is a finite real number."
        )
    return array


def evaluated(
    values: list[Any], count: int
) -> tuple[list[Any], str | None]:
    """The matrices the probe sent back, one per point, and the kind of answer."""
    matrices, kind = [], None
    for data in values:
        if not isinstance(data, dict):
            raise WrongAnswer(
                f"jacobian could not be evaluated (got {fmt(data)})."
            )
        if "problem" in data:
            raise WrongAnswer(str(data["problem"]))
        got = data.get("values")
        if not isinstance(got, list) or len(got) != 1:
            raise WrongAnswer(
                "jacobian could not be evaluated at every point."
            )
        matrices.append(got[0])
        kind = data.get("kind")
    if len(matrices) != count:
        raise WrongAnswer("jacobian could not be evaluated at every point.")
    return matrices, kind


def judge_jacobian(
    values: list[Any],
    points: list[dict[str, float]],
    spot: bool,
    p: dict = COURSE,
    learner: bool = False,
) -> str:
    """Pass or WrongAnswer for the matrices at ``points`` of the exercise of parameters
    ``p``; for a ``learner`` with an id, also name an answer written for another f."""
    rows = rows_of(p)
    matrices, kind = evaluated(values, len(points))
    got = [
        as_matrix(value, point, rows)
        for value, point in zip(matrices, points)
    ]
    want = [exact(point, rows) for point in points]
    if close(got, want, RTOL, ATOL):
        form = (
            "your matrix matches"
            if kind == "expressions"
            else "your function's values match"
        )
        where = (
            "the spot value"
            if spot
            else f"{len(points)} random values of x, y, p, …, u"
        )
        return f"{form} the Jacobian at {where}"
    mistakes = MISTAKES if p == COURSE else mistakes_of(p)
    if spot:
        mistakes = mistakes[:-1]
    if learner and p != COURSE:
        mistakes = [course_own(p), *mistakes]
    feedback = (
        (argument_order(got, points, rows) if kind == "function" else None)
        or recognise(
            got, [(point,) for point in points], mistakes, RTOL, ATOL
        )
        or (another_variant(got, points, p) if learner else None)
    )
    if (
        feedback is None
        and not spot
        and len(got) > 1
        and all(np.allclose(g, got[0]) for g in got)
    ):
        feedback = (
            "Your jacobian gives the same numbers at every point: it must depend on x, y and "
            "p, …, u, not hold the numbers of one point."
        )
    if feedback is None and close(np.abs(got), np.abs(want), RTOL, ATOL):
        feedback = "The sizes are right but some signs are not: check the signs in σ and in the exponent."
    errors = [
        float(np.max(np.abs(g - w) - ATOL - RTOL * np.abs(w)))
        for g, w in zip(got, want)
    ]
    worst = int(np.argmax(errors))
    point = points[worst]
    if kind == "function":
        where = (
            "jacobian("
            + ", ".join(fmt(point[name]) for name in NAMES)
            + ") returned"
        )
    else:
        where = f"your jacobian at {describe(point)} is"
    raise WrongAnswer(
        f"{where} {fmt(got[worst], ATOL)}; expected {fmt(want[worst], ATOL)}",
        feedback,
    )


YOUR_EXERCISE = "`calccourse exercise 4` with your learner id"


def course_own(p: dict) -> KnownMistake:
    """The course's own exercise's Jacobian given for another variant: the shipped solution."""
    return KnownMistake(
        f"This is the Jacobian of the course's own exercise, f(x, y) = ({outputs(COURSE)}); "
        f"yours is f(x, y) = ({outputs(p)}). Differentiate your own f ({YOUR_EXERCISE} "
        "shows it).",
        lambda point: exact(point, COURSE_ROWS),
        name="the course's own Jacobian",
    )


def dealt(
    got: list[np.ndarray], points: list[dict[str, float]]
) -> Rows | None:
    """The outputs (constant by x, constant by y, sign of the y term) whose Jacobian ``got``
    is, each of p, …, u used once; None if it is no such Jacobian (or not only one)."""
    found = []
    for k in range(3):
        matches = [
            (a, b, sign)
            for a in SYMBOLS
            for b in SYMBOLS
            if a != b
            for sign in (1, -1)
            if close(
                [g[k] for g in got],
                [exact(point, ((a, b, sign),))[0] for point in points],
                RTOL,
                ATOL,
            )
        ]
        if len(matches) != 1:
            return None
        found.append(matches[0])
    if len({name for a, b, _ in found for name in (a, b)}) < 6:
        return None
    return tuple(found)


def another_variant(
    got: list[np.ndarray], points: list[dict[str, float]], p: dict
) -> str | None:
    """Feedback when ``got`` is the Jacobian of another f of the same kind: another
    variant's, or the learner's own with a y term's sign changed."""
    rows, found = rows_of(p), dealt(got, points)
    if found is None or found == rows:
        return None
    theirs, yours = outputs_of(found), outputs(p)
    if [row[:2] for row in found] == [row[:2] for row in rows]:
        a, b, sign = next(
            row for row, other in zip(rows, found) if row[2] != other[2]
        )
        return Feedback(
            f"This is the Jacobian of f(x, y) = ({theirs}), but yours is f(x, y) = ({yours}) "
            f"(your exercise: {YOUR_EXERCISE}): mind the signs of the y terms. The inner "
            f"derivative of {term(a, b, sign)} by y is {factor(b, sign)}.",
            "sign of a y term",
        )
    return Feedback(
        f"This is the Jacobian of f(x, y) = ({theirs}), another variant's exercise; yours is "
        f"f(x, y) = ({yours}). Differentiate your own f (your exercise: {YOUR_EXERCISE}).",
        "another variant's Jacobian",
    )


def random_points(
    rng: np.random.Generator, count: int
) -> list[dict[str, float]]:
    """Random x, y in [−1, 1] and coefficients in ±[0.3, 2], so σ′ stays well above 0; the
    last point has the first one's x and y with other coefficients, so that an answer
    that remembers its result by (x, y) alone (a cache that leaves out p, …, u) fails."""
    points = []
    for _ in range(count):
        point = {
            "x": float(rng.uniform(-1, 1)),
            "y": float(rng.uniform(-1, 1)),
        }
        for name in NAMES[2:]:
            point[name] = float(rng.choice([-1, 1]) * rng.uniform(0.3, 2.0))
        points.append(point)
    if len(points) > 1:
        points[-1].update(x=points[0]["x"], y=points[0]["y"])
    return points


def matrix_of(data: Any) -> Any:
    """The matrix a probe sent back for one point, as it came (None if none)."""
    got = data.get("values") if isinstance(data, dict) else None
    return got[0] if isinstance(got, list) and len(got) == 1 else None


def plot_jacobian(
    values: list[Any],
    points: list[dict[str, float]],
    spot: bool,
    axes,
    rows: Rows = COURSE_ROWS,
) -> None:
    """The first point where the answer's matrix is off, entry by entry."""
    got = [matrix_of(data) for data in values]
    wrong = [
        i
        for i, point in enumerate(points)
        if not agrees(got[i], exact(point, rows), RTOL, ATOL)
    ]
    i = wrong[0] if wrong else 0
    where = (
        "the spot value"
        if spot
        else f"random point {i + 1} of {len(points)}"
    )
    problem = (
        values[i].get("problem") if isinstance(values[i], dict) else None
    )
    matrix_plot(
        axes,
        exact(points[i], rows),
        got[i],
        RTOL,
        ATOL,
        f"jacobian at {where}: rows σ₁, σ₂, σ₃; columns ∂/∂x, ∂/∂y",
        why=f"could not be evaluated: {problem}" if problem else "",
    )


def jacobian_test(
    name: str,
    points: list[dict[str, float]],
    spot: bool,
    score: float,
    p: dict = COURSE,
    learner: bool = False,
) -> Test:
    rows = rows_of(p)
    return Test(
        name,
        [probe("jacobian", [point], reads="jacobian") for point in points],
        lambda values: judge_jacobian(values, points, spot, p, learner),
        score,
        plot=lambda values, axes: plot_jacobian(
            values, points, spot, axes, rows
        ),
    )


def tests(rng: np.random.Generator, variant=None) -> list[Test]:
    """The tests of the learner's variant (``variant.parameters``; the course's own exercise
    without one). Their names are the same in every variant."""
    p = COURSE if variant is None else variant.parameters
    learner = variant is not None and variant.learner is not None
    return [
        jacobian_test(
            "jacobian at the exercise's spot value",
            [spot_of(p)],
            True,
            1.0,
            p,
            learner,
        ),
        jacobian_test(
            "jacobian at random values of x, y, p, …, u",
            random_points(rng, 7),
            False,
            2.0,
            p,
            learner,
        ),
    ]
