# expect: the components are swapped
"""Mistake: (∂f/∂y, ∂f/∂x) instead of (∂f/∂x, ∂f/∂y)."""

import numpy as np


def gradient(x, y):
    # variant: return ({b}*x + 2*{c}*y, 2*{a}*x + {b}*y)
    return (2 * y, 2 * x)


def steepest_ascent(f, x, y, h=0.0001):
    # Angles from the +y axis, as in the original course: dx = sin, dy = cos ...
    theta = np.radians(np.arange(0.0, 360.0, 0.1))
    rates = (f(x + h * np.sin(theta), y + h * np.cos(theta)) - f(x, y)) / h
    best = np.argmax(rates)
    # ... but the vector is then built the other way round.
    return rates[best] * np.cos(theta[best]), rates[best] * np.sin(
        theta[best]
    )
