"""Lesson 6 demo: the extrema of f(x) = x³ − 2x² + 1, and gradient
descent to its minimum."""

import matplotlib.pyplot as plt
import numpy as np
from calccourse.author import styled


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
    label = "f′(x) = 3x² − 4x"
    bottom.plot(xs, f_prime(xs), color="tab:purple", label=label)
    bottom.axhline(0, color="grey", linewidth=0.8)
    # Each critical point: on f above, on the zero of f′ below, and a
    # dotted line through both
    for x in points:
        colour = "tab:red" if f_second(x) < 0 else "tab:green"
        label = f"{classify(x)} at x = {x:.4g}, f(x) = {f(x):.3f}"
        top.plot([x], [f(x)], "o", color=colour, ms=9, label=label)
        bottom.plot([x], [0], "o", color=colour, ms=9)
        for ax in (top, bottom):
            ax.axvline(x, color=colour, linestyle=":", linewidth=1)
    legend = dict(loc="upper left", fontsize=9)
    title = "f has a maximum and a minimum where f′ = 0"
    styled(top, title, y="f(x)", legend=legend)
    title = "f′ crosses zero: + to − at the maximum, − to + at the minimum"
    styled(bottom, title, x="x", y="f′(x)", legend=legend)
    fig.tight_layout()
    return fig


def plot_descent(path, learning_rate):
    xs = np.linspace(-0.8, 2.2, 400)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    left.plot(xs, f(xs), color="tab:blue", label="f(x)")
    label = f"gradient descent, learning rate {learning_rate}"
    style = dict(color="tab:orange", ms=4, lw=1)
    left.plot(path, f(path), "o-", label=label, **style)
    label = f"start x = {path[0]:g}"
    left.plot([path[0]], [f(path[0])], "s", color="black", label=label)
    label = "minimum x = 4/3"
    left.plot(
        [4 / 3], [f(4 / 3)], "o", color="tab:green", ms=9, label=label
    )
    title = "Each step moves against the slope f′(x)"
    legend = dict(loc="upper left", fontsize=9)
    styled(left, title, x="x", y="f(x)", legend=legend)

    right.plot(range(len(path)), path, "o-", color="tab:orange", ms=4)
    label = "x = 4/3"
    right.axhline(4 / 3, color="tab:green", linestyle="--", label=label)
    legend = dict(loc="lower right", fontsize=9)
    styled(right, "x after each step", x="step", y="x", legend=legend)
    fig.tight_layout()
    return fig


def run(ctx):
    ctx.say(
        "f(x) = x³ − 2x² + 1,  f′(x) = 3x² − 4x = x(3x − 4),  "
        "f″(x) = 6x − 4"
    )
    # The zeros of the polynomial f′, found by NumPy.
    points = np.sort(np.roots([3, -4, 0]))
    shown = "x = 0 and x = 4/3 ≈ 1.3333"
    ctx.record("critical_points", points.tolist(), "f′(x) = 0 at", shown)
    rows = [
        (f"{x:.4f}", f"{f(x):.4f}", f"{f_second(x):+.0f}", classify(x))
        for x in points
    ]
    columns = ["x", "f(x)", "f″(x)", "kind"]
    ctx.table("Critical points", columns, rows)
    top, bottom = f(points[0]), f(points[1])
    label = "f at the maximum, f(0)"
    ctx.record("f_at_max", float(top), label, f"{top:.4f}")
    label = "f at the minimum, f(4/3) = −5/27"
    ctx.record("f_at_min", float(bottom), label, f"{bottom:.4f}")
    ctx.save(plot_function_and_derivative(points), "critical-points")

    learning_rate, start = 0.1, 0.25
    ctx.say(
        f"\nGradient descent from x = {start} with learning rate "
        f"{learning_rate}: x ← x − 0.1·f′(x)"
    )
    path = gradient_descent(start, learning_rate)
    shown = [0, 1, 2, 3, 4, 5, 10, 15, 20, len(path) - 1]
    rows = [
        (k, f"{x:.5f}", f"{f_prime(x):+.5f}", f"{f(x):.5f}")
        for k, x in zip(shown, path[shown])
    ]
    ctx.table("Gradient descent", ["step", "x", "f′(x)", "f(x)"], rows)
    label = f"x after {len(path) - 1} steps"
    shown = f"{path[-1]:.5f}  (4/3 ≈ 1.33333)"
    ctx.record("descent_end", float(path[-1]), label, shown)
    ctx.save(plot_descent(path, learning_rate), "gradient-descent")
    ctx.say(
        "Descent finds the minimum, not the maximum: started right of 0, "
        "every step goes downhill towards 4/3."
    )


if __name__ == "__main__":
    from calccourse.author import run_standalone

    run_standalone(run, 6)
