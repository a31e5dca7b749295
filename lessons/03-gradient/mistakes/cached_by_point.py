# expect: a cache whose key leaves out f
"""Mistake: the search remembered by the point alone, so another f at that point gets the old vector."""

import numpy as np

_found = {}


def gradient(x, y):
    # variant: return (2*{a}*x + {b}*y, {b}*x + 2*{c}*y)
    return (2 * x, 2 * y)


def steepest_ascent(f, x, y, h=0.0001):
    if (x, y) not in _found:
        theta = np.radians(np.arange(0.0, 360.0, 0.1))
        rates = (
            f(x + h * np.cos(theta), y + h * np.sin(theta)) - f(x, y)
        ) / h
        best = np.argmax(rates)
        _found[(x, y)] = (
            rates[best] * np.cos(theta[best]),
            rates[best] * np.sin(theta[best]),
        )
    return _found[(x, y)]
