"""Lesson 1's variants: f(x) = a·x³ + b·x² + c·x + d, small whole numbers.

The course's own exercise is a = 1, b = −2, c = 0, d = 1. A variant keeps
its idea and difficulty: a cubic whose every term the power rule changes
(a, b and d are never 0), whose slope falls and rises on [−2, 3] (each on
at least a fifth of it, steeply enough for the checker's test points), and
whose numbers stay small there (|f′| ≤ 90).
"""

from calccourse.author import VariantRandom, polynomial, signed

COURSE = {"a": 1, "b": -2, "c": 0, "d": 1}

LOW, HIGH = -2.0, 3.0
GRID = [LOW + (HIGH - LOW) * k / 500 for k in range(501)]


def slope(p: dict, x: float) -> float:
    return 3 * p["a"] * x**2 + 2 * p["b"] * x + p["c"]


def suits(p: dict) -> bool:
    """Whether f falls and rises steeply on a fifth of [−2, 3] each, and
    stays small."""
    slopes = [slope(p, x) for x in GRID]
    falling = sum(s < -1 for s in slopes) / len(slopes)
    rising = sum(s > 1 for s in slopes) / len(slopes)
    return falling >= 0.2 and rising >= 0.2 and max(map(abs, slopes)) <= 90


def parameters(rng: VariantRandom) -> dict:
    while True:
        # f′ = 3a·x² + 2b·x + c is what the answer gives: its coefficients
        # vary widely enough that a class of 30 rarely shares one
        p = {
            "a": rng.choice([-3, -2, -1, 1, 2, 3]),
            "b": rng.choice([-5, -4, -3, -2, -1, 1, 2, 3, 4, 5]),
            "c": rng.integer(-6, 6),
            "d": rng.choice([-3, -2, -1, 1, 2, 3]),
        }
        if suits(p):
            return p


def gap_of(p: dict, dx: float = 1e-4) -> tuple[str, str]:
    """The largest gap between the rate of change at dx and f′ on 500
    points of [−2, 3]: dx·|3a·x + b| + a·dx² (half of f″ times dx, and
    more), largest at an end; as "8e-4" and "−2"."""
    grid = [LOW + (HIGH - LOW) * k / 499 for k in range(500)]
    gap, where = max(
        (abs((3 * p["a"] * x + p["b"]) * dx + p["a"] * dx**2), x)
        for x in grid
    )
    mantissa, exponent = f"{gap:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}", f"{where:g}".replace("-", "−")


def rule(coefficient: int, exponent: int, sign: bool = False) -> str:
    """What the power rule makes of a term: "2·2x = 4x", "3x²"; with
    ``sign``, of the term with its sign: "−2·2x = −4x"."""
    lowered = "x" if exponent == 2 else "x²"
    size = coefficient if sign else abs(coefficient)
    if exponent == 1:
        return signed(size)
    if abs(size) == 1:
        return signed(size, f"{exponent}{lowered}")
    product = signed(size * exponent, lowered)
    return f"{signed(size)}·{exponent}{lowered} = {product}"


def fields(p: dict) -> dict:
    """The exercise's, hints' and template's fields (docs/authoring.md)."""
    a, b, c, d = p["a"], p["b"], p["c"], p["d"]
    gap, gap_at = gap_of(p)
    first = f"{3 * a} * x**2"
    stays = (
        f" (the factor {signed(b)} stays and multiplies)"
        if abs(b) != 1
        else ""
    )
    return {
        "f": polynomial([a, b, c, d]),
        "fprime": polynomial([3 * a, 2 * b, c]),
        # the terms one by one, with their signs: their results add up to f′
        "cubic": signed(a, "x³"),
        "cubic_rule": rule(a, 3, sign=True),
        "square": signed(b, "x²"),
        "square_rule": rule(b, 2, sign=True) + stays,
        "linear_question": f" Of {signed(c, 'x')}?" if c else "",
        "linear_rule": f"- {signed(c, 'x')} → {signed(c)}\n" if c else "",
        "constant": signed(d),
        "count": "four" if c else "three",
        "nearly": first + (" - ..." if b < 0 else " + ..."),
        "gap": gap,
        "gap_at": gap_at,
    }
