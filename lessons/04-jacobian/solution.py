"""Lesson 4: the Jacobian of three sigmoids, found with SymPy.

f(x, y) = (σ(px + qy), σ(rx + sy), σ(tx + uy)).

Check it with:  calccourse check 4 lesson04.py
"""

import sympy as sp

x, y, p, q, r, s, t, u = sp.symbols("x y p q r s t u")


def sigma(z):
    """The logistic sigmoid σ(z) = 1/(1 + e^(−z)), as a SymPy expression."""
    return 1 / (1 + sp.exp(-z))


f = sp.Matrix(
    [
        # variant: sigma({x1} * x {op1} {y1} * y),
        sigma(p * x + q * y),
        # variant: sigma({x2} * x {op2} {y2} * y),
        sigma(r * x + s * y),
        # variant: sigma({x3} * x {op3} {y3} * y),
        sigma(t * x + u * y),
    ]
)

# Row i: the partial derivatives of output i by x and by y
# (3 outputs, 2 inputs: 3 × 2).
jacobian = f.jacobian([x, y])


if __name__ == "__main__":
    # By hand: σ′(z) = σ(z)(1 − σ(z)), times the inner derivative
    # (p or q, r or s, t or u).
    inner = [
        # variant: ({x1}, {op1}{y1}),
        (p, q),
        # variant: ({x2}, {op2}{y2}),
        (r, s),
        # variant: ({x3}, {op3}{y3}),
        (t, u),
    ]
    by_hand = sp.Matrix(
        [
            [a * sg * (1 - sg), b * sg * (1 - sg)]
            for (a, b), sg in zip(inner, f)
        ]
    )
    print(
        "SymPy equals the hand-made matrix:",
        sp.simplify(jacobian - by_hand) == sp.zeros(3, 2),
    )
    # variant: spot = {{p: {p}, q: {q}, r: {r}, s: {s}, t: {t}, u: {u}}}
    spot = {p: 1, q: 2, r: -1, s: 0.5, t: 3, u: -2}
    # variant: spot.update({{x: {at_x}, y: {at_y}}})
    spot.update({x: 0.3, y: -0.4})
    for row in jacobian.subs(spot).tolist():
        print("  ".join(f"{float(value):10.6f}" for value in row))
