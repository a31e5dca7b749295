"""Lesson 3 checker: the exact gradient of x² + y² (or of a learner's variant,
a·x² + b·xy + c·y²: variants.py), and a numerical gradient of any f(x, y)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from calccourse.author import (
    Feedback,
    Fn,
    KnownMistake,
    Test,
    WrongAnswer,
    as_vector,
    call,
    fmt,
    one_term_slip,
    recognise,
)

from .variants import (
    COURSE,
    combination,
    f_code,
    f_text,
    gradient_at,
    pair,
    partials,
    same_f,
)

LENGTH_TOLERANCE = 0.02  # relative, docs/answer-contract.md: "within 2% of the exact gradient's length"
ANGLE_TOLERANCE = (
    2.0  # degrees, docs/answer-contract.md: "and 2° of its direction"
)
TOLERANCE = 1e-6  # gradient(x, y): relative and absolute

# Functions steepest_ascent has not seen. Each point is drawn so that |∇f| ≥ 2 and every
# second derivative is at most 20 in size; two more functions sit at the contract's bounds
# (docs/answer-contract.md: |∇f| ≥ 1, second derivatives at most 50 in size).
HIDDEN = [
    ("np.sin(x) * np.cos(y) + x * y / 2", "sin(x)·cos(y) + xy/2"),
    ("np.exp(0.3 * x - 0.2 * y) + x * y", "e^(0.3x − 0.2y) + xy"),
    ("x**2 * y - 3 * y + x", "x²y − 3y + x"),
    ("np.log(1 + x**2 + y**2) + 2 * x - y", "log(1 + x² + y²) + 2x − y"),
    ("3 * np.tanh(0.5 * x + y) + 0.5 * x**2", "3·tanh(x/2 + y) + x²/2"),
    ("np.cos(x - 2 * y) + 1.5 * y", "cos(x − 2y) + 1.5y"),
    ("x**3 / 6 - x * y + y**2", "x³/6 − xy + y²"),
    ("2 * np.sqrt(1 + x**2 + 2 * y**2) - x", "2·√(1 + x² + 2y²) − x"),
]


# (expression, label, lowest |∇f|, highest |∇f|, lowest and highest second derivative)
AT_BOUNDS = [
    (
        "0.6 * x - 0.8 * y + 0.05 * x**2",
        "0.6x − 0.8y + x²/20",
        1.0,
        1.1,
        0.0,
        20.0,
    ),
    (
        "24 * x**2 - 3 * y + 0.1 * x * y",
        "24x² − 3y + xy/10",
        2.0,
        np.inf,
        40.0,
        50.0,
    ),
]
ORDINARY = (2.0, np.inf, 0.0, 20.0)
SAME_POINT = (
    "you gave exactly the same vector for two different functions f at the same point: "
    "steepest_ascent must search the f it is given each time (a result kept from an "
    "earlier call, such as a cache whose key leaves out f, does this)."
)


def exact_gradient(f, x, y, h=1e-5):
    """∇f by central differences: far more precise than the 2% the answers are held to."""
    return np.array(
        [
            (f(x + h, y) - f(x - h, y)) / (2 * h),
            (f(x, y + h) - f(x, y - h)) / (2 * h),
        ]
    )


def largest_second_derivative(f, x, y, h=1e-3):
    fxx = (f(x + h, y) - 2 * f(x, y) + f(x - h, y)) / h**2
    fyy = (f(x, y + h) - 2 * f(x, y) + f(x, y - h)) / h**2
    fxy = (
        f(x + h, y + h)
        - f(x + h, y - h)
        - f(x - h, y + h)
        + f(x - h, y - h)
    ) / (4 * h**2)
    return max(abs(fxx), abs(fyy), abs(fxy))


def direction(vector) -> float:
    """Angle in degrees from the +x axis, counter-clockwise."""
    return math.degrees(math.atan2(vector[1], vector[0]))


def angle_between(a, b) -> float:
    return abs((direction(a) - direction(b) + 180.0) % 360.0 - 180.0)


def describe(vector) -> str:
    length = fmt(float(np.hypot(*vector)))
    return f"{fmt(list(vector))} (length {length}, {direction(vector):.2f}° from +x)"


def _point(rng, low=-3.0, high=3.0):
    """A random point with x ≠ y, so that swapped components show."""
    while True:
        x, y = (round(float(v), 3) for v in rng.uniform(low, high, 2))
        if abs(x - y) >= 0.5:
            return x, y


def rate_only_feedback(value, length: float, relative: float) -> str | None:
    if (
        isinstance(value, (int, float))
        and abs(value - length) <= relative * length
    ):
        return (
            "this is only the rate of change |∇f|, a single number: return the vector "
            "(∂f/∂x, ∂f/∂y), whose length is that rate."
        )
    return None


# -- gradient(x, y) of x² + y² (or of the learner's variant) ---------------------------


def grad_text(p: dict, sign: int = 1) -> str:
    """∇f as it reads: "(2x, 2y)", with ``sign`` −1 "(−2x, −2y)"."""
    return "({}, {})".format(*partials(p, sign))


def mistakes_of(p: dict) -> list[KnownMistake]:
    """The known mistakes of gradient(x, y) for f(x, y) = a·x² + b·xy + c·y² (for the
    course's own, x² + y²; the same names in every variant)."""
    a, b, c, px, py = (p[k] for k in ("a", "b", "c", "px", "py"))
    dfdx, dfdy = partials(p)
    squares = f"({combination([(a, 'x²')])}, {combination([(c, 'y²')])})"
    if b == 0:
        each = (
            f"∂({combination([(a, 'x²')])})/∂x = {dfdx} and "
            f"∂({combination([(c, 'y²')])})/∂y = {dfdy}"
        )
    else:
        each = f"∂f/∂x = {dfdx} and ∂f/∂y = {dfdy} (the xy term counts in both)"
    here = gradient_at(p, px, py)
    mistakes = [
        KnownMistake(
            f"this looks like {squares}, the squares themselves: differentiate each term, "
            f"{each}.",
            lambda x, y: (a * x**2, c * y**2),
            name="squares, not derivatives",
        ),
        KnownMistake(
            f"you return {pair(here)} at every point: that is the gradient at "
            f"{pair((px, py))} only. Use x and y: the gradient is {grad_text(p)}.",
            lambda x, y: here,
            name="constant gradient",
        ),
        KnownMistake(
            f"the components are swapped: the first one is ∂f/∂x = {dfdx}, the second "
            f"∂f/∂y = {dfdy}.",
            lambda x, y: gradient_at(p, x, y)[::-1],
            name="components swapped",
        ),
        KnownMistake(
            "this is a unit vector, only the direction of the gradient: don't normalise it, "
            "its length |∇f| is the rate of change.",
            lambda x, y: tuple(
                g / math.hypot(*gradient_at(p, x, y))
                for g in gradient_at(p, x, y)
            ),
            name="normalised gradient",
        ),
        KnownMistake(
            f"this points the wrong way, {grad_text(p, -1)}: the gradient points uphill, "
            "where f grows.",
            lambda x, y: tuple(-g for g in gradient_at(p, x, y)),
            name="points downhill",
        ),
    ]
    if b != 0:
        xy = combination([(b, "xy")])
        mistakes.append(
            KnownMistake(
                f"the xy term is missing: with y held fixed, {xy} changes at the rate "
                f"{combination([(b, 'y')])}, so ∂f/∂x = {dfdx}; with x held fixed, at the "
                f"rate {combination([(b, 'x')])}, so ∂f/∂y = {dfdy}.",
                lambda x, y: (2 * a * x, 2 * c * y),
                name="cross term left out",
            )
        )
    return mistakes


GRADIENT_MISTAKES = mistakes_of(COURSE)


def course_own(p: dict) -> KnownMistake:
    """The course's own gradient, (2x, 2y), given for another variant: the shipped solution."""
    return KnownMistake(
        f"this is {grad_text(COURSE)}, the gradient of {f_text(COURSE)}, the course's own "
        f"exercise; yours is f(x, y) = {f_text(p)}. Work out the gradient of your own f "
        "(`calccourse exercise 3` with your learner id shows it).",
        lambda x, y: gradient_at(COURSE, x, y),
        name="the course's own gradient",
    )


def another_variant(
    got: list[np.ndarray], points: list[tuple[float, float]], p: dict
) -> str | None:
    """Feedback when ``got`` is exactly the gradient of another a·x² + b·xy + c·y² with whole
    a, b, c (an answer written for another learner's variant)."""
    inputs, outputs = np.array(points, float), np.array(got, float)
    if np.linalg.matrix_rank(inputs) < 2 or not np.all(
        np.isfinite(outputs)
    ):
        return None
    # ∇f = (x, y) @ [[2a, b], [b, 2c]]: fit that matrix to the answer's values
    fitted = np.linalg.lstsq(inputs, outputs, rcond=None)[0]
    if not np.allclose(inputs @ fitted, outputs, rtol=1e-9, atol=1e-9):
        return None
    a, b, c = (
        fitted[0, 0] / 2,
        (fitted[0, 1] + fitted[1, 0]) / 2,
        fitted[1, 1] / 2,
    )
    whole = [round(float(v)) for v in (a, b, c)]
    if (
        abs(fitted[0, 1] - fitted[1, 0]) > 1e-6
        or not np.allclose([a, b, c], whole, atol=1e-6)
        or 0 in (whole[0], whole[2])
        or whole == [p["a"], p["b"], p["c"]]
    ):
        return None
    theirs = f_text(dict(zip("abc", whole)))
    slip = one_term_slip(
        [p[k] for k in "abc"],
        whole,
        ("x²", "xy", "y²"),
        f"the gradient of {theirs}",
        f"f(x, y) = {f_text(p)}",
    )
    if slip is not None:
        return slip
    return Feedback(
        f"this is the gradient of {theirs}, a different function: yours is "
        f"f(x, y) = {f_text(p)}. Work out the gradient of your own f (your exercise: "
        "`calccourse exercise 3` with your learner id).",
        "another variant's gradient",
    )


def gradient_test(
    points: list[tuple[float, float]],
    p: dict = COURSE,
    learner: bool = False,
) -> Test:
    """gradient(x, y) of the exercise's f at its point (the first) and at ``points``; for a
    learner with an id, a test name every variant shares, the course's own gradient named
    and another variant's recognised."""
    mistakes = mistakes_of(p)
    if learner and not same_f(p, COURSE):
        mistakes = [course_own(p), *mistakes]
    formula, point = grad_text(p), pair((p["px"], p["py"]))

    def judge(values: list) -> str:
        expected = [gradient_at(p, x, y) for x, y in points]
        for value, (x, y), want in zip(values, points, expected):
            feedback = rate_only_feedback(value, math.hypot(*want), 1e-6)
            if feedback:
                raise WrongAnswer(
                    f"gradient({fmt(x)}, {fmt(y)}) returned the number "
                    f"{fmt(value)}; expected the pair {fmt(list(want))}.",
                    feedback,
                )
        got = [
            as_vector(v, 2, f"gradient({fmt(x)}, {fmt(y)})")
            for v, (x, y) in zip(values, points)
        ]
        wrong = [
            i
            for i, (g, w) in enumerate(zip(got, expected))
            if not np.allclose(g, w, rtol=TOLERANCE, atol=TOLERANCE)
        ]
        if not wrong:
            return f"{formula} at {len(points)} points, {point} included"
        i = wrong[0]
        message = (
            f"at (x, y) = ({fmt(points[i][0])}, {fmt(points[i][1])}): expected "
            f"{fmt(list(expected[i]), TOLERANCE)}, got {fmt(got[i], TOLERANCE)}"
        )
        feedback = recognise([g.tolist() for g in got], points, mistakes)
        if feedback is None and learner:
            feedback = another_variant(got, points, p)
        raise WrongAnswer(message, feedback)

    def plot(values: list, axes) -> None:
        xs, ys = np.array(points).T
        gx, gy = gradient_at(p, xs, ys)
        # ¼ scale for the course's own (2x, 2y); longer gradients drawn smaller
        scale = 4 if np.max(np.hypot(gx, gy)) <= 12 else 8
        fraction = {4: "¼", 8: "⅛"}[scale]
        axes.quiver(
            xs,
            ys,
            gx,
            gy,
            color="tab:blue",
            angles="xy",
            scale_units="xy",
            scale=scale,
            width=0.008,
            label=f"expected ∇f = {formula}, {fraction} scale",
        )
        rows = []
        for value in values:
            try:
                rows.append(np.array(value, float).reshape(2))
            except (TypeError, ValueError):
                rows.append(np.array([np.nan, np.nan]))
        got = np.array(rows)
        axes.quiver(
            xs,
            ys,
            got[:, 0],
            got[:, 1],
            color="tab:orange",
            angles="xy",
            scale_units="xy",
            scale=scale,
            width=0.004,
            label=f"your gradient(x, y), {fraction} scale",
        )
        axes.plot(xs, ys, "k.")
        # quiver arrows do not widen the view: invisible points at their tips do
        tips = np.concatenate(
            [np.c_[xs, ys] * 1.5, np.c_[xs, ys] + got / scale]
        )
        tips = tips[np.all(np.isfinite(tips), axis=1)]
        axes.plot(tips[:, 0], tips[:, 1], linestyle="none")
        axes.set_title(f"gradient(x, y) of {f_text(p)} at the test points")
        axes.set_xlabel("x")
        axes.set_ylabel("y")
        axes.set_aspect("equal", adjustable="datalim")
        axes.legend(fontsize=8)

    calls = [call("gradient", x, y) for x, y in points]
    name = (
        "gradient(x, y) of the exercise's f at its point and at random points"
        if learner
        else f"gradient(x, y) of {f_text(p)} at {point} and at random points"
    )
    return Test(name, calls, judge, plot=plot)


# -- steepest_ascent(f, x, y) ---------------------------------------------------------------


def whatever_f(p: dict) -> str:
    return (
        f"this is {grad_text(p)}, the gradient of {f_text(p)}, whatever f is: evaluate the "
        "function f you are given."
    )


def steepest_feedback(
    got, want, x: float, y: float, exercises: tuple[dict, ...] = (COURSE,)
) -> str | None:
    """Name the mistake a wrong steepest_ascent answer most probably is; ``exercises``: the
    parameters of the exercises whose gradient an answer may give whatever f is (a
    variant's first: its gradient exactly is named before any looser pattern)."""
    for p in exercises:
        if not same_f(p, COURSE) and np.allclose(
            got, gradient_at(p, x, y), rtol=1e-3, atol=1e-3
        ):
            return whatever_f(p)
    length, got_length = float(np.hypot(*want)), float(np.hypot(*got))
    length_ok = abs(got_length - length) <= LENGTH_TOLERANCE * length
    rate_second = abs(got[1] - length) <= LENGTH_TOLERANCE * length
    for angle in (direction(want), 90.0 - direction(want)):
        if (
            rate_second
            and abs((got[0] - angle + 180) % 360 - 180) <= ANGLE_TOLERANCE
        ):
            return "this looks like (angle, rate): return the vector rate·(cos θ, sin θ) instead."
    if (
        abs(got_length - 1) < 0.02
        and angle_between(got, want) <= ANGLE_TOLERANCE
    ):
        return (
            "this is a unit vector, only the direction of steepest ascent: multiply it by the "
            "largest rate of change, so that its length is |∇f|."
        )
    if length_ok and angle_between(got, want[::-1]) <= ANGLE_TOLERANCE:
        return (
            "the components are swapped: return (∂f/∂x, ∂f/∂y). If your angle is measured "
            "from the +y axis (dx = sin θ, dy = cos θ), the vector is rate·(sin θ, cos θ), "
            "not rate·(cos θ, sin θ)."
        )
    if angle_between(got, -want) <= ANGLE_TOLERANCE:
        return (
            "this points downhill, against the gradient: keep the direction with the largest "
            "rate of change (np.argmax), not the smallest."
        )
    for p in exercises:
        if np.allclose(got, gradient_at(p, x, y), rtol=1e-3, atol=1e-3):
            return whatever_f(p)
    if angle_between(got, want) <= ANGLE_TOLERANCE:
        return (
            "the direction is right but the length is not: it must be the rate of change in "
            "that direction, (f(p + h·u) − f(p))/h with a small step such as h = 0.0001."
        )
    if length_ok and angle_between(got, want) <= 10:
        return (
            "the length is right but the direction is not precise enough: try directions in "
            "smaller steps, such as 0.1°."
        )
    if length_ok:
        return (
            "the largest rate is right, but the vector points elsewhere: build it from the "
            "same angle the search used, and in radians (np.cos and np.sin take radians: "
            "np.deg2rad converts degrees)."
        )
    return None


def same_point(
    values: list, cases: list[tuple[Fn, float, float]], i: int
) -> str | None:
    """SAME_POINT when case ``i`` got the very value another function got at its point."""
    fn, x, y = cases[i]
    for j, (other, x_j, y_j) in enumerate(cases):
        if (
            j != i
            and (x_j, y_j) == (x, y)
            and other != fn
            and values[j] == values[i]
        ):
            return SAME_POINT
    return None


def steepest_plot(
    cases: list[tuple[Fn, float, float]], expected: list
) -> Any:
    """Each case's ∇f and the answer's vector as arrows, both divided by |∇f| (so each
    pair fits a unit circle), side by side; the 2% and 2° the answer may be off shaded."""

    def plot(values: list, axes: Any) -> None:
        columns = min(3, len(cases))
        rows = -(-len(cases) // columns)
        for k, ((fn, x, y), want, value) in enumerate(
            zip(cases, expected, values)
        ):
            cx, cy = 3.6 * (k % columns), -3.6 * (k // columns)
            length = float(np.hypot(*want))
            ring = np.linspace(0, 2 * np.pi, 100)
            axes.plot(
                cx + np.cos(ring), cy + np.sin(ring), color="0.85", lw=0.8
            )
            arrows = [(want / length, "tab:blue", 2.5)]
            try:
                got = as_vector(value, 2, "steepest_ascent")
            except WrongAnswer:
                axes.text(
                    cx,
                    cy - 0.3,
                    "not a pair",
                    ha="center",
                    color="tab:red",
                    fontsize=8,
                )
            else:
                ok = (
                    abs(float(np.hypot(*got)) - length)
                    <= LENGTH_TOLERANCE * length
                    and angle_between(got, want) <= ANGLE_TOLERANCE
                )
                arrows.append(
                    (
                        np.clip(got / length, -1.4, 1.4),
                        "tab:green" if ok else "tab:red",
                        1.5,
                    )
                )
            for end, colour, width in arrows:
                axes.annotate(
                    "",
                    (cx + end[0], cy + end[1]),
                    (cx, cy),
                    arrowprops={
                        "arrowstyle": "->",
                        "color": colour,
                        "lw": width,
                    },
                )
            axes.text(
                cx,
                cy + 1.15,
                f"{fn}\nat ({fmt(x)}, {fmt(y)})",
                ha="center",
                fontsize=7,
            )
        axes.plot([], [], color="tab:blue", label="∇f (exact)")
        axes.plot(
            [], [], color="tab:green", label="yours, within 2% and 2°"
        )
        axes.plot([], [], color="tab:red", label="yours, off")
        axes.set_xlim(-1.8, 3.6 * columns - 1.8)
        axes.set_ylim(-3.6 * (rows - 1) - 1.5, 1.8)
        axes.set_aspect("equal")
        axes.set_xticks([])
        axes.set_yticks([])
        axes.set_title(
            "steepest_ascent: each arrow divided by |∇f| (grey circle: length 1)",
            fontsize=9,
        )
        axes.legend(
            fontsize=7,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.02),
            ncol=3,
        )

    return plot


def steepest_test(
    name: str,
    cases: list[tuple[Fn, float, float]],
    points: float = 1.0,
    exercises: tuple[dict, ...] = (COURSE,),
) -> Test:
    expected = [exact_gradient(fn, x, y) for fn, x, y in cases]

    def judge(values: list) -> str:
        for i, (value, (fn, x, y), want) in enumerate(
            zip(values, cases, expected)
        ):
            where = f"steepest_ascent(f, {fmt(x)}, {fmt(y)}) with f(x, y) = {fn}"
            feedback = rate_only_feedback(
                value, float(np.hypot(*want)), LENGTH_TOLERANCE
            )
            if feedback:
                raise WrongAnswer(
                    f"{where} returned the number {fmt(value)}; expected a pair close to {describe(want)}.",
                    feedback,
                )
            got = as_vector(value, 2, where)
            length, got_length = (
                float(np.hypot(*want)),
                float(np.hypot(*got)),
            )
            off_length = abs(got_length - length) / length
            off_angle = (
                angle_between(got, want) if got_length > 0 else 180.0
            )
            if off_length > LENGTH_TOLERANCE or off_angle > ANGLE_TOLERANCE:
                problems = []
                if off_length > LENGTH_TOLERANCE:
                    problems.append(
                        f"length off by {off_length:.1%} (at most 2%)"
                    )
                if off_angle > ANGLE_TOLERANCE:
                    problems.append(
                        f"direction off by {off_angle:.1f}° (at most 2°)"
                    )
                raise WrongAnswer(
                    f"{where}: expected about {describe(want)}, got {describe(got)}: "
                    f"{' and '.join(problems)}.",
                    same_point(values, cases, i)
                    or steepest_feedback(got, want, x, y, exercises),
                )
        return f"within 2% and 2° of ∇f for {len(cases)} function(s)"

    calls = [call("steepest_ascent", fn, x, y) for fn, x, y in cases]
    return Test(
        name, calls, judge, points, plot=steepest_plot(cases, expected)
    )


def fits(fn: Fn, x: float, y: float, bounds: tuple[float, ...]) -> bool:
    """|∇f| and the largest second derivative at (x, y) within ``bounds``, and a swap of
    the components visible."""
    low, high, curved_low, curved_high = bounds
    grad = exact_gradient(fn, x, y)
    return (
        low <= np.hypot(*grad) <= high
        and curved_low <= largest_second_derivative(fn, x, y) <= curved_high
        and angle_between(grad, grad[::-1]) >= 10.0
    )


def hidden_cases(rng: np.random.Generator) -> list[tuple[Fn, float, float]]:
    """Three pairs of functions, each pair at one point: a function at the bound on |∇f|,
    one at the bound on second derivatives, and an ordinary one, each with an ordinary
    partner; then a pair of ordinary ones."""
    partners = [Fn(expr, ("x", "y"), label) for expr, label in HIDDEN]
    order = [int(i) for i in rng.permutation(len(partners))]
    firsts = [
        (Fn(e, ("x", "y"), label), tuple(b)) for e, label, *b in AT_BOUNDS
    ]
    firsts.append((partners[order.pop()], ORDINARY))
    cases = []
    for fn, bounds in firsts:
        partner = partners[order.pop()]
        for _ in range(5000):
            x, y = _point(rng)
            if fits(fn, x, y, bounds) and fits(partner, x, y, ORDINARY):
                cases += [(fn, x, y), (partner, x, y)]
                break
        else:
            raise RuntimeError(f"no point found for {fn} and {partner}")
    return cases


def clear(
    p: dict, x: float, y: float, mistakes: list[KnownMistake]
) -> bool:
    """Whether a variant's test point (x, y) has x ≠ y, |∇f| ≥ 2, components of ∇f at
    least 0.2 apart (so a swap shows) and every known mistake's value at least 0.2 away
    from ∇f in some component (one may share a component with ∇f everywhere: the course's
    own (2x, 2y) shares ∂f/∂x = 2x with x² − 4y²)."""
    want = gradient_at(p, x, y)
    if (
        abs(x - y) < 0.2
        or math.hypot(*want) < 2
        or abs(want[0] - want[1]) < 0.2
    ):
        return False
    for mistake in mistakes:
        try:
            got = mistake.value(x, y)
        except ArithmeticError:
            return False
        if all(abs(g - w) < 0.2 for g, w in zip(got, want)):
            return False
    return True


def gradient_points(
    rng: np.random.Generator, p: dict
) -> list[tuple[float, float]]:
    """The exercise's point, five random points, and up to four that share x, or y, with
    an earlier one."""
    mistakes = mistakes_of(p)
    if not same_f(p, COURSE):
        mistakes = [course_own(p), *mistakes]

    def suits(x: float, y: float) -> bool:
        if p != COURSE:
            return clear(p, x, y, mistakes)
        return (
            x * x + y * y >= 1.0
            and min(abs(x - 2), abs(y - 2), abs(x), abs(y)) >= 0.2
        )

    def crossing(x: float, y: float) -> bool:
        return (
            abs(x - y) >= 0.2 if p == COURSE else clear(p, x, y, mistakes)
        )

    points = [(float(p["px"]), float(p["py"]))]
    for _ in range(10000):
        x, y = _point(rng, -4.0, 4.0)
        if suits(x, y):
            points.append((x, y))
            if len(points) == 6:
                break
    else:
        raise RuntimeError(f"no test points found for {f_text(p)}")
    # Points that share x, or y, with an earlier one: an answer that remembers its result by
    # one coordinate (a cache keyed on x alone) gives the earlier point's gradient, and fails.
    for (x1, y1), (x2, y2) in (
        (points[1], points[2]),
        (points[3], points[4]),
    ):
        points += [
            (x, y) for x, y in ((x1, y2), (x2, y1)) if crossing(x, y)
        ]
    return points


def tests(rng: np.random.Generator, variant=None) -> list[Test]:
    """The tests of the learner's variant (``variant.parameters``; the course's own exercise
    without one). A learner with an id gets test names that every variant shares."""
    p = COURSE if variant is None else variant.parameters
    learner = variant is not None and variant.learner is not None
    exercises = (p,) if same_f(p, COURSE) else (p, COURSE)
    lesson = [
        (Fn("x**2 + y**3", ("x", "y"), "x² + y³"), 2.0, 3.0),
        (
            Fn(f_code(p), ("x", "y"), f_text(p)),
            float(p["px"]),
            float(p["py"]),
        ),
    ]
    return [
        gradient_test(gradient_points(rng, p), p, learner),
        steepest_test(
            "steepest_ascent(f, x, y) on the lesson's functions",
            lesson,
            exercises=exercises,
        ),
        steepest_test(
            "steepest_ascent(f, x, y) on functions you have not seen",
            hidden_cases(rng),
            exercises=exercises,
        ),
    ]
