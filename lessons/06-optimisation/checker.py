"""Lesson 6 checker: the derivative of log x, its (absent) critical points, and a numerical
search for the critical points of any smooth function."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from calccourse.author import (
    Feedback,
    Fn,
    KnownMistake,
    Test,
    WrongAnswer,
    as_bool,
    call,
    fmt,
    function_test,
    one_term_slip,
    value,
)

from .variants import (
    COURSE,
    critical_point,
    f_of,
    fprime_of,
    fsecond_of,
    kind,
    number,
    times,
)

TOLERANCE = (
    1e-4  # docs/answer-contract.md: find_critical_points "within 1e-4"
)
MARGIN = 0.05  # most hidden intervals keep critical points this far from a and b ...
SPACING = 0.1  # and this far apart; one function sits at the contract's bounds instead:
NEAR = 1.2e-3  # critical points this far from a and b (the contract: at least 1e-3)
CLOSE = (
    1.05e-2  # and two of them this far apart (the contract: at least 1e-2)
)
CURVATURE = 0.2  # and |f″| at least this at each, so a numerical f′ locates them well


# -- finding zeros in the grading process ------------------------------------------------------


def slope(f, h=1e-5):
    """A central difference of f: precise to ~1e-9 here, far below the 1e-4 asked of answers."""
    return lambda x: (f(x + h) - f(x - h)) / (2 * h)


def zeros(g, a: float, b: float, n: int = 20001) -> list[float]:
    """Where g changes sign on [a, b]: a fine grid, then 60 steps of bisection per bracket."""
    xs = np.linspace(a, b, n)
    values = g(xs)
    found = []
    for i in np.nonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)[0]:
        low, high, g_low = xs[i], xs[i + 1], values[i]
        for _ in range(60):
            mid = 0.5 * (low + high)
            g_mid = g(mid)
            if np.sign(g_mid) == np.sign(g_low):
                low, g_low = mid, g_mid
            else:
                high = mid
        found.append(float(0.5 * (low + high)))
    return found


@dataclass
class Case:
    """One call of find_critical_points and what it should give."""

    fn: Fn
    a: float
    b: float
    points: list[float] = field(
        default_factory=list
    )  # the critical points, sorted
    roots: list[float] = field(
        default_factory=list
    )  # the zeros of f itself (a known mistake)

    @classmethod
    def make(cls, fn: Fn, a: float, b: float) -> Case:
        return cls(fn, a, b, zeros(slope(fn), a, b), zeros(fn, a, b))

    def fair(self) -> bool:
        """Well inside the answer contract's rules: every answer that follows them finds these points."""
        points = np.array(self.points)
        if len(points) == 0:
            return True
        curvature = np.abs(slope(slope(self.fn, 1e-4), 1e-4)(points))
        return bool(
            points.min() - self.a >= MARGIN
            and self.b - points.max() >= MARGIN
            and (len(points) < 2 or np.diff(points).min() >= SPACING)
            and curvature.min() >= CURVATURE
        )

    @property
    def where(self) -> str:
        return f"find_critical_points(f, {fmt(self.a)}, {fmt(self.b)}) with f(x) = {self.fn}"


# -- the functions find_critical_points has not seen --------------------------------------------


def _number(value: float) -> str:
    return f"{value:.3g}"


def _plus(value: float) -> str:
    """``+ 0.4`` or ``− 0.4``: a term added in a label."""
    return f"− {_number(-value)}" if value < 0 else f"+ {_number(value)}"


def _polynomial(rng: np.random.Generator) -> Case:
    """A quartic or cubic whose critical points are drawn at random."""
    count = int(rng.integers(2, 4))
    while True:
        centres = np.sort(np.round(rng.uniform(-2.5, 2.5, count), 2))
        if np.diff(centres).min() >= 0.6:
            break
    scale = round(float(rng.choice([-1, 1]) * rng.uniform(0.5, 1.5)), 2)
    coefficients = [
        round(float(c), 6) for c in np.polyint(scale * np.poly(centres))
    ]
    a = round(float(centres[0] - rng.uniform(0.3, 1.0)), 2)
    b = round(float(centres[-1] + rng.uniform(0.3, 1.0)), 2)
    return Case.make(_polynomial_fn(coefficients), a, b)


def _polynomial_fn(coefficients: list[float]) -> Fn:
    """The polynomial with these coefficients (highest power first), labelled as it reads."""
    expr = "0"
    for c in coefficients:
        expr = f"({expr}) * x + {c!r}"
    powers = len(coefficients) - 1
    terms = [
        f"{_number(c)}x{'⁴³²'[4 - p] if p > 1 else ''}"
        if p > 0
        else _number(c)
        for p, c in zip(range(powers, -1, -1), coefficients)
        if c != 0
    ]
    label = " + ".join(terms).replace("+ -", "− ")
    return Fn(expr, ("x",), label)


def _sine(rng: np.random.Generator) -> Case:
    w = round(float(rng.uniform(0.8, 2.0)), 2)
    s = round(float(rng.uniform(-0.6, 0.6) * w), 2)
    a = round(float(rng.uniform(-4.0, -1.0)), 2)
    return Case.make(
        Fn(f"np.sin({w} * x) + {s} * x", ("x",), f"sin({w}x) {_plus(s)}x"),
        a,
        a + 6.0,
    )


def _bump(rng: np.random.Generator) -> Case:
    m = round(float(rng.uniform(-1.5, 1.5)), 2)
    s = round(float(rng.uniform(0.7, 1.5)), 2)
    expr = f"3 * (x - {m}) * np.exp(-((x - {m}) / {s})**2)"
    shifted = f"(x {_plus(-m)})" if m else "x"
    return Case.make(
        Fn(expr, ("x",), f"3{shifted}·exp(−({shifted}/{s})²)"),
        m - 3.0,
        m + 2.5,
    )


def _log_line(rng: np.random.Generator) -> Case:
    r = round(float(rng.uniform(0.75, 0.92)), 3)
    # r = 0.8 puts the critical points exactly at 0.5 and 2, points of many learners' grids,
    # where f′ is exactly 0: a test d[i] * d[i + 1] < 0 would then pass or fail by the seed.
    if abs(r - 0.8) < 0.005:
        r = 0.81
    return Case.make(
        Fn(f"np.log(1 + x**2) - {r} * x", ("x",), f"log(1 + x²) − {r}x"),
        -2.0,
        5.0,
    )


def _damped(rng: np.random.Generator) -> Case:
    a = round(float(rng.uniform(-1.0, 0.0)), 2)
    return Case.make(
        Fn("np.cos(x) * np.exp(x / 5)", ("x",), "cos(x)·e^(x/5)"),
        a,
        a + 7.0,
    )


FAMILIES = [_polynomial, _sine, _bump, _log_line, _damped]


def _at_bounds(rng: np.random.Generator) -> Case:
    """A cubic f′ with two zeros CLOSE apart, on an interval that ends NEAR the first and
    the last critical point: the contract's bounds, which a coarse grid misses."""
    first = round(float(rng.uniform(-1.5, 0.5)), 2)
    third = round(first + CLOSE + float(rng.uniform(0.8, 1.5)), 2)
    scale = round(float(rng.choice([-1, 1]) * rng.uniform(1.5, 3.0)), 2)
    centres = [first, first + CLOSE, third]
    fn = _polynomial_fn(
        [round(float(c), 9) for c in np.polyint(scale * np.poly(centres))]
    )
    points = zeros(slope(fn), first - 0.1, third + 0.1)
    return Case.make(
        fn, round(points[0] - NEAR, 5), round(points[-1] + NEAR, 5)
    )


def mirrored(case: Case) -> Case:
    """Another function on the same interval: f(a + b − x), whose critical points are
    a + b − p (an answer that kept an earlier call's result gives the old ones)."""
    turn = round(case.a + case.b, 6)
    fn = Fn(
        f"(lambda x: {case.fn.expr})({turn!r} - x)",
        ("x",),
        f"g({fmt(turn)} − x), g(x) = {case.fn}",
    )
    return Case.make(fn, case.a, case.b)


def hidden_cases(rng: np.random.Generator, count: int = 3) -> list[Case]:
    """One random polynomial, then other kinds of function; each redrawn until it is fair."""
    others = rng.choice(
        np.arange(1, len(FAMILIES)), count - 1, replace=False
    )
    chosen = [_polynomial] + [FAMILIES[i] for i in others]
    cases = []
    for family in chosen:
        for _ in range(100):
            case = family(rng)
            if case.points and case.fair():
                cases.append(case)
                break
    cases.append(_at_bounds(rng))
    # Each interval asked twice, with f and with f mirrored: one argument differs.
    return [twin for case in cases for twin in (case, mirrored(case))]


# -- judging find_critical_points ---------------------------------------------------------------


def as_points(value, where: str, verb: str = "returned") -> np.ndarray:
    """A list of numbers ([] for none), or WrongAnswer saying what came back instead."""
    if value is None:
        raise WrongAnswer(
            f"{where} {verb} None: is a `return` missing? Return [] when there are none."
        )
    if isinstance(value, (bool, int, float)):
        raise WrongAnswer(
            f"{where} {verb} the single number {fmt(value)}; expected a list of "
            f"numbers such as [{fmt(value)}] (or [] when there are none)."
        )
    try:
        array = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise WrongAnswer(
            f"{where} {verb} {fmt(value)}; expected a list of numbers."
        ) from None
    if array.ndim == 2 and 1 in array.shape:
        array = array.reshape(-1)
    if array.ndim != 1:
        raise WrongAnswer(
            f"{where} {verb} an array of shape {array.shape}; expected a flat list of numbers."
        )
    if not np.all(np.isfinite(array)):
        raise WrongAnswer(
            f"{where} {verb} {fmt(array.tolist())}, which is not all finite numbers."
        )
    return array


def matches(got, want, tolerance: float) -> bool:
    if len(got) != len(want):
        return False
    return bool(
        np.all(
            np.abs(np.asarray(got, float) - np.asarray(want, float))
            <= tolerance
        )
    )


def diagnose(got: np.ndarray, case: Case) -> tuple[str, str | None]:
    """What is wrong with ``got`` (sorted or not), and which mistake it most probably is."""
    want = np.array(case.points)
    expected = (np.round(want, 6) + 0.0).tolist()  # + 0.0 turns −0 into 0
    shown = (
        f"expected {fmt(expected, TOLERANCE)} (each within 1e-4), "
        f"got {fmt(got.tolist(), TOLERANCE)}"
    )
    ordered = np.sort(got)
    if matches(ordered, want, TOLERANCE):
        return (
            shown,
            "these are the right points, but not in increasing order: return them sorted.",
        )
    if case.roots and matches(ordered, case.roots, 1e-3):
        return shown, (
            "these are the zeros of f itself, where f(x) = 0. Critical points are "
            "where the derivative is zero: look for sign changes of f′, not of f."
        )
    if len(want) and matches(got, case.fn(want), 1e-4):
        return shown, (
            "these are the values f(x) at the critical points: return the points x themselves."
        )
    inside = ordered[
        (np.abs(ordered - case.a) > 1e-3)
        & (np.abs(ordered - case.b) > 1e-3)
    ]
    if len(inside) < len(ordered) and matches(inside, want, TOLERANCE):
        return shown, (
            "the end points a and b are not critical points (f′ is not 0 there): "
            "return only the x where f′(x) = 0."
        )
    merged = [
        x
        for i, x in enumerate(ordered)
        if i == 0 or x - ordered[i - 1] > 1e-3
    ]
    if len(merged) < len(ordered) and matches(merged, want, TOLERANCE):
        return shown, (
            "some points come back more than once: keep each one only once. (Several "
            "starting guesses can find the same point; and a zero of f′ that falls "
            "exactly on a grid point shows up as two sign changes, + to 0 and 0 to −.)"
        )
    gap = float(np.diff(want).min()) if len(want) > 1 else np.inf
    if (
        len(ordered) == len(want)
        and len(want)
        and matches(ordered, want, min(0.1, gap / 2))
    ):
        worst = float(
            np.abs(ordered - want).max()
        )  # one per true point, not close enough
        return shown, (
            f"the points are {worst:.1e} away from the true ones, more than 1e-4: "
            "refine each sign change (bisection or scipy.optimize.brentq), and use a "
            "central difference (f(x + h) − f(x − h))/(2h) with a small h for f′."
        )
    missed = [
        x
        for x in want
        if len(ordered) == 0 or np.abs(ordered - x).min() > 1e-2
    ]
    extra = [
        x
        for x in ordered
        if len(want) == 0 or np.abs(want - x).min() > 1e-2
    ]
    f_prime = slope(case.fn)
    outside = [x for x in extra if not case.a <= x <= case.b]
    if outside:
        return shown, (
            f"{fmt(outside[0])} is not in [{fmt(case.a)}, {fmt(case.b)}]: return only the critical "
            "points inside the interval asked about, found from this f (the same list for every "
            "f and interval cannot be right)."
        )
    if extra:
        x = extra[0]
        return shown, (
            f"f′({fmt(x)}) ≈ {fmt(float(f_prime(x)))}, not 0: {fmt(x)} is not a "
            "critical point. Keep only the x where f′ changes sign."
        )
    if missed:
        near = fmt(round(missed[0], 6) + 0.0)
        return shown, (
            f"the critical point near {near} is missing: is your grid fine enough, and "
            "do you check every neighbouring pair for a sign change of f′? If f′ is "
            "exactly 0 at a grid point, a test such as d[i] * d[i + 1] < 0 misses it."
        )
    return shown, None


def draw_case(axes, case: Case, value) -> None:
    """f, f′, the expected critical points and the answer's; how far each of
    the answer's points is from the nearest one, and a zoom on the worst, so
    that an error of 2e-3 shows although the markers overlap at this scale."""
    xs = np.linspace(case.a, case.b, 400)
    f_prime = slope(case.fn)
    axes.plot(xs, case.fn(xs), color="tab:blue", label=f"f(x) = {case.fn}")
    axes.plot(xs, f_prime(xs), color="tab:purple", label="f′(x)")
    axes.axhline(0, color="grey", linewidth=0.8)
    want = np.array(case.points)
    expected = {"color": "tab:green", "markersize": 10}
    axes.plot(want, 0 * want, "o", **expected, label="expected points")
    try:
        got = np.array(value, float).reshape(-1)
    except (TypeError, ValueError):
        got = np.array([])
    got = got[np.isfinite(got)]
    yours = {"color": "tab:orange", "markersize": 10, "markeredgewidth": 2}
    axes.plot(got, 0 * got, "x", **yours, label="your points")
    axes.set_xlabel("x")
    axes.legend(  # below the axes, clear of the curves and of the zoom
        fontsize=7,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.18),
        ncol=2,
        frameon=False,
    )
    if not len(want) or not len(got):
        return
    nearest = want[np.abs(got[:, None] - want[None, :]).argmin(axis=1)]
    off = np.abs(got - nearest)
    for x, distance in zip(got, off):
        if distance > TOLERANCE:
            axes.annotate(
                f"{distance:.1e} off",
                (x, 0),
                textcoords="offset points",
                xytext=(0, 12),
                ha="center",
                color="tab:red",
                fontsize=8,
                fontweight="bold",
            )
    worst = int(np.argmax(off))
    if TOLERANCE < off[worst] < (case.b - case.a) / 20:
        centre, half = nearest[worst], 4 * off[worst]
        low, high = axes.get_ylim()  # room above the curves for the zoom
        axes.set_ylim(low, high + 0.8 * (high - low))
        zoom = axes.inset_axes([0.3, 0.62, 0.4, 0.34])
        near = np.linspace(centre - half, centre + half, 200)
        zoom.plot(near, f_prime(near), color="tab:purple")
        zoom.axhline(0, color="grey", linewidth=0.8)
        zoom.axvspan(
            centre - TOLERANCE,
            centre + TOLERANCE,
            color="tab:green",
            alpha=0.2,
        )
        zoom.plot([centre], [0], "o", **expected)
        zoom.plot([got[worst]], [0], "x", **yours)
        zoom.set_xlim(centre - half, centre + half)
        zoom.set_yticks([])
        zoom.set_xticks([centre - half, centre, centre + half])
        zoom.tick_params(labelsize=6)
        zoom.text(
            0.02,
            0.95,
            f"zoom ×{(case.b - case.a) / (2 * half):.0f}: green, within 1e-4",
            transform=zoom.transAxes,
            va="top",
            fontsize=6.5,
        )


def critical_points_test(name: str, cases: list[Case]) -> Test:
    def judge(values: list) -> str:
        for index, (got_value, case) in enumerate(zip(values, cases)):
            got = as_points(got_value, case.where)
            if not (matches(got, case.points, TOLERANCE)):
                message, feedback = diagnose(got, case)
                earlier = [
                    other
                    for other, value in zip(cases[:index], values)
                    if (other.a, other.b) == (case.a, case.b)
                    and value == got_value
                ]
                if earlier:
                    feedback = (
                        "you returned exactly what you returned for another f on the same "
                        "interval: find_critical_points must search the f it is given each "
                        "time (a result kept from an earlier call, such as a cache whose key "
                        "leaves out f, does this)."
                    )
                raise WrongAnswer(f"{case.where}: {message}", feedback)
        found = sum(len(case.points) for case in cases)
        return f"{found} critical point(s) of {len(cases)} function(s), each within 1e-4"

    def first_wrong(values: list) -> int:
        for index, (got_value, case) in enumerate(zip(values, cases)):
            try:
                if not matches(
                    as_points(got_value, case.where), case.points, TOLERANCE
                ):
                    return index
            except WrongAnswer:
                return index
        return 0

    def draw(values: list, axes) -> None:
        index = first_wrong(values)
        draw_case(axes, cases[index], values[index])
        axes.set_title(
            name
            if len(cases) == 1
            else f"{name}:\nf(x) = {cases[index].fn}",
            fontsize=9,
        )

    calls = [
        call("find_critical_points", case.fn, case.a, case.b)
        for case in cases
    ]
    return Test(name, calls, judge, plot=draw)


# -- critical_points and has_extremum ------------------------------------------------------------


def judge_critical_points(values: list) -> str:
    got = values[0]
    where = "`critical_points`"
    if isinstance(got, list) and any(
        isinstance(v, float) and math.isinf(v) for v in got
    ):
        raise WrongAnswer(
            f"{where} is {fmt(got)}; expected [] (no critical points).",
            "1/x only tends to 0 as x → ∞; it never equals 0, and ∞ is not a "
            "point of the domain: the list is empty.",
        )
    points = as_points(got, where, "is")
    if len(points) == 0:
        return "empty: 1/x is never 0"
    if np.any(np.abs(points - 1.0) < 1e-6):
        raise WrongAnswer(
            f"{where} is {fmt(got)}; expected [] (no critical points).",
            "at x = 1, log x = 0, but that is a zero of f, not of f′: "
            "f′(1) = 1/1 = 1. 1/x is never 0, so the list is empty.",
        )
    raise WrongAnswer(
        f"{where} is {fmt(got)}; expected [] (no critical points).",
        "f′(x) = 1/x is never 0 for x > 0 (it only tends to 0 as x → ∞), so there "
        "is no x where the derivative is zero: the list is empty.",
    )


def judge_has_extremum(values: list) -> str:
    if as_bool(values[0], "`has_extremum`"):
        raise WrongAnswer(
            "`has_extremum` is True; expected False.",
            "a maximum or minimum of a smooth function needs f′ = 0, and 1/x "
            "never is: log x rises forever and falls to −∞ as x → 0⁺.",
        )
    return "False: log x has no maximum and no minimum"


SQUARED = "this looks like 1/x² (or −1/x², the derivative of 1/x): the derivative of log x is 1/x itself."
LOG_MISTAKES = [
    KnownMistake(
        "this is log x itself: differentiate it, d/dx log x = 1/x.",
        math.log,
        name="log x itself",
    ),
    KnownMistake(SQUARED, lambda x: 1 / x**2, name="derivative squared"),
    KnownMistake(SQUARED, lambda x: -1 / x**2, name="derivative squared"),
    KnownMistake(
        "the sign is wrong: log x rises, so its derivative 1/x is positive.",
        lambda x: -1 / x,
        name="sign of 1/x flipped",
    ),
]


# -- a learner's variant: f(x) = a·log x + b·x (variants.py) ------------------------------------

POINT_TOLERANCE = 1e-6  # a variant's exercise.md: each critical point to 1e-6, relative and absolute
SHOWS_YOURS = "`calccourse exercise 6` with your learner id shows it"


def shown(x: float) -> str:
    """A number in feedback, with the lesson's minus sign: "−0.6"."""
    return fmt(x).replace("-", "−")


def signed(coefficient: int, what: str) -> str:
    """A term with its sign: (−2, "log x") -> "−2·log x", (3, "x") -> "3x"."""
    return ("−" if coefficient < 0 else "") + times(coefficient, what)


def derivative_mistakes(p: dict) -> list[KnownMistake]:
    """The known mistakes of f′ for f(x) = a·log x + b·x, b ≠ 0 (the course's own, log x,
    has LOG_MISTAKES); their names are the same in every variant."""
    a, b = p["a"], p["b"]
    fprime, log_term, line_term = (
        fprime_of(p),
        signed(a, "log x"),
        signed(b, "x"),
    )
    a_over_x = f"{number(a)}/x"
    mistakes = [
        KnownMistake(
            f"this is f(x) = {f_of(p)} itself: differentiate it, term by term "
            "(d/dx log x = 1/x, d/dx x = 1).",
            lambda x: a * math.log(x) + b * x,
            name="f itself",
        ),
        KnownMistake(
            f"the sign of {a_over_x} is wrong: d/dx log x = +1/x (log x rises), so "
            f"{log_term} gives {a_over_x}, and f′(x) = {fprime}.",
            lambda x: -a / x + b,
            name="sign of 1/x flipped",
        ),
        KnownMistake(
            f"sign slip: every term has the wrong sign; f′(x) = {fprime}.",
            lambda x: -(a / x + b),
            name="all signs flipped",
        ),
    ]
    squared = (
        f"this looks like {number(a)}/x² (or {number(-a)}/x², the derivative of {a_over_x}) "
        f"in place of {a_over_x}: the derivative of log x is 1/x itself."
    )
    mistakes += [
        KnownMistake(
            squared, lambda x: a / x**2 + b, name="derivative squared"
        ),
        KnownMistake(
            squared, lambda x: -a / x**2 + b, name="derivative squared"
        ),
        KnownMistake(
            f"the derivative of {line_term} is {number(b)}, not 0 (a line's slope): "
            f"f′(x) = {fprime}.",
            lambda x: a / x,
            name="bx term dropped",
        ),
        KnownMistake(
            f"{line_term} is a line: its derivative is the constant {number(b)} "
            f"(d/dx x = 1), not {line_term}.",
            lambda x: a / x + b * x,
            name="bx term not differentiated",
        ),
    ]
    if abs(a) != 1:
        term = f"({log_term})" if a < 0 else log_term
        mistakes.append(
            KnownMistake(
                f"the factor {number(a)} of {log_term} stays when you differentiate: "
                f"d/dx {term} = {number(a)}·(1/x) = {a_over_x}.",
                lambda x: 1 / x + b,
                name="factor of log x lost",
            )
        )
    return mistakes


def course_own(p: dict) -> KnownMistake:
    """The course's own f′, 1/x, given for another variant (the shipped solution)."""
    return KnownMistake(
        f"this is 1/x, the derivative of log x, the course's own exercise; yours is "
        f"f(x) = {f_of(p)}. Differentiate your own f ({SHOWS_YOURS}).",
        lambda x: 1 / x,
        name="the course's own f′",
    )


def with_sign(coefficient: float, what: str) -> str:
    """A term of f with its sign: "−2·log x", "x"."""
    return ("−" if coefficient < 0 else "") + times(int(coefficient), what)


def another_variant(xs: list[float], p: dict):
    """Feedback when the derivative's values are exactly c/x + d for whole numbers c ≠ 0
    and d other than the learner's a and b: f′ of c·log x + d·x, another variant's f."""
    x = np.array(xs, float)
    basis = np.column_stack([1 / x, np.ones_like(x)])

    def explain(got: np.ndarray) -> str | None:
        if len(set(xs)) < 3 or not np.all(np.isfinite(got)):
            return None
        fitted = np.linalg.lstsq(basis, got, rcond=None)[0]
        if not np.allclose(basis @ fitted, got, rtol=1e-9, atol=1e-9):
            return None
        c, d = (round(float(v)) for v in fitted)
        if (
            c == 0
            or not np.allclose(fitted, [c, d], atol=1e-6)
            or (c, d) == (p["a"], p["b"])
        ):
            return None
        theirs = {"a": c, "b": d}
        slip = one_term_slip(
            [p["a"], p["b"]],
            [c, d],
            ("log x", "x"),
            f"{fprime_of(theirs)}, f′ of {f_of(theirs)}",
            f"f(x) = {f_of(p)}",
            with_sign,
        )
        if slip is not None:
            return slip
        return Feedback(
            f"this is {fprime_of(theirs)}, f′ of {f_of(theirs)}, a different function: yours "
            f"is f(x) = {f_of(p)}. Differentiate your own f (your exercise: "
            "`calccourse exercise 6` with your learner id).",
            "another variant's f′",
        )

    return explain


def judge_points_of(p: dict):
    """A judge of ``critical_points`` for f(x) = a·log x + b·x: [−a/b] when a and b have
    opposite signs, else []."""
    a, b = p["a"], p["b"]
    point, fprime = critical_point(p), fprime_of(p)
    where = "`critical_points`"
    expected = (
        "expected [] (no critical points)"
        if point is None
        else f"expected [{number(point)}] (one critical point)"
    )

    def at(x: float) -> str:
        return f"f′({shown(x)}) = {shown(a / x + b)}"

    def near(points: np.ndarray, x: float) -> bool:
        return bool(
            np.any(np.abs(points - x) <= POINT_TOLERANCE * (1 + abs(x)))
        )

    def at_one(points: np.ndarray) -> str | None:
        if not near(points, 1.0):
            return None
        return (
            "at x = 1, log x = 0, but that is a zero of log x, not of f′: "
            f"f′(1) = {number(a)} {'−' if b < 0 else '+'} {abs(b)} = {number(a + b)}."
        )

    def none(points: np.ndarray) -> str:
        """Feedback for points given where f′ is never 0 for x > 0 (a and b of one sign)."""
        sign = "positive" if a > 0 else "negative"
        never = (
            f"For x > 0, {number(a)}/x and {number(b)} are both {sign}, so f′(x) = {fprime} "
            "is never 0: the list is empty."
        )
        outside = float(Fraction(-a, b))
        if near(points, outside):
            return Feedback(
                f"x = {number(Fraction(-a, b))} solves {fprime} = 0, but it is not in the "
                f"domain x > 0 (log x is not defined there). {never}",
                "a point outside x > 0",
            )
        said = at_one(points)
        if said is not None:
            return Feedback(f"{said} {never}", "a critical point at 1")
        inside = points[points > 0]
        if len(inside) == 0:
            return f"f is defined for x > 0 only. {never}"
        return f"{at(float(inside[0]))}, not 0. {never}"

    def one(points: np.ndarray) -> str:
        """Feedback for a variant with one critical point, x* = −a/b."""
        assert point is not None
        solve = f"f′(x) = {fprime} is 0 where {abs(a)}/x = {abs(b)}"
        if len(points) == 0:
            return Feedback(
                f"{solve}, at one x > 0: solve that for x. ([] would be right "
                "if f′ were never 0, as for log x, the course's own exercise; "
                f"yours is f(x) = {f_of(p)}: {SHOWS_YOURS}.)",
                "no critical point",
            )
        x_star = float(point)
        if near(points, x_star):
            extra = [
                x
                for x in points
                if abs(x - x_star) > POINT_TOLERANCE * (1 + x_star)
            ]
            if not extra:
                return f"{number(point)} is right: list it once."
            other = float(extra[0])
            why = (
                f"{at(other)}, not 0"
                if other > 0
                else f"{shown(other)} is not in the domain x > 0"
            )
            return Feedback(
                f"{number(point)} is right, and it is the only one: {why}.",
                "points besides the critical one",
            )
        said = at_one(points)
        if said is not None:
            return Feedback(
                f"{said} {solve}: solve that for x.",
                "a critical point at 1",
            )
        y = float(points[0])
        if near(points, -x_star):
            return Feedback(
                f"{shown(-x_star)} is negative, not in the domain x > 0: check the signs as you "
                f"solve {fprime} = 0 ({solve}).",
                "sign slip solving f′ = 0",
            )
        if near(points, 1 / x_star):
            return Feedback(
                f"{at(1 / x_star)}, not 0: the fraction is upside down. {solve}: multiply "
                f"both sides by x, {abs(a)} = {abs(b)}·x.",
                "fraction upside down",
            )
        if abs(y - x_star) < 1e-2:
            return Feedback(
                f"{shown(y)} is close to the critical point, but not within 1e-6 of it: "
                f"solve {fprime} = 0 exactly ({abs(a)}/x = {abs(b)}) and give the fraction, "
                "not the result of a numerical search.",
                "critical point not exact",
            )
        if y <= 0:
            return f"{shown(y)} is not in the domain x > 0. {solve}: solve that for x."
        return f"{at(y)}, not 0. {solve}: solve that for x (it has one solution)."

    def judge(values: list) -> str:
        got = values[0]
        if isinstance(got, list) and any(
            isinstance(v, float) and math.isinf(v) for v in got
        ):
            raise WrongAnswer(
                f"{where} is {fmt(got)}; {expected}.",
                f"∞ is not a point of the domain: list only the x > 0 where f′(x) = {fprime} is 0.",
            )
        points = np.sort(as_points(got, where, "is"))
        if point is None:
            if len(points) == 0:
                return f"empty: {fprime} is never 0 for x > 0"
            raise WrongAnswer(
                f"{where} is {fmt(got)}; {expected}.", none(points)
            )
        if len(points) == 1 and near(points, float(point)):
            return f"[{number(point)}]: f′ = {fprime} is 0 there"
        raise WrongAnswer(
            f"{where} is {fmt(got)}; {expected}.", one(points)
        )

    return judge


def judge_extremum_of(p: dict):
    """A judge of ``has_extremum`` for f(x) = a·log x + b·x: True when f′ = 0 somewhere."""
    a, point, fprime = p["a"], critical_point(p), fprime_of(p)

    def judge(values: list) -> str:
        got = as_bool(values[0], "`has_extremum`")
        if point is None:
            if not got:
                return "False: f has no maximum and no minimum"
            raise WrongAnswer(
                "`has_extremum` is True; expected False.",
                Feedback(
                    "a maximum or minimum of a smooth function needs f′ = 0, and "
                    f"{fprime} never is for x > 0: f {'rises' if a > 0 else 'falls'} for "
                    "every x > 0.",
                    "an extremum where f′ is never 0",
                ),
            )
        if got:
            return f"True: f has a {kind(p)} at x = {number(point)}"
        before, after = ("+", "−") if a > 0 else ("−", "+")
        raise WrongAnswer(
            "`has_extremum` is False; expected True.",
            Feedback(
                f"f′(x) = {fprime} is 0 at one x > 0, and changes from {before} to {after} "
                f"there: f has a {kind(p)} (f″(x) = {fsecond_of(p)} is "
                f"{'negative' if a > 0 else 'positive'}).",
                "no extremum where f′ is 0",
            ),
        )

    return judge


def tests(rng: np.random.Generator, variant=None) -> list[Test]:
    """The tests of the learner's variant (``variant.parameters``; the course's own, log x,
    without one). A learner with an id gets test names every variant shares; the tests of
    find_critical_points, a function for any f, are the same in every variant."""
    p = COURSE if variant is None else variant.parameters
    learner = variant is not None and variant.learner is not None
    spread = np.exp(
        rng.uniform(math.log(0.05), math.log(20.0), 5)
    )  # from 0.05 to 20
    xs = [1.0, 2.0] + [float(f"{x:.3g}") for x in spread]
    start, end = (
        round(float(rng.uniform(0.5, 1.5)), 2),
        round(float(rng.uniform(5.0, 20.0)), 1),
    )
    example = Case.make(
        Fn("x**3 - 2*x**2 + 1", ("x",), "x³ − 2x² + 1"), -1.0, 2.0
    )
    none = [
        Case.make(Fn("np.log(x)", ("x",), "log x"), start, end),
        Case.make(
            Fn("x + np.sin(x) / 2", ("x",), "x + sin(x)/2"), -start, end
        ),
    ]
    label = "log x" if p == COURSE and not learner else "the exercise's f"
    if p == COURSE:
        a, b, mistakes, what = 1, 0, LOG_MISTAKES, "1/x"
        explain, judge_points, judge_extremum = (
            None,
            judge_critical_points,
            judge_has_extremum,
        )
    else:
        a, b, mistakes, what = (
            p["a"],
            p["b"],
            derivative_mistakes(p),
            fprime_of(p),
        )
        if learner:
            mistakes = [course_own(p), *mistakes]
        explain = another_variant(xs, p) if learner else None
        judge_points, judge_extremum = (
            judge_points_of(p),
            judge_extremum_of(p),
        )
    return [
        function_test(
            f"derivative(x) of {label}",
            "derivative",
            [(x,) for x in xs],
            lambda x: a / x + b,
            mistakes=mistakes,
            what=what,
            explain=explain,
        ),
        Test(
            f"critical_points of {label}",
            [value("critical_points")],
            judge_points,
        ),
        Test(
            f"has_extremum for {label}",
            [value("has_extremum")],
            judge_extremum,
        ),
        critical_points_test(
            "find_critical_points on x³ − 2x² + 1, [−1, 2]", [example]
        ),
        critical_points_test(
            "find_critical_points when there are none", none
        ),
        critical_points_test(
            "find_critical_points on functions you have not seen",
            hidden_cases(rng),
        ),
    ]
