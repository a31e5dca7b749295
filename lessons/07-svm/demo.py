"""Lesson 7 demo: the widest-margin line through three points, found
with SciPy's SLSQP."""

import matplotlib.pyplot as plt
import numpy as np
from calccourse.author import styled
from scipy.optimize import minimize

POINTS = np.array([[0.0, 0.0], [1.0, 2.0], [2.0, 1.0]])
LABELS = np.array([-1, 1, 1])


def objective(w):
    """What the SVM minimises: a² + b² (the margin is 1/√(a² + b²))."""
    a, b, c = w
    return a**2 + b**2


def functional_margins(w, points, labels):
    """ℓᵢ·(a·xᵢ + b·yᵢ + c) for every point: each must be at least 1."""
    a, b, c = w
    return labels * (a * points[:, 0] + b * points[:, 1] + c)


def fit_svm(points, labels, start=(1.0, 1.0, 1.0)):
    """Minimise a² + b² subject to ℓᵢ·(a·xᵢ + b·yᵢ + c) ≥ 1 with SLSQP,
    within bounds ±10."""
    constraints = {
        "type": "ineq",
        "fun": lambda w: functional_margins(w, points, labels) - 1,
    }
    return minimize(
        objective,
        start,
        method="SLSQP",
        constraints=[constraints],
        bounds=[(-10, 10)] * 3,
    )


def lagrange_multipliers(w, points, labels, active):
    """Solve the KKT condition ∇(a² + b²) = Σ λᵢ·∇gᵢ over the active
    constraints gᵢ.

    gᵢ(a, b, c) = ℓᵢ·(a·xᵢ + b·yᵢ + c) − 1, so ∇gᵢ = ℓᵢ·(xᵢ, yᵢ, 1);
    inactive ones have λᵢ = 0.
    """
    a, b, _ = w
    grad_f = np.array([2 * a, 2 * b, 0.0])
    grad_g = labels[active, None] * np.column_stack(
        [points[active], np.ones(active.sum())]
    )
    lam = np.zeros(len(points))
    lam[active] = np.linalg.lstsq(grad_g.T, grad_f, rcond=None)[0]
    return lam


def plot_svm(points, labels, w, support, lam):
    """Points, the line, both margin lines, the support vectors circled,
    and the width."""
    a, b, c = w
    fig, ax = plt.subplots(figsize=(9, 6))
    # The line a·x + b·y + c = level, as y = (level − c − a·x) / b
    xs = np.linspace(-1.5, 3.5, 2)
    below, above = (-1 - c - a * xs) / b, (1 - c - a * xs) / b
    label = "the margin: no point inside"
    ax.fill_between(xs, below, above, color="gold", alpha=0.25, label=label)
    for level, style, name in [
        (0, "-", "separating line: a·x + b·y + c = 0"),
        (1, "--", "margin line: a·x + b·y + c = +1"),
        (-1, ":", "margin line: a·x + b·y + c = −1"),
    ]:
        ys = (level - c - a * xs) / b
        ax.plot(xs, ys, style, color="black", label=name)
    for label, colour, marker, name in [
        (-1, "tab:blue", "o", "class −1"),
        (1, "tab:red", "s", "class +1"),
    ]:
        x, y = points[labels == label].T
        ax.scatter(
            x, y, c=colour, marker=marker, s=70, zorder=3, label=name
        )
    # The support vectors, ringed in green
    ring = dict(s=420, facecolors="none", edgecolors="green", linewidths=2)
    x, y = points[support].T
    ax.scatter(x, y, zorder=4, label="support vectors", **ring)
    where = dict(textcoords="offset points", xytext=(16, 10))
    for (x, y), value in zip(points, lam):
        ax.annotate(f"λ = {value:.3f}", (x, y), **where)
    # The width 2/√(a² + b²): an arrow along the normal (a, b), from the
    # −1 line to the +1 line.
    norm = np.hypot(a, b)
    unit = np.array([a, b]) / norm
    along = np.array([unit[1], -unit[0]])
    # A point of the line, away from the data.
    centre = -c * unit / norm + 1.6 * along
    start, end = centre - unit / norm, centre + unit / norm
    arrow = dict(arrowstyle="<->", color="green", lw=1.5)
    ax.annotate("", end, start, arrowprops=arrow)
    label = f"width 2/√(a² + b²) = {2 / norm:.4f}"
    ax.plot([], [], color="green", lw=1.5, label=label)  # its legend entry
    title = (
        "Maximum-margin line x + y = 1.5: minimise a² + b²\n"
        "subject to ℓᵢ·(a·xᵢ + b·yᵢ + c) ≥ 1"
    )
    # The legend to the right of the plot
    legend = dict(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9)
    ax.set(xlim=(-1.5, 3.5), ylim=(-1.5, 3.5), aspect="equal")
    styled(ax, title, x="x", y="y", grid=True, legend=legend)
    return fig


def run(ctx):
    ctx.say("Class −1: (0, 0).  Class +1: (1, 2) and (2, 1).")
    ctx.say("SLSQP from (a, b, c) = (1, 1, 1), bounds ±10 on each.\n")
    result = fit_svm(POINTS, LABELS)
    a, b, c = w = result.x
    ctx.record("success", bool(result.success), "solver", result.message)
    shown = f"{float(result.fun)!r}  (8/9; the last digits vary)"
    label = "objective a² + b²"
    ctx.record("objective", float(result.fun), label, shown)
    shown = f"({a:.6f}, {b:.6f}, {c:.6f})"
    ctx.record("solution", w.tolist(), "solution (a, b, c)", shown)
    sign = "+" if c >= 0 else "−"
    ctx.say(
        f"  the line {a:.4f}·x + {b:.4f}·y {sign} {abs(c):.4f} = 0 "
        "is x + y = 1.5"
    )

    margins = functional_margins(w, POINTS, LABELS)
    norm = np.hypot(a, b)
    shown = ", ".join(f"{m:.4f}" for m in margins)
    label = "ℓᵢ·(a·xᵢ + b·yᵢ + c)"
    ctx.record("functional_margins", margins.tolist(), label, shown)
    margin = np.min(margins / norm)
    label = "margin (distance to the nearest point)"
    ctx.record("margin", float(margin), label, f"{margin:.4f}  = 3/(2√2)")
    label = "width between the margin lines 2/√(a² + b²)"
    ctx.record("width", float(2 / norm), label, f"{2 / norm:.4f}")

    support = np.abs(margins - 1) < 1e-3
    lam = lagrange_multipliers(w, POINTS, LABELS, support)
    indices = np.flatnonzero(support).tolist()
    ctx.record("support_vectors", indices, "support vectors (indices)")
    shown = ", ".join(f"{value:.4f}" for value in lam) + "  = 8/9, 4/9, 4/9"
    ctx.record("multipliers", lam.tolist(), "Lagrange multipliers λ", shown)
    # Both sides of each KKT equation, with the λ found
    sum_x = np.sum(lam * LABELS * POINTS[:, 0])
    sum_y = np.sum(lam * LABELS * POINTS[:, 1])
    sum_1 = abs(np.sum(lam * LABELS))
    rows = [
        ("2a = Σ λᵢ·ℓᵢ·xᵢ", f"{2 * a:.4f}", f"{sum_x:.4f}"),
        ("2b = Σ λᵢ·ℓᵢ·yᵢ", f"{2 * b:.4f}", f"{sum_y:.4f}"),
        ("0 = Σ λᵢ·ℓᵢ", "0", f"{sum_1:.4f}"),
    ]
    title = "KKT conditions: ∇(a² + b²) = Σ λᵢ·∇gᵢ"
    ctx.table(title, ["condition", "left", "right"], rows)
    ctx.save(plot_svm(POINTS, LABELS, w, support, lam), "svm")


if __name__ == "__main__":
    from calccourse.author import run_standalone

    run_standalone(run, 7)
