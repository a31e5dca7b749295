"""Lesson 8 checker: taylor_eval(derivatives, a, x) and newton_step(derivatives, a).

taylor_eval is compared with Σₖ dₖ/k!·(x − a)ᵏ, the sum written out here, within 1e-9
relative or absolute. Any correct way of computing it (math.factorial, a running
product, Horner's rule, NumPy) agrees to about 1e-14 at these inputs: the derivatives
are at most 3 (hidden values) or 6 (ln x at a = 1, order 4), |x − a| ≤ 1.5 and the
order at most 7, so every term and the sum stay below 10². The points keep |a| ≥ 0.5 and |x − a| ≥ 0.25, so (x + a) instead of
(x − a), x instead of (x − a), or a dropped term change the value far beyond the
tolerance.

newton_step is compared with a − f′(a)/f″(a), with f″(a) in [0.5, 4] and |a| ≥ 0.5
(so that returning the step alone, −f′/f″, shows).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from calccourse.author import (
    KnownMistake,
    Test,
    WrongAnswer,
    as_number,
    call,
    close,
    each,
    fmt,
    function_test,
    numbers,
    recognise,
)

RTOL = ATOL = 1e-9


def taylor(derivatives: list[float], a: float, x: float) -> float:
    """The reference: Σₖ f⁽ᵏ⁾(a)/k!·(x − a)ᵏ, k = 0..n."""
    return sum(
        d / math.factorial(k) * (x - a) ** k
        for k, d in enumerate(derivatives)
    )


TAYLOR_MISTAKES = [
    KnownMistake(
        "each term must be divided by k!: f⁽ᵏ⁾(a)/k!·(x − a)ᵏ. Without it, the terms from "
        "(x − a)² on are k! times too large.",
        lambda d, a, x: sum(dk * (x - a) ** k for k, dk in enumerate(d)),
    ),
    KnownMistake(
        "this uses (x + a)ᵏ: the polynomial is built on the distance from a, (x − a)ᵏ.",
        lambda d, a, x: sum(
            dk / math.factorial(k) * (x + a) ** k for k, dk in enumerate(d)
        ),
    ),
    KnownMistake(
        "this uses xᵏ, as if a were 0: around a point a the powers are of (x − a).",
        lambda d, a, x: sum(
            dk / math.factorial(k) * x**k for k, dk in enumerate(d)
        ),
    ),
    KnownMistake(
        "the powers start at 1 instead of 0: the first value in the list is f(a) itself, "
        "the k = 0 term, with (x − a)⁰ = 1 and 0! = 1. Count k from 0 "
        "(enumerate(derivatives), not enumerate(derivatives, 1)).",
        lambda d, a, x: sum(
            dk / math.factorial(k + 1) * (x - a) ** (k + 1)
            for k, dk in enumerate(d)
        ),
    ),
    KnownMistake(
        "the constant term f(a) is missing: the sum starts at k = 0, and derivatives[0] "
        "is f(a) itself.",
        lambda d, a, x: sum(
            dk / math.factorial(k) * (x - a) ** k
            for k, dk in enumerate(d)
            if k > 0
        ),
    ),
    KnownMistake(
        "the last term is missing: derivatives holds f(a), f′(a), …, f⁽ⁿ⁾(a), n + 1 values, "
        "and every one of them gives a term.",
        lambda d, a, x: sum(
            dk / math.factorial(k) * (x - a) ** k
            for k, dk in enumerate(d[:-1])
        ),
    ),
]


# ---------------------------------------------------------------- known functions


@dataclass(frozen=True)
class Known:
    """A function the learner knows, with its derivatives at a: f⁽ᵏ⁾(a) for k = 0..n."""

    name: str
    f: Any
    derivatives: Any  # (a, n) -> list of n + 1 floats
    low: float
    high: float


def sigmoid(x: Any) -> Any:
    return 1 / (1 + np.exp(-x))


def sigmoid_derivatives(a: float, n: int) -> list[float]:
    s = float(sigmoid(a))
    g = s * (1 - s)  # σ′ = σ·(1 − σ); the rest by the chain rule
    values = [
        s,
        g,
        g * (1 - 2 * s),
        g * (1 - 6 * s + 6 * s**2),
        g * (1 - 2 * s) * (12 * s**2 - 12 * s + 1),
    ]
    if n >= len(values):
        raise ValueError(
            f"σ's derivatives are written out to order {len(values) - 1}"
        )
    return values[: n + 1]


KNOWN = [
    Known("eˣ", np.exp, lambda a, n: [math.exp(a)] * (n + 1), -1.5, 1.5),
    Known(
        "sin x",
        np.sin,
        lambda a, n: [
            [math.sin(a), math.cos(a), -math.sin(a), -math.cos(a)][k % 4]
            for k in range(n + 1)
        ],
        -2.5,
        2.5,
    ),
    Known(
        "ln x",
        np.log,
        lambda a, n: (
            [math.log(a)]
            + [
                (-1) ** (k + 1) * math.factorial(k - 1) / a**k
                for k in range(1, n + 1)
            ]
        ),
        1.0,
        2.5,
    ),
    Known("σ(x)", sigmoid, sigmoid_derivatives, -2.0, 2.0),
]
MAX_ORDER = (
    4  # low orders: the polynomial and the function still differ visibly
)


@dataclass(frozen=True)
class Case:
    fn: Known
    a: float
    x: float
    derivatives: list[float]

    @property
    def args(self) -> tuple[list[float], float, float]:
        return (self.derivatives, self.a, self.x)

    @property
    def order(self) -> int:
        return len(self.derivatives) - 1


def point_pair(
    rng: np.random.Generator, low: float, high: float, spread: float
) -> tuple[float, float]:
    """a in [low, high] with |a| ≥ 0.5, and x with 0.25 ≤ |x − a| ≤ spread."""
    while True:
        a = round(float(rng.uniform(low, high)), 3)
        if abs(a) >= 0.5:
            break
    h = float(rng.uniform(0.25, spread)) * float(rng.choice([-1.0, 1.0]))
    return a, round(a + h, 3)


def known_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for fn in KNOWN:
        a, x = point_pair(
            rng, fn.low, fn.high, 0.8 if fn.name == "ln x" else 1.2
        )
        n = int(rng.integers(2, MAX_ORDER + 1))
        cases.append(
            Case(fn, a, x, [float(v) for v in fn.derivatives(a, n)])
        )
    return cases


def check_known(value: Any, case: Case) -> None:
    where = f"taylor_eval({fmt(case.derivatives)}, {fmt(case.a)}, {fmt(case.x)})"
    got = as_number(value, where)
    want = taylor(*case.args)
    if close(got, want, RTOL, ATOL):
        return
    raise WrongAnswer(
        f"{where}, the order-{case.order} Taylor polynomial of {case.fn.name} around "
        f"a = {fmt(case.a)}: expected {fmt(want)}, got {fmt(got)} ({case.fn.name} itself "
        f"is {fmt(float(case.fn.f(case.x)))} there)",
        recognise([got], [case.args], TAYLOR_MISTAKES, RTOL, ATOL),
    )


def plot_known(value: Any, case: Case, axes: Any) -> None:
    """The function, its Taylor polynomial around a, and the answer's value at x."""
    lo, hi = min(case.a, case.x) - 0.6, max(case.a, case.x) + 0.6
    if case.fn.name == "ln x":
        lo = max(lo, 0.05)
    grid = np.linspace(lo, hi, 300)
    axes.plot(grid, case.fn.f(grid), color="black", label=case.fn.name)
    axes.plot(
        grid,
        [taylor(case.derivatives, case.a, t) for t in grid],
        color="tab:blue",
        linestyle="--",
        label=f"order {case.order} around a = {fmt(case.a)}",
    )
    axes.scatter(
        numbers([case.x]),
        numbers([value]),
        color="tab:orange",
        zorder=3,
        label="your taylor_eval",
    )
    axes.axvline(case.a, color="gray", linewidth=0.8, linestyle=":")
    axes.set_title(f"taylor_eval on {case.fn.name}")
    axes.set_xlabel("x")
    axes.legend()


# ---------------------------------------------------------------- hidden derivative values


def hidden_inputs(
    rng: np.random.Generator,
) -> list[tuple[list[float], float, float]]:
    """Orders 0 to 7 in a random order, derivatives in ±[0.2, 3], one input per order."""
    inputs = []
    for n in rng.permutation(8):
        signs = rng.choice([-1.0, 1.0], int(n) + 1)
        derivatives = [
            round(float(v), 3)
            for v in signs * rng.uniform(0.2, 3.0, int(n) + 1)
        ]
        a, x = point_pair(rng, -2.0, 2.0, 1.5)
        inputs.append((derivatives, a, x))
    return inputs


# ---------------------------------------------------------------- newton_step

NEWTON_MISTAKES = [
    KnownMistake(
        "this moves uphill: the minimum of f(a) + f′(a)·(x − a) + f″(a)/2·(x − a)² is at "
        "x = a − f′(a)/f″(a), against the slope (mind the sign).",
        lambda d, a: a + d[1] / d[2],
    ),
    KnownMistake(
        "this is half of Newton's step: the quadratic term is f″(a)/2!·(x − a)², whose "
        "derivative is f″(a)·(x − a). Without the 1/2! the step comes out halved.",
        lambda d, a: a - d[1] / (2 * d[2]),
    ),
    KnownMistake(
        "this is the step −f′(a)/f″(a) alone: newton_step returns the new point, "
        "a plus that step.",
        lambda d, a: -d[1] / d[2],
    ),
]


def newton_inputs(
    rng: np.random.Generator,
) -> list[tuple[list[float], float]]:
    inputs = []
    for _ in range(6):
        a, _ = point_pair(rng, -2.0, 2.0, 1.0)
        f0 = round(float(rng.uniform(-2, 2)), 3)
        f1 = round(
            float(rng.choice([-1.0, 1.0]) * rng.uniform(0.2, 3.0)), 3
        )
        f2 = round(float(rng.uniform(0.5, 4.0)), 3)
        inputs.append(([f0, f1, f2], a))
    return inputs


def tests(rng: np.random.Generator) -> list[Test]:
    known = known_cases(rng)
    return [
        each(
            "taylor_eval on eˣ, sin x, ln x and σ(x) near a",
            known,
            to_call=lambda case: call("taylor_eval", *case.args),
            check=check_known,
            passed=lambda cases: (
                "matches Σ f⁽ᵏ⁾(a)/k!·(x − a)ᵏ for "
                + ", ".join(f"{c.fn.name} (order {c.order})" for c in cases)
            ),
            plot=plot_known,
        ),
        function_test(
            "taylor_eval on hidden derivative values, orders 0 to 7",
            "taylor_eval",
            hidden_inputs(rng),
            taylor,
            arg_names=("derivatives", "a", "x"),
            rtol=RTOL,
            atol=ATOL,
            mistakes=TAYLOR_MISTAKES,
            what="Σ f⁽ᵏ⁾(a)/k!·(x − a)ᵏ",
        ),
        function_test(
            "newton_step: the minimum of the second-order Taylor polynomial",
            "newton_step",
            newton_inputs(rng),
            lambda d, a: a - d[1] / d[2],
            arg_names=("derivatives", "a"),
            rtol=RTOL,
            atol=ATOL,
            mistakes=NEWTON_MISTAKES,
            what="a − f′(a)/f″(a)",
        ),
    ]
