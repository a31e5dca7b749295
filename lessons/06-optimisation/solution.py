"""Lesson 6 · optimisation: a reference answer.

Check it with:  calccourse check 6 lesson06.py
"""

import numpy as np
from scipy.optimize import brentq


def derivative(x):
    """d/dx log x = 1/x."""
    # variant: return {a} / x + {b}
    return 1 / x


# 1/x is never 0 for x > 0: log has no critical point ...
# variant: critical_points = [-({a}) / ({b})] if {a} * {b} < 0 else []
critical_points: list[float] = []
# ... and so no maximum and no minimum. It rises forever.
# variant: has_extremum = {a} * {b} < 0
has_extremum = False


def find_critical_points(f, a, b, h=1e-6, n=2001):
    """The x in [a, b] where f′(x) = 0: sign changes of a central
    difference, refined by brentq."""

    def f_prime(x):
        return (f(x + h) - f(x - h)) / (2 * h)

    xs = np.linspace(a, b, n)
    slopes = f_prime(xs)
    points = []
    for i in range(n - 1):
        if slopes[i] == 0:
            points.append(float(xs[i]))
        elif slopes[i] * slopes[i + 1] < 0:
            points.append(brentq(f_prime, xs[i], xs[i + 1]))
    return points


if __name__ == "__main__":
    import matplotlib.pyplot as plt

    xs = np.linspace(0.01, 10, 500)  # log is undefined for x ≤ 0
    plt.plot(xs, np.log(xs), label="log x")
    plt.plot(xs, derivative(xs), label="1/x")
    plt.axhline(0, color="grey", linewidth=0.8)
    plt.ylim(-5, 5)
    plt.legend()
    plt.title("log x rises for every x > 0: no maximum, no minimum")
    plt.savefig("log.png")
    print("saved the plot: log.png")
    print(
        "critical points of x³ − 2x² + 1 on [−1, 2]:",
        find_critical_points(lambda x: x**3 - 2 * x**2 + 1, -1, 2),
    )
