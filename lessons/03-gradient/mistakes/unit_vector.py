# expect: this is a unit vector
"""Mistake: only the direction of steepest ascent (length 1), not the gradient."""

import numpy as np


def gradient(x, y):
    # variant: g = np.array([2*{a}*x + {b}*y, {b}*x + 2*{c}*y])
    g = np.array([2 * x, 2 * y])
    return g / np.linalg.norm(g)


def steepest_ascent(f, x, y, h=0.0001):
    theta = np.radians(np.arange(0.0, 360.0, 0.1))
    rates = (f(x + h * np.cos(theta), y + h * np.sin(theta)) - f(x, y)) / h
    best = np.argmax(rates)
    return np.cos(theta[best]), np.sin(theta[best])
