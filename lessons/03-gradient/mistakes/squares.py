# expect: the squares themselves: differentiate each term
"""Mistake: the squares themselves instead of their derivatives."""

import numpy as np


def gradient(x, y):
    # variant: return ({a} * x**2, {c} * y**2)
    return (x**2, y**2)


def steepest_ascent(f, x, y, h=0.0001):
    theta = np.radians(np.arange(0.0, 360.0, 0.1))
    rates = (f(x + h * np.cos(theta), y + h * np.sin(theta)) - f(x, y)) / h
    best = np.argmax(rates)
    return rates[best] * np.cos(theta[best]), rates[best] * np.sin(
        theta[best]
    )
