# expect: np.arange(a, b, dx) puts a point at b by rounding
import numpy as np


def antiderivative(x):
    # variant: return {a}*x**3/3 + {b}*x**2/2 + {c}*x
    return x**3 - 2 * x**2


def area(f, a, b, dx):
    x = np.arange(a, b, dx)  # may hold a point at b by rounding
    return np.sum(f(x)) * dx
