# expect: one step too few
import numpy as np


def antiderivative(x):
    # variant: return {a}*x**3/3 + {b}*x**2/2 + {c}*x
    return x**3 - 2 * x**2


def area(f, a, b, dx):
    steps = round((b - a) / dx)
    x = a + dx * np.arange(1, steps)  # starts one step in, stops before b
    return np.sum(f(x)) * dx
