"""Lesson 1 checker: derivative(x) by value, rate_of_change(f, x, dx) on hidden functions.

rate_of_change is judged against the error a difference quotient may have at that dx:
forward and backward differences are off by at most dx/2·max|f″| and central ones by
dx²/6·max|f‴| (maxima over [x − dx, x + dx]), so the allowed error is
dx·max|f″| + dx²·max|f‴| plus room for rounding. Test points have |f′(x)| at least ten
times that allowance, so dividing by dx twice (or not at all), a sign slip or ignoring
f cannot pass. Hidden functions come in pairs at the same x and dx, so that an answer
ignoring f shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from calccourse.author import (
    Feedback,
    Fn,
    KnownMistake,
    Test,
    WrongAnswer,
    as_number,
    call,
    fmt,
    function_test,
    note_not_numbers,
    numbers,
    one_term_slip,
    polynomial,
    signed,
    term,
)

from .variants import COURSE, rule

EPS = float(np.finfo(float).eps)
Case = tuple["Smooth", float, float]  # (function, x, dx)


@dataclass(frozen=True)
class Smooth:
    """A function given to the answer, with its first three derivatives for the judge."""

    f: Fn
    d1: Fn
    d2: Fn
    d3: Fn
    low: float = -3.0
    high: float = 3.0


def smooth(
    expr: str,
    label: str,
    d1: str,
    d2: str,
    d3: str,
    low: float = -3.0,
    high: float = 3.0,
) -> Smooth:
    return Smooth(
        Fn(expr, ("x",), label), Fn(d1), Fn(d2), Fn(d3), low, high
    )


EXERCISE = smooth(
    "x**3 - 2*x**2 + 1",
    "x³ − 2x² + 1",
    "3*x**2 - 4*x",
    "6*x - 4",
    "6 + 0*x",
    -2.0,
    3.0,
)


def exercise_of(p: dict) -> Smooth:
    """f(x) = a·x³ + b·x² + c·x + d on [−2, 3], the exercise of parameters ``p``."""
    a, b, c, d = p["a"], p["b"], p["c"], p["d"]
    if p == COURSE:
        return EXERCISE
    return smooth(
        polynomial([a, b, c, d], code=True),
        polynomial([a, b, c, d]),
        polynomial([3 * a, 2 * b, c], code=True),
        f"{6 * a}*x + {2 * b}",
        f"{6 * a} + 0*x",
        -2.0,
        3.0,
    )


# Smooth everywhere; derivatives checked in tests/test_lesson_derivatives_integrals.py.
HIDDEN = [
    smooth(
        "np.sin(x) + 0.5*x**2",
        "sin(x) + x²/2",
        "np.cos(x) + x",
        "1 - np.sin(x)",
        "-np.cos(x)",
    ),
    smooth(
        "np.exp(0.6*x)",
        "exp(0.6x)",
        "0.6*np.exp(0.6*x)",
        "0.36*np.exp(0.6*x)",
        "0.216*np.exp(0.6*x)",
    ),
    smooth(
        "x**3 - 3*x", "x³ − 3x", "3*x**2 - 3", "6*x", "6 + 0*x", -2.5, 2.5
    ),
    smooth(
        "np.log(1 + x**2)",
        "log(1 + x²)",
        "2*x/(1 + x**2)",
        "2*(1 - x**2)/(1 + x**2)**2",
        "4*x*(x**2 - 3)/(1 + x**2)**3",
    ),
    smooth(
        "np.cos(2*x)",
        "cos(2x)",
        "-2*np.sin(2*x)",
        "-4*np.cos(2*x)",
        "8*np.sin(2*x)",
    ),
    smooth(
        "4/(1 + np.exp(-x))",
        "4/(1 + e^(−x))",
        "4*np.exp(-x)/(1 + np.exp(-x))**2",
        "4*np.exp(-x)*(np.exp(-x) - 1)/(1 + np.exp(-x))**3",
        "4*np.exp(-x)*(np.exp(-2*x) - 4*np.exp(-x) + 1)/(1 + np.exp(-x))**4",
        -2.0,
        2.0,
    ),
    smooth(
        "np.sqrt(1 + x**2)",
        "√(1 + x²)",
        "x/np.sqrt(1 + x**2)",
        "(1 + x**2)**-1.5",
        "-3*x*(1 + x**2)**-2.5",
    ),
    smooth(
        "np.arctan(x)",
        "arctan(x)",
        "1/(1 + x**2)",
        "-2*x/(1 + x**2)**2",
        "(6*x**2 - 2)/(1 + x**2)**3",
    ),
    smooth(
        "x*np.exp(-x/3)",
        "x·e^(−x/3)",
        "(1 - x/3)*np.exp(-x/3)",
        "(x/9 - 2/3)*np.exp(-x/3)",
        "(1/3 - x/27)*np.exp(-x/3)",
        -3.0,
        2.0,
    ),
    smooth(
        "2*np.sin(x/2) + 0.3*x**2",
        "2·sin(x/2) + 0.3x²",
        "np.cos(x/2) + 0.6*x",
        "0.6 - 0.5*np.sin(x/2)",
        "-0.25*np.cos(x/2)",
    ),
]

USE_F = "use the function f your rate_of_change is given, f(x + dx) − f(x)."


def allowed_error(fn: Smooth, x: float, dx: float) -> float:
    """How far a forward, backward or central difference at step dx may be from f′(x)."""
    around = np.linspace(x - dx, x + dx, 41)
    m3 = float(np.max(np.abs(fn.d3(around))))
    m2 = (
        float(np.max(np.abs(fn.d2(around)))) + m3 * dx / 20
    )  # the grid may miss the peak
    slope = float(fn.d1(x))
    rounding = 64 * EPS * (1 + abs(float(fn.f(x))) + abs(x * slope)) / dx
    return dx * m2 + dx**2 * m3 + rounding + 1e-9 * abs(slope)


def rate_feedback(
    fn: Smooth, x: float, dx: float, got: float, exercise: Smooth = EXERCISE
) -> str | None:
    """Name the mistake that explains ``got`` at this input, if any."""
    slope, tol = float(fn.d1(x)), allowed_error(fn, x, dx)
    unbracketed = float(fn.f(x + dx)) - float(fn.f(x)) / dx
    if abs(got - unbracketed) <= 1e-6 * (1 + abs(unbracketed)):
        return (
            "brackets: f(x + dx) - f(x) / dx divides only f(x) by dx, because / goes before "
            "−. Divide the whole change: (f(x + dx) - f(x)) / dx."
        )
    if abs(got - float(fn.f(x))) <= 1e-9 * (1 + abs(got)):
        return "this is f(x) itself, not its rate of change: (f(x + dx) − f(x)) / dx."
    if abs(got * dx - slope) <= tol:
        return (
            f"it looks like you divided by dx twice: the result is about 1/dx = {1 / dx:.0f} "
            "times too large. Divide the change f(x + dx) − f(x) by dx once."
        )
    if abs(got / dx - slope) <= tol:
        return (
            "it looks like the change f(x + dx) − f(x) was not divided by dx: that is how "
            "much f rises over the step, not how fast. Divide it by dx."
        )
    if abs(-got - slope) <= tol:
        return (
            "sign slip: (f(x) − f(x + dx))/dx is −f′(x). Subtract f(x) from f(x + dx), "
            "not the other way round."
        )
    if abs(got / 2 - slope) <= tol:
        return (
            "your result is twice the slope: (f(x + dx) − f(x − dx)) spans two steps, so "
            "divide it by 2·dx (or use f(x + dx/2) − f(x − dx/2) over dx)."
        )
    if min(abs(got - 2 * x), abs(got - 2 * x - dx)) <= 1e-6 * (1 + abs(x)):
        return f"this is 2x, the derivative of the demo's x², whatever f is: {USE_F}"
    if abs(got - float(exercise.d1(x))) <= allowed_error(exercise, x, dx):
        return f"this is the rate of change of {exercise.f.label} whatever f is: {USE_F}"
    return None


def never_negative(got: list[float], cases: list[Case]) -> str | None:
    """Feedback when every result is the size of f′ and none is negative: abs() was taken."""
    slopes = [float(fn.d1(x)) for fn, x, _ in cases]
    sizes_right = all(
        abs(abs(value) - abs(slope)) <= allowed_error(fn, x, dx)
        for value, slope, (fn, x, dx) in zip(got, slopes, cases)
    )
    if sizes_right and min(got) >= 0 and min(slopes) < 0 < max(slopes):
        return (
            "your rate of change is never negative, but where f falls it must be: it looks "
            "like abs() around the difference. Keep its sign: (f(x + dx) - f(x)) / dx."
        )
    return None


def same_for_every_f(got: list[float], cases: list[Case]) -> str | None:
    """Feedback when two different functions at the same x and dx gave the same result."""
    for i, (fn_i, x_i, dx_i) in enumerate(cases):
        for j in range(i + 1, len(cases)):
            fn_j, x_j, dx_j = cases[j]
            same = abs(got[i] - got[j]) <= 1e-9 * (1 + abs(got[i]))
            if (x_i, dx_i) == (x_j, dx_j) and fn_i != fn_j and same:
                return (
                    f"you gave the same result for f(x) = {fn_i.f} and f(x) = {fn_j.f} at the "
                    "same x and dx: rate_of_change must use the function f it is given each "
                    "time (a result kept from an earlier call, such as a cache whose key "
                    "leaves out f, does this)."
                )
    return None


def rate_judge(cases: list[Case], what: str, exercise: Smooth = EXERCISE):
    """A judge comparing rate_of_change(f, x, dx) with f′(x) within the allowed error."""

    def judge(values: list) -> str:
        got = [
            as_number(value, f"rate_of_change({fn.f}, {fmt(x)}, {fmt(dx)})")
            for value, (fn, x, dx) in zip(values, cases)
        ]
        for value, (fn, x, dx) in zip(got, cases):
            slope, tol = float(fn.d1(x)), allowed_error(fn, x, dx)
            if abs(value - slope) > tol:
                message = (
                    f"rate_of_change(f, x, dx) with f(x) = {fn.f}, x = {fmt(x)}, dx = {dx:.1e}: "
                    f"expected about {fmt(slope, tol)} (f′(x), give or take "
                    f"{tol:.1e}), got {fmt(value, tol)}"
                )
                feedback = (
                    never_negative(got, cases)
                    or rate_feedback(fn, x, dx, value, exercise)
                    or same_for_every_f(got, cases)
                )
                raise WrongAnswer(message, feedback)
        return f"within the error of a difference quotient {what} ({len(cases)} inputs)"

    return judge


def steep_point(
    rng: np.random.Generator,
    fns: tuple[Smooth, ...],
    dx: float,
    falling: bool | None = None,
) -> float:
    """A point where every f′ is large against its allowed error, and the f′ differ clearly;
    with ``falling``, one where some f falls (True) or every f rises (False)."""
    low, high = max(fn.low for fn in fns), min(fn.high for fn in fns)
    for _ in range(2000):
        x = round(float(rng.uniform(low, high)), 4)
        slopes = [float(fn.d1(x)) for fn in fns]
        tols = [allowed_error(fn, x, dx) for fn in fns]
        if any(
            abs(s) < 0.5 or tol > 0.1 * abs(s)
            for s, tol in zip(slopes, tols)
        ):
            continue
        if falling is not None and (min(slopes) < 0) != falling:
            continue
        pairs = [
            (i, j) for i in range(len(fns)) for j in range(i + 1, len(fns))
        ]
        if all(
            abs(slopes[i] - slopes[j]) > 10 * (tols[i] + tols[j])
            for i, j in pairs
        ):
            return x
    raise RuntimeError(
        f"no test point found for {', '.join(str(fn.f) for fn in fns)}"
    )


def can_fall(fns: tuple[Smooth, ...]) -> bool:
    """Whether, on a good share of their common range, some f falls while every f is steep
    and the slopes differ (so steep_point finds a falling point quickly)."""
    low, high = max(fn.low for fn in fns), min(fn.high for fn in fns)
    grid = np.linspace(low, high, 501)
    slopes = np.array([fn.d1(grid) for fn in fns])
    spread = np.ptp(slopes, axis=0) if len(fns) > 1 else np.ones_like(grid)
    good = (
        (slopes.min(axis=0) < -0.6)
        & (np.abs(slopes).min(axis=0) > 0.6)
        & (spread > 0.3)
    )
    return bool(good.mean() > 0.02)


def rate_plot(cases: list[Case]):
    """Plot rate_of_change of the exercise's f against f′."""

    def plot(values: list, axes) -> None:
        note_not_numbers(axes, values)
        fn, _, dx = cases[0]
        grid = np.linspace(fn.low, fn.high, 300)
        axes.plot(
            grid,
            fn.d1(grid),
            color="tab:blue",
            label=f"f′(x) of f(x) = {fn.f}",
        )
        axes.scatter(
            [x for _, x, _ in cases],
            numbers(values),
            color="tab:orange",
            zorder=3,
            s=18,
            label=f"your rate_of_change, dx = {dx:g}",
        )
        axes.set_title("rate_of_change on the exercise's f")
        axes.set_xlabel("x")
        axes.set_ylabel("f′(x)")
        axes.legend()

    return plot


def hidden_plot(cases: list[Case]):
    """Plot each hidden case's error against the allowed error, by dx."""

    def plot(values: list, axes) -> None:
        note_not_numbers(axes, values)
        dxs = np.array([dx for _, _, dx in cases])
        errors = np.abs(
            numbers(values)
            - np.array([float(fn.d1(x)) for fn, x, _ in cases])
        )
        allowed = np.array(
            [allowed_error(fn, x, dx) for fn, x, dx in cases]
        )
        axes.loglog(
            dxs, allowed, "v", color="tab:blue", label="allowed error"
        )
        axes.loglog(
            dxs,
            np.maximum(errors, 1e-16),
            "o",
            color="tab:orange",
            label="your error |rate − f′(x)|",
        )
        axes.set_title("rate_of_change on hidden functions")
        axes.set_xlabel("dx")
        axes.set_ylabel("error")
        axes.legend()

    return plot


def explain_derivative(
    xs: list[float], p: dict = COURSE, other: bool = False
):
    """Feedback for a difference quotient (or a constant offset) given instead of f′; with
    ``other``, also for the derivative of another cubic (another learner's variant)."""
    x = np.array(xs)
    a, b, c = p["a"], p["b"], p["c"]

    def explain(got: np.ndarray) -> str | None:
        off = got - (3 * a * x**2 + 2 * b * x + c)
        if not np.all(np.isfinite(off)):
            return None  # inf or nan: no slip of the rules gives that, and the message says so
        if other:
            found = another_cubic(x, got, p)
            if found is not None:
                return found
        second = 6 * a * x + 2 * b
        curved = np.abs(second) > 1
        if np.count_nonzero(curved) >= 2:
            # A forward difference is off by about δx/2·f″(x).
            steps = 2 * off[curved] / second[curved]
            step = float(np.median(steps))
            if 0 < abs(step) < 0.1 and np.allclose(steps, step, rtol=0.1):
                return (
                    f"this looks like a rate of change with δx ≈ {abs(step):.0e}, not the rule: "
                    "close, but the exercise asks for f′(x) by the rules, which is exact."
                )
        if np.allclose(off, off[0], rtol=1e-6, atol=1e-9):
            return (
                f"your values are all {fmt(float(off[0]))} away from the right ones: check the "
                "constant terms (a constant's derivative is 0)."
            )
        return None

    return explain


def another_cubic(x: np.ndarray, got: np.ndarray, p: dict) -> str | None:
    """Feedback when ``got`` is exactly f′ of another cubic with whole coefficients (an
    answer written for another learner's variant)."""
    if len(set(x.tolist())) < 4:
        return None
    fitted = np.polyfit(x, got, 2)
    if not np.allclose(np.polyval(fitted, x), got, rtol=1e-9, atol=1e-9):
        return None
    a, b, c = fitted[0] / 3, fitted[1] / 2, fitted[2]
    whole = [round(float(v)) for v in (a, b, c)]
    if a == 0 or not np.allclose([a, b, c], whole, atol=1e-6):
        return None
    if whole == [p["a"], p["b"], p["c"]]:
        return None
    yours = polynomial([p["a"], p["b"], p["c"], p["d"]])
    theirs = polynomial([*whole, 0])
    slip = one_term_slip(
        [p[k] for k in "abc"],
        whole,
        ("x³", "x²", "x"),
        f"f′ of {theirs} (+ any constant)",
        f"f(x) = {yours}",
    )
    if slip is not None:
        return slip
    return Feedback(
        f"this is f′ of {theirs} (+ any constant), a different function: yours is "
        f"f(x) = {yours}. Differentiate your own f (your exercise: `calccourse exercise 1` "
        "with your learner id).",
        "another variant's f′",
    )


def mistakes_of(p: dict) -> list[KnownMistake]:
    """The known mistakes of f(x) = a·x³ + b·x² + c·x + d (for the course's own: x³ − 2x² + 1)."""
    a, b, c, d = p["a"], p["b"], p["c"], p["d"]
    fprime = polynomial([3 * a, 2 * b, c])
    cubic, square = term(a, "x³"), term(b, "x²")
    return [
        KnownMistake(
            "this is f(x) itself, not its derivative: apply d/dx xⁿ = n·xⁿ⁻¹ to each term.",
            lambda x: a * x**3 + b * x**2 + c * x + d,
            name="f itself",
        ),
        KnownMistake(
            f"the derivative of the constant {signed(d)} is 0: drop the "
            f"{'+' if d > 0 else '−'} {abs(d)} ({fprime}).",
            lambda x: 3 * a * x**2 + 2 * b * x + c + d,
            name="constant kept",
        ),
        KnownMistake(
            "the powers went down but nothing was multiplied: multiply by the old "
            f"exponent, {cubic} → {rule(a, 3)}, {square} → {rule(b, 2)}.",
            lambda x: a * x**2 + b * x + c,
            name="exponent not multiplied",
        ),
        KnownMistake(
            f"{term(3 * a, 'x²')} is right, but the 2 of {square} comes down too: "
            f"{square} → {rule(b, 2)}.",
            lambda x: 3 * a * x**2 + b * x + c,
            name="2x² not doubled",
        ),
        KnownMistake(
            f"{term(a, 'x²')} is missing its factor: {cubic} → {rule(a, 3)} (multiply by the "
            "old exponent).",
            lambda x: a * x**2 + 2 * b * x + c,
            name="x³ not tripled",
        ),
        KnownMistake(
            f"sign slip: {signed(b, 'x²')} gives {signed(2 * b, 'x')}, so f′(x) = {fprime}.",
            lambda x: 3 * a * x**2 - 2 * b * x + c,
            name="sign slip (−4x)",
        ),
        KnownMistake(
            f"sign slip: everything has the wrong sign; f′(x) = {fprime}.",
            lambda x: -(3 * a * x**2 + 2 * b * x + c),
            name="all signs wrong",
        ),
        KnownMistake(
            f"this is the second derivative, {polynomial([6 * a, 2 * b])}: differentiate only once.",
            lambda x: 6 * a * x + 2 * b,
            name="second derivative",
        ),
    ]


MISTAKES = mistakes_of(COURSE)


def course_own(p: dict) -> KnownMistake:
    """The course's own exercise's f′ given for another variant: the shipped solution."""
    return KnownMistake(
        f"this is f′ of {polynomial([COURSE[k] for k in 'abcd'])}, the course's own exercise; "
        f"yours is f(x) = {polynomial([p[k] for k in 'abcd'])}. Differentiate your own f "
        "(`calccourse exercise 1` with your learner id shows it).",
        lambda x: (
            3 * COURSE["a"] * x**2 + 2 * COURSE["b"] * x + COURSE["c"]
        ),
        name="the course's own f′",
    )


def tests(rng: np.random.Generator, variant=None) -> list[Test]:
    """The tests of the learner's variant (``variant.parameters``; the course's own exercise
    without one). A learner with an id gets test names that every variant shares."""
    p = COURSE if variant is None else variant.parameters
    learner = variant is not None and variant.learner is not None
    exercise = exercise_of(p)
    a, b, c = p["a"], p["b"], p["c"]
    mistakes = mistakes_of(p)
    if learner and p != COURSE:
        mistakes = [course_own(p), *mistakes]
    label = "the exercise's f" if learner else exercise.f.label
    xs = [round(float(x), 3) for x in rng.uniform(-2, 3, 8)]
    derivative = function_test(
        f"derivative(x) is f′(x) of {label}",
        "derivative",
        [(x,) for x in xs],
        lambda x: 3 * a * x**2 + 2 * b * x + c,
        rtol=1e-6,
        atol=1e-6,
        mistakes=mistakes,
        what="f′(x)",
        explain=explain_derivative(xs, p, other=learner),
    )

    # Two points where f falls and two where it rises, whatever the seed: abs() shows.
    signs = [True, True, False, False, None, None]
    points = sorted(
        steep_point(rng, (exercise,), 1e-4, sign) for sign in signs
    )
    exercise_cases = [(exercise, x, 1e-4) for x in points]

    # dx from 1e-2 to 1e-5, each with two hidden functions at the same x.
    dxs = [
        1e-2,
        float(10 ** rng.uniform(-3.5, -2.5)),
        float(10 ** rng.uniform(-4.5, -3.5)),
        1e-5,
    ]
    order = rng.permutation(len(HIDDEN))
    pairs = [
        (HIDDEN[order[2 * k]], HIDDEN[order[2 * k + 1]])
        for k in range(len(dxs))
    ]
    # Some hidden f falls at its point, whatever the seed: abs() shows here too.
    falls = next(
        (k for k, pair in enumerate(pairs) if can_fall(pair)), None
    )
    hidden_cases = []
    for k, (pair, dx) in enumerate(zip(pairs, dxs)):
        x = steep_point(rng, pair, dx, True if k == falls else None)
        hidden_cases += [(fn, x, dx) for fn in pair]

    def calls(cases: list[Case]) -> list:
        return [call("rate_of_change", fn.f, x, dx) for fn, x, dx in cases]

    return [
        derivative,
        Test(
            f"rate_of_change(f, x, dx) on {label}, dx = 0.0001",
            calls(exercise_cases),
            rate_judge(exercise_cases, "on the exercise's f", exercise),
            plot=rate_plot(exercise_cases),
        ),
        Test(
            "rate_of_change(f, x, dx) on hidden functions, dx from 1e-2 to 1e-5",
            calls(hidden_cases),
            rate_judge(hidden_cases, "on hidden functions", exercise),
            plot=hidden_plot(hidden_cases),
        ),
    ]
