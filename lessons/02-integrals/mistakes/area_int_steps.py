# expect: int((b − a)/dx) rounds down
import numpy as np


def antiderivative(x):
    # variant: return {a}*x**3/3 + {b}*x**2/2 + {c}*x
    return x**3 - 2 * x**2


def area(f, a, b, dx):
    steps = int((b - a) / dx)  # 11.999999999999998 becomes 11
    x = a + dx * np.arange(steps)
    return np.sum(f(x)) * dx
