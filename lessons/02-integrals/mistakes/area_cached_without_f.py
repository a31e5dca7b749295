# expect: a cache whose key leaves out f
import functools

import numpy as np


def antiderivative(x):
    # variant: return {a}*x**3/3 + {b}*x**2/2 + {c}*x
    return x**3 - 2 * x**2


@functools.lru_cache
def strips(a, b, dx):
    return a + dx * np.arange(round((b - a) / dx))


_areas = {}


def area(f, a, b, dx):
    # Memoised on (a, b, dx) only: the second f on the same grid gets the first f's area.
    if (a, b, dx) not in _areas:
        _areas[(a, b, dx)] = float(np.sum(f(strips(a, b, dx))) * dx)
    return _areas[(a, b, dx)]
