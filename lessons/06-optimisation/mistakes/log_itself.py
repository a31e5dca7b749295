# expect: itself: differentiate it
"""Mistake: log x instead of its derivative."""

import numpy as np
from scipy.optimize import brentq


def derivative(x):
    # variant: return {a} * np.log(x) + {b} * x
    return np.log(x)


# variant: critical_points = [-({a}) / ({b})] if {a} * {b} < 0 else []
critical_points = []
# variant: has_extremum = {a} * {b} < 0
has_extremum = False


def find_critical_points(f, a, b, h=1e-6, n=2001):
    def f_prime(x):
        return (f(x + h) - f(x - h)) / (2 * h)

    xs = np.linspace(a, b, n)
    slopes = f_prime(xs)
    changes = np.flatnonzero(slopes[:-1] * slopes[1:] < 0)
    return [brentq(f_prime, xs[i], xs[i + 1]) for i in changes]
