"""Lesson 2 demo: the running area under f(x) = 2x is x² shifted down."""

import matplotlib.pyplot as plt
import numpy as np
from calccourse.author import styled


def f(x):
    return 2 * x


def running_area(f, x, dx):
    # Add thin strips f(x)·dx from the left (a left Riemann sum),
    # keeping the total at every point
    return np.cumsum(f(x) * dx)


def draw_strips(ax, x):
    wide = 1.0  # ten times δx, so that single strips can be seen
    edges = np.arange(-10, 10, wide)
    heights = f(edges)
    # One bar per strip, from its left edge: pale, outlined in black
    look = dict(
        width=wide, align="edge", alpha=0.45, edgecolor="black", lw=0.5
    )
    for part, colour, name in (
        (heights < 0, "tab:red", "negative"),
        (heights >= 0, "tab:blue", "positive"),
    ):
        label = f"{name} strips f(x)·δx (δx = {wide:g})"
        ax.bar(
            edges[part], heights[part], color=colour, label=label, **look
        )
    ax.plot(x, f(x), color="black", label="f(x) = 2x")
    ax.axhline(0, color="gray", linewidth=0.8)
    title = "Area as strips: below the axis counts negative"
    styled(ax, title, x="x", y="f(x)", legend="upper left")


def draw_running_area(ax, x, area, dx):
    ax.plot(x, x**2, color="tab:green", label="x²")
    label = f"running sum of f(x)·δx, δx = {dx:g}"
    ax.plot(x, area, color="tab:orange", linewidth=2.5, label=label)
    # The shift: an arrow from x² = 0 down to the running area, at x = 0
    bottom = area[np.argmin(np.abs(x))]
    arrow = {"arrowstyle": "->", "color": "gray"}
    ax.annotate("", xy=(0, bottom), xytext=(0, 0), arrowprops=arrow)
    ax.text(0.5, -50, "shifted down\nby about 101", color="gray")
    title = "The running area is x² shifted down"
    up = "area from −10 to x"
    styled(ax, title, x="x", y=up, grid=True, legend="upper center")


def run(ctx):
    dx = 0.1
    x = np.arange(-10, 10, dx)  # −10, −9.9, ..., 9.9: 10 is left out
    area = running_area(f, x, dx)

    ctx.say(f"f(x) = 2x from −10 up to 9.9, step δx = {dx:g}.")
    ctx.record("points", len(x), "number of points")
    ctx.record("start", area[0], "running sum at x = −10", f"{area[0]:.4g}")
    low = int(np.argmin(area))
    label = f"lowest running sum (x = {x[low]:.1f})"
    ctx.record("lowest", area[low], label, f"{area[low]:.4g}")
    ctx.results["lowest_x"] = x[low]

    gap = np.max(np.abs(area - (x**2 + 0.1 * x - 101)))
    label = "largest gap from x² + 0.1x − 101"
    ctx.record("formula_gap", gap, label, f"{gap:.1e}")
    shift = np.mean(area - x**2)
    ctx.record(
        "shift", shift, "running sum − x², on average", f"{shift:.1f}"
    )
    ctx.say(
        "The running sum is x² + 0.1x − 101 on these points: x² moved down "
        "by about 101. The 0.1x comes from adding whole strips; it shrinks "
        "with δx."
    )

    slope = np.diff(area) / dx  # rate of change of the running area
    back = np.max(np.abs(slope - f(x[1:])))
    label = "largest gap between its slope and f(x)"
    ctx.record("slope_gap", back, label, f"{back:.1e}")
    ctx.say(
        "Differentiating the running area gives f back: "
        "integration undoes differentiation."
    )

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    draw_strips(left, x)
    draw_running_area(right, x, area, dx)
    fig.tight_layout()
    ctx.save(fig, "running-area")


if __name__ == "__main__":
    from calccourse.author import run_standalone

    run_standalone(run, 2)
