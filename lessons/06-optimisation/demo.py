"""Lesson 6 demo: the extrema of f(x) = x³ − 2x² + 1, and gradient
descent to its minimum."""

import matplotlib.pyplot as plt
import numpy as np


def f(x):
    return x**3 - 2 * x**2 + 1


def f_prime(x):
    """f′(x) = 3x² − 4x = x(3x − 4): zero at x = 0 and x = 4/3."""
    return 3 * x**2 - 4 * x


def f_second(x):
    """f″(x) = 6x − 4: negative means a maximum, positive a minimum."""
    return 6 * x - 4


def classify(x):
    curvature = f_second(x)
    if curvature < 0:
        return "local maximum"
    if curvature > 0:
        return "local minimum"
    return "undecided (f″ = 0)"


def gradient_descent(x, learning_rate=0.1, steps=25):
    """Step downhill: x ← x − learning_rate · f′(x).

    Returns every x visited.
    """
    path = [x]
    for _ in range(steps):
        x = x - learning_rate * f_prime(x)
        path.append(x)
    return np.array(path)


def plot_function_and_derivative(points):
    xs = np.linspace(-0.8, 2.2, 400)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 7), sharex=True)
    top.plot(xs, f(xs), color="tab:blue", label="f(x) = x³ − 2x² + 1")
    bottom.plot(
        xs, f_prime(xs), color="tab:purple", label="f′(x) = 3x² − 4x"
    )
    bottom.axhline(0, color="grey", linewidth=0.8)
    for x in points:
        colour = "tab:red" if f_second(x) < 0 else "tab:green"
        kind = classify(x)
        top.plot(
            [x],
            [f(x)],
            "o",
            color=colour,
            markersize=9,
            label=f"{kind} at x = {x:.4g}, f(x) = {f(x):.3f}",
        )
        bottom.plot([x], [0], "o", color=colour, markersize=9)
        for ax in (top, bottom):
            ax.axvline(x, color=colour, linestyle=":", linewidth=1)
    top.set_title("f has a maximum and a minimum where f′ = 0")
    top.set_ylabel("f(x)")
    top.legend(loc="upper left", fontsize=9)
    bottom.set_title(
        "f′ crosses zero: + to − at the maximum, − to + at the minimum"
    )
    bottom.set_xlabel("x")
    bottom.set_ylabel("f′(x)")
    bottom.legend(loc="upper left", fontsize=9)
    fig.tight_layout()
    return fig


def plot_descent(path, learning_rate):
    xs = np.linspace(-0.8, 2.2, 400)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    left.plot(xs, f(xs), color="tab:blue", label="f(x)")
    left.plot(
        path,
        f(path),
        "o-",
        color="tab:orange",
        markersize=4,
        linewidth=1,
        label=f"gradient descent, learning rate {learning_rate}",
    )
    left.plot(
        [path[0]],
        [f(path[0])],
        "s",
        color="black",
        label=f"start x = {path[0]:g}",
    )
    left.plot(
        [4 / 3],
        [f(4 / 3)],
        "o",
        color="tab:green",
        markersize=9,
        label="minimum x = 4/3",
    )
    left.set_title("Each step moves against the slope f′(x)")
    left.set_xlabel("x")
    left.set_ylabel("f(x)")
    left.legend(loc="upper left", fontsize=9)
    right.plot(
        range(len(path)), path, "o-", color="tab:orange", markersize=4
    )
    right.axhline(4 / 3, color="tab:green", linestyle="--", label="x = 4/3")
    right.set_title("x after each step")
    right.set_xlabel("step")
    right.set_ylabel("x")
    right.legend(loc="lower right", fontsize=9)
    fig.tight_layout()
    return fig


def run(ctx):
    ctx.console.print(
        "f(x) = x³ − 2x² + 1,  f′(x) = 3x² − 4x = x(3x − 4),  "
        "f″(x) = 6x − 4"
    )
    # The zeros of the polynomial f′, found by NumPy.
    points = np.sort(np.roots([3, -4, 0]))
    ctx.record(
        "critical_points",
        points.tolist(),
        "f′(x) = 0 at",
        "x = 0 and x = 4/3 ≈ 1.3333",
    )
    ctx.table(
        "Critical points",
        ["x", "f(x)", "f″(x)", "kind"],
        [
            (f"{x:.4f}", f"{f(x):.4f}", f"{f_second(x):+.0f}", classify(x))
            for x in points
        ],
    )
    top, bottom = f(points[0]), f(points[1])
    ctx.record(
        "f_at_max", float(top), "f at the maximum, f(0)", f"{top:.4f}"
    )
    ctx.record(
        "f_at_min",
        float(bottom),
        "f at the minimum, f(4/3) = −5/27",
        f"{bottom:.4f}",
    )
    ctx.save(plot_function_and_derivative(points), "critical-points")

    learning_rate, start = 0.1, 0.25
    ctx.console.print(
        f"\nGradient descent from x = {start} with learning rate "
        f"{learning_rate}: x ← x − 0.1·f′(x)"
    )
    path = gradient_descent(start, learning_rate)
    shown = [0, 1, 2, 3, 4, 5, 10, 15, 20, len(path) - 1]
    rows = [
        (
            k,
            f"{path[k]:.5f}",
            f"{f_prime(path[k]):+.5f}",
            f"{f(path[k]):.5f}",
        )
        for k in shown
    ]
    ctx.table("Gradient descent", ["step", "x", "f′(x)", "f(x)"], rows)
    ctx.record(
        "descent_end",
        float(path[-1]),
        f"x after {len(path) - 1} steps",
        f"{path[-1]:.5f}  (4/3 ≈ 1.33333)",
    )
    ctx.save(plot_descent(path, learning_rate), "gradient-descent")
    ctx.console.print(
        "Descent finds the minimum, not the maximum: started right of 0, "
        "every step goes downhill towards 4/3."
    )


if __name__ == "__main__":
    from calccourse.author import run_standalone

    run_standalone(run, 6)
