# expect: is σ(z)·(1 − σ(z)), not σ(z) itself
"""Keeps the inner derivative but uses σ where σ′ = σ(1 − σ) belongs."""

from sympy import exp, symbols

x, y, p, q, r, s, t, u = symbols("x y p q r s t u", real=True)


def sigma(z):
    return 1 / (1 + exp(-z))


jacobian = [
    # variant: [{x1} * sigma({x1} * x {op1} {y1} * y), {op1}{y1} * sigma({x1} * x {op1} {y1} * y)],
    [p * sigma(p * x + q * y), q * sigma(p * x + q * y)],
    # variant: [{x2} * sigma({x2} * x {op2} {y2} * y), {op2}{y2} * sigma({x2} * x {op2} {y2} * y)],
    [r * sigma(r * x + s * y), s * sigma(r * x + s * y)],
    # variant: [{x3} * sigma({x3} * x {op3} {y3} * y), {op3}{y3} * sigma({x3} * x {op3} {y3} * y)],
    [t * sigma(t * x + u * y), u * sigma(t * x + u * y)],
]
