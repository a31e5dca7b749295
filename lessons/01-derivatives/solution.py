"""Lesson 1, reference answer: f(x) = x³ − 2x² + 1."""


def derivative(x):
    """f′(x) by the rules: d/dx xⁿ = n·xⁿ⁻¹, and a constant's is 0."""
    # variant: return 3*{a}*x**2 + 2*{b}*x + {c}
    return 3 * x**2 - 4 * x


def rate_of_change(f, x, dx):
    """The forward difference (f(x + dx) − f(x)) / dx of any function f."""
    return (f(x + dx) - f(x)) / dx


if __name__ == "__main__":
    import matplotlib.pyplot as plt
    import numpy as np

    def f(x):
        # variant: return {a}*x**3 + {b}*x**2 + {c}*x + {d}
        return x**3 - 2 * x**2 + 1

    x = np.linspace(-2, 3, 500)
    rate = rate_of_change(f, x, 0.0001)
    gap = np.max(np.abs(rate - derivative(x)))
    print(f"largest gap between rate and rule: {gap:.1e}")  # about 8e-4
    plt.plot(x, rate, linewidth=4, alpha=0.5, label="rate of change")
    plt.plot(x, derivative(x), "k--", label="rule: 3x² − 4x")
    plt.xlabel("x")
    plt.ylabel("f′(x)")
    plt.legend()
    plt.show()
