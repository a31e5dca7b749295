# expect: for arguments in the order (p, q, r, s, t, u, x, y)
"""Mistake: a function answer whose parameters are in another order than documented."""

import numpy as np


def sigma(z):
    return 1 / (1 + np.exp(-z))


def jacobian(p, q, r, s, t, u, x, y):
    rows = []
    # variant: for a, b in (({x1}, {op1}{y1}), ({x2}, {op2}{y2}), ({x3}, {op3}{y3})):
    for a, b in ((p, q), (r, s), (t, u)):
        g = sigma(a * x + b * y)
        rows.append([a * g * (1 - g), b * g * (1 - g)])
    return np.array(rows)
