"""Lesson 6's variants: f(x) = a·log x + b·x on x > 0, small whole numbers.

The course's own exercise is a = 1, b = 0: log x, whose f′ = 1/x is never
0. A variant keeps its idea (where is f′ = 0, and what does that say about
a maximum or a minimum?) and its difficulty (one rule, d/dx log x = 1/x,
and one line of algebra): f′(x) = a/x + b is 0 at x = −a/b, a point of the
domain x > 0 only when a and b have opposite signs; then f″(x) = −a/x²
says which: a maximum when a > 0, a minimum when a < 0. When a and b have
one sign, f′ is never 0 and f rises (or falls) for every x > 0, as log x.

a and b are drawn from ±1 … ±8 each: about half the variants have a
critical point, at a simple fraction from 1/8 to 8, and half have none.
b is never 0 (log x scaled: the course's own idea), and a ≠ −b (a critical
point at x = 1, where log x = 0, would make the course's known mistake,
"a critical point at 1", right).
"""

from __future__ import annotations

from fractions import Fraction

from calccourse.author import VariantRandom

COURSE = {"a": 1, "b": 0}

SIZES = [-8, -7, -6, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6, 7, 8]


def parameters(rng: VariantRandom) -> dict:
    """One variant: a and b from ±1 … ±8, a critical point never at 1."""
    while True:
        p = {"a": rng.choice(SIZES), "b": rng.choice(SIZES)}
        if p["a"] + p["b"] != 0:
            return p


def critical_point(p: dict) -> Fraction | None:
    """Where f′(x) = a/x + b is 0 with x > 0: −a/b when a and b have
    opposite signs."""
    a, b = p["a"], p["b"]
    if b == 0 or a * b > 0:
        return None
    return Fraction(-a, b)


def number(value: Fraction | int) -> str:
    """A fraction as it reads: "2/3", "3", "−1/2"."""
    return str(value).replace("-", "−")


def times(coefficient: int, what: str) -> str:
    """A term without its sign: (2, "log x") -> "2·log x", (1, "log x")
    -> "log x", (3, "x") -> "3x"."""
    size = abs(coefficient)
    if size == 1:
        return what
    return f"{size}·{what}" if what.startswith("log") else f"{size}{what}"


def plus(coefficient: int, term: str) -> str:
    """A term added after another: " + 3x", " − x"."""
    return f" {'−' if coefficient < 0 else '+'} {term}"


def f_of(p: dict) -> str:
    """f as it reads: "log x", "2·log x − 3x", "−log x + x"."""
    a, b = p["a"], p["b"]
    text = ("−" if a < 0 else "") + times(a, "log x")
    return text + plus(b, times(b, "x")) if b else text


def fprime_of(p: dict) -> str:
    """f′ as it reads: "1/x", "2/x − 3", "−1/x + 5"."""
    a, b = p["a"], p["b"]
    text = f"{'−' if a < 0 else ''}{abs(a)}/x"
    return text + plus(b, str(abs(b))) if b else text


def fsecond_of(p: dict) -> str:
    """f″ as it reads: "−2/x²" (a > 0), "3/x²" (a < 0)."""
    a = p["a"]
    return f"{'−' if a > 0 else ''}{abs(a)}/x²"


def kind(p: dict) -> str:
    """ "maximum" or "minimum" at the critical point: f″ = −a/x² decides."""
    return "maximum" if p["a"] > 0 else "minimum"


# The course's own hints, word for word: log x has no critical point.
COURSE_HINTS = {
    "hint_rule": (
        "The derivative of log x is one of the rules worth knowing by "
        "heart. It is not\nanother logarithm, and it is not a power rule "
        "step on log either."
    ),
    "hint_zero": (
        "d/dx log x = 1/x. Can a fraction with 1 on top ever be 0? As x "
        "grows, 1/x gets\nsmall, but it never reaches 0. So there is no x "
        "where f′(x) = 0:\n`critical_points = []`. (log 1 = 0, but that is "
        "a zero of f, not of f′.)"
    ),
    "hint_extremum": (
        "No critical point means no maximum and no minimum: log x rises "
        "for every x > 0\n(f′ = 1/x > 0), towards +∞ slowly, and falls to "
        "−∞ as x → 0⁺. So `has_extremum = False`."
    ),
}


def hints_of(p: dict) -> dict[str, str]:
    """The hints about f: its derivative, its critical points, extremum."""
    a, b = p["a"], p["b"]
    fprime, point = fprime_of(p), critical_point(p)
    log_term = ("−" if a < 0 else "") + times(a, "log x")
    rule = (
        "The derivative of log x is one of the rules worth knowing by "
        "heart. It is not another logarithm, and it is not a power rule "
        "step on log either. Then take f term by term: what is the "
        f"derivative of {log_term}? Of {times(b, 'x')}?"
    )
    if abs(a) != 1:
        term = f"({log_term})" if a < 0 else log_term
        rule += (
            f" (A constant factor stays: d/dx {term} = "
            f"{number(a)}·(d/dx log x).)"
        )
    if point is None:
        sign = "positive" if a > 0 else "negative"
        zero = (
            f"d/dx log x = 1/x, so f′(x) = {fprime}. For x > 0, "
            f"{number(a)}/x is {sign}, and so is {number(b)}: their sum "
            f"is never 0. (Solving {fprime} = 0 gives "
            f"x = {number(Fraction(-a, b))}, outside the domain x > 0.) So "
            "there is no x where f′(x) = 0: `critical_points = []`."
        )
        ends = (
            "falls to −∞ as x → 0⁺ and rises to +∞"
            if a > 0
            else "rises to +∞ as x → 0⁺ and falls to −∞"
        )
        extremum = (
            "No critical point means no maximum and no minimum: f "
            f"{'rises' if a > 0 else 'falls'} for every x > 0 (f′ is "
            f"{sign} everywhere); it {ends} as x → ∞. So "
            "`has_extremum = False`."
        )
    else:
        shown = number(point)
        zero = (
            f"d/dx log x = 1/x, so f′(x) = {fprime}. It is 0 where "
            f"{abs(a)}/x = {abs(b)}, that is x = {shown}, and {shown} > 0 "
            f"is in the domain: `critical_points = [{shown}]`."
        )
        before, after = ("+", "−") if a > 0 else ("−", "+")
        extremum = (
            f"f″(x) = {fsecond_of(p)} is "
            f"{'negative' if a > 0 else 'positive'} for every x > 0, so "
            f"f′ changes from {before} to {after} at x = {shown}: a "
            f"{kind(p)}, f({shown}), and the only one. So "
            "`has_extremum = True`."
        )
    return {"hint_rule": rule, "hint_zero": zero, "hint_extremum": extremum}


def fields(p: dict) -> dict[str, str]:
    """The exercise's, hints' and template's fields (docs/authoring.md)."""
    if p == COURSE:
        return {
            "f": "log x",
            "natural": " (the natural logarithm)",
            "name": "log x",
            "defined": "log x",
            "tolerance": "",
            **COURSE_HINTS,
        }
    return {
        "f": f_of(p),
        "natural": " (log is the natural logarithm)",
        "name": "f",
        "defined": f"f(x) = {f_of(p)}",
        "tolerance": (
            "\n  Each point is compared with the exact one to 1e-6 "
            "(relative and absolute)."
        ),
        **hints_of(p),
    }
