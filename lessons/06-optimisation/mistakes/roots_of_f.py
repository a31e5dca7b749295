# expect: these are the zeros of f itself
"""Mistake: find_critical_points looks for sign changes of f instead of f′."""

import numpy as np
from scipy.optimize import brentq


def derivative(x):
    # variant: return {a} / x + {b}
    return 1 / x


# variant: critical_points = [-({a}) / ({b})] if {a} * {b} < 0 else []
critical_points = []
# variant: has_extremum = {a} * {b} < 0
has_extremum = False


def find_critical_points(f, a, b, n=2001):
    xs = np.linspace(a, b, n)
    values = f(xs)
    return [
        brentq(f, xs[i], xs[i + 1])
        for i in range(n - 1)
        if values[i] * values[i + 1] < 0
    ]
