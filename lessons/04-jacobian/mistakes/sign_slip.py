# expect: Every entry has the opposite sign
"""σ written as 1/(1 + e^z), without the minus in the exponent; SymPy then differentiates that."""

import sympy as sp

x, y, p, q, r, s, t, u = sp.symbols("x y p q r s t u")


def sigma(z):
    return 1 / (1 + sp.exp(z))


f = sp.Matrix(
    [sigma(p * x + q * y), sigma(r * x + s * y), sigma(t * x + u * y)]
)
jacobian = f.jacobian([x, y])
