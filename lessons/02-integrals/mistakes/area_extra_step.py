# expect: one step too many
import numpy as np


def antiderivative(x):
    # variant: return {a}*x**3/3 + {b}*x**2/2 + {c}*x
    return x**3 - 2 * x**2


def area(f, a, b, dx):
    # both ends: one point more than there are steps
    x = np.linspace(a, b, round((b - a) / dx) + 1)
    return np.sum(f(x)) * dx
