"""Lesson 2 checker: antiderivative(x) up to a constant, area(f, a, b, dx) two ways.

area is judged exactly (1e-9 relative) for a constant f, where every accepted sum
(left, right, midpoint, trapezoid, or better) gives c·(b − a) and a sum with a step too
many or too few does not; and, for smooth f, within (b − a)·dx·max|f′| of the integral:
any sum that takes one value of f from each strip (or averages them) is that close.

The constant-f inputs include, on purpose, grids of ordinary decimals on which the
common ways of counting steps in floating point go wrong by one: (b − a)/dx comes out
as 11.999999999999998, so int() gives 11; np.arange(a, b, dx) includes a point at b by
rounding; a loop adding dx drifts past (or short of) b. round((b − a)/dx) is right on
all of them. Such an answer fails with feedback naming the way it counted. The step
counts include the contract's ends, 10 and 1000. Every grid is asked twice, with two
different functions, so that an answer keeping an earlier call's result (a cache whose
key leaves out f) fails, and is told so. Mistakes
are named by simulating the sums an answer is likely to compute, exactly, so the loose
pass/fail tolerance never decides the feedback.

With a learner id (variants.py), the exercise's f is the learner's quadratic: the
antiderivative and the area from −2 follow it, and an antiderivative of the course's own
3x² − 4x, or of another quadratic (another learner's), is named as such.
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
)

from .variants import COURSE, antiderivative, slips


@dataclass(frozen=True)
class Smooth:
    """A function given to the answer, with an antiderivative and a derivative for the judge."""

    f: Fn
    integral: Fn
    slope: Fn
    low: float = -3.0
    high: float = 3.0

    def exact(self, a: float, b: float) -> float:
        return float(self.integral(b) - self.integral(a))

    def allowed_error(self, a: float, b: float, dx: float) -> float:
        """(b − a)·dx·max|f′| on [a, b], plus room for rounding."""
        grid = np.linspace(a, b, 2001)
        steepest = float(np.max(np.abs(self.slope(grid))))
        biggest = float(np.max(np.abs(self.f(grid))))
        return (
            (b - a) * dx * steepest * 1.001
            + 1e-9 * (b - a) * biggest
            + 1e-12
        )


Case = tuple[Smooth, float, float, float]  # (function, a, b, dx)


def smooth(
    expr: str,
    label: str,
    integral: str,
    slope: str,
    low: float = -3.0,
    high: float = 3.0,
) -> Smooth:
    return Smooth(
        Fn(expr, ("x",), label), Fn(integral), Fn(slope), low, high
    )


EXERCISE = smooth(
    "3*x**2 - 4*x", "3x² − 4x", "x**3 - 2*x**2", "6*x - 4", -2.0, 3.0
)
# The course's own f when a learner's exercise is another: how the area feedback names it.
OWN = smooth(
    "3*x**2 - 4*x",
    "3x² − 4x (the course's own exercise's f)",
    "x**3 - 2*x**2",
    "6*x - 4",
    -2.0,
    3.0,
)


def f_of(p: dict) -> str:
    """f(x) = a·x² + b·x + c as it reads: "3x² − 4x"."""
    return polynomial([p["a"], p["b"], p["c"]])


def antiderivative_of(p: dict) -> str:
    """F(x) without its constant, as it reads: "x³ − 2x²"."""
    return polynomial([*(round(k) for k in antiderivative(p)), 0])


def exercise_of(p: dict) -> Smooth:
    """f(x) = a·x² + b·x + c on [−2, 3], the exercise of parameters ``p``."""
    if p == COURSE:
        return EXERCISE
    a, b, c = p["a"], p["b"], p["c"]
    return smooth(
        polynomial([a, b, c], code=True),
        f_of(p),
        polynomial([*(round(k) for k in antiderivative(p)), 0], code=True),
        f"{2 * a}*x + {b}",
        -2.0,
        3.0,
    )


# Smooth on [low, high]; antiderivatives checked in tests/test_lesson_derivatives_integrals.py.
HIDDEN = [
    smooth(
        "np.exp(0.5*x)", "exp(x/2)", "2*np.exp(0.5*x)", "0.5*np.exp(0.5*x)"
    ),
    smooth("np.sin(x) + 2", "sin(x) + 2", "2*x - np.cos(x)", "np.cos(x)"),
    smooth("x**2 + 1", "x² + 1", "x**3/3 + x", "2*x"),
    smooth(
        "1/(1 + x**2)", "1/(1 + x²)", "np.arctan(x)", "-2*x/(1 + x**2)**2"
    ),
    smooth(
        "np.cos(2*x) + 0.5*x + 2",
        "cos(2x) + x/2 + 2",
        "np.sin(2*x)/2 + x**2/4 + 2*x",
        "0.5 - 2*np.sin(2*x)",
    ),
    smooth(
        "np.sqrt(1 + x**2)",
        "√(1 + x²)",
        "(x*np.sqrt(1 + x**2) + np.arcsinh(x))/2",
        "x/np.sqrt(1 + x**2)",
    ),
    smooth(
        "3/(1 + np.exp(-x))",
        "3/(1 + e^(−x))",
        "3*np.logaddexp(0, x)",
        "3*np.exp(-x)/(1 + np.exp(-x))**2",
    ),
    smooth(
        "np.log(2 + x)",
        "log(2 + x)",
        "(2 + x)*np.log(2 + x) - x",
        "1/(2 + x)",
        -1.0,
        3.0,
    ),
    smooth(
        "x**3 - x + 2",
        "x³ − x + 2",
        "x**4/4 - x**2/2 + 2*x",
        "3*x**2 - 1",
        -1.5,
        2.0,
    ),
    smooth(
        "x*np.exp(-x/2) + 1",
        "x·e^(−x/2) + 1",
        "x - 2*(x + 2)*np.exp(-x/2)",
        "(1 - x/2)*np.exp(-x/2)",
        -1.0,
        3.0,
    ),
]

STEPS = (
    0.5,
    0.25,
    0.2,
    0.1,
    0.05,
    0.04,
    0.025,
    0.02,
    0.01,
    0.005,
    0.004,
    0.002,
    0.001,
)
SIZES = ((10, 40), (41, 300), (301, 1000))  # few, some and many steps


def use_f(fn: Smooth) -> str:
    """Feedback for an area that adds up ``fn`` (the exercise's f) whatever f it is given."""
    return f"this is the area under {fn.f} whatever f is: add up the f your area function is given, f(x)·dx."


USE_F = use_f(EXERCISE)
NO_DX = "multiply each f(x) by dx: the strips are f(x)·dx, not f(x). Yours is 1/dx times too large."
DX_TWICE = "the sum was multiplied by dx twice: each strip is f(x)·dx, once. Yours is dx times too small."
WRONG_SIGN = "the area came out with the wrong sign: add f(x)·dx for x from a up to b."


def same_as_twin(
    got: list[float],
    grids: list[tuple[float, float, float]],
    i: int,
    suspects: tuple[Smooth, ...] = (EXERCISE,),
) -> str | None:
    """Feedback when answer ``i`` equals the answer for another f on the same grid (a, b, dx):
    a result kept from an earlier call, such as a cache keyed without f. (The area under
    the exercise's f whatever f is has its own, more precise, feedback.)"""
    a, b, dx = grids[i]
    if under_exercise_f(got[i], a, b, dx, suspects):
        return None
    for j, grid in enumerate(grids):
        if j != i and grid == grids[i] and got[j] == got[i]:
            return (
                "you gave exactly the same area for two different functions f on the same a, b "
                "and dx: area must add up the f it is given each time (a result kept from an "
                "earlier call, such as a cache whose key leaves out f, does this)."
            )
    return None


def naive_counts(a: float, b: float, dx: float) -> dict[str, int]:
    """How many steps the common ways of counting from a to b by dx find."""
    x, loop = a, 0
    while x < b:
        x += dx
        loop += 1
    return {
        "int": int((b - a) / dx),
        "arange": len(np.arange(a, b, dx)),
        "loop": loop,
    }


def counts_agree(a: float, b: float, dx: float, n: int) -> bool:
    """True when the usual ways of counting steps from a to b in floating point all give n."""
    if (
        round((b - a) / dx) != n
        or len(np.arange(a + dx, b + dx / 2, dx)) != n
    ):
        return False
    return all(count == n for count in naive_counts(a, b, dx).values())


def trips(way: str):
    """A grid condition: the way of counting ``way`` is off by one there."""

    def off(a: float, b: float, dx: float, n: int) -> bool:
        return round((b - a) / dx) == n and naive_counts(a, b, dx)[way] != n

    return off


def choose_grid(
    rng: np.random.Generator,
    low: float,
    high: float,
    sizes: tuple[int, int],
    fits=counts_agree,
) -> tuple[float, float, float, int]:
    """(a, b, dx, n): low ≤ a < b ≤ high, b − a = n·dx, n within ``sizes``, where
    ``fits(a, b, dx, n)`` (by default: every way of counting steps agrees)."""
    for _ in range(10_000):
        n = int(rng.integers(sizes[0], sizes[1] + 1))
        steps = [dx for dx in STEPS if n * dx <= high - low]
        if not steps:
            continue
        dx = float(rng.choice(steps))
        a = round(float(rng.uniform(low, high - n * dx)), 1)
        b = round(a + n * dx, 6)
        if low <= a and b <= high and fits(a, b, dx, n):
            return a, b, dx, n
    raise RuntimeError(
        f"no grid found on [{low}, {high}] with {sizes} steps"
    )


def constant(c: float) -> Fn:
    return Fn(f"0*x + {c!r}", ("x",), f"{fmt(c)} (a constant)")


def where(fn: Fn, a: float, b: float, dx: float) -> str:
    return f"area(f, a, b, dx) with f(x) = {fn}, a = {fmt(a)}, b = {fmt(b)}, dx = {fmt(dx)}"


def strip_sums(f: Fn, a: float, dx: float, steps: int) -> list[float]:
    """Left, right, midpoint and trapezoid sums of ``steps`` strips from a."""
    x = a + dx * np.arange(steps + 1)
    y = np.asarray(f(x), float)
    return [
        float(np.sum(y[:-1]) * dx),
        float(np.sum(y[1:]) * dx),
        float(np.sum(f(x[:-1] + dx / 2)) * dx),
        float(np.sum(y[:-1] + y[1:]) * dx / 2),
    ]


def matches(got: float, candidates: list[float]) -> bool:
    return any(
        abs(got - value) <= 1e-6 * abs(value) + 1e-9 for value in candidates
    )


def under_exercise_f(
    got: float,
    a: float,
    b: float,
    dx: float,
    suspects: tuple[Smooth, ...] = (EXERCISE,),
) -> Smooth | None:
    """The suspect (3x² − 4x, or the learner's f) whose area ``got`` is (by a sum or
    exactly), not the area under f; None if none."""
    for fn in suspects:
        if matches(
            got,
            [*strip_sums(fn.f, a, dx, round((b - a) / dx)), fn.exact(a, b)],
        ):
            return fn
    return None


COUNTING = {
    "int": "int((b − a)/dx) rounds down (in floating point (b − a)/dx is {ratio!r} here)",
    "arange": "np.arange(a, b, dx) puts a point at b by rounding",
    "loop": "adding dx in a loop drifts by rounding",
}


def counting_feedback(
    strips: int, a: float, b: float, dx: float, n: int
) -> str | None:
    """Name the floating-point ways of counting steps that give ``strips`` here."""
    causes = [
        COUNTING[way].format(ratio=(b - a) / dx)
        for way, count in naive_counts(a, b, dx).items()
        if count == strips != n
    ]
    if not causes:
        return None
    return (
        f"your sum has {strips} strips, not n = {n}: {', or '.join(causes)}. Count the steps "
        "with n = round((b − a)/dx) and take x = a + dx * np.arange(n)."
    )


def running_sum_feedback(value: object, expected: float) -> str | None:
    """A list whose last entry is the area: the running sum returned instead of its total."""
    if (
        isinstance(value, list)
        and len(value) > 1
        and isinstance(value[-1], (int, float))
    ):
        if (
            abs(value[-1] - expected) <= 1e-6 * (1 + abs(expected))
            or len(value) >= 10
        ):
            return (
                "This looks like the running sum, one value per strip: return its total "
                "(the last value, or np.sum of the strips), a single number."
            )
    return None


def area_number(value: object, where: str, expected: float) -> float:
    """The answer's area as a number; a running-sum array is named as such."""
    try:
        return as_number(value, where)
    except WrongAnswer as wrong:
        raise WrongAnswer(
            wrong.message,
            running_sum_feedback(value, expected) or wrong.feedback,
        ) from None


def constant_feedback(
    got: float,
    c: float,
    a: float,
    b: float,
    dx: float,
    n: int,
    suspects: tuple[Smooth, ...] = (EXERCISE,),
) -> str | None:
    """Name the mistake that explains ``got`` for f(x) = c, if any."""
    exact = c * (b - a)
    if matches(got, [exact / dx]):
        return NO_DX
    if matches(got, [exact * dx]):
        return DX_TWICE
    for count in (n + 1, n - 1):
        if matches(got, [c * count * dx]) and (
            why := counting_feedback(count, a, b, dx, n)
        ):
            return why
    if matches(got, [c * (n + 1) * dx]):
        return (
            f"one step too many: from a to b there are n = (b − a)/dx = {n} strips but "
            f"{n + 1} grid points. Take f at a, a + dx, ..., b − dx (left), or a + dx, ..., b "
            "(right), not both ends. np.arange(a, b, dx) can also add a point at b by "
            "rounding: count the steps with round((b − a)/dx)."
        )
    if matches(got, [c * (n - 1) * dx]):
        return (
            f"one step too few: from a to b there are n = (b − a)/dx = {n} strips; your sum "
            f"has {n - 1}. A trapezoid sum over np.arange(a, b, dx) misses the last strip: "
            "include b."
        )
    if matches(got, [-exact]):
        return WRONG_SIGN
    if matches(got, [b - a]):
        return "this is b − a, the width of the interval: the area adds up f(x)·dx over its strips."
    if suspect := under_exercise_f(got, a, b, dx, suspects):
        return use_f(suspect)
    strips = got / (c * dx)
    if abs(strips - round(strips)) < 1e-6:
        return (
            f"for f(x) = {fmt(c)} every accepted sum is exactly {fmt(c)}·(b − a) = "
            f"{fmt(exact)}: {n} strips of width dx. Yours adds up {round(strips)} strips."
        )
    return None


def constant_judge(
    cases: list[tuple[float, float, float, float, int]],
    suspects: tuple[Smooth, ...] = (EXERCISE,),
):
    """A judge: for f(x) = c the area must be c·(b − a) to 1e-9, relative."""

    def judge(values: list) -> str:
        got = [
            area_number(value, where(constant(c), a, b, dx), c * (b - a))
            for value, (c, a, b, dx, _) in zip(values, cases)
        ]
        grids = [(a, b, dx) for _, a, b, dx, _ in cases]
        for i, (c, a, b, dx, n) in enumerate(cases):
            exact = c * (b - a)
            if abs(got[i] - exact) > 1e-9 * abs(exact):
                raise WrongAnswer(
                    f"{where(constant(c), a, b, dx)} ({n} steps): expected "
                    f"{fmt(exact, 1e-9 * abs(exact))} exactly, got {fmt(got[i], 1e-9 * abs(exact))}",
                    same_as_twin(got, grids, i, suspects)
                    or constant_feedback(got[i], c, a, b, dx, n, suspects),
                )
        return f"exact for constant functions ({len(cases)} inputs)"

    return judge


def constant_plot(cases: list[tuple[float, float, float, float, int]]):
    """For each constant f, how many strips the answer's area holds (area ÷ (c·dx)) against
    the n = (b − a)/dx it must: an off-by-one count shows as a point one step off."""

    def plot(values: list, axes) -> None:
        note_not_numbers(axes, values)
        got = numbers(values)
        strips = np.array(
            [g / (c * dx) - n for g, (c, _, _, dx, n) in zip(got, cases)]
        )
        labels = [
            f"c={fmt(c)}, n={n}, dx={fmt(dx)}" for c, _, _, dx, n in cases
        ]
        axes.axhline(
            0,
            color="tab:blue",
            label="every accepted sum: exactly n strips",
        )
        axes.scatter(
            range(len(cases)),
            strips,
            color=[
                "tab:red" if abs(v) > 1e-6 * n else "tab:green"
                for v, (*_, n) in zip(strips, cases)
            ],
            zorder=3,
            label="yours: area ÷ (c·dx) − n",
        )
        axes.set_xticks(
            range(len(cases)), labels, fontsize=6, rotation=40, ha="right"
        )
        axes.set_ylabel("strips too many (+) or too few (−)")
        axes.set_title("area(f, a, b, dx) for a constant f(x) = c")
        axes.legend(fontsize=8)

    return plot


def smooth_feedback(
    got: float, fn: Smooth, a: float, b: float, dx: float
) -> str | None:
    """Name the mistake that explains ``got`` exactly (sums are simulated, not guessed)."""
    n = round((b - a) / dx)
    right = [*strip_sums(fn.f, a, dx, n), fn.exact(a, b)]
    if matches(got, [value / dx for value in right]):
        return NO_DX
    if matches(got, [value * dx for value in right]):
        return DX_TWICE
    if matches(got, [-value for value in right]):
        return WRONG_SIGN
    for strips, name in (
        (n + 1, "one step too many"),
        (n - 1, "one step too few"),
    ):
        if matches(got, strip_sums(fn.f, a, dx, strips)):
            return (
                f"{name}: from a to b there are n = (b − a)/dx = {n} strips; your sum has "
                f"{strips}. Count the steps with round((b − a)/dx)."
            )
    return None


def smooth_judge(
    cases: list[Case], what: str, suspects: tuple[Smooth, ...] = (EXERCISE,)
):
    """A judge: the area must be within (b − a)·dx·max|f′| of the integral."""

    def judge(values: list) -> str:
        got = [
            area_number(
                value,
                f"area({fn.f}, {fmt(a)}, {fmt(b)}, {fmt(dx)})",
                fn.exact(a, b),
            )
            for value, (fn, a, b, dx) in zip(values, cases)
        ]
        grids = [(a, b, dx) for _, a, b, dx in cases]
        for i, (value, (fn, a, b, dx)) in enumerate(zip(got, cases)):
            exact, tol = fn.exact(a, b), fn.allowed_error(a, b, dx)
            if abs(value - exact) > tol:
                feedback = same_as_twin(
                    got, grids, i, suspects
                ) or smooth_feedback(value, fn, a, b, dx)
                for suspect in suspects:
                    everywhere = all(
                        under_exercise_f(v, a_, b_, dx_, (suspect,))
                        for v, (_, a_, b_, dx_) in zip(got, cases)
                    )
                    if (
                        feedback is None
                        and fn is not suspect
                        and everywhere
                    ):
                        feedback = use_f(suspect)
                raise WrongAnswer(
                    f"{where(fn.f, a, b, dx)}: expected about {fmt(exact, tol)} (the "
                    f"integral, give or take {tol:.2g}, the error a sum of strips may "
                    f"have), got {fmt(value, tol)}",
                    feedback,
                )
        return f"within the error of a sum of strips {what} ({len(cases)} inputs)"

    return judge


def running_plot(cases: list[Case], integral: str = "x³ − 2x²"):
    """The answer's area from a to b against the exact area, as b moves."""

    def plot(values: list, axes) -> None:
        note_not_numbers(axes, values)
        fn, a, _, dx = cases[0]
        grid = np.linspace(a, fn.high, 300)
        axes.plot(
            grid,
            fn.integral(grid) - fn.integral(a),
            color="tab:blue",
            label=f"exact area: F(b) − F({fmt(a)}), F(x) = {integral}",
        )
        axes.scatter(
            [b for _, _, b, _ in cases],
            numbers(values),
            color="tab:orange",
            zorder=3,
            s=18,
            label=f"your area(f, {fmt(a)}, b, {fmt(dx)})",
        )
        axes.set_title(f"Area under {fn.f} from {fmt(a)} to b")
        axes.set_xlabel("b")
        axes.set_ylabel("area")
        axes.legend()

    return plot


def hidden_plot(cases: list[Case]):
    """Each hidden case's error as a fraction of the allowed error."""

    def plot(values: list, axes) -> None:
        note_not_numbers(axes, values)
        exact = np.array([fn.exact(a, b) for fn, a, b, _ in cases])
        allowed = np.array(
            [fn.allowed_error(a, b, dx) for fn, a, b, dx in cases]
        )
        ratios = np.abs(numbers(values) - exact) / allowed
        labels = [
            f"{fn.f}\n[{fmt(a)}, {fmt(b)}], dx={fmt(dx)}"
            for fn, a, b, dx in cases
        ]
        axes.scatter(
            range(len(cases)),
            np.maximum(ratios, 1e-12),
            color="tab:orange",
            zorder=3,
            label="your error ÷ allowed error",
        )
        axes.axhline(
            1,
            color="tab:red",
            linestyle="--",
            label="allowed (above: fail)",
        )
        axes.set_yscale("log")
        axes.set_xticks(
            range(len(cases)), labels, fontsize=7, rotation=30, ha="right"
        )
        axes.set_title("area on hidden functions")
        axes.legend()

    return plot


def explain_antiderivative(
    xs: list[float], p: dict = COURSE, other: bool = False
):
    """Feedback for an antiderivative that is close but not exact (a running sum); with
    ``other``, also for an antiderivative of another quadratic (another learner's
    variant)."""
    x = np.array(xs)
    cubic = antiderivative(p)
    want = np.array(
        [cubic[0] * v**3 + cubic[1] * v**2 + cubic[2] * v for v in xs]
    )

    def explain(got: np.ndarray) -> str | None:
        if other and np.all(np.isfinite(got)):
            found = another_quadratic(x, got, p)
            if found is not None:
                return found
        off = (got - got[0]) - (want - want[0])
        if np.max(np.abs(off)) <= 0.2 * np.ptp(want):
            return (
                "close, but not exact: a running sum of strips only approximates the "
                "antiderivative. Find F by the rules (raise each power by one, divide by the new "
                "power); it is exact."
            )
        return None

    return explain


def another_quadratic(
    x: np.ndarray, got: np.ndarray, p: dict
) -> str | None:
    """Feedback when ``got`` is exactly an antiderivative of another quadratic with whole
    coefficients (an answer written for another learner's variant)."""
    if len(set(x.tolist())) < 5:
        return None
    fitted = np.polyfit(x, got, 3)
    if not np.allclose(np.polyval(fitted, x), got, rtol=1e-9, atol=1e-9):
        return None
    a, b, c = 3 * fitted[0], 2 * fitted[1], fitted[2]
    whole = [round(float(v)) for v in (a, b, c)]
    if whole[0] == 0 or not np.allclose([a, b, c], whole, atol=1e-6):
        return None
    if whole == [p["a"], p["b"], p["c"]]:
        return None
    slip = one_term_slip(
        [p[k] for k in "abc"],
        whole,
        ("x²", "x", ""),
        f"an antiderivative of {polynomial(whole)}",
        f"f(x) = {f_of(p)}",
    )
    if slip is not None:
        return slip
    return Feedback(
        f"this is an antiderivative of {polynomial(whole)}, a different function: yours is "
        f"f(x) = {f_of(p)}. Integrate your own f (your exercise: `calccourse exercise 2` "
        "with your learner id).",
        "another variant's F",
    )


def cubic_value(k: tuple[float, float, float]):
    """x ↦ k₀x³ + k₁x² + k₂x, an answer given up to a constant."""
    return lambda x: k[0] * x**3 + k[1] * x**2 + k[2] * x


def mistakes_of(p: dict) -> list[KnownMistake]:
    """The known mistakes of f(x) = a·x² + b·x + c (for the course's own: 3x² − 4x); their
    answers, up to a constant, are variants.slips(p)."""
    a, b, c = p["a"], p["b"], p["c"]
    f, integral = f_of(p), antiderivative_of(p)
    third, half = round(a / 3), round(b / 2)
    size_a, size_b = abs(a), abs(b)
    cube, square = signed(abs(third), "x³"), signed(abs(half), "x²")
    divide_cube = f"{size_a}x² → {size_a}x³/3 = {cube}"
    halve_square = f"{size_b}x → {size_b}x²/2 = {square}"
    feedback = {
        "differentiated instead": (
            f"this is the derivative of {f} ({polynomial([2 * a, b])}), not its "
            "antiderivative: integrating raises each power by one."
        ),
        "f itself": f"this is f(x) = {f} itself: you need a function whose derivative is f.",
        "powers not divided": (
            "the powers went up, but divide each term by its new power: "
            f"{divide_cube}, {halve_square}."
        ),
        "4x² not halved": (
            f"{cube} is right; divide {size_b}x² by its new power 2 as well: {halve_square}."
        ),
        "3x³ not divided by 3": (
            f"{square} is right; divide {size_a}x³ by its new power 3 as well: {divide_cube}."
        ),
        "sign slip (−2x²)": (
            f"sign slip: the antiderivative of {signed(b, 'x')} is {signed(half, 'x²')}, so "
            f"F(x) = {integral} + C."
        ),
        "all signs wrong": f"sign slip: yours is −({integral}); its derivative is −({f}).",
        "constant not integrated": (
            f"the constant term {signed(c)} integrates to {signed(c, 'x')} (a constant k has "
            f"the antiderivative k·x), so F(x) = {integral} + C."
        ),
    }
    return [
        KnownMistake(feedback[name], cubic_value(k), name=name)
        for name, k in slips(p).items()
    ]


MISTAKES = mistakes_of(COURSE)


def course_own(p: dict) -> KnownMistake:
    """An antiderivative of the course's own 3x² − 4x given for another variant: the shipped
    solution."""
    return KnownMistake(
        f"this is an antiderivative of {f_of(COURSE)}, the course's own exercise; yours is "
        f"f(x) = {f_of(p)}. Integrate your own f (`calccourse exercise 2` with your learner "
        "id shows it).",
        cubic_value(antiderivative(COURSE)),
        name="the course's own F",
    )


def tests(rng: np.random.Generator, variant=None) -> list[Test]:
    """The tests of the learner's variant (``variant.parameters``; the course's own exercise
    without one). A learner with an id gets test names that every variant shares."""
    p = COURSE if variant is None else variant.parameters
    learner = variant is not None and variant.learner is not None
    exercise = exercise_of(p)
    mistakes = mistakes_of(p)
    suspects: tuple[Smooth, ...] = (exercise,)
    if learner and p != COURSE:
        mistakes = [course_own(p), *mistakes]
        suspects = (exercise, OWN)
    label = "the exercise's f" if learner else exercise.f.label
    integral = antiderivative_of(p)
    xs = [round(float(x), 3) for x in rng.uniform(-2, 3, 8)]
    antiderivative_test = function_test(
        f"antiderivative(x) of {label}, up to a constant",
        "antiderivative",
        [(x,) for x in xs],
        cubic_value(antiderivative(p)),
        rtol=1e-6,
        atol=1e-6,
        mistakes=mistakes,
        up_to_constant=True,
        what=f"{integral} + C",
        explain=explain_antiderivative(xs, p, other=learner),
    )
    # Constant functions: grids where every way of counting agrees, then one grid that
    # trips each floating-point way of counting steps (the answer contract says the checker uses them).
    grids = [
        choose_grid(rng, -5.0, 5.0, sizes)
        for sizes in ((10, 10), *SIZES, (1000, 1000))
    ]
    grids += [
        choose_grid(rng, -5.0, 5.0, SIZES[k % 2], trips(way))
        for k, way in enumerate(COUNTING)
    ]
    constant_cases = []
    for a, b, dx, n in grids:
        # Two constants on each grid (the second of another size and sign).
        c = round(
            float(rng.uniform(0.5, 4.0)) * float(rng.choice([-1, 1])), 2
        )
        twin = round(-c * float(rng.uniform(1.5, 2.5)), 2)
        constant_cases += [(c, a, b, dx, n), (twin, a, b, dx, n)]

    # The exercise's running area: from −2 to b = −2 + k·0.1, for k from 10 to 50 steps.
    ends = [
        (round(-2 + 0.1 * int(k), 6), int(k))
        for k in rng.choice(np.arange(10, 51), 8, replace=False)
    ]
    exercise_cases = [
        (exercise, -2.0, b, 0.1)
        for b, k in sorted(ends)
        if counts_agree(-2.0, b, 0.1, k)
    ]

    # Pairs of hidden functions on one grid within both their ranges.
    hidden_cases = []
    order = rng.permutation(len(HIDDEN))
    for k in range(3):
        pair = (HIDDEN[order[2 * k]], HIDDEN[order[2 * k + 1]])
        low, high = max(fn.low for fn in pair), min(fn.high for fn in pair)
        a, b, dx, _ = choose_grid(rng, low, high, SIZES[k])
        hidden_cases += [(fn, a, b, dx) for fn in pair]

    def calls(cases: list[Case]) -> list:
        return [call("area", fn.f, a, b, dx) for fn, a, b, dx in cases]

    return [
        antiderivative_test,
        Test(
            "area(f, a, b, dx) is exact for a constant f",
            [
                call("area", constant(c), a, b, dx)
                for c, a, b, dx, _ in constant_cases
            ],
            constant_judge(constant_cases, suspects),
            plot=constant_plot(constant_cases),
        ),
        Test(
            f"area(f, a, b, dx) under {label} from −2, dx = 0.1",
            calls(exercise_cases),
            smooth_judge(
                exercise_cases, f"under {exercise.f.label}", suspects
            ),
            plot=running_plot(exercise_cases, integral),
        ),
        Test(
            "area(f, a, b, dx) under hidden functions",
            calls(hidden_cases),
            smooth_judge(hidden_cases, "under hidden functions", suspects),
            plot=hidden_plot(hidden_cases),
        ),
    ]
