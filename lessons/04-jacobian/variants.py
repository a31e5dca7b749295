"""Lesson 4's variants: which constants go with which output, and how.

f(x, y) = (σ(x1·x ± y1·y), σ(x2·x ± y2·y), σ(x3·x ± y3·y)): the six
constants p, q, r, s, t, u are dealt to the six places (``x1`` … ``y3``
name the one multiplying x or y in output 1, 2, 3), and the y term of each
output is added or subtracted (``op1`` … ``op3``, "+" or "-"). The course's
own exercise is (σ(px + qy), σ(rx + sy), σ(tx + uy)). A variant keeps the
answer's contract (the symbols x, y, p, …, u by name; a function
jacobian(x, y, p, q, r, s, t, u)) and its idea: one chain rule per entry,
whose inner derivative is a constant or its opposite; only which constant,
where, and the signs change. Its spot value has other constants (0.5, 1,
…, 3 in some order, each with a sign: no two the same size, so that the
spot value tells the outputs apart) and another point (tenths in
[−0.9, 0.9]), where no σ is flat (|z| ≤ 2.5).
"""

import math

from calccourse.author import VariantRandom

SYMBOLS = ("p", "q", "r", "s", "t", "u")
PLACES = ("x1", "y1", "x2", "y2", "x3", "y3")
OPS = ("op1", "op2", "op3")

COURSE = {
    "x1": "p",
    "y1": "q",
    "op1": "+",
    "x2": "r",
    "y2": "s",
    "op2": "+",
    "x3": "t",
    "y3": "u",
    "op3": "+",
    # the spot value: the constants and the point (x, y)
    "p": 1,
    "q": 2,
    "r": -1,
    "s": 0.5,
    "t": 3,
    "u": -2,
    "at_x": 0.3,
    "at_y": -0.4,
}

SIZES = (0.5, 1, 1.5, 2, 2.5, 3)
TENTHS = tuple(k / 10 for k in range(-9, 10) if k)

# an output: the constant by x, the one by y, the sign of the y term
Row = tuple[str, str, int]


def rows_of(p: dict) -> tuple[Row, Row, Row]:
    """The outputs' (constant by x, constant by y, sign of the y term)."""
    row1, row2, row3 = (
        (p[f"x{i}"], p[f"y{i}"], -1 if p[f"op{i}"] == "-" else 1)
        for i in (1, 2, 3)
    )
    return row1, row2, row3


def sigma(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def spot_matrix(p: dict) -> list[list[float]]:
    """The Jacobian at the spot value: row i is (a·σᵢ′, ±b·σᵢ′)."""
    matrix = []
    for a, b, sign in rows_of(p):
        z = p[a] * p["at_x"] + sign * p[b] * p["at_y"]
        slope = sigma(z) * (1 - sigma(z))
        matrix.append([p[a] * slope, sign * p[b] * slope])
    return matrix


def suits(p: dict) -> bool:
    """Whether the variant's answer differs from the course's own and no σ
    is flat at the spot value."""
    if rows_of(p) == rows_of(COURSE):
        return False
    return all(
        abs(p[a] * p["at_x"] + sign * p[b] * p["at_y"]) <= 2.5
        for a, b, sign in rows_of(p)
    )


def deal(rng: VariantRandom, items: tuple) -> list:
    """``items`` in a random order."""
    left = list(items)
    return [left.pop(rng.integer(0, len(left) - 1)) for _ in items]


def parameters(rng: VariantRandom) -> dict:
    while True:
        # 720 ways to deal the constants to the places, 8 of signing the
        # y terms: 5760 Jacobians, so that a class of 30 rarely shares one
        p: dict = dict(zip(PLACES, deal(rng, SYMBOLS)))
        p.update({op: rng.choice(("+", "-")) for op in OPS})
        sizes = deal(rng, SIZES)
        p.update(
            {
                name: size * rng.choice((1, -1))
                for name, size in zip(SYMBOLS, sizes)
            }
        )
        p.update(at_x=rng.choice(TENTHS), at_y=rng.choice(TENTHS))
        if suits(p):
            return p


def number(value: float) -> str:
    """A number as the texts write it: "2", "0.5", "−1"."""
    return f"{value:g}".replace("-", "−")


def term(a: str, b: str, sign: int) -> str:
    """An output's inner function as it reads: "px + qy", "sx − ry"."""
    return f"{a}x {'−' if sign < 0 else '+'} {b}y"


def factor(b: str, sign: int) -> str:
    """The inner derivative by y: "q" or "−q"."""
    return f"−{b}" if sign < 0 else b


def entry(value: float) -> str:
    return f"{value:10.6f}".replace("-", "−")


def matrix_text(matrix: list[list[float]]) -> str:
    """The spot value's 3 × 2 matrix as the exercise shows it (indented)."""
    brackets = (("⎡", "⎤"), ("⎢", "⎥"), ("⎣", "⎦"))
    return "\n".join(
        f"    {left}{entry(a)} {entry(b)} {right}"
        for (left, right), (a, b) in zip(brackets, matrix)
    )


def outputs(p: dict, between: str = ", ") -> str:
    """The three outputs: "σ(px + qy), σ(rx + sy), σ(tx + uy)"."""
    return outputs_of(rows_of(p), between)


def outputs_of(rows: tuple[Row, ...], between: str = ", ") -> str:
    """The three outputs of these rows (constant by x, by y, sign)."""
    return between.join(f"σ({term(*row)})" for row in rows)


def fields(p: dict) -> dict:
    """The exercise's, hints' and template's fields (docs/authoring.md)."""
    (a1, b1, s1), row2, row3 = rows_of(p)
    code = ", ".join(
        f"sigma({a} * x {'-' if sign < 0 else '+'} {b} * y)"
        for a, b, sign in rows_of(p)
    )
    values = [f"{name}: {p[name]:g}" for name in SYMBOLS]
    values += [f"x: {p['at_x']:g}", f"y: {p['at_y']:g}"]
    return {
        "f": f"({outputs(p)})",
        "outputs": outputs(p, ",  "),
        "constants": ", ".join(number(p[name]) for name in SYMBOLS),
        "point": f"({number(p['at_x'])}, {number(p['at_y'])})",
        "spot_matrix": matrix_text(spot_matrix(p)),
        "z1": term(a1, b1, s1),
        "row1_x": a1,
        "row1_y": factor(b1, s1),
        "pair2": f"({row2[0]}, {factor(row2[1], row2[2])})",
        "z2": term(*row2),
        "pair3": f"({row3[0]}, {factor(row3[1], row3[2])})",
        "z3": term(*row3),
        "sympy_f": f"f = sp.Matrix(\n    [{code}]\n)",
        "subs": "{" + ", ".join(values) + "}",
    }
