# expect: This looks like the running sum
import numpy as np


def antiderivative(x):
    # variant: return {a}*x**3/3 + {b}*x**2/2 + {c}*x
    return x**3 - 2 * x**2


def area(f, a, b, dx):
    x = a + dx * np.arange(round((b - a) / dx))
    return np.cumsum(f(x) * dx)
