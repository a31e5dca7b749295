# expect: this looks like 1/x²
"""Mistake: 1/x² instead of 1/x (a power rule applied where it does not belong)."""

import numpy as np
from scipy.optimize import brentq


def derivative(x):
    return 1 / x**2


critical_points = []
has_extremum = False


def find_critical_points(f, a, b, h=1e-6, n=2001):
    def f_prime(x):
        return (f(x + h) - f(x - h)) / (2 * h)

    xs = np.linspace(a, b, n)
    slopes = f_prime(xs)
    changes = np.flatnonzero(slopes[:-1] * slopes[1:] < 0)
    return [brentq(f_prime, xs[i], xs[i + 1]) for i in changes]
