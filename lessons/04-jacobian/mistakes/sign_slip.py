# expect: Every entry has the opposite sign
"""σ written as 1/(1 + e^z), without the minus in the exponent; SymPy then differentiates that."""

import sympy as sp

x, y, p, q, r, s, t, u = sp.symbols("x y p q r s t u")


def sigma(z):
    return 1 / (1 + sp.exp(z))


f = sp.Matrix(
    # variant: [sigma({x1} * x {op1} {y1} * y), sigma({x2} * x {op2} {y2} * y), sigma({x3} * x {op3} {y3} * y)]
    [sigma(p * x + q * y), sigma(r * x + s * y), sigma(t * x + u * y)]
)
jacobian = f.jacobian([x, y])
