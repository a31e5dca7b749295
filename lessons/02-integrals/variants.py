"""Lesson 2's variants: f(x) = a·x² + b·x + c, small whole numbers.

The course's own exercise is a = 3, b = −4, c = 0: F(x) = x³ − 2x² + C. A
variant keeps its idea and difficulty: a quadratic whose antiderivative
F(x) = (a/3)x³ + (b/2)x² + c·x has whole coefficients (a a multiple of 3, b
even, neither 0; c, sometimes 0, is the explanation's "a constant 5 → 5x"),
whose numbers stay small on [−2, 3] (|f| ≤ 60, the course's reaches 20), and
whose running sum from −2 (δx = 0.1) differs from F by nearly a constant, at
least 3 in size, so that the exercise's check figure means something. A
variant is never the course's own, and none of its known mistakes is the
course's own F (the feedback could not tell them apart).
"""

from calccourse.author import VariantRandom, polynomial, signed

COURSE = {"a": 3, "b": -4, "c": 0}

LOW, HIGH, STEP = -2.0, 3.0, 0.1
POINTS = [LOW + STEP * j for j in range(50)]  # np.arange(-2, 3, 0.1)

Cubic = tuple[
    float, float, float
]  # an antiderivative's x³, x² and x coefficients


def antiderivative(p: dict) -> Cubic:
    """F(x) = (a/3)x³ + (b/2)x² + c·x, as its coefficients."""
    return (p["a"] / 3, p["b"] / 2, p["c"])


def slips(p: dict) -> dict[str, Cubic]:
    """The known mistakes' answers, up to a constant, by their names: the
    coefficients of x³, x² and x."""
    a, b, c = p["a"], p["b"], p["c"]
    third, half = a / 3, b / 2
    found = {
        "differentiated instead": (0, 0, 2 * a),
        "f itself": (0, a, b),
        "powers not divided": (a, b, c),
        "4x² not halved": (third, b, c),
        "3x³ not divided by 3": (a, half, c),
        "sign slip (−2x²)": (third, -half, c),
        "all signs wrong": (-third, -half, -c),
    }
    if c:
        found["constant not integrated"] = (third, half, 0)
    return found


def gap(p: dict) -> list[float]:
    """The running sum of f(x)·δx (np.cumsum) minus F(x), on
    np.arange(-2, 3, 0.1)."""
    a, b, c = p["a"], p["b"], p["c"]
    third, half = a / 3, b / 2
    running, gaps = 0.0, []
    for x in POINTS:
        running += (a * x * x + b * x + c) * STEP
        gaps.append(running - (third * x**3 + half * x**2 + c * x))
    return gaps


def suits(p: dict) -> bool:
    """Whether f stays small on [−2, 3], the running sum differs from F by
    nearly a constant of some size, and no known mistake is the course's
    own F (nor two mistakes one answer)."""
    a, b, c = p["a"], p["b"], p["c"]
    grid = [LOW + (HIGH - LOW) * k / 500 for k in range(501)]
    if max(abs(a * x * x + b * x + c) for x in grid) > 60:
        return False
    gaps = gap(p)
    cubic = antiderivative(p)
    values = [
        cubic[0] * x**3 + cubic[1] * x**2 + cubic[2] * x for x in POINTS
    ]
    nearly = max(gaps) - min(gaps) <= 0.1 * (max(values) - min(values))
    own = antiderivative(COURSE)
    return (
        p != COURSE
        and nearly
        and abs(sum(gaps) / len(gaps)) >= 3
        and own not in slips(p).values()
        and len({*slips(p).values(), cubic}) == len(slips(p)) + 1
    )


def parameters(rng: VariantRandom) -> dict:
    while True:
        p = {
            "a": rng.choice([-9, -6, -3, 3, 6, 9]),
            "b": rng.choice([b for b in range(-12, 13, 2) if b]),
            "c": rng.integer(-9, 9),
        }
        if suits(p):
            return p


def number(value: float) -> str:
    """One decimal, no trailing ".0", a true minus: 16.9, 18, −4.3."""
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text.replace("-", "−")


def fields(p: dict) -> dict:
    """The exercise's, hints' and template's fields (docs/authoring.md)."""
    a, b, c = p["a"], p["b"], p["c"]
    gaps = gap(p)
    about = round(sum(gaps) / len(gaps))
    square, linear, constant = signed(a, "x²"), signed(b, "x"), signed(c)
    cube, half = signed(a / 3, "x³"), signed(b / 2, "x²")
    return {
        "f": polynomial([a, b, c]),
        "origin": " (the derivative from lesson 1)" if p == COURSE else "",
        "about": number(about),
        "low": number(min(gaps)),
        "high": number(max(gaps)),
        "below": "" if about > 0 else "; the running sum lies below F",
        # the terms one by one, with their signs: their results add up to F
        "square": square,
        "linear": linear,
        "constant_question": f" Which one has the derivative {constant}?"
        if c
        else "",
        "square_rule": f"{square} → {signed(a)}·x³/3 = {cube}",
        "linear_rule": f"{linear} → {signed(b)}·x²/2 = {half}",
        "constant_rule": (
            f"- {constant} → {signed(c, 'x')} (a constant is "
            f"{constant}·x⁰: raise the power to 1, divide by 1)\n"
            if c
            else ""
        ),
        "nearly": polynomial([a // 3, 0, 0, 0], code=True)
        + (" - ..." if b < 0 else " + ..."),
    }
