# expect: This is the transpose of the Jacobian
"""Puts the derivatives by x in row 1 and by y in row 2: a 2 × 3 matrix, the transpose."""

import sympy as sp

x, y, p, q, r, s, t, u = sp.symbols("x y p q r s t u")
sigma = lambda z: 1 / (1 + sp.exp(-z))  # noqa: E731
# variant: outputs = [sigma({x1} * x {op1} {y1} * y), sigma({x2} * x {op2} {y2} * y), sigma({x3} * x {op3} {y3} * y)]
outputs = [sigma(p * x + q * y), sigma(r * x + s * y), sigma(t * x + u * y)]

jacobian = sp.Matrix(
    [
        [sp.diff(out, x) for out in outputs],
        [sp.diff(out, y) for out in outputs],
    ]
)
