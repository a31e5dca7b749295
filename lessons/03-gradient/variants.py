"""Lesson 3's variants: f(x, y) = a·x² + b·xy + c·y², ∇f at (px, py).

The course's own exercise is x² + y² at (1, 1): a = c = 1, b = 0. A variant
keeps its idea and difficulty: a quadratic in x and y with small whole
coefficients (a and c never 0, a cross term b·xy in most variants, as
"pretend y is fixed" handles it too), whose gradient (2a·x + b·y,
b·x + 2c·y) is worked out by hand and then at a point with small whole
coordinates. Left out: f that is a square, such as (x + y)², whose
gradient vanishes on a whole line and whose two partial derivatives can
be equal everywhere (a swap of the components would not show); the
course's own f at another point (its shipped solution would pass); points
where the gradient's two components are equal (the swap would not show
there either); and points where the gradient points within 3° of a
multiple of 10° (the course's points at 45°: a search in 10° steps, too
coarse for the 2° steepest_ascent may be off, fails on the exercise's own
f as it fails on the course's). Every gradient at a point is a
whole-number vector other than 0, so its length is at least 1, as the
answer contract promises steepest_ascent.
"""

from __future__ import annotations

import math

from calccourse.author import VariantRandom

COURSE = {"a": 1, "b": 0, "c": 1, "px": 1, "py": 1}

MINUS = "−"


def gradient_at(p: dict, x: float, y: float) -> tuple[float, float]:
    """∇f(x, y) = (2a·x + b·y, b·x + 2c·y) for the parameters ``p``."""
    return (
        2 * p["a"] * x + p["b"] * y,
        p["b"] * x + 2 * p["c"] * y,
    )


def same_f(p: dict, q: dict) -> bool:
    """Whether ``p`` and ``q`` have the same f (their points may differ)."""
    return all(p[k] == q[k] for k in "abc")


def suits(p: dict) -> bool:
    """f is no square (4ac ≠ b²), and at (px, py) the gradient is not 0, its
    two components differ and it points at least 3° away from every
    multiple of 10°."""
    if 4 * p["a"] * p["c"] == p["b"] ** 2:
        return False
    gx, gy = gradient_at(p, p["px"], p["py"])
    if (gx, gy) == (0, 0) or gx == gy:
        return False
    off = math.degrees(math.atan2(gy, gx)) % 10
    return 3 <= off <= 7


def parameters(rng: VariantRandom) -> dict:
    while True:
        # ∇f = (2a·x + b·y, b·x + 2c·y) is what the answer gives: with a
        # and c in ±1…4 and b in −4…4 there are about 550 of them.
        p = {
            "a": rng.choice([-4, -3, -2, -1, 1, 2, 3, 4]),
            "b": rng.integer(-4, 4),
            "c": rng.choice([-4, -3, -2, -1, 1, 2, 3, 4]),
            "px": rng.integer(-2, 2),
            "py": rng.integer(-2, 2),
        }
        # not the course's f: its shipped solution fails every variant
        if not same_f(p, COURSE) and suits(p):
            return p


def number(value: float) -> str:
    """A number as the texts write it: 2, −3, 0.5 (a typographic minus)."""
    text = str(int(value)) if float(value).is_integer() else f"{value:g}"
    return text.replace("-", MINUS)


def combination(terms: list[tuple[int, str]], code: bool = False) -> str:
    """Whole multiples of monomials as they read: [(3, "x²"), (1, "xy"),
    (-2, "y²")] -> "3x² + xy − 2y²" (no "+ −", "1x" or "0x"; the monomial
    "" is a constant); with ``code``, the monomials written as code:
    "3 * x**2 + x * y - 2 * y**2"."""
    minus, times = ("-", " * ") if code else (MINUS, "")
    text = ""
    for coefficient, monomial in terms:
        if coefficient == 0:
            continue
        size = abs(coefficient)
        if not monomial:  # a constant
            term = str(size)
        else:
            term = monomial if size == 1 else f"{size}{times}{monomial}"
        if not text:
            text = minus + term if coefficient < 0 else term
        else:
            text += f" {minus if coefficient < 0 else '+'} {term}"
    return text or "0"


def f_text(p: dict) -> str:
    """f as it reads: "x² + y²", "3x² + xy − 2y²"."""
    return combination([(p["a"], "x²"), (p["b"], "xy"), (p["c"], "y²")])


def f_code(p: dict) -> str:
    """f as NumPy reads it: "x**2 + y**2", "3 * x**2 + x * y - 2 * y**2"."""
    return combination(
        [(p["a"], "x**2"), (p["b"], "x * y"), (p["c"], "y**2")], code=True
    )


def partials(p: dict, sign: int = 1, code: bool = False) -> tuple[str, str]:
    """∂f/∂x and ∂f/∂y as they read ("2x", "2y"), times ``sign``."""
    a, b, c = (sign * p[k] for k in "abc")
    return (
        combination([(2 * a, "x"), (b, "y")], code),
        combination([(b, "x"), (2 * c, "y")], code),
    )


def pair(values: tuple[float, float]) -> str:
    """(2, −1)."""
    return f"({number(values[0])}, {number(values[1])})"


def length_of(gx: int, gy: int) -> str:
    """|∇f| worked out: "√(2² + 2²) = 2√2 ≈ 2.828", "√(3² + (−4)²) = 5"."""
    square = gx * gx + gy * gy
    outside = max(
        k for k in range(1, math.isqrt(square) + 1) if square % (k * k) == 0
    )
    inside = square // (outside * outside)
    terms = " + ".join(
        f"{number(g)}²" if g >= 0 else f"({number(g)})²" for g in (gx, gy)
    )
    if inside == 1:
        return f"√({terms}) = {outside}"
    exact = f"{outside}√{inside}" if outside > 1 else f"√{square}"
    return f"√({terms}) = {exact} ≈ {math.sqrt(square):.3f}"


def angle_of(gx: int, gy: int) -> str:
    """The gradient's direction: "45°" (the diagonal), else "−26.57° from
    the +x axis"."""
    degrees = round(math.degrees(math.atan2(gy, gx)), 2)
    text = number(degrees) + "°"
    return text if degrees == 45 else f"{text} from the +x axis"


def fields(p: dict) -> dict:
    """The exercise's, hints' and template's fields (docs/authoring.md)."""
    gx, gy = (int(g) for g in gradient_at(p, p["px"], p["py"]))
    dfdx, dfdy = partials(p)
    code = partials(p, code=True)
    # the template's docstring keeps within 76 columns, as lesson code does
    opening = '    """Return the gradient (∂f/∂x, ∂f/∂y) of f(x, y) = '
    wide = len(opening + f_text(p) + " at (x, y),") > 76
    return {
        "f": f_text(p),
        "f_at": f_text(p)
        + (
            "\n    at (x, y), as a pair."
            if wide
            else " at (x, y),\n    as a pair."
        ),
        "point": pair((p["px"], p["py"])),
        # f with y held at 5, as the first hint has it: "x² + 25"
        "fixed": combination(
            [(p["a"], "x²"), (5 * p["b"], "x"), (25 * p["c"], "")]
        ),
        "dfdx": dfdx,
        "dfdy": dfdy,
        "code": f"({code[0]}, {code[1]})",
        "value": pair((gx, gy)),
        "angle": angle_of(gx, gy),
        "length": length_of(gx, gy),
    }
