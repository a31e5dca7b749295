"""Lesson 3 · gradient of a multivariate function: a reference answer.

Check it with:  calccourse check 3 lesson03.py
"""

import numpy as np


def gradient(x, y):
    """The gradient of f(x, y) = x² + y²: (∂f/∂x, ∂f/∂y) = (2x, 2y)."""
    # variant: return (2*{a}*x + {b}*y, {b}*x + 2*{c}*y)
    return (2 * x, 2 * y)


def steepest_ascent(f, x, y, step_deg=0.1, h=0.0001):
    """The gradient of f at (x, y), found by trying every direction.

    Directions are angles from the +x axis, u = (cos θ, sin θ); the rate
    of change along u is (f(p + h·u) − f(p)) / h. The fastest direction,
    times its rate, is ∇f.
    """
    theta = np.radians(np.arange(0.0, 360.0, step_deg))
    rates = (f(x + h * np.cos(theta), y + h * np.sin(theta)) - f(x, y)) / h
    best = int(np.argmax(rates))
    return (
        rates[best] * np.cos(theta[best]),
        rates[best] * np.sin(theta[best]),
    )


if __name__ == "__main__":
    print("exact gradient at (1, 1):", gradient(1.0, 1.0))
    found = steepest_ascent(lambda x, y: x**2 + y**2, 1.0, 1.0)
    print(
        f"found by searching directions: ({found[0]:.5f}, {found[1]:.5f})"
    )
    print(
        f"its length, the fastest rate: {np.hypot(*found):.5f}  "
        f"(2√2 = {2 * np.sqrt(2):.5f})"
    )
