"""Lesson 3 demo: the gradient of f(x, y) = x² + y³, drawn and then
found by searching."""

import matplotlib.pyplot as plt
import numpy as np
from calccourse.author import styled


def f(x, y):
    """The lesson's function: f(x, y) = x² + y³."""
    return x**2 + y**3


def gradient(x, y):
    """Its partial derivatives: ∂f/∂x = 2x (y held fixed),
    ∂f/∂y = 3y² (x held fixed)."""
    return np.array([2 * x, 3 * y**2])


def rates_by_direction(f, x, y, angles_deg, h=0.0001):
    """Rate of change (f(p + h·u) − f(p)) / h along each direction u.

    Angles are measured from the +x axis, counter-clockwise:
    u = (cos θ, sin θ).
    """
    theta = np.radians(angles_deg)
    ux, uy = np.cos(theta), np.sin(theta)
    return (f(x + h * ux, y + h * uy) - f(x, y)) / h


def steepest_ascent(f, x, y, step_deg=0.1, h=0.0001):
    """Try every direction; the best one, scaled by its rate, is ∇f."""
    angles = np.arange(0.0, 360.0, step_deg)
    rates = rates_by_direction(f, x, y, angles, h)
    best = int(np.argmax(rates))
    theta = np.radians(angles[best])
    estimate = rates[best] * np.array([np.cos(theta), np.sin(theta)])
    return angles[best], rates[best], estimate


def plot_surface(n=41):
    """f over [−10, 10]².

    matplotlib draws at most 50 × 50 facets: a coarse grid will do.
    """
    xs = np.linspace(-10, 10, n)
    X, Y = np.meshgrid(xs, xs)
    fig = plt.figure(figsize=(7, 5.5))
    ax = fig.add_subplot(projection="3d")
    ax.plot_surface(X, Y, f(X, Y), cmap="viridis", linewidth=0)
    styled(ax, "f(x, y) = x² + y³", x="x", y="y", zlabel="f(x, y)")
    ax.set(xticks=[-10, -5, 0, 5, 10], yticks=[-10, -5, 0, 5, 10])
    ax.view_init(elev=25, azim=-60)
    return fig


def plot_gradient_field(n=21):
    """Unit arrows along ∇f = (2x, 3y²), coloured by the gradient's
    size |∇f|."""
    # An odd n puts a point on the origin, where ∇f = 0.
    xs = np.linspace(-10, 10, n)
    X, Y = np.meshgrid(xs, xs)
    GX, GY = gradient(X, Y)
    size = np.hypot(GX, GY)
    # ∇f = 0 has no direction: no arrow there.
    safe = np.where(size > 0, size, 1.0)
    fig, ax = plt.subplots(figsize=(7, 6))
    # Every arrow as long (1/1.2 of the grid's step), centred on its point
    look = dict(pivot="middle", angles="xy", scale_units="xy", width=0.004)
    arrows = ax.quiver(
        X, Y, GX / safe, GY / safe, size, cmap="viridis", scale=1.2, **look
    )
    fig.colorbar(arrows, ax=ax, label="|∇f| (yellow: large, dark: small)")
    # A red ring around (2, 3), where the search below tries every direction
    label = "(2, 3), where ∇f = (4, 27): searched for below"
    ax.plot(
        [2], [3], "o", ms=14, mfc="none", mec="tab:red", mew=2, label=label
    )
    title = "Direction of ∇f for f(x, y) = x² + y³:  ∇f = (2x, 3y²)"
    # The legend under the plot, out of the arrows' way
    below = dict(
        loc="upper center", bbox_to_anchor=(0.5, -0.09), fontsize=9
    )
    styled(ax, title, x="x", y="y", legend=below, aspect="equal")
    return fig


def plot_rate_by_direction(angles, rates, exact_angle, exact_length):
    best = int(np.argmax(rates))
    fig, ax = plt.subplots(figsize=(8, 4.5))
    label = "rate of change, h = 0.0001"
    ax.plot(angles, rates, color="tab:blue", label=label)
    ax.axhline(0, color="grey", linewidth=0.8)
    label = f"direction of ∇f = (4, 27): {exact_angle:.2f}°"
    ax.axvline(exact_angle, color="tab:green", ls="--", label=label)
    label = f"largest rate {rates[best]:.3f} at {angles[best]:.1f}°"
    ax.plot(
        [angles[best]], [rates[best]], "o", color="tab:red", label=label
    )
    label = f"|∇f| = {exact_length:.3f}"
    ax.axhline(exact_length, color="tab:orange", ls=":", label=label)
    title = "Rate of change of f at (2, 3) in each direction"
    across = "direction θ (degrees from the +x axis, counter-clockwise)"
    legend = dict(loc="lower left", fontsize=9)
    styled(ax, title, x=across, y="rate of change", legend=legend)
    ax.set_xticks(range(0, 361, 45))
    return fig


def run(ctx):
    ctx.say("f(x, y) = x² + y³, so ∂f/∂x = 2x and ∂f/∂y = 3y².")
    ctx.save(plot_surface(), "surface")
    ctx.save(plot_gradient_field(), "gradient-field")
    ctx.say(
        "The arrows are ∇f = (2x, 3y²) of this f. "
        "(The original course drew (2x, 2y) here: the field of x² + y², "
        "another function.)"
    )

    x, y = 2.0, 3.0
    exact = gradient(x, y)
    length = float(np.hypot(*exact))
    exact_angle = float(np.degrees(np.arctan2(exact[1], exact[0])))
    ctx.say(
        "\nAt (2, 3): directions every 0.1°, h = 0.0001. Angles are "
        "measured from the +x axis, counter-clockwise."
    )
    angle, rate, found = steepest_ascent(f, x, y)
    shown = f"{angle:.1f}° from +x  =  {90 - angle:.1f}° from +y"
    label = "direction of fastest increase"
    ctx.record("search_angle", float(angle), label, shown)
    label = "largest rate of change"
    ctx.record("search_rate", float(rate), label, f"{rate:.4f}")
    shown = f"({found[0]:.3f}, {found[1]:.3f})"
    label = "gradient estimate = rate × direction"
    ctx.record("search_gradient", found.tolist(), label, shown)

    shown = f"({exact[0]:g}, {exact[1]:g})"
    label = "exact gradient (2x, 3y²)"
    ctx.record("exact_gradient", exact.tolist(), label, shown)
    label = "its length √(4² + 27²)"
    ctx.record("exact_length", length, label, f"{length:.3f}")
    shown = (
        f"{exact_angle:.2f}° from +x  =  {90 - exact_angle:.2f}° from +y"
    )
    ctx.record("exact_angle", exact_angle, "its direction", shown)

    angles = np.arange(0.0, 360.0, 0.1)
    rates = rates_by_direction(f, x, y, angles)
    plot = plot_rate_by_direction(angles, rates, exact_angle, length)
    ctx.save(plot, "rate-by-direction")
    ctx.say(
        "The original course measured angles from the +y axis: it printed "
        "8.4° and about (3.987, 27.003), the same arrow as above."
    )


if __name__ == "__main__":
    from calccourse.author import run_standalone

    run_standalone(run, 3)
