"""Lesson 1 demo: the derivative of x² by the rate of change and by
the rule."""

import matplotlib.pyplot as plt
import numpy as np
from calccourse.author import styled


def f(x):
    return x**2


def derivative_by_rule(x):
    # d/dx xⁿ = n·xⁿ⁻¹, so d/dx x² = 2x
    return 2 * x


def rate_of_change(f, x, dx):
    # How much f rises over a small step dx, per unit of x
    return (f(x + dx) - f(x)) / dx


def plot_derivative(x, rate, rule, dx):
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(x, f(x), color="tab:blue")
    styled(left, "f(x) = x²", x="x", y="f(x)", grid=True)

    # Thick and pale, so that the dashed rule shows on top of it
    label = f"rate of change, δx = {dx:g}"
    right.plot(x, rate, color="tab:orange", lw=4, alpha=0.6, label=label)
    right.plot(x, rule, color="black", ls="--", label="rule: 2x")
    title = "f′(x): rate and rule lie on top of each other"
    styled(right, title, x="x", y="f′(x)", grid=True)
    fig.tight_layout()
    return fig


def plot_gap_by_step(steps, gaps):
    fig, ax = plt.subplots(figsize=(6, 4))
    label = "largest gap |rate − rule|"
    ax.loglog(steps, gaps, "o-", color="tab:red", label=label)
    ax.loglog(steps, steps, ":", color="gray", label="gap = δx")
    ax.invert_xaxis()  # large steps on the left, small ones on the right
    title = "Smaller δx, smaller gap (until rounding takes over)"
    styled(
        ax, title, x="step δx", y="largest gap on [−10, 10]", grid="both"
    )
    fig.tight_layout()
    return fig


def run(ctx):
    dx = 0.0001
    x = np.linspace(-10, 10, 500)
    rate = rate_of_change(f, x, dx)
    rule = derivative_by_rule(x)

    ctx.say(
        "f(x) = x² on 500 points of [−10, 10]: "
        "f′(x) by the rate of change and by the rule 2x."
    )
    gap = np.max(np.abs(rate - rule))
    label = f"largest gap |rate − rule|, δx = {dx:g}"
    ctx.record("max_gap", gap, label, f"{gap:.2e}")
    ctx.say(
        "For x² the rate of change is exactly 2x + δx, so the "
        "gap is δx itself: a smaller step, a smaller gap."
    )
    ctx.save(plot_derivative(x, rate, rule, dx), "derivative")

    # The same comparison for δx = 1e-1, 1e-2, ..., 1e-12
    steps = 10.0 ** -np.arange(1, 13)
    gaps = [np.max(np.abs(rate_of_change(f, x, s) - rule)) for s in steps]
    ctx.results["gaps_by_step"] = dict(zip(steps.tolist(), gaps))
    rows = [(f"{s:.0e}", f"{g:.1e}") for s, g in zip(steps, gaps)]
    ctx.table("Largest gap by δx", ["δx", "largest gap"], rows)
    ctx.say(
        "Below δx ≈ 1e-7 the gap grows again: f(x + δx) − f(x) "
        "subtracts two nearly equal numbers, and their rounding error "
        "is divided by a tiny δx."
    )
    best = steps[int(np.argmin(gaps))]
    ctx.record(
        "best_step", best, "step with the smallest gap", f"{best:.0e}"
    )
    ctx.save(plot_gap_by_step(steps, gaps), "gap-vs-step")


if __name__ == "__main__":
    from calccourse.author import run_standalone

    run_standalone(run, 1)
