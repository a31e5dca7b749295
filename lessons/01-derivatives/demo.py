"""Lesson 1 demo: the derivative of x² by the rate of change and by
the rule."""

import matplotlib.pyplot as plt
import numpy as np


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
    left.set_title("f(x) = x²")
    left.set_xlabel("x")
    left.set_ylabel("f(x)")
    left.grid(alpha=0.3)

    right.plot(
        x,
        rate,
        color="tab:orange",
        linewidth=4,
        alpha=0.6,
        label=f"rate of change, δx = {dx:g}",
    )
    right.plot(x, rule, color="black", linestyle="--", label="rule: 2x")
    right.set_title("f′(x): rate and rule lie on top of each other")
    right.set_xlabel("x")
    right.set_ylabel("f′(x)")
    right.legend()
    right.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_gap_by_step(steps, gaps):
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.loglog(
        steps,
        gaps,
        "o-",
        color="tab:red",
        label="largest gap |rate − rule|",
    )
    ax.loglog(steps, steps, ":", color="gray", label="gap = δx")
    ax.set_title("Smaller δx, smaller gap (until rounding takes over)")
    ax.set_xlabel("step δx")
    ax.set_ylabel("largest gap on [−10, 10]")
    ax.invert_xaxis()
    ax.legend()
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    return fig


def run(ctx):
    dx = 0.0001
    x = np.linspace(-10, 10, 500)
    rate = rate_of_change(f, x, dx)
    rule = derivative_by_rule(x)

    ctx.console.print(
        "f(x) = x² on 500 points of [−10, 10]: "
        "f′(x) by the rate of change and by the rule 2x."
    )
    gap = np.max(np.abs(rate - rule))
    ctx.record(
        "max_gap",
        gap,
        f"largest gap |rate − rule|, δx = {dx:g}",
        f"{gap:.2e}",
    )
    ctx.console.print(
        "For x² the rate of change is exactly 2x + δx, so the "
        "gap is δx itself: a smaller step, a smaller gap."
    )
    ctx.save(plot_derivative(x, rate, rule, dx), "derivative")

    steps = 10.0 ** -np.arange(1, 13)
    gaps = [np.max(np.abs(rate_of_change(f, x, s) - rule)) for s in steps]
    ctx.results["gaps_by_step"] = dict(zip(steps.tolist(), gaps))
    ctx.table(
        "Largest gap by δx",
        ["δx", "largest gap"],
        [(f"{s:.0e}", f"{g:.1e}") for s, g in zip(steps, gaps)],
    )
    ctx.console.print(
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
