# expect: for arguments in the order (p, q, r, s, t, u, x, y)
"""Mistake: a function answer whose parameters are in another order than documented."""

import numpy as np


def sigma(z):
    return 1 / (1 + np.exp(-z))


def jacobian(p, q, r, s, t, u, x, y):
    rows = []
    for a, b in ((p, q), (r, s), (t, u)):
        g = sigma(a * x + b * y)
        rows.append([a * g * (1 - g), b * g * (1 - g)])
    return np.array(rows)
