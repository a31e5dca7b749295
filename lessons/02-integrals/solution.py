"""Lesson 2, reference answer: f(x) = 3x² − 4x."""

import numpy as np


def antiderivative(x):
    """F(x) = x³ − 2x²: raise each power by one, divide by the new power."""
    # variant: return {a}*x**3/3 + {b}*x**2/2 + {c}*x
    return x**3 - 2 * x**2


def area(f, a, b, dx):
    """The area under f from a to b: a left sum of strips f(xᵢ)·dx."""
    # Count the steps: np.arange(a, b, dx) may add one by rounding.
    steps = round((b - a) / dx)
    x = a + dx * np.arange(steps)  # the left end of every strip
    return np.sum(f(x)) * dx


if __name__ == "__main__":
    import matplotlib.pyplot as plt

    def f(x):
        # variant: return {a}*x**2 + {b}*x + {c}
        return 3 * x**2 - 4 * x

    dx = 0.1
    x = np.arange(-2, 3, dx)
    running = np.cumsum(f(x) * dx)
    shift = running - antiderivative(x)
    print(
        f"running sum − F(x): from {shift.min():.2f} to {shift.max():.2f}"
    )
    exact = antiderivative(3) - antiderivative(-2)
    print(f"area from −2 to 3: {area(f, -2, 3, dx):.3f} (exact {exact:g})")
    plt.plot(x, antiderivative(x), label="F(x) = x³ − 2x²")
    plt.plot(x, running, label="running sum of f(x)·δx")
    plt.xlabel("x")
    plt.legend()
    plt.show()
