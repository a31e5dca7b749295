"""Lesson 8 demo: Taylor polynomials of sin x, the sigmoid's tangent at 0,
and Newton's method (the minimum of a second-order Taylor polynomial)."""

import math

import matplotlib.pyplot as plt
import numpy as np


def sin_taylor(x, order):
    # sin x = x − x³/3! + x⁵/5! − …: only odd powers, signs alternate
    total = 0.0
    for k in range(1, order + 1, 2):
        sign = (-1) ** (k // 2)
        total = total + sign * x**k / math.factorial(k)
    return total


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_tangent(x):
    # σ(0) = 1/2 and σ′(0) = σ(0)·(1 − σ(0)) = 1/4
    return 0.5 + x / 4


def plot_sin(orders):
    x = np.linspace(-2 * np.pi, 2 * np.pi, 400)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(x, np.sin(x), color="black", linewidth=2, label="sin x")
    for order in orders:
        ax.plot(
            x, sin_taylor(x, order), linestyle="--", label=f"order {order}"
        )
    ax.set_ylim(-2, 2)
    ax.set_title("Taylor polynomials of sin x around a = 0")
    ax.set_xlabel("x")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_sigmoid():
    x = np.linspace(-6, 6, 300)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(x, sigmoid(x), color="black", linewidth=2, label="σ(x)")
    ax.plot(
        x, sigmoid_tangent(x), linestyle="--", label="tangent 1/2 + x/4"
    )
    ax.set_ylim(-0.2, 1.2)
    ax.set_title("The sigmoid is nearly a line around 0")
    ax.set_xlabel("x")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def newton(f_prime, f_second, w, steps):
    # Each step jumps to the minimum of the second-order Taylor
    # polynomial around w: w − f′(w)/f″(w)
    path = [w]
    for _ in range(steps):
        w = w - f_prime(w) / f_second(w)
        path.append(w)
    return path


def run(ctx):
    orders = [1, 3, 5]
    points = [0.5, 1.0, 2.0, 3.0]
    ctx.console.print(
        "sin x around a = 0: the error |sin x − Tₙ(x)| of orders 1, 3, 5."
    )
    errors = {
        order: [abs(math.sin(x) - sin_taylor(x, order)) for x in points]
        for order in orders
    }
    ctx.results["sin_errors"] = errors
    ctx.table(
        "Error of the Taylor polynomial of sin x",
        ["x", "sin x"] + [f"order {n}" for n in orders],
        [
            [f"{x:g}", f"{math.sin(x):.6f}"]
            + [f"{errors[n][i]:.1e}" for n in orders]
            for i, x in enumerate(points)
        ],
    )
    ctx.console.print(
        "Near 0 every extra term divides the error by a large factor; "
        "at x = 3 even order 5 is far off."
    )
    ctx.save(plot_sin(orders), "sin")

    ctx.console.print("\nThe sigmoid around 0: σ(x) ≈ 1/2 + x/4.")
    near = [0.1, 0.5, 1.0, 2.0]
    gaps = [abs(float(sigmoid(x)) - sigmoid_tangent(x)) for x in near]
    ctx.results["sigmoid_gaps"] = gaps
    ctx.table(
        "The sigmoid against its tangent at 0",
        ["x", "σ(x)", "1/2 + x/4", "error"],
        [
            (
                f"{x:g}",
                f"{float(sigmoid(x)):.6f}",
                f"{sigmoid_tangent(x):.6f}",
                f"{g:.1e}",
            )
            for x, g in zip(near, gaps)
        ],
    )
    ctx.save(plot_sigmoid(), "sigmoid")

    ctx.console.print(
        "\nNewton's method on f(w) = eʷ − 2w from w = 0 "
        "(the minimum is at w = ln 2):"
    )
    path = newton(lambda w: math.exp(w) - 2, math.exp, 0.0, 5)
    ctx.results["newton_path"] = path
    ctx.table(
        "Newton's method: w ← w − f′(w)/f″(w)",
        ["step", "w", "error |w − ln 2|"],
        [
            (i, f"{w:.12f}", f"{abs(w - math.log(2)):.1e}")
            for i, w in enumerate(path)
        ],
    )
    ctx.console.print(
        "Near the minimum the error is roughly squared at every step."
    )


if __name__ == "__main__":
    from calccourse.author import run_standalone

    run_standalone(run, 8)
