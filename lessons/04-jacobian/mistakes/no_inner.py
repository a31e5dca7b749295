# expect: without the inner derivative
"""σ′ = σ(1 − σ) in every entry, but without the chain rule's factor p, q, r, s, t or u."""

import numpy as np


def sigma(z):
    return 1 / (1 + np.exp(-z))


def jacobian(x, y, p, q, r, s, t, u):
    rows = []
    # variant: for a, b in [({x1}, {op1}{y1}), ({x2}, {op2}{y2}), ({x3}, {op3}{y3})]:
    for a, b in [(p, q), (r, s), (t, u)]:
        sg = sigma(a * x + b * y)
        rows.append([sg * (1 - sg), sg * (1 - sg)])
    return np.array(rows)
