# expect: p·σ instead of p·σ(1 − σ)
"""Keeps the inner derivative but uses σ where σ′ = σ(1 − σ) belongs."""

from sympy import exp, symbols

x, y, p, q, r, s, t, u = symbols("x y p q r s t u", real=True)


def sigma(z):
    return 1 / (1 + exp(-z))


jacobian = [
    [p * sigma(p * x + q * y), q * sigma(p * x + q * y)],
    [r * sigma(r * x + s * y), s * sigma(r * x + s * y)],
    [t * sigma(t * x + u * y), u * sigma(t * x + u * y)],
]
