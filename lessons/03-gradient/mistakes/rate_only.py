# expect: this is only the rate of change |∇f|
"""Mistake: the fastest rate of change, a number, instead of the gradient vector."""

import numpy as np


def gradient(x, y):
    # variant: return np.sqrt((2*{a}*x + {b}*y) ** 2 + ({b}*x + 2*{c}*y) ** 2)
    return np.sqrt((2 * x) ** 2 + (2 * y) ** 2)


def steepest_ascent(f, x, y, h=0.0001):
    theta = np.radians(np.arange(0.0, 360.0, 0.1))
    rates = (f(x + h * np.cos(theta), y + h * np.sin(theta)) - f(x, y)) / h
    return rates.max()
