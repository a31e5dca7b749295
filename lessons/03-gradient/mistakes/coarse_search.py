# expect: the direction is not precise enough
"""Mistake: only 36 directions (10° apart): the best of them can be 5° off."""

import numpy as np


def gradient(x, y):
    # variant: return (2*{a}*x + {b}*y, {b}*x + 2*{c}*y)
    return (2 * x, 2 * y)


def steepest_ascent(f, x, y, h=0.0001):
    theta = np.radians(np.arange(0.0, 360.0, 10.0))
    rates = (f(x + h * np.cos(theta), y + h * np.sin(theta)) - f(x, y)) / h
    best = np.argmax(rates)
    return (
        rates[best] * np.cos(theta[best]),
        rates[best] * np.sin(theta[best]),
    )
