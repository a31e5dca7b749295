# expect: at every point: that is the gradient at
"""Mistake: the gradient at (1, 1), returned whatever the point."""

import numpy as np


def gradient(x, y):
    # variant: return [2*{a}*{px} + {b}*{py}, {b}*{px} + 2*{c}*{py}]
    return [2, 2]


def steepest_ascent(f, x, y, h=0.0001):
    theta = np.radians(np.arange(0.0, 360.0, 0.1))
    rates = (f(x + h * np.cos(theta), y + h * np.sin(theta)) - f(x, y)) / h
    best = np.argmax(rates)
    return rates[best] * np.cos(theta[best]), rates[best] * np.sin(
        theta[best]
    )
